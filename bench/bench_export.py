"""Exporting the bundled model: file sizes, and how often TensorFlow Lite agrees with Keras. Prints; asserts nothing.

    nice -n 19 .venv/bin/python bench/bench_export.py [--model M] [--data data/cifar10] [--images 100]

- exports .keras, .h5, TFLite float32 and TFLite int8 (calibrated on 200 training images) with
  the app's own export code, and prints each file's size and the time it took;
- runs both TFLite models on --images real test images (drawn at random, every class) and prints
  the share whose top class agrees with the Keras model's (same float32 network, one view), and,
  for information, with the app's answer (which adds flip test-time augmentation and, on CPUs
  that have it, computes in bfloat16).
`--data` is the unpacked CIFAR-10 JPEG folder (train/ and test/ of class folders).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def pick(folder: Path, count: int, seed: int) -> list[Path]:
    files = sorted(folder.glob("*/*.jpg")) + sorted(folder.glob("*/*.png"))
    if len(files) < count:
        raise SystemExit(f"{folder} holds {len(files)} images, {count} needed")
    return [files[i] for i in np.random.default_rng(seed).choice(len(files), count, replace=False)]


def main() -> int:
    from infinityvision_desktop.paths import bundled_model_path

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(bundled_model_path()))
    parser.add_argument("--data", default=str(ROOT / "data" / "cifar10"))
    parser.add_argument("--images", type=int, default=100)
    args = parser.parse_args()

    from infinityvision_desktop.core.export import export_model, tflite_probabilities
    from infinityvision_desktop.core.images import load_image, resize_for_model
    from infinityvision_desktop.core.modelfile import load_model_file
    from infinityvision_desktop.core.predictor import Predictor

    data = Path(args.data)
    calibration = pick(data / "train", 200, seed=1)
    tests = pick(data / "test", args.images, seed=2)
    loaded = load_model_file(args.model)
    size = tuple(loaded.metadata.input_size)
    images = np.stack([resize_for_model(load_image(path, draft_size=size), size) for path in tests])
    keras_top = np.asarray(loaded.model(images.astype(np.float32), training=False)).argmax(axis=1)
    app_top = Predictor.load(args.model).probabilities(images).argmax(axis=1)
    truth = np.array([loaded.metadata.labels.index(path.parent.name) for path in tests])
    print(
        f"model {args.model} ({Path(args.model).stat().st_size / 1e6:.1f} MB); {len(tests)} test images from "
        f"{data / 'test'}: Keras float32 one view {np.mean(keras_top == truth):.0%} correct, "
        f"the app (TTA) {np.mean(app_top == truth):.0%}"
    )

    with tempfile.TemporaryDirectory() as folder:
        for fmt, name in (
            ("keras", "model.keras"),
            ("h5", "model.h5"),
            ("tflite", "model.tflite"),
            ("tflite-int8", "model-int8.tflite"),
        ):
            started = time.perf_counter()
            result = export_model(
                args.model, Path(folder) / name, fmt=fmt, sample=calibration if fmt == "tflite-int8" else None
            )
            seconds = time.perf_counter() - started
            line = f"{fmt:>11}: {result.size_bytes / 1e6:6.2f} MB in {seconds:5.1f} s"
            if fmt.startswith("tflite"):
                content = Path(result.model_path).read_bytes()
                started = time.perf_counter()
                top = tflite_probabilities(content, images).argmax(axis=1)
                per_image = (time.perf_counter() - started) / len(images) * 1000
                line += (
                    f"; top class agrees with Keras on {np.mean(top == keras_top):.1%} "
                    f"({int(np.sum(top == keras_top))}/{len(images)}), with the app on "
                    f"{np.mean(top == app_top):.1%}; {np.mean(top == truth):.0%} correct; "
                    f"{per_image:.2f} ms per image"
                )
                if result.calibration_images:
                    line += f"; calibrated on {result.calibration_images} training images"
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
