"""The Teach tab's try-it area: a photo dropped or opened, the model's answer with its bar chart and,
when asked for, a heatmap of where it looked; and the buttons that use, save or export the model."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from infinityvision_desktop.core.images import IMAGE_SUFFIXES
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.explain_panel import heatmap_qimage
from infinityvision_desktop.gui.preview_worker import PreviewWorker
from infinityvision_desktop.gui.teach_drops import DropFilter, png_bytes
from infinityvision_desktop.gui.widgets.image_view import ImageView
from infinityvision_desktop.gui.widgets.probability_chart import ProbabilityChart, percent_text
from infinityvision_desktop.gui.workers import ImageItem


class TryPanel(QWidget):
    """Shows a photo and the answer to it. `ask(item, heatmap)` is the view's: it sends the photo to
    the worker and returns the request id (0 when nothing can answer); the worker's answers come to
    the `show_*` slots with their request id, and only the latest request's are shown.
    The view calls `retranslate_ui()` and `apply_scheme()`."""

    sig_answer_shown = Signal(object)
    """An answer is shown: its core.predictor.Prediction."""
    sig_use_requested = Signal()
    """Use in Classify was pressed."""
    sig_save_requested = Signal()
    """Save Model As… was pressed."""
    sig_export_requested = Signal()
    """Export… was pressed."""

    def __init__(self, settings, ask, start_worker=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._ask = ask
        self._start_worker = start_worker  # MainWindow.start_worker: photos decode beside the window
        self._source: ImageItem | None = None  # the photo shown, asked again after a retrain
        self._request = 0  # the request whose answer is awaited or shown
        self._heatmap: QImage | None = None
        self._scheme = theme.scheme(self.palette())
        self.try_title = QLabel()
        self.try_view = ImageView()
        self.try_view.setMinimumSize(160, 130)
        self.try_view.set_overlay_opacity(0.45)
        self.try_drops = DropFilter(self.try_view)
        self.answer_label = QLabel()
        answer_font = QFont(self.font())
        answer_font.setPointSizeF(answer_font.pointSizeF() * 1.3)
        answer_font.setBold(True)
        self.answer_label.setFont(answer_font)
        self.answer_label.setWordWrap(True)
        self.try_chart = ProbabilityChart()
        self.try_chart.setMinimumHeight(110)
        self.try_open_button = QPushButton()
        self.heatmap_check = QCheckBox()  # off by default: its first use per model traces Grad-CAM
        self.use_button = QPushButton()
        self.save_button = QPushButton()
        self.export_button = QPushButton()
        self._lay_out()
        self.try_drops.sig_paths.connect(self._on_try_drops_paths)
        self.try_drops.sig_image.connect(self._on_try_drops_image)
        self.try_open_button.clicked.connect(self._on_try_open_button_clicked)
        self.heatmap_check.toggled.connect(self._on_heatmap_check_toggled)
        self.use_button.clicked.connect(self.sig_use_requested)
        self.save_button.clicked.connect(self.sig_save_requested)
        self.export_button.clicked.connect(self.sig_export_requested)

    def _lay_out(self) -> None:
        try_buttons = QHBoxLayout()
        try_buttons.addWidget(self.try_open_button)
        try_buttons.addWidget(self.heatmap_check)
        try_buttons.addStretch(1)
        model_buttons = QHBoxLayout()
        for button in (self.use_button, self.save_button, self.export_button):
            model_buttons.addWidget(button)
        try_answer = QVBoxLayout()
        try_answer.addWidget(self.answer_label)
        try_answer.addWidget(self.try_chart, 1)
        try_row = QHBoxLayout()
        try_row.addWidget(self.try_view, 1)
        try_row.addLayout(try_answer, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.try_title)
        layout.addLayout(try_row, 1)
        layout.addLayout(try_buttons)
        layout.addLayout(model_buttons)

    def retranslate_ui(self) -> None:
        self.try_view.setAccessibleName(self.tr("Photo to try"))
        self.try_chart.setAccessibleName(self.tr("Probability of each class"))
        self.try_title.setText(self.tr("Try it: drop a photo here"))
        self.try_open_button.setText(self.tr("Open Photo…"))
        self.heatmap_check.setText(self.tr("Heatmap"))
        self.heatmap_check.setToolTip(self.tr("Colour the photo where the model found its answer"))
        self.use_button.setText(self.tr("Use in Classify"))
        self.use_button.setToolTip(self.tr("Make this the active model of the Classify tab"))
        self.save_button.setText(self.tr("Save Model As…"))
        self.export_button.setText(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save as .keras, .h5 or TensorFlow Lite, with its labels beside it"))
        if not (self.try_view.has_image() or self.try_view.is_loading()):
            self.try_view.show_hint(self.tr("Drop a photo"), self.tr("the model answers at once"))

    def apply_scheme(self, colours: theme.Scheme) -> None:
        self._scheme = colours  # the answer's colour, from the next answer on

    def set_model_state(self, *, has_model: bool, training: bool) -> None:
        """Use, Save and Export need a saved model and no run under way; a photo can be tried during one."""
        for button in (self.use_button, self.save_button, self.export_button):
            button.setEnabled(has_model and not training)
        self.try_open_button.setEnabled(has_model)

    def set_labels(self, labels) -> None:
        """The classes of the bar chart (the model's labels)."""
        self.try_chart.set_labels(tuple(labels))

    def prepare_chart(self, classes: list[str]) -> None:
        """Build the bar chart for these classes now, so an answer after training only moves the bars."""
        self.try_chart.ensure_canvas()
        self.try_chart.set_labels(tuple(classes))

    # --- a photo and its answer ---

    def try_file(self, path: str) -> int:
        """Show a photo file and ask the model about it; returns the request id."""
        if self._start_worker is not None and not self.try_view.has_loader():  # the first photo tried
            previews = PreviewWorker()
            self._start_worker(previews, name="teach-previews")
            self.try_view.set_loader(previews)
        self.try_view.show_file(path)
        return self._ask_about(ImageItem(0, path, path))

    def try_image(self, image: QImage, name: str = "") -> int:
        """Show an image without a file and ask the model about it; returns the request id."""
        self.try_view.show_image(image)
        return self._ask_about(ImageItem(0, png_bytes(image), name or self.tr("Dropped image")))

    def ask_again(self) -> None:
        """Ask about the photo shown again (a new model, or the heatmap wanted now)."""
        if self._source is not None:
            self._ask_about(self._source)

    def _ask_about(self, item: ImageItem) -> int:
        request = self._ask(item, self.heatmap_check.isChecked())
        if not request:
            return 0
        self._source = item
        self._request = request
        self._heatmap = None  # the shown photo's, once the worker has it
        self.answer_label.setText(self.tr("Answering…"))
        self.answer_label.setStyleSheet(f"color: {self._scheme.muted};")
        return request

    def clear_answer(self) -> None:
        self.answer_label.clear()
        self.try_chart.clear()

    @Slot(int, object)
    def show_answer(self, request_id: int, prediction) -> None:
        if request_id != self._request:
            return
        if prediction.not_sure:
            text = self.tr("Not sure: looks most like {0} ({1})").format(
                prediction.label, percent_text(prediction.confidence)
            )
            colour = self._scheme.not_sure
        else:
            text = f"{prediction.label} {percent_text(prediction.confidence)}"
            colour = self._scheme.text
        self.answer_label.setText(text)
        self.answer_label.setStyleSheet(f"color: {colour};")
        self.try_chart.show_prediction(prediction)
        self.sig_answer_shown.emit(prediction)

    @Slot(int, object)
    def show_heatmap(self, request_id: int, explanation) -> None:
        if request_id != self._request:
            return
        self._heatmap = heatmap_qimage(explanation.heatmap)
        self.try_view.set_overlay(self._heatmap if self.heatmap_check.isChecked() else None)

    @Slot(int, str)
    def show_answer_failed(self, request_id: int, reason: str) -> None:
        if request_id != self._request:
            return
        self.answer_label.setText(reason)
        self.answer_label.setStyleSheet(f"color: {self._scheme.error};")
        self.try_chart.clear()

    # --- the user ---

    @Slot(bool)
    def _on_heatmap_check_toggled(self, checked: bool) -> None:
        if checked and self._heatmap is None:
            self.ask_again()  # with the heatmap this time
        self.try_view.set_overlay(self._heatmap if checked and self._heatmap is not None else None)

    @Slot(object, object)
    def _on_try_drops_paths(self, paths, position) -> None:
        self.try_file(paths[0])

    @Slot(QImage)
    def _on_try_drops_image(self, image: QImage) -> None:
        self.try_image(image)

    @Slot()
    def _on_try_open_button_clicked(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Try a Photo"), self._settings.last_folder, self.tr("Images ({0})").format(patterns)
        )
        if path:
            self.try_file(path)
