"""Wall time and test accuracy of a fresh `infinityvision train` run (the 94%-in-30-minutes check).

    .venv/bin/python bench/bench_train.py [--widths small] [--epochs 18] [extra train options...]

Runs the project's own CLI in a subprocess from a cold start (no checkpoint; the decoded-image
cache is allowed, as a user's second run would have it) and prints wall time and accuracy.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--data", default=str(ROOT / "data" / "cifar10"), help="CIFAR-10 folder or archive (default: data/cifar10)"
    )
    parser.add_argument("--widths", default="small")
    parser.add_argument("--epochs", default="18")
    args, extra = parser.parse_known_args()
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            sys.executable,
            "-m",
            "infinityvision_desktop",
            "train",
            "--data",
            args.data,
            "--arch",
            "airbench",
            "--widths",
            args.widths,
            "--epochs",
            args.epochs,
            "--out",
            str(Path(scratch) / "model.h5"),
            "--checkpoint-dir",
            str(Path(scratch) / "ckpt"),
            *extra,
        ]
        print("running:", " ".join(command), flush=True)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - started
    match = re.search(r"test accuracy ([0-9.]+) on (\d+) images", done.stdout)
    if done.returncode or not match:
        print(done.stdout[-2000:], done.stderr[-4000:])
        print(f"FAILED after {wall / 60:.1f} min (exit {done.returncode})")
        return 1
    print(f"wall {wall / 60:.1f} min; test accuracy {float(match.group(1)):.4f} on {match.group(2)} images")
    return 0


if __name__ == "__main__":
    sys.exit(main())
