"""The per-user folders: the same places as every earlier release, whatever asks for them."""

from __future__ import annotations

import sys
from pathlib import Path, PureWindowsPath

import platformdirs
import pytest

from infinityvision_desktop import paths

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG folders are Linux's")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home folder of our own, with neither override nor XDG variable set."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("INFINITYVISION_DATA_DIR", "INFINITYVISION_CACHE_DIR", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "home"


@linux_only
def test_on_linux_the_data_folder_is_where_earlier_releases_put_it(home, tmp_path, monkeypatch):
    assert paths.user_data_dir() == home / ".local" / "share" / "InfinityVision" / "InfinityVision"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    assert paths.user_data_dir() == tmp_path / "xdg-data" / "InfinityVision" / "InfinityVision"
    assert paths.user_data_dir().is_dir()


@linux_only
def test_on_linux_the_cache_is_where_earlier_releases_put_it(home, tmp_path, monkeypatch):
    assert paths.cache_dir() == home / ".cache" / "InfinityVision"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    assert paths.cache_dir() == tmp_path / "xdg-cache" / "InfinityVision"
    assert paths.cache_dir().is_dir()


@linux_only
def test_an_empty_or_relative_xdg_variable_is_ignored_as_the_spec_says(home, monkeypatch, tmp_path):
    # The hand-written paths took them literally: a folder relative to wherever the app was started.
    monkeypatch.chdir(tmp_path)
    for value in ("", "relative/data"):
        monkeypatch.setenv("XDG_DATA_HOME", value)
        assert paths.user_data_dir() == home / ".local" / "share" / "InfinityVision" / "InfinityVision"


def test_the_overrides_win_over_the_platform_folders(home, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("INFINITYVISION_DATA_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("INFINITYVISION_CACHE_DIR", str(tmp_path / "my-cache"))
    assert paths.user_data_dir() == tmp_path / "mine" and paths.cache_dir() == tmp_path / "my-cache"
    assert (tmp_path / "mine").is_dir() and (tmp_path / "my-cache").is_dir()


def test_on_windows_the_folders_are_local_appdata_author_then_app(home, tmp_path, monkeypatch):
    """platformdirs' own Windows rules, with a stand-in for the known-folder lookup."""
    from platformdirs import windows

    local = "C:\\Users\\me\\AppData\\Local"
    monkeypatch.setattr(windows, "get_win_folder", lambda name: local if name == "CSIDL_LOCAL_APPDATA" else None)
    monkeypatch.setattr(sys, "platform", "win32")
    # the platform class is chosen when platformdirs is imported: this machine's would be Unix
    monkeypatch.setattr(platformdirs, "user_data_path", lambda *a, **k: Path(windows.Windows(*a, **k).user_data_dir))
    monkeypatch.setattr(platformdirs, "user_cache_path", lambda *a, **k: Path(windows.Windows(*a, **k).user_cache_dir))
    monkeypatch.setattr(Path, "mkdir", lambda *a, **k: None)  # nothing to create on this machine
    data = PureWindowsPath(str(paths.user_data_dir()).replace("/", "\\"))
    assert data == PureWindowsPath(local) / "InfinityVision" / "InfinityVision"
    cache = PureWindowsPath(str(paths.cache_dir()).replace("/", "\\"))
    assert str(cache).lower() == str(data / "cache").lower()  # the earlier <data>/cache: Windows ignores case


@pytest.mark.skipif(sys.platform == "win32", reason="Path.home() reads USERPROFILE there, not the test's HOME")
def test_on_macos_the_data_folder_ignores_xdg_like_earlier_releases(home, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    assert paths.user_data_dir() == home / "Library" / "Application Support" / "InfinityVision"
