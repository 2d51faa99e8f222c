"""Figures of the packaged app (or of the source tree): size, start to window painted, --selftest.

    .venv/bin/python bench/bench_bundle.py [--exe dist/InfinityVision/InfinityVision] [--runs 5]

Without --exe it times `python -m infinityvision_desktop` for comparison. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exe", help="the frozen executable (default: run from source)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    command = [args.exe] if args.exe else [sys.executable, "-m", "infinityvision_desktop"]
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    if args.exe:
        bundle = Path(args.exe).resolve().parent
        print(f"bundle {bundle}: {folder_size(bundle) / 1e6:,.0f} MB")

    starts = []
    for _ in range(args.runs):
        began = time.time()
        done = subprocess.run([*command, "--startup-probe"], capture_output=True, text=True, env=env, timeout=120)
        painted = [line for line in done.stdout.splitlines() if line.startswith("painted ")]
        if not painted:
            print("no paint reported:", done.stdout[-500:], done.stderr[-1500:])
            return 1
        starts.append(float(painted[-1].split()[1]) - began)
    print(
        f"start -> window painted: median {statistics.median(starts):.3f} s of {args.runs} "
        f"(min {min(starts):.3f}, max {max(starts):.3f})"
    )

    began = time.time()
    done = subprocess.run([*command, "--selftest"], capture_output=True, text=True, env=env, timeout=300)
    line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:]
    print(f"--selftest: exit {done.returncode} in {time.time() - began:.1f} s: {line}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
