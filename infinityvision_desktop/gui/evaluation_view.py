"""The "Evaluation" tab: how the active model does on a labelled folder the user chose.

Model > Evaluate on Folder… starts an `EvaluationWorker` (the app's worker pattern): it loads the
model in its own thread and runs core.folder_evaluation.evaluate_folder, reporting progress;
Cancel stops it within a batch. The result is shown as the accuracy, the confusion matrix (the
Model tab's chart; click a cell to see its images), the per-class report (the Model tab's table)
and a gallery of the misclassified images, most confident mistakes first, each with its true and
predicted class and the confidence. Double-click an image to open it in the Classify tab.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.i18n import class_name, decimal, percent
from infinityvision_desktop.gui.model_tables import ReportTableModel, report_table, title_label
from infinityvision_desktop.gui.results_csv import write_text_atomically
from infinityvision_desktop.gui.widgets.evaluation_charts import ConfusionMatrixChart
from infinityvision_desktop.gui.workers import Worker

GALLERY_ICON = 96  # pixels: thumbnails are made at this size in the worker
# Icon mode wraps a caption to its icon's width: each thumbnail sits in the middle of a transparent
# strip this wide, so "said: automobile 99%" stays whole (the caption is the point of the gallery).
GALLERY_CELL_WIDTH = 172


# ================================================================ the worker


class EvaluationWorker(Worker):
    """Loads the model file in its own thread and evaluates it on a labelled folder."""

    sig_progress = Signal(int, int)
    """Images done and images in the folder; emitted when the percentage changes."""
    sig_result = Signal(object)
    """The evaluation finished: its core.folder_evaluation.FolderEvaluation."""
    sig_failed = Signal(str)
    """The folder or the model could not be used: the reason, naming the file or folder."""
    sig_cancelled = Signal()
    """The user cancelled; nothing is shown."""

    def __init__(self, model_path: str, folder: str, threshold: float | None = None) -> None:
        super().__init__()
        self.model_path = model_path
        self.folder = folder
        self.threshold = threshold  # the user's "not sure" threshold; None: the model's

    def work(self) -> None:
        # imported here, in the worker thread: TensorFlow loads off the GUI thread
        from infinityvision_desktop.core.datasets import DatasetError
        from infinityvision_desktop.core.folder_evaluation import evaluate_folder
        from infinityvision_desktop.core.modelfile import ModelFileError
        from infinityvision_desktop.core.predictor import Predictor

        try:
            predictor = Predictor.load(self.model_path)
            if self.should_stop():
                raise InterruptedError
            result = evaluate_folder(
                predictor,
                self.folder,
                threshold=self.threshold,
                on_progress=self.sig_progress.emit,
                should_stop=self.should_stop,
            )
        except InterruptedError:
            self.sig_cancelled.emit()
            return
        except (ModelFileError, DatasetError) as exc:
            self.sig_failed.emit(str(exc))
            return
        self.sig_result.emit(result)


# ================================================================ the gallery


class GalleryModel(QAbstractListModel):
    """Images of an evaluation (ImageOutcome values) with their true and predicted class."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._labels: tuple[str, ...] = ()
        self._outcomes: list = []
        self._pixmaps: dict[int, QPixmap] = {}
        self._error_colour = QColor(theme.scheme().error)

    def set_scheme(self, scheme: theme.Scheme) -> None:
        """The colour of a mistake's caption, for the light or dark palette now in use."""
        self._error_colour = QColor(scheme.error)
        self.refresh()

    def refresh(self) -> None:
        """Captions and tooltips again: after a change of language or colours."""
        if self._outcomes:
            self.dataChanged.emit(self.index(0), self.index(len(self._outcomes) - 1))

    def set_outcomes(self, labels: tuple[str, ...], outcomes: list) -> None:
        self.beginResetModel()
        self._labels, self._outcomes = tuple(labels), list(outcomes)
        self._pixmaps.clear()
        self.endResetModel()

    def outcomes(self) -> list:
        return list(self._outcomes)

    def outcome(self, row: int):
        return self._outcomes[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._outcomes)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        outcome = self._outcomes[index.row()]
        true, said = class_name(self._labels[outcome.true_index]), class_name(self._labels[outcome.predicted_index])
        if role == Qt.ItemDataRole.DisplayRole:
            return self.caption(outcome)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._pixmap(index.row(), outcome)
        if role == Qt.ItemDataRole.ToolTipRole:
            ranked = sorted(range(len(outcome.probabilities)), key=lambda i: -outcome.probabilities[i])[:3]
            odds = ", ".join(f"{class_name(self._labels[i])} {percent(outcome.probabilities[i], 0)}" for i in ranked)
            return (
                f"{outcome.path or outcome.name}\n"
                + self.tr("true class: {0}; the model said: {1}").format(true, said)
                + f"\n{odds}"
            )
        if role == Qt.ItemDataRole.ForegroundRole and not outcome.correct:
            return self._error_colour
        return None

    def caption(self, outcome) -> str:
        true, said = class_name(self._labels[outcome.true_index]), class_name(self._labels[outcome.predicted_index])
        if outcome.correct:
            return self.tr("{0}\n{1}").format(said, percent(outcome.confidence, 0))
        return self.tr("true: {0}\nsaid: {1} {2}").format(true, said, percent(outcome.confidence, 0))

    def _pixmap(self, row: int, outcome) -> QPixmap:
        pixmap = self._pixmaps.get(row)
        if pixmap is None:  # decoded when first shown: a few KB of JPEG each
            thumbnail = QPixmap()
            if outcome.thumbnail:
                thumbnail.loadFromData(QByteArray(outcome.thumbnail), "JPEG")
            pixmap = QPixmap(GALLERY_CELL_WIDTH, GALLERY_ICON)
            pixmap.fill(Qt.GlobalColor.transparent)
            if not thumbnail.isNull():
                thumbnail = thumbnail.scaled(
                    GALLERY_ICON,
                    GALLERY_ICON,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                painter = QPainter(pixmap)
                painter.drawPixmap(
                    (GALLERY_CELL_WIDTH - thumbnail.width()) // 2, (GALLERY_ICON - thumbnail.height()) // 2, thumbnail
                )
                painter.end()
            self._pixmaps[row] = pixmap
        return pixmap


# ================================================================ the view


class EvaluationView(theme.FollowsLanguageAndPalette, QWidget):
    """Progress while the folder is evaluated, then accuracy, confusion matrix, report and gallery."""

    sig_finished = Signal(object)
    """An evaluation has been shown: its FolderEvaluation."""
    sig_failed = Signal(str)
    """An evaluation could not be made: the reason shown."""
    sig_cancelled = Signal()
    """The running evaluation was cancelled."""
    sig_open_image = Signal(str)
    """The user double-clicked an image of the gallery: its file path."""

    def __init__(self, start_worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start_worker = start_worker  # MainWindow.start_worker: stopped when the window closes
        self._handle = None
        self._worker: EvaluationWorker | None = None
        self._result = None
        self._cell: tuple[int, int] | None = None
        # what the texts say, kept so that a change of language can say it again
        self._title: tuple[str, str] | None = None  # (model name, folder) while or after a run
        self._summary: tuple = ("idle",)
        self._scheme = theme.scheme(self.palette())
        self._create_widgets()
        self._connect_signals()
        self.retranslate_ui()
        self._apply_scheme()
        self._show_idle()

    def _create_widgets(self) -> None:
        self.title_label = title_label(self)
        self.title_label.setWordWrap(True)
        self.summary_label = QLabel(self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setMaximumWidth(320)
        self.cancel_button = QPushButton(self)
        self.save_csv_button = QPushButton(self)
        top_row = QHBoxLayout()
        top_row.addWidget(self.summary_label, 1)
        top_row.addWidget(self.progress_bar)
        top_row.addWidget(self.cancel_button)
        top_row.addWidget(self.save_csv_button)

        self.confusion = ConfusionMatrixChart(self)
        self.confusion.setMinimumSize(380, 340)
        self.report_model = ReportTableModel(self)
        self.report_table = report_table(self.report_model, self)

        self.gallery_label = QLabel(self)
        gallery_font = QFont(self.gallery_label.font())
        gallery_font.setBold(True)
        self.gallery_label.setFont(gallery_font)
        self.all_mistakes_button = QPushButton(self)
        self.gallery_model = GalleryModel(self)
        self.gallery = QListView(self)
        self.gallery.setModel(self.gallery_model)
        self.gallery.setViewMode(QListView.ViewMode.IconMode)
        self.gallery.setIconSize(QSize(GALLERY_CELL_WIDTH, GALLERY_ICON))
        self.gallery.setGridSize(QSize(GALLERY_CELL_WIDTH + 8, GALLERY_ICON + 48))
        self.gallery.setResizeMode(QListView.ResizeMode.Adjust)
        self.gallery.setMovement(QListView.Movement.Static)
        self.gallery.setUniformItemSizes(True)
        self.gallery.setWordWrap(True)
        self.gallery.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.gallery.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        gallery_row = QHBoxLayout()
        gallery_row.addWidget(self.gallery_label, 1)
        gallery_row.addWidget(self.all_mistakes_button)
        gallery_box = QWidget(self)
        gallery_layout = QVBoxLayout(gallery_box)
        gallery_layout.setContentsMargins(0, 0, 0, 0)
        gallery_layout.addLayout(gallery_row)
        gallery_layout.addWidget(self.gallery, 1)

        upper = QSplitter(Qt.Orientation.Horizontal, self)
        upper.addWidget(self.confusion)
        upper.addWidget(self.report_table)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        upper.setChildrenCollapsible(False)
        self.body = QSplitter(Qt.Orientation.Vertical, self)
        self.body.addWidget(upper)
        self.body.addWidget(gallery_box)
        self.body.setStretchFactor(0, 2)
        self.body.setStretchFactor(1, 3)
        self.body.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 6)
        layout.addWidget(self.title_label)
        layout.addLayout(top_row)
        layout.addWidget(self.body, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _connect_signals(self) -> None:
        self.cancel_button.clicked.connect(self.cancel)
        self.save_csv_button.clicked.connect(self._on_save_csv_button_clicked)
        self.all_mistakes_button.clicked.connect(self.show_mistakes)
        self.gallery.doubleClicked.connect(self._on_gallery_double_clicked)

    def retranslate_ui(self) -> None:
        """Every text in the current language: the controls', then those made from the run shown."""
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop the evaluation"))
        self.save_csv_button.setText(self.tr("Save Predictions as CSV…"))
        self.save_csv_button.setToolTip(
            self.tr("Every image with its true class, the model's answer and every class's probability")
        )
        self.all_mistakes_button.setText(self.tr("Show All Mistakes"))
        self.all_mistakes_button.setToolTip(self.tr("Show every misclassified image again, not one cell's"))
        self.confusion.setToolTip(self.tr("Click a cell to see its images"))
        self.confusion.setAccessibleName(self.tr("Confusion matrix"))
        self.report_table.setAccessibleName(self.tr("Per-class report"))
        self.gallery.setAccessibleName(self.tr("Images of the evaluation"))
        self.gallery.setToolTip(self.tr("Double-click an image to classify it in the Classify tab"))
        self.progress_bar.setAccessibleName(self.tr("Evaluation progress"))
        self.summary_label.setAccessibleName(self.tr("Evaluation summary"))
        self.report_model.retranslate()
        self.gallery_model.refresh()
        self._show_title()
        self._show_summary()
        if self._result is not None:
            if self._cell is None:
                self.show_mistakes()
            else:
                self.show_cell(*self._cell)

    def _apply_scheme(self) -> None:
        """The summary's and the gallery's colours for the light or dark palette now in use."""
        self._scheme = theme.scheme(self.palette())
        self.gallery_model.set_scheme(self._scheme)
        self._show_summary()
        self.confusion.set_mark_colour(self._scheme.validation)

    def _show_title(self) -> None:
        if self._title is None:
            self.title_label.setText(self.tr("Evaluation"))
        else:
            self.title_label.setText(self.tr("{0} on {1}").format(*self._title))

    def _show_summary(self) -> None:
        """The line under the title, from what the run has reached (`self._summary`)."""
        kind, *args = self._summary
        colour = ""
        if kind == "idle":
            text = self.tr("Choose Model › Evaluate on Folder… and a folder with one sub-folder of images per class.")
        elif kind == "loading":
            text = self.tr("Loading the model and reading the folder…")
        elif kind == "progress":
            done, total = args
            text = self.tr("Classifying {0} of %n image(s)…", "", total).format(done)
        elif kind == "cancelling":
            text = self.tr("Cancelling…")
        elif kind == "cancelled":
            text, colour = self.tr("Cancelled."), self._scheme.muted
        elif kind == "failed":
            text, colour = self.tr("Could not evaluate: {0}").format(args[0]), self._scheme.error
        else:
            text = self._result_text(args[0])
        self.summary_label.setText(text)
        self.summary_label.setStyleSheet(f"color: {colour};" if colour else "")

    def _result_text(self, result) -> str:
        ev = result.evaluation
        text = self.tr("Accuracy {0} on %n image(s) · {1} misclassified · macro F1 {2}", "", ev.n).format(
            percent(ev.accuracy), len(result.mistakes()), decimal(ev.macro_f1, 3)
        )
        if result.unreadable:
            text += " · " + self.tr(
                "%n unreadable file(s) skipped (first: {0}: {1})", "", len(result.unreadable)
            ).format(*result.unreadable[0])
        if result.split != "all":
            text += " · " + self.tr("the {0} split").format(result.split)
        return text

    # ================================================================ public API

    def start(self, model_path: str, folder: str, *, model_name: str = "", threshold: float | None = None) -> None:
        """Evaluate the model file on a labelled folder (cancelling one under way); `threshold`:
        the user's "not sure" threshold (None: the model's)."""
        if self._worker is not None:
            self._worker.request_stop()
            self._disconnect(self._worker)  # its last signals must not end the new run
        self._result = None
        name = model_name or os.path.splitext(os.path.basename(model_path))[0]
        self._title = (name, folder)
        self._show_title()
        self._summary = ("loading",)
        self._show_summary()
        self.progress_bar.setRange(0, 0)  # busy until the first image is done
        self.progress_bar.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.save_csv_button.hide()
        self.body.hide()
        worker = EvaluationWorker(model_path, folder, threshold)
        worker.sig_progress.connect(self._on_worker_progress)
        worker.sig_result.connect(self._on_worker_result)
        worker.sig_failed.connect(self._on_worker_failed)
        worker.sig_cancelled.connect(self._on_worker_cancelled)
        self._worker = worker
        self._handle = self._start_worker(worker, name="evaluation")
        self._handle.sig_done.connect(self._on_handle_done)

    def _disconnect(self, worker: EvaluationWorker) -> None:
        for signal, slot in (
            (worker.sig_progress, self._on_worker_progress),
            (worker.sig_result, self._on_worker_result),
            (worker.sig_failed, self._on_worker_failed),
            (worker.sig_cancelled, self._on_worker_cancelled),
        ):
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # already gone with its thread
                pass
        if self._handle is not None:
            try:
                self._handle.sig_done.disconnect(self._on_handle_done)
            except (RuntimeError, TypeError):
                pass
            self._handle = None

    def cancel(self) -> None:
        """Stop the evaluation under way, if any (it ends within one batch of images)."""
        if self._worker is not None:
            self._worker.request_stop()
            self.cancel_button.setEnabled(False)
            self._summary = ("cancelling",)
            self._show_summary()

    def is_running(self) -> bool:
        return self._worker is not None

    def result(self):
        """The FolderEvaluation shown, or None."""
        return self._result

    def show_mistakes(self) -> None:
        """The gallery shows every misclassified image, the most confident mistakes first."""
        if self._result is None:
            return
        self._cell = None
        self._mark_cell(None)
        mistakes = self._result.mistakes()
        self.gallery_model.set_outcomes(self._result.labels, mistakes)
        self.gallery_label.setText(
            self.tr("Misclassified: %n image(s), the most confident mistakes first", "", len(mistakes))
            if mistakes
            else self.tr("No misclassified images")
        )
        self.all_mistakes_button.setEnabled(False)

    def show_cell(self, true_index: int, predicted_index: int) -> None:
        """The gallery shows the images of one cell of the confusion matrix."""
        if self._result is None:
            return
        labels = self._result.labels
        images = self._result.cell(true_index, predicted_index)
        self._cell = (true_index, predicted_index)
        self._mark_cell(self._cell)
        self.gallery_model.set_outcomes(labels, images)
        if true_index == predicted_index:
            text = self.tr("{0}: %n image(s) classified correctly", "", len(images)).format(
                class_name(labels[true_index])
            )
        else:
            text = self.tr(
                "True class {0}, the model said {1}: %n image(s), the most confident first", "", len(images)
            ).format(class_name(labels[true_index]), class_name(labels[predicted_index]))
        self.gallery_label.setText(text)
        self.all_mistakes_button.setEnabled(True)

    def shown_cell(self) -> tuple[int, int] | None:
        return self._cell

    def cell_position(self, true_index: int, predicted_index: int) -> tuple[float, float]:
        """The centre of a confusion-matrix cell in canvas pixels, top-left origin (where a click picks it)."""
        axes = self.confusion.figure.axes[0]
        x, y = axes.transData.transform((predicted_index, true_index))
        ratio = self.confusion.canvas.device_pixel_ratio or 1.0
        return x / ratio, (self.confusion.figure.bbox.height - y) / ratio

    # ================================================================ worker slots

    @Slot(int, int)
    def _on_worker_progress(self, done: int, total: int) -> None:
        if self.progress_bar.maximum() != total:
            self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        self._summary = ("progress", done, total)
        self._show_summary()

    @Slot(object)
    def _on_worker_result(self, result) -> None:
        self._result = result
        self._finish_run()
        ev = result.evaluation
        self._summary = ("result", result)
        self._show_summary()
        self.confusion.set_matrix(ev.labels, ev.confusion)
        self._connect_confusion_clicks()
        self.report_model.set_evaluation(ev)
        self.save_csv_button.show()
        self.body.show()
        self.show_mistakes()
        self.sig_finished.emit(result)

    @Slot(str)
    def _on_worker_failed(self, reason: str) -> None:
        self._finish_run()
        self._summary = ("failed", reason)
        self._show_summary()
        self.sig_failed.emit(reason)

    @Slot()
    def _on_worker_cancelled(self) -> None:
        self._finish_run()
        self._summary = ("cancelled",)
        self._show_summary()
        self.sig_cancelled.emit()

    @Slot()
    def _on_handle_done(self) -> None:
        self._handle = None
        if self._worker is not None:  # ended without a verdict (an unexpected error, reported by the app)
            self._finish_run()

    def _finish_run(self) -> None:
        self._worker = None
        self.progress_bar.hide()
        self.cancel_button.hide()

    def _show_idle(self) -> None:
        self._title, self._summary = None, ("idle",)
        self._show_title()
        self._show_summary()
        self.progress_bar.hide()
        self.cancel_button.hide()
        self.save_csv_button.hide()
        self.body.hide()

    # ================================================================ confusion-matrix clicks

    def _connect_confusion_clicks(self) -> None:
        if getattr(self, "_click_connection", None) is None:
            self._click_connection = self.confusion.canvas.mpl_connect("button_press_event", self._on_confusion_press)

    def _on_confusion_press(self, event) -> None:
        if event.inaxes is None or event.button != 1 or self._result is None:
            return
        size = len(self._result.labels)
        column, row = int(round(event.xdata)), int(round(event.ydata))
        if 0 <= row < size and 0 <= column < size:
            self.show_cell(row, column)

    def _mark_cell(self, cell: tuple[int, int] | None) -> None:
        self.confusion.mark_cell(cell, self._scheme.validation)

    # ================================================================ other slots

    @Slot(QModelIndex)
    def _on_gallery_double_clicked(self, index: QModelIndex) -> None:
        outcome = self.gallery_model.outcome(index.row())
        if outcome.path:
            self.sig_open_image.emit(outcome.path)

    @Slot()
    def _on_save_csv_button_clicked(self) -> None:
        if self._result is None:
            return
        start = os.path.join(os.path.dirname(self._result.source), "predictions.csv")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Predictions"), start, self.tr("CSV files (*.csv)"))
        if not path:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        try:
            write_text_atomically(path, self._result.predictions_csv())
        except OSError as exc:
            QMessageBox.warning(
                self, self.tr("Save Predictions"), self.tr("Could not write {0}: {1}").format(path, exc)
            )
