"""The History tab's table: one row per entry, a thumbnail first; the keys that act on the selection;
a line of text when there are no rows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QWidget

from infinityvision_desktop.core.history import HistoryRow
from infinityvision_desktop.gui.history_model import ICON_SIDE, Column, HistoryModel


class HistoryTable(QTableView):
    """The entries; Return opens, F2 renames, Delete forgets; selected rows drag out as their photos (onto a
    class of the Teach tab: a correction); a line of text when there are none."""

    sig_activate_requested = Signal()
    """Return or Enter on the table."""
    sig_rename_requested = Signal()
    """F2 on the table."""
    sig_delete_requested = Signal()
    """Delete or Backspace on the table."""

    _KEYS = {
        Qt.Key.Key_Return: "sig_activate_requested",
        Qt.Key.Key_Enter: "sig_activate_requested",
        Qt.Key.Key_F2: "sig_rename_requested",
        Qt.Key.Key_Delete: "sig_delete_requested",
        Qt.Key.Key_Backspace: "sig_delete_requested",
    }

    def __init__(self, model: HistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = ""
        self._history = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setDragEnabled(True)  # entries onto a class of the Teach tab: "this is a ..."
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(ICON_SIDE + 6)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        # Fixed and interactive widths only: ResizeToContents would ask every loaded row for its size.
        widths = {
            Column.THUMBNAIL: ICON_SIDE + 12,
            Column.FOLDER: 240,
            Column.CLASS: 100,
            Column.CONFIDENCE: 95,
            Column.NOT_SURE: 150,  # "Looks like an espresso": a photo of none of the classes
            Column.MODEL: 150,
            Column.WHEN: 150,
        }
        for column in Column:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.THUMBNAIL, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSortIndicator(Column.WHEN, Qt.SortOrder.DescendingOrder)  # newest first, before sorting is on
        self.setSortingEnabled(True)

    def fit_short_columns(self) -> None:
        """Confidence and Not sure as wide as their header or "Not sure" in this language needs (they are
        fixed widths, not ResizeToContents, which would measure every loaded row)."""
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        padding = 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin) + 24  # the sort arrow
        for column, minimum in ((Column.CONFIDENCE, 95), (Column.NOT_SURE, 150)):
            texts = [self._history.headerData(column, Qt.Orientation.Horizontal), self.tr("Not sure")]
            wanted = max(metrics.horizontalAdvance(text or "") for text in texts) + padding
            header.resizeSection(column, max(minimum, wanted))

    # --- the selection ---

    def selected_entries(self) -> list[HistoryRow]:
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        return [entry for entry in map(self._history.entry, rows) if entry is not None]

    def selected_ids(self) -> list[int]:
        return [entry.id for entry in self.selected_entries()]

    def current_entry(self) -> HistoryRow | None:
        index = self.currentIndex()
        if index.isValid() and self.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return self._history.entry(index.row())
        selected = self.selected_entries()
        return selected[0] if selected else None

    def select_ids(self, ids: Sequence[int], *, current_id: int | None = None, scroll: bool = True) -> None:
        selection = self.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for entry_id in ids:
            position = self._history.position_of(entry_id)
            if position >= 0:
                selection.select(self._history.index(position, 0), flags)
        if current_id is not None:
            position = self._history.position_of(current_id)
            if position >= 0:
                index = self._history.index(position, Column.NAME)
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                if scroll:
                    self.scrollTo(index)

    # --- keys and painting ---

    def event(self, event) -> bool:
        # Claim these keys before the window's shortcuts see them: the Classify tab's "Remove
        # Selected" (Delete) must not act on another tab's list.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() in self._KEYS
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
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
            painter.drawText(
                self.viewport().rect().adjusted(24, 24, -24, -24),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                self.empty_text,
            )
            painter.end()
