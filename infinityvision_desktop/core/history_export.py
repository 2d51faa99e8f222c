"""The History as a CSV file, for a spreadsheet or a script.

The one prediction CSV layout (core.prediction_csv), with the History's own columns: when (UTC),
name, file name, folder, model and model path. UTF-8 with a BOM, so spreadsheet apps read
non-ASCII names.
"""

from __future__ import annotations

import os
import sqlite3

from infinityvision_desktop.core.atomic import atomic_path
from infinityvision_desktop.core.history_query import (
    ROW_COLUMNS,
    order_clause,
    probabilities_from_json,
    row_from_values,
    where_clause,
)
from infinityvision_desktop.core.history_records import HistoryFilter
from infinityvision_desktop.core.prediction_csv import COLUMNS, PredictionRow, write_rows

__all__ = ["CSV_COLUMNS", "export_csv"]

HISTORY_COLUMNS = ("created_utc", "name", "file_name", "folder", "model", "model_path")
CSV_COLUMNS = (*COLUMNS, *HISTORY_COLUMNS)  # then one column per class, then error


def export_csv(
    conn: sqlite3.Connection,
    path: str | os.PathLike,
    filters: HistoryFilter | None = None,
    *,
    order_by: str = "created",
    descending: bool = True,
) -> int:
    """Write the entries matching `filters` to `path` atomically; returns how many. Raises OSError."""
    where, params = where_clause(**(filters or HistoryFilter()).kwargs())
    classes: dict[str, None] = {}
    for (blob,) in conn.execute(f"SELECT DISTINCT probabilities FROM entries{where}", params):
        classes.update(dict.fromkeys(probabilities_from_json(blob)))
    sql = f"SELECT {ROW_COLUMNS} FROM entries{where}{order_clause(order_by, descending)}"
    rows = (_row(row_from_values(values)) for values in conn.execute(sql, params))
    with atomic_path(path) as temporary, open(temporary, "x", encoding="utf-8-sig", newline="") as handle:
        written = write_rows(handle, rows, HISTORY_COLUMNS, list(classes))
        # On disk before the rename: an export is often copied off the machine straight away,
        # and a power cut must not leave an empty file under the name the user chose.
        handle.flush()
        os.fsync(handle.fileno())
    return written


def _row(row) -> PredictionRow:
    return PredictionRow(
        row.path or "",
        row.label,
        row.confidence,
        bool(row.not_sure),
        row.looks_like,
        probabilities=row.probabilities,
        extra={
            "created_utc": row.created,
            "name": row.name,
            "file_name": row.file_name,
            "folder": row.folder,
            "model": row.model_name,
            "model_path": row.model_path,
        },
    )
