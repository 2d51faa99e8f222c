"""Where a training run is and how long it has left, from the pipeline's batch and epoch callbacks.

`RunProgress` turns `TrainingObserver.batch_done()` calls into `TrainingProgress` values, one per
visible step of the run (1%), with an estimate of the time left from `EtaClock`. The caller
passes the time, so a test can drive it with made-up clocks; the GUI's observer emits what it
returns, and anything else (a terminal, a log) can show the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from infinityvision_desktop.core.training_config import Stage


@dataclass(frozen=True)
class TrainingProgress:
    """Where a run is, emitted when the share of the run done changes by a visible step (1%)."""

    stage: str
    stage_number: int  # 1-based
    stage_count: int
    stage_epoch: int  # 1-based within the stage
    stage_epochs: int
    epoch: int  # 1-based over the run
    epochs: int
    batch: int  # 1-based within the epoch
    batches: int
    done: int  # batches done over the whole run
    total: int
    loss: float
    eta_seconds: float | None


class EtaClock:
    """Seconds left, from batch timing: a moving average of the time per batch times the batches
    left, plus the per-epoch validation and checkpoint time times the epochs left. The first batch
    of each stage is not timed: it includes tracing the training graph. Nor is an epoch's first
    batch when it takes over OUTLIER times the average: once, after the first validation, Lite0's
    took about 50 s against 2 s for the others, and as a batch time it sent the estimate from 1 hour
    to 7. (An ordinary first batch is timed: with one batch per epoch it is the only one.)"""

    ALPHA = 0.2
    MIN_SAMPLES = 3
    OUTLIER = 4.0

    def __init__(self) -> None:
        self.batch_seconds: float | None = None
        self.epoch_seconds = 0.0
        self.samples = 0
        self._last: float | None = None
        self._after_epoch = False

    def stage_started(self) -> None:
        self._last = None

    def batch_done(self, now: float) -> None:
        if self._last is not None:
            interval = now - self._last
            outlier = (
                self._after_epoch
                and self.batch_seconds is not None
                and self.samples >= self.MIN_SAMPLES
                and interval > self.OUTLIER * self.batch_seconds
            )
            if not outlier:
                self.batch_seconds = (
                    interval
                    if self.batch_seconds is None
                    else (self.ALPHA * interval + (1 - self.ALPHA) * self.batch_seconds)
                )
                self.samples += 1
        self._last = now
        self._after_epoch = False

    def epoch_done(self, now: float) -> None:
        if self._last is not None:
            overhead = now - self._last
            self.epoch_seconds = overhead if not self.epoch_seconds else 0.5 * (overhead + self.epoch_seconds)
        self._last = now
        self._after_epoch = True

    def eta(self, batches_left: int, epochs_left: int) -> float | None:
        if self.batch_seconds is None or self.samples < self.MIN_SAMPLES:
            return None
        return batches_left * self.batch_seconds + epochs_left * self.epoch_seconds


class RunProgress:
    """The progress of one run of planned `stages` (core.training_config.plan_stages), step by step."""

    def __init__(self, stages: Sequence[Stage]) -> None:
        self._stages = list(stages)
        self._offsets: dict[int, int] = {}
        total = 0
        for stage in self._stages:
            self._offsets[stage.index] = total
            total += stage.epochs
        self.epochs = total
        self.clock = EtaClock()
        self._last_percent = -1
        self._last_data_percent = -1

    def run_epoch(self, stage: Stage, stage_epoch: int) -> int:
        """The 1-based epoch over the whole run that is `stage_epoch` of `stage`."""
        return self._offsets.get(stage.index, 0) + stage_epoch

    def data_step(self, done: int, total: int) -> bool:
        """True when `done` of `total` images decoded is a new whole percent, worth showing."""
        percent = done * 100 // max(1, total)
        if percent == self._last_data_percent:
            return False
        self._last_data_percent = percent
        return True

    def stage_started(self) -> None:
        self.clock.stage_started()

    def batch_done(
        self, stage: Stage, stage_epoch: int, batch: int, batches: int, loss: float, *, now: float
    ) -> TrainingProgress | None:
        """The progress after this batch, or None when the share done has not moved by 1% since the last."""
        progress = self.advance(stage, stage_epoch, batch, batches, loss, now=now)
        percent = progress.done * 100 // max(1, progress.total)
        if percent == self._last_percent:
            return None  # no visible change: the bar moves in 1% steps
        self._last_percent = percent
        return progress

    def advance(
        self, stage: Stage, stage_epoch: int, batch: int, batches: int, loss: float, *, now: float
    ) -> TrainingProgress:
        """The progress after this batch, every batch (for a caller that throttles by time, as a terminal does)."""
        self.clock.batch_done(now)
        epoch = self.run_epoch(stage, stage_epoch)
        total = self.epochs * batches
        done = (epoch - 1) * batches + batch
        eta = self.clock.eta(total - done, self.epochs - epoch + 1)
        return TrainingProgress(
            stage=stage.name,
            stage_number=stage.index + 1,
            stage_count=len(self._stages),
            stage_epoch=stage_epoch,
            stage_epochs=stage.epochs,
            epoch=epoch,
            epochs=self.epochs,
            batch=batch,
            batches=batches,
            done=done,
            total=total,
            loss=float(loss),
            eta_seconds=eta,
        )

    def epoch_done(self, *, now: float) -> None:
        self.clock.epoch_done(now)
