"""Model > Train / Fine-tune…: pick the data and a starting point, train in the background, watch it
learn, stop it, resume it, and use or save the result.

The dialog composes panels named for what they show: the data (`TrainingDataPanel`, which lists it
in a worker), the starting point (`StartFromPanel`), the model's name (`ModelNamePanel`), the
settings (`TrainingSettingsPanel`), the run (`TrainingRunPanel`, which runs a `TrainingWorker` in a
new thread per run) and the banner offering an unfinished run (`ResumeBanner`). The dialog builds
the TrainConfig from the panels, keeps them consistent, and decides what may be clicked. Nothing
here imports TensorFlow: the worker imports the pipeline in its own thread.

The pipeline saves each run's model to paths.user_data_dir()/models/<name>.h5 (never the
bundled model) and keeps a checkpoint per epoch in paths.user_data_dir()/checkpoints/<fingerprint>;
a run that did not finish is offered for resume when the dialog opens and on Start.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.core.checkpoints import resumable_run
from infinityvision_desktop.core.modelfile import ModelMetadata
from infinityvision_desktop.core.training_config import TrainConfig
from infinityvision_desktop.core.training_observer import TrainResult
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.training_data_panel import TrainingDataPanel
from infinityvision_desktop.gui.training_output import ModelNamePanel, ask_where_to_save, save_model_copy
from infinityvision_desktop.gui.training_resume_banner import ResumeBanner
from infinityvision_desktop.gui.training_run_panel import TrainingRunPanel
from infinityvision_desktop.gui.training_settings_panel import TrainingSettingsPanel
from infinityvision_desktop.gui.training_start_panel import (
    BASE_AIRBENCH,
    BASE_FINE_TUNE,
    BASE_LITE0,
    BASE_VGG16,
    StartFromPanel,
)

# the starting points `set_base_kind()` takes, importable with the dialog
__all__ = ["BASE_AIRBENCH", "BASE_FINE_TUNE", "BASE_LITE0", "BASE_VGG16", "TrainingDialog"]

SETTINGS_COLUMN_WIDTH = 420  # the left column; wider when the language's captions need it, up to:
MAX_SETTINGS_COLUMN_WIDTH = 560


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
    """A stage of the run begins: its core.training_config.Stage."""
    sig_progress = Signal(object)
    """The run moved on by a visible step: a TrainingProgress."""
    sig_epoch_done = Signal(object)
    """An epoch ended: its EpochMetrics."""
    sig_run_finished = Signal(object)
    """The run's thread has ended: its TrainResult, or None if it failed."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        model_path: str | os.PathLike | None = None,
        metadata: ModelMetadata | None = None,
        widths: str | tuple[int, int, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self._widths = widths  # airbench width override (tests and benchmarks train tiny networks)
        self._saved_copy: Path | None = None
        self._close_when_done = False

        self._create_widgets()
        self._connect_signals()
        self.settings_panel.apply_defaults(self.base_kind(), force=True)
        self.settings_panel.show_kind(self.base_kind())
        self.set_active_model(model_path, metadata)
        self._refresh_resume_banner()
        self._update_buttons()

    # ================================================================ construction

    def _create_widgets(self) -> None:
        self.setMinimumSize(980, 620)
        self.resize(1140, 740)
        # created in the order the Tab key visits them
        self.resume_banner = ResumeBanner(self)
        self.data_panel = TrainingDataPanel(self, held_out_percent=self._held_out_percent)
        self.start_panel = StartFromPanel(self)
        self.name_panel = ModelNamePanel(self)
        self.settings_panel = TrainingSettingsPanel(self)
        self.run_panel = TrainingRunPanel(self)

        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_as_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.use_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        for button in (self.start_button, self.cancel_button, self.save_as_button, self.use_button, self.close_button):
            button.setAutoDefault(False)  # Enter in the path field must not start a run

        # The panels' widgets that tests and benches reach for, under the names they have always had.
        self.resume_frame, self.resume_label = self.resume_banner, self.resume_banner.resume_label
        self.scan_label = self.data_panel.scan_label
        self.base_note, self.vgg_radio = self.start_panel.base_note, self.start_panel.vgg_radio
        self.advanced_button = self.settings_panel.advanced_button
        self.input_size_spin = self.settings_panel.input_size_spin
        run = self.run_panel
        self.stage_label, self.status_label, self.curves = run.stage_label, run.status_label, run.curves
        self.accuracy_label, self.confusion = run.accuracy_label, run.confusion

        left = QVBoxLayout()
        left.addWidget(self.data_panel)
        left.addWidget(self.start_panel)
        left.addWidget(self.name_panel)
        left.addWidget(self.settings_panel)
        left.addStretch(1)
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
        columns.addWidget(self.run_panel, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.resume_banner)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self._apply_scheme()
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Every text in the current language: at construction and on QEvent.LanguageChange."""
        self.setWindowTitle(self.tr("Train or Fine-tune a Model"))
        # the panels first: the settings column is then measured with their new texts
        for panel in (
            self.resume_banner,
            self.data_panel,
            self.start_panel,
            self.name_panel,
            self.settings_panel,
            self.run_panel,
        ):
            panel.retranslate_ui()
        self.start_button.setText(self.tr("&Start"))
        self.cancel_button.setText(self.tr("S&top Training"))
        self.cancel_button.setToolTip(self.tr("Stop after the current batch and keep the best weights so far"))
        self.save_as_button.setText(self.tr("Save &As…"))
        self.use_button.setText(self.tr("&Use This Model"))
        self.start_panel.update_note(self.data_panel.scan())
        if self.resume_banner.run is not None:
            self._refresh_resume_banner()
        self._update_buttons()
        self._fit_settings_column()

    def _fit_settings_column(self) -> None:
        """The settings column as wide as its longest line needs in this language, within limits:
        Ukrainian captions run longer than English ones, and a clipped Browse button is no button."""
        content = self.left_scroll.widget()
        needed = max(content.minimumSizeHint().width(), self.settings_panel.advanced_widget.sizeHint().width())
        bar = self.left_scroll.verticalScrollBar().sizeHint().width()
        self.left_scroll.setFixedWidth(min(max(SETTINGS_COLUMN_WIDTH, needed + bar + 4), MAX_SETTINGS_COLUMN_WIDTH))

    def _apply_scheme(self) -> None:
        """Colours for the light or dark palette now in use."""
        colours = theme.scheme(self.palette())
        for panel in (self.resume_banner, self.data_panel, self.start_panel, self.name_panel, self.run_panel):
            panel.apply_scheme(colours)

    def _connect_signals(self) -> None:
        self.data_panel.sig_scan_started.connect(self._update_buttons)
        self.data_panel.sig_scan_finished.connect(self._on_data_panel_scan_finished)
        self.start_panel.sig_kind_changed.connect(self._on_start_panel_kind_changed)
        self.settings_panel.sig_plan_changed.connect(self._on_plan_changed)
        self.run_panel.sig_stage_started.connect(self.sig_stage_started)
        self.run_panel.sig_progress.connect(self.sig_progress)
        self.run_panel.sig_epoch_done.connect(self.sig_epoch_done)
        self.run_panel.sig_run_finished.connect(self._on_run_panel_run_finished)
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.save_as_button.clicked.connect(self._on_save_as_button_clicked)
        self.use_button.clicked.connect(self._on_use_button_clicked)
        self.buttons.rejected.connect(self.reject)
        self.resume_banner.sig_resume_requested.connect(self._on_resume_banner_resume_requested)
        self.resume_banner.sig_discarded.connect(self._on_resume_banner_discarded)

    # ================================================================ public API

    def set_active_model(self, path: str | os.PathLike | None, metadata: ModelMetadata | None = None) -> None:
        """The model "Fine-tune" starts from (the main window's active model); None disables it."""
        if self.is_training():
            return
        self.start_panel.set_base(path, metadata, default=self.settings_panel.is_untouched())
        self.start_panel.update_note(self.data_panel.scan())
        self._update_buttons()

    def set_data_path(self, path: str | os.PathLike) -> None:
        """Put `path` in the data field and scan it (in a worker; sig_scan_finished follows)."""
        self.data_panel.set_path(path)

    def set_hyper_parameters(self, **values) -> None:
        """Set fields by their TrainConfig names (epochs=2, batch_size=16, mixed_precision=False, ...)."""
        self.settings_panel.set_hyper_parameters(**values)

    def set_base_kind(self, kind: str) -> None:
        self.start_panel.set_kind(kind)

    def base_kind(self) -> str:
        return self.start_panel.kind()

    def counts_shown(self) -> dict[str, dict[str, int]]:
        """The per-class counts in the data's table, by column header then class (what the user sees)."""
        return self.data_panel.counts_shown()

    def config(self) -> TrainConfig:
        """The TrainConfig the form describes (without an output path; Start adds one)."""
        text = self.data_panel.path_text()
        return TrainConfig(
            data=os.path.abspath(text) if text else "",
            widths=self._widths if self._widths is not None else "small",
            **self.start_panel.config_fields(),
            **self.settings_panel.config_fields(self.base_kind()),
        )

    def start(self, config: TrainConfig) -> bool:
        """Start a run of `config` now (no questions); False if one is already running."""
        if self.is_training():
            return False
        config = replace(config, out=config.out or str(self.name_panel.output_path(self.data_panel.path_text())))
        self._saved_copy = None
        self._close_when_done = False
        self.run_panel.start(config, labels=self._data_labels(), scan=self.data_panel.scan())
        self.resume_banner.hide()
        self._update_buttons()
        self.sig_training_started.emit(config)
        return True

    @Slot()
    def _on_plan_changed(self) -> None:
        """Before a run, the empty curves preview the plan (and Start then has nothing to redraw)."""
        if self.isVisible() and not self.is_training() and self.run_panel.result() is None:
            self.run_panel.show_plan(self.config(), labels=self._data_labels())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._on_plan_changed()

    def stop_training(self) -> None:
        """Ask the run to stop after the current batch; it keeps the best weights. Returns at once."""
        if self.is_training() and not self.run_panel.is_stopping():
            self.run_panel.stop()
            self._update_buttons()

    def is_training(self) -> bool:
        return self.run_panel.is_running()

    def is_scanning(self) -> bool:
        return self.data_panel.is_scanning()

    def train_result(self) -> TrainResult | None:
        """The last run's TrainResult (None before the first run ends or when it failed)."""
        return self.run_panel.result()

    def model_path(self) -> str | None:
        """The trained model file (its Save As copy once there is one), or None."""
        if self._saved_copy is not None:
            return str(self._saved_copy)
        result = self.train_result()
        return result.model_path if result is not None else None

    def save_model_as(self, path: str | os.PathLike) -> Path:
        """Copy the trained model to `path` atomically (a temp file, then a rename)."""
        result = self.train_result()
        self._saved_copy = save_model_copy(result.model_path if result is not None else None, path)
        self.run_panel.log(self.tr("Saved a copy as {0}").format(self._saved_copy))
        return self._saved_copy

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """Stop a run (it saves its best weights first) and wait for every thread; True when all ended."""
        self.stop_training()
        return all([self.run_panel.shutdown(timeout_ms), self.data_panel.shutdown(timeout_ms)])

    # ================================================================ closing

    def reject(self) -> None:  # Close button, Escape and the window's close box all come here
        if self.is_training():
            if self._close_when_done:
                return
            answer = QMessageBox.question(
                self,
                self.tr("Stop Training?"),
                self.tr("Stop training and keep the best weights?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self._close_when_done = True  # closes once the best weights are saved
            self.stop_training()
            return
        super().reject()

    # ================================================================ the panels' news

    @Slot(bool)
    def _on_data_panel_scan_finished(self, ok: bool) -> None:
        self.start_panel.update_note(self.data_panel.scan())
        self._update_buttons()
        self._refresh_resume_banner()
        self._on_plan_changed()
        if ok:
            self.run_panel.prepare_evaluation(self.data_panel.scan().labels)
        self.sig_scan_finished.emit(ok)

    @Slot(str)
    def _on_start_panel_kind_changed(self, kind: str) -> None:
        self.settings_panel.apply_defaults(kind)
        self.settings_panel.show_kind(kind)
        self.start_panel.update_note(self.data_panel.scan())
        self._update_buttons()
        self._refresh_resume_banner()
        self._on_plan_changed()

    def _held_out_percent(self) -> int:
        return self.settings_panel.held_out_percent()

    def _data_labels(self) -> tuple[str, ...]:
        scan = self.data_panel.scan()
        return tuple(scan.labels) if scan is not None else ()

    def _update_buttons(self) -> None:
        training = self.is_training()
        self.start_button.setEnabled(not training and self.data_panel.can_train() and self.start_panel.is_ready())
        self.cancel_button.setEnabled(training and not self.run_panel.is_stopping())
        result = self.train_result()
        has_model = not training and result is not None and bool(result.model_path)
        self.save_as_button.setEnabled(has_model)
        self.use_button.setEnabled(has_model)
        for panel in (self.data_panel, self.start_panel, self.name_panel, self.settings_panel, self.resume_banner):
            panel.set_editable(not training)

    # ================================================================ running

    @Slot()
    def _on_start_button_clicked(self) -> None:
        if self.is_training() or not self.start_button.isEnabled():
            return
        self.start_button.setEnabled(False)  # at once: a double-click starts one run
        config = self.config()
        run = resumable_run(config)
        if run is not None:
            resume = self.resume_banner.ask_to_resume(run)
            if resume is None:
                self._update_buttons()
                return
            config = replace(config, resume=resume)
        self.start(config)

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        self.stop_training()

    @Slot(object)
    def _on_run_panel_run_finished(self, result: TrainResult | None) -> None:
        self._update_buttons()
        self._refresh_resume_banner()
        self.sig_run_finished.emit(result)
        if self._close_when_done:
            self._close_when_done = False
            super().reject()

    # ================================================================ after the run

    @Slot()
    def _on_save_as_button_clicked(self) -> None:
        result = self.train_result()
        if result is not None and result.model_path:
            ask_where_to_save(self, Path(result.model_path), self._saved_copy)

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
            self.resume_banner.hide()
            return
        try:
            current = self.config().fingerprint()
        except (TypeError, ValueError):
            current = None
        self.resume_banner.offer(current)

    @Slot()
    def _on_resume_banner_resume_requested(self) -> None:
        run = self.resume_banner.run
        if run is None or self.is_training():
            return
        self._show_config(run.config)
        self.start(replace(run.config, resume=True, out=None))

    @Slot(str)
    def _on_resume_banner_discarded(self, folder: str) -> None:
        self.run_panel.log(self.tr("Discarded the checkpoint in {0}").format(folder))
        self._refresh_resume_banner()

    def _show_config(self, cfg: TrainConfig) -> None:
        """Fill the form from a run's settings (for a resumed run: what it is doing)."""
        self.start_panel.show_config(cfg)
        self.settings_panel.show_config(cfg)
        self.set_data_path(cfg.data)
