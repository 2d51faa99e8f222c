"""Shared fixtures: tiny generated datasets and a tiny trained model, no dataset or network needed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The generators live in generated_data.py; imported here too, for tests that import them from conftest.
from generated_data import CLASS_COLOURS, make_class_folders, make_image  # noqa: E402,F401


@pytest.fixture
def tiny_dataset(tmp_path) -> Path:
    return make_class_folders(tmp_path / "data", per_class=24, test_per_class=8)


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory, monkeypatch):
    """Keep models, caches and settings written by tests out of the real user folders."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("INFINITYVISION_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("INFINITYVISION_CACHE_DIR", str(base / "cache"))


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory) -> Path:
    """A small airbench model trained for a few seconds on generated colours (session-wide)."""
    from infinityvision_desktop.core.pipeline import fine_tune
    from infinityvision_desktop.core.training_config import TrainConfig

    root = tmp_path_factory.mktemp("tinymodel")
    os.environ.setdefault("INFINITYVISION_CACHE_DIR", str(root / "cache"))
    data = make_class_folders(root / "data", labels=tuple(CLASS_COLOURS), per_class=40, test_per_class=10)
    cfg = TrainConfig(
        data=str(data),
        arch="airbench",
        widths=(16, 32, 32),
        epochs=4,
        batch_size=32,
        learning_rate=0.2,
        val_share=0.15,
        out=str(root / "tiny.h5"),
        checkpoint_dir=str(root / "ckpt"),
        mixed_precision=False,
    )
    result = fine_tune(cfg)
    return Path(result.model_path)
