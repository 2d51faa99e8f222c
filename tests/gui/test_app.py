"""`infinityvision --screenshot`: the real entry point, in a fresh process, end to end."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from gui_helpers import OFFSCREEN_NOISE, write_images

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]


def run_app(*args, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TF_CPP_MIN_LOG_LEVEL": "3",
           "INFINITYVISION_DATA_DIR": str(tmp_path / "userdata")}
    env.pop("INFINITYVISION_MODEL", None)
    return subprocess.run([sys.executable, "-m", "infinityvision_desktop", *map(str, args)],
                          capture_output=True, text=True, timeout=300, env=env)


def test_screenshot_classifies_the_images_and_saves_the_window(tiny_model_path, tmp_path):
    images = write_images(tmp_path / "photos", 3)
    shot = tmp_path / "shot.png"
    done = run_app("--model", tiny_model_path, "--screenshot", shot, *images, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1200, 780)
    assert "QThread" not in done.stderr
    log_file = tmp_path / "userdata" / "logs" / "infinityvision.log"
    assert "starting" in log_file.read_text(encoding="utf-8")


def test_screenshot_without_a_model_says_so_and_fails(tmp_path):
    missing = tmp_path / "nowhere.h5"
    shot = tmp_path / "shot.png"
    done = run_app("--model", missing, "--screenshot", shot, tmp_path=tmp_path)
    assert done.returncode == 1
    assert "no model could be loaded" in done.stderr and str(missing) in done.stderr
    assert shot.is_file()  # the window, saying where it looked, is still worth a picture
