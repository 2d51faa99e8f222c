"""Where things live, the same from a source checkout and from a PyInstaller bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

BUNDLED_MODEL_NAME = "cifar10_airbench.h5"


def _root() -> Path:
    # PyInstaller unpacks data next to the executable and says where in sys._MEIPASS.
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
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
