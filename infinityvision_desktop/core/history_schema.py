"""The History file's tables and how an older file is brought up to date.

`PRAGMA user_version` holds the schema version; `MIGRATIONS` brings any older file up to
`SCHEMA_VERSION`, one transaction per step, so an interrupted upgrade leaves the previous
version intact. Names are folded here too, because a migration fills the folded columns.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable

from infinityvision_desktop.core.history_records import HistoryError

log = logging.getLogger(__name__)

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "fold", "search_text", "migrate"]


def fold(text: str | None) -> str:
    """A name as search and sort compare it; SQL calls it as history_fold() (see HistoryStore)."""
    # Python's lower(), not SQLite's: SQLite only folds ASCII, and "Élan" must be found by "él".
    return (text or "").lower()


def search_text(file_name: str, display_name: str | None) -> str:
    # The search column holds both names; \x1f (unit separator) cannot come from a search box.
    return fold(file_name) + ("\x1f" + fold(display_name) if display_name else "")


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    """The first schema: one table, thumbnails inline."""
    conn.execute("""
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            path TEXT,
            folder TEXT NOT NULL DEFAULT '',
            file_name TEXT NOT NULL,
            label TEXT NOT NULL,
            confidence REAL NOT NULL,
            not_sure INTEGER NOT NULL DEFAULT 0,
            probabilities TEXT NOT NULL DEFAULT '{}',
            model_name TEXT NOT NULL DEFAULT '',
            model_path TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            thumbnail BLOB
        )""")
    conn.execute("CREATE INDEX entries_created ON entries(created)")


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    """Display names; lower-cased name columns for search and sort; thumbnails in their own table;
    an index per sortable column."""
    conn.execute("ALTER TABLE entries ADD COLUMN display_name TEXT")
    conn.execute("ALTER TABLE entries ADD COLUMN name_lower TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE entries ADD COLUMN sort_name TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE entries SET name_lower = history_fold(file_name), sort_name = history_fold(file_name)")
    conn.execute("CREATE TABLE thumbnails (entry_id INTEGER PRIMARY KEY, jpeg BLOB NOT NULL)")
    conn.execute(
        "INSERT INTO thumbnails (entry_id, jpeg) SELECT id, thumbnail FROM entries WHERE thumbnail IS NOT NULL"
    )
    if sqlite3.sqlite_version_info >= (3, 35, 0):
        conn.execute("ALTER TABLE entries DROP COLUMN thumbnail")
    else:  # older SQLite cannot drop a column: empty it instead
        conn.execute("UPDATE entries SET thumbnail = NULL")
    for column in ("name_lower", "sort_name", "folder", "label", "confidence", "not_sure", "model_name"):
        conn.execute(f"CREATE INDEX entries_{column} ON entries({column})")


def _migrate_to_3(conn: sqlite3.Connection) -> None:
    """What a photo of none of the classes looks like ("espresso"): NULL for older answers."""
    conn.execute("ALTER TABLE entries ADD COLUMN looks_like TEXT")


# (version reached, step). Append; never edit a step that has shipped.
MIGRATIONS: list[tuple[int, Callable[[sqlite3.Connection], None]]] = [
    (1, _migrate_to_1),
    (2, _migrate_to_2),
    (3, _migrate_to_3),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def migrate(conn: sqlite3.Connection, *, write_lock: threading.Lock, path: str | os.PathLike) -> None:
    """Bring the file behind `conn` up to SCHEMA_VERSION (WAL mode, then each missing step).

    Raises HistoryError for a file from a newer version of the app, which is left as it is.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:  # left exactly as it is, for the version that wrote it
        raise HistoryError(
            f"the history {path} was written by a newer version of the app "
            f"(schema {version}, this version reads up to {SCHEMA_VERSION})"
        )
    if version == 0:
        # Only possible in a new file, before WAL mode writes its first page: lets clear()
        # give space back to the disk.
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")  # persistent: other connections inherit it
    for target, step in MIGRATIONS:
        if target <= version:
            continue
        with write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if conn.execute("PRAGMA user_version").fetchone()[0] < target:  # another process may have done it
                    step(conn)
                    conn.execute(f"PRAGMA user_version = {int(target)}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        log.info("history %s migrated to schema %d", path, target)
