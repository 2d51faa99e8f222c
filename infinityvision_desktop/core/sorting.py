"""Sorting classified images into folders by their predicted class: copies, never moves.

Each image is copied into ``DESTINATION/<class>/`` (``DESTINATION/not_sure/`` when the model was
not sure), and a CSV of every prediction is written beside the folders. Nothing is ever
overwritten: a name that is taken gets " (1)", " (2)", ... before its suffix, and every file is
created with O_EXCL, so even a file that appears while sorting is left alone. The originals are
only read.

Used by `infinityvision classify --sort-into DIR` and File > Sort Into Folders… (in a worker).
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infinityvision_desktop.core.prediction_csv import PredictionRow, write_rows

NOT_SURE_FOLDER = "not_sure"
CSV_NAME = "predictions.csv"
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*]')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


class SortError(Exception):
    """The destination cannot be used, with the folder and the reason."""


@dataclass(frozen=True)
class SortItem:
    """One image to sort: its file, and its prediction or the reason it has none."""

    path: str
    prediction: object | None  # a core.predictor.Prediction
    error: str | None = None


@dataclass(frozen=True)
class SortReport:
    destination: str
    csv_path: str
    copied: dict[str, int] = field(default_factory=dict)  # folder name -> images copied into it
    renamed: int = 0  # copies that got a " (n)" name because the name was taken
    skipped: tuple[tuple[str, str], ...] = ()  # (file, reason): unreadable, or the copy failed
    cancelled: bool = False

    @property
    def total_copied(self) -> int:
        return sum(self.copied.values())


def folder_name(label: str) -> str:
    """A class name as a folder name that is safe on every platform ("cat/dog" -> "cat_dog")."""
    name = _UNSAFE.sub("_", label).strip().rstrip(".")
    if not name or name in (".", ".."):
        name = "_"
    if name.split(".")[0].lower() in _WINDOWS_RESERVED:
        name = f"_{name}"
    return name[:120]


def class_folders(labels: Sequence[str]) -> dict[str, str]:
    """Label -> folder name; distinct for distinct labels, and never the not-sure folder."""
    taken = {NOT_SURE_FOLDER.casefold()}
    result = {}
    for label in labels:
        base = candidate = folder_name(label)
        number = 2
        while candidate.casefold() in taken:  # case-insensitive file systems: "Cat" and "cat" collide
            candidate = f"{base}_{number}"
            number += 1
        taken.add(candidate.casefold())
        result[label] = candidate
    return result


def sort_into_folders(
    items: Sequence[SortItem],
    destination: str | os.PathLike,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SortReport:
    """Copy each predicted image into its class folder (or not_sure/), and write the CSV. Raises SortError."""
    destination = Path(destination)
    try:
        destination.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SortError(f"{destination}: the folder cannot be created ({exc.strerror or exc})") from None
    if not os.access(destination, os.W_OK):
        raise SortError(f"{destination}: permission denied: cannot write into this folder")
    labels: list[str] = []
    for item in items:
        if item.prediction is not None:
            labels.extend(label for label in item.prediction.labels if label not in labels)
    folders = class_folders(labels)
    copied: dict[str, int] = {}
    skipped: list[tuple[str, str]] = []
    rows: list[PredictionRow] = []
    renamed = 0
    cancelled = False
    seen: set[str] = set()
    total = len(items)
    for done, item in enumerate(items, start=1):
        if should_stop is not None and should_stop():
            cancelled = True
            break
        source = os.path.abspath(item.path)
        if source not in seen:  # listed twice: one copy is enough
            seen.add(source)
            prediction = item.prediction
            folder = "" if prediction is None else NOT_SURE_FOLDER if prediction.not_sure else folders[prediction.label]
            reason = (item.error or "not classified") if prediction is None else ""
            target = None
            if not reason:
                try:
                    target, was_renamed = copy_without_overwriting(source, destination / folder)
                except OSError as exc:
                    reason = f"not copied: {exc.strerror or exc}"
                else:
                    renamed += was_renamed
                    copied[folder] = copied.get(folder, 0) + 1
            if reason:
                skipped.append((item.path, reason))
            rows.append(
                _row(
                    item.path,
                    str(target.relative_to(destination)) if target else "",
                    folder,
                    prediction,
                    reason,
                )
            )
        if on_progress is not None:
            on_progress(done, total)
    csv_path = _write_csv(destination, rows)
    return SortReport(str(destination), str(csv_path), dict(sorted(copied.items())), renamed, tuple(skipped), cancelled)


def copy_without_overwriting(source: str | os.PathLike, folder: Path) -> tuple[Path, bool]:
    """Copy `source` into `folder` under its own name, or "name (n).ext" if taken; (target, renamed)."""
    source = Path(source)
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = source.stem, source.suffix
    number = 0
    while True:
        name = f"{stem}{suffix}" if number == 0 else f"{stem} ({number}){suffix}"
        target = folder / name
        try:
            handle = open(target, "xb")  # O_EXCL: never replaces a file, even one created a moment ago
        except FileExistsError:
            number += 1
            continue
        try:
            with handle, open(source, "rb") as original:
                shutil.copyfileobj(original, handle, 1024 * 1024)
            shutil.copystat(source, target)  # keep the photo's dates
        except BaseException:
            target.unlink(missing_ok=True)  # no half copy left behind
            raise
        return target, number > 0


def _row(path: str, copied_to: str, folder: str, prediction, error: str) -> PredictionRow:
    return PredictionRow.of(path, prediction, error=error, extra={"copied_to": copied_to, "folder": folder})


def _write_csv(destination: Path, rows: list[PredictionRow]) -> Path:
    buffer = io.StringIO()
    write_rows(buffer, rows, ("copied_to", "folder"))
    data = buffer.getvalue().encode("utf-8-sig")  # the BOM: spreadsheet apps then read non-ASCII names
    stem, suffix = Path(CSV_NAME).stem, Path(CSV_NAME).suffix
    number = 0
    while True:
        path = destination / (CSV_NAME if number == 0 else f"{stem} ({number}){suffix}")
        try:
            handle = open(path, "xb")  # an earlier run's CSV is kept too
        except FileExistsError:
            number += 1
            continue
        except OSError as exc:
            raise SortError(f"{path}: cannot be written ({exc.strerror or exc})") from None
        try:
            with handle:
                handle.write(data)
        except OSError as exc:
            path.unlink(missing_ok=True)  # ours: created above
            raise SortError(f"{path}: cannot be written ({exc.strerror or exc})") from None
        return path
