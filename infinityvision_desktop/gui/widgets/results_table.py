"""The list of loaded images and their answers: a table model and its sortable view."""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QStyle, QTableView, QWidget

from infinityvision_desktop.core.images import thumbnail
from infinityvision_desktop.core.teach.project import AnsweredImage
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.i18n import class_name, with_article
from infinityvision_desktop.gui.teach_drops import ANSWERS_MIME, answers_mime_data, png_bytes
from infinityvision_desktop.gui.widgets.probability_chart import percent_text

THUMBNAIL_SIZE = 40  # pixels, the long side of the thumbnails shown in the table

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2


class RowState(enum.Enum):
    WAITING = "waiting"  # no model yet
    QUEUED = "queued"  # with the inference worker
    DONE = "done"
    FAILED = "failed"  # unreadable: see error
    CANCELLED = "cancelled"


@dataclass(eq=False)
class ResultRow:
    """One loaded image. GUI-side state: lives and changes on the GUI thread only."""

    key: int
    name: str  # shown: the file name, or "Pasted image 2"
    path: str | None = None  # None for pasted images
    data: bytes | np.ndarray | None = None  # a pasted image's encoded bytes or RGB pixels
    state: RowState = RowState.WAITING
    prediction: object | None = None  # core.predictor.Prediction
    error: str | None = None
    thumbnail: np.ndarray | None = None
    frames: int = 1  # > 1: an animation; its first frame was classified
    note: str | None = None  # e.g. a History entry's stored answer whose file is gone: says so

    @property
    def source(self):
        return self.path if self.path is not None else self.data


class Column(enum.IntEnum):
    FILE = 0
    CLASS = 1
    CONFIDENCE = 2
    STATUS = 3


class ResultsModel(QAbstractTableModel):
    """Rows of ResultRow, addressed by key; the view sorts through a proxy."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[ResultRow] = []
        self._row_of_key: dict[int, int] = {}
        self._pixmaps: dict[int, QPixmap] = {}
        self._blank = QPixmap(THUMBNAIL_SIZE, THUMBNAIL_SIZE)
        self._blank.fill(Qt.GlobalColor.transparent)
        self._warning: QPixmap | None = None
        self._headers: dict[Column, str] = {}
        self._scheme = theme.scheme()
        self.retranslate()

    def retranslate(self) -> None:
        """Headers, class names and status texts in the current language (the view calls this)."""
        self._headers = {
            Column.FILE: self.tr("File"),
            Column.CLASS: self.tr("Class"),
            Column.CONFIDENCE: self.tr("Confidence"),
            Column.STATUS: self.tr("Status"),
        }
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        self._all_rows_changed()

    def set_scheme(self, scheme: theme.Scheme) -> None:
        """The colours of error and "not sure" statuses, for a light or dark table."""
        if scheme != self._scheme:
            self._scheme = scheme
            self._all_rows_changed()

    def _all_rows_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1))

    # --- dragged out (onto a class of the Teach tab, or as files elsewhere) ---

    def flags(self, index):
        flags = super().flags(index)
        if index.isValid() and self._rows[index.row()].prediction is not None:
            flags |= Qt.ItemFlag.ItemIsDragEnabled  # an answered image: a class can correct it
        return flags

    def mimeTypes(self) -> list[str]:
        return [ANSWERS_MIME, "text/uri-list"]

    def mimeData(self, indexes) -> QMimeData:
        rows = [self._rows[position] for position in sorted({index.row() for index in indexes if index.isValid()})]
        return answers_mime_data([answered_image(row) for row in rows if row.prediction is not None])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction  # the photo is copied where it is dropped, never moved

    # --- Qt model interface ---

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[Column(section)]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == KEY_ROLE:
            return row.key
        if role == Qt.ItemDataRole.DecorationRole and column == Column.FILE:
            return self._thumbnail(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.FILE:
                return row.path or row.name
            if column == Column.STATUS:
                return self._display(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATUS:
            if row.state == RowState.FAILED:
                return QColor(self._scheme.error)
            if row.prediction is not None and row.prediction.not_sure:
                return QColor(self._scheme.not_sure)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.CONFIDENCE:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, row: ResultRow, column: Column):
        prediction = row.prediction
        if column == Column.FILE:
            return row.name
        if column == Column.CLASS:
            return class_name(prediction.label) if prediction is not None else ""
        if column == Column.CONFIDENCE:
            return percent_text(prediction.confidence) if prediction is not None else ""
        return self.status_text(row)

    def status_text(self, row: ResultRow) -> str:
        if row.state == RowState.FAILED:
            return row.error or self.tr("unreadable")
        if row.state == RowState.WAITING:
            return self.tr("Waiting for a model")
        if row.state == RowState.QUEUED:
            return self.tr("Classifying…") if row.prediction is None else self.tr("Classifying again…")
        if row.state == RowState.CANCELLED and row.prediction is None:
            return self.tr("Cancelled")
        if row.note and row.state == RowState.DONE:
            return row.note
        if row.prediction is not None and row.prediction.looks_like:
            # the Class column has the nearest of the classes; this says it is none of them
            return self.tr("None of the ten: looks like {0}").format(with_article(row.prediction.looks_like))
        if row.prediction is not None and row.prediction.not_sure:
            return self.tr("Not sure")
        if row.prediction is not None and row.frames > 1:
            return self.tr("Classified (first of %n frame(s))", "", row.frames)
        return self.tr("Classified")

    def _sort_key(self, row: ResultRow, column: Column):
        prediction = row.prediction
        if column == Column.FILE:
            return row.name.lower()
        if column == Column.CLASS:  # by the name shown
            return class_name(prediction.label).lower() if prediction is not None else "\uffff"  # unanswered last
        if column == Column.CONFIDENCE:
            return float(prediction.confidence) if prediction is not None else -1.0
        return self.status_text(row).lower()

    def _thumbnail(self, row: ResultRow) -> QPixmap:
        pixmap = self._pixmaps.get(row.key)
        if pixmap is not None:
            return pixmap
        if row.thumbnail is None:
            if row.state == RowState.FAILED:
                return self._warning_pixmap()
            return self._blank
        # centred on a square, so every row's name starts at the same place
        image = rgb_to_qimage(row.thumbnail).scaled(
            THUMBNAIL_SIZE,
            THUMBNAIL_SIZE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        pixmap = QPixmap(self._blank)
        painter = QPainter(pixmap)
        painter.drawImage((THUMBNAIL_SIZE - image.width()) // 2, (THUMBNAIL_SIZE - image.height()) // 2, image)
        painter.end()
        self._pixmaps[row.key] = pixmap
        return pixmap

    def _warning_pixmap(self) -> QPixmap:
        if self._warning is None:
            icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            side = THUMBNAIL_SIZE // 2
            self._warning = QPixmap(self._blank)
            painter = QPainter(self._warning)
            icon.paint(painter, (THUMBNAIL_SIZE - side) // 2, (THUMBNAIL_SIZE - side) // 2, side, side)
            painter.end()
        return self._warning

    # --- changes (GUI thread) ---

    def rows(self) -> list[ResultRow]:
        return list(self._rows)

    def row(self, key: int) -> ResultRow | None:
        index = self._row_of_key.get(key)
        return None if index is None else self._rows[index]

    def index_of(self, key: int, column: int = 0) -> QModelIndex:
        position = self._row_of_key.get(key)
        return QModelIndex() if position is None else self.index(position, column)

    def add_rows(self, rows: list[ResultRow]) -> None:
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        for offset, row in enumerate(rows):
            self._row_of_key[row.key] = first + offset
            self._rows.append(row)
        self.endInsertRows()

    def remove_keys(self, keys: Iterable[int]) -> None:
        positions = sorted((self._row_of_key[k] for k in set(keys) if k in self._row_of_key), reverse=True)
        if not positions:
            return
        # remove contiguous runs from the bottom up, one signal pair per run
        runs: list[list[int]] = []
        for position in positions:
            if runs and runs[-1][0] == position + 1:
                runs[-1][0] = position
            else:
                runs.append([position, position])
        for first, last in runs:
            self.beginRemoveRows(QModelIndex(), first, last)
            for row in self._rows[first : last + 1]:
                self._pixmaps.pop(row.key, None)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        self._row_of_key = {row.key: position for position, row in enumerate(self._rows)}

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._row_of_key.clear()
        self._pixmaps.clear()
        self.endResetModel()

    def apply_results(self, results) -> list[ResultRow]:
        """Store ImageResults from the worker; returns the rows they changed (unknown keys are skipped)."""
        changed = []
        for result in results:
            row = self.row(result.key)
            if row is None:  # removed while it was being classified
                continue
            if result.error is not None:
                row.state, row.error, row.prediction = RowState.FAILED, result.error, None
            else:
                row.state, row.error, row.prediction = RowState.DONE, None, result.prediction
                row.frames = result.frames
                if result.thumbnail is not None:  # the History's size: kept at the table's
                    row.thumbnail = thumbnail(result.thumbnail, THUMBNAIL_SIZE)
                    self._pixmaps.pop(row.key, None)
            changed.append(row)
        self._rows_changed(changed)
        return changed

    def set_state(self, rows: list[ResultRow], state: RowState) -> None:
        for row in rows:
            row.state = state
        self._rows_changed(rows)

    def refresh_rows(self, rows: list[ResultRow]) -> None:
        """Rows changed in place (e.g. judged against another "not sure" threshold): repaint them."""
        self._rows_changed(rows)

    def _rows_changed(self, rows: list[ResultRow]) -> None:
        if not rows:
            return
        positions = [self._row_of_key[row.key] for row in rows if row.key in self._row_of_key]
        if positions:
            self.dataChanged.emit(self.index(min(positions), 0), self.index(max(positions), len(Column) - 1))


class ResultsTable(QTableView):
    """The results, sortable by any column; tells which row is current by its key."""

    sig_current_changed = Signal(int)
    """The current row changed: its key, or -1 when there is none."""

    def __init__(self, model: ResultsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.results_model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(True)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the order images came in, until a header is clicked
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(True)  # rows onto a class of the Teach tab: "this is a ..."
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(THUMBNAIL_SIZE + 4)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(Column.FILE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.CLASS, QHeaderView.ResizeMode.Interactive)
        # Fixed widths, never ResizeToContents: that asks every row for its size on every change,
        # a cost that grows with the rows and is paid again for every batch of results.
        header.setSectionResizeMode(Column.CONFIDENCE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.STATUS, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.resizeSection(Column.CLASS, 130)
        header.resizeSection(Column.CONFIDENCE, 100)
        header.resizeSection(Column.STATUS, 340)
        self.selectionModel().currentRowChanged.connect(self._on_selection_current_row_changed)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.results_model.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self.results_model.set_scheme(theme.scheme(self.palette()))

    def current_key(self) -> int:
        index = self.currentIndex()
        return int(index.data(KEY_ROLE)) if index.isValid() else -1

    def selected_keys(self) -> list[int]:
        return [int(index.data(KEY_ROLE)) for index in self.selectionModel().selectedRows()]

    def select_key(self, key: int) -> None:
        source = self.results_model.index_of(key)
        if not source.isValid():
            return
        index = self.proxy.mapFromSource(source)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.scrollTo(index)

    def key_at_row(self, view_row: int) -> int:
        index = self.proxy.index(view_row, 0)
        return int(index.data(KEY_ROLE)) if index.isValid() else -1

    @Slot(QModelIndex, QModelIndex)
    def _on_selection_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self.sig_current_changed.emit(int(current.data(KEY_ROLE)) if current.isValid() else -1)


def answered_image(row: ResultRow) -> AnsweredImage:
    """An answered row as an image to copy: its file, or else its bytes (a pasted image, or the stored
    thumbnail of a History entry whose file is gone)."""
    if row.path is not None:
        return AnsweredImage(row.prediction.label, os.path.basename(row.path), path=row.path)
    if isinstance(row.data, bytes):  # pasted PNG or JPEG bytes: copied as they are
        suffix = ".jpg" if row.data[:3] == b"\xff\xd8\xff" else ".png"
        return AnsweredImage(row.prediction.label, f"{row.name}{suffix}", data=row.data)
    pixels = row.data if row.data is not None else row.thumbnail
    data = png_bytes(rgb_to_qimage(pixels)) if pixels is not None else None
    return AnsweredImage(row.prediction.label, f"{row.name}.png", data=data)


def rgb_to_qimage(rgb: np.ndarray) -> QImage:
    """An (H, W, 3) uint8 array as a QImage that owns a copy of the pixels."""
    rgb = np.ascontiguousarray(rgb)
    height, width = rgb.shape[:2]
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
