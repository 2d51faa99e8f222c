"""`infinityvision --screenshot`: the real entry point, in a fresh process, end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from gui_helpers import OFFSCREEN_NOISE, write_images
from PySide6.QtGui import QImage

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]


def run_app(*args, tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "INFINITYVISION_DATA_DIR": str(tmp_path / "userdata"),
    }
    env.pop("INFINITYVISION_MODEL", None)
    return subprocess.run(
        [sys.executable, "-m", "infinityvision_desktop", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


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


def test_screenshot_options_choose_the_language_and_the_theme(tiny_model_path, tmp_path):
    images = write_images(tmp_path / "photos", 2)
    shots = {}
    for language, theme_name in (("uk", "dark"), ("en", "light")):
        shots[theme_name] = tmp_path / f"{language}_{theme_name}.png"
        done = run_app(
            "--model",
            tiny_model_path,
            "--screenshot",
            shots[theme_name],
            "--language",
            language,
            "--theme",
            theme_name,
            *images,
            tmp_path=tmp_path,
        )
        assert done.returncode == 0, done.stderr
    dark, light = QImage(str(shots["dark"])), QImage(str(shots["light"]))
    # the status bar's background, bottom left
    assert dark.pixelColor(3, dark.height() - 3).lightness() < 80
    assert light.pixelColor(3, light.height() - 3).lightness() > 200


LAUNCH_PROBE = r"""
import json, sys
from infinityvision_desktop.gui import app, theme
_, window, options = app.launch(sys.argv[1:])
print(json.dumps({"menu": window.file_menu.title(), "tab": window.tabs.tabText(1), "theme": theme.current_theme()}))
window.close()
"""


def test_launch_builds_the_window_in_the_language_and_theme_asked_for(tiny_model_path, tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "INFINITYVISION_DATA_DIR": str(tmp_path / "userdata"),
        "LANG": "en_US.UTF-8",
        "LC_ALL": "en_US.UTF-8",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            LAUNCH_PROBE,
            "--screenshot",
            str(tmp_path / "x.png"),
            "--model",
            str(tiny_model_path),
            "--language",
            "uk",
            "--theme",
            "dark",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"menu": "&Файл", "tab": "Історія", "theme": "dark"}
