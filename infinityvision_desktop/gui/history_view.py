"""The History tab: every image ever classified, from the local history database.

`HistoryModel` is a QAbstractTableModel over core.history.HistoryStore that loads lazily: one
page of rows when (re)queried, another page each time the view scrolls near the end
(canFetchMore/fetchMore). Search, filters and sorting re-query the database (WHERE and ORDER BY
on indexed columns), so 100,000 entries open as fast as 100. Thumbnails are read and decoded
only for rows being painted, a block at a time, and cached.

`HistoryView` is the tab: search box, filters, actions, the table, and the two settings
(record on/off, forget after N days). It records through a `HistoryWriter` running in its own
thread, started with the window's `start_worker`.
"""

from __future__ import annotations

import enum
import logging
import os
import sqlite3
from collections import OrderedDict
from datetime import datetime
from typing import Callable, Sequence

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel, QDate, QDateTime, QEvent, QItemSelectionModel, QLocale, QModelIndex, QSize, Qt, QTimer,
    QUrl, Signal, Slot,
)
from PySide6.QtGui import QAction, QColor, QDesktopServices, QGuiApplication, QIcon, QImage, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QFileDialog, QFrame, QHBoxLayout, QHeaderView,
    QInputDialog, QLabel, QLineEdit, QMenu, QMessageBox, QSizePolicy, QSpinBox, QStyle, QTableView, QTabWidget,
    QToolBar, QToolButton, QVBoxLayout, QWidget,
)

from infinityvision_desktop.core.history import (
    HistoryEntry, HistoryError, HistoryFilter, HistoryRow, HistoryStore, decode_thumbnail,
)
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.history_writer import HistoryWriter
from infinityvision_desktop.gui.i18n import class_name
from infinityvision_desktop.gui.settings import MAX_HISTORY_DAYS, Settings
from infinityvision_desktop.gui.widgets.probability_chart import percent_text
from infinityvision_desktop.gui.widgets.results_table import RowState
from infinityvision_desktop.gui.workers import WorkerHandle

log = logging.getLogger(__name__)

PAGE_SIZE = 200  # rows per query: a screenful many times over, a few milliseconds to read
MAX_KEPT_ON_REFRESH = 2000  # rows re-read when new entries arrive, so the scroll position holds
THUMBNAIL_BLOCK = 50  # thumbnails read together: one query per block of rows painted
PIXMAP_CACHE_SIZE = 1500
ICON_SIDE = 48  # shown size; the stored 96 px thumbnail stays sharp on a 2x screen
SEARCH_DELAY_MS = 150  # typing "cat" queries once, not three times
REFRESH_DELAY_MS = 400  # while images are being classified, new entries appear at this pace at most
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
    Column.THUMBNAIL: "id", Column.NAME: "name", Column.FOLDER: "folder", Column.CLASS: "label",
    Column.CONFIDENCE: "confidence", Column.NOT_SURE: "not_sure", Column.MODEL: "model", Column.WHEN: "created",
}


def local_time_text(created: str, format_type=QLocale.FormatType.ShortFormat) -> str:
    """A stored UTC time as the user's local date and time, in their locale's format."""
    try:
        seconds = datetime.fromisoformat(created).timestamp()
    except (TypeError, ValueError):
        return created or ""
    return QLocale().toString(QDateTime.fromMSecsSinceEpoch(int(seconds * 1000)), format_type)


# ---------------------------------------------------------------- the model

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
            Column.THUMBNAIL: "", Column.NAME: self.tr("Name"), Column.FOLDER: self.tr("Folder"),
            Column.CLASS: self.tr("Class"), Column.CONFIDENCE: self.tr("Confidence"),
            Column.NOT_SURE: self.tr("Not sure"), Column.MODEL: self.tr("Model"), Column.WHEN: self.tr("When"),
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
                rows = self._store.query(**self._filters.kwargs(), order_by=self._order_by,
                                         descending=self._descending, limit=wanted, expected=total)
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
            page = self._store.query(**self._filters.kwargs(), order_by=self._order_by, descending=self._descending,
                                     limit=PAGE_SIZE, offset=len(self._rows), expected=self._total)
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
        ids = [row.id for row in self._rows[start:start + THUMBNAIL_BLOCK] if row.id not in self._pixmaps]
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


# ---------------------------------------------------------------- the table

class HistoryTable(QTableView):
    """The entries; Return opens, F2 renames, Delete forgets; a line of text when there are none."""

    sig_activate_requested = Signal()
    """Return or Enter on the table."""
    sig_rename_requested = Signal()
    """F2 on the table."""
    sig_delete_requested = Signal()
    """Delete or Backspace on the table."""

    _KEYS = {
        Qt.Key.Key_Return: "sig_activate_requested", Qt.Key.Key_Enter: "sig_activate_requested",
        Qt.Key.Key_F2: "sig_rename_requested",
        Qt.Key.Key_Delete: "sig_delete_requested", Qt.Key.Key_Backspace: "sig_delete_requested",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = ""

    def event(self, event) -> bool:
        # Claim these keys before the window's shortcuts see them: the Classify tab's "Remove
        # Selected" (Delete) must not act on another tab's list.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in self._KEYS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        name = self._KEYS.get(event.key())
        if name is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            getattr(self, name).emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.viewport().rect().adjusted(24, 24, -24, -24),
                             int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.empty_text)
            painter.end()


# ---------------------------------------------------------------- the tab

class HistoryView(QWidget):
    """The History tab. `start()` opens the database in the background; `record()` adds entries."""

    sig_open_requested = Signal(object, object)
    """Show an entry again in the Classify tab: its HistoryRow and stored thumbnail (RGB uint8) or None."""
    sig_store_ready = Signal()
    """The database is open and the first page shown, or it could not be opened (see message_text())."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._recording = settings.history_enabled
        self._writer: HistoryWriter | None = None
        self._writer_handle: WorkerHandle | None = None
        self._opened = False
        self._stale = False  # entries were written while the tab was hidden
        self._open_failed = False
        self._grand_total = 0
        self.model = HistoryModel(self)

        self._create_actions()
        self._create_widgets()
        self._connect_signals()
        self._update_actions()

    # ================================================================ construction

    def _create_actions(self) -> None:
        def action(icon: QStyle.StandardPixmap | None = None) -> QAction:
            new = QAction(self)
            if icon is not None:
                new.setIcon(self.style().standardIcon(icon))
            return new

        pixmaps = QStyle.StandardPixmap
        self.open_action = action(pixmaps.SP_DialogOpenButton)
        self.reveal_action = action(pixmaps.SP_DirIcon)
        self.rename_action = action()
        self.delete_action = action(pixmaps.SP_TrashIcon)
        self.export_action = action(pixmaps.SP_DialogSaveButton)
        self.clear_action = action()

    def retranslate_ui(self) -> None:
        """Every text in the current language: at construction and on QEvent.LanguageChange."""
        texts = {
            self.open_action: (self.tr("&Open"), self.tr("Show this image again in the Classify tab (Return)")),
            self.reveal_action: (self.tr("Show in &Folder"), self.tr("Open the folder that holds this image")),
            self.rename_action: (self.tr("&Rename…"), self.tr("Give this entry a name of your own (F2)")),
            self.delete_action: (self.tr("&Delete"),
                                 self.tr("Forget the selected entries (Delete); the image files are not touched")),
            self.export_action: (self.tr("&Export CSV…"), self.tr("Save the entries shown to a CSV file")),
            self.clear_action: (self.tr("&Clear All…"), self.tr("Forget every entry; the image files are not touched")),
        }
        for act, (text, tip) in texts.items():
            act.setText(text)
            act.setToolTip(tip)
            act.setStatusTip(tip)
        self.search_edit.setPlaceholderText(self.tr("Search file names"))
        self.search_edit.setAccessibleName(self.tr("Search file names"))
        self.class_combo.setToolTip(self.tr("Show one class only"))
        self.class_combo.setAccessibleName(self.tr("Class"))
        self.model_combo.setToolTip(self.tr("Show one model's answers only"))
        self.model_combo.setAccessibleName(self.tr("Model"))
        self.class_combo.setItemText(0, self.tr("All classes"))
        self.model_combo.setItemText(0, self.tr("All models"))
        for combo in (self.class_combo, self.model_combo):
            for index in range(1, combo.count()):
                combo.setItemText(index, self._choice_text(combo, combo.itemData(index)))
        self.not_sure_check.setText(self.tr("Not sure only"))
        self.from_check.setText(self.tr("From"))
        self.from_edit.setAccessibleName(self.tr("From date"))
        self.to_check.setText(self.tr("to"))
        self.to_edit.setAccessibleName(self.tr("To date"))
        date_format = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
        for edit in (self.from_edit, self.to_edit):
            edit.setLocale(QLocale())
            edit.setDisplayFormat(date_format)
        self.toolbar.setWindowTitle(self.tr("History actions"))
        self.banner_close.setToolTip(self.tr("Hide this message"))
        self.banner_close.setAccessibleName(self.tr("Hide this message"))
        self.table.setAccessibleName(self.tr("History entries"))
        self.record_check.setText(self.tr("Keep a history of classified images"))
        self.forget_label.setText(self.tr("Forget entries older than"))
        self.forget_spin.setSpecialValueText(self.tr("never"))
        self.forget_spin.setSuffix(self.tr(" days"))
        self.forget_spin.setToolTip(self.tr("Applied when InfinityVision starts. The image files are never touched."))
        self.model.retranslate()
        if self._open_failed:
            self.table.empty_text = self.tr("The history is not available.")
        elif not self._opened:
            self.table.empty_text = self.tr("Opening the history…")
        self._on_model_reloaded()  # the count, and the empty table's text once open
        self._fit_short_columns()
        self.table.viewport().update()

    def _fit_short_columns(self) -> None:
        """Confidence and Not sure as wide as their header or "Not sure" in this language needs (they are
        fixed widths, not ResizeToContents, which would measure every loaded row)."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        padding = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 24  # the sort arrow
        for column, minimum in ((Column.CONFIDENCE, 95), (Column.NOT_SURE, 80)):
            texts = [self.model.headerData(column, Qt.Orientation.Horizontal), self.tr("Not sure")]
            wanted = max(metrics.horizontalAdvance(text or "") for text in texts) + padding
            header.resizeSection(column, max(minimum, wanted))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        elif event.type() == QEvent.Type.PaletteChange:
            scheme = theme.scheme(self.palette())
            self.model.set_scheme(scheme)
            self.count_label.setStyleSheet(f"color: {scheme.muted};")

    def _choice_text(self, combo: QComboBox, value: str | None) -> str:
        """A class (translated for display; filtering keeps the stored label) or a model name."""
        if not value:
            return self.tr("(unnamed)")
        return class_name(value) if combo is self.class_combo else value

    def _create_widgets(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(120)
        self.class_combo = QComboBox()
        self.class_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_combo = QComboBox()
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.class_combo.addItem("", None)  # "All classes": its text is set by retranslate_ui()
        self.model_combo.addItem("", None)
        self.not_sure_check = QCheckBox()
        today = QDate.currentDate()
        self.from_check = QCheckBox()
        self.from_edit = self._date_edit(today.addDays(-7))
        self.to_check = QCheckBox()
        self.to_edit = self._date_edit(today)

        # Two rows, and the actions in a tool bar that folds what does not fit into a » menu: the
        # tab must not make the window wider than the Classify tab needs.
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.class_combo)
        filters.addWidget(self.model_combo)
        filters.addWidget(self.not_sure_check)

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(16, 16))
        for act in (self.open_action, self.reveal_action, self.rename_action, self.delete_action):
            self.toolbar.addAction(act)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.export_action)
        self.toolbar.addAction(self.clear_action)
        # Export and Clear All are only here: their buttons join the Tab order (tool bar buttons do not by default)
        for act in self.toolbar.actions():
            button = self.toolbar.widgetForAction(act)
            if button is not None and not act.isSeparator():
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.count_label = QLabel()
        self.count_label.setStyleSheet(f"color: {theme.scheme(self.palette()).muted};")
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.toolbar, 1)
        buttons.addWidget(self.from_check)
        buttons.addWidget(self.from_edit)
        buttons.addWidget(self.to_check)
        buttons.addWidget(self.to_edit)
        buttons.addSpacing(12)
        buttons.addWidget(self.count_label)

        self.banner = QFrame()
        self.banner.setObjectName("history_banner")
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner_close = QToolButton()
        self.banner_close.setText("×")
        self.banner_close.setAutoRaise(True)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(10, 6, 4, 6)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.banner_close, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.hide()

        self.table = HistoryTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(ICON_SIDE + 6)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        # Fixed and interactive widths only: ResizeToContents would ask every loaded row for its size.
        widths = {Column.THUMBNAIL: ICON_SIDE + 12, Column.FOLDER: 240, Column.CLASS: 100, Column.CONFIDENCE: 95,
                  Column.NOT_SURE: 80, Column.MODEL: 150, Column.WHEN: 150}
        for column in Column:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.THUMBNAIL, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSortIndicator(Column.WHEN, Qt.SortOrder.DescendingOrder)  # newest first, before sorting is on
        self.table.setSortingEnabled(True)

        self.record_check = QCheckBox()
        self.record_check.setChecked(self._recording)
        self.forget_label = QLabel()
        self.forget_spin = QSpinBox()
        self.forget_label.setBuddy(self.forget_spin)  # the label names the box for screen readers
        self.forget_spin.setRange(0, MAX_HISTORY_DAYS)
        self.forget_spin.setValue(self._settings.history_forget_days)
        self.forget_spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        options = QHBoxLayout()
        options.addWidget(self.record_check)
        options.addSpacing(16)
        options.addWidget(self.forget_label)
        options.addWidget(self.forget_spin)
        options.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 6)
        layout.setSpacing(8)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addLayout(options)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._set_filters_enabled(False)
        self.retranslate_ui()

    def _date_edit(self, date: QDate) -> QDateEdit:
        edit = QDateEdit(date)
        edit.setCalendarPopup(True)
        edit.setEnabled(False)
        return edit

    def _connect_signals(self) -> None:
        self.open_action.triggered.connect(self.open_selected)
        self.reveal_action.triggered.connect(self.reveal_selected)
        self.rename_action.triggered.connect(self.rename_selected)
        self.delete_action.triggered.connect(self.delete_selected)
        self.export_action.triggered.connect(self._on_export_action_triggered)
        self.clear_action.triggered.connect(self.clear_all)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self._search_timer.timeout.connect(self.apply_filters)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)
        self.class_combo.currentIndexChanged.connect(self.apply_filters)
        self.model_combo.currentIndexChanged.connect(self.apply_filters)
        self.not_sure_check.toggled.connect(self.apply_filters)
        self.from_check.toggled.connect(self._on_date_check_toggled)
        self.to_check.toggled.connect(self._on_date_check_toggled)
        self.from_edit.dateChanged.connect(self.apply_filters)
        self.to_edit.dateChanged.connect(self.apply_filters)
        self.record_check.toggled.connect(self._on_record_check_toggled)
        self.forget_spin.valueChanged.connect(self._on_forget_spin_value_changed)
        self.banner_close.clicked.connect(self.banner.hide)
        self.model.sig_reloaded.connect(self._on_model_reloaded)
        self.model.rowsInserted.connect(self._on_model_rows_inserted)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.table.sig_activate_requested.connect(self.open_selected)
        self.table.sig_rename_requested.connect(self.rename_selected)
        self.table.sig_delete_requested.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

    # ================================================================ the database

    def start(self, start_worker: Callable[..., WorkerHandle], path: str | os.PathLike | None = None) -> None:
        """Open the history in a writer thread started with `start_worker` (MainWindow.start_worker)."""
        if self._writer is not None:
            return
        writer = HistoryWriter(path, forget_after_days=self._settings.history_forget_days)
        writer.sig_opened.connect(self._on_writer_opened)
        writer.sig_open_failed.connect(self._on_writer_open_failed)
        writer.sig_written.connect(self._on_writer_written)
        writer.sig_write_failed.connect(self._on_writer_write_failed)
        writer.sig_exported.connect(self._on_writer_exported)
        writer.sig_export_failed.connect(self._on_writer_export_failed)
        writer.sig_finished.connect(self._on_writer_finished)
        self._writer = writer
        self._writer_handle = start_worker(writer, name="history")

    @property
    def store(self) -> HistoryStore | None:
        return self.model.store()

    @property
    def is_open(self) -> bool:
        return self._opened

    @property
    def is_recording(self) -> bool:
        return self._recording

    def set_store(self, store: HistoryStore) -> None:
        """Show this store (start() does it once the writer has opened the database)."""
        self._opened = True
        self.table.empty_text = ""
        self._set_filters_enabled(True)
        if store.damaged_path is not None:
            self.show_message(self.tr(
                "The history file was damaged and could not be read, so it has been set aside as {0} and a new, "
                "empty history was started.").format(store.damaged_path.name), "warning",
                tooltip=str(store.damaged_path))
        self._refresh_choices()
        self.model.set_store(store)
        self.sig_store_ready.emit()

    def set_busy(self, busy: bool) -> None:
        """The window started or finished classifying: the writer holds entries back meanwhile."""
        if self._writer is not None:
            self._writer.set_busy(busy)

    def record(self, rows: Sequence, results: Sequence, *, model_name: str, model_path: str | None) -> int:
        """Queue the answers in `rows` (ResultRows just updated from `results`, a batch of ImageResults)
        for the writer thread; returns how many were queued. Cheap: no disk, no image encoding here."""
        if self._writer is None or not self._recording:
            return 0
        large = {result.key: getattr(result, "history_thumbnail", None) for result in results if result.error is None}
        entries = []
        for row in rows:
            if row.state != RowState.DONE or row.prediction is None or row.key not in large:
                continue
            thumbnail = large[row.key] if large[row.key] is not None else row.thumbnail
            entries.append(HistoryEntry.from_prediction(row.prediction, name=row.name, path=row.path,
                                                        model_name=model_name, model_path=model_path or "",
                                                        thumbnail=thumbnail))
        self._writer.record(entries)
        return len(entries)

    @Slot(object)
    def _on_writer_opened(self, store: HistoryStore) -> None:
        self.set_store(store)

    @Slot(str)
    def _on_writer_open_failed(self, reason: str) -> None:
        self._opened = False
        self._open_failed = True
        self.table.empty_text = self.tr("The history is not available.")
        self.show_message(self.tr("The history could not be opened: {0}").format(reason), "error")
        self.table.viewport().update()
        self.sig_store_ready.emit()

    @Slot(int)
    def _on_writer_written(self, count: int) -> None:
        if self.isVisible():
            if not self._refresh_timer.isActive():  # at most one refresh per interval, however many batches
                self._refresh_timer.start()
        else:
            self._stale = True

    @Slot(str)
    def _on_writer_write_failed(self, reason: str) -> None:
        self.show_message(self.tr("Some answers could not be added to the history: {0}").format(reason), "error")

    @Slot(str, int)
    def _on_writer_exported(self, path: str, count: int) -> None:
        self.show_message(self.tr("Exported %n entry(s) to {0}", "", count).format(path), "info")

    @Slot(str, str)
    def _on_writer_export_failed(self, path: str, reason: str) -> None:
        self.show_message(self.tr("Could not export to {0}: {1}").format(path, reason), "error")

    @Slot()
    def _on_writer_finished(self) -> None:
        self._writer = None
        self._writer_handle = None

    @Slot()
    def _on_refresh_timer_timeout(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Query again, keeping the selection and the rows loaded (new entries appear)."""
        self._stale = False
        if self.store is None:
            return
        self._refresh_choices()
        selected = self.selected_ids()
        current = self.table.currentIndex()
        current_id = current.data(ENTRY_ROLE).id if current.isValid() else None
        scroll = self.table.verticalScrollBar().value()
        self.model.reload(keep_loaded=True)
        self.select_ids(selected, current_id=current_id, scroll=False)
        self.table.verticalScrollBar().setValue(scroll)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._set_tab_warning(False)
        if self._stale:
            self.refresh()

    # ================================================================ filters

    def current_filters(self) -> HistoryFilter:
        text = self.search_edit.text().strip() or None
        since = until = None
        if self.from_check.isChecked():
            since = _local_midnight(self.from_edit.date())
        if self.to_check.isChecked():
            until = _local_midnight(self.to_edit.date().addDays(1))  # the whole "to" day
        return HistoryFilter(text=text, label=self.class_combo.currentData(), model=self.model_combo.currentData(),
                             not_sure=True if self.not_sure_check.isChecked() else None, since=since, until=until)

    @Slot()
    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_filters(self.current_filters())

    @Slot(str)
    def _on_search_edit_text_changed(self, text: str) -> None:
        self._search_timer.start()  # restarted by each key: one query once typing pauses

    @Slot(bool)
    def _on_date_check_toggled(self, checked: bool) -> None:
        self.from_edit.setEnabled(self.from_check.isChecked())
        self.to_edit.setEnabled(self.to_check.isChecked())
        self.apply_filters()

    def _set_filters_enabled(self, enabled: bool) -> None:
        for widget in (self.search_edit, self.class_combo, self.model_combo, self.not_sure_check,
                       self.from_check, self.to_check):
            widget.setEnabled(enabled)
        self.from_edit.setEnabled(enabled and self.from_check.isChecked())
        self.to_edit.setEnabled(enabled and self.to_check.isChecked())

    def _refresh_choices(self) -> None:
        """The class and model lists, from what the history holds; the current choice is kept."""
        store = self.store
        if store is None:
            return
        try:
            labels, models = store.labels(), store.models()
        except DATABASE_ERRORS:
            log.exception("history: reading classes and models failed")
            return
        changed = False
        for combo, values, every in ((self.class_combo, labels, self.tr("All classes")),
                                     (self.model_combo, models, self.tr("All models"))):
            chosen = combo.currentData()
            if [combo.itemData(i) for i in range(1, combo.count())] == values:
                continue
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(every, None)
            for value in values:
                combo.addItem(self._choice_text(combo, value), value)
            position = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(position, 0))
            combo.blockSignals(False)
            changed = changed or (chosen is not None and position < 0)
        if changed:  # the chosen class or model is gone from the history
            self.model.set_filters(self.current_filters())

    # ================================================================ selection and actions

    def selected_entries(self) -> list[HistoryRow]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [entry for entry in map(self.model.entry, rows) if entry is not None]

    def selected_ids(self) -> list[int]:
        return [entry.id for entry in self.selected_entries()]

    def current_entry(self) -> HistoryRow | None:
        index = self.table.currentIndex()
        if index.isValid() and self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return self.model.entry(index.row())
        selected = self.selected_entries()
        return selected[0] if selected else None

    def select_ids(self, ids: Sequence[int], *, current_id: int | None = None, scroll: bool = True) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for entry_id in ids:
            position = self.model.position_of(entry_id)
            if position >= 0:
                selection.select(self.model.index(position, 0), flags)
        if current_id is not None:
            position = self.model.position_of(current_id)
            if position >= 0:
                index = self.model.index(position, Column.NAME)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                if scroll:
                    self.table.scrollTo(index)

    @Slot()
    def open_selected(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self.sig_open_requested.emit(entry, self.model.thumbnail_rgb(entry.id))

    @Slot()
    def reveal_selected(self) -> None:
        entry = self.current_entry()
        if entry is None or not entry.folder:
            return
        if not os.path.isdir(entry.folder):
            self.show_message(self.tr("The folder {0} is no longer there.").format(entry.folder), "warning")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(entry.folder))

    @Slot()
    def rename_selected(self) -> None:
        entry = self.current_entry()
        if entry is None or self.store is None:
            return
        text, accepted = QInputDialog.getText(
            self, self.tr("Rename"), self.tr("Name for {0} (leave empty to use the file name):").format(entry.file_name),
            QLineEdit.EchoMode.Normal, entry.display_name or entry.file_name)
        if not accepted:
            return
        name = text.strip()
        if name == entry.file_name:
            name = ""
        if self._change(lambda store: store.rename(entry.id, name)):
            self.select_ids([entry.id], current_id=entry.id)

    @Slot()
    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self.store is None:
            return
        position = min(index.row() for index in self.table.selectionModel().selectedRows())
        if self._change(lambda store: store.delete(ids)):
            following = self.model.entry(min(position, self.model.rowCount() - 1))
            if following is not None:  # keep the keyboard where it was
                self.select_ids([following.id], current_id=following.id)
            self.show_message(self.tr("Forgot %n entry(s). The image files were not touched.", "", len(ids)), "info")

    @Slot()
    def clear_all(self) -> None:
        if self.store is None or self._grand_total == 0:
            return
        answer = QMessageBox.question(
            self, self.tr("Clear History"),
            self.tr("Forget all %Ln entry(s) in the history? The image files are not touched.", "", self._grand_total),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self._change(lambda store: store.clear()):
            self.show_message(self.tr("The history is empty. The image files were not touched."), "info")

    def _change(self, change: Callable[[HistoryStore], object]) -> bool:
        try:
            change(self.store)
        except DATABASE_ERRORS as exc:
            log.exception("history: change failed")
            self.show_message(self.tr("The history could not be changed: {0}").format(exc), "error")
            return False
        self._refresh_choices()
        self.model.reload(keep_loaded=True)
        return True

    @Slot()
    def _on_export_action_triggered(self) -> None:
        start = os.path.join(self._settings.last_folder or os.path.expanduser("~"), "infinityvision-history.csv")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export History"), start, self.tr("CSV files (*.csv)"))
        if not path:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        self.export_csv(path)

    def export_csv(self, path: str | os.PathLike) -> None:
        """Write the entries shown (filters and order as on screen); in the writer thread when there is one."""
        filters = self.model.filters()
        order_by, descending = self.model.order()
        if self._writer is not None:
            self._writer.export(path, filters, order_by=order_by, descending=descending)
            return
        if self.store is None:
            return
        try:
            count = self.store.export_csv(path, filters, order_by=order_by, descending=descending)
        except (OSError, *DATABASE_ERRORS) as exc:
            self._on_writer_export_failed(os.fspath(path), getattr(exc, "strerror", None) or str(exc))
            return
        self._on_writer_exported(os.fspath(path), count)

    # ================================================================ messages and state

    def show_message(self, text: str, kind: str = "info", *, tooltip: str = "") -> None:
        """A line above the table: kind is "info", "warning" or "error"."""
        colours = {"info": ("#e8f0fe", "#174ea6"), "warning": ("#fff4ce", "#6b4b00"), "error": ("#fde7e9", "#8c1d18")}
        background, foreground = colours.get(kind, colours["info"])
        self.banner.setStyleSheet(f"#history_banner {{ background: {background}; border-radius: 4px; }}"
                                  f" QLabel {{ color: {foreground}; }}")
        self.banner_label.setText(text)
        self.banner_label.setToolTip(tooltip)
        self.banner.setProperty("kind", kind)
        self.banner.show()
        if kind != "info" and not self.isVisible():
            self._set_tab_warning(True)

    def message_text(self) -> str:
        return self.banner_label.text() if not self.banner.isHidden() else ""

    def _set_tab_warning(self, on: bool) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if parent is None:
            return
        index = parent.indexOf(self)
        if index >= 0:
            parent.setTabIcon(index, self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning) if on else QIcon())

    @Slot()
    def _on_model_reloaded(self) -> None:
        store = self.store
        filtered = self.model.filters() != HistoryFilter()
        shown = self.model.total_count()
        if store is not None:
            try:
                self._grand_total = store.count() if filtered else shown
            except DATABASE_ERRORS:
                self._grand_total = shown
        if not self._opened:
            text = ""
        elif not filtered:
            text = self.tr("%Ln entry(s)", "", shown)
        else:
            text = self.tr("{0} of %Ln entry(s)", "", self._grand_total).format(QLocale().toString(shown))
        self.count_label.setText(text)
        if self._opened:
            self.table.empty_text = (self.tr("No entries match.") if filtered and self._grand_total else
                                     self.tr("Images you classify will be listed here."))
        self._update_actions()

    @Slot(QModelIndex, int, int)
    def _on_model_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        self._update_actions()

    @Slot()
    def _on_table_selection_changed(self) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        selected = self.selected_entries() if self.model.rowCount() else []
        entry = selected[0] if selected else None
        self.open_action.setEnabled(entry is not None)
        self.reveal_action.setEnabled(entry is not None and bool(entry.folder))
        self.rename_action.setEnabled(len(selected) == 1)
        self.delete_action.setEnabled(bool(selected))
        self.export_action.setEnabled(self.store is not None and self.model.total_count() > 0)
        self.clear_action.setEnabled(self.store is not None and self._grand_total > 0)

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.open_selected()

    @Slot("QPoint")
    def _on_table_context_menu_requested(self, position) -> None:
        if not self.selected_entries():
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for act in (self.open_action, self.reveal_action, self.rename_action):
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def set_recording(self, enabled: bool) -> None:
        """Record classified images from now on, or not (Preferences change it too)."""
        self.record_check.setChecked(bool(enabled))  # the slot stores it

    def set_forget_days(self, days: int) -> None:
        """Forget entries older than this many days at start-up; 0: never (Preferences change it too)."""
        self.forget_spin.setValue(int(days))

    @Slot(bool)
    def _on_record_check_toggled(self, checked: bool) -> None:
        self._recording = checked
        self._settings.history_enabled = checked

    @Slot(int)
    def _on_forget_spin_value_changed(self, days: int) -> None:
        self._settings.history_forget_days = days


def _local_midnight(date: QDate) -> datetime:
    """The start of a local calendar day, as an aware datetime (the store compares in UTC)."""
    return datetime(date.year(), date.month(), date.day()).astimezone()
