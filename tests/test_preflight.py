"""The check before the QApplication: no display, or a library Qt's xcb plugin needs is missing, is
one line and exit code 1, never Qt's abort (exit 134)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import pytest

from infinityvision_desktop.gui import preflight

X11 = {"DISPLAY": ":0"}
DEBIAN = {"ID": "debian"}


def loads_all_but(*missing):
    return lambda soname: soname not in missing


def ensure(env, can_load=lambda soname: True, os_release=DEBIAN, argv=()):
    out = io.StringIO()
    code = preflight.ensure(argv, stream=out, env=env, platform="linux", can_load=can_load, os_release=os_release)
    return code, out.getvalue()


def test_a_missing_cursor_library_is_named_with_how_to_get_it():
    code, printed = ensure(X11, loads_all_but("libxcb-cursor.so.0"))

    assert code == 1
    assert printed == (
        "InfinityVision needs the system library libxcb-cursor0 to open its window: sudo apt install libxcb-cursor0\n"
    )


def test_every_missing_library_is_in_the_one_line():
    code, printed = ensure(X11, loads_all_but("libxcb-icccm.so.4", "libxcb-keysyms.so.1"))

    assert code == 1
    assert printed.count("\n") == 1
    assert printed.rstrip().endswith("sudo apt install libxcb-icccm4 libxcb-keysyms1")


@pytest.mark.parametrize(
    "release, command",
    [
        ({"ID": "ubuntu", "ID_LIKE": "debian"}, "sudo apt install libxcb-cursor0"),
        ({"ID": "linuxmint", "ID_LIKE": "ubuntu debian"}, "sudo apt install libxcb-cursor0"),
        ({"ID": "fedora"}, "sudo dnf install xcb-util-cursor"),
        ({"ID": "arch"}, "sudo pacman -S xcb-util-cursor"),
    ],
)
def test_the_hint_is_for_the_distribution(release, command):
    code, printed = ensure(X11, loads_all_but("libxcb-cursor.so.0"), os_release=release)

    assert code == 1
    assert printed.rstrip().endswith(command)


def test_an_unknown_distribution_gets_the_library_and_every_hint():
    code, printed = ensure(X11, loads_all_but("libxcb-cursor.so.0"), os_release={"ID": "gentoo"})

    assert code == 1
    assert "libxcb-cursor.so.0" in printed
    for command in (
        "sudo apt install libxcb-cursor0",
        "sudo dnf install xcb-util-cursor",
        "sudo pacman -S xcb-util-cursor",
    ):
        assert command in printed


@pytest.mark.parametrize(
    "env", [{}, {"QT_QPA_PLATFORM": "xcb"}, {"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}]
)
def test_no_display_points_at_the_command_line(env):
    code, printed = ensure(env)

    assert code == 1
    assert "there is no display" in printed
    assert "infinityvision classify" in printed
    assert printed.count("\n") == 1


@pytest.mark.parametrize(
    "env, argv",
    [
        ({"QT_QPA_PLATFORM": "offscreen"}, ()),  # the tests
        ({"QT_QPA_PLATFORM": "wayland"}, ()),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, ()),
        ({}, ("-platform", "offscreen")),
    ],
)
def test_another_platform_passes_without_a_display_or_libraries(env, argv):
    assert ensure(env, can_load=lambda soname: False, argv=argv) == (0, "")


def test_a_wayland_session_does_not_need_the_xcb_libraries():
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}

    assert ensure(env, can_load=lambda soname: not soname.startswith("libxcb")) == (0, "")


def test_help_needs_no_window():
    assert ensure({}, argv=("--help",)) == (0, "")


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_macos_and_windows_are_not_checked(platform):
    assert preflight.check(env={}, platform=platform, can_load=lambda soname: False) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="shared libraries by soname: Linux")
def test_the_real_lookup_loads_what_the_dynamic_loader_finds():
    assert preflight._can_load("libc.so.6")
    assert not preflight._can_load("libinfinityvision-no-such-library.so.0")


def test_a_missing_dependency_is_named_not_every_library_that_needs_it(monkeypatch):
    """Without libxcb.so.1 every libxcb-* fails to load; the loader's error names the one to install."""
    import ctypes

    def cdll(name, *args, **kwargs):
        if "xcb" in os.path.basename(name):
            raise OSError("libxcb.so.1: cannot open shared object file: No such file or directory")
        return None

    monkeypatch.setattr(ctypes, "CDLL", cdll)
    monkeypatch.setattr(preflight, "_library_dirs", lambda: [])
    assert preflight._load_failure("libxcb-cursor.so.0") == "libxcb.so.1"
    assert preflight._load_failure("libGL.so.1") is None

    problem = preflight.check(env=X11, platform="linux", os_release=DEBIAN)
    assert problem == "InfinityVision needs the system library libxcb1 to open its window: sudo apt install libxcb1"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="shared libraries by soname: Linux")
def test_a_frozen_app_looks_at_its_own_copies(tmp_path, monkeypatch):
    """A PyInstaller bundle carries libraries the system may not have: its copy counts."""
    import ctypes

    ctypes.CDLL("libz.so.1")
    with open("/proc/self/maps", encoding="utf-8") as maps:
        libz = next(line.split()[-1] for line in maps if "/libz.so" in line)  # the file the loader chose
    soname = "libinfinityvision-bundled-test.so.1"
    shutil.copy(libz, tmp_path / soname)
    assert not preflight._can_load(soname)

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert preflight._can_load(soname)


def test_the_check_imports_neither_qt_nor_tensorflow():
    code = (
        "import sys; from infinityvision_desktop.gui import preflight; preflight.check(env={'DISPLAY': ':0'}); "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'tensorflow', 'keras'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="no display is a Linux (ssh) situation")
def test_the_app_without_a_display_exits_1_with_one_line_not_qt_abort(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "-m", "infinityvision_desktop"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )

    assert done.returncode == 1, (done.returncode, done.stderr)  # not 134 (SIGABRT)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "there is no display" in lines[0] and "infinityvision classify PHOTO" in lines[0]
