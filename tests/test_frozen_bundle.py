"""The packaged app, checked as a user would run it: `--selftest` and `--screenshot`, offscreen and
on a real X server (Xvfb: Qt's xcb plugin with the libraries the bundle carries).

Runs when a bundle exists (after `pyinstaller build.spec`); CI builds one first and sets
INFINITYVISION_REQUIRE_BUNDLE=1 so a missing or broken bundle fails instead of skipping.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXE = ROOT / "dist" / "InfinityVision" / ("InfinityVision.exe" if sys.platform == "win32" else "InfinityVision")
REQUIRED = os.environ.get("INFINITYVISION_REQUIRE_BUNDLE") == "1"

pytestmark = pytest.mark.skipif(
    not EXE.exists() and not REQUIRED, reason="no frozen bundle: run pyinstaller build.spec"
)


def _run(*args, tmp_path, display=None):
    """Offscreen; or with `display` (":N") as on a desktop: DISPLAY set, no QT_QPA_PLATFORM, so xcb."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", INFINITYVISION_DATA_DIR=str(tmp_path / "userdata"))
    for name in ("INFINITYVISION_MODEL", *(("QT_QPA_PLATFORM", "WAYLAND_DISPLAY") if display else ())):
        env.pop(name, None)
    if display:
        env["DISPLAY"] = display
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def xvfb():
    """An X server of its own (the first free display number, told by Xvfb -displayfd) for this module."""
    if not shutil.which("Xvfb"):
        if REQUIRED:
            pytest.fail("Xvfb is not installed (.ci/run installs it: apt-get install xvfb)")
        pytest.skip("Xvfb is not installed")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 30)
        number = os.read(read_end, 16).decode().strip() if ready else ""
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(timeout=30)


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
    done = _run(
        "--screenshot",
        str(shot),
        "--language",
        "uk",
        "--theme",
        "dark",
        str(ROOT / "resources" / "samples" / "cat_chelsea.jpg"),
        tmp_path=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    from PIL import Image

    with Image.open(shot) as image:
        assert image.convert("L").getpixel((3, image.height - 3)) < 80  # the dark status bar


def test_frozen_screenshot_on_an_x_server(tmp_path, xvfb):
    """As on a Linux desktop: Qt's xcb plugin, with the X libraries the bundle carries, and the answer."""
    assert EXE.exists(), f"the bundle was not built: {EXE}"
    shot = tmp_path / "window.png"
    done = _run(
        "--screenshot",
        str(shot),
        str(ROOT / "resources" / "samples" / "cat_chelsea.jpg"),
        tmp_path=tmp_path,
        display=xvfb,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "qt.qpa.plugin" not in done.stderr, done.stderr
    from PIL import Image

    with Image.open(shot) as image:
        assert image.width >= 800 and image.height >= 500


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb plugin: Linux")
def test_frozen_bundle_carries_the_xcb_plugins_libraries():
    """Those a default Debian/Ubuntu lacks (Qt 6.5+ needs libxcb-cursor) come with the app."""
    assert EXE.exists(), f"the bundle was not built: {EXE}"
    internal = EXE.parent / "_internal"
    for soname in ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"):
        assert list(internal.rglob(soname)), f"{soname} is not in the bundle (install it before building)"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="no display is a Linux (ssh) situation")
def test_frozen_app_without_a_display_says_so_in_one_line(tmp_path):
    assert EXE.exists(), f"the bundle was not built: {EXE}"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [str(EXE)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "INFINITYVISION_DATA_DIR": str(tmp_path / "userdata")},
    )
    assert done.returncode == 1, (done.returncode, done.stderr)  # not Qt's abort (134)
    assert len(done.stderr.splitlines()) == 1 and "there is no display" in done.stderr, done.stderr
    assert f"{EXE.name} classify PHOTO" in done.stderr
