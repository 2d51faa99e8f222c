"""The History: every classified image remembered in one local SQLite file.

Qt-free (stdlib sqlite3, numpy, PIL): the GUI's History view is a Qt model over `HistoryStore`,
and the CLI or a script can read the same file.

- One file, by default `paths.user_data_dir()/history.sqlite3`, in WAL mode: readers (the view,
  on the GUI thread) never wait for the writer (a background thread), and a crash loses at most
  the transaction being written, never the file.
- `PRAGMA user_version` holds the schema version; `MIGRATIONS` brings any older file up to
  `SCHEMA_VERSION`, one transaction per step, so an interrupted upgrade leaves the previous
  version intact.
- At open, `PRAGMA integrity_check`: a damaged, truncated or foreign file is moved aside to
  `history.sqlite3.damaged-<UTC timestamp>` and a fresh history is started; `damaged_path` and
  `recovery_message` say so, for the GUI to tell the user.
- Thread-safe: one connection per thread, writes serialised by a lock and each done in one
  transaction.
- Thumbnails (~96 px JPEG, made from the decoded image) live in their own table rather than in
  a column of `entries`: a search scans `entries`, and 100,000 inline blobs would make every scan
  read hundreds of megabytes instead of a few.

Nothing here deletes or modifies an image file: entries only point at them.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
from PIL import Image

from infinityvision_desktop import paths

log = logging.getLogger(__name__)

__all__ = [
    "HistoryStore", "HistoryEntry", "HistoryRow", "HistoryFilter", "HistoryError",
    "SCHEMA_VERSION", "FILE_NAME", "THUMBNAIL_SIDE", "SORT_KEYS",
    "default_path", "encode_thumbnail", "decode_thumbnail", "utc_iso",
]

FILE_NAME = "history.sqlite3"
THUMBNAIL_SIDE = 96  # pixels, the long side of a stored thumbnail
THUMBNAIL_QUALITY = 80  # JPEG quality: ~2 KB per thumbnail, 200 MB for 100,000 entries
BUSY_TIMEOUT_S = 10.0  # another instance of the app writing at the same moment
_DELETE_CHUNK = 500  # ids per "IN (...)": well under SQLite's 32,766 variables


class HistoryError(Exception):
    """The history cannot be used (a message for people): unwritable folder, newer schema, closed."""


def default_path() -> Path:
    return paths.user_data_dir() / FILE_NAME


# ---------------------------------------------------------------- values

@dataclass(frozen=True, eq=False)
class HistoryEntry:
    """One answer to remember. `thumbnail` is JPEG bytes or RGB uint8 pixels (encoded when written)."""

    file_name: str  # the file's name, or "Pasted image 2"
    label: str
    confidence: float
    not_sure: bool
    probabilities: Mapping[str, float]  # class -> probability, in the model's label order
    model_name: str = ""
    model_path: str = ""
    path: str | None = None  # the image file; None for pasted images
    display_name: str | None = None
    created: datetime | str | None = None  # None: now
    thumbnail: bytes | np.ndarray | None = None

    @classmethod
    def from_prediction(cls, prediction: Any, *, name: str, path: str | None = None, model_name: str = "",
                        model_path: str = "", thumbnail: bytes | np.ndarray | None = None,
                        created: datetime | str | None = None) -> "HistoryEntry":
        """From a core.predictor.Prediction (anything with labels, probabilities, index, not_sure)."""
        labels = tuple(prediction.labels)
        probabilities = tuple(float(p) for p in prediction.probabilities)
        index = int(prediction.index)
        return cls(file_name=name, label=labels[index], confidence=probabilities[index],
                   not_sure=bool(prediction.not_sure), probabilities=dict(zip(labels, probabilities)),
                   model_name=model_name or "", model_path=model_path or "", path=path,
                   created=created, thumbnail=thumbnail)


@dataclass(frozen=True)
class HistoryRow:
    """One stored entry, as read back (without its thumbnail: see `HistoryStore.thumbnail`)."""

    id: int
    path: str | None
    folder: str
    file_name: str
    display_name: str | None
    label: str
    confidence: float
    not_sure: bool
    probabilities: Mapping[str, float]
    model_name: str
    model_path: str
    created: str  # UTC, ISO 8601

    @property
    def name(self) -> str:
        """What the user calls it: the display name if given, else the file name."""
        return self.display_name or self.file_name

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.created)

    def to_prediction(self):
        """The stored answer as a core.predictor.Prediction."""
        # Imported here: the predictor module is the TensorFlow side of the core.
        from infinityvision_desktop.core.predictor import Prediction

        labels = tuple(self.probabilities) or (self.label,)
        probabilities = tuple(float(self.probabilities.get(name, 0.0)) for name in labels) \
            if self.probabilities else (float(self.confidence),)
        index = labels.index(self.label) if self.label in labels else int(np.argmax(probabilities))
        return Prediction(labels=labels, probabilities=probabilities, index=index, not_sure=bool(self.not_sure))


@dataclass(frozen=True)
class HistoryFilter:
    """What the History view shows: every field None means "any"."""

    text: str | None = None  # part of the file (or display) name, any case
    label: str | None = None
    model: str | None = None  # a model name
    not_sure: bool | None = None
    since: datetime | str | None = None  # inclusive
    until: datetime | str | None = None  # exclusive

    def kwargs(self) -> dict:
        return {"text": self.text, "label": self.label, "model": self.model, "not_sure": self.not_sure,
                "since": self.since, "until": self.until}


# What the caller may sort by -> the (indexed) column. Ties are broken by id, the order of recording.
SORT_KEYS = {
    "id": "id", "created": "created", "name": "sort_name", "folder": "folder", "label": "label",
    "confidence": "confidence", "not_sure": "not_sure", "model": "model_name",
}

_ROW_COLUMNS = ("id, path, folder, file_name, display_name, label, confidence, not_sure, probabilities, "
                "model_name, model_path, created")


# ---------------------------------------------------------------- schema and migrations

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
    conn.execute("INSERT INTO thumbnails (entry_id, jpeg) SELECT id, thumbnail FROM entries WHERE thumbnail IS NOT NULL")
    if sqlite3.sqlite_version_info >= (3, 35, 0):
        conn.execute("ALTER TABLE entries DROP COLUMN thumbnail")
    else:  # older SQLite cannot drop a column: empty it instead
        conn.execute("UPDATE entries SET thumbnail = NULL")
    for column in ("name_lower", "sort_name", "folder", "label", "confidence", "not_sure", "model_name"):
        conn.execute(f"CREATE INDEX entries_{column} ON entries({column})")


# (version reached, step). Append; never edit a step that has shipped.
MIGRATIONS: list[tuple[int, Callable[[sqlite3.Connection], None]]] = [
    (1, _migrate_to_1),
    (2, _migrate_to_2),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]
# A name search matching at most this many entries reads them by id from the name index's matches;
# more, and walking the sort order finds a page of them sooner (measured on 100,000 entries).
FEW_MATCHES = 5000


def _fold(text: str | None) -> str:
    # Python's lower(), not SQLite's: SQLite only folds ASCII, and "Élan" must be found by "él".
    return (text or "").lower()


def _search_text(file_name: str, display_name: str | None) -> str:
    # The search column holds both names; \x1f (unit separator) cannot come from a search box.
    return _fold(file_name) + ("\x1f" + _fold(display_name) if display_name else "")


# ---------------------------------------------------------------- thumbnails and times

def encode_thumbnail(rgb: np.ndarray, side: int = THUMBNAIL_SIDE) -> bytes:
    """A JPEG of at most `side` pixels on its long side, from RGB (or grey/RGBA) uint8 pixels."""
    image = Image.fromarray(np.ascontiguousarray(rgb))
    if image.mode != "RGB":
        image = image.convert("RGB")
    if max(image.size) > side:
        image.thumbnail((side, side), Image.Resampling.BILINEAR, reducing_gap=1.5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY)
    return buffer.getvalue()


def decode_thumbnail(data: bytes) -> np.ndarray | None:
    """A stored thumbnail as RGB uint8 pixels, or None if it cannot be read."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return np.asarray(image.convert("RGB"))
    except Exception:  # noqa: BLE001 - a bad thumbnail is shown as none, never fatal
        log.warning("unreadable history thumbnail (%d bytes)", len(data or b""))
        return None


def utc_iso(moment: datetime | str | None = None) -> str:
    """A time as the store keeps it: UTC, ISO 8601 with microseconds, so text order is time order.

    Naive datetimes are taken as UTC; strings are parsed as ISO 8601.
    """
    if moment is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _like_pattern(text: str) -> str:
    escaped = _fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _is_damage(exc: sqlite3.Error) -> bool:
    """A file SQLite cannot read as a database, as opposed to a busy, locked or unwritable one."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)


# ---------------------------------------------------------------- the store

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
        return (f"The history file was damaged ({self.damage_reason}). It was set aside as "
                f"{self.damaged_path.name} and a new, empty history was started.")

    # --- opening ---

    def _open(self, check: bool) -> None:
        try:
            for attempt in (1, 2):
                try:
                    conn = self._conn()
                    problem = self._integrity_problem(conn) if check else ""
                    if not problem:
                        self._migrate(conn)
                        return
                except sqlite3.Error as exc:
                    if not _is_damage(exc) or attempt == 2:
                        raise HistoryError(f"cannot open the history {self.path}: {exc}") from exc
                    problem = str(exc)
                if attempt == 2:  # a brand-new file that fails its check: nothing more to set aside
                    raise HistoryError(f"cannot start a new history at {self.path}: {problem}")
                log.warning("history %s is damaged (%s): setting it aside", self.path, problem)
                self._close_connections()
                self._set_aside(problem)
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _integrity_problem(conn: sqlite3.Connection) -> str:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        return "" if rows == ["ok"] else "; ".join(str(row) for row in rows)[:300]

    def _set_aside(self, reason: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        number = 1
        while target.exists():
            number += 1
            target = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{number}")
        try:
            os.replace(self.path, target)
            wal = Path(f"{self.path}-wal")
            if wal.exists():  # a log that belongs to the damaged file must not be replayed into the new one
                os.replace(wal, Path(f"{target}-wal"))
            shm = Path(f"{self.path}-shm")
            if shm.exists():
                shm.unlink()
        except OSError as exc:
            raise HistoryError(f"the history {self.path} is damaged and could not be set aside: "
                               f"{exc.strerror or exc}") from exc
        self.damaged_path = target
        self.damage_reason = reason

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:  # left exactly as it is, for the version that wrote it
            raise HistoryError(f"the history {self.path} was written by a newer version of the app "
                               f"(schema {version}, this version reads up to {SCHEMA_VERSION})")
        if version == 0:
            # Only possible in a new file, before WAL mode writes its first page: lets clear()
            # give space back to the disk.
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")  # persistent: other connections inherit it
        for target, step in MIGRATIONS:
            if target <= version:
                continue
            with self._write_lock:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    if conn.execute("PRAGMA user_version").fetchone()[0] < target:  # another process may have done it
                        step(conn)
                        conn.execute(f"PRAGMA user_version = {int(target)}")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            log.info("history %s migrated to schema %d", self.path, target)

    # --- connections ---

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            conn.create_function("history_fold", 1, _fold, deterministic=True)
            # Nothing here writes: a file is checked before anything is written to it.
            # With WAL, NORMAL keeps every committed transaction across an app crash; only a power
            # cut may lose the last ones, and never corrupts the file.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -96000")  # 96 MB: a search over 100,000 entries stays in memory
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

    def __enter__(self) -> "HistoryStore":
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
                    "confidence, not_sure, probabilities, model_name, model_path, created) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values).lastrowid
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
        values = (path, folder, file_name, display, _search_text(file_name, display), _fold(display or file_name),
                  entry.label, confidence, int(bool(entry.not_sure)), json.dumps(probabilities),
                  entry.model_name or "", entry.model_path or "", utc_iso(entry.created))
        return values, (bytes(thumbnail) if thumbnail else None)

    def rename(self, entry_id: int, display_name: str | None) -> bool:
        """Give an entry a display name ('' or None: back to its file name); False if it is gone."""
        display = (display_name or "").strip() or None
        with self._write() as conn:
            row = conn.execute("SELECT file_name FROM entries WHERE id = ?", (int(entry_id),)).fetchone()
            if row is None:
                return False
            conn.execute("UPDATE entries SET display_name = ?, name_lower = ?, sort_name = ? WHERE id = ?",
                         (display, _search_text(row[0], display), _fold(display or row[0]), int(entry_id)))
        return True

    def delete(self, ids: Iterable[int]) -> int:
        """Forget entries (their image files are not touched); returns how many were deleted."""
        ids = sorted({int(i) for i in ids})
        deleted = 0
        with self._write() as conn:
            for start in range(0, len(ids), _DELETE_CHUNK):
                chunk = ids[start:start + _DELETE_CHUNK]
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
            conn.execute("DELETE FROM thumbnails WHERE entry_id IN (SELECT id FROM entries WHERE created < ?)", (cutoff,))
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
        `bench_history.py` prints its time on 100,000 entries; it runs in the writer's thread.
        Connections opened afterwards use them.
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

    def _where(self, text=None, label=None, model=None, not_sure=None, since=None, until=None, *,
               few: bool = False) -> tuple[str, list]:
        clauses, params = [], []
        if text and few:
            # The ids first, from one scan of the covering name index, then their rows: a name that
            # matches few entries would otherwise be looked for row by row in the sort order
            # (every row read to find none: `bench_history.py`'s "no match" search).
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

    def query(self, *, text: str | None = None, label: str | None = None, model: str | None = None,
              not_sure: bool | None = None, since: datetime | str | None = None,
              until: datetime | str | None = None, order_by: str = "created", descending: bool = True,
              limit: int | None = None, offset: int = 0, expected: int | None = None) -> list[HistoryRow]:
        """Entries matching every given filter, sorted by `order_by` (a key of SORT_KEYS), then by id.

        expected: how many entries match, if known (`count()` with the same filters); a name
        search that matches few of them is then read through the name index (same rows, faster).
        """
        few = expected is not None and expected <= FEW_MATCHES
        where, params = self._where(text, label, model, not_sure, since, until, few=few)
        sql = f"SELECT {_ROW_COLUMNS} FROM entries{where}{self._order(order_by, descending)}"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else int(limit), int(offset)]
        return [_row(values) for values in self._conn().execute(sql, params)]

    def count(self, *, text: str | None = None, label: str | None = None, model: str | None = None,
              not_sure: bool | None = None, since: datetime | str | None = None,
              until: datetime | str | None = None) -> int:
        where, params = self._where(text, label, model, not_sure, since, until)
        return self._conn().execute(f"SELECT count(*) FROM entries{where}", params).fetchone()[0]

    @staticmethod
    def _order(order_by: str, descending: bool) -> str:
        if order_by not in SORT_KEYS:
            raise ValueError(f"cannot sort the history by {order_by!r}; choose one of {sorted(SORT_KEYS)}")
        direction = "DESC" if descending else "ASC"
        column = SORT_KEYS[order_by]
        return f" ORDER BY {column} {direction}" + ("" if column == "id" else f", id {direction}")

    def get(self, entry_id: int) -> HistoryRow | None:
        values = self._conn().execute(f"SELECT {_ROW_COLUMNS} FROM entries WHERE id = ?", (int(entry_id),)).fetchone()
        return None if values is None else _row(values)

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
        for start in range(0, len(ids), _DELETE_CHUNK):
            chunk = ids[start:start + _DELETE_CHUNK]
            marks = ",".join("?" * len(chunk))
            for entry_id, jpeg in self._conn().execute(
                    f"SELECT entry_id, jpeg FROM thumbnails WHERE entry_id IN ({marks})", chunk):
                found[entry_id] = bytes(jpeg)
        return found

    def schema_version(self) -> int:
        return self._conn().execute("PRAGMA user_version").fetchone()[0]

    # --- export ---

    def export_csv(self, path: str | os.PathLike, filters: HistoryFilter | None = None, *,
                   order_by: str = "created", descending: bool = True) -> int:
        """Write the filtered entries as CSV, atomically (a temporary file, then a rename).

        Columns: when (UTC), name, file name, folder, path, class, confidence, not sure, model,
        model path, then one column per class probability (the union of every entry's classes).
        UTF-8 with a BOM, so spreadsheet apps read non-ASCII names. Returns the number of rows;
        raises OSError.
        """
        kwargs = (filters or HistoryFilter()).kwargs()
        where, params = self._where(**kwargs)
        classes: dict[str, None] = {}
        for (blob,) in self._conn().execute(f"SELECT DISTINCT probabilities FROM entries{where}", params):
            classes.update(dict.fromkeys(_probabilities(blob)))
        target = Path(path)
        # Beside the target (same disk, so the rename is atomic), created like any new file (the
        # user's umask), not with a temporary file's private permissions.
        temporary = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        written = 0
        try:
            with open(temporary, "x", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(["created_utc", "name", "file_name", "folder", "path", "label", "confidence",
                                 "not_sure", "model", "model_path", *classes])
                sql = f"SELECT {_ROW_COLUMNS} FROM entries{where}{self._order(order_by, descending)}"
                for values in self._conn().execute(sql, params):
                    row = _row(values)
                    writer.writerow([row.created, row.name, row.file_name, row.folder, row.path or "", row.label,
                                     f"{row.confidence:.6f}", str(row.not_sure).lower(), row.model_name,
                                     row.model_path, *(_probability_text(row.probabilities.get(c)) for c in classes)])
                    written += 1
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise
        return written


def _probabilities(blob: str | None) -> dict[str, float]:
    try:
        value = json.loads(blob or "{}")
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _probability_text(value: float | None) -> str:
    return "" if value is None else f"{float(value):.6f}"


def _row(values: tuple) -> HistoryRow:
    (entry_id, path, folder, file_name, display_name, label, confidence, not_sure, probabilities,
     model_name, model_path, created) = values
    return HistoryRow(id=entry_id, path=path, folder=folder or "", file_name=file_name, display_name=display_name,
                      label=label, confidence=float(confidence), not_sure=bool(not_sure),
                      probabilities=_probabilities(probabilities), model_name=model_name or "",
                      model_path=model_path or "", created=created)
