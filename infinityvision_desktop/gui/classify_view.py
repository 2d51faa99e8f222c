"""The Classify tab: the selected image, its answer and chart, over the list of classified images.

A view of the session (gui.session): it shows the current row and follows the session's
signals; it starts no work itself.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from infinityvision_desktop.gui import i18n, theme
from infinityvision_desktop.gui.session import ClassifySession, ModelState
from infinityvision_desktop.gui.widgets.image_view import ImageView
from infinityvision_desktop.gui.widgets.probability_chart import ProbabilityChart, percent_text
from infinityvision_desktop.gui.widgets.results_table import ResultRow, ResultsTable, RowState, rgb_to_qimage

# A just-dropped image's answer usually comes sooner than this: until then the chart keeps its
# bars rather than blanking and redrawing twice (the answer label says "Classifying…" at once).
CHART_CLEAR_DELAY_MS = 200


class ClassifyView(theme.FollowsLanguageAndPalette, QWidget):
    """Image | answer and chart, over the results table."""

    def __init__(self, session: ClassifySession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.image_view = ImageView()
        self.answer_label = QLabel()
        answer_font = QFont(self.font())
        answer_font.setPointSizeF(answer_font.pointSizeF() * 1.9)
        answer_font.setBold(True)
        self.answer_label.setFont(answer_font)
        self.answer_label.setWordWrap(True)
        # Room for two lines ("Not sure: looks most like an automobile (50%)" wraps), text at the
        # bottom: the chart below keeps its size from answer to answer instead of jumping (and can
        # then be blitted rather than redrawn).
        self.answer_label.setText("A\nA")  # the height two lines take, as the label lays them out
        self.answer_label.setMinimumHeight(self.answer_label.sizeHint().height())
        self.answer_label.clear()
        self.answer_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.answer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = ProbabilityChart()
        self.answer_panel = answer_panel = QWidget()
        answer_layout = QVBoxLayout(answer_panel)
        answer_layout.setContentsMargins(14, 6, 6, 6)
        answer_layout.setSpacing(4)
        answer_layout.addWidget(self.answer_label)
        answer_layout.addWidget(self.detail_label)
        answer_layout.addSpacing(6)
        answer_layout.addWidget(self.chart, 1)

        self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.top_splitter.setObjectName("top_splitter")
        self.top_splitter.addWidget(self.image_view)
        self.top_splitter.addWidget(answer_panel)
        self.top_splitter.setStretchFactor(0, 5)
        self.top_splitter.setStretchFactor(1, 4)
        self.top_splitter.setChildrenCollapsible(False)

        self.results_model = session.results
        self.results_table = ResultsTable(self.results_model)
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.setObjectName("main_splitter")
        self.main_splitter.addWidget(self.top_splitter)
        self.main_splitter.addWidget(self.results_table)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 2)
        self.main_splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 6)
        layout.addWidget(self.main_splitter)

        self._chart_clear_timer = QTimer(self)
        self._chart_clear_timer.setSingleShot(True)
        self._chart_clear_timer.setInterval(CHART_CLEAR_DELAY_MS)
        self._chart_clear_timer.timeout.connect(self._on_chart_clear_timer_timeout)
        self.results_table.sig_current_changed.connect(self._on_results_current_changed)
        session.sig_rows_added.connect(self._on_session_rows_added)
        session.sig_rows_judged.connect(self._on_session_changed_rows)
        session.sig_model_state_changed.connect(self._on_session_state_changed)
        session.sig_busy_changed.connect(self._on_session_busy_changed)
        session.sig_model_ready.connect(self._on_session_model_ready)
        self._apply_scheme()
        self.retranslate_ui()

    # ================================================================ language and colours

    def retranslate_ui(self) -> None:
        self.image_view.setAccessibleName(self.tr("Image preview"))
        self.chart.setAccessibleName(self.tr("Probability of each class"))
        self.results_table.setAccessibleName(self.tr("Classified images"))
        self.answer_label.setAccessibleName(self.tr("Answer"))
        self.refresh()

    def _apply_scheme(self) -> None:
        """The colours of the answer and its details, for the light or dark palette now in use."""
        self._scheme = theme.scheme(self.palette())
        self.detail_label.setStyleSheet(f"color: {self._scheme.muted};")
        self._set_answer(self.answer_label.text(), self.answer_label.property("answerKind") or "pending")

    # ================================================================ session signals

    @Slot(object, int)
    def _on_session_rows_added(self, rows, select_key: int) -> None:
        if select_key:
            self.results_table.select_key(select_key)

    def show_results(self, changed) -> None:
        """A batch of answers is in the rows (the window calls this before telling the tools)."""
        if any(row.key == self.results_table.current_key() for row in changed):
            self.refresh(preview=False)

    @Slot(object)
    def _on_session_changed_rows(self, rows) -> None:
        self.refresh(preview=False)

    @Slot()
    def _on_session_state_changed(self) -> None:
        self.refresh(preview=False)

    @Slot(bool)
    def _on_session_busy_changed(self, busy: bool) -> None:
        if not busy:
            self.refresh(preview=False)

    @Slot(str, object)
    def _on_session_model_ready(self, path: str, metadata) -> None:
        self.chart.set_labels(metadata.labels)
        self.refresh(preview=False)

    @Slot(int)
    def _on_results_current_changed(self, key: int) -> None:
        self.refresh()

    # ================================================================ showing the current row

    def current_row(self) -> ResultRow | None:
        return self.results_model.row(self.results_table.current_key())

    def refresh(self, *, preview: bool = True) -> None:
        """Show the current row: its image (unless `preview` is False), answer, details and chart."""
        self.answer_panel.setVisible(self.results_model.rowCount() > 0)
        row = self.current_row()
        if row is None:
            self._show_empty()
            return
        if preview:
            self._show_preview(row)
        detail = row.path or row.name
        if row.prediction is not None and row.frames > 1:
            detail += " · " + self.tr("animated: its first frame (of {0}) was classified").format(row.frames)
        prediction = row.prediction
        if (
            prediction is not None
            and prediction.seen_as
            and prediction.seen_probability is not None
            and not prediction.looks_like
        ):
            # what weighed the answer of a photo (core.openset); "looks like" says it already otherwise
            detail += "\n" + self.tr("The ImageNet classifier sees {0} ({1})").format(
                i18n.with_article(prediction.seen_as), percent_text(prediction.seen_probability)
            )
        if row.note:  # e.g. a History entry's stored answer: why it is not classified afresh
            detail += "\n" + row.note
        self.detail_label.setText(detail)
        prediction = row.prediction
        self._chart_clear_timer.stop()
        if row.state == RowState.FAILED:
            self._set_answer(row.error or "", "error")
            self.chart.clear()
        elif prediction is not None:
            self._set_answer(self.answer_text(prediction), "not_sure" if prediction.not_sure else "sure")
            self.chart.show_prediction(prediction)
        else:
            state = self.session.model_state
            # a row just added while the model is ready is queued in this same turn of the event loop
            queued = row.state == RowState.QUEUED or (row.state == RowState.WAITING and state == ModelState.READY)
            pending = {
                RowState.WAITING: self.tr("Waiting for a model…")
                if state == ModelState.NONE
                else self.tr("Waiting for the model to load…"),
                RowState.QUEUED: self.tr("Classifying…"),
                RowState.CANCELLED: self.tr("Not classified (cancelled)"),
            }.get(RowState.QUEUED if queued else row.state, "")
            self._set_answer(pending, "pending")
            if queued:  # the answer usually comes before the timer: the bars change once, not twice
                self._chart_clear_timer.start()
            else:
                self.chart.clear()

    @Slot()
    def _on_chart_clear_timer_timeout(self) -> None:
        row = self.current_row()
        if row is None or row.prediction is None:
            self.chart.clear()

    def _show_preview(self, row: ResultRow) -> None:
        placeholder = rgb_to_qimage(row.thumbnail) if row.thumbnail is not None else None
        if row.path is not None:
            self.image_view.show_file(row.path, placeholder)
        elif isinstance(row.data, np.ndarray):
            self.image_view.show_image(rgb_to_qimage(row.data))
        elif isinstance(row.data, bytes):  # pasted image data
            self.image_view.show_file(row.data, placeholder)
        elif row.thumbnail is not None:  # a History entry whose file is gone: its stored thumbnail
            self.image_view.show_image(rgb_to_qimage(row.thumbnail))
        else:
            self.image_view.show_hint(self.tr("No preview"), row.name)

    def _show_empty(self) -> None:
        paste = QKeySequence(QKeySequence.StandardKey.Paste).toString(QKeySequence.SequenceFormat.NativeText)
        open_ = QKeySequence(QKeySequence.StandardKey.Open).toString(QKeySequence.SequenceFormat.NativeText)
        text = self.tr("or choose File › Open Images… ({0}), or paste an image ({1})").format(open_, paste)
        problem = self.model_problem()
        if self.session.model_state == ModelState.NONE and problem:
            text += "\n\n" + problem + "\n" + self.tr("Choose a model with Model › Open Model…")
        self.image_view.show_hint(self.tr("Drop photos or folders here"), text)
        self._set_answer("", "pending")
        self.detail_label.setText("")
        self.chart.clear()

    def model_problem(self) -> str:
        """Why no model is active ('' when one is), in the current language."""
        if not self.session.problem_reason:
            return ""
        return self.tr("No model available: looked for {0} ({1}).").format(
            self.session.problem_path, self.session.problem_reason
        )

    def _set_answer(self, text: str, kind: str) -> None:
        colours = {
            "sure": self._scheme.text,
            "not_sure": self._scheme.not_sure,
            "error": self._scheme.error,
            "pending": self._scheme.muted,
        }
        self.answer_label.setText(text)
        self.answer_label.setStyleSheet(f"color: {colours[kind]};")
        self.answer_label.setProperty("answerKind", kind)

    def answer_text(self, prediction) -> str:
        """'cat, 97%', or 'Not sure: looks most like a dog (41%)' below the "not sure" threshold."""
        confidence = percent_text(prediction.confidence)
        if prediction.looks_like:
            return self.tr("None of the ten: looks like {0}").format(i18n.with_article(prediction.looks_like))
        if prediction.not_sure:
            return self.tr("Not sure: looks most like {0} ({1})").format(
                i18n.with_article(prediction.label), confidence
            )
        return self.tr("{0}, {1}").format(i18n.class_name(prediction.label), confidence)
