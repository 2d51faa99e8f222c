"""Shared fixtures: tiny generated datasets and a tiny trained model, no dataset or network needed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Each class is a colour with texture: easy enough to learn in seconds, hard enough to need training.
CLASS_COLOURS = {"cat": (200, 60, 50), "dog": (50, 170, 60), "frog": (60, 70, 210), "ship": (200, 200, 60)}


def make_image(label: str, rng: np.random.Generator, size: int = 32) -> np.ndarray:
    base = np.array(CLASS_COLOURS[label], dtype=np.float32)
    noise = rng.normal(0, 35, (size, size, 3))
    stripes = 25 * np.sin(np.arange(size) / (2 + list(CLASS_COLOURS).index(label)))[None, :, None]
    return np.clip(base + noise + stripes, 0, 255).astype(np.uint8)


def make_class_folders(root: Path, labels=("cat", "dog", "frog"), per_class: int = 24, *,
                       test_per_class: int = 0, size: int = 32, seed: int = 0) -> Path:
    """root/<label>/NNN.png, or root/train/<label> and root/test/<label> when test_per_class > 0."""
    rng = np.random.default_rng(seed)
    splits = [("train", per_class), ("test", test_per_class)] if test_per_class else [("", per_class)]
    for split, count in splits:
        for label in labels:
            folder = root / split / label if split else root / label
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                Image.fromarray(make_image(label, rng, size)).save(folder / f"{i:03d}.png")
    return root


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
    from infinityvision_desktop.core.training import TrainConfig

    root = tmp_path_factory.mktemp("tinymodel")
    os.environ.setdefault("INFINITYVISION_CACHE_DIR", str(root / "cache"))
    data = make_class_folders(root / "data", labels=tuple(CLASS_COLOURS), per_class=40, test_per_class=10)
    cfg = TrainConfig(data=str(data), arch="airbench", widths=(16, 32, 32), epochs=4, batch_size=32,
                      learning_rate=0.2, val_share=0.15, out=str(root / "tiny.h5"),
                      checkpoint_dir=str(root / "ckpt"), mixed_precision=False)
    result = fine_tune(cfg)
    return Path(result.model_path)
