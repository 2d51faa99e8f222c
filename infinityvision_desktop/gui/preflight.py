"""Before the QApplication: is there a display, and can Qt's X11 (xcb) plugin load its libraries?

Where either is missing Qt aborts the process (exit 134) with a message that names one library
(often the wrong one: with no display at all it speaks of libxcb-cursor0). This check runs first
and exits 1 with one line that says what is missing and how to get it.

Cheap and import-light (os, sys, ctypes): no Qt, no TensorFlow. Only Linux is checked; macOS and
Windows have what Qt needs. QT_QPA_PLATFORM=offscreen (tests), wayland or any other non-xcb
platform, and a Wayland session, skip the X11 libraries.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TextIO

# soname -> the package that has it on (Debian/Ubuntu, Fedora, Arch)
GUI_LIBRARIES = {  # QtGui links these whatever the platform plugin
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
}
XCB_LIBRARIES = {  # the xcb platform plugin (libqxcb.so and libQt6XcbQpa.so.6), from `readelf -d`
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),  # Qt 6.5+
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
}
INSTALLERS = (  # (/etc/os-release ids, install command), in the order of the package tuples above
    (("debian", "ubuntu"), "sudo apt install"),
    (("fedora", "rhel", "centos"), "sudo dnf install"),
    (("arch",), "sudo pacman -S"),
)

_passed = False  # cli.main and app.run both ask; the libraries are looked at once


def ensure(argv: Sequence[str] = (), *, stream: TextIO | None = None, **check_options) -> int:
    """0 when the window can be opened; else print one line to stderr and return 1 (the exit code)."""
    global _passed
    if (_passed and not check_options) or "-h" in argv or "--help" in argv:  # argparse's help needs no window
        return 0
    problem = check(argv, **check_options)
    if problem is None:
        if not check_options:
            _passed = True
        return 0
    stream = stream if stream is not None else sys.stderr
    if stream is not None:
        print(problem, file=stream, flush=True)
    return 1


def check(
    argv: Sequence[str] = (),
    *,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    can_load: Callable[[str], bool] | None = None,
    os_release: Mapping[str, str] | None = None,
) -> str | None:
    """None when Qt can open a window here, else the one line that says why not.

    `can_load` (soname -> bool), `env`, `platform` (sys.platform) and `os_release` are for tests; the
    real lookup names the library the loader could not find (libxcb1 missing makes every libxcb-*
    fail to load: only libxcb1 is named).
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    qpa = _platform_plugin(argv, env)
    if qpa and qpa != "xcb":
        return None  # offscreen, wayland, vnc, eglfs...: not ours to judge
    has_x11, has_wayland = bool(env.get("DISPLAY")), bool(env.get("WAYLAND_DISPLAY"))
    if not has_x11 and not (has_wayland and not qpa):
        return (
            f"InfinityVision cannot open its window: there is no display (DISPLAY is not set"
            f"{'' if qpa else ' and neither is WAYLAND_DISPLAY'}, e.g. over ssh). "
            f"Use the command line instead: {_program()} classify PHOTO ... ({_program()} --help lists the commands)"
        )
    wanted = dict(GUI_LIBRARIES)
    # with WAYLAND_DISPLAY set Qt tries its wayland plugin first (xcb is the fallback)
    wayland_first = not qpa and has_wayland and env.get("XDG_SESSION_TYPE", "").lower() != "x11"
    if not wayland_first:
        wanted.update(XCB_LIBRARIES)
    if can_load is None:
        failures = (_load_failure(soname) for soname in wanted)
    else:
        failures = (None if can_load(soname) else soname for soname in wanted)
    missing = _unique(failure for failure in failures if failure)
    if not missing:
        return None
    return _missing_message(missing, wanted, _os_release() if os_release is None else os_release)


def _platform_plugin(argv: Sequence[str], env: Mapping[str, str]) -> str:
    """The platform Qt will be asked for ('' when Qt chooses): -platform NAME, else $QT_QPA_PLATFORM."""
    name = ""
    for flag, value in zip(argv, list(argv)[1:]):
        if flag in ("-platform", "--platform"):
            name = value
    name = name or env.get("QT_QPA_PLATFORM", "")
    # "xcb:option=value", or a fallback list "wayland;xcb" (the first that loads is used)
    return name.split(";")[0].split(":")[0].strip().lower()


def _program() -> str:
    return os.path.basename(sys.executable) if getattr(sys, "frozen", False) else "infinityvision"


def _missing_message(missing: Sequence[str], wanted: Mapping[str, tuple[str, ...]], release: Mapping[str, str]) -> str:
    known = [soname for soname in missing if soname in wanted]
    other = [soname for soname in missing if soname not in wanted]  # a dependency of one of ours
    other_hint = f" and the package that has {', '.join(other)}" if other else ""
    ids = {release.get("ID", "").lower(), *release.get("ID_LIKE", "").lower().split()}
    for column, (names, command) in enumerate(INSTALLERS):
        if ids & set(names):
            packages = _unique(wanted[soname][column] for soname in known)
            named = packages + other
            what = "the system library" if len(named) == 1 else "the system libraries"
            how = (
                f"{command} {' '.join(packages)}{other_hint}"
                if packages
                else f"install the package that has {', '.join(other)}"
            )
            return f"InfinityVision needs {what} {', '.join(named)} to open its window: {how}"
    hints = "; ".join(
        f"{label}: {command} {' '.join(_unique(wanted[s][column] for s in known))}"
        for label, (_, command), column in zip(("Debian/Ubuntu", "Fedora", "Arch"), INSTALLERS, range(3))
    )
    what = "the system library" if len(missing) == 1 else "the system libraries"
    how = (
        f" ({hints}){',' + other_hint if other else ''}"
        if known
        else f": install the package that has {', '.join(other)}"
    )
    return f"InfinityVision needs {what} {', '.join(missing)} to open its window{how}"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _os_release() -> dict[str, str]:
    values = {}
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            with open(path, encoding="utf-8") as file:
                for line in file:
                    key, sep, value = line.strip().partition("=")
                    if sep:
                        values[key] = value.strip().strip('"').strip("'")
            return values
        except OSError:
            continue
    return values


def _library_dirs() -> list[str]:
    """Where the app's own copies of libraries are: the PyInstaller bundle, PySide6's Qt/lib."""
    folders = []
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        folders += [bundle, os.path.join(bundle, "PySide6", "Qt", "lib")]
    else:
        import importlib.util

        try:
            spec = importlib.util.find_spec("PySide6")  # finds the folder without importing Qt
        except (ImportError, ValueError):
            spec = None
        for location in (spec.submodule_search_locations or []) if spec else []:
            folders.append(os.path.join(location, "Qt", "lib"))
    return folders


def _can_load(soname: str) -> bool:
    return _load_failure(soname) is None


def _load_failure(soname: str) -> str | None:
    """None when the dynamic loader can load it as Qt's plugin would (the app's own copy, else the
    system's), else the library that could not be loaded: itself or a dependency of it."""
    import ctypes

    for folder in _library_dirs():
        candidate = os.path.join(folder, soname)
        if os.path.exists(candidate):
            try:
                ctypes.CDLL(candidate)
                return None
            except OSError:
                pass
    try:
        ctypes.CDLL(soname)  # LD_LIBRARY_PATH (as the bundle's boot loader sets it), ld.so.cache, /usr/lib
        return None
    except OSError as exc:
        # "libxcb.so.1: cannot open shared object file: ...": the loader names what it did not find
        culprit = os.path.basename(str(exc).split(":", 1)[0].strip())
        return culprit if culprit.startswith("lib") and ".so" in culprit else soname
