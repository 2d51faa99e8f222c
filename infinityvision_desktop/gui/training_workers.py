"""The training dialog's two workers: one lists the data before Start, one runs the pipeline.

Neither imports TensorFlow at module level: `TrainingWorker.work()` imports the pipeline in its
own thread (a new thread per run). Both emit values only (DatasetScan, Stage, TrainingProgress,
EpochMetrics, TrainResult); the dialog's slots, on the GUI thread, touch the widgets.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Signal

from infinityvision_desktop.core.modelfile import ModelFileError
from infinityvision_desktop.core.training_config import Stage, TrainConfig, plan_stages
from infinityvision_desktop.core.training_observer import EpochMetrics, TrainingObserver
from infinityvision_desktop.core.training_progress import RunProgress
from infinityvision_desktop.gui.workers import Worker, freeze_library_objects

log = logging.getLogger(__name__)


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
    """A stage begins: the core.training_config.Stage and its batches per epoch."""
    sig_progress = Signal(object)
    """A TrainingProgress, when the share of the run done changes by 1%."""
    sig_epoch_done = Signal(object)
    """An epoch ended: its EpochMetrics (validation included)."""
    sig_result = Signal(object)
    """The run ended, finished or stopped: its TrainResult (model_path None if nothing was kept)."""
    sig_failed = Signal(str)
    """The run could not be done, for a reason a user can act on (data, model file, weights)."""

    def __init__(self, config: TrainConfig, *, scan=None) -> None:
        super().__init__()
        self.config = config
        self.scan = scan  # the DatasetScan of config.data the dialog made, or None

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

            result = fine_tune(cfg, _SignalObserver(self, cfg), scan=self.scan)
        except (DatasetError, ModelFileError, ArchitectureError) as exc:
            log.info("training refused: %s", exc)
            self.sig_failed.emit(str(exc))
            return
        except ValueError as exc:  # e.g. too few readable images; logged whole in case it is a bug
            log.exception("training failed")
            self.sig_failed.emit(str(exc))
            return
        self.sig_result.emit(result)


class _SignalObserver(TrainingObserver):
    """Turns pipeline callbacks (training thread) into the worker's signals. Nothing else."""

    def __init__(self, worker: TrainingWorker, cfg: TrainConfig) -> None:
        self._worker = worker
        self.progress = RunProgress(plan_stages(cfg))

    def message(self, text: str) -> None:
        self._worker.sig_message.emit(text)

    def data_progress(self, done: int, total: int) -> None:
        if self.progress.data_step(done, total):
            self._worker.sig_data_progress.emit(done, total)

    def stage_changed(self, stage: Stage, steps_per_epoch: int) -> None:
        self.progress.stage_started()
        self._worker.sig_stage_started.emit(stage, steps_per_epoch)

    def batch_done(self, stage: Stage, stage_epoch: int, batch: int, batches: int, loss: float) -> None:
        progress = self.progress.batch_done(stage, stage_epoch, batch, batches, loss, now=time.perf_counter())
        if progress is not None:
            self._worker.sig_progress.emit(progress)

    def epoch_done(self, metrics: EpochMetrics) -> None:
        self.progress.epoch_done(now=time.perf_counter())
        self._worker.sig_epoch_done.emit(metrics)

    def should_stop(self) -> bool:
        return self._worker.should_stop()
