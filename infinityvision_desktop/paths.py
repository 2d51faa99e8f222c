"""Where things live, the same from a PyInstaller bundle, an installed wheel and a source checkout.

The bundled models and resources sit at the top of the repository (models/, resources/). The
PyInstaller bundle puts them at the top of its folder; a wheel (pyproject.toml) puts them inside
the package, as infinityvision_desktop/models and infinityvision_desktop/resources.
"""

from __future__ import annotations

import os
import sys
from importlib import resources as importlib_resources
from pathlib import Path

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
    """Per-user folder for trained models, logs and history (created on demand).

    The GUI asks QStandardPaths; this Qt-free twin gives the same places so the CLI
    and the app share one folder.
    """
    override = os.environ.get("INFINITYVISION_DATA_DIR")
    if override:
        path = Path(override)
    elif sys.platform == "win32":
        path = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "InfinityVision" / "InfinityVision"
    elif sys.platform == "darwin":
        path = Path.home() / "Library" / "Application Support" / "InfinityVision"
    else:
        path = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "InfinityVision" / "InfinityVision"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Decoded-dataset caches: safe to delete, rebuilt on demand."""
    override = os.environ.get("INFINITYVISION_CACHE_DIR")
    if override:
        path = Path(override)
    elif sys.platform == "win32" or sys.platform == "darwin":
        path = user_data_dir() / "cache"
    else:
        path = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "InfinityVision"
    path.mkdir(parents=True, exist_ok=True)
    return path
