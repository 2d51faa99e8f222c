"""Export the loaded images' results as CSV, written atomically with QSaveFile."""

from __future__ import annotations

import csv
import io
import os

from PySide6.QtCore import QIODevice, QSaveFile

from infinityvision_desktop.gui.widgets.results_table import ResultRow

FIXED_COLUMNS = ("path", "label", "confidence", "not_sure")


def results_csv_text(rows: list[ResultRow]) -> str:
    """path,label,confidence,not_sure, one column per class probability, then error.

    The class columns are the union of every row's classes in order of appearance (normally one
    model's classes). Unreadable images keep their row, with the reason in `error`.
    """
    classes: list[str] = []
    for row in rows:
        if row.prediction is not None:
            classes.extend(label for label in row.prediction.labels if label not in classes)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *classes, "error"])
    for row in rows:
        path = row.path if row.path is not None else row.name
        prediction = row.prediction
        if prediction is None:
            error = row.error or "not classified"
            writer.writerow([path, "", "", "", *([""] * len(classes)), error])
            continue
        probabilities = dict(zip(prediction.labels, prediction.probabilities))
        writer.writerow([
            path, prediction.label, f"{prediction.confidence:.6f}", str(bool(prediction.not_sure)).lower(),
            *(f"{probabilities[c]:.6f}" if c in probabilities else "" for c in classes), "",
        ])
    return buffer.getvalue()


def write_results_csv(path: str | os.PathLike, rows: list[ResultRow]) -> None:
    """Write the CSV (UTF-8 with a BOM, so spreadsheet apps read non-ASCII names); raises OSError."""
    write_text_atomically(path, results_csv_text(rows))


def write_text_atomically(path: str | os.PathLike, text: str) -> None:
    """Write `text` as UTF-8 with a BOM through QSaveFile (all or nothing); raises OSError."""
    data = text.encode("utf-8-sig")
    target = QSaveFile(os.fspath(path))
    if not target.open(QIODevice.OpenModeFlag.WriteOnly):
        raise OSError(target.errorString())
    if target.write(data) != len(data):
        error = target.errorString()
        target.cancelWriting()
        raise OSError(error)
    if not target.commit():
        raise OSError(target.errorString())
