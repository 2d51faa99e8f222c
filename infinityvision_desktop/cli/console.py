"""What the commands write to the terminal besides their answers: error lines, durations, and the
progress bar of a run, whose numbers (share done, time left) come from core.training_progress as the
training dialog's do."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence


def error(message: str) -> None:
    print(f"infinityvision: {message}", file=sys.stderr)


def duration(seconds: float) -> str:
    seconds = int(seconds)
    return (
        f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if seconds >= 3600
        else f"{seconds // 60}:{seconds % 60:02d}"
    )


class TerminalProgress:
    """A one-line progress bar with the run's time left on stderr (nothing at all when stderr is
    missing). A TrainingObserver for the stages planned (`stages`); the reading of images alone
    (`data_progress`) needs none."""

    BAR = 30

    def __init__(self, stages: Sequence = (), stream=None):
        from infinityvision_desktop.core.training_progress import RunProgress

        self.stream = stream if stream is not None else sys.stderr
        self.run = RunProgress(stages)
        self.last_draw = 0.0

    def _write(self, text: str) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.stream = None

    def message(self, text):
        self._write(f"\r\033[K{text}\n")

    def data_progress(self, done, total):
        now = time.perf_counter()
        if now - self.last_draw > 0.2 or done == total:
            self.last_draw = now
            self._write(f"\r\033[Kdecoding images {done}/{total}")
            if done == total:
                self._write("\n")

    def stage_changed(self, stage, steps):
        self.run.stage_started()
        self._write(f"\r\033[Kstage {stage.index + 1}: {stage.name}, {stage.epochs} epochs of {steps} batches\n")

    def batch_done(self, stage, stage_epoch, batch, batches, loss):
        now = time.perf_counter()
        progress = self.run.advance(stage, stage_epoch, batch, batches, loss, now=now)
        if now - self.last_draw < 0.5 and batch != batches:
            return  # a terminal redraws by time, not by share done
        self.last_draw = now
        filled = int(self.BAR * progress.done / max(1, progress.total))
        eta = "estimating" if progress.eta_seconds is None else duration(progress.eta_seconds)
        self._write(
            f"\r\033[K{stage.name} epoch {stage_epoch}/{stage.epochs} [{'#' * filled}{'.' * (self.BAR - filled)}] "
            f"batch {batch}/{batches} loss {loss:.3f} ETA {eta}"
        )

    def epoch_done(self, m):
        self.run.epoch_done(now=time.perf_counter())
        val = f" val_acc {m.val_accuracy:.4f} val_loss {m.val_loss:.3f}" if m.val_accuracy is not None else ""
        self._write(
            f"\r\033[Kepoch {m.epoch} ({m.stage} {m.stage_epoch}/{m.stage_epochs}) loss {m.loss:.4f} "
            f"acc {m.accuracy:.4f}{val} lr {m.learning_rate:.4f} {m.seconds:.0f}s\n"
        )

    def finished(self, result): ...
    def failed(self, error): ...

    def should_stop(self):
        return False
