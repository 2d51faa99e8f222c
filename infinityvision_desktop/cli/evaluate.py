"""`infinityvision evaluate`: accuracy, confusion matrix and per-class scores of a model on labelled
data, optionally with a report folder of charts and every image's answer."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from infinityvision_desktop.cli.arguments import add_model_option, model_path
from infinityvision_desktop.cli.console import TerminalProgress, error

COMMANDS = ("evaluate",)


def add_parsers(sub) -> None:
    p = sub.add_parser("evaluate", help="accuracy, confusion matrix and per-class report on labelled data")
    add_model_option(p)
    p.add_argument("--data", required=True)
    p.add_argument("--split", default="test", help="test, train or all")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--report",
        metavar="DIR",
        help="also write charts (PNG), every image's prediction (CSV) and the scores into DIR",
    )
    p.set_defaults(handler=cmd_evaluate)


def cmd_evaluate(args) -> int:
    from infinityvision_desktop.core.datasets import ALL, DatasetError, load_dataset, scan_dataset
    from infinityvision_desktop.core.evaluation import evaluate
    from infinityvision_desktop.core.modelfile import ModelFileError

    if args.report and not Path(args.data).exists():
        error(f"--report needs --data to be a folder or archive of images, and {args.data} does not exist")
        return 1
    try:
        from infinityvision_desktop.core.predictor import Predictor

        predictor = Predictor.load(model_path(args.model))
        # a folder or archive: image by image, as the app answers them (a photo's answer also weighs
        # the ImageNet classifier's opinion, core.openset); `cifar10` (downloaded) as the model's arrays
        if Path(args.data).exists():
            return _evaluate_image_by_image(args, predictor, scan_dataset(args.data, check=False))
        data = load_dataset(args.data, input_size=tuple(predictor.metadata.input_size))
    except (ModelFileError, DatasetError) as exc:
        error(str(exc))
        return 1
    split = (
        args.split
        if args.split in data.splits
        else (ALL if ALL in data.splits and args.split in ("test", "all") else None)
    )
    if split is None:
        error(f"{args.data} has no '{args.split}' split (it has: {', '.join(data.splits)})")
        return 1
    x, y = data.splits[split]
    model_labels = tuple(predictor.metadata.labels)
    if tuple(data.labels) != model_labels:
        error(_classes_differ(data.labels, model_labels))
        return 1
    result = evaluate(predictor.probabilities(x), y, model_labels)
    _print_evaluation(args, result, len(data.unreadable))
    return 0


def _classes_differ(data_labels, model_labels) -> str:
    return f"the data's classes ({', '.join(data_labels)}) differ from the model's ({', '.join(model_labels)})"


def _print_evaluation(args, result, unreadable: int) -> None:
    if args.json:
        out = result.to_dict()
        print(
            json.dumps(
                {
                    "accuracy": out["accuracy"],
                    "labels": out["labels"],
                    "confusion": out["confusion"],
                    "per_class": out["per_class"],
                    "ece": out["ece"],
                    "n": out["n"],
                    "macro": out.get("macro"),
                    "unreadable": unreadable,
                }
            )
        )
    else:
        print(result.report_text())
        print(f"expected calibration error {result.ece:.4f}; {unreadable} unreadable files skipped")


def _evaluate_image_by_image(args, predictor, scan) -> int:
    """Image by image (core.folder_evaluation), keeping every image's answer for the CSV and charts
    of `--report`."""
    from infinityvision_desktop.core.folder_evaluation import evaluate_folder
    from infinityvision_desktop.core.report import ReportError, write_report

    model_labels = tuple(predictor.metadata.labels)
    if tuple(scan.labels) != model_labels:
        error(_classes_differ(scan.labels, model_labels))
        return 1
    progress = TerminalProgress()
    result = evaluate_folder(predictor, args.data, split=args.split, on_progress=progress.data_progress)
    _print_evaluation(args, result.evaluation, len(result.unreadable))
    if not args.report:
        return 0
    try:
        written = write_report(result, args.report, model_name=predictor.metadata.name)
    except ReportError as exc:
        error(str(exc))
        return 1
    print(f"report written to {args.report}: {', '.join(path.name for path in written)}", file=sys.stderr)
    return 0
