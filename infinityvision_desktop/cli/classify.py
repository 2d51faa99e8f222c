"""`infinityvision classify`: image files and folders through the model, as a table or JSON lines,
optionally copied into class folders (--sort-into)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Sequence

from infinityvision_desktop.cli.arguments import add_model_option
from infinityvision_desktop.cli.arguments import model_path as _model_path
from infinityvision_desktop.cli.console import error as _error

COMMANDS = ("classify",)


def add_parsers(sub) -> None:
    p = sub.add_parser("classify", help="classify image files and folders")
    p.add_argument("paths", nargs="+", metavar="PATH", help="images or folders (searched recursively)")
    add_model_option(p)
    p.add_argument("--json", action="store_true", help="one JSON object per line, per image")
    p.add_argument("--sort-into", metavar="DIR", help="then COPY each image into DIR/<class>/ (DIR/not_sure/ when "
                                                     "the model is not sure), with DIR/predictions.csv; never "
                                                     "moves or overwrites a file")
    p.set_defaults(handler=cmd_classify)


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
