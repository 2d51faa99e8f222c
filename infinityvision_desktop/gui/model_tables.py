"""The tables of the Model and Evaluation tabs: the per-class report and the layers.

Qt item models over values (core.evaluation.Evaluation, core.summary.ModelSummary), and the
small pieces both tabs build them with.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from infinityvision_desktop.core.evaluation import Evaluation
from infinityvision_desktop.core.summary import ModelSummary
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.i18n import class_name, decimal, number

_NUMBER_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


# ================================================================ shared pieces


def title_label(parent: QWidget) -> QLabel:
    """A view's heading: the window font, 1.35 times larger, bold."""
    label = QLabel(parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    return label


def report_table(model: ReportTableModel, parent: QWidget) -> QTableView:
    """The read-only per-class report table, as the Model and Evaluation views show it."""
    table = QTableView(parent)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(22)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    return table


# ================================================================ table models


class ReportTableModel(QAbstractTableModel):
    """Per-class precision, recall, F1 and support, then overall accuracy and the macro averages."""

    COLUMNS = ("class", "precision", "recall", "f1", "support")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._evaluation: Evaluation | None = None
        self._headers: tuple[str, ...] = ()
        self.retranslate()

    def retranslate(self) -> None:
        """Headers and row names in the current language."""
        self._headers = (self.tr("Class"), self.tr("Precision"), self.tr("Recall"), self.tr("F1"), self.tr("Support"))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def set_evaluation(self, evaluation: Evaluation | None) -> None:
        self.beginResetModel()
        self._evaluation = evaluation
        self.endResetModel()

    def evaluation(self) -> Evaluation | None:
        return self._evaluation

    def rowCount(self, parent=QModelIndex()) -> int:
        if parent.isValid() or self._evaluation is None:
            return 0
        return len(self._evaluation.per_class) + 2

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole and section > 0:
            return int(_NUMBER_ALIGNMENT)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self._evaluation is None:
            return None
        row, column = index.row(), index.column()
        values = self._row_values(row)
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[column]
            if value is None:
                return ""
            if isinstance(value, float):
                return decimal(value, 3)
            return str(value)
        if role == Qt.ItemDataRole.UserRole:
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(_NUMBER_ALIGNMENT)
        if role == Qt.ItemDataRole.FontRole and row >= len(self._evaluation.per_class):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _row_values(self, row: int) -> tuple:
        ev = self._evaluation
        if row < len(ev.per_class):
            report = ev.per_class[row]
            return (class_name(report.label), report.precision, report.recall, report.f1, report.support)
        if row == len(ev.per_class):
            # as in the text report: accuracy sits in the F1 column
            return (self.tr("accuracy"), None, None, ev.accuracy, ev.n)
        return (self.tr("macro avg"), ev.macro_precision, ev.macro_recall, ev.macro_f1, ev.n)


class LayerTableModel(QAbstractTableModel):
    """One row per layer of a ModelSummary: name, type, output shape, parameters, trainable or frozen."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._summary: ModelSummary | None = None
        self._headers: tuple[str, ...] = ()
        self.retranslate()

    def retranslate(self) -> None:
        """Headers and the Trainable column in the current language."""
        self._headers = (
            self.tr("Layer"),
            self.tr("Type"),
            self.tr("Output shape"),
            self.tr("Parameters"),
            self.tr("Trainable"),
        )
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 4), self.index(self.rowCount() - 1, 4))

    def set_summary(self, summary: ModelSummary | None) -> None:
        self.beginResetModel()
        self._summary = summary
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self._summary is None else len(self._summary.layers)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self._summary is None:
            return None
        layer = self._summary.layers[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return layer.name
            if column == 1:
                return layer.kind
            if column == 2:
                return _shape_text(layer.output_shape)
            if column == 3:
                return number(layer.parameters)
            if not layer.parameters:
                return ""
            if layer.trainable_parameters == layer.parameters:
                return self.tr("yes")
            return (
                self.tr("frozen")
                if not layer.trainable_parameters
                else self.tr("{0} of {1}").format(number(layer.trainable_parameters), number(layer.parameters))
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(_NUMBER_ALIGNMENT)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == 4
            and layer.parameters
            and not layer.trainable_parameters
        ):
            return QColor(theme.scheme().muted)
        return None


def _shape_text(shape: tuple) -> str:
    if not shape:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"
