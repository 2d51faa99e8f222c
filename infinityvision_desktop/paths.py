"""Where things live, the same from a PyInstaller bundle, an installed wheel and a source checkout.

The bundled models and resources sit at the top of the repository (models/, resources/). The
PyInstaller bundle puts them at the top of its folder; a wheel (pyproject.toml) puts them inside
the package, as infinityvision_desktop/models and infinityvision_desktop/resources.

The per-user folders (`user_data_dir`, `cache_dir`) are asked of platformdirs, here and only here:
the CLI and the GUI both call these functions, so they share one folder.
"""

from __future__ import annotations

import os
import sys
from importlib import resources as importlib_resources
from pathlib import Path

import platformdirs

from infinityvision_desktop import APP_NAME, ORGANIZATION

BUNDLED_MODEL_NAME = "cifar10_ensemble.h5"


def _installed_root() -> Path | None:
    """The package's own folder when it carries the data (an installed wheel), else None."""
    try:
        package = importlib_resources.files(__package__ or "infinityvision_desktop")
    except (ImportError, TypeError):
        return None
    # a plain folder on disk; a zipped package cannot hand Qt or Keras a file path
    if isinstance(package, Path) and (package / "resources").is_dir() and (package / "models").is_dir():
        return package.resolve()
    return None


def _root() -> Path:
    # 1. PyInstaller unpacks data next to the executable and says where in sys._MEIPASS.
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    # 2. An installed wheel carries models/ and resources/ inside the package.
    installed = _installed_root()
    if installed is not None:
        return installed
    # 3. A source checkout or an editable install: the top of the repository.
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return _root() / "resources"


def models_dir() -> Path:
    return _root() / "models"


def bundled_model_path() -> Path:
    return models_dir() / BUNDLED_MODEL_NAME


def user_data_dir() -> Path:
    """Per-user folder for trained models, checkpoints, logs and the history (created on demand).

    $INFINITYVISION_DATA_DIR if set, else the folder every release so far has used:
    Linux and other Unix `$XDG_DATA_HOME/InfinityVision/InfinityVision` (by default under
    ~/.local/share), Windows `<Local AppData>\\InfinityVision\\InfinityVision`, macOS
    `~/Library/Application Support/InfinityVision`.
    """
    override = os.environ.get("INFINITYVISION_DATA_DIR")
    path = Path(override) if override else _platform_data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _platform_data_dir() -> Path:
    if sys.platform == "win32":
        # platformdirs asks Windows for the Local AppData known folder; the author folder first
        return platformdirs.user_data_path(APP_NAME, ORGANIZATION, roaming=False)
    if sys.platform == "darwin":
        # Apple's fixed folder, not platformdirs: its newer releases follow $XDG_DATA_HOME on macOS,
        # which earlier releases of this app ignored, and a user's models and history must not move.
        return Path.home() / "Library" / "Application Support" / APP_NAME
    # Qt's <organization>/<application> layout under the XDG data folder, as earlier releases made
    # it; platformdirs' own layout would be the application name alone.
    return platformdirs.user_data_path() / ORGANIZATION / APP_NAME


def cache_dir() -> Path:
    """Decoded-dataset and feature caches: safe to delete, rebuilt on demand (created on demand).

    $INFINITYVISION_CACHE_DIR if set, else platformdirs' cache folder: Linux
    `$XDG_CACHE_HOME/InfinityVision` (by default under ~/.cache), Windows
    `<Local AppData>\\InfinityVision\\InfinityVision\\Cache` (the data folder's `cache`, as before:
    Windows names ignore case), macOS `~/Library/Caches/InfinityVision`, which backups leave out.
    Earlier releases kept the macOS cache in the data folder; it is rebuilt in the new place.
    """
    override = os.environ.get("INFINITYVISION_CACHE_DIR")
    path = Path(override) if override else platformdirs.user_cache_path(APP_NAME, ORGANIZATION)
    path.mkdir(parents=True, exist_ok=True)
    return path
