"""Fine-tune a model through the training dialog, with the GUI event loop running, and measure what
a user would notice (the issue's targets: a useful model in <= 2 minutes on 10 classes x 200
images; the GUI thread never blocked > 100 ms; chart updates <= 20 ms of GUI time per epoch).

    .venv/bin/python bench/bench_training_dialog.py                   # the bundled model, CIFAR-10 folders
    .venv/bin/python bench/bench_training_dialog.py --model my.h5 --data ~/photos
    .venv/bin/python bench/bench_training_dialog.py --quick           # tiny generated data: a smoke run

Without --data it builds the folder itself: the first --per-class images of each class of
data/cifar10/train (and --test-per-class of data/cifar10/test as a held-out split) copied into a
temporary folder. Models, checkpoints and the decoded-image cache go to a temporary user folder,
so the run starts cold and leaves nothing behind. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CIFAR = ROOT / "data" / "cifar10"


def build_folder(target: Path, per_class: int, test_per_class: int) -> Path:
    """target/train/<class>/ and target/test/<class>/ from the first images of the CIFAR-10 folders (read only)."""
    for split, count in (("train", per_class), ("test", test_per_class)):
        if count <= 0:
            continue
        for class_folder in sorted(p for p in (CIFAR / split).iterdir() if p.is_dir()):
            out = target / split / class_folder.name
            out.mkdir(parents=True, exist_ok=True)
            for image in sorted(class_folder.glob("*.jpg"))[:count]:
                shutil.copy(image, out / image.name)
    return target


def build_generated(target: Path, per_class: int, test_per_class: int) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import make_class_folders  # the tests' generated colour classes

    return make_class_folders(
        target, labels=("cat", "dog", "frog"), per_class=per_class, test_per_class=test_per_class, seed=3
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="the model to fine-tune (default: the bundled one)")
    parser.add_argument("--data", help="a class-per-folder directory (default: built from data/cifar10)")
    parser.add_argument("--per-class", type=int, help="training images per class (default 200; --quick: 30)")
    parser.add_argument("--test-per-class", type=int, help="held-out images per class (default 100; --quick: 10)")
    parser.add_argument("--head-epochs", type=int, help="default: the dialog's")
    parser.add_argument("--epochs", type=int, help="fine-tune epochs; default: the dialog's")
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--lr", type=float, help="stage-2 (SGD) peak learning rate; default: the dialog's")
    parser.add_argument("--precision", choices=("auto", "on", "off"), default="auto")
    parser.add_argument(
        "--cold", action="store_true", help="do not import TensorFlow before Start (the app has, to load its model)"
    )
    parser.add_argument("--screenshot", help="save a PNG of the dialog here when the middle epoch ends")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="generated data (3 classes x 30 images), tiny network if no model, 1+1 epochs",
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-training-dialog-"))
    os.environ["INFINITYVISION_DATA_DIR"] = str(scratch / "user")
    os.environ["INFINITYVISION_CACHE_DIR"] = str(scratch / "cache")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from infinityvision_desktop import paths
    from infinityvision_desktop.gui.training_dialog import BASE_AIRBENCH, BASE_FINE_TUNE, TrainingDialog

    model = Path(args.model) if args.model else paths.bundled_model_path()
    per_class = args.per_class if args.per_class is not None else (30 if args.quick else 200)
    test_per_class = args.test_per_class if args.test_per_class is not None else (10 if args.quick else 100)
    if args.data:
        data = Path(args.data)
    elif args.quick:
        data = build_generated(scratch / "data", per_class, test_per_class)
    else:
        data = build_folder(scratch / "data", per_class, test_per_class)
    widths = None
    if not model.exists():
        if not args.quick:
            print(f"no model at {model}: pass --model", file=sys.stderr)
            return 2
        print(f"(no model at {model}: training a tiny network from scratch instead)")
        model, widths = None, (16, 32, 32)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from infinityvision_desktop.gui import i18n

    i18n.install("en", app)  # as the app does before its first widget
    dialog = TrainingDialog(model_path=model, widths=widths)
    dialog.show()
    if not model:
        dialog.set_base_kind(BASE_AIRBENCH)
    elif dialog.start_panel.fine_tune_radio.isEnabled():
        dialog.set_base_kind(BASE_FINE_TUNE)
    # else the model cannot be fine-tuned as one (the bundled ensemble): the dialog's own choice,
    # EfficientNet-Lite0 from its ImageNet weights
    overrides = {"mixed_precision": {"auto": None, "on": True, "off": False}[args.precision]}
    if args.quick:
        overrides.update(head_epochs=1, epochs=1 if model else 2, batch_size=16 if per_class <= 60 else 64)
    for key, value in (
        ("head_epochs", args.head_epochs),
        ("epochs", args.epochs),
        ("batch_size", args.batch_size),
        ("learning_rate", args.lr),
    ):
        if value is not None:
            overrides[key] = value

    measures = {
        "gap": 0.0,
        "gaps_over_100ms": 0,
        "ticks": 0,
        "gaps": [],
        "append": [],
        "draw": [],
        "other_draws": [],
        "draw_due": False,
        "epochs": [],
        "stage_at": None,
        "started": 0.0,
        "finished": 0.0,
        "result": None,
    }
    clock = QElapsedTimer()
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    last_tick = [0.0]

    def on_tick():
        now = clock.nsecsElapsed() / 1e9
        if last_tick[0]:
            gap = now - last_tick[0] - 0.010
            measures["gap"] = max(measures["gap"], gap)
            measures["gaps_over_100ms"] += gap > 0.100
            if gap > 0.050:
                measures["gaps"].append((time.perf_counter() - measures["started"], gap))
        measures["ticks"] += 1
        last_tick[0] = now

    def timed_append(function):
        def wrapper(*a, **k):
            started = time.perf_counter()
            try:
                return function(*a, **k)  # changes the lines; blits them, or schedules a full redraw
            finally:
                measures["append"].append(time.perf_counter() - started)
                measures["draw_due"] = True

        return wrapper

    def timed_draw(function):
        def wrapper(*a, **k):
            started = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                # a full redraw after an epoch counts for that epoch; others (start, end, resize) apart
                bucket = "draw" if measures["draw_due"] else "other_draws"
                measures[bucket].append(time.perf_counter() - started)
                measures["draw_due"] = False

        return wrapper

    def on_scan(ok):
        if ok and not args.cold and "keras" not in sys.modules:
            # In the app the inference worker has imported TensorFlow to load its model long before
            # the dialog is used; importing it here, off the GUI thread, keeps that cost (a GIL-held
            # dlopen of several hundred ms) out of the training figures. --cold includes it.
            import threading

            from infinityvision_desktop.gui.workers import freeze_library_objects

            started = time.perf_counter()

            def load():  # as the window's inference worker does before it loads its model
                __import__("infinityvision_desktop.core.pipeline")
                freeze_library_objects()

            loader = threading.Thread(target=load)
            loader.start()
            while loader.is_alive():
                app.processEvents()
                loader.join(0.01)
            print(f"(TensorFlow imported beforehand, off the GUI thread: {time.perf_counter() - started:.1f} s)")
        if not ok:
            print("the data cannot be trained on:", dialog.scan_label.text(), file=sys.stderr)
            app.exit(1)
            return
        print(f"data: {data} — {dialog.scan_label.text()}")
        dialog.set_hyper_parameters(**overrides)
        cfg = dialog.config()
        print(
            f"base: {dialog.base_kind()} ({cfg.base or cfg.arch}); head epochs {cfg.head_epochs}, epochs {cfg.epochs}, "
            f"batch {cfg.batch_size}, lr {cfg.learning_rate:g}, mixed precision {cfg.mixed_precision}"
        )
        clock.start()
        heartbeat.start()
        QTimer.singleShot(100, press_start)  # the heartbeat ticks first, so the gaps Start causes count

    def press_start():
        measures["started"] = time.perf_counter()
        if not dialog.start_button.isEnabled():
            print(f"Start is disabled: {dialog.status_label.text() or dialog.start_panel.base_note.text()}")
            app.exit(1)
            return
        dialog.start_button.click()
        # the curves' canvas exists from Start on: time the Agg redraws draw_idle schedules
        dialog.curves.append_epoch = timed_append(dialog.curves.append_epoch)
        dialog.curves.canvas.draw = timed_draw(dialog.curves.canvas.draw)

    def on_stage(stage):
        if measures["stage_at"] is None:
            measures["stage_at"] = time.perf_counter() - measures["started"]

    def on_epoch(metrics):
        measures["epochs"].append((time.perf_counter() - measures["started"], metrics))
        cfg = dialog.config()
        if args.screenshot and len(measures["epochs"]) == (cfg.head_epochs + cfg.epochs) // 2:
            QTimer.singleShot(200, lambda: dialog.grab().save(args.screenshot, "PNG"))  # after the curves' blit

    def on_finished(result):
        measures["finished"] = time.perf_counter() - measures["started"]
        measures["result"] = result
        # the heartbeat runs on until the end's redraws (the evaluation's confusion matrix) are done
        QTimer.singleShot(500, lambda: (heartbeat.stop(), app.quit()))

    heartbeat.timeout.connect(on_tick)
    dialog.sig_scan_finished.connect(on_scan)
    dialog.sig_stage_started.connect(on_stage)
    dialog.sig_epoch_done.connect(on_epoch)
    dialog.sig_run_finished.connect(on_finished)
    dialog.set_data_path(data)
    code = app.exec()
    dialog.shutdown()
    if code:
        return code

    result = measures["result"]
    print()
    if result is None:
        print("the run failed:", dialog.status_label.text())
        return 1
    meta = result.metadata
    evaluation = (meta.evaluation or meta.validation) if meta else None
    where = "test split" if meta and meta.evaluation else "validation share"
    print(
        f"wall time, Start to saved model: {measures['finished']:.1f} s "
        f"(TensorFlow, data and model before the first stage: {measures['stage_at'] or 0:.1f} s)"
    )
    if evaluation:
        print(f"held-out accuracy: {evaluation['accuracy']:.4f} on {evaluation['n']} images ({where})")
    for at, metrics in measures["epochs"]:
        val = f"{metrics.val_accuracy:.3f}" if metrics.val_accuracy is not None else "-"
        print(
            f"  epoch {metrics.epoch:2d} {metrics.stage:<9} at {at:6.1f} s: loss {metrics.loss:.3f}, "
            f"train acc {metrics.accuracy:.3f}, val acc {val}"
        )
    print(
        f"GUI thread: largest 10 ms timer gap {measures['gap'] * 1000:.0f} ms "
        f"({measures['gaps_over_100ms']} gaps over 100 ms in {measures['ticks']} ticks)"
    )
    epoch_times = [at for at, _ in measures["epochs"]]
    for at, gap in sorted(measures["gaps"], key=lambda item: -item[1])[:5]:
        if measures["stage_at"] is None or at < measures["stage_at"]:
            phase = "loading TensorFlow, the data and the model"
        elif at > measures["finished"]:
            phase = "showing the result"
        elif epoch_times and at > epoch_times[-1]:
            phase = "calibrating, evaluating and saving"
        else:
            phase = f"training, epoch {1 + sum(t < at for t in epoch_times)}"
        print(f"  gap {gap * 1000:4.0f} ms at {at:6.1f} s ({phase})")
    epochs = max(1, len(measures["epochs"]))
    append_ms = sum(measures["append"]) * 1000
    draw_ms = sum(measures["draw"]) * 1000
    worst = max(
        (a + d for a, d in zip(measures["append"], measures["draw"] + [0.0] * len(measures["append"]))), default=0.0
    )
    print(
        f"chart updates per epoch on the GUI thread: {(append_ms + draw_ms) / epochs:.1f} ms on average "
        f"(append_epoch incl. blit {append_ms / epochs:.1f} ms + full redraws {draw_ms / epochs:.1f} ms; "
        f"{len(measures['draw'])} full redraws for {len(measures['epochs'])} epochs; worst epoch {worst * 1000:.1f} ms)"
    )
    print("  per epoch (ms):", " ".join(f"{a * 1000:.1f}" for a in measures["append"]))
    print(
        f"  one-off redraws at Start and at the end: {len(measures['other_draws'])}, "
        f"{sum(measures['other_draws']) * 1000:.0f} ms in all"
    )
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
