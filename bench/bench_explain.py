"""Grad-CAM cost per image, warm, as the app computes it. Prints; asserts nothing.

    nice -n 19 .venv/bin/python bench/bench_explain.py [--model M] [--calls 200]

- the median warm time of one explanation (resize to the model's input, one forward pass over
  the image and its flip, the gradient back to the last conv block, the map spread over the
  input), in the precision the app runs the model in (bfloat16 where the CPU has it) and in float32;
- how far the bfloat16 heatmap is from the float32 one (largest and mean difference on a 0-1 scale)
  and whether both explain the same class.
Images: the sample photos in resources/samples/ (real photos of every size).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def main() -> int:
    from infinityvision_desktop.paths import bundled_model_path

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(bundled_model_path()))
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()

    from infinityvision_desktop.core.explain import GradCam
    from infinityvision_desktop.core.images import load_image
    from infinityvision_desktop.core.predictor import Predictor

    photos = sorted((ROOT / "resources" / "samples").glob("*.jpg"))
    heatmaps = {}
    for precision in ("auto", "float32"):
        predictor = Predictor.load(args.model, precision=precision)
        computes_in = predictor.model.get_layer(index=-2).dtype_policy.name
        # decoded as the app's worker decodes them (draft JPEG at the model's input size)
        images = [load_image(path, draft_size=tuple(predictor.metadata.input_size)) for path in photos]
        started = time.perf_counter()
        cam = GradCam.for_predictor(predictor)
        cam.explain(images[0])
        first = time.perf_counter() - started
        for image in images * 4:  # warm
            cam.explain(image)
        times = []
        for call in range(args.calls):
            image = images[call % len(images)]
            started = time.perf_counter()
            cam.explain(image)
            times.append(time.perf_counter() - started)
        heatmaps[precision] = [cam.explain(image) for image in images]
        print(
            f"{precision:>7} (model computes in {computes_in}), layer {cam.layer}: "
            f"median {statistics.median(times) * 1000:.1f} ms, 90th percentile "
            f"{np.percentile(times, 90) * 1000:.1f} ms over {args.calls} warm calls "
            f"(first call incl. building and tracing: {first:.2f} s)"
        )
    differences = [np.abs(a.heatmap - b.heatmap) for a, b in zip(heatmaps["auto"], heatmaps["float32"])]
    same = sum(a.class_index == b.class_index for a, b in zip(heatmaps["auto"], heatmaps["float32"]))
    print(
        f"app precision vs float32 heatmaps: largest difference {max(d.max() for d in differences):.3f}, "
        f"mean {np.mean([d.mean() for d in differences]):.4f} (0-1 scale); same class explained for "
        f"{same} of {len(photos)} photos"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
