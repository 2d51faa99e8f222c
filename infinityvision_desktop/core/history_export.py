"""The History as a CSV file, for a spreadsheet or a script.

Columns: when (UTC), name, file name, folder, path, class, confidence, not sure, model, model
path, then one column per class probability (the union of every exported entry's classes).
UTF-8 with a BOM, so spreadsheet apps read non-ASCII names.
"""

from __future__ import annotations

import csv
import os
import sqlite3

from infinityvision_desktop.core.atomic import atomic_path
from infinityvision_desktop.core.history_query import (
    ROW_COLUMNS, order_clause, probabilities_from_json, row_from_values, where_clause,
)
from infinityvision_desktop.core.history_records import HistoryFilter

__all__ = ["CSV_COLUMNS", "export_csv"]

CSV_COLUMNS = ("created_utc", "name", "file_name", "folder", "path", "label", "confidence", "not_sure", "model",
               "model_path")  # then one column per class


def export_csv(conn: sqlite3.Connection, path: str | os.PathLike, filters: HistoryFilter | None = None, *,
               order_by: str = "created", descending: bool = True) -> int:
    """Write the entries matching `filters` to `path` atomically; returns how many. Raises OSError."""
    where, params = where_clause(**(filters or HistoryFilter()).kwargs())
    classes: dict[str, None] = {}
    for (blob,) in conn.execute(f"SELECT DISTINCT probabilities FROM entries{where}", params):
        classes.update(dict.fromkeys(probabilities_from_json(blob)))
    written = 0
    with atomic_path(path) as temporary, open(temporary, "x", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*CSV_COLUMNS, *classes])
        sql = f"SELECT {ROW_COLUMNS} FROM entries{where}{order_clause(order_by, descending)}"
        for values in conn.execute(sql, params):
            row = row_from_values(values)
            writer.writerow([row.created, row.name, row.file_name, row.folder, row.path or "", row.label,
                             f"{row.confidence:.6f}", str(row.not_sure).lower(), row.model_name,
                             row.model_path, *(_probability_text(row.probabilities.get(c)) for c in classes)])
            written += 1
        # On disk before the rename: an export is often copied off the machine straight away,
        # and a power cut must not leave an empty file under the name the user chose.
        handle.flush()
        os.fsync(handle.fileno())
    return written


def _probability_text(value: float | None) -> str:
    return "" if value is None else f"{float(value):.6f}"
