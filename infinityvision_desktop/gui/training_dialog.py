"""Model > Train / Fine-tune…: pick the data and a starting point, train in the background, watch it
learn, stop it, resume it, and use or save the result.

The dialog never imports TensorFlow: `TrainingWorker.work()` imports the pipeline in its own
thread (a new thread per run), and `DatasetScanWorker` lists the data before Start. Workers
emit values (Stage, TrainingProgress, EpochMetrics, TrainResult, DatasetScan); the dialog's
slots, on the GUI thread, are the only code that touches widgets.

The pipeline saves each run's model to paths.user_data_dir()/models/<name>.h5 (never the
bundled model) and keeps a checkpoint per epoch in paths.user_data_dir()/checkpoints/<fingerprint>;
a run that did not finish is offered for resume when the dialog opens and on Start.
"""

from __future__ import annotations

import logging
import math
import os
import re
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog,
    QFormLayout, QFrame, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu, QMessageBox, QPlainTextEdit,
    QProgressBar, QPushButton, QRadioButton, QScrollArea, QSpinBox, QTableWidget, QTableWidgetItem, QTabWidget,
    QToolButton, QVBoxLayout, QWidget,
)

from infinityvision_desktop import paths
from infinityvision_desktop.core.datasets import ALL
from infinityvision_desktop.core.modelfile import ModelFileError, ModelMetadata, read_metadata
from infinityvision_desktop.core.training import (
    EpochMetrics, ResumableRun, Stage, TrainConfig, TrainingObserver, TrainResult, checkpoint_folder, plan_stages,
    read_checkpoint_state, resumable_run, resumable_runs,
)
from infinityvision_desktop.gui import i18n, theme
from infinityvision_desktop.gui.i18n import decimal, percent
from infinityvision_desktop.gui.widgets.history_charts import ConfusionMatrixChart, TrainingCurves
from infinityvision_desktop.gui.workers import Worker, WorkerHandle, freeze_library_objects, start_worker

log = logging.getLogger(__name__)

BASE_FINE_TUNE = "fine-tune"  # fine-tune the active model (a new head if the classes differ)
BASE_AIRBENCH = "airbench"    # architecture (a) from scratch
BASE_VGG16 = "vgg16"          # VGG16 transfer from ImageNet weights

# Defaults per starting point. Fine-tuning: about 2 minutes for 10 classes x 200 images on two
# CPU cores (3 head epochs with Adam, then 5 epochs of SGD on the top two blocks). Stage 2 at a
# peak of 0.01, not 0.05: with BatchNorm frozen the bundled model's fine-tune loss went to NaN at
# 0.05 (bench/bench_training_dialog.py --quick --per-class 200: loss 9.7, then NaN; 0.01 trains).
DEFAULTS = {
    BASE_FINE_TUNE: dict(head_epochs=3, epochs=5, batch_size=64, head_learning_rate=1e-3, learning_rate=0.01,
                         unfreeze_blocks=2, input_size=32, flip=True, translate=2, cutout=0, label_smoothing=0.2,
                         patience=0, val_share=0.1),
    BASE_AIRBENCH: dict(head_epochs=0, epochs=16, batch_size=256, head_learning_rate=1e-3, learning_rate=0.75,
                        unfreeze_blocks=2, input_size=32, flip=True, translate=2, cutout=0, label_smoothing=0.2,
                        patience=0, val_share=0.1),
    # VGG16 at 64x64, not its usual 128: four times faster on a CPU, still well above CIFAR's 32
    BASE_VGG16: dict(head_epochs=3, epochs=3, batch_size=32, head_learning_rate=1e-3, learning_rate=0.01,
                     unfreeze_blocks=1, input_size=64, flip=True, translate=4, cutout=0, label_smoothing=0.1,
                     patience=0, val_share=0.1),
}
LOG_LINES = 2000
SETTINGS_COLUMN_WIDTH = 420  # the left column; wider when the language's captions need it, up to:
MAX_SETTINGS_COLUMN_WIDTH = 560


# ================================================================ values the workers emit

@dataclass(frozen=True)
class TrainingProgress:
    """Where a run is, emitted when the share of the run done changes by a visible step (1%)."""

    stage: str
    stage_number: int   # 1-based
    stage_count: int
    stage_epoch: int    # 1-based within the stage
    stage_epochs: int
    epoch: int          # 1-based over the run
    epochs: int
    batch: int          # 1-based within the epoch
    batches: int
    done: int           # batches done over the whole run
    total: int
    loss: float
    eta_seconds: float | None


class EtaClock:
    """Seconds left, from batch timing: a moving average of the time per batch times the batches
    left, plus the per-epoch validation and checkpoint time times the epochs left. The first batch
    of each stage is not timed: it includes tracing the training graph."""

    ALPHA = 0.2
    MIN_SAMPLES = 3

    def __init__(self) -> None:
        self.batch_seconds: float | None = None
        self.epoch_seconds = 0.0
        self.samples = 0
        self._last: float | None = None

    def stage_started(self) -> None:
        self._last = None

    def batch_done(self, now: float) -> None:
        if self._last is not None:
            interval = now - self._last
            self.batch_seconds = interval if self.batch_seconds is None else (
                self.ALPHA * interval + (1 - self.ALPHA) * self.batch_seconds)
            self.samples += 1
        self._last = now

    def epoch_done(self, now: float) -> None:
        if self._last is not None:
            overhead = now - self._last
            self.epoch_seconds = overhead if not self.epoch_seconds else 0.5 * (overhead + self.epoch_seconds)
        self._last = now

    def eta(self, batches_left: int, epochs_left: int) -> float | None:
        if self.batch_seconds is None or self.samples < self.MIN_SAMPLES:
            return None
        return batches_left * self.batch_seconds + epochs_left * self.epoch_seconds


# ================================================================ workers

class DatasetScanWorker(Worker):
    """Lists a training source (no decoding) and says whether it can be trained on."""

    sig_scanned = Signal(int, object, str)
    """Scan id, the DatasetScan (None if the source cannot be listed) and the reason it cannot be
    trained on ("" when it can)."""

    def __init__(self, scan_id: int, source: str) -> None:
        super().__init__()
        self.scan_id = scan_id
        self.source = source

    def work(self) -> None:
        from infinityvision_desktop.core.datasets import DatasetError, check_trainable, scan_dataset

        try:
            scan = scan_dataset(self.source, check=False)
        except DatasetError as exc:
            self.sig_scanned.emit(self.scan_id, None, exc.reason)
            return
        try:
            check_trainable(scan)
        except DatasetError as exc:
            self.sig_scanned.emit(self.scan_id, scan, exc.reason)
            return
        self.sig_scanned.emit(self.scan_id, scan, "")


class TrainingWorker(Worker):
    """Runs core.pipeline.fine_tune(config) in its thread; its observer only emits signals."""

    sig_message = Signal(str)
    """A line for the log (from the pipeline, in English)."""
    sig_data_progress = Signal(int, int)
    """Images decoded so far and in all; emitted when the percentage changes."""
    sig_stage_started = Signal(object, int)
    """A stage begins: the core.training.Stage and its batches per epoch."""
    sig_progress = Signal(object)
    """A TrainingProgress, when the share of the run done changes by 1%."""
    sig_epoch_done = Signal(object)
    """An epoch ended: its EpochMetrics (validation included)."""
    sig_result = Signal(object)
    """The run ended, finished or stopped: its TrainResult (model_path None if nothing was kept)."""
    sig_failed = Signal(str)
    """The run could not be done, for a reason a user can act on (data, model file, weights)."""

    def __init__(self, config: TrainConfig, *, remove_finished_checkpoint: bool = True) -> None:
        super().__init__()
        self.config = config
        self.remove_finished_checkpoint = remove_finished_checkpoint

    def work(self) -> None:
        # Imported here, in the worker thread: the pipeline imports TensorFlow.
        from infinityvision_desktop.core.architectures import ArchitectureError, check_vgg16_weights
        from infinityvision_desktop.core.datasets import DatasetError

        cfg = self.config
        try:
            if cfg.arch == "vgg16" and cfg.base is None and cfg.vgg_weights not in (None, "none"):
                # before the data is read: a missing download should not cost the user a wait
                check_vgg16_weights(cfg.vgg_weights)
            self.sig_message.emit("Loading TensorFlow")
            from infinityvision_desktop.core.pipeline import fine_tune

            freeze_library_objects()  # done already if the window has loaded its model

            result = fine_tune(cfg, _SignalObserver(self, cfg))
        except (DatasetError, ModelFileError, ArchitectureError) as exc:
            log.info("training refused: %s", exc)
            self.sig_failed.emit(str(exc))
            return
        except ValueError as exc:  # e.g. too few readable images; logged whole in case it is a bug
            log.exception("training failed")
            self.sig_failed.emit(str(exc))
            return
        if result.model_path and not result.stopped and self.remove_finished_checkpoint:
            # a finished run has nothing left to resume; a stopped one keeps its checkpoint
            shutil.rmtree(checkpoint_folder(cfg), ignore_errors=True)
        self.sig_result.emit(result)


class _SignalObserver(TrainingObserver):
    """Turns pipeline callbacks (training thread) into the worker's signals. Nothing else."""

    def __init__(self, worker: TrainingWorker, cfg: TrainConfig) -> None:
        self._worker = worker
        self._stages = plan_stages(cfg)
        self._offsets: dict[int, int] = {}
        total = 0
        for stage in self._stages:
            self._offsets[stage.index] = total
            total += stage.epochs
        self._epochs = total
        self._clock = EtaClock()
        self._last_percent = -1
        self._last_data_percent = -1

    def message(self, text: str) -> None:
        self._worker.sig_message.emit(text)

    def data_progress(self, done: int, total: int) -> None:
        percent = done * 100 // max(1, total)
        if percent != self._last_data_percent:
            self._last_data_percent = percent
            self._worker.sig_data_progress.emit(done, total)

    def stage_changed(self, stage: Stage, steps_per_epoch: int) -> None:
        self._clock.stage_started()
        self._worker.sig_stage_started.emit(stage, steps_per_epoch)

    def batch_done(self, stage: Stage, stage_epoch: int, batch: int, batches: int, loss: float) -> None:
        self._clock.batch_done(time.perf_counter())
        epoch = self._offsets.get(stage.index, 0) + stage_epoch
        total = self._epochs * batches
        done = (epoch - 1) * batches + batch
        percent = done * 100 // max(1, total)
        if percent == self._last_percent:
            return  # no visible change: the bar moves in 1% steps
        self._last_percent = percent
        eta = self._clock.eta(total - done, self._epochs - epoch + 1)
        self._worker.sig_progress.emit(TrainingProgress(
            stage=stage.name, stage_number=stage.index + 1, stage_count=len(self._stages),
            stage_epoch=stage_epoch, stage_epochs=stage.epochs, epoch=epoch, epochs=self._epochs,
            batch=batch, batches=batches, done=done, total=total, loss=float(loss), eta_seconds=eta))

    def epoch_done(self, metrics: EpochMetrics) -> None:
        self._clock.epoch_done(time.perf_counter())
        self._worker.sig_epoch_done.emit(metrics)

    def should_stop(self) -> bool:
        return self._worker.should_stop()


# ================================================================ the dialog

class TrainingDialog(theme.FollowsLanguageAndPalette, QDialog):
    """Train or fine-tune a model on a folder or the CIFAR-10 archive, live.

    Open it non-modally (`show()`) and keep a reference; connect `sig_use_model` to switch the
    active model. `set_active_model()` tells it which model "fine-tune" starts from; call
    `shutdown()` before the application quits.
    """

    sig_use_model = Signal(str)
    """The user chose "Use this model": the path of the trained model file."""
    sig_scan_finished = Signal(bool)
    """The pre-scan of the data path ended: True if it can be trained on."""
    sig_training_started = Signal(object)
    """A run has started: its TrainConfig (resume=True when it continues a checkpoint)."""
    sig_stage_started = Signal(object)
    """A stage of the run begins: its core.training.Stage."""
    sig_progress = Signal(object)
    """The run moved on by a visible step: a TrainingProgress."""
    sig_epoch_done = Signal(object)
    """An epoch ended: its EpochMetrics."""
    sig_run_finished = Signal(object)
    """The run's thread has ended: its TrainResult, or None if it failed."""

    def __init__(self, parent: QWidget | None = None, *, model_path: str | os.PathLike | None = None,
                 metadata: ModelMetadata | None = None, widths: str | tuple[int, int, int] | None = None) -> None:
        super().__init__(parent)
        self._widths = widths  # airbench width override (tests and benchmarks train tiny networks)
        self._base_path: str | None = None
        self._base_metadata: ModelMetadata | None = None
        self._scan = None
        self._scan_ok = False
        self._scan_reason = ""
        self._scan_id = 0
        self._scanned_text: str | None = None
        self._scan_handles: list[WorkerHandle] = []
        self._handle: WorkerHandle | None = None
        self._config: TrainConfig | None = None
        self._result: TrainResult | None = None
        self._saved_copy: Path | None = None
        self._stopping = False
        self._failed = False
        self._close_when_done = False
        self._banner_run: ResumableRun | None = None
        self._applied_defaults: dict | None = None
        self._started_at = 0.0
        self._scheme = theme.scheme()
        self._scan_colour = "muted"  # the scan line's colour: "muted", "ok" or "error"
        self._status_error = False

        self._create_widgets()
        self._connect_signals()
        self._apply_defaults(self.base_kind(), force=True)
        self._sync_base_widgets()
        self.set_active_model(model_path, metadata)
        self._refresh_resume_banner()
        self._update_buttons()

    # ================================================================ construction

    def _create_widgets(self) -> None:
        self.setMinimumSize(980, 620)
        self.resize(1140, 740)

        # --- resume banner ---
        self.resume_frame = QFrame(self)
        self.resume_frame.setObjectName("resumeBanner")
        self.resume_label = QLabel(self.resume_frame)
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton(self.resume_frame)
        self.discard_button = QPushButton(self.resume_frame)
        banner = QHBoxLayout(self.resume_frame)
        banner.setContentsMargins(8, 6, 8, 6)
        banner.addWidget(self.resume_label, 1)
        banner.addWidget(self.resume_button)
        banner.addWidget(self.discard_button)
        self.resume_frame.hide()

        # --- data ---
        self.data_box = data_box = QGroupBox(self)
        self.data_edit = QLineEdit(data_box)
        self.data_edit.setClearButtonEnabled(True)
        self.browse_button = QToolButton(data_box)
        self.browse_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.browse_folder_action = QAction(self)
        self.browse_archive_action = QAction(self)
        browse_menu = QMenu(self.browse_button)
        browse_menu.addAction(self.browse_folder_action)
        browse_menu.addAction(self.browse_archive_action)
        self.browse_button.setMenu(browse_menu)
        self.scan_label = QLabel(data_box)
        self.scan_label.setWordWrap(True)
        self.scan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts_table = QTableWidget(0, 2, data_box)
        self.counts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts_table.verticalHeader().hide()
        self.counts_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.counts_table.verticalHeader().setDefaultSectionSize(20)
        self.counts_table.hide()
        path_row = QHBoxLayout()
        path_row.addWidget(self.data_edit, 1)
        path_row.addWidget(self.browse_button)
        data_layout = QVBoxLayout(data_box)
        data_layout.addLayout(path_row)
        data_layout.addWidget(self.scan_label)
        data_layout.addWidget(self.counts_table)

        # --- base ---
        self.base_box = base_box = QGroupBox(self)
        self.fine_tune_radio = QRadioButton(base_box)
        self.base_note = QLabel(base_box)
        self.base_note.setWordWrap(True)
        self.airbench_radio = QRadioButton(base_box)
        self.vgg_radio = QRadioButton(base_box)
        self.base_group = QButtonGroup(self)
        for button in (self.fine_tune_radio, self.airbench_radio, self.vgg_radio):
            self.base_group.addButton(button)
        self.airbench_radio.setChecked(True)
        base_layout = QVBoxLayout(base_box)
        base_layout.addWidget(self.fine_tune_radio)
        base_layout.addWidget(self.base_note)
        base_layout.addWidget(self.airbench_radio)
        base_layout.addWidget(self.vgg_radio)

        # --- output name ---
        self.name_box = name_box = QGroupBox(self)
        self.name_edit = QLineEdit(name_box)
        self.models_folder_label = QLabel(name_box)
        self.models_folder_label.setWordWrap(True)
        name_layout = QVBoxLayout(name_box)
        name_layout.addWidget(self.name_edit)
        name_layout.addWidget(self.models_folder_label)

        # --- advanced (collapsible) ---
        self.advanced_button = QToolButton(self)
        self.advanced_button.setCheckable(True)
        self.advanced_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_button.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_button.setAutoRaise(True)
        self.advanced_widget = QWidget(self)
        self._create_advanced(self.advanced_widget)
        self.advanced_widget.hide()

        left = QVBoxLayout()
        left.addWidget(data_box)
        left.addWidget(base_box)
        left.addWidget(name_box)
        left.addWidget(self.advanced_button)
        left.addWidget(self.advanced_widget)
        left.addStretch(1)

        # --- progress and results ---
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

        right = QVBoxLayout()
        right.addLayout(labels_row)
        right.addWidget(self.progress_bar)
        right.addWidget(self.status_label)
        right.addWidget(self.tabs, 1)

        # --- buttons ---
        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_as_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.use_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        for button in (self.start_button, self.cancel_button, self.save_as_button, self.use_button, self.close_button):
            button.setAutoDefault(False)  # Enter in the path field must not start a run

        columns = QHBoxLayout()
        left_widget = QWidget(self)
        left_widget.setLayout(left)
        left.setContentsMargins(0, 0, 6, 0)
        # the settings scroll when Advanced is open in a short window; nothing is squeezed
        self.left_scroll = left_scroll = QScrollArea(self)
        left_scroll.setWidget(left_widget)
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_scroll.setFixedWidth(SETTINGS_COLUMN_WIDTH)  # wider if a language needs it: _fit_settings_column()
        columns.addWidget(left_scroll)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.resume_frame)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self._apply_scheme()
        self.retranslate_ui()

    def _create_advanced(self, container: QWidget) -> None:
        def spin(minimum: int, maximum: int, step: int = 1, suffix: str = "") -> QSpinBox:
            box = QSpinBox(container)
            box.setRange(minimum, maximum)
            box.setSingleStep(step)
            if suffix:
                box.setSuffix(suffix)
            return box

        def real(minimum: float, maximum: float, decimals: int, step: float) -> QDoubleSpinBox:
            box = QDoubleSpinBox(container)
            box.setRange(minimum, maximum)
            box.setDecimals(decimals)
            box.setSingleStep(step)
            return box

        self.head_epochs_spin = spin(0, 100)
        self.epochs_spin = spin(1, 500)
        self.batch_size_spin = spin(8, 2048, 8)
        self.head_lr_spin = real(1e-5, 1.0, 5, 1e-4)
        self.lr_spin = real(1e-4, 10.0, 4, 0.01)
        self.unfreeze_spin = spin(0, 5)
        self.input_size_spin = spin(32, 224, 16)
        self.flip_check = QCheckBox(container)
        self.translate_spin = spin(0, 16, 1)
        self.cutout_spin = spin(0, 24, 1)
        self.smoothing_spin = real(0.0, 0.5, 2, 0.05)
        self.patience_spin = spin(0, 100)
        self.val_share_spin = spin(0, 50, 1)
        self.precision_combo = QComboBox(container)
        self.precision_combo.addItem("", None)  # Auto, On, Off: texts set by retranslate_ui()
        self.precision_combo.addItem("", True)
        self.precision_combo.addItem("", False)

        self.advanced_form = form = QFormLayout(container)
        form.setContentsMargins(12, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a long caption goes above its field
        self.epochs_caption = QLabel(container)
        # each row's caption is a QLabel whose buddy is the field: screen readers name the field by it
        for field in (self.head_epochs_spin, self.epochs_spin, self.batch_size_spin, self.head_lr_spin, self.lr_spin,
                      self.unfreeze_spin, self.input_size_spin, self.flip_check, self.translate_spin,
                      self.cutout_spin, self.smoothing_spin, self.patience_spin, self.val_share_spin,
                      self.precision_combo):
            caption = self.epochs_caption if field is self.epochs_spin else QLabel(container)
            caption.setBuddy(field)
            form.addRow(caption, field)

    def retranslate_ui(self) -> None:
        """Every text in the current language: at construction and on QEvent.LanguageChange."""
        self.setWindowTitle(self.tr("Train or Fine-tune a Model"))
        self.resume_button.setText(self.tr("Resume"))
        self.discard_button.setText(self.tr("Discard"))
        self.discard_button.setToolTip(self.tr("Delete the unfinished run's checkpoint"))
        self.data_box.setTitle(self.tr("Data"))
        self.data_edit.setPlaceholderText(self.tr("A folder with one sub-folder per class, or the CIFAR-10 .tar.gz"))
        self.data_edit.setAccessibleName(self.tr("Training data"))
        self.browse_button.setText(self.tr("Browse…"))
        self.browse_button.setToolTip(self.tr("Choose a folder of class folders, or an archive of one"))
        self.browse_folder_action.setText(self.tr("Class &Folders…"))
        self.browse_archive_action.setText(self.tr("&Archive (.tar.gz)…"))
        self.counts_table.setAccessibleName(self.tr("Images per class"))
        self.base_box.setTitle(self.tr("Start from"))
        self.airbench_radio.setText(self.tr("Train the fast airbench network from scratch"))
        self.vgg_radio.setText(self.tr("VGG16 transfer learning (ImageNet weights)"))
        self.name_box.setTitle(self.tr("Save as"))
        self.name_edit.setToolTip(self.tr("The model's name; leave empty for a name from the data and the date"))
        self.name_edit.setAccessibleName(self.tr("Model name"))
        self.name_edit.setPlaceholderText(self.tr("Name from the data and the date"))
        self.advanced_button.setText(self.tr("Advanced: training settings"))
        self.tabs.setTabText(self.tabs.indexOf(self.curves), self.tr("Curves"))
        self.tabs.setTabText(self.tabs.indexOf(self.evaluation_widget), self.tr("Evaluation"))
        self.tabs.setTabText(self.tabs.indexOf(self.log_view), self.tr("Log"))
        self.tabs.setAccessibleName(self.tr("Training views"))
        i18n.retranslate_tab_bar(self.tabs)
        self.log_view.setAccessibleName(self.tr("Training log"))
        self.progress_bar.setAccessibleName(self.tr("Training progress"))
        self.start_button.setText(self.tr("&Start"))
        self.cancel_button.setText(self.tr("S&top Training"))
        self.cancel_button.setToolTip(self.tr("Stop after the current batch and keep the best weights so far"))
        self.save_as_button.setText(self.tr("Save &As…"))
        self.use_button.setText(self.tr("&Use This Model"))

        # --- advanced settings ---
        for spin in (self.input_size_spin, self.translate_spin, self.cutout_spin):
            spin.setSuffix(self.tr(" px"))
        self.val_share_spin.setSuffix(self.tr(" %"))
        self.patience_spin.setSpecialValueText(self.tr("off"))
        self.flip_check.setText(self.tr("Random left-right flips"))
        self.precision_combo.setItemText(0, self.tr("Auto"))
        self.precision_combo.setItemText(1, self.tr("On (bfloat16)"))
        self.precision_combo.setItemText(2, self.tr("Off (float32)"))
        self.precision_combo.setToolTip(self.tr("bfloat16 trains faster where the CPU computes it natively "
                                                "(AVX-512 BF16 or AMX); Auto uses it only there"))
        self.head_epochs_spin.setToolTip(self.tr("Stage 1: only the new output layer learns; the base stays frozen"))
        self.epochs_spin.setToolTip(self.tr("Stage 2 when fine-tuning (the top blocks learn too), or the whole run"))
        self.unfreeze_spin.setToolTip(self.tr("How many of the top blocks learn in stage 2"))
        self.translate_spin.setToolTip(self.tr("Random shifts of up to this many pixels"))
        self.cutout_spin.setToolTip(self.tr("Blank out a random square of this size (0: off)"))
        self.patience_spin.setToolTip(self.tr("Stop when validation accuracy has not improved for this many epochs"))
        self.val_share_spin.setToolTip(self.tr("Share of the training images held out to pick the best epoch and calibrate"))
        captions = {
            self.head_epochs_spin: self.tr("Head epochs (stage 1):"), self.batch_size_spin: self.tr("Batch size:"),
            self.head_lr_spin: self.tr("Head learning rate (Adam):"), self.lr_spin: self.tr("Learning rate (SGD, peak):"),
            self.unfreeze_spin: self.tr("Blocks to unfreeze:"), self.input_size_spin: self.tr("Input size:"),
            self.flip_check: self.tr("Augmentation:"), self.translate_spin: self.tr("Translate:"),
            self.cutout_spin: self.tr("Cutout:"), self.smoothing_spin: self.tr("Label smoothing:"),
            self.patience_spin: self.tr("Early-stopping patience:"), self.val_share_spin: self.tr("Validation share:"),
            self.precision_combo: self.tr("Mixed precision:"),
        }
        for field, caption in captions.items():
            self.advanced_form.labelForField(field).setText(caption)

        # --- the texts made from state ---
        self._sync_base_widgets()  # the epochs caption
        self._update_base_note()
        if not self.is_training() and self._result is None and not self._failed:
            self.stage_label.setText(self.tr("Not started"))
            self.confusion.show_message(self.tr("The held-out evaluation appears here when training ends."))
        elif not self.is_training() and self._result is not None and self._result.metadata is not None:
            self._show_evaluation(self._result.metadata)
        if self._scan is not None:
            self._show_counts(self._scan)
            if not self._scan_reason:
                self._set_scan_text(self._scan_summary(self._scan), "ok")
        if self._banner_run is not None:
            self._refresh_resume_banner()
        self._update_buttons()
        self._fit_settings_column()

    def _fit_settings_column(self) -> None:
        """The settings column as wide as its longest line needs in this language, within limits:
        Ukrainian captions run longer than English ones, and a clipped Browse button is no button."""
        content = self.left_scroll.widget()
        needed = max(content.minimumSizeHint().width(), self.advanced_widget.sizeHint().width())
        bar = self.left_scroll.verticalScrollBar().sizeHint().width()
        self.left_scroll.setFixedWidth(min(max(SETTINGS_COLUMN_WIDTH, needed + bar + 4), MAX_SETTINGS_COLUMN_WIDTH))

    def _apply_scheme(self) -> None:
        """Colours for the light or dark palette now in use."""
        colours = self._scheme = theme.scheme(self.palette())
        self.resume_frame.setStyleSheet(
            f"#resumeBanner {{ background: {colours.banner}; border: 1px solid {colours.banner_border};"
            f" border-radius: 4px; }} #resumeBanner QLabel {{ color: {colours.text}; }}")
        for label in (self.models_folder_label, self.evaluation_note):
            label.setStyleSheet(f"color: {colours.muted};")
        self.base_note.setStyleSheet(f"color: {colours.muted}; margin-left: 22px;")
        self._set_scan_text(self.scan_label.text(), self._scan_colour)
        self._set_status(self.status_label.text(), error=self._status_error)

    def _connect_signals(self) -> None:
        self.data_edit.editingFinished.connect(self._on_data_edit_editing_finished)
        self.browse_button.clicked.connect(self._on_browse_folder_action_triggered)
        self.browse_folder_action.triggered.connect(self._on_browse_folder_action_triggered)
        self.browse_archive_action.triggered.connect(self._on_browse_archive_action_triggered)
        self.base_group.buttonToggled.connect(self._on_base_group_button_toggled)
        self.advanced_button.toggled.connect(self._on_advanced_button_toggled)
        self.head_epochs_spin.valueChanged.connect(self._on_plan_changed)
        self.epochs_spin.valueChanged.connect(self._on_plan_changed)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.save_as_button.clicked.connect(self._on_save_as_button_clicked)
        self.use_button.clicked.connect(self._on_use_button_clicked)
        self.buttons.rejected.connect(self.reject)
        self.resume_button.clicked.connect(self._on_resume_button_clicked)
        self.discard_button.clicked.connect(self._on_discard_button_clicked)

    # ================================================================ public API

    def set_active_model(self, path: str | os.PathLike | None, metadata: ModelMetadata | None = None) -> None:
        """The model "Fine-tune" starts from (the main window's active model); None disables it."""
        if self.is_training():
            return
        self._base_path = os.fspath(path) if path is not None else None
        if self._base_path is not None and metadata is None:
            try:
                metadata = read_metadata(self._base_path)  # h5py only, no TensorFlow
            except ModelFileError as exc:
                log.info("no metadata for %s: %s", self._base_path, exc)
        self._base_metadata = metadata
        available = self._base_path is not None
        self.fine_tune_radio.setEnabled(available)
        if available and not self.fine_tune_radio.isChecked() and self._applied_defaults == self._hyper_values():
            self.fine_tune_radio.setChecked(True)  # fine-tuning is the quick, useful default
        elif not available and self.fine_tune_radio.isChecked():
            self.airbench_radio.setChecked(True)
        self._update_base_note()
        self._update_buttons()

    def set_data_path(self, path: str | os.PathLike) -> None:
        """Put `path` in the data field and scan it (in a worker; sig_scan_finished follows)."""
        self.data_edit.setText(os.fspath(path))
        self._start_scan()

    def set_hyper_parameters(self, **values) -> None:
        """Set fields by their TrainConfig names (epochs=2, batch_size=16, mixed_precision=False, ...)."""
        setters = {
            "head_epochs": self.head_epochs_spin.setValue, "epochs": self.epochs_spin.setValue,
            "batch_size": self.batch_size_spin.setValue, "head_learning_rate": self.head_lr_spin.setValue,
            "learning_rate": self.lr_spin.setValue, "unfreeze_blocks": self.unfreeze_spin.setValue,
            "input_size": lambda v: self.input_size_spin.setValue(int(v or 32)),
            "flip": self.flip_check.setChecked, "translate": self.translate_spin.setValue,
            "cutout": self.cutout_spin.setValue, "label_smoothing": self.smoothing_spin.setValue,
            "patience": self.patience_spin.setValue,
            "val_share": lambda v: self.val_share_spin.setValue(round(float(v) * 100)),
            "mixed_precision": lambda v: self.precision_combo.setCurrentIndex(self.precision_combo.findData(v)),
        }
        for key, value in values.items():
            if key not in setters:
                raise KeyError(f"not a hyper-parameter of the dialog: {key}")
            setters[key](value)

    def set_base_kind(self, kind: str) -> None:
        {BASE_FINE_TUNE: self.fine_tune_radio, BASE_AIRBENCH: self.airbench_radio,
         BASE_VGG16: self.vgg_radio}[kind].setChecked(True)

    def base_kind(self) -> str:
        if self.fine_tune_radio.isChecked():
            return BASE_FINE_TUNE
        return BASE_VGG16 if self.vgg_radio.isChecked() else BASE_AIRBENCH

    def config(self) -> TrainConfig:
        """The TrainConfig the form describes (without an output path; Start adds one)."""
        kind = self.base_kind()
        values = self._hyper_values()
        base_arch = (self._base_metadata.architecture if self._base_metadata else "") or "airbench"
        arch = {BASE_FINE_TUNE: "vgg16" if base_arch.startswith("vgg16") else "airbench",
                BASE_AIRBENCH: "airbench", BASE_VGG16: "vgg16"}[kind]
        text = self.data_edit.text().strip()
        return TrainConfig(
            data=os.path.abspath(text) if text else "",
            arch=arch,
            widths=self._widths if self._widths is not None else "small",
            base=self._base_path if kind == BASE_FINE_TUNE else None,
            input_size=None if kind == BASE_FINE_TUNE else values["input_size"],
            epochs=values["epochs"],
            head_epochs=values["head_epochs"] if kind != BASE_AIRBENCH else 0,
            batch_size=values["batch_size"],
            learning_rate=values["learning_rate"],
            head_learning_rate=values["head_learning_rate"],
            unfreeze_blocks=values["unfreeze_blocks"],
            flip=values["flip"], translate=values["translate"], cutout=values["cutout"],
            label_smoothing=values["label_smoothing"], patience=values["patience"], val_share=values["val_share"],
            mixed_precision=values["mixed_precision"],
        )

    def start(self, config: TrainConfig) -> bool:
        """Start a run of `config` now (no questions); False if one is already running."""
        if self.is_training():
            return False
        config = replace(config, out=config.out or str(self._new_output_path()))
        self._config = config
        self._result = None
        self._saved_copy = None
        self._stopping = False
        self._failed = False
        self._close_when_done = False
        self._started_at = time.perf_counter()
        history: list[dict] = []
        if config.resume:
            state = read_checkpoint_state(checkpoint_folder(config), config)
            history = list(state.get("history", ())) if state else []
        self._show_plan(config, history)
        self.confusion.show_message(self.tr("The held-out evaluation appears here when training ends."))
        self.accuracy_label.clear()
        self.evaluation_note.clear()
        self.tabs.setCurrentWidget(self.curves)
        self.stage_label.setText(self.tr("Starting…"))
        self.epoch_label.clear()
        self.eta_label.clear()
        self.progress_bar.setRange(0, 0)  # busy until the first numbers arrive
        self._set_status(self.tr("Resuming from the checkpoint…") if config.resume else "")
        self._log(self.tr("Training {0} → {1}").format(config.data, config.out))

        worker = TrainingWorker(config)
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
        self.resume_frame.hide()
        self._update_buttons()
        self.sig_training_started.emit(config)
        return True

    def _show_plan(self, config: TrainConfig, history: list[dict] = ()) -> None:
        """The curves' axes for a run of `config`: its stages marked, the epochs still to come empty."""
        stages = [{"name": stage.name, "epochs": stage.epochs} for stage in plan_stages(config)]
        classes = len(self._scan.labels) if self._scan is not None and self._scan.labels else 10
        # room for a new head's first loss, ln(classes): the axes then stay put and epochs are blitted
        self.curves.set_history(list(history), stages, loss_limit=1.3 * math.log(max(classes, 2)) + 0.2)

    @Slot()
    def _on_plan_changed(self) -> None:
        """Before a run, the empty curves preview the plan (and Start then has nothing to redraw)."""
        if self.isVisible() and not self.is_training() and self._result is None:
            self._show_plan(self.config())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._on_plan_changed()

    def stop_training(self) -> None:
        """Ask the run to stop after the current batch; it keeps the best weights. Returns at once."""
        if not self.is_training() or self._stopping:
            return
        self._stopping = True
        worker = self._handle.worker if self._handle is not None else None
        if worker is not None:
            worker.request_stop()
        self.stage_label.setText(self.tr("Stopping…"))
        self._set_status(self.tr("Stopping after the current batch; the best weights so far are then saved."))
        self._log(self.tr("Stop requested"))
        self._update_buttons()

    def is_training(self) -> bool:
        return self._handle is not None

    def is_scanning(self) -> bool:
        return any(handle.is_running() for handle in self._scan_handles)

    def train_result(self) -> TrainResult | None:
        """The last run's TrainResult (None before the first run ends or when it failed)."""
        return self._result

    def model_path(self) -> str | None:
        """The trained model file (its Save As copy once there is one), or None."""
        if self._saved_copy is not None:
            return str(self._saved_copy)
        return self._result.model_path if self._result is not None else None

    def save_model_as(self, path: str | os.PathLike) -> Path:
        """Copy the trained model to `path` atomically (a temp file, then a rename)."""
        if self._result is None or not self._result.model_path:
            raise ValueError(self.tr("There is no trained model to save yet."))
        source = Path(self._result.model_path)
        target = Path(path)
        if target.suffix.lower() != source.suffix.lower():
            target = target.with_name(target.name + source.suffix) if not target.suffix else target.with_suffix(source.suffix)
        if _same_file(target, paths.bundled_model_path()):
            raise ValueError(self.tr("The bundled model is never overwritten: choose another name or folder."))
        if not _same_file(target, source):
            temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            try:
                shutil.copy2(source, temp)
                os.replace(temp, target)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
        self._saved_copy = target
        self._log(self.tr("Saved a copy as {0}").format(target))
        return target

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """Stop a run (it saves its best weights first) and wait for every thread; True when all ended."""
        self.stop_training()
        handles = ([self._handle] if self._handle is not None else []) + list(self._scan_handles)
        return all([handle.stop(timeout_ms) for handle in handles])

    # ================================================================ closing

    def reject(self) -> None:  # Close button, Escape and the window's close box all come here
        if self.is_training():
            if self._close_when_done:
                return
            answer = QMessageBox.question(
                self, self.tr("Stop Training?"), self.tr("Stop training and keep the best weights?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
            self._close_when_done = True  # closes once the best weights are saved
            self.stop_training()
            return
        super().reject()

    # ================================================================ data scan

    def _start_scan(self) -> None:
        text = self.data_edit.text().strip()
        self._scanned_text = text
        self._scan_id += 1
        self._scan = None
        self._scan_ok = False
        self._scan_reason = ""
        self.counts_table.hide()
        if not text:
            self.scan_label.clear()
            self._update_buttons()
            return
        self._set_scan_text(self.tr("Scanning {0}…").format(Path(text).name or text), "muted")
        worker = DatasetScanWorker(self._scan_id, text)
        worker.sig_scanned.connect(self._on_scan_worker_scanned)
        handle = start_worker(worker, name="dataset-scan")
        handle.sig_done.connect(self._on_scan_handle_done)
        self._scan_handles.append(handle)
        self._update_buttons()

    @Slot(int, object, str)
    def _on_scan_worker_scanned(self, scan_id: int, scan, reason: str) -> None:
        if scan_id != self._scan_id:
            return  # the path changed while this scan ran
        self._scan = scan
        self._scan_ok = scan is not None and not reason
        self._scan_reason = reason
        if scan is not None:
            self._show_counts(scan)
        if reason:
            self._set_scan_text(self.tr("Cannot train on this data: {0}").format(reason), "error")
        else:
            self._set_scan_text(self._scan_summary(scan), "ok")
        self._update_base_note()
        self._update_buttons()
        self._refresh_resume_banner()
        self._on_plan_changed()
        if self._scan_ok and not self.is_training() and not self.confusion.is_showing_chart():
            # the confusion matrix's axes for these classes, while nothing else runs: building them
            # at Start would compete with the first epoch's tracing for the GIL (a matrix on show,
            # the last run's, stays until the next run starts)
            self.confusion.prepare(scan.labels)
        self.sig_scan_finished.emit(self._scan_ok)

    @Slot()
    def _on_scan_handle_done(self) -> None:
        self._scan_handles = [handle for handle in self._scan_handles if handle.thread is not None]

    def _scan_summary(self, scan) -> str:
        train_split = ALL if ALL in scan.counts else "train"
        parts = [self.tr("{0} classes, {1} training images").format(len(scan.labels), scan.total(train_split))]
        if "test" in scan.counts:
            parts.append(self.tr("{0} test images").format(scan.total("test")))
        else:
            parts.append(self.tr("no test split: {0}% of the images are held out").format(self.val_share_spin.value()))
        if scan.skipped:
            parts.append(self.tr("{0} files skipped (not images)").format(len(scan.skipped)))
        return "; ".join(parts)

    def _show_counts(self, scan) -> None:
        splits = list(scan.counts)
        headers = {ALL: self.tr("Images"), "train": self.tr("Train"), "test": self.tr("Test")}
        labels = list(scan.labels) or sorted({label for split in splits for label in scan.counts[split]})
        self.counts_table.clear()
        self.counts_table.setColumnCount(1 + len(splits))
        self.counts_table.setHorizontalHeaderLabels([self.tr("Class")] + [headers.get(s, s) for s in splits])
        self.counts_table.setRowCount(len(labels))
        for row, label in enumerate(labels):
            self.counts_table.setItem(row, 0, QTableWidgetItem(label))
            for column, split in enumerate(splits, start=1):
                count = scan.counts[split].get(label, 0)
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if count == 0:
                    item.setForeground(QColor(self._scheme.error))
                self.counts_table.setItem(row, column, item)
        if scan.skipped:
            shown = "\n".join(scan.skipped[:20]) + ("\n…" if len(scan.skipped) > 20 else "")
            self.scan_label.setToolTip(self.tr("Skipped files:\n{0}").format(shown))
        else:
            self.scan_label.setToolTip("")
        rows_height = self.counts_table.verticalHeader().defaultSectionSize() * min(len(labels), 10)
        self.counts_table.setFixedHeight(rows_height + self.counts_table.horizontalHeader().sizeHint().height() + 4)
        self.counts_table.setVisible(bool(labels))

    def counts_shown(self) -> dict[str, dict[str, int]]:
        """The per-class counts in the table, by column header then class (what the user sees)."""
        shown: dict[str, dict[str, int]] = {}
        for column in range(1, self.counts_table.columnCount()):
            header = self.counts_table.horizontalHeaderItem(column).text()
            shown[header] = {self.counts_table.item(row, 0).text(): int(self.counts_table.item(row, column).text())
                             for row in range(self.counts_table.rowCount())}
        return shown

    def _set_scan_text(self, text: str, kind: str) -> None:
        """The line under the data path; kind is "muted" (scanning), "ok" or "error"."""
        self._scan_colour = kind
        colour = {"muted": self._scheme.muted, "ok": self._scheme.text, "error": self._scheme.error}[kind]
        self.scan_label.setText(text)
        self.scan_label.setStyleSheet(f"color: {colour};")

    @Slot()
    def _on_data_edit_editing_finished(self) -> None:
        if self.data_edit.text().strip() != self._scanned_text:
            self._start_scan()

    @Slot()
    def _on_browse_folder_action_triggered(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the Folder of Class Folders"), self._browse_start())
        if folder:
            self.set_data_path(folder)

    @Slot()
    def _on_browse_archive_action_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a Dataset Archive"), self._browse_start(),
                                              self.tr("Archives (*.tar.gz *.tgz *.tar)"))
        if path:
            self.set_data_path(path)

    def _browse_start(self) -> str:
        text = self.data_edit.text().strip()
        return str(Path(text).parent if text else Path.home())

    # ================================================================ base and settings

    @Slot(object, bool)
    def _on_base_group_button_toggled(self, button, checked: bool) -> None:
        if not checked:
            return
        self._apply_defaults(self.base_kind())
        self._sync_base_widgets()
        self._update_base_note()
        self._update_buttons()
        self._refresh_resume_banner()
        self._on_plan_changed()

    def _sync_base_widgets(self) -> None:
        kind = self.base_kind()
        fine_tuning = kind != BASE_AIRBENCH
        self.head_epochs_spin.setEnabled(fine_tuning)
        self.unfreeze_spin.setEnabled(fine_tuning)
        self.head_lr_spin.setEnabled(fine_tuning)
        self.input_size_spin.setEnabled(kind != BASE_FINE_TUNE)
        self.epochs_caption.setText(self.tr("Fine-tune epochs (stage 2):") if fine_tuning else self.tr("Epochs:"))

    def _apply_defaults(self, kind: str, *, force: bool = False) -> None:
        """Switch the settings to `kind`'s defaults unless the user has changed them."""
        if not force and self._applied_defaults is not None and self._hyper_values() != self._applied_defaults:
            return
        defaults = dict(DEFAULTS[kind])
        defaults["mixed_precision"] = self.precision_combo.currentData()
        self.set_hyper_parameters(**defaults)
        self._applied_defaults = self._hyper_values()

    def _hyper_values(self) -> dict:
        return {
            "head_epochs": self.head_epochs_spin.value(), "epochs": self.epochs_spin.value(),
            "batch_size": self.batch_size_spin.value(), "head_learning_rate": self.head_lr_spin.value(),
            "learning_rate": self.lr_spin.value(), "unfreeze_blocks": self.unfreeze_spin.value(),
            "input_size": self.input_size_spin.value(), "flip": self.flip_check.isChecked(),
            "translate": self.translate_spin.value(), "cutout": self.cutout_spin.value(),
            "label_smoothing": round(self.smoothing_spin.value(), 4), "patience": self.patience_spin.value(),
            "val_share": self.val_share_spin.value() / 100, "mixed_precision": self.precision_combo.currentData(),
        }

    def _update_base_note(self) -> None:
        if self._base_path is None:
            self.fine_tune_radio.setText(self.tr("Fine-tune the active model"))
            self.base_note.setText(self.tr("No model is active."))
            return
        meta = self._base_metadata
        name = (meta.name if meta and meta.name else None) or Path(self._base_path).stem
        self.fine_tune_radio.setText(self.tr("Fine-tune {0}").format(name))
        if meta is None:
            self.base_note.setText(self.tr("Its class names are unknown: a new output layer is trained."))
        elif self._scan is None:
            self.base_note.setText(self.tr("{0} classes, {1}×{2} input").format(len(meta.labels), *meta.input_size))
        elif tuple(self._scan.labels) == tuple(meta.labels):
            self.base_note.setText(self.tr("Same classes as the data: its output layer is kept."))
        else:
            self.base_note.setText(self.tr("Its classes differ from the data's: a new output layer is trained."))

    @Slot(bool)
    def _on_advanced_button_toggled(self, expanded: bool) -> None:
        self.advanced_widget.setVisible(expanded)
        self.advanced_button.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)

    def _update_buttons(self) -> None:
        training = self.is_training()
        base_ready = self.base_kind() != BASE_FINE_TUNE or self._base_path is not None
        self.start_button.setEnabled(not training and self._scan_ok and base_ready)
        self.cancel_button.setEnabled(training and not self._stopping)
        has_model = not training and self._result is not None and bool(self._result.model_path)
        self.save_as_button.setEnabled(has_model)
        self.use_button.setEnabled(has_model)
        for widget in (self.data_edit, self.browse_button, self.fine_tune_radio, self.airbench_radio,
                       self.vgg_radio, self.name_edit, self.advanced_widget, self.resume_button, self.discard_button):
            widget.setEnabled(not training)
        if not training and self._base_path is None:
            self.fine_tune_radio.setEnabled(False)
        self.models_folder_label.setText(self.tr("Saved in {0}").format(_models_folder()))

    def _new_output_path(self) -> Path:
        name = _safe_name(self.name_edit.text()) or self._suggested_name()
        folder = _models_folder()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{name}.h5"
        counter = 2
        while target.exists():
            target = folder / f"{name}-{counter}.h5"
            counter += 1
        if _same_file(target, paths.bundled_model_path()):  # never, but the bundled model is sacred
            raise RuntimeError(f"refusing to train into the bundled model file {target}")
        return target

    def _suggested_name(self) -> str:
        data = Path(self.data_edit.text().strip() or "model")
        stem = data.name
        for suffix in (".tar.gz", ".tgz", ".tar"):
            if stem.lower().endswith(suffix):
                stem = stem[: -len(suffix)]
        return f"{_safe_name(stem) or 'model'}-{time.strftime('%Y%m%d-%H%M%S')}"

    # ================================================================ running

    @Slot()
    def _on_start_button_clicked(self) -> None:
        if self.is_training() or not self.start_button.isEnabled():
            return
        self.start_button.setEnabled(False)  # at once: a double-click starts one run
        config = self.config()
        run = resumable_run(config)
        if run is not None:
            answer = QMessageBox.question(
                self, self.tr("Resume Training?"),
                self.tr("A run of these settings stopped after {0} of {1} epochs ({2}). Resume from its checkpoint?\n\n"
                        "No starts again from the beginning and discards that checkpoint.")
                .format(run.epochs_done, run.epochs_planned, _when(run.saved_at)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Yes)
            if answer not in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No):
                self._update_buttons()
                return
            config = replace(config, resume=answer == QMessageBox.StandardButton.Yes)
        self.start(config)

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.stop_training()

    @Slot(str)
    def _on_training_worker_message(self, text: str) -> None:
        self._log(text)

    @Slot(int, int)
    def _on_training_worker_data_progress(self, done: int, total: int) -> None:
        self.stage_label.setText(self.tr("Reading images…") if not self._stopping else self.tr("Stopping…"))
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(done)

    @Slot(object, int)
    def _on_training_worker_stage_started(self, stage: Stage, steps: int) -> None:
        stages = plan_stages(self._config) if self._config else [stage]
        if not self._stopping:
            self.stage_label.setText(self.tr("Stage {0} of {1}: {2}").format(
                stage.index + 1, len(stages), self._stage_title(stage.name)))
        self._log(self.tr("Stage {0}: {1}, {2} epochs of {3} batches, learning rate {4:g}").format(
            stage.index + 1, stage.name, stage.epochs, steps, stage.learning_rate))
        self.sig_stage_started.emit(stage)
        if self._scan is not None and self._scan.labels:
            self.confusion.prepare(self._scan.labels)  # now, not in the busy moment the run ends

    @Slot(object)
    def _on_training_worker_progress(self, progress: TrainingProgress) -> None:
        self.progress_bar.setRange(0, progress.total)
        self.progress_bar.setValue(progress.done)
        self.epoch_label.setText(self.tr("Epoch {0} of {1} · batch {2}/{3} · loss {4}").format(
            progress.epoch, progress.epochs, progress.batch, progress.batches, decimal(progress.loss, 3)))
        if progress.eta_seconds is None:
            self.eta_label.setText(self.tr("estimating time left…"))
        else:
            self.eta_label.setText(self.tr("about {0} left").format(_duration(progress.eta_seconds)))
        self.sig_progress.emit(progress)

    @Slot(object)
    def _on_training_worker_epoch_done(self, metrics: EpochMetrics) -> None:
        self.curves.append_epoch(metrics.to_dict())
        validation = (self.tr(", validation accuracy {0:.1%}").format(metrics.val_accuracy)
                      if metrics.val_accuracy is not None else "")
        self._log(self.tr("Epoch {0} ({1} {2}/{3}): loss {4:.3f}, accuracy {5:.1%}{6}, {7:.0f} s").format(
            metrics.epoch, metrics.stage, metrics.stage_epoch, metrics.stage_epochs, metrics.loss, metrics.accuracy,
            validation, metrics.seconds))
        self.sig_epoch_done.emit(metrics)

    @Slot(object)
    def _on_training_worker_result(self, result: TrainResult) -> None:
        self._result = result
        self.eta_label.clear()
        self._log(result.message)
        if result.model_path is None or result.metadata is None:
            self.stage_label.setText(self.tr("Stopped"))
            self._set_status(self.tr("Stopped before the first epoch ended: nothing was kept."))
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
            self._set_status(self.tr("Stopped after {0}: the best weights{1} are saved as {2}.").format(
                _duration(result.seconds), best, Path(result.model_path).name))
        else:
            self._set_status(self.tr("Finished in {0}{1}; saved as {2}.").format(
                _duration(result.seconds), best, Path(result.model_path).name))
        self._show_evaluation(meta)

    def _show_evaluation(self, meta: ModelMetadata) -> None:
        evaluation, test = (meta.evaluation, True) if meta.evaluation else (meta.validation, False)
        if not evaluation:
            self.accuracy_label.setText(self.tr("No held-out images: nothing to evaluate on."))
            self.confusion.show_message(self.tr("Keep a validation share or add a test/ folder to see a confusion matrix."))
            return
        if test:
            self.accuracy_label.setText(self.tr("Held-out accuracy: {0} on %Ln test image(s)", "", evaluation["n"])
                                        .format(percent(evaluation["accuracy"])))
            self.evaluation_note.setText(self.tr("Macro F1 {0}. The test images were never used in training.")
                                         .format(decimal(evaluation.get("macro", {}).get("f1", 0.0), 3)))
        else:
            self.accuracy_label.setText(self.tr("Held-out accuracy: {0} on %Ln validation image(s)", "",
                                                evaluation["n"]).format(percent(evaluation["accuracy"])))
            self.evaluation_note.setText(self.tr(
                "The data has no test/ folder, so this is the validation share, which also chose the best epoch: "
                "expect a little less on new photos."))
        self.confusion.set_evaluation(evaluation)
        self.tabs.setCurrentWidget(self.evaluation_widget)

    @Slot(str)
    def _on_training_worker_failed(self, reason: str) -> None:
        self._failed = True
        self.stage_label.setText(self.tr("Failed"))
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.eta_label.clear()
        self._set_status(self.tr("Training failed: {0}").format(reason), error=True)
        self._log(self.tr("Failed: {0}").format(reason))

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
        self._update_buttons()
        self._refresh_resume_banner()
        self.sig_run_finished.emit(self._result)
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    # ================================================================ after the run

    @Slot()
    def _on_save_as_button_clicked(self) -> None:
        if self._result is None or not self._result.model_path:
            return
        source = Path(self._result.model_path)
        start = str((self._saved_copy.parent if self._saved_copy else Path.home()) / source.name)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Model As"), start,
                                              self.tr("Keras model (*{0})").format(source.suffix))
        if not path:
            return
        try:
            saved = self.save_model_as(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, self.tr("Save Model As"), self.tr("The model could not be saved:\n{0}").format(exc))
            return
        self._set_status(self.tr("Saved as {0}.").format(saved))

    @Slot()
    def _on_use_button_clicked(self) -> None:
        path = self.model_path()
        if path:
            self.sig_use_model.emit(path)
            self.accept()

    # ================================================================ resume banner

    def _refresh_resume_banner(self) -> None:
        """Offer the unfinished run of the current settings, else the newest unfinished run."""
        if self.is_training():
            self.resume_frame.hide()
            return
        runs = resumable_runs()
        try:
            current = self.config().fingerprint()
        except (TypeError, ValueError):
            current = None
        run = next((r for r in runs if r.config.fingerprint() == current), runs[0] if runs else None)
        self._banner_run = run
        if run is None:
            self.resume_frame.hide()
            return
        base = Path(run.config.base).stem if run.config.base else run.config.arch
        self.resume_label.setText(self.tr("An unfinished run can be resumed: {0} on {1}, {2} of {3} epochs done ({4}).")
                                  .format(base, Path(run.config.data).name, run.epochs_done, run.epochs_planned,
                                          _when(run.saved_at)))
        self.resume_frame.show()

    @Slot()
    def _on_resume_button_clicked(self) -> None:
        run = self._banner_run
        if run is None or self.is_training():
            return
        self._show_config(run.config)
        self.start(replace(run.config, resume=True, out=None))

    @Slot()
    def _on_discard_button_clicked(self) -> None:
        run = self._banner_run
        if run is not None:
            shutil.rmtree(run.folder, ignore_errors=True)
            self._log(self.tr("Discarded the checkpoint in {0}").format(run.folder))
        self._refresh_resume_banner()

    def _show_config(self, cfg: TrainConfig) -> None:
        """Fill the form from a run's settings (for a resumed run: what it is doing)."""
        if cfg.base:
            self._base_path = cfg.base
            try:
                self._base_metadata = read_metadata(cfg.base)
            except ModelFileError:
                self._base_metadata = None
            self.fine_tune_radio.setEnabled(True)
            self.fine_tune_radio.setChecked(True)
        else:
            (self.vgg_radio if cfg.arch == "vgg16" else self.airbench_radio).setChecked(True)
        self.set_hyper_parameters(
            head_epochs=cfg.head_epochs, epochs=cfg.epochs, batch_size=cfg.batch_size,
            head_learning_rate=cfg.head_learning_rate, learning_rate=cfg.learning_rate,
            unfreeze_blocks=cfg.unfreeze_blocks, input_size=cfg.input_size or 32, flip=cfg.flip,
            translate=cfg.translate, cutout=cfg.cutout, label_smoothing=cfg.label_smoothing,
            patience=cfg.patience, val_share=cfg.val_share, mixed_precision=cfg.mixed_precision)
        self.set_data_path(cfg.data)

    # ================================================================ small helpers

    def _stage_title(self, name: str) -> str:
        return {"head": self.tr("training the new output layer"),
                "fine-tune": self.tr("fine-tuning the top blocks"),
                "train": self.tr("training every layer")}.get(name, name)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self._status_error = error
        self.status_label.setStyleSheet(f"color: {self._scheme.error};" if error else "")

    def _log(self, text: str) -> None:
        self.log_view.appendPlainText(f"{time.strftime('%H:%M:%S')}  {text}")


# ================================================================ module helpers

def _models_folder() -> Path:
    return paths.user_data_dir() / "models"


def _safe_name(text: str) -> str:
    """A file name from what the user typed: letters, digits, '.', '-' and '_' only."""
    return re.sub(r"[^\w.-]+", "_", text.strip()).strip("._")[:80]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _duration(seconds: float) -> str:
    seconds = max(0, int(math.ceil(seconds)))
    translate = QCoreApplication.translate
    if seconds < 60:
        return translate("TrainingDialog", "{0} s").format(seconds)
    if seconds < 3600:
        return translate("TrainingDialog", "{0} min {1:02d} s").format(seconds // 60, seconds % 60)
    return translate("TrainingDialog", "{0} h {1:02d} min").format(seconds // 3600, seconds // 60 % 60)


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp)) if timestamp else "?"
