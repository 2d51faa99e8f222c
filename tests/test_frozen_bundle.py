"""The packaged app, checked as a user would run it: `--selftest` and `--screenshot`.

Runs when a bundle exists (after `pyinstaller build.spec`); CI builds one first and sets
INFINITYVISION_REQUIRE_BUNDLE=1 so a missing or broken bundle fails instead of skipping.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXE = ROOT / "dist" / "InfinityVision" / ("InfinityVision.exe" if sys.platform == "win32" else "InfinityVision")
REQUIRED = os.environ.get("INFINITYVISION_REQUIRE_BUNDLE") == "1"

pytestmark = pytest.mark.skipif(not EXE.exists() and not REQUIRED, reason="no frozen bundle: run pyinstaller build.spec")


def _run(*args, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", INFINITYVISION_DATA_DIR=str(tmp_path / "userdata"))
    env.pop("INFINITYVISION_MODEL", None)
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env, timeout=600)


def test_frozen_selftest_classifies_the_sample_photos(tmp_path):
    assert EXE.exists(), f"the bundle was not built: {EXE}"
    done = _run("--selftest", tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "selftest passed" in done.stdout


def test_frozen_screenshot_shows_the_answer(tmp_path):
    assert EXE.exists(), f"the bundle was not built: {EXE}"
    shot = tmp_path / "window.png"
    done = _run("--screenshot", str(shot), str(ROOT / "resources" / "samples" / "cat_chelsea.jpg"), tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    from PIL import Image

    with Image.open(shot) as image:
        assert image.width >= 800 and image.height >= 500


def test_frozen_bundle_carries_the_translations():
    """The app's .qm files and Qt's own Ukrainian strings (standard buttons) are in the bundle."""
    assert EXE.exists(), f"the bundle was not built: {EXE}"
    internal = EXE.parent / "_internal"
    for language in ("uk", "en"):
        assert (internal / "resources" / "translations" / f"infinityvision_{language}.qm").is_file()
    assert list(internal.rglob("qtbase_uk.qm")), "Qt's translations were not collected"
    assert not list((internal / "resources").rglob("*.ts")), "translation sources are not needed at run time"


def test_frozen_screenshot_in_ukrainian_and_dark(tmp_path):
    assert EXE.exists(), f"the bundle was not built: {EXE}"
    shot = tmp_path / "window.png"
    done = _run("--screenshot", str(shot), "--language", "uk", "--theme", "dark",
                str(ROOT / "resources" / "samples" / "cat_chelsea.jpg"), tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    from PIL import Image

    with Image.open(shot) as image:
        assert image.convert("L").getpixel((3, image.height - 3)) < 80  # the dark status bar
