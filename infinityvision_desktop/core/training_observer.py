"""What a fine-tune run reports while it runs and when it ends: the `TrainingObserver` callbacks and
the values they carry (`EpochMetrics`, `TrainResult`).

Free of TensorFlow: the GUI's worker and the CLI's progress bar implement the observer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from infinityvision_desktop.core.modelfile import ModelMetadata
from infinityvision_desktop.core.training_config import Stage


@dataclass(frozen=True)
class EpochMetrics:
    stage: str
    stage_index: int
    epoch: int  # 1-based over the whole run
    stage_epoch: int  # 1-based within the stage
    stage_epochs: int
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    learning_rate: float
    seconds: float

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TrainResult:
    model_path: str | None
    metadata: ModelMetadata | None
    stopped: bool
    best_epoch: int | None
    history: tuple[EpochMetrics, ...]
    seconds: float
    message: str = ""


class TrainingObserver:
    """Callbacks from the pipeline. Called on the training thread: keep them cheap."""

    def message(self, text: str) -> None: ...
    def data_progress(self, done: int, total: int) -> None: ...
    def stage_changed(self, stage: Stage, steps_per_epoch: int) -> None: ...
    def batch_done(self, stage: Stage, stage_epoch: int, batch: int, batches: int, loss: float) -> None: ...
    def epoch_done(self, metrics: EpochMetrics) -> None: ...
    def finished(self, result: TrainResult) -> None: ...
    def failed(self, error: BaseException) -> None: ...

    def should_stop(self) -> bool:
        return False
