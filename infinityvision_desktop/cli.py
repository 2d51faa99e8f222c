"""`infinityvision`: the GUI with no subcommand; classify, train and evaluate from a terminal.

Exit codes: 0 success, 1 when any image or the run failed, 2 on usage errors (argparse).
Heavy imports (TensorFlow, Qt) happen inside the subcommands that need them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Sequence

from infinityvision_desktop import __version__

GUI_FLAGS = ("--screenshot", "--selftest")
VERBOSE_FLAGS = ("-v", "--verbose")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    leading = next((i for i, arg in enumerate(argv) if arg not in VERBOSE_FLAGS), len(argv))
    verbose, rest = leading > 0, argv[leading:]  # `infinityvision --verbose [COMMAND ...]`
    if rest and rest[0] == "--selftest":
        quiet_library_logs(verbose or any(arg in VERBOSE_FLAGS for arg in rest))
        from infinityvision_desktop import selftest

        model = rest[rest.index("--model") + 1] if "--model" in rest[:-1] else None
        return selftest.run(model, record="--record" in rest)
    if not rest or rest[0] not in SUBCOMMANDS and rest[0] not in ("-h", "--help", "--version"):
        # the GUI: TensorFlow loads on a worker thread while the window is up, so fd 2 is left alone
        # (no quiet_library_logs); app.launch sets TF_CPP_MIN_LOG_LEVEL=2 unless --verbose set 0 here
        if verbose:
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "0")
        from infinityvision_desktop.gui import preflight

        if preflight.ensure(rest):  # no display, or a library Qt's xcb plugin needs: one line, exit 1
            return 1
        from infinityvision_desktop.gui.app import run

        return run(rest)
    parser = build_parser()
    args = parser.parse_args(argv)
    quiet_library_logs(args.verbose)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


# ---------------------------------------------------------------- TensorFlow's start-up messages

# TensorFlow's C++ log lines: absl's "I0101 12:00:00.000000  1234 file.cc:12] ..." (before absl is
# initialised "I0000 00:00:1796244557.304604 ..."), and the older
# "2025-01-01 12:00:00.000000: I tensorflow/file.cc:12] ...".
_LOG_LINE = re.compile(rb"^(?:([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\]"
                       rb"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: ([IWEF]) \S+:\d+\])")
_ABSL_BANNER = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"


def quiet_library_logs(verbose: bool = False) -> None:
    """Hide TensorFlow's INFO and WARNING messages (oneDNN, CPU features, absl's banner): they mean
    nothing to a user. Call before TensorFlow is imported. --verbose, or TF_CPP_MIN_LOG_LEVEL set by
    the user, is respected; errors always get through.

    TF_CPP_MIN_LOG_LEVEL alone is not enough: the oneDNN line is logged through Abseil by a static
    initialiser while TensorFlow's libraries load, before TensorFlow applies that variable, and it is
    logged twice because two of its libraries (libtensorflow_framework.so.2 and the profiler's
    _pywrap_profiler_plugin.so) each carry their own copy of that code and of Abseil. So during
    `import tensorflow` only (whoever imports it; Keras does), fd 2 goes to a temporary file; then
    it is restored and what was written there is passed on, less the lines below the level.
    """
    import logging

    if verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "0")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        level = int(os.environ["TF_CPP_MIN_LOG_LEVEL"])
    except ValueError:
        level = 0
    if level >= 2:  # TensorFlow's and absl-py's Python loggers, to match
        for name in ("tensorflow", "absl"):
            logging.getLogger(name).setLevel(logging.ERROR)
    if level >= 1 and "tensorflow" not in sys.modules and not any(
            isinstance(finder, _QuietTensorFlowImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowImport(level))


class _QuietTensorFlowImport:
    """A one-shot import hook: the first `import tensorflow` runs inside _FilteredStderr."""

    def __init__(self, level: int) -> None:
        self.level = level

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original = loader.exec_module
        level = self.level

        def exec_module(module):
            if module.__name__ != name:  # a loader shared with other modules (a frozen app's)
                return original(module)
            try:
                with _FilteredStderr(level):
                    return original(module)
            finally:
                loader.__dict__.pop("exec_module", None)

        loader.exec_module = exec_module  # on this loader object only, and only until it has run
        return spec


class _FilteredStderr:
    """fd 2 into a temporary file; on exit restored, and the captured text written to it less
    TensorFlow's log lines below `level` (0 INFO, 1 WARNING, 2 ERROR; FATAL always shown)."""

    def __init__(self, level: int) -> None:
        self.level = level
        self.saved = self.capture = None

    def __enter__(self):
        import tempfile

        try:
            sys.stderr.flush()
            capture = tempfile.TemporaryFile()
            self.saved = os.dup(2)
            os.dup2(capture.fileno(), 2)
            self.capture = capture
        except (OSError, AttributeError, ValueError):  # no fd 2 (a windowed app): nothing to hide
            self.saved = None
        return self

    def __exit__(self, *exc_info) -> None:
        if self.capture is None:
            return
        try:
            sys.stderr.flush()  # what Python wrote meanwhile (warnings) is in the capture too
        except (AttributeError, ValueError, OSError):
            pass
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.capture.seek(0)
        captured = self.capture.read()
        self.capture.close()
        kept = b"".join(line for line in captured.splitlines(keepends=True) if self._keep(line))
        while kept:
            try:
                kept = kept[os.write(2, kept):]
            except OSError:
                break

    def _keep(self, line: bytes) -> bool:
        if line.rstrip(b"\r\n") == _ABSL_BANNER:
            return self.level < 1
        match = _LOG_LINE.match(line)
        if match is None:
            return True
        severity = b"IWEF".index(match.group(1) or match.group(2))
        return severity >= min(self.level, 3)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="infinityvision", description=(
        "Classify photos into the ten CIFAR-10 classes. With no command, the desktop app starts."))
    parser.add_argument("--version", action="version", version=f"InfinityVision {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show TensorFlow's own INFO and WARNING messages (hidden by default)")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("classify", help="classify image files and folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help="images or folders (searched recursively)")
    p.add_argument("--model", help="a .h5/.keras model (default: the bundled one)")
    p.add_argument("--json", action="store_true", help="one JSON object per line, per image")
    p.add_argument("--sort-into", metavar="DIR", help="then COPY each image into DIR/<class>/ (DIR/not_sure/ when "
                                                     "the model is not sure), with DIR/predictions.csv; never "
                                                     "moves or overwrites a file")
    p.set_defaults(handler=cmd_classify)

    p = sub.add_parser("train", help="train or fine-tune a model", description=(
        "With only --data and --out (or --fast): the fast path, a linear head on the ImageNet backbone's "
        "features, in seconds. Any other training option (or --deep) runs the fine-tune pipeline."))
    p.add_argument("--data", required=True, help="a class-per-folder directory, a .tar.gz of one, or 'cifar10' (download)")
    path = p.add_mutually_exclusive_group()
    path.add_argument("--fast", action="store_true", help="a linear head on cached ImageNet features (the default "
                                                          "when no other training option is given)")
    path.add_argument("--deep", action="store_true", help="the fine-tune pipeline, with its defaults (--arch airbench)")
    p.add_argument("--arch", default=None, choices=("airbench", "vgg16", "pic-cnn", "efficientnet-lite0"),
                   help="fine-tune pipeline: the network (default airbench)")
    p.add_argument("--widths", default="small", choices=("small", "large"), help="airbench size")
    p.add_argument("--base", help="fine-tune this model file (new head if the classes differ)")
    p.add_argument("--out", help="where to save the model (.h5 or .keras)")
    p.add_argument("--epochs", type=int, default=16, help="epochs of the main stage")
    p.add_argument("--head-epochs", type=int, default=3, help="epochs of the head-only stage when fine-tuning")
    p.add_argument("--batch-size", type=int, default=512)
    p.add_argument("--lr", type=float, default=None, help="peak learning rate of the main stage (SGD)")
    p.add_argument("--head-lr", type=float, default=1e-3, help="learning rate of the head stage (Adam)")
    p.add_argument("--unfreeze-blocks", type=int, default=2, help="blocks opened from the top when fine-tuning; "
                                                                "-1 opens everything, BatchNorm included")
    p.add_argument("--momentum", type=float, default=0.85)
    p.add_argument("--weight-decay", type=float, default=0.009, help="decoupled, per unit of learning rate")
    p.add_argument("--bias-scale", type=float, default=64.0, help="BatchNorm shifts learn this much faster (airbench)")
    p.add_argument("--backbone-size", type=int, default=96, help="efficientnet-lite0: its input is upsampled to this")
    p.add_argument("--label-smoothing", type=float, default=0.2)
    p.add_argument("--cutout", type=int, default=0)
    p.add_argument("--no-flip", action="store_true")
    p.add_argument("--translate", type=int, default=2)
    p.add_argument("--patience", type=int, default=0, help="early-stopping patience in epochs (0: off)")
    p.add_argument("--val-share", type=float, default=0.05)
    p.add_argument("--input-size", type=int)
    p.add_argument("--precision", choices=("auto", "mixed_bfloat16", "float32"), default="auto")
    p.add_argument("--no-tta", action="store_true", help="no flip test-time augmentation")
    p.add_argument("--no-lookahead", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--checkpoint-dir")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint of the same run")
    p.add_argument("--max-per-class", type=int, help="use at most this many images per class (quick trials)")
    p.add_argument("--vgg-weights", default="imagenet", help="'imagenet', a weights file, or 'none'")
    p.add_argument("--strategy", default="default", choices=("default", "mirrored", "multi-worker"),
                   help="tf.distribute: 'mirrored' trains on this machine's GPUs (else its logical CPUs) in "
                        "sync; 'multi-worker' on several machines, each running this same command with "
                        "TF_CONFIG naming the cluster and its place in it. --batch-size is the global batch")
    p.set_defaults(handler=cmd_train)

    p = sub.add_parser("combine", help="combine two trained models of the same classes into one (an ensemble)")
    p.add_argument("models", nargs=2, metavar="MODEL")
    p.add_argument("--data", required=True, help="the data both were trained on: the weight, temperature and "
                                                 "'not sure' threshold are fitted on its held-out split")
    p.add_argument("--out", required=True)
    p.add_argument("--not-sure-cost", type=float, default=0.05,
                   help="share of held-out images answered 'not sure' (default 0.05)")
    p.add_argument("--weights-dtype", choices=("float32", "float16"), default="float32",
                   help="float16 stores the weights at half the size (a model to ship; answers move by ~1e-4)")
    p.set_defaults(handler=cmd_combine)

    p = sub.add_parser("evaluate", help="accuracy, confusion matrix and per-class report on labelled data")
    p.add_argument("--model", help="a .h5/.keras model (default: the bundled one)")
    p.add_argument("--data", required=True)
    p.add_argument("--split", default="test", help="test, train or all")
    p.add_argument("--json", action="store_true")
    p.add_argument("--report", metavar="DIR", help="also write charts (PNG), every image's prediction (CSV) "
                                                  "and the scores into DIR")
    p.set_defaults(handler=cmd_evaluate)

    p = sub.add_parser("explain", help="save a picture of where the model looked (a Grad-CAM heatmap over the image)")
    p.add_argument("image", metavar="IMAGE")
    p.add_argument("--class", dest="class_name", metavar="NAME", help="explain this class (default: the model's answer)")
    p.add_argument("--out", required=True, metavar="PNG", help=f"the picture to write (.png or .jpg; long side at most {EXPLAIN_MAX_SIDE} px)")
    p.add_argument("--model", help="a .h5/.keras model (default: the bundled one)")
    p.add_argument("--opacity", type=float, default=0.5, help="how strongly the heatmap covers the image, 0-1 (default 0.5)")
    p.set_defaults(handler=cmd_explain)

    p = sub.add_parser("export", help="export the model as .keras, .h5, TensorFlow Lite (float32 or int8) or a "
                                      "SavedModel for TensorFlow Serving, with its labels and preprocessing in "
                                      "a JSON file beside it")
    p.add_argument("--out", required=True, metavar="PATH", help="model.keras, model.h5, model.tflite, or a new "
                                                                "folder for --format saved-model")
    p.add_argument("--format", choices=("keras", "h5", "tflite", "tflite-int8", "saved-model"),
                   help="default: from the suffix of --out (.tflite: float32); saved-model: a folder that "
                        "TensorFlow Serving loads as it is, answering with the calibrated probabilities "
                        "(docs/serving.md)")
    p.add_argument("--sample", metavar="DIR", help="representative images (a folder, searched recursively): "
                                                   "needed for int8; for TFLite and saved-model also used to "
                                                   "check the export")
    p.add_argument("--model", help="a .h5/.keras model (default: the bundled one)")
    # for the app's export worker, which runs TFLite conversion in a child process: one line per
    # stage ("stage convert") and the result as "result {json}"
    p.add_argument("--progress-lines", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_export)
    for command in sub.choices.values():  # --verbose after the command too (the global one is before it)
        command.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                             help="show TensorFlow's own INFO and WARNING messages")
    return parser


SUBCOMMANDS = ("classify", "train", "combine", "evaluate", "explain", "export")
EXPLAIN_MAX_SIDE = 2048


def _model_path(given: str | None) -> Path:
    from infinityvision_desktop.paths import bundled_model_path

    return Path(given) if given else bundled_model_path()


def _error(message: str) -> None:
    print(f"infinityvision: {message}", file=sys.stderr)


# ---------------------------------------------------------------- classify

def expand_paths(paths: Sequence[str]) -> list[Path]:
    """Files as given; folders expanded recursively to their image files, sorted."""
    from infinityvision_desktop.core.images import find_images

    return [Path(p) for p in find_images(paths)[0]]


def cmd_classify(args) -> int:
    from infinityvision_desktop.core.images import ImageLoadError, load_image_with_info
    from infinityvision_desktop.core.modelfile import ModelFileError

    paths = expand_paths(args.paths)
    if not paths:
        _error("no images found in " + ", ".join(args.paths))
        return 1
    try:
        from infinityvision_desktop.core.predictor import Predictor

        predictor = Predictor.load(_model_path(args.model))
    except ModelFileError as exc:
        _error(str(exc))
        return 1
    failed = 0
    rows = []
    batch: list[tuple[Path, object, int]] = []
    to_sort = []  # (path, Prediction or None, error or None), for --sort-into

    def flush():
        nonlocal failed
        images = [img for _, img, _ in batch if not isinstance(img, ImageLoadError)]
        predictions = iter(predictor.predict(images))
        for path, image, frames in batch:
            if isinstance(image, ImageLoadError):
                failed += 1
                row = {"path": str(path), "error": image.reason}
                to_sort.append((str(path), None, image.reason))
            else:
                prediction = next(predictions)
                to_sort.append((str(path), prediction, None))
                row = {"path": str(path), **prediction.to_dict()}
                if frames > 1:  # say so: only the first frame of an animation is classified
                    row["note"] = f"animated: classified the first of {frames} frames"
            emit(row)
        batch.clear()

    def emit(row):
        if args.json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        else:
            rows.append(row)

    for path in paths:
        frames = 1
        try:
            image, info = load_image_with_info(path, draft_size=predictor.decode_size)
            frames = info.frames
        except ImageLoadError as exc:
            image = exc
        batch.append((path, image, frames))
        if len(batch) >= 256:
            flush()
    flush()
    if not args.json:
        _print_table(rows)
    if args.sort_into:
        return _sort_into(args, to_sort) or (1 if failed else 0)
    return 1 if failed else 0


def _sort_into(args, classified) -> int:
    """Copy the classified images into class folders; 0, or 1 when the destination or a copy failed."""
    from infinityvision_desktop.core.sorting import SortError, SortItem, sort_into_folders

    try:
        report = sort_into_folders([SortItem(path, prediction, error) for path, prediction, error in classified],
                                   args.sort_into)
    except SortError as exc:
        _error(str(exc))
        return 1
    out = sys.stderr if args.json else sys.stdout  # JSON lines stay pure
    folders = ", ".join(f"{name} {count}" for name, count in report.copied.items()) or "none"
    print(f"copied {report.total_copied} images into {report.destination} ({folders})"
          + (f"; {report.renamed} renamed because the name was taken" if report.renamed else "")
          + f"; every prediction in {report.csv_path}", file=out)
    not_copied = [(path, reason) for path, reason in report.skipped if reason.startswith("not copied")]
    for path, reason in not_copied:
        _error(f"{path}: {reason}")
    return 1 if not_copied else 0


def _print_table(rows: list[dict]) -> None:
    width = min(60, max(len(r["path"]) for r in rows))
    for row in rows:
        path = row["path"] if len(row["path"]) <= width else "…" + row["path"][-(width - 1):]
        if "error" in row:
            print(f"{path:<{width}}  error: {row['error']}")
        else:
            answer = f"not sure, looks most like {row['label']}" if row["not_sure"] else row["label"]
            if row.get("looks_like"):
                answer = f"none of the ten, looks like {row['looks_like']}"
            note = f"  ({row['note']})" if "note" in row else ""
            print(f"{path:<{width}}  {row['confidence']:6.1%}  {answer}{note}")
    ok = sum("error" not in r for r in rows)
    print(f"{ok} classified, {len(rows) - ok} skipped")


# ---------------------------------------------------------------- train

class TerminalProgress:
    """A one-line progress bar with ETA on stderr (nothing at all when stderr is missing)."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.stage_started = time.perf_counter()
        self.last_draw = 0.0
        self.total_batches = 1
        self.stage_name = ""

    def _write(self, text: str) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.stream = None

    def message(self, text):
        self._write(f"\r\033[K{text}\n")

    def data_progress(self, done, total):
        now = time.perf_counter()
        if now - self.last_draw > 0.2 or done == total:
            self.last_draw = now
            self._write(f"\r\033[Kdecoding images {done}/{total}")
            if done == total:
                self._write("\n")

    def stage_changed(self, stage, steps):
        self.stage_name = stage.name
        self.total_batches = stage.epochs * steps
        self.stage_started = time.perf_counter()
        self.done_before = None
        self._write(f"\r\033[Kstage {stage.index + 1}: {stage.name}, {stage.epochs} epochs of {steps} batches\n")

    def batch_done(self, stage, stage_epoch, batch, batches, loss):
        now = time.perf_counter()
        done = (stage_epoch - 1) * batches + batch
        if self.done_before is None:
            # resumed runs start mid-stage: time only what this process does
            self.done_before, self.stage_started = done - 1, now
        if now - self.last_draw < 0.5 and batch != batches:
            return
        self.last_draw = now
        rate = (done - self.done_before) / max(now - self.stage_started, 1e-6)
        eta = (self.total_batches - done) / rate if rate > 0 else 0
        filled = int(30 * done / self.total_batches)
        self._write(f"\r\033[K{stage.name} epoch {stage_epoch}/{stage.epochs} [{'#' * filled}{'.' * (30 - filled)}] "
                    f"batch {batch}/{batches} loss {loss:.3f} ETA {_duration(eta)}")

    def epoch_done(self, m):
        val = f" val_acc {m.val_accuracy:.4f} val_loss {m.val_loss:.3f}" if m.val_accuracy is not None else ""
        self._write(f"\r\033[Kepoch {m.epoch} ({m.stage} {m.stage_epoch}/{m.stage_epochs}) loss {m.loss:.4f} "
                    f"acc {m.accuracy:.4f}{val} lr {m.learning_rate:.4f} {m.seconds:.0f}s\n")

    def finished(self, result): ...
    def failed(self, error): ...

    def should_stop(self):
        return False


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else f"{seconds // 60}:{seconds % 60:02d}"


def cmd_combine(args) -> int:
    from infinityvision_desktop.core.datasets import DatasetError
    from infinityvision_desktop.core.ensemble import EnsembleError, build_ensemble
    from infinityvision_desktop.core.modelfile import ModelFileError

    try:
        result = build_ensemble(list(args.models), args.data, args.out, not_sure_cost=args.not_sure_cost,
                                weights_dtype=args.weights_dtype, on_message=lambda text: print(text, file=sys.stderr))
    except (DatasetError, ModelFileError, EnsembleError, ValueError) as exc:
        _error(str(exc))
        return 1
    meta = result.metadata
    print(f"saved {result.path}: weight {result.weight:.2f} / {1 - result.weight:.2f}; temperature "
          f"{meta.temperature:.3f}; not-sure threshold {meta.not_sure_threshold:.3f}")
    members = ", ".join(f"{a:.4f}" if a is not None else "?" for a in result.members_test_accuracy)
    if meta.evaluation:
        print(f"test accuracy {meta.evaluation['accuracy']:.4f} (the models alone: {members})")
    return 0


def cmd_train(args) -> int:
    path = _train_path(args)
    if path != "deep":
        return cmd_teach(args) if path == "fast" else 2
    from infinityvision_desktop.core.architectures import ArchitectureError
    from infinityvision_desktop.core.datasets import DatasetError
    from infinityvision_desktop.core.modelfile import ModelFileError
    from infinityvision_desktop.core.training import TrainConfig

    # fine-tuning a trained net at a tenth of that diverged (NaN); 0.01 trains it steadily
    lr = args.lr if args.lr is not None else (0.75 if not args.base else 0.01)
    cfg = TrainConfig(
        data=args.data, arch=args.arch or "airbench", widths=args.widths, base=args.base, out=args.out,
        input_size=args.input_size, epochs=args.epochs, head_epochs=args.head_epochs,
        batch_size=args.batch_size, learning_rate=lr, head_learning_rate=args.head_lr,
        unfreeze_blocks=args.unfreeze_blocks, flip=not args.no_flip, translate=args.translate,
        cutout=args.cutout, label_smoothing=args.label_smoothing, patience=args.patience,
        val_share=args.val_share, tta=not args.no_tta, lookahead=not args.no_lookahead,
        mixed_precision={"auto": None, "mixed_bfloat16": True, "float32": False}[args.precision],
        seed=args.seed, checkpoint_dir=args.checkpoint_dir, resume=args.resume,
        max_per_class=args.max_per_class, vgg_weights=args.vgg_weights, momentum=args.momentum,
        weight_decay=args.weight_decay, bias_scale=args.bias_scale, backbone_size=args.backbone_size,
        strategy=args.strategy,
    )
    try:
        from infinityvision_desktop.core.pipeline import fine_tune

        result = fine_tune(cfg, TerminalProgress())
    except (DatasetError, ModelFileError, ArchitectureError, ValueError) as exc:
        _error(str(exc))
        return 1
    if result.model_path is None:
        _error(result.message)
        return 1
    meta = result.metadata
    print(f"saved {result.model_path} ({result.message}; {_duration(result.seconds)} wall)")
    if meta.validation:
        print(f"validation accuracy {meta.validation['accuracy']:.4f}; temperature {meta.temperature:.3f}; "
              f"not-sure threshold {meta.not_sure_threshold:.3f}")
    if meta.evaluation:
        print(f"test accuracy {meta.evaluation['accuracy']:.4f} on {meta.evaluation['n']} images")
    return 0


# Options the fast path takes too; any other train option given selects the fine-tune pipeline.
FAST_OPTIONS = frozenset({"data", "out", "seed", "fast", "deep"})


def _train_path(args) -> str:
    """'fast', 'deep', or 'refused' (after saying why): which trainer `train` runs."""
    defaults = vars(build_parser().parse_args(["train", "--data", "-"]))
    deep_options = sorted(key for key, value in vars(args).items()
                          if key in defaults and key not in FAST_OPTIONS and key != "verbose"
                          and value != defaults[key])
    if args.fast and deep_options:
        shown = ", ".join("--" + key.replace("_", "-") for key in deep_options)
        _error(f"--fast takes only --data, --out and --seed; {shown} belong to the fine-tune pipeline (--deep)")
        return "refused"
    if args.deep or deep_options:
        return "deep"
    if str(args.data).lower() == "cifar10" and not Path(args.data).exists():
        return "deep"  # the CIFAR-10 download: 50,000 images, what the fine-tune pipeline is built for
    return "fast"


def cmd_teach(args) -> int:
    """`train` with no other option: a linear head on the ImageNet backbone's cached features."""
    from infinityvision_desktop.core.datasets import DatasetError
    from infinityvision_desktop.core.modelfile import ModelFileError
    from infinityvision_desktop.core.teach import TeachError

    progress = TerminalProgress()
    shown = {"stage": ""}

    def on_progress(stage: str, done: int, total: int) -> None:
        if stage == "features":
            progress.data_progress(done, total)  # throttled, one line
        elif stage != shown["stage"]:
            progress.message({"fit": "fitting the head (cross-validated)", "save": "saving the model"}.get(stage, stage))
        shown["stage"] = stage

    out = args.out
    if out is None:
        from infinityvision_desktop.paths import user_data_dir

        out = user_data_dir() / "models" / f"{Path(args.data).name or 'teach'}-{time.strftime('%Y%m%d-%H%M%S')}.h5"
    try:
        from infinityvision_desktop.core.teach.trainer import teach

        result = teach(args.data, out, on_progress=on_progress, seed=args.seed)
    except (TeachError, DatasetError, ModelFileError, ValueError) as exc:
        _error(str(exc))
        return 1
    for name, reason in result.unreadable:
        _error(f"skipped {name}: {reason}")
    meta = result.metadata
    held = meta.validation
    timing = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result.timings.items())
    print(f"saved {result.model_path} ({meta.architecture}; {len(meta.labels)} classes, {result.images} images, "
          f"{result.corrections} corrections; features computed for {result.computed}, {result.cached} from the cache)")
    print(f"held-out accuracy {held['accuracy']:.4f} ({held['n']} images, {held['method']}); temperature "
          f"{meta.temperature:.3f}; not-sure threshold {meta.not_sure_threshold:.3f}")
    width = max(len(label) for label in meta.labels)
    print("confusion (rows: true class, columns: answer):")
    for label, row in zip(meta.labels, held["confusion"]):
        print(f"  {label:>{width}}  " + " ".join(f"{v:4d}" for v in row))
    if meta.evaluation:
        print(f"test accuracy {meta.evaluation['accuracy']:.4f} on {meta.evaluation['n']} images")
    print(f"time {result.seconds:.1f} s ({timing})")
    return 0


# ---------------------------------------------------------------- evaluate

def cmd_evaluate(args) -> int:
    from infinityvision_desktop.core.datasets import ALL, DatasetError, load_dataset, scan_dataset
    from infinityvision_desktop.core.evaluation import evaluate
    from infinityvision_desktop.core.modelfile import ModelFileError

    if args.report and not Path(args.data).exists():
        _error(f"--report needs --data to be a folder or archive of images, and {args.data} does not exist")
        return 1
    try:
        from infinityvision_desktop.core.predictor import Predictor

        predictor = Predictor.load(_model_path(args.model))
        if args.report:
            return _evaluate_with_report(args, predictor, scan_dataset(args.data, check=False))
        data = load_dataset(args.data, input_size=tuple(predictor.metadata.input_size))
    except (ModelFileError, DatasetError) as exc:
        _error(str(exc))
        return 1
    split = args.split if args.split in data.splits else (ALL if ALL in data.splits and args.split in ("test", "all") else None)
    if split is None:
        _error(f"{args.data} has no '{args.split}' split (it has: {', '.join(data.splits)})")
        return 1
    x, y = data.splits[split]
    model_labels = tuple(predictor.metadata.labels)
    if tuple(data.labels) != model_labels:
        _error(_classes_differ(data.labels, model_labels))
        return 1
    result = evaluate(predictor.probabilities(x), y, model_labels)
    _print_evaluation(args, result, len(data.unreadable))
    return 0


def _classes_differ(data_labels, model_labels) -> str:
    return f"the data's classes ({', '.join(data_labels)}) differ from the model's ({', '.join(model_labels)})"


def _print_evaluation(args, result, unreadable: int) -> None:
    if args.json:
        out = result.to_dict()
        print(json.dumps({"accuracy": out["accuracy"], "labels": out["labels"], "confusion": out["confusion"],
                          "per_class": out["per_class"], "ece": out["ece"], "n": out["n"],
                          "macro": out.get("macro"), "unreadable": unreadable}))
    else:
        print(result.report_text())
        print(f"expected calibration error {result.ece:.4f}; {unreadable} unreadable files skipped")


def _evaluate_with_report(args, predictor, scan) -> int:
    """Image by image (core.folder_evaluation), keeping every image's answer for the CSV and charts."""
    from infinityvision_desktop.core.folder_evaluation import evaluate_folder
    from infinityvision_desktop.core.report import ReportError, write_report

    model_labels = tuple(predictor.metadata.labels)
    if tuple(scan.labels) != model_labels:
        _error(_classes_differ(scan.labels, model_labels))
        return 1
    progress = TerminalProgress()
    result = evaluate_folder(predictor, args.data, split=args.split, on_progress=progress.data_progress)
    _print_evaluation(args, result.evaluation, len(result.unreadable))
    try:
        written = write_report(result, args.report, model_name=predictor.metadata.name)
    except ReportError as exc:
        _error(str(exc))
        return 1
    print(f"report written to {args.report}: {', '.join(path.name for path in written)}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- explain

def cmd_explain(args) -> int:
    from infinityvision_desktop.core.explain import ExplainError, GradCam, overlay
    from infinityvision_desktop.core.images import ImageLoadError, load_image
    from infinityvision_desktop.core.modelfile import ModelFileError

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        _error(f"{out.name}: write the picture as .png or .jpg")
        return 1
    if not 0.0 <= args.opacity <= 1.0:
        _error(f"--opacity must be between 0 and 1, not {args.opacity}")
        return 1
    if not out.resolve().parent.is_dir():
        _error(f"{out}: the folder {out.resolve().parent} does not exist")
        return 1
    try:
        picture = load_image(args.image)
        from infinityvision_desktop.core.predictor import Predictor

        predictor = Predictor.load(_model_path(args.model))
        # the pixels the model sees, decoded as `classify` and the app decode them
        seen = load_image(args.image, draft_size=tuple(predictor.metadata.input_size))
        cam = GradCam.for_predictor(predictor)
        class_index = cam.class_index(args.class_name) if args.class_name else None
        explanation = cam.explain(seen, class_index)
    except (ImageLoadError, ModelFileError, ExplainError) as exc:
        _error(str(exc))
        return 1
    prediction = predictor.predict([seen])[0]
    picture = _fit_within(picture, EXPLAIN_MAX_SIDE)
    try:
        _save_picture(overlay(picture, explanation.heatmap, opacity=args.opacity), out)
    except OSError as exc:
        _error(f"{out}: cannot be written ({exc.strerror or exc})")
        return 1
    answer = f"{prediction.label} {_percent(prediction.confidence)}" + (" (not sure)" if prediction.not_sure else "")
    if explanation.is_top:
        what = f"heatmap for {explanation.label}, the answer"
    else:
        what = f"heatmap for {explanation.label} ({_percent(prediction.probabilities[explanation.class_index])})"
    if explanation.empty:
        what += ": nothing in the image speaks for it"
    print(f"{args.image}: {answer}; {what}; written to {out}")
    return 0


def _percent(probability: float) -> str:
    """'97%' as the app shows it: never '100%' below certainty, '<1%' rather than a '0%' that is not zero."""
    value = round(probability * 100)
    if value >= 100 and probability < 1.0:
        value = 99
    return "<1%" if value == 0 and probability > 0 else f"{value}%"


def _fit_within(rgb, side: int):
    from PIL import Image
    import numpy as np

    height, width = rgb.shape[:2]
    if max(height, width) <= side:
        return rgb
    image = Image.fromarray(rgb)
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    return np.asarray(image)


def _save_picture(rgb, out: Path) -> None:
    """Written beside the target, then renamed over it: an interrupted run leaves no half picture."""
    from PIL import Image

    temp = out.with_name(f".{out.stem}.tmp-{os.getpid()}{out.suffix}")
    try:
        Image.fromarray(rgb).save(temp, format="PNG" if out.suffix.lower() == ".png" else "JPEG", quality=92)
        os.replace(temp, out)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- export

def cmd_export(args) -> int:
    import dataclasses

    from infinityvision_desktop.core.export import ExportError, export_model

    def stage(name: str) -> None:
        print(f"stage {name}", flush=True)

    try:
        result = export_model(_model_path(args.model), args.out, fmt=args.format, sample=args.sample,
                              on_stage=stage if args.progress_lines else lambda name: None)
    except ExportError as exc:
        _error(str(exc))
        return 1
    if args.progress_lines:
        print("result " + json.dumps(dataclasses.asdict(result)), flush=True)
        return 0
    line = f"wrote {result.model_path} ({result.size_bytes / 1e6:.2f} MB, {result.format}) and {result.sidecar_path}"
    if result.calibration_images:
        line += f"; int8 calibrated on {result.calibration_images} sample images"
    if result.checked:
        line += (f"; its top class agrees with the Keras model's on {result.agreement:.1%} of "
                 f"{result.checked} sample images")
    print(line)
    return 0
