"""The training dialog's right-hand side: runs a TrainConfig in a worker thread and shows how it goes
(stage, epoch, time left, a progress bar, a status line) and what it shows (the training curves, the
held-out evaluation, the log)."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QTabWidget, QVBoxLayout, QWidget

from infinityvision_desktop.core.checkpoints import resume_point
from infinityvision_desktop.core.modelfile import ModelMetadata
from infinityvision_desktop.core.training_config import Stage, TrainConfig, plan_stages
from infinityvision_desktop.core.training_observer import EpochMetrics, TrainResult
from infinityvision_desktop.core.training_progress import TrainingProgress
from infinityvision_desktop.gui import i18n, theme
from infinityvision_desktop.gui.i18n import decimal, percent
from infinityvision_desktop.gui.training_workers import TrainingWorker
from infinityvision_desktop.gui.widgets.evaluation_charts import ConfusionMatrixChart
from infinityvision_desktop.gui.widgets.training_charts import TrainingCurves
from infinityvision_desktop.gui.workers import WorkerHandle, start_worker

LOG_LINES = 2000


class TrainingRunPanel(QWidget):
    """One run at a time: `start()` runs a config in a new thread (a `TrainingWorker`), and the
    values it emits are shown here, on the GUI thread. The dialog calls `retranslate_ui()` and
    `apply_scheme()`."""

    sig_stage_started = Signal(object)
    """A stage of the run begins: its core.training_config.Stage."""
    sig_progress = Signal(object)
    """The run moved on by a visible step: a TrainingProgress."""
    sig_epoch_done = Signal(object)
    """An epoch ended: its EpochMetrics."""
    sig_run_finished = Signal(object)
    """The run's thread has ended: its TrainResult, or None if it failed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config: TrainConfig | None = None  # the run's, once one has started
        self._labels: tuple[str, ...] = ()
        self._handle: WorkerHandle | None = None
        self._result: TrainResult | None = None
        self._stopping = False
        self._failed = False
        self._scheme = theme.scheme()
        self._status_error = False
        self.stage_label = QLabel(self)
        bold = QFont(self.stage_label.font())
        bold.setBold(True)
        self.stage_label.setFont(bold)
        self.epoch_label = QLabel(self)
        self.eta_label = QLabel(self)
        self.eta_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        labels_row = QHBoxLayout()
        labels_row.addWidget(self.stage_label)
        labels_row.addSpacing(12)
        labels_row.addWidget(self.epoch_label)
        labels_row.addStretch(1)
        labels_row.addWidget(self.eta_label)

        self.curves = TrainingCurves(self)
        self.curves.setMinimumHeight(260)
        self.evaluation_widget = QWidget(self)
        self.accuracy_label = QLabel(self.evaluation_widget)
        self.accuracy_label.setWordWrap(True)
        big = QFont(self.accuracy_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.25)
        big.setBold(True)
        self.accuracy_label.setFont(big)
        self.evaluation_note = QLabel(self.evaluation_widget)
        self.evaluation_note.setWordWrap(True)
        self.confusion = ConfusionMatrixChart(self.evaluation_widget)
        evaluation_layout = QVBoxLayout(self.evaluation_widget)
        evaluation_layout.addWidget(self.accuracy_label)
        evaluation_layout.addWidget(self.evaluation_note)
        evaluation_layout.addWidget(self.confusion, 1)
        self.log_view = QPlainTextEdit(self)
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(LOG_LINES)
        self.log_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.curves, "")
        self.tabs.addTab(self.evaluation_widget, "")
        self.tabs.addTab(self.log_view, "")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(labels_row)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(self.tabs.indexOf(self.curves), self.tr("Curves"))
        self.tabs.setTabText(self.tabs.indexOf(self.evaluation_widget), self.tr("Evaluation"))
        self.tabs.setTabText(self.tabs.indexOf(self.log_view), self.tr("Log"))
        self.tabs.setAccessibleName(self.tr("Training views"))
        i18n.retranslate_tab_bar(self.tabs)
        self.log_view.setAccessibleName(self.tr("Training log"))
        self.progress_bar.setAccessibleName(self.tr("Training progress"))
        if not self.is_running() and self._result is None and not self._failed:
            self.stage_label.setText(self.tr("Not started"))
            self.confusion.show_message(self.tr("The held-out evaluation appears here when training ends."))
        elif not self.is_running() and self._result is not None and self._result.metadata is not None:
            self._show_evaluation(self._result.metadata)

    def apply_scheme(self, colours: theme.Scheme) -> None:
        self._scheme = colours
        self.evaluation_note.setStyleSheet(f"color: {colours.muted};")
        self.set_status(self.status_label.text(), error=self._status_error)

    # --- the run ---

    def is_running(self) -> bool:
        return self._handle is not None

    def is_stopping(self) -> bool:
        return self._stopping

    def result(self) -> TrainResult | None:
        """The last run's TrainResult (None before the first run ends or when it failed)."""
        return self._result

    def start(self, config: TrainConfig, *, labels: Sequence[str] = (), scan=None) -> None:
        """Run `config` (its output path set) in a new thread; `labels` are the data's classes and
        `scan` the DatasetScan of its data, if one was made (the run then does not list it again)."""
        self.config = config
        self._labels = tuple(labels)
        self._result = None
        self._stopping = False
        self._failed = False
        resumed = resume_point(config) if config.resume else None
        history = [metrics.to_dict() for metrics in resumed.history] if resumed else []
        self.show_plan(config, history, labels=self._labels)
        self.confusion.show_message(self.tr("The held-out evaluation appears here when training ends."))
        self.accuracy_label.clear()
        self.evaluation_note.clear()
        self.tabs.setCurrentWidget(self.curves)
        self.stage_label.setText(self.tr("Starting…"))
        self.epoch_label.clear()
        self.eta_label.clear()
        self.progress_bar.setRange(0, 0)  # busy until the first numbers arrive
        self.set_status(self.tr("Resuming from the checkpoint…") if config.resume else "")
        self.log(self.tr("Training {0} → {1}").format(config.data, config.out))

        worker = TrainingWorker(config, scan=scan)
        worker.sig_message.connect(self._on_training_worker_message)
        worker.sig_data_progress.connect(self._on_training_worker_data_progress)
        worker.sig_stage_started.connect(self._on_training_worker_stage_started)
        worker.sig_progress.connect(self._on_training_worker_progress)
        worker.sig_epoch_done.connect(self._on_training_worker_epoch_done)
        worker.sig_result.connect(self._on_training_worker_result)
        worker.sig_failed.connect(self._on_training_worker_failed)
        worker.sig_error.connect(self._on_training_worker_error)
        self._handle = start_worker(worker, name="training")
        self._handle.sig_done.connect(self._on_training_handle_done)

    def stop(self) -> None:
        """Ask the run to stop after the current batch; it keeps the best weights. Returns at once."""
        if not self.is_running() or self._stopping:
            return
        self._stopping = True
        worker = self._handle.worker
        if worker is not None:
            worker.request_stop()
        self.stage_label.setText(self.tr("Stopping…"))
        self.set_status(self.tr("Stopping after the current batch; the best weights so far are then saved."))
        self.log(self.tr("Stop requested"))

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """Stop the run (it saves its best weights first) and wait for its thread; True when it ended."""
        self.stop()
        return self._handle.stop(timeout_ms) if self._handle is not None else True

    def show_plan(self, config: TrainConfig, history: Sequence[dict] = (), *, labels: Sequence[str] = ()) -> None:
        """The curves' axes for a run of `config`: its stages marked, the epochs still to come empty."""
        stages = [{"name": stage.name, "epochs": stage.epochs} for stage in plan_stages(config)]
        classes = len(labels) or 10
        # room for a new head's first loss, ln(classes): the axes then stay put and epochs are blitted
        self.curves.set_history(list(history), stages, loss_limit=1.3 * math.log(max(classes, 2)) + 0.2)

    def prepare_evaluation(self, labels: Sequence[str]) -> None:
        """Build the confusion matrix's axes for these classes while nothing runs: at Start they would
        compete with the first epoch's tracing for the GIL (a matrix on show, the last run's, stays
        until the next run starts)."""
        if not self.is_running() and not self.confusion.is_showing_chart():
            self.confusion.prepare(labels)

    # --- what the worker reports ---

    @Slot(str)
    def _on_training_worker_message(self, text: str) -> None:
        self.log(text)

    @Slot(int, int)
    def _on_training_worker_data_progress(self, done: int, total: int) -> None:
        self.stage_label.setText(self.tr("Reading images…") if not self._stopping else self.tr("Stopping…"))
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(done)

    @Slot(object, int)
    def _on_training_worker_stage_started(self, stage: Stage, steps: int) -> None:
        stages = plan_stages(self.config) if self.config else [stage]
        if not self._stopping:
            self.stage_label.setText(
                self.tr("Stage {0} of {1}: {2}").format(stage.index + 1, len(stages), self._stage_title(stage.name))
            )
        self.log(
            self.tr("Stage {0}: {1}, {2} epochs of {3} batches, learning rate {4:g}").format(
                stage.index + 1, stage.name, stage.epochs, steps, stage.learning_rate
            )
        )
        self.sig_stage_started.emit(stage)
        if self._labels:
            self.confusion.prepare(self._labels)  # now, not in the busy moment the run ends

    @Slot(object)
    def _on_training_worker_progress(self, progress: TrainingProgress) -> None:
        self.progress_bar.setRange(0, progress.total)
        self.progress_bar.setValue(progress.done)
        self.epoch_label.setText(
            self.tr("Epoch {0} of {1} · batch {2}/{3} · loss {4}").format(
                progress.epoch, progress.epochs, progress.batch, progress.batches, decimal(progress.loss, 3)
            )
        )
        if progress.eta_seconds is None:
            self.eta_label.setText(self.tr("estimating time left…"))
        else:
            self.eta_label.setText(self.tr("about {0} left").format(self._duration(progress.eta_seconds)))
        self.sig_progress.emit(progress)

    @Slot(object)
    def _on_training_worker_epoch_done(self, metrics: EpochMetrics) -> None:
        self.curves.append_epoch(metrics.to_dict())
        validation = (
            self.tr(", validation accuracy {0:.1%}").format(metrics.val_accuracy)
            if metrics.val_accuracy is not None
            else ""
        )
        self.log(
            self.tr("Epoch {0} ({1} {2}/{3}): loss {4:.3f}, accuracy {5:.1%}{6}, {7:.0f} s").format(
                metrics.epoch,
                metrics.stage,
                metrics.stage_epoch,
                metrics.stage_epochs,
                metrics.loss,
                metrics.accuracy,
                validation,
                metrics.seconds,
            )
        )
        self.sig_epoch_done.emit(metrics)

    @Slot(object)
    def _on_training_worker_result(self, result: TrainResult) -> None:
        self._result = result
        self.eta_label.clear()
        self.log(result.message)
        if result.model_path is None or result.metadata is None:
            self.stage_label.setText(self.tr("Stopped"))
            self.set_status(self.tr("Stopped before the first epoch ended: nothing was kept."))
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
            return
        meta = result.metadata
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        if list(meta.history) != self.curves.history():  # e.g. a resumed run's earlier epochs
            self.curves.set_history(meta.history, meta.stages)
        self.stage_label.setText(self.tr("Stopped") if result.stopped else self.tr("Finished"))
        best = self.tr(" (best epoch: {0})").format(result.best_epoch) if result.best_epoch else ""
        if result.stopped:
            self.set_status(
                self.tr("Stopped after {0}: the best weights{1} are saved as {2}.").format(
                    self._duration(result.seconds), best, Path(result.model_path).name
                )
            )
        else:
            self.set_status(
                self.tr("Finished in {0}{1}; saved as {2}.").format(
                    self._duration(result.seconds), best, Path(result.model_path).name
                )
            )
        self._show_evaluation(meta)

    def _show_evaluation(self, meta: ModelMetadata) -> None:
        evaluation, test = (meta.evaluation, True) if meta.evaluation else (meta.validation, False)
        if not evaluation:
            self.accuracy_label.setText(self.tr("No held-out images: nothing to evaluate on."))
            self.confusion.show_message(
                self.tr("Keep a validation share or add a test/ folder to see a confusion matrix.")
            )
            return
        if test:
            self.accuracy_label.setText(
                self.tr("Held-out accuracy: {0} on %Ln test image(s)", "", evaluation["n"]).format(
                    percent(evaluation["accuracy"])
                )
            )
            self.evaluation_note.setText(
                self.tr("Macro F1 {0}. The test images were never used in training.").format(
                    decimal(evaluation.get("macro", {}).get("f1", 0.0), 3)
                )
            )
        else:
            self.accuracy_label.setText(
                self.tr("Held-out accuracy: {0} on %Ln validation image(s)", "", evaluation["n"]).format(
                    percent(evaluation["accuracy"])
                )
            )
            self.evaluation_note.setText(
                self.tr(
                    "The data has no test/ folder, so this is the validation share, which also chose the best epoch: "
                    "expect a little less on new photos."
                )
            )
        self.confusion.set_evaluation(evaluation)
        self.tabs.setCurrentWidget(self.evaluation_widget)

    @Slot(str)
    def _on_training_worker_failed(self, reason: str) -> None:
        self._failed = True
        self.stage_label.setText(self.tr("Failed"))
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.eta_label.clear()
        self.set_status(self.tr("Training failed: {0}").format(reason), error=True)
        self.log(self.tr("Failed: {0}").format(reason))

    @Slot(str, str)
    def _on_training_worker_error(self, message: str, details: str) -> None:
        self._on_training_worker_failed(message)
        from infinityvision_desktop.gui import errors

        errors.report(message, details)  # a bug, not the user's doing: the app's error dialog

    @Slot()
    def _on_training_handle_done(self) -> None:
        self._handle = None
        self._stopping = False
        if self._result is None and not self._failed:
            self.stage_label.setText(self.tr("Stopped"))  # stopped before the pipeline could report
            self.progress_bar.setRange(0, 1)
        self.sig_run_finished.emit(self._result)

    # --- lines of text ---

    def set_status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self._status_error = error
        self.status_label.setStyleSheet(f"color: {self._scheme.error};" if error else "")

    def log(self, text: str) -> None:
        self.log_view.appendPlainText(f"{time.strftime('%H:%M:%S')}  {text}")

    def _stage_title(self, name: str) -> str:
        return {
            "head": self.tr("training the new output layer"),
            "fine-tune": self.tr("fine-tuning the top blocks"),
            "train": self.tr("training every layer"),
        }.get(name, name)

    def _duration(self, seconds: float) -> str:
        seconds = max(0, int(math.ceil(seconds)))
        if seconds < 60:
            return self.tr("{0} s").format(seconds)
        if seconds < 3600:
            return self.tr("{0} min {1:02d} s").format(seconds // 60, seconds % 60)
        return self.tr("{0} h {1:02d} min").format(seconds // 3600, seconds // 60 % 60)
