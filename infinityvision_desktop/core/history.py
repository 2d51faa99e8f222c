"""The History: every classified image remembered in one local SQLite file.

Qt-free (stdlib sqlite3, numpy, PIL): the GUI's History view is a Qt model over `HistoryStore`,
and the CLI or a script can read the same file. This module is the store and the one place to
import the History from; its parts live beside it:

- history_records: the values (`HistoryEntry` in, `HistoryRow` out, `HistoryFilter`, `HistoryError`);
- history_schema: the tables and `MIGRATIONS`, one transaction per step, so an interrupted upgrade
  leaves the previous version intact (`PRAGMA user_version` holds the version);
- history_query: filters and sort orders as SQL, each served by an index;
- history_recovery: a damaged, truncated or foreign file found by `PRAGMA integrity_check` at open
  is moved aside to `history.sqlite3.damaged-<UTC timestamp>` and a fresh history is started;
  `damaged_path` and `recovery_message` say so, for the GUI to tell the user;
- history_thumbnails: small JPEGs in their own table, so a search does not read them;
- history_export: the CSV export.

The store: one file, by default `paths.user_data_dir()/history.sqlite3`, in WAL mode, so readers
(the view, on the GUI thread) never wait for the writer (a background thread), and a crash loses
at most the transaction being written, never the file. Thread-safe: one connection per thread,
writes serialised by a lock and each done in one transaction.

Nothing here deletes or modifies an image file: entries only point at them.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from infinityvision_desktop import paths
from infinityvision_desktop.core import history_export
from infinityvision_desktop.core.history_query import (
    FEW_MATCHES,
    IDS_PER_STATEMENT,
    ROW_COLUMNS,
    SORT_KEYS,
    order_clause,
    row_from_values,
    where_clause,
)
from infinityvision_desktop.core.history_records import (
    HistoryEntry,
    HistoryError,
    HistoryFilter,
    HistoryRow,
    utc_iso,
)
from infinityvision_desktop.core.history_recovery import integrity_problem, is_damage, set_aside
from infinityvision_desktop.core.history_schema import MIGRATIONS, SCHEMA_VERSION, fold, migrate, search_text

# encode_thumbnail is looked up in this module when an entry is written (a test replaces it here).
from infinityvision_desktop.core.history_thumbnails import THUMBNAIL_SIDE, decode_thumbnail, encode_thumbnail

log = logging.getLogger(__name__)

__all__ = [
    "HistoryStore",
    "HistoryEntry",
    "HistoryRow",
    "HistoryFilter",
    "HistoryError",
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "FILE_NAME",
    "THUMBNAIL_SIDE",
    "SORT_KEYS",
    "FEW_MATCHES",
    "default_path",
    "encode_thumbnail",
    "decode_thumbnail",
    "utc_iso",
]

FILE_NAME = "history.sqlite3"
BUSY_TIMEOUT_S = 10.0  # another instance of the app writing at the same moment


def default_path() -> Path:
    return paths.user_data_dir() / FILE_NAME


class HistoryStore:
    """The history file. Opening checks it, sets a damaged one aside, and migrates an old one.

    Raises HistoryError when the file cannot be used at all (an unwritable folder, a schema from
    a newer version of the app); a damaged file is not an error but a fresh start, reported by
    `damaged_path` and `recovery_message`.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, check: bool = True) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.damaged_path: Path | None = None  # where a damaged file was moved, if one was
        self.damage_reason = ""
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()  # guards _connections
        self._write_lock = threading.Lock()  # one writer at a time in this process
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(f"cannot create the folder {self.path.parent}: {exc.strerror or exc}") from exc
        self._open(check)

    @property
    def recovery_message(self) -> str:
        """'' normally; after a damaged file was set aside, a sentence saying so."""
        if self.damaged_path is None:
            return ""
        return (
            f"The history file was damaged ({self.damage_reason}). It was set aside as "
            f"{self.damaged_path.name} and a new, empty history was started."
        )

    # --- opening ---

    def _open(self, check: bool) -> None:
        try:
            for attempt in (1, 2):
                try:
                    conn = self._conn()
                    problem = integrity_problem(conn) if check else ""
                    if not problem:
                        migrate(conn, write_lock=self._write_lock, path=self.path)
                        return
                except sqlite3.Error as exc:
                    if not is_damage(exc) or attempt == 2:
                        raise HistoryError(f"cannot open the history {self.path}: {exc}") from exc
                    problem = str(exc)
                if attempt == 2:  # a brand-new file that fails its check: nothing more to set aside
                    raise HistoryError(f"cannot start a new history at {self.path}: {problem}")
                log.warning("history %s is damaged (%s): setting it aside", self.path, problem)
                self._close_connections()
                self.damaged_path = set_aside(self.path)
                self.damage_reason = problem
        except BaseException:
            self.close()
            raise

    # --- connections ---

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            conn.create_function("history_fold", 1, fold, deterministic=True)  # for the migrations
            # Nothing here writes: a file is checked before anything is written to it.
            # With WAL, NORMAL keeps every committed transaction across an app crash; only a power
            # cut may lose the last ones, and never corrupts the file.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -96000")  # 96 MB, given in KiB: a long history's search stays in memory
        except BaseException:
            conn.close()
            raise
        return conn

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections are not shared between threads here)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise HistoryError("the history is closed")
        conn = self._connect()
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)
        return conn

    def close_thread_connection(self) -> None:
        """Close the calling thread's connection (a worker thread does this before it ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._lock:
            if conn in self._connections:
                self._connections.remove(conn)
        conn.close()

    def _close_connections(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            try:
                conn.close()
            except sqlite3.Error:
                log.exception("closing a history connection failed")
        # Threads still holding one in _local get a new connection (or HistoryError once closed).
        self._local = threading.local()

    def close(self) -> None:
        """Close every connection; the store cannot be used afterwards. Idempotent."""
        self._closed = True
        self._close_connections()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # --- writing ---

    def add_many(self, entries: Iterable[HistoryEntry]) -> list[int]:
        """Record entries in one transaction (all or none); returns their ids in order."""
        prepared = [self._prepare(entry) for entry in entries]  # JPEG and JSON outside the lock
        if not prepared:
            return []
        ids, thumbnails = [], []
        with self._write() as conn:
            for values, thumbnail in prepared:
                entry_id = conn.execute(
                    "INSERT INTO entries (path, folder, file_name, display_name, name_lower, sort_name, label, "
                    "confidence, not_sure, probabilities, model_name, model_path, created, looks_like) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    values,
                ).lastrowid
                ids.append(entry_id)
                if thumbnail:
                    thumbnails.append((entry_id, thumbnail))
            conn.executemany("INSERT INTO thumbnails (entry_id, jpeg) VALUES (?, ?)", thumbnails)
        return ids

    def add(self, entry: HistoryEntry) -> int:
        return self.add_many([entry])[0]

    @staticmethod
    def _prepare(entry: HistoryEntry) -> tuple[tuple, bytes | None]:
        path = os.fspath(entry.path) if entry.path else None
        folder = os.path.dirname(path) if path else ""
        file_name = entry.file_name or (os.path.basename(path) if path else "")
        display = entry.display_name or None
        probabilities = {str(k): round(float(v), 6) for k, v in entry.probabilities.items()}
        confidence = float(entry.confidence)
        if not math.isfinite(confidence):
            confidence = 0.0
        thumbnail = entry.thumbnail
        if isinstance(thumbnail, np.ndarray):
            try:
                thumbnail = encode_thumbnail(thumbnail)
            except Exception:  # noqa: BLE001 - an entry without a thumbnail beats no entry
                log.exception("could not make a history thumbnail for %s", file_name)
                thumbnail = None
        values = (
            path,
            folder,
            file_name,
            display,
            search_text(file_name, display),
            fold(display or file_name),
            entry.label,
            confidence,
            int(bool(entry.not_sure)),
            json.dumps(probabilities),
            entry.model_name or "",
            entry.model_path or "",
            utc_iso(entry.created),
            entry.looks_like or None,
        )
        return values, (bytes(thumbnail) if thumbnail else None)

    def rename(self, entry_id: int, display_name: str | None) -> bool:
        """Give an entry a display name ('' or None: back to its file name); False if it is gone."""
        display = (display_name or "").strip() or None
        with self._write() as conn:
            row = conn.execute("SELECT file_name FROM entries WHERE id = ?", (int(entry_id),)).fetchone()
            if row is None:
                return False
            conn.execute(
                "UPDATE entries SET display_name = ?, name_lower = ?, sort_name = ? WHERE id = ?",
                (display, search_text(row[0], display), fold(display or row[0]), int(entry_id)),
            )
        return True

    def delete(self, ids: Iterable[int]) -> int:
        """Forget entries (their image files are not touched); returns how many were deleted."""
        ids = sorted({int(i) for i in ids})
        deleted = 0
        with self._write() as conn:
            for start in range(0, len(ids), IDS_PER_STATEMENT):
                chunk = ids[start : start + IDS_PER_STATEMENT]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM thumbnails WHERE entry_id IN ({marks})", chunk)
                deleted += conn.execute(f"DELETE FROM entries WHERE id IN ({marks})", chunk).rowcount
        return deleted

    def clear(self) -> int:
        """Forget every entry; returns how many there were."""
        with self._write() as conn:
            count = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
            conn.execute("DELETE FROM thumbnails")
            conn.execute("DELETE FROM entries")
        self._give_back_space()
        return count

    def forget_older_than(self, days: float, *, now: datetime | None = None) -> int:
        """Forget entries recorded more than `days` days before `now`; returns how many."""
        cutoff = utc_iso((now or datetime.now(timezone.utc)) - timedelta(days=float(days)))
        with self._write() as conn:
            conn.execute(
                "DELETE FROM thumbnails WHERE entry_id IN (SELECT id FROM entries WHERE created < ?)", (cutoff,)
            )
            deleted = conn.execute("DELETE FROM entries WHERE created < ?", (cutoff,)).rowcount
        if deleted:
            self._give_back_space()
        return deleted

    def update_statistics(self) -> bool:
        """Give SQLite's query planner statistics of the entries when they are missing, or the
        history has grown or shrunk twofold since they were taken; returns whether it did.

        Without them it guesses, and guesses wrong for filters such as "not sure": the index of
        the filter, then every match sorted, instead of walking the sort order
        (`tests/core/test_history.py::test_statistics_let_a_common_filter_walk_the_sort_order`).
        It takes a while on a long history (bench/bench_history.py prints how long), so it runs in
        the writer's thread. Connections opened afterwards use them.
        """
        rows = self.count()
        if rows < 1000:
            return False  # every plan is fast on a small history
        conn = self._conn()
        try:
            known = conn.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'entries' LIMIT 1").fetchone()
        except sqlite3.OperationalError:  # no statistics table yet
            known = None
        analysed = int(str(known[0]).split()[0]) if known else 0
        if analysed and analysed / 2 <= rows <= analysed * 2:
            return False
        with self._write() as conn:
            conn.execute("ANALYZE entries")  # whole: sampling (analysis_limit) misjudged "not sure" as rare
        return True

    def _give_back_space(self) -> None:
        try:
            with self._write_lock:
                self._conn().execute("PRAGMA incremental_vacuum")
        except sqlite3.Error:  # e.g. busy: the space is reused by later entries anyway
            log.warning("history: incremental vacuum skipped", exc_info=True)

    # --- reading ---

    def query(
        self,
        *,
        text: str | None = None,
        label: str | None = None,
        model: str | None = None,
        not_sure: bool | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        order_by: str = "created",
        descending: bool = True,
        limit: int | None = None,
        offset: int = 0,
        expected: int | None = None,
    ) -> list[HistoryRow]:
        """Entries matching every given filter, sorted by `order_by` (a key of SORT_KEYS), then by id.

        expected: how many entries match, if known (`count()` with the same filters); a name
        search that matches few of them is then read through the name index (same rows, faster).
        """
        few = expected is not None and expected <= FEW_MATCHES
        where, params = where_clause(text, label, model, not_sure, since, until, few=few)
        sql = f"SELECT {ROW_COLUMNS} FROM entries{where}{order_clause(order_by, descending)}"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else int(limit), int(offset)]
        return [row_from_values(values) for values in self._conn().execute(sql, params)]

    def count(
        self,
        *,
        text: str | None = None,
        label: str | None = None,
        model: str | None = None,
        not_sure: bool | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
    ) -> int:
        where, params = where_clause(text, label, model, not_sure, since, until)
        return self._conn().execute(f"SELECT count(*) FROM entries{where}", params).fetchone()[0]

    def get(self, entry_id: int) -> HistoryRow | None:
        values = self._conn().execute(f"SELECT {ROW_COLUMNS} FROM entries WHERE id = ?", (int(entry_id),)).fetchone()
        return None if values is None else row_from_values(values)

    def labels(self) -> list[str]:
        return [row[0] for row in self._conn().execute("SELECT DISTINCT label FROM entries ORDER BY label")]

    def models(self) -> list[str]:
        return [row[0] for row in self._conn().execute("SELECT DISTINCT model_name FROM entries ORDER BY model_name")]

    def thumbnail(self, entry_id: int) -> bytes | None:
        row = self._conn().execute("SELECT jpeg FROM thumbnails WHERE entry_id = ?", (int(entry_id),)).fetchone()
        return None if row is None else bytes(row[0])

    def thumbnails(self, ids: Sequence[int]) -> dict[int, bytes]:
        """The stored JPEGs of these entries (entries without one are left out)."""
        found: dict[int, bytes] = {}
        ids = [int(i) for i in ids]
        for start in range(0, len(ids), IDS_PER_STATEMENT):
            chunk = ids[start : start + IDS_PER_STATEMENT]
            marks = ",".join("?" * len(chunk))
            for entry_id, jpeg in self._conn().execute(
                f"SELECT entry_id, jpeg FROM thumbnails WHERE entry_id IN ({marks})", chunk
            ):
                found[entry_id] = bytes(jpeg)
        return found

    def schema_version(self) -> int:
        return self._conn().execute("PRAGMA user_version").fetchone()[0]

    def export_csv(
        self,
        path: str | os.PathLike,
        filters: HistoryFilter | None = None,
        *,
        order_by: str = "created",
        descending: bool = True,
    ) -> int:
        """Write the filtered entries as CSV (columns: see history_export), atomically: the
        previous file stays whole until the new one is. Returns the number of rows; raises OSError."""
        return history_export.export_csv(self._conn(), path, filters, order_by=order_by, descending=descending)
