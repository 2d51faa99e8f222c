"""The training dialog's offer of a run that did not finish: a banner to resume it or delete its
checkpoint, and the question Start asks when its settings match such a run."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from infinityvision_desktop.core.checkpoints import ResumableRun, delete_checkpoint, resumable_runs
from infinityvision_desktop.gui import theme


class ResumeBanner(QFrame):
    """Hidden unless `show_run()` is given a run. The dialog calls `retranslate_ui()` and `apply_scheme()`."""

    sig_resume_requested = Signal()
    """Resume was clicked: continue `run` from its checkpoint."""
    sig_discarded = Signal(str)
    """Discard was clicked and the run's checkpoint deleted: the folder it was in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run: ResumableRun | None = None  # the run on offer
        self.setObjectName("resumeBanner")
        self.resume_label = QLabel(self)
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton(self)
        self.discard_button = QPushButton(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.resume_label, 1)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.discard_button)
        self.hide()
        self.resume_button.clicked.connect(self._on_resume_button_clicked)
        self.discard_button.clicked.connect(self._on_discard_button_clicked)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """The buttons' texts; the run's line is made again by `show_run()`."""
        self.resume_button.setText(self.tr("Resume"))
        self.discard_button.setText(self.tr("Discard"))
        self.discard_button.setToolTip(self.tr("Delete the unfinished run's checkpoint"))

    def apply_scheme(self, colours: theme.Scheme) -> None:
        self.setStyleSheet(
            f"#resumeBanner {{ background: {colours.banner}; border: 1px solid {colours.banner_border};"
            f" border-radius: 4px; }} #resumeBanner QLabel {{ color: {colours.text}; }}"
        )

    def offer(self, fingerprint: str | None) -> None:
        """Offer the unfinished run of the settings with this fingerprint, else the newest unfinished run."""
        runs = resumable_runs()
        self.show_run(next((r for r in runs if r.config.fingerprint() == fingerprint), runs[0] if runs else None))

    def show_run(self, run: ResumableRun | None) -> None:
        """Offer `run`, or hide when None."""
        self.run = run
        if run is None:
            self.hide()
            return
        base = Path(run.config.base).stem if run.config.base else run.config.arch
        self.resume_label.setText(
            self.tr("An unfinished run can be resumed: {0} on {1}, {2} of {3} epochs done ({4}).").format(
                base, Path(run.config.data).name, run.epochs_done, run.epochs_planned, saved_at_text(run.saved_at)
            )
        )
        self.show()

    def ask_to_resume(self, run: ResumableRun) -> bool | None:
        """Ask whether Start resumes `run` (True), starts again and discards it (False), or not at all (None)."""
        answer = QMessageBox.question(
            self.window(),
            self.tr("Resume Training?"),
            self.tr(
                "A run of these settings stopped after {0} of {1} epochs ({2}). Resume from its checkpoint?\n\n"
                "No starts again from the beginning and discards that checkpoint."
            ).format(run.epochs_done, run.epochs_planned, saved_at_text(run.saved_at)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer not in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No):
            return None
        return answer == QMessageBox.StandardButton.Yes

    def set_editable(self, editable: bool) -> None:
        self.resume_button.setEnabled(editable)
        self.discard_button.setEnabled(editable)

    @Slot()
    def _on_resume_button_clicked(self) -> None:
        self.sig_resume_requested.emit()

    @Slot()
    def _on_discard_button_clicked(self) -> None:
        if self.run is not None:
            delete_checkpoint(self.run.folder)
            self.sig_discarded.emit(str(self.run.folder))


def saved_at_text(timestamp: float) -> str:
    """When a checkpoint was saved, as local date and time ("?" if unknown)."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp)) if timestamp else "?"
