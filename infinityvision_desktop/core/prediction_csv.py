"""The one CSV layout for predictions: Export Results, Sort Into Folders, Evaluate on Folder, the History.

Columns: path, label, confidence, not_sure, looks_like; then the columns the caller adds (the
sorted copy's folder, the true class, when it was classified, ...); then one column per class
probability (the union of every row's classes, in order of appearance); then error (why an image
has no answer). A script that reads one of the app's CSVs reads them all. Written as UTF-8 with
a BOM, so spreadsheet apps read non-ASCII names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

COLUMNS = ("path", "label", "confidence", "not_sure", "looks_like")


@dataclass(frozen=True)
class PredictionRow:
    """One image: its answer (or the reason it has none) and the caller's extra columns."""

    path: str
    label: str = ""
    confidence: float | None = None
    not_sure: bool | None = None
    looks_like: str | None = None
    probabilities: Mapping[str, float] = field(default_factory=dict)
    extra: Mapping[str, object] = field(default_factory=dict)
    error: str = ""

    @classmethod
    def of(cls, path: str, prediction, *, error: str = "", extra: Mapping[str, object] | None = None):
        """A row from a core.predictor.Prediction (None: an image without an answer, `error` says why)."""
        if prediction is None:
            return cls(path, extra=extra or {}, error=error or "not classified")
        return cls(
            path,
            prediction.label,
            prediction.confidence,
            bool(prediction.not_sure),
            prediction.looks_like,
            dict(zip(prediction.labels, prediction.probabilities)),
            extra or {},
            error,
        )


def class_columns(rows: Iterable[PredictionRow]) -> list[str]:
    """Every row's classes, in order of appearance (normally one model's classes)."""
    classes: dict[str, None] = {}
    for row in rows:
        classes.update(dict.fromkeys(row.probabilities))
    return list(classes)


def write_rows(
    handle, rows: Iterable[PredictionRow], extra_columns: Sequence[str] = (), classes: Sequence[str] | None = None
) -> int:
    """Write the header and `rows` to an open text file; returns how many rows. Without `classes`,
    the rows are read twice (made a list); with them, once (a generator streams)."""
    if classes is None:
        rows = list(rows)
        classes = class_columns(rows)
    classes = list(classes)
    written = 0
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([*COLUMNS, *extra_columns, *classes, "error"])
    for row in rows:
        writer.writerow(
            [
                row.path,
                row.label,
                _number(row.confidence),
                "" if row.not_sure is None else str(row.not_sure).lower(),
                row.looks_like or "",
                *(_text(row.extra.get(name)) for name in extra_columns),
                *(_number(row.probabilities.get(name)) for name in classes),
                row.error,
            ]
        )
        written += 1
    return written


def csv_text(rows: Sequence[PredictionRow], extra_columns: Sequence[str] = ()) -> str:
    buffer = io.StringIO()
    write_rows(buffer, rows, extra_columns)
    return buffer.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
