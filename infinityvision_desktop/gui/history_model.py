"""The History tab's table model: the entries of the local history database that match the filters.

`HistoryModel` is a QAbstractTableModel over core.history.HistoryStore that loads lazily: one
page of rows when (re)queried, another page each time the view scrolls near the end
(canFetchMore/fetchMore). Search, filters and sorting re-query the database (WHERE and ORDER BY
on indexed columns), so 100,000 entries open as fast as 100. Thumbnails are read and decoded
only for rows being painted, a block at a time, and cached.
"""

from __future__ import annotations

import enum
import logging
import os
import sqlite3
from collections import OrderedDict
from datetime import datetime

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QDateTime, QLocale, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPixmap

from infinityvision_desktop.core.history import HistoryError, HistoryFilter, HistoryRow, HistoryStore, decode_thumbnail
from infinityvision_desktop.core.teach.project import AnsweredImage
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.i18n import class_name, with_article
from infinityvision_desktop.gui.teach_drops import ANSWERS_MIME, answers_mime_data
from infinityvision_desktop.gui.widgets.probability_chart import percent_text

log = logging.getLogger(__name__)

PAGE_SIZE = 200  # rows per query: a screenful many times over, and still a quick read
MAX_KEPT_ON_REFRESH = 2000  # rows re-read when new entries arrive, so the scroll position holds
THUMBNAIL_BLOCK = 50  # thumbnails read together: one query per block of rows painted
PIXMAP_CACHE_SIZE = 1500
ICON_SIDE = 48  # shown size; the stored 96 px thumbnail stays sharp on a 2x screen
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
DATABASE_ERRORS = (sqlite3.Error, HistoryError)


class Column(enum.IntEnum):
    THUMBNAIL = 0
    NAME = 1
    FOLDER = 2
    CLASS = 3
    CONFIDENCE = 4
    NOT_SURE = 5
    MODEL = 6
    WHEN = 7


# The store's sort keys (indexed columns); the thumbnail column sorts in the order of recording.
SORT_KEY_OF_COLUMN = {
    Column.THUMBNAIL: "id",
    Column.NAME: "name",
    Column.FOLDER: "folder",
    Column.CLASS: "label",
    Column.CONFIDENCE: "confidence",
    Column.NOT_SURE: "not_sure",
    Column.MODEL: "model",
    Column.WHEN: "created",
}


def local_time_text(created: str, format_type=QLocale.FormatType.ShortFormat) -> str:
    """A stored UTC time as the user's local date and time, in their locale's format."""
    try:
        seconds = datetime.fromisoformat(created).timestamp()
    except (TypeError, ValueError):
        return created or ""
    return QLocale().toString(QDateTime.fromMSecsSinceEpoch(int(seconds * 1000)), format_type)


class HistoryModel(QAbstractTableModel):
    """The entries matching the current filters, in the current order, read a page at a time."""

    sig_reloaded = Signal()
    """The rows were queried again (new filters, order, or entries): total_count() is current."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._store: HistoryStore | None = None
        self._filters = HistoryFilter()
        self._order_by = "created"
        self._descending = True
        self._rows: list[HistoryRow] = []
        self._total = 0
        self._pixmaps: OrderedDict[int, QPixmap] = OrderedDict()
        self._blank: QPixmap | None = None
        self._headers: dict[Column, str] = {}
        self._not_sure_colour = QColor(theme.scheme().not_sure)
        self.retranslate()

    def retranslate(self) -> None:
        """Headers and shown values (class names, dates) in the current language."""
        self._headers = {
            Column.THUMBNAIL: "",
            Column.NAME: self.tr("Name"),
            Column.FOLDER: self.tr("Folder"),
            Column.CLASS: self.tr("Class"),
            Column.CONFIDENCE: self.tr("Confidence"),
            Column.NOT_SURE: self.tr("Not sure"),
            Column.MODEL: self.tr("Model"),
            Column.WHEN: self.tr("When"),
        }
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        self._all_rows_changed()

    def set_scheme(self, scheme: theme.Scheme) -> None:
        """The colour of "not sure" answers, for a light or dark table."""
        colour = QColor(scheme.not_sure)
        if colour != self._not_sure_colour:
            self._not_sure_colour = colour
            self._all_rows_changed()

    def _all_rows_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1))

    # --- what is shown ---

    def store(self) -> HistoryStore | None:
        return self._store

    def set_store(self, store: HistoryStore | None) -> None:
        self._store = store
        self._pixmaps.clear()
        self.reload()

    def filters(self) -> HistoryFilter:
        return self._filters

    def set_filters(self, filters: HistoryFilter) -> None:
        if filters != self._filters:
            self._filters = filters
            self.reload()

    def order(self) -> tuple[str, bool]:
        return self._order_by, self._descending

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Called by the view when a header is clicked: query again in that order."""
        try:
            key = SORT_KEY_OF_COLUMN[Column(column)]
        except ValueError:
            key = "created"
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._order_by, self._descending):
            return
        self._order_by, self._descending = key, descending
        self.reload()

    def reload(self, *, keep_loaded: bool = False) -> None:
        """Query again: the first page, or as many rows as are loaded now (up to a limit)."""
        wanted = min(max(PAGE_SIZE, len(self._rows)), MAX_KEPT_ON_REFRESH) if keep_loaded else PAGE_SIZE
        rows, total = [], 0
        if self._store is not None:
            try:
                total = self._store.count(**self._filters.kwargs())
                rows = self._store.query(
                    **self._filters.kwargs(),
                    order_by=self._order_by,
                    descending=self._descending,
                    limit=wanted,
                    expected=total,
                )
            except DATABASE_ERRORS:
                log.exception("history: query failed")
                rows, total = [], 0
        self.beginResetModel()
        self._rows, self._total = rows, max(total, len(rows))
        self.endResetModel()
        self.sig_reloaded.emit()

    def total_count(self) -> int:
        """Entries matching the filters (rowCount() is how many are loaded so far)."""
        return self._total

    def entry(self, position: int) -> HistoryRow | None:
        return self._rows[position] if 0 <= position < len(self._rows) else None

    def position_of(self, entry_id: int) -> int:
        for position, row in enumerate(self._rows):
            if row.id == entry_id:
                return position
        return -1

    def thumbnail_rgb(self, entry_id: int) -> np.ndarray | None:
        """An entry's stored thumbnail as RGB pixels (for the Classify tab), or None."""
        if self._store is None:
            return None
        try:
            data = self._store.thumbnail(entry_id)
        except DATABASE_ERRORS:
            log.exception("history: reading a thumbnail failed")
            return None
        return decode_thumbnail(data) if data else None

    def answered_images(self, entries: list[HistoryRow]) -> list[AnsweredImage]:
        """Entries as images to copy into a class (a correction): the photo while it is there, else the
        stored thumbnail the table shows (96 px: more than a 32 px model ever saw of it); `data` is None
        for an entry that has neither."""
        gone = {entry.id for entry in entries if not (entry.path and os.path.isfile(entry.path))}
        thumbnails = {}
        if gone and self._store is not None:
            try:
                thumbnails = self._store.thumbnails(sorted(gone))
            except DATABASE_ERRORS:
                log.exception("history: reading thumbnails failed")
        return [
            AnsweredImage(entry.label, f"{os.path.splitext(entry.file_name)[0]}.jpg", data=thumbnails.get(entry.id))
            if entry.id in gone
            else AnsweredImage(entry.label, entry.file_name, path=entry.path)
            for entry in entries
        ]

    # --- dragged out (onto a class of the Teach tab, or as files elsewhere) ---

    def flags(self, index):
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return [ANSWERS_MIME, "text/uri-list"]

    def mimeData(self, indexes) -> QMimeData:
        positions = sorted({index.row() for index in indexes if index.isValid()})
        return answers_mime_data(self.answered_images([self._rows[position] for position in positions]))

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    # --- Qt model interface ---

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._store is not None and len(self._rows) < self._total

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or self._store is None:
            return
        try:
            page = self._store.query(
                **self._filters.kwargs(),
                order_by=self._order_by,
                descending=self._descending,
                limit=PAGE_SIZE,
                offset=len(self._rows),
                expected=self._total,
            )
        except DATABASE_ERRORS:
            log.exception("history: reading more rows failed")
            page = []
        if not page:  # entries were deleted meanwhile: what is loaded is all there is
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[Column(section)]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.THUMBNAIL:
            return self._thumbnail(index.row())
        if role == ENTRY_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and row.not_sure and column in (Column.CLASS, Column.NOT_SURE):
            return self._not_sure_colour
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.CONFIDENCE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: HistoryRow, column: Column):
        if column == Column.NAME:
            return row.name
        if column == Column.FOLDER:
            return row.folder if row.path else self.tr("(pasted)")
        if column == Column.CLASS:
            return class_name(row.label)
        if column == Column.CONFIDENCE:
            return percent_text(row.confidence)
        if column == Column.NOT_SURE:
            if row.looks_like:  # none of the classes, said short: the tooltip says it as the window did
                return self.tr("Looks like {0}").format(with_article(row.looks_like))
            return self.tr("Not sure") if row.not_sure else ""
        if column == Column.MODEL:
            return row.model_name
        if column == Column.WHEN:
            return local_time_text(row.created)
        return None

    def _tooltip(self, row: HistoryRow, column: Column):
        if column in (Column.NAME, Column.THUMBNAIL):
            where = row.path or self.tr("a pasted image")
            return where if not row.display_name else f"{row.display_name}\n{where}"
        if column == Column.FOLDER:
            return row.folder or None
        if column == Column.MODEL:
            return row.model_path or None
        if column == Column.WHEN:
            return local_time_text(row.created, QLocale.FormatType.LongFormat)
        if column == Column.NOT_SURE and row.looks_like:
            return self.tr("None of the ten: looks like {0}").format(with_article(row.looks_like))
        return None

    def _thumbnail(self, position: int) -> QPixmap:
        entry_id = self._rows[position].id
        pixmap = self._pixmaps.get(entry_id)
        if pixmap is None:
            self._load_thumbnails(position)
            pixmap = self._pixmaps.get(entry_id)
        else:
            self._pixmaps.move_to_end(entry_id)
        return pixmap if pixmap is not None else self._blank_pixmap()

    def _load_thumbnails(self, position: int) -> None:
        # The view paints row after row: read the block around this one in one query.
        start = position - position % THUMBNAIL_BLOCK
        ids = [row.id for row in self._rows[start : start + THUMBNAIL_BLOCK] if row.id not in self._pixmaps]
        if not ids or self._store is None:
            return
        try:
            found = self._store.thumbnails(ids)
        except DATABASE_ERRORS:
            log.exception("history: reading thumbnails failed")
            found = {}
        for entry_id in ids:
            self._pixmaps[entry_id] = self._icon(found.get(entry_id))
        while len(self._pixmaps) > PIXMAP_CACHE_SIZE:
            self._pixmaps.popitem(last=False)

    def _blank_pixmap(self) -> QPixmap:
        if self._blank is None:
            ratio = QGuiApplication.instance().devicePixelRatio() if QGuiApplication.instance() else 1.0
            self._blank = QPixmap(round(ICON_SIDE * ratio), round(ICON_SIDE * ratio))
            self._blank.setDevicePixelRatio(ratio)
            self._blank.fill(Qt.GlobalColor.transparent)
        return self._blank

    def _icon(self, jpeg: bytes | None) -> QPixmap:
        blank = self._blank_pixmap()
        if not jpeg:
            return blank
        image = QImage.fromData(jpeg)
        if image.isNull():
            return blank
        side = blank.width()  # device pixels
        image = image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        pixmap = QPixmap(blank)  # centred on a square, so every name starts at the same place
        painter = QPainter(pixmap)
        ratio = blank.devicePixelRatio()
        image.setDevicePixelRatio(ratio)
        painter.drawImage(round((side - image.width()) / 2 / ratio), round((side - image.height()) / 2 / ratio), image)
        painter.end()
        return pixmap
