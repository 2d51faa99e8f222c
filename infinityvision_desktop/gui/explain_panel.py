"""Heatmaps in the Classify view: where the model looked, over the selected image.

`ExplainPanel` is the row of controls under the image (a Show Heatmap toggle, an opacity slider,
a line saying which class is explained). `ExplainController` asks the inference worker for a
Grad-CAM heatmap of the selected image (core.explain, computed in the worker's thread, where the
model lives), for the model's answer by default or for any class the user clicks in the
probability chart, and draws it over the image. Requests are cheap to make and only the latest
counts: moving through the list quickly never queues up heatmaps nobody will see.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QSlider, QVBoxLayout, QWidget

from infinityvision_desktop.core.explain import DEFAULT_OPACITY, heatmap_rgb
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.i18n import class_name
from infinityvision_desktop.gui.widgets.results_table import RowState, rgb_to_qimage
from infinityvision_desktop.gui.workers import ImageItem

OVERLAY_SIDE = 256  # the heatmap is coloured at this size, then stretched smoothly over the image
CACHE_SIZE = 64  # heatmaps kept, so going back to an image shows its heatmap at once


class ExplainPanel(QWidget):
    """Show Heatmap toggle, opacity slider and a line saying what the heatmap shows."""

    sig_language_changed = Signal()
    """The interface language changed: the status line must be said again (by the controller, which knows it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QCheckBox(self)
        self.opacity_label = QLabel(self)
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setValue(round(DEFAULT_OPACITY * 100))
        self.opacity_slider.setMaximumWidth(160)
        self.opacity_label.setBuddy(self.opacity_slider)
        self.status_label = QLabel(self)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.toggle)
        layout.addSpacing(8)
        layout.addWidget(self.opacity_label)
        layout.addWidget(self.opacity_slider)
        layout.addSpacing(8)
        layout.addWidget(self.status_label, 1)
        self.set_controls_enabled(False)
        self.retranslate_ui()
        self._apply_scheme()

    def retranslate_ui(self) -> None:
        self.toggle.setText(self.tr("Show heatma&p"))  # Alt+H is the Help menu
        self.toggle.setToolTip(
            self.tr(
                "Colour the parts of the image that made the model answer as it did "
                "(Grad-CAM). Click a class in the chart to see the parts that speak for it."
            )
        )
        self.opacity_label.setText(self.tr("Opacity"))
        self.opacity_slider.setToolTip(self.tr("How strongly the heatmap covers the image"))
        self.opacity_slider.setAccessibleName(self.tr("Heatmap opacity"))
        self.status_label.setAccessibleName(self.tr("What the heatmap shows"))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
            self.sig_language_changed.emit()
        elif event.type() == QEvent.Type.PaletteChange:
            self._apply_scheme()

    def _apply_scheme(self) -> None:
        self.status_label.setStyleSheet(f"color: {theme.scheme(self.palette()).muted};")

    def set_controls_enabled(self, enabled: bool) -> None:
        self.opacity_label.setEnabled(enabled)
        self.opacity_slider.setEnabled(enabled)

    def opacity(self) -> float:
        return self.opacity_slider.value() / 100


class ExplainController(QObject):
    """Keeps the heatmap over the selected image in step with the selection, the model and the chart."""

    sig_shown = Signal(object)
    """A heatmap is on the image: its core.explain.Explanation."""
    sig_failed = Signal(str)
    """No heatmap could be made for the selected image: the reason."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.panel = ExplainPanel()
        self._wrap_image_view()
        self._chosen: dict[int, int] = {}  # row key -> class the user clicked (else: the answer)
        self._cache: OrderedDict[tuple, object] = OrderedDict()  # (key, class or None, model) -> Explanation
        self._request: tuple[int, tuple] | None = None  # (request id, what it asked for)
        self._shown_for: tuple | None = None
        self._shown = None  # the Explanation on the image
        self._worker = None  # the inference worker whose signals are connected
        self._status: tuple = ("",)  # what the status line says, to say it again in another language
        self._retranslate_chart_tip()
        self.panel.sig_language_changed.connect(self._on_panel_language_changed)
        window.chart.setCursor(Qt.CursorShape.PointingHandCursor)
        self.panel.toggle.toggled.connect(self._on_toggle_toggled)
        self.panel.opacity_slider.valueChanged.connect(self._on_opacity_slider_value_changed)
        window.chart.sig_class_clicked.connect(self._on_chart_class_clicked)
        window.results_table.sig_current_changed.connect(self._on_results_current_changed)
        window.sig_results_shown.connect(self._on_window_results_shown)
        window.sig_model_ready.connect(self._on_window_model_ready)
        window.image_view.sig_shown.connect(self._on_image_view_shown)  # a preview decoded beside the window
        window.image_view.set_overlay_opacity(self.panel.opacity())

    def _wrap_image_view(self) -> None:
        """Put the controls under the image: the image view's place in the splitter gets both."""
        view = self.window.image_view
        splitter = self.window.top_splitter
        index = splitter.indexOf(view)
        container = QWidget()
        container.setSizePolicy(view.sizePolicy())  # keeps the splitter's stretch factor
        layout = QVBoxLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        splitter.replaceWidget(index, container)
        layout.addWidget(view, 1)
        layout.addWidget(self.panel)
        self.container = container

    # --- state a test or the screenshot script can read ---

    def shown(self):
        """The Explanation drawn over the image, or None."""
        return self._shown if self.window.image_view.has_overlay() else None

    def set_enabled(self, enabled: bool) -> None:
        self.panel.toggle.setChecked(enabled)

    def _retranslate_chart_tip(self) -> None:
        self.window.chart.setToolTip(self.tr("Click a class to see which parts of the image speak for it"))

    def status_text(self, status: tuple) -> str:
        """The status line for a state: ("", ), ("failed", reason), ("gone",), ("pending",), ("finding",)."""
        kind = status[0]
        if kind == "failed":
            return self.tr("No heatmap: {0}").format(status[1])
        if kind == "gone":
            return self.tr("No heatmap: the image itself is no longer available.")
        if kind == "pending":
            return self.tr("The heatmap appears once the image is classified.")
        if kind == "finding":
            return self.tr("Finding where the model looked…")
        if kind == "shown":
            return self.explanation_text(status[1])
        return ""

    def _set_status(self, status: tuple) -> None:
        self._status = status
        self.panel.status_label.setText(self.status_text(status))
        if status[0] == "shown":
            self.panel.status_label.setToolTip(self.tr("Grad-CAM from layer {0}").format(status[1].layer))
        else:
            self.panel.status_label.setToolTip("")

    # --- slots ---

    @Slot()
    def _on_panel_language_changed(self) -> None:
        self._retranslate_chart_tip()
        self._set_status(self._status)

    @Slot(bool)
    def _on_toggle_toggled(self, checked: bool) -> None:
        self.panel.set_controls_enabled(checked)
        self.refresh()

    @Slot(int)
    def _on_opacity_slider_value_changed(self, value: int) -> None:
        self.window.image_view.set_overlay_opacity(value / 100)

    @Slot(int)
    def _on_chart_class_clicked(self, index: int) -> None:
        row = self._current_row()
        if row is None or row.prediction is None:
            return
        self._chosen[row.key] = index
        if not self.panel.toggle.isChecked():
            self.panel.toggle.setChecked(True)  # refreshes
        else:
            self.refresh()

    @Slot(int)
    def _on_results_current_changed(self, key: int) -> None:
        self._shown_for = None  # the window has put the new image in place, without its heatmap
        self.refresh()

    @Slot()
    def _on_window_results_shown(self) -> None:
        self.refresh()

    @Slot()
    def _on_image_view_shown(self) -> None:
        self.refresh()

    @Slot(str, object)
    def _on_window_model_ready(self, path: str, metadata) -> None:
        self._cache.clear()
        self._chosen.clear()
        self._shown_for = None
        self.refresh()

    @Slot(int, object)
    def _on_worker_explanation(self, request_id: int, explanation) -> None:
        if self._request is None or self._request[0] != request_id:
            return  # superseded: the user has moved on
        wanted = self._request[1]
        self._request = None
        self._remember(wanted, explanation)
        row = self._current_row()
        if row is not None and self._wanted(row) == wanted and self.panel.toggle.isChecked():
            self._show(wanted, explanation)

    @Slot(int, str)
    def _on_worker_explanation_failed(self, request_id: int, reason: str) -> None:
        if self._request is None or self._request[0] != request_id:
            return
        self._request = None
        self._clear(("failed", reason))
        self.sig_failed.emit(reason)

    # --- work ---

    def refresh(self) -> None:
        """Show, fetch or remove the heatmap for the selected image, as the toggle says."""
        row = self._current_row()
        if not self.panel.toggle.isChecked():
            self._clear(("",))
            return
        view = self.window.image_view
        # a row being classified again (another model) still holds its old answer: wait for the new one
        requeued = row is not None and row.state == RowState.QUEUED
        if (
            row is None
            or row.prediction is None
            or requeued
            or row.source is None
            or not (view.has_image() or view.is_loading())
        ):
            if row is None:
                status = ("",)
            elif row.prediction is not None and row.source is None:
                status = ("gone",)
            else:
                status = ("pending",)
            self._clear(status)
            return
        wanted = self._wanted(row)
        if wanted == self._shown_for and self.window.image_view.has_overlay():
            return
        cached = self._cache.get(wanted)
        if cached is not None:
            self._cache.move_to_end(wanted)
            self._show(wanted, cached)
            return
        if self._request is not None and self._request[1] == wanted:
            return  # on its way
        worker = self._connected_worker()
        if worker is None:
            return
        self.window.image_view.set_overlay(None)
        self.window.chart.set_marked(-1)
        self._set_status(("finding",))
        request_id = worker.explain(ImageItem(row.key, row.source, row.path or row.name), wanted[1], answer=wanted[3])
        self._request = (request_id, wanted)

    def _wanted(self, row) -> tuple:
        # the answer too: the same image and model give another heatmap once its answer changes
        answer = row.prediction.index if row.prediction is not None else None
        return (row.key, self._chosen.get(row.key), self.window.active_model_path, answer)

    def _current_row(self):
        return self.window.results_model.row(self.window.results_table.current_key())

    def _connected_worker(self):
        worker = self.window.inference_worker
        if worker is not None and worker is not self._worker:
            worker.sig_explanation.connect(self._on_worker_explanation)
            worker.sig_explanation_failed.connect(self._on_worker_explanation_failed)
            self._worker = worker
        return worker

    def _remember(self, wanted: tuple, explanation) -> None:
        self._cache[wanted] = explanation
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _show(self, wanted: tuple, explanation) -> None:
        self.window.image_view.set_overlay(heatmap_qimage(explanation.heatmap))
        self.window.chart.set_marked(explanation.class_index)
        self._shown, self._shown_for = explanation, wanted
        self._set_status(("shown", explanation))
        self.sig_shown.emit(explanation)

    def _clear(self, status: tuple) -> None:
        self.window.image_view.set_overlay(None)
        self.window.chart.set_marked(-1)
        self._shown, self._shown_for = None, None
        if status != self._status:
            self._set_status(status)

    def explanation_text(self, explanation) -> str:
        if explanation.empty:
            return self.tr("Nothing in this image speaks for “{0}”.").format(class_name(explanation.label))
        if explanation.is_top:
            return self.tr("Where the model saw “{0}” (red: most)").format(class_name(explanation.label))
        return self.tr("Where the model saw “{0}” (its answer is “{1}”)").format(
            class_name(explanation.label), class_name(explanation.labels[explanation.top_index])
        )


def heatmap_qimage(heatmap) -> QImage:
    """The heatmap coloured (blue to red) at OVERLAY_SIDE pixels: smooth when stretched over a photo."""
    return rgb_to_qimage(heatmap_rgb(heatmap, (OVERLAY_SIDE, OVERLAY_SIDE)))
