"""Export the loaded images' results as CSV, written atomically with QSaveFile."""

from __future__ import annotations

import os

from PySide6.QtCore import QIODevice, QSaveFile

from infinityvision_desktop.core.prediction_csv import PredictionRow, csv_text
from infinityvision_desktop.gui.widgets.results_table import ResultRow


def results_csv_text(rows: list[ResultRow]) -> str:
    """Every row in the one prediction CSV layout (core.prediction_csv); unreadable images keep
    their row, with the reason in `error`."""
    return csv_text(
        [
            PredictionRow.of(row.path if row.path is not None else row.name, row.prediction, error=row.error or "")
            for row in rows
        ]
    )


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
