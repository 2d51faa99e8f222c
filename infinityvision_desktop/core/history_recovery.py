"""A damaged History file is moved aside, never repaired in place or deleted.

At open, `PRAGMA integrity_check`: a damaged, truncated or foreign file is moved to
`history.sqlite3.damaged-<UTC timestamp>` (with its write-ahead log) and a fresh history is
started, so the user keeps recording and the old file stays for whoever wants to rescue it.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from infinityvision_desktop.core.history_records import HistoryError

__all__ = ["integrity_problem", "is_damage", "set_aside"]


def integrity_problem(conn: sqlite3.Connection) -> str:
    """'' for a sound file, else what SQLite's integrity check found (the first few problems)."""
    rows = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    return "" if rows == ["ok"] else "; ".join(str(row) for row in rows)[:300]


def is_damage(exc: sqlite3.Error) -> bool:
    """A file SQLite cannot read as a database, as opposed to a busy, locked or unwritable one."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)


def set_aside(path: Path) -> Path:
    """Move the damaged file at `path` (and its log) to a new `.damaged-<stamp>` name; returns it.

    A rename of the live file, not a copy: nothing must be left at `path` for SQLite to reopen.
    Raises HistoryError when it cannot be moved.
    """
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    try:
        os.replace(path, target)
        wal = Path(f"{path}-wal")
        if wal.exists():  # a log that belongs to the damaged file must not be replayed into the new one
            os.replace(wal, Path(f"{target}-wal"))
        shm = Path(f"{path}-shm")
        if shm.exists():
            shm.unlink()
    except OSError as exc:
        raise HistoryError(f"the history {path} is damaged and could not be set aside: {exc.strerror or exc}") from exc
    return target
