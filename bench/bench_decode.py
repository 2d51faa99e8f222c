"""Decoding cost per image, as the inference worker decodes. Prints; asserts nothing.

    .venv/bin/python bench/bench_decode.py [--images data/cifar10/test] [--count 2000]

For the same files, the time per image of `core.images.load_image_with_info` (draft size 32x32,
small JPEGs kept as thumbnails, as `gui.workers` calls it) with the short path for plain JPEGs
and with every file through Pillow's full JPEG plugin; best of 3 passes over warm files.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infinityvision_desktop.core import images  # noqa: E402


def per_image(files: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for path in files:
            images.load_image_with_info(path, draft_size=(32, 32), keep_small_jpeg=96)
        best = min(best, (time.perf_counter() - started) / len(files))
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", default=str(ROOT / "data" / "cifar10" / "test"))
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    files = sorted(str(p) for p in Path(args.images).rglob("*.jpg"))[: args.count]
    if not files:
        raise SystemExit(f"no .jpg files under {args.images}")
    short = per_image(files)
    with mock.patch.object(images, "_plain_jpeg", return_value=None):
        full = per_image(files)
    print(
        f"{len(files)} JPEGs from {args.images}: {short * 1e6:.0f} us per image with the short path, "
        f"{full * 1e6:.0f} us through Pillow's full JPEG plugin ({full / short:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
