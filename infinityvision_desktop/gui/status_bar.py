"""The main window's status bar: a message | progress and Cancel | the active model.

Shows the session (gui.session): what is being classified, what was, and which model answers.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QSizePolicy, QStatusBar

from infinityvision_desktop.gui import i18n
from infinityvision_desktop.gui.session import ClassifySession, ModelState

BUSY_DELAY_MS = 500  # quick jobs finish before any progress bar appears, so nothing flickers
MODEL_PATH_WIDTH = 360  # pixels: a missing model's path beyond this is shortened in the middle


class ClassifyStatus(QObject):
    """The status bar's pieces and their texts. `message()` shows a one-off line until the
    session's counts change."""

    def __init__(self, session: ClassifySession, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.session = session
        self.status_label = QLabel()
        self.status_label.setContentsMargins(6, 0, 0, 0)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress_bar = QProgressBar()
        self.progress_bar.setFixedWidth(200)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        self.cancel_button = QPushButton()
        self.cancel_button.hide()
        self.model_label = QLabel()
        self.model_label.setContentsMargins(8, 0, 4, 0)
        bar.setSizeGripEnabled(True)
        bar.addWidget(self.status_label, 1)
        bar.addWidget(self.progress_bar)
        bar.addWidget(self.cancel_button)
        bar.addPermanentWidget(self.model_label)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._on_busy_timer_timeout)
        self.cancel_button.clicked.connect(session.cancel)
        session.sig_progress.connect(self._on_session_progress)
        session.sig_busy_changed.connect(self._on_session_busy_changed)
        session.sig_status_changed.connect(self._on_session_status_changed)
        session.sig_model_state_changed.connect(self.update_model_label)
        session.sig_model_failed.connect(self._on_session_model_failed)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop classifying the remaining images"))
        self.progress_bar.setAccessibleName(self.tr("Classification progress"))
        self.update_model_label()
        if self.session.results.rowCount():
            self.refresh()

    # ================================================================ the message

    def message(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(text)

    def refresh(self) -> None:
        """The progress line while busy, else the summary of the list."""
        self.message(self.progress_text() if self.session.is_busy() else self.summary_text())

    def progress_text(self) -> str:
        waiting = self.session.waiting_count()
        return self.tr("Classifying %n image(s)…", "", waiting) if waiting != 1 else self.tr("Classifying…")

    def summary_text(self) -> str:
        counts = self.session.counts()
        if not counts["rows"]:
            return ""
        if counts["cancelled"]:
            text = self.tr("Cancelled: {0} classified, {1} skipped, {2} not classified").format(
                counts["classified"], counts["skipped"], counts["cancelled"]
            )
        else:
            text = self.tr("{0} classified, {1} skipped").format(counts["classified"], counts["skipped"])
        if counts["waiting"]:
            text += " · " + self.tr("%n waiting for a model", "", counts["waiting"])
        if counts["not_images"]:
            text += " · " + self.tr("%n other file(s) not added (not images)", "", counts["not_images"])
        return text

    # ================================================================ the model

    @Slot()
    def update_model_label(self) -> None:
        session = self.session
        if session.model_state == ModelState.LOADING:
            text, tip = self.tr("Loading model…"), session.loading_path
        elif session.metadata is not None:
            accuracy = session.metadata.test_accuracy
            text = self.tr("Model: {0}").format(session.model_name())
            if accuracy is not None:
                text += " · " + self.tr("test accuracy {0}").format(i18n.percent(accuracy))
            tip = session.model_path or ""
        else:
            text = self.tr("No model")
            if session.problem_path:  # shortened in the middle, as Qt's file dialogs do; whole in the tip
                path = self.model_label.fontMetrics().elidedText(
                    session.problem_path, Qt.TextElideMode.ElideMiddle, MODEL_PATH_WIDTH
                )
                text += " · " + self.tr("looked for {0}").format(path)
            tip = (
                self.tr("No model available: looked for {0} ({1}).").format(
                    session.problem_path, session.problem_reason
                )
                if session.problem_reason
                else ""
            )
        self.model_label.setText(text)
        self.model_label.setToolTip(tip)

    @Slot(str, str)
    def _on_session_model_failed(self, path: str, reason: str) -> None:
        if self.session.metadata is not None:
            self.message(
                self.tr("Could not load {0}: {1}. Still using {2}.").format(
                    Path(path).name, reason, self.session.model_name()
                )
            )

    # ================================================================ progress

    @Slot(int, int)
    def _on_session_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)

    @Slot(bool)
    def _on_session_busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
            return
        self._busy_timer.stop()
        self.progress_bar.hide()
        self.progress_bar.setValue(0)
        self.cancel_button.hide()

    @Slot()
    def _on_busy_timer_timeout(self) -> None:
        if self.session.is_busy():
            self.progress_bar.show()
            self.cancel_button.show()

    @Slot()
    def _on_session_status_changed(self) -> None:
        self.refresh()
