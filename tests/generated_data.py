"""Generated images and class folders for the tests (no dataset or network needed).

A module of its own, not conftest.py: tests/gui has a conftest.py too, and once pytest has loaded
both, "from conftest import ..." finds whichever was loaded last.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

# Each class is a colour with texture: easy enough to learn in seconds, hard enough to need training.
CLASS_COLOURS = {"cat": (200, 60, 50), "dog": (50, 170, 60), "frog": (60, 70, 210), "ship": (200, 200, 60)}


def make_image(label: str, rng: np.random.Generator, size: int = 32) -> np.ndarray:
    base = np.array(CLASS_COLOURS[label], dtype=np.float32)
    noise = rng.normal(0, 35, (size, size, 3))
    stripes = 25 * np.sin(np.arange(size) / (2 + list(CLASS_COLOURS).index(label)))[None, :, None]
    return np.clip(base + noise + stripes, 0, 255).astype(np.uint8)


def make_class_folders(
    root: Path,
    labels=("cat", "dog", "frog"),
    per_class: int = 24,
    *,
    test_per_class: int = 0,
    size: int = 32,
    seed: int = 0,
) -> Path:
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


# A coloured square decides the class; everything else is noise. For the heatmap tests.
SQUARE_COLOURS = {"red": (230, 40, 40), "green": (40, 220, 40)}
SQUARE_SIDE = 8


def make_square_images(count: int, *, seed: int = 0, size: int = 32):
    """(images, labels, squares): grey noise with one coloured square in the left or right third.

    labels index SQUARE_COLOURS; squares are (top, left) of each square.
    """
    rng = np.random.default_rng(seed)
    images = rng.normal(110, 30, (count, size, size, 3)).clip(0, 255)
    labels = rng.integers(0, len(SQUARE_COLOURS), count)
    colours = list(SQUARE_COLOURS.values())
    squares = []
    for i in range(count):
        on_left = rng.random() < 0.5
        left = int(rng.integers(1, 9) if on_left else rng.integers(size - 15, size - 7))
        top = int(rng.integers(0, size - SQUARE_SIDE + 1))
        images[i, top : top + SQUARE_SIDE, left : left + SQUARE_SIDE] = colours[labels[i]]
        squares.append((top, left))
    return images.astype(np.uint8), labels.astype(np.int64), squares
