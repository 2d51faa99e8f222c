"""The History's searches as SQL: the filters, the sort orders and reading a row back.

Every filter and sort key has an index (see history_schema); values are always bound
parameters, and a sort key is looked up in SORT_KEYS, never pasted into the SQL.
"""

from __future__ import annotations

import json

from infinityvision_desktop.core.history_records import HistoryRow, utc_iso
from infinityvision_desktop.core.history_schema import fold

__all__ = [
    "SORT_KEYS",
    "FEW_MATCHES",
    "ROW_COLUMNS",
    "IDS_PER_STATEMENT",
    "where_clause",
    "order_clause",
    "row_from_values",
    "probabilities_from_json",
]

# What the caller may sort by -> the (indexed) column. Ties are broken by id, the order of recording.
SORT_KEYS = {
    "id": "id",
    "created": "created",
    "name": "sort_name",
    "folder": "folder",
    "label": "label",
    "confidence": "confidence",
    "not_sure": "not_sure",
    "model": "model_name",
}

ROW_COLUMNS = (
    "id, path, folder, file_name, display_name, label, confidence, not_sure, probabilities, "
    "model_name, model_path, created, looks_like"
)

# A name search matching at most this many entries reads them by id from the name index's
# matches; with more, walking the sort order finds a page of them sooner.
FEW_MATCHES = 5000

IDS_PER_STATEMENT = 500  # ids per "IN (...)": well under SQLite's limit on bound variables


def _like_pattern(text: str) -> str:
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def where_clause(
    text=None, label=None, model=None, not_sure=None, since=None, until=None, *, few: bool = False
) -> tuple[str, list]:
    """The ' WHERE ...' for these filters ('' for none) and its parameters.

    few: the name search matches few entries (at most FEW_MATCHES), so it is better read by id.
    """
    clauses, params = [], []
    if text and few:
        # The ids first, from one scan of the covering name index, then their rows: a name that
        # matches few entries would otherwise be looked for row by row in the sort order, and a
        # name that matches none would read every row to find so.
        clauses.append("id IN (SELECT id FROM entries WHERE name_lower LIKE ? ESCAPE '\\')")
        params.append(_like_pattern(text))
    elif text:
        clauses.append("name_lower LIKE ? ESCAPE '\\'")
        params.append(_like_pattern(text))
    if label is not None:
        clauses.append("label = ?")
        params.append(label)
    if model is not None:
        clauses.append("model_name = ?")
        params.append(model)
    if not_sure is not None:
        clauses.append("not_sure = ?")
        params.append(int(bool(not_sure)))
    if since is not None:
        clauses.append("created >= ?")
        params.append(utc_iso(since))
    if until is not None:
        clauses.append("created < ?")
        params.append(utc_iso(until))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def order_clause(order_by: str, descending: bool) -> str:
    """The ' ORDER BY ...' for a key of SORT_KEYS, ties by id; ValueError for any other key."""
    if order_by not in SORT_KEYS:
        raise ValueError(f"cannot sort the history by {order_by!r}; choose one of {sorted(SORT_KEYS)}")
    direction = "DESC" if descending else "ASC"
    column = SORT_KEYS[order_by]
    return f" ORDER BY {column} {direction}" + ("" if column == "id" else f", id {direction}")


def probabilities_from_json(blob: str | None) -> dict[str, float]:
    """The stored class -> probability mapping; {} for a missing or unreadable one."""
    try:
        value = json.loads(blob or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def row_from_values(values: tuple) -> HistoryRow:
    """A HistoryRow from the values of ROW_COLUMNS, in that order."""
    (
        entry_id,
        path,
        folder,
        file_name,
        display_name,
        label,
        confidence,
        not_sure,
        probabilities,
        model_name,
        model_path,
        created,
        looks_like,
    ) = values
    return HistoryRow(
        id=entry_id,
        path=path,
        folder=folder or "",
        file_name=file_name,
        display_name=display_name,
        label=label,
        confidence=float(confidence),
        not_sure=bool(not_sure),
        probabilities=probabilities_from_json(probabilities),
        model_name=model_name or "",
        model_path=model_path or "",
        created=created,
        looks_like=looks_like or None,
    )
