"""The History's writer: a long-lived worker that owns the writes to the history database.

It opens the database in its own thread (the integrity check reads the whole file, which must not
delay the window), forgets entries past the user's limit, then writes what the window records:
the GUI thread only puts entries on a queue, so classifying thousands of images never waits for
the disk. While the window is classifying (`set_busy(True)`) entries are held until the work
ends, 2 s have passed or 4,096 are held, then written in transactions of up to 512 entries:
encoding thumbnails and inserting rows would otherwise take CPU time from the inference on a
2-core machine. A crash loses at most the entries held (2 s of answers), a normal close none (a
stop request is queued behind them and writes what is held).
"""

from __future__ import annotations

import logging
import os
import queue
import time
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal

from infinityvision_desktop.core.history import HistoryEntry, HistoryError, HistoryFilter, HistoryStore
from infinityvision_desktop.gui.workers import Worker

log = logging.getLogger(__name__)

# When the writer falls behind, queued batches are merged into one transaction of at most this many
# entries: fewer commits (each one a disk sync at a checkpoint) while keeping transactions short.
MAX_ENTRIES_PER_TRANSACTION = 512
# While the window is classifying, entries wait at most this long, or until this many are held,
# before they are written: a job of a thousand images is written after its last answer, not in the
# middle, where the writes took CPU time from the model.
MAX_HOLD_SECONDS = 2.0
MAX_HELD_WHILE_BUSY = 4096


@dataclass(frozen=True)
class _Record:
    entries: tuple[HistoryEntry, ...]


@dataclass(frozen=True)
class _Export:
    path: str
    filters: HistoryFilter
    order_by: str
    descending: bool


@dataclass(frozen=True)
class _Busy:
    busy: bool


_STOP = object()


class HistoryWriter(Worker):
    """Opens the history, then records entries and writes exports, in order, in its thread.

    `record()` and `export()` may be called from any thread (they only touch a queue).
    """

    sig_opened = Signal(object)
    """The database is open: the HistoryStore (thread-safe; each thread uses its own connection)."""
    sig_open_failed = Signal(str)
    """The history cannot be used this session: the reason."""
    sig_written = Signal(int)
    """Entries were committed: how many."""
    sig_write_failed = Signal(str)
    """A batch of entries could not be written (disk full, ...): the reason."""
    sig_exported = Signal(str, int)
    """An export is on disk: its path and the number of entries."""
    sig_export_failed = Signal(str, str)
    """An export failed: its path and the reason."""

    def __init__(self, path: str | os.PathLike | None = None, *, forget_after_days: int = 0) -> None:
        super().__init__()
        self._path = path
        self._forget_after_days = forget_after_days
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self.forgotten = 0  # entries forgotten at open (read after sig_opened)

    # --- any thread ---

    def record(self, entries: Sequence[HistoryEntry]) -> None:
        if entries:
            self._commands.put(_Record(tuple(entries)))

    def set_busy(self, busy: bool) -> None:
        """The window is classifying (hold entries back) or idle again (write them now)."""
        self._commands.put(_Busy(bool(busy)))

    def export(
        self, path: str | os.PathLike, filters: HistoryFilter, *, order_by: str = "created", descending: bool = True
    ) -> None:
        self._commands.put(_Export(os.fspath(path), filters, order_by, descending))

    def request_stop(self) -> None:
        super().request_stop()
        self._commands.put(_STOP)  # behind every queued batch: they are written first

    # --- the writer thread ---

    def work(self) -> None:
        try:
            store = HistoryStore(self._path)
        except HistoryError as exc:
            log.warning("history unavailable: %s", exc)
            self.sig_open_failed.emit(str(exc))
            return
        try:
            if store.recovery_message:
                log.warning("%s", store.recovery_message)
            if self._forget_after_days > 0:
                self.forgotten = store.forget_older_than(self._forget_after_days)
                if self.forgotten:
                    log.info("history: forgot %d entries older than %d days", self.forgotten, self._forget_after_days)
            try:
                store.update_statistics()  # before the view's connection opens: it plans with them
            except Exception:  # noqa: BLE001 - searches are slower without them, not wrong
                log.warning("history: statistics not updated", exc_info=True)
            self.sig_opened.emit(store)
            self._serve(store)
        finally:
            store.close_thread_connection()

    def _serve(self, store: HistoryStore) -> None:
        busy = False
        held: list[HistoryEntry] = []
        held_since = 0.0
        while True:
            if held and (
                len(held) >= (MAX_HELD_WHILE_BUSY if busy else MAX_ENTRIES_PER_TRANSACTION)
                or (busy and time.monotonic() - held_since >= MAX_HOLD_SECONDS)
            ):
                while held:
                    self._write(store, held[:MAX_ENTRIES_PER_TRANSACTION])
                    held = held[MAX_ENTRIES_PER_TRANSACTION:]
                held_since = time.monotonic()
                continue
            try:
                if not held:
                    command = self._commands.get()
                elif busy:
                    command = self._commands.get(timeout=max(0.0, held_since + MAX_HOLD_SECONDS - time.monotonic()))
                else:
                    command = self._commands.get_nowait()  # catch up: more queued batches join this transaction
            except queue.Empty:  # idle with nothing more queued, or held long enough while busy
                self._write(store, held)
                held = []
                continue
            if isinstance(command, _Record):
                if not held:
                    held_since = time.monotonic()
                held.extend(command.entries)
            elif isinstance(command, _Busy):
                busy = command.busy
            else:  # a stop or an export: after the entries before it
                while held:
                    self._write(store, held[:MAX_ENTRIES_PER_TRANSACTION])
                    held = held[MAX_ENTRIES_PER_TRANSACTION:]
                if command is _STOP:
                    return
                self._export(store, command)

    def _write(self, store: HistoryStore, entries: list[HistoryEntry]) -> None:
        try:
            store.add_many(entries)
        except Exception as exc:  # noqa: BLE001 - sqlite3.Error, OSError, HistoryError: say so, keep going
            log.exception("history: could not record %d entries", len(entries))
            self.sig_write_failed.emit(str(exc))
            return
        self.sig_written.emit(len(entries))

    def _export(self, store: HistoryStore, command: _Export) -> None:
        try:
            count = store.export_csv(
                command.path, command.filters, order_by=command.order_by, descending=command.descending
            )
        except Exception as exc:  # noqa: BLE001 - reported to the user, who can pick another place
            log.warning("history export to %s failed", command.path, exc_info=True)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.sig_export_failed.emit(command.path, reason)
            return
        self.sig_exported.emit(command.path, count)


def entries_from_results(rows: Sequence, results: Sequence, *, model_name: str, model_path: str | None) -> list:
    """History entries for the answered `rows` (ResultRows just updated from `results`, a batch of
    core.classify.ImageResults): the answer, and the thumbnail made from the decoded image (a
    small JPEG file is its own thumbnail), since the file may be gone later."""
    from infinityvision_desktop.gui.widgets.results_table import RowState

    large = {result.key: result.thumbnail_jpeg or result.thumbnail for result in results if result.error is None}
    entries = []
    for row in rows:
        if row.state != RowState.DONE or row.prediction is None or row.key not in large:
            continue
        thumbnail = large[row.key] if large[row.key] is not None else row.thumbnail
        entries.append(
            HistoryEntry.from_prediction(
                row.prediction,
                name=row.name,
                path=row.path,
                model_name=model_name,
                model_path=model_path or "",
                thumbnail=thumbnail,
            )
        )
    return entries
