"""Teach it in a minute (issue 19): how long Train takes and how often the model is right.

Given a folder of class sub-folders (a few photos a class), it copies them into a scratch project
(one image held back) and reports:

- cold: a fresh feature cache and nothing loaded, as a first Train in a new session: TensorFlow's
  import and the backbone's load, features, the cross-validated fit, the saved .h5;
- warm: the held-back image added and Train pressed again in the same session (backbone loaded,
  as in the app's teach worker): the one new image's features, the fit, the save; "usable" is the
  time until the fitted head answers in memory (what the try-it panel uses), before the file;
- cli: `infinityvision train --data DIR --out M` in a new process, cold cache, start-up included,
  and again with the cache warm;
- held-out accuracy: cross-validated on the training photos, and on --test (the saved model through
  `Predictor.predict`, as the app answers), with the share answered "not sure".

    .venv/bin/python bench/bench_teach.py --data DIR [--test DIR] [--no-cli]
    .venv/bin/python bench/bench_teach.py --standin data/cifar10   # no photos of other classes here

`--standin CIFAR_DIR` builds a stand-in from an unpacked CIFAR-10 (train/ and test/ of class folders):
the first 20 train images of four classes (--classes) as the photos, the first 50 test images of
each as --test. 32 px images upscaled to 224: much harder than real photos of four unlike things.

Timings mean something only on an idle machine: it says so when another training run is going.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def busy_note() -> str:
    """'' on an idle machine, else what else is running (timings are then not comparable)."""
    found = subprocess.run(["pgrep", "-af", "infinityvision train"], capture_output=True, text=True).stdout
    others = [line for line in found.splitlines() if str(os.getpid()) != line.split()[0]]
    load = os.getloadavg()[0]
    if others:
        return f"NOT IDLE: another training run is going ({others[0][:80]}...); load {load:.1f}"
    return f"idle (no other training run; load average {load:.1f})"


def copy_project(data: Path, folder: Path) -> Path:
    """The photos copied into a scratch project, minus the last image of the first class (returned)."""
    from infinityvision_desktop.core.teach import TeachProject

    source = TeachProject.open(data)
    project = TeachProject.create(folder, source.classes())
    held_back = None
    for name in source.classes():
        images = source.images(name)
        if held_back is None:
            held_back, images = images[-1], images[:-1]
        project.add_images(name, images)
    return held_back


def make_standin(cifar: Path, scratch: Path, classes: list[str], per_class: int, test_per_class: int):
    import shutil

    folders = []
    for split, count in (("train", per_class), ("test", test_per_class)):
        target = scratch / f"standin-{split}"
        for name in classes:
            (target / name).mkdir(parents=True)
            for path in sorted((cifar / split / name).iterdir())[:count]:
                shutil.copy2(path, target / name / path.name)
        folders.append(target)
    return folders[0], folders[1]


def run_cli(data: Path, out: Path, cache: Path) -> tuple[float, str]:
    env = {**os.environ, "INFINITYVISION_CACHE_DIR": str(cache)}
    command = [str(Path(sys.executable).parent / "infinityvision"), "train", "--data", str(data), "--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the CLI failed ({done.returncode}):\n{done.stderr}")
    return seconds, done.stdout


def test_accuracy(model: Path, test: Path) -> dict:
    from infinityvision_desktop.core.datasets import labelled_files, read_labelled_files
    from infinityvision_desktop.core.images import load_image
    from infinityvision_desktop.core.predictor import Predictor

    predictor = Predictor.load(model)
    files = labelled_files(test)
    right = not_sure = 0
    wrong: list[str] = []
    images, truths = [], []
    for file, data in read_labelled_files(test, files):
        images.append(load_image(data, name=file.name, draft_size=predictor.decode_size))
        truths.append(file.label)
    answers = []
    for start in range(0, len(images), 64):
        answers.extend(predictor.predict(images[start : start + 64]))
    for truth, answer, file in zip(truths, answers, files):
        right += answer.label == truth
        not_sure += answer.not_sure
        if answer.label != truth:
            wrong.append(f"{file.name} -> {answer.label}")
    return {"n": len(truths), "accuracy": right / len(truths), "not_sure": not_sure / len(truths), "wrong": wrong[:10]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="class sub-folders of training photos")
    parser.add_argument("--standin", type=Path, metavar="CIFAR_DIR", help="use a CIFAR-10 stand-in (see above)")
    parser.add_argument("--classes", default="airplane,automobile,bird,cat", help="the stand-in's classes")
    parser.add_argument("--per-class", type=int, default=20)
    parser.add_argument("--test-per-class", type=int, default=50)
    parser.add_argument("--test", type=Path, help="class sub-folders of other photos of the same classes")
    parser.add_argument("--no-cli", action="store_true", help="skip the two CLI runs")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    note = busy_note()
    print(note)
    figures: dict = {"machine": note}
    with tempfile.TemporaryDirectory(prefix="bench-teach-") as scratch:
        scratch = Path(scratch)
        if args.standin:
            args.data, args.test = make_standin(
                args.standin, scratch, args.classes.split(","), args.per_class, args.test_per_class
            )
            figures["standin"] = {
                "from": str(args.standin),
                "classes": args.classes.split(","),
                "per_class": args.per_class,
                "test_per_class": args.test_per_class,
            }
            print(
                f"stand-in: {args.classes}: the first {args.per_class} of {args.standin}/train/<class>, "
                f"--test the first {args.test_per_class} of {args.standin}/test/<class>"
            )
        elif args.data is None:
            parser.error("give --data or --standin")
        held_back = copy_project(args.data, scratch / "project")
        os.environ["INFINITYVISION_CACHE_DIR"] = str(scratch / "cache")

        # cold: the clock runs from before TensorFlow's import
        cold_started = time.perf_counter()
        from infinityvision_desktop.core.teach import TeachProject
        from infinityvision_desktop.core.teach.trainer import Teacher

        teacher = Teacher(cache_folder=scratch / "cache")
        cold = teacher.teach(scratch / "project")
        figures["cold"] = {
            "seconds": time.perf_counter() - cold_started,
            "images": cold.images,
            "computed": cold.computed,
            **{k: round(v, 2) for k, v in cold.timings.items()},
        }
        print(
            f"cold cache: {figures['cold']['seconds']:.1f} s for {cold.images} images "
            f"({', '.join(f'{k} {v:.1f} s' for k, v in cold.timings.items())})"
        )

        # warm: one more photo, same session
        project = TeachProject.open(scratch / "project")
        project.add_images(held_back.parent.name, [held_back])
        usable = []
        warm_started = time.perf_counter()

        def on_progress(stage, done, total):
            if stage == "save" and not usable:
                usable.append(time.perf_counter() - warm_started)

        warm = teacher.teach(scratch / "project", on_progress=on_progress)
        figures["warm"] = {
            "seconds": time.perf_counter() - warm_started,
            "usable_seconds": usable[0],
            "computed": warm.computed,
            "cached": warm.cached,
            **{k: round(v, 2) for k, v in warm.timings.items()},
        }
        print(
            f"warm cache, one image added: {figures['warm']['seconds']:.2f} s to the saved model, "
            f"{usable[0]:.2f} s to a usable head in memory (features computed for {warm.computed}, "
            f"{warm.cached} cached; {', '.join(f'{k} {v:.2f} s' for k, v in warm.timings.items())})"
        )

        held = warm.metadata.validation
        figures["held_out"] = {
            "accuracy": held["accuracy"],
            "n": held["n"],
            "method": held["method"],
            "confusion": held["confusion"],
            "labels": list(warm.metadata.labels),
        }
        print(
            f"held-out accuracy {held['accuracy']:.4f} on {held['n']} images ({held['method']}); "
            f"temperature {warm.metadata.temperature:.3f}, not-sure threshold {warm.metadata.not_sure_threshold:.3f}"
        )
        print("  confusion (rows true):", held["confusion"], "labels", list(warm.metadata.labels))

        if args.test:
            figures["test"] = test_accuracy(Path(warm.model_path), args.test)
            t = figures["test"]
            print(
                f"test accuracy {t['accuracy']:.4f} on {t['n']} images ({t['not_sure']:.1%} answered "
                f"'not sure'); wrong: {', '.join(t['wrong']) or 'none'}"
            )

        if not args.no_cli:
            data = scratch / "project"
            cold_cli, printed = run_cli(data, scratch / "cli.h5", scratch / "cli-cache")
            warm_cli, _ = run_cli(data, scratch / "cli2.h5", scratch / "cli-cache")
            figures["cli"] = {"cold_seconds": cold_cli, "warm_seconds": warm_cli}
            print(
                f"CLI `infinityvision train --data DIR --out M`, start-up included: {cold_cli:.1f} s cold cache, "
                f"{warm_cli:.1f} s warm"
            )
            print("  " + printed.strip().splitlines()[1])
    print(busy_note())
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
