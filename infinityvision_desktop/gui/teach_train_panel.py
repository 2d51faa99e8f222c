"""The Teach tab's Train area: Train, Cancel and Train Deeper, the progress of a run, what the project
still needs, and the last model's held-out accuracy with its confusion matrix."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from infinityvision_desktop.core.teach import MIN_IMAGES
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.widgets.evaluation_charts import ConfusionMatrixChart
from infinityvision_desktop.gui.widgets.probability_chart import percent_text

BUSY_DELAY_MS = 500  # a quick retrain finishes before a progress bar appears: nothing flickers
STAGES = ("features", "fit", "save")
STAGE_WEIGHTS = (0.8, 0.05, 0.15)  # features take most of a cold run; fitting and saving a few seconds


class TrainPanel(QWidget):
    """Shows training; the view decides when to train. The view calls `retranslate_ui()` and `apply_scheme()`."""

    sig_train_requested = Signal()
    """Train was pressed."""
    sig_cancel_requested = Signal()
    """Cancel was pressed during a run."""
    sig_deeper_requested = Signal()
    """Train Deeper… was pressed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._training = False
        self._no_results = False  # the matrix shows its placeholder message (retranslated with the rest)
        self.train_button = QPushButton()
        train_font = QFont(self.font())
        train_font.setBold(True)
        self.train_button.setFont(train_font)
        self.train_button.setMinimumHeight(34)
        self.cancel_button = QPushButton()
        self.cancel_button.hide()
        self.deeper_button = QPushButton()
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        train_row = QHBoxLayout()
        train_row.addWidget(self.train_button, 1)
        train_row.addWidget(self.cancel_button)
        train_row.addWidget(self.deeper_button)
        self.train_status = QLabel()
        self.train_status.setWordWrap(True)
        self.train_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.accuracy_label = QLabel()
        accuracy_font = QFont(self.font())
        accuracy_font.setPointSizeF(accuracy_font.pointSizeF() * 1.25)
        accuracy_font.setBold(True)
        self.accuracy_label.setFont(accuracy_font)
        self.accuracy_label.setWordWrap(True)
        self.confusion = ConfusionMatrixChart()
        self.confusion.setMinimumSize(260, 230)
        self.confusion.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(train_row)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.train_status)
        layout.addWidget(self.accuracy_label)
        layout.addWidget(self.confusion, 1)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._on_busy_timer_timeout)
        self.train_button.clicked.connect(self.sig_train_requested)
        self.cancel_button.clicked.connect(self.sig_cancel_requested)
        self.deeper_button.clicked.connect(self.sig_deeper_requested)

    def _fit_height(self) -> None:
        # Qt's minimum counts a word-wrapped label as one line: once the status wraps, the panel was
        # laid out too short and the matrix at its minimum pushed out of its bottom (its axis title
        # cut off). The layout's height for this width counts every line.
        layout = self.layout()
        if self.width() > 0 and layout.hasHeightForWidth():
            needed = layout.minimumHeightForWidth(self.width())
            if needed != self.minimumHeight():
                self.setMinimumHeight(needed)

    def event(self, event) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self._fit_height()  # a label's new text may need more lines
        return handled

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()  # the wrapped lines follow the width

    def retranslate_ui(self) -> None:
        self.confusion.setAccessibleName(self.tr("Confusion matrix of the held-out photos"))
        self.progress_bar.setAccessibleName(self.tr("Training progress"))
        self.train_button.setText(self.tr("Train"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.deeper_button.setText(self.tr("Train Deeper…"))
        self.deeper_button.setToolTip(
            self.tr(
                "Fine-tune the whole network on the project's photos (minutes, "
                "in the training dialog): for a few hundred photos a class or more"
            )
        )
        if self._no_results:
            self.confusion.show_message(self.tr("Train to see which classes the model mixes up."))

    def apply_scheme(self, colours: theme.Scheme) -> None:
        self.train_status.setStyleSheet(f"color: {colours.muted};")

    def is_training(self) -> bool:
        """A run is under way (from `start()` to `end()`)."""
        return self._training

    def set_state(self, status) -> None:
        """Enable Train and Train Deeper when the project (its ClassStatus list; None: no project) can
        train; else the Train button's tooltip says what it lacks."""
        problem = self.readiness_text(status) if status is not None else ""
        ready = status is not None and not problem
        self.train_button.setEnabled(ready and not self._training)
        self.train_button.setToolTip(problem)
        self.cancel_button.setVisible(self._training)
        self.deeper_button.setEnabled(ready and not self._training)

    def readiness_text(self, status) -> str:
        """'' when the project can train, else what is missing (core.teach.readiness_message, translated)."""
        if len(status) < 2:
            return self.tr("add at least two classes")
        short = [self.tr("'{0}' needs {1} more").format(entry.name, entry.needs) for entry in status if entry.needs]
        if short:
            return self.tr("each class needs at least {0} photos: {1}").format(MIN_IMAGES, ", ".join(short))
        return ""

    # --- the project, between runs ---

    def show_status(self, text: str) -> None:
        self.train_status.setText(text)

    def show_no_project(self) -> None:
        self.train_status.setText(self.tr("Make a few classes, put about 20 photos in each, press Train."))

    def show_readiness(self, status, *, changed: bool, has_model: bool) -> None:
        """What to do next: add what the project (its ClassStatus list) lacks, train again after a
        `changed` project, or train."""
        if self._training:
            return  # the run's progress stays
        problem = self.readiness_text(status)
        if problem:
            self.train_status.setText(self.tr("Not ready: {0}.").format(problem))
        elif changed:
            self.train_status.setText(self.tr("The project changed since the last training: train again."))
        elif not has_model:
            self.train_status.setText(self.tr("Ready: press Train."))

    def show_model_found(self) -> None:
        self.train_status.setText(self.tr("A model trained earlier is in the project: try it, or train again."))

    def clear_results(self) -> None:
        self.accuracy_label.clear()
        self._no_results = True
        self.retranslate_ui()

    def prepare_chart(self, classes: list[str]) -> None:
        """Build the matrix's axes for these classes now, so only its values change when the run ends."""
        self.confusion.prepare(classes)

    # --- a run ---

    def start(self) -> None:
        self._training = True
        self.progress_bar.setRange(0, 0)
        self.train_status.setText(self.tr("Training…"))
        self._busy_timer.start()

    def show_stopping(self) -> None:
        self.train_status.setText(self.tr("Stopping…"))

    @Slot(str, int, int)
    def show_progress(self, stage: str, done: int, total: int) -> None:
        texts = {
            "features": self.tr("Looking at the photos: {0} of {1}").format(done, total),
            "fit": self.tr("Fitting and cross-validating…"),
            "save": self.tr("Saving the model…"),
        }
        self.train_status.setText(texts.get(stage, stage))
        index = STAGES.index(stage) if stage in STAGES else 0
        share = done / total if total else 0.0
        value = sum(STAGE_WEIGHTS[:index]) + STAGE_WEIGHTS[index] * share
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(int(1000 * value))

    def end(self) -> None:
        """The run is over (trained, cancelled or failed)."""
        self._training = False
        self._busy_timer.stop()
        self.progress_bar.hide()

    def show_cancelled(self) -> None:
        self.train_status.setText(self.tr("Training cancelled: the previous model is unchanged."))

    def show_failed(self, reason: str) -> None:
        self.train_status.setText(self.tr("Not trained: {0}").format(reason))

    def show_result(self, result) -> None:
        """A finished run (core.teach.trainer.TeachResult): its held-out accuracy and confusion matrix."""
        held = result.metadata.validation
        self.accuracy_label.setText(self.tr("{0} of held-out photos right").format(percent_text(held["accuracy"])))
        text = self.tr(
            "Trained in {0} s on %n photo(s); held out by {1}: each photo was answered by a model "
            "that had not seen it.",
            "",
            result.images,
        ).format(f"{result.seconds:.1f}", self._method_text(held["method"]))
        if result.corrections:
            text += " " + self.tr("%n correction(s) used.", "", result.corrections)
        self.train_status.setText(text)
        self._no_results = False
        self.confusion.set_matrix(held["labels"], held["confusion"])

    def _method_text(self, method: str) -> str:
        """How the held-out figures were made (core.teach.head's English words), in the interface language."""
        folds = re.match(r"(\d+)-fold cross-validation$", method)
        if folds:
            return self.tr("{0}-fold cross-validation").format(folds.group(1))
        split = re.match(r"a stratified (\d+)% split$", method)
        return self.tr("a stratified {0}% split").format(split.group(1)) if split else method

    @Slot()
    def _on_busy_timer_timeout(self) -> None:
        if self._training:
            self.progress_bar.show()
