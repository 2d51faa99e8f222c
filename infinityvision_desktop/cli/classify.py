"""`infinityvision classify`: image files and folders through the model, as a table or JSON lines,
optionally copied into class folders (--sort-into)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from infinityvision_desktop.cli.arguments import add_model_option
from infinityvision_desktop.cli.arguments import model_path as _model_path
from infinityvision_desktop.cli.console import error as _error

COMMANDS = ("classify",)


def add_parsers(sub) -> None:
    p = sub.add_parser("classify", help="classify image files and folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help="images or folders (searched recursively)")
    add_model_option(p)
    p.add_argument("--json", action="store_true", help="one JSON object per line, per image")
    p.add_argument(
        "--not-sure-threshold",
        type=_probability,
        metavar="P",
        help='below this confidence an answer is "not sure" (default: the model\'s own)',
    )
    p.add_argument(
        "--sort-into",
        metavar="DIR",
        help="then COPY each image into DIR/<class>/ (DIR/not_sure/ when "
        "the model is not sure), with DIR/predictions.csv; never "
        "moves or overwrites a file",
    )
    p.set_defaults(handler=cmd_classify)


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 < value < 1.0:
        raise ValueError(text)
    return value


def expand_paths(paths: Sequence[str]) -> list[Path]:
    """Files as given; folders expanded recursively to their image files, sorted."""
    from infinityvision_desktop.core.images import find_images

    return [Path(p) for p in find_images(paths)[0]]


def cmd_classify(args) -> int:
    from infinityvision_desktop.core.classify import ImageItem, classify
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
    rows = []
    to_sort = []  # (path, Prediction or None, error or None), for --sort-into

    def on_batch(results) -> None:
        for result in results:
            path = str(paths[result.key])
            if result.prediction is None:
                row = {"path": path, "error": result.reason or result.error}
            else:
                row = {"path": path, **result.prediction.to_dict()}
                if result.frames > 1:  # say so: only the first frame of an animation is classified
                    row["note"] = f"animated: classified the first of {result.frames} frames"
            to_sort.append((path, result.prediction, row.get("error")))
            if args.json:
                print(json.dumps(row, ensure_ascii=False), flush=True)
            else:
                rows.append(row)

    summary = classify(
        [ImageItem(key, str(path), str(path)) for key, path in enumerate(paths)],
        predictor,
        threshold=args.not_sure_threshold,
        on_batch=on_batch,
    )
    if not args.json:
        _print_table(rows)
    failed = 1 if summary.skipped else 0
    if args.sort_into:
        return _sort_into(args, to_sort) or failed
    return failed


def _sort_into(args, classified) -> int:
    """Copy the classified images into class folders; 0, or 1 when the destination or a copy failed."""
    from infinityvision_desktop.core.sorting import SortError, SortItem, sort_into_folders

    try:
        report = sort_into_folders(
            [SortItem(path, prediction, error) for path, prediction, error in classified], args.sort_into
        )
    except SortError as exc:
        _error(str(exc))
        return 1
    out = sys.stderr if args.json else sys.stdout  # JSON lines stay pure
    folders = ", ".join(f"{name} {count}" for name, count in report.copied.items()) or "none"
    print(
        f"copied {report.total_copied} images into {report.destination} ({folders})"
        + (f"; {report.renamed} renamed because the name was taken" if report.renamed else "")
        + f"; every prediction in {report.csv_path}",
        file=out,
    )
    not_copied = [(path, reason) for path, reason in report.skipped if reason.startswith("not copied")]
    for path, reason in not_copied:
        _error(f"{path}: {reason}")
    return 1 if not_copied else 0


def _print_table(rows: list[dict]) -> None:
    width = min(60, max(len(r["path"]) for r in rows))
    for row in rows:
        path = row["path"] if len(row["path"]) <= width else "…" + row["path"][-(width - 1) :]
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
