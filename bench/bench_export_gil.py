"""Why the app converts to TensorFlow Lite in a child process. Prints; asserts nothing.

    nice -n 19 .venv/bin/python bench/bench_export_gil.py --sample FOLDER [--model M] [--rounds 2]

A 5 ms ticker on the main thread (as a GUI event loop would be) while an int8 export runs
(a) in a thread of this process, as a worker thread would run it, and (b) in a child process
running `infinityvision export`, which the thread only waits on. The longest gap between ticks
is how long the main thread could not run: the converter's C++ passes hold the GIL. An idle
5 s baseline first, for the machine's own noise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def longest_gaps(run) -> tuple[float, float, float]:
    """(longest gap ms, third longest ms, wall s) of a 5 ms ticker while run() works in a thread."""
    done = threading.Event()
    thread = threading.Thread(target=lambda: (run(), done.set()))
    ticks = []
    thread.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
        time.sleep(0.005)
    thread.join()
    gaps = sorted((b - a for a, b in zip(ticks, ticks[1:])), reverse=True) + [0.0, 0.0, 0.0]
    return gaps[0] * 1000, gaps[2] * 1000, ticks[-1] - ticks[0]


def main() -> int:
    from infinityvision_desktop.paths import bundled_model_path

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(bundled_model_path()))
    parser.add_argument("--sample", required=True, help="a folder of images to calibrate int8 on")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    import tensorflow  # noqa: F401 - both ways start with TensorFlow imported, as the app has it

    from infinityvision_desktop.core.export import export_model

    out = Path(tempfile.mkdtemp())

    def in_thread():
        export_model(args.model, out / "thread.tflite", fmt="tflite-int8", sample=args.sample)

    def in_child():
        command = [
            sys.executable,
            "-m",
            "infinityvision_desktop",
            "export",
            "--model",
            args.model,
            "--out",
            str(out / "child.tflite"),
            "--format",
            "tflite-int8",
            "--sample",
            args.sample,
            "--progress-lines",
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env) as child:
            for _ in child.stdout:
                pass

    for _ in range(args.rounds):
        idle = longest_gaps(lambda: time.sleep(5))
        print(f"idle 5 s: longest gap {idle[0]:.0f} ms")
        for name, run in (("in a thread", in_thread), ("in a child process", in_child)):
            longest, third, wall = longest_gaps(run)
            print(
                f"int8 export {name}: longest main-thread gap {longest:.0f} ms, third longest {third:.0f} ms, "
                f"wall {wall:.1f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
