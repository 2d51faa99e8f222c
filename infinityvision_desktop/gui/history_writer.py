"""The History's writer: a long-lived worker that owns the writes to the history database.

It opens the database in its own thread (the integrity check reads the whole file, which must not
delay the window), forgets entries past the user's limit, then writes what the window records:
the GUI thread only puts entries on a queue, so classifying thousands of images never waits for
the disk. Each queued batch (one inference batch) is one transaction: a crash loses at most the
batches still in the queue, a normal close none (a stop request is queued behind them).
"""

from __future__ import annotations

import logging
import os
import queue
from dataclasses import dataclass
from typing import Sequence

from PySide6.QtCore import Signal

from infinityvision_desktop.core.history import HistoryEntry, HistoryError, HistoryFilter, HistoryStore
from infinityvision_desktop.gui.workers import Worker

log = logging.getLogger(__name__)

# When the writer falls behind, queued batches are merged into one transaction of at most this many
# entries: fewer commits (each one a disk sync at a checkpoint) while keeping transactions short.
MAX_ENTRIES_PER_TRANSACTION = 512


@dataclass(frozen=True)
class _Record:
    entries: tuple[HistoryEntry, ...]


@dataclass(frozen=True)
class _Export:
    path: str
    filters: HistoryFilter
    order_by: str
    descending: bool


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

    def export(self, path: str | os.PathLike, filters: HistoryFilter, *, order_by: str = "created",
               descending: bool = True) -> None:
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
            self.sig_opened.emit(store)
            self._serve(store)
        finally:
            store.close_thread_connection()

    def _serve(self, store: HistoryStore) -> None:
        pending = None
        while True:
            command = pending if pending is not None else self._commands.get()
            pending = None
            if command is _STOP:
                return
            if isinstance(command, _Export):
                self._export(store, command)
                continue
            entries = list(command.entries)
            while len(entries) < MAX_ENTRIES_PER_TRANSACTION:  # catch up in one transaction
                try:
                    following = self._commands.get_nowait()
                except queue.Empty:
                    break
                if not isinstance(following, _Record):
                    pending = following  # a stop or an export: after these entries
                    break
                entries.extend(following.entries)
            try:
                store.add_many(entries)
            except Exception as exc:  # noqa: BLE001 - sqlite3.Error, OSError, HistoryError: say so, keep going
                log.exception("history: could not record %d entries", len(entries))
                self.sig_write_failed.emit(str(exc))
                continue
            self.sig_written.emit(len(entries))

    def _export(self, store: HistoryStore, command: _Export) -> None:
        try:
            count = store.export_csv(command.path, command.filters, order_by=command.order_by,
                                     descending=command.descending)
        except Exception as exc:  # noqa: BLE001 - reported to the user, who can pick another place
            log.warning("history export to %s failed", command.path, exc_info=True)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.sig_export_failed.emit(command.path, reason)
            return
        self.sig_exported.emit(command.path, count)
