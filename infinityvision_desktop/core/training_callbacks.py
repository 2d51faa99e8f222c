"""What runs around each batch and epoch of a stage's `fit`: the stop request, batch progress, and
at each epoch's end validation, the best weights, early stopping, history and the checkpoint."""

from __future__ import annotations

import time

import keras
import numpy as np

from infinityvision_desktop.core.checkpoints import Checkpoint
from infinityvision_desktop.core.training_config import Stage
from infinityvision_desktop.core.training_observer import EpochMetrics, TrainingObserver


class StopOnRequest(keras.callbacks.Callback):
    """Turns observer.should_stop() into model.stop_training: fit ends after the current batch."""

    def __init__(self, observer: TrainingObserver):
        super().__init__()
        self.observer = observer
        self.stopped = False

    def on_train_batch_end(self, batch, logs=None):
        if not self.stopped and self.observer.should_stop():
            self.stopped = True
            self.model.stop_training = True


class BatchProgress(keras.callbacks.Callback):
    def __init__(self, observer: TrainingObserver, stage: Stage, steps: int):
        super().__init__()
        self.observer, self.stage, self.steps = observer, stage, steps
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        loss = float(logs.get("loss", float("nan"))) if logs else float("nan")
        self.observer.batch_done(self.stage, self.epoch, batch + 1, self.steps, loss)


class BestTracker:
    """Best validation accuracy so far and its weights; patience for early stopping."""

    def __init__(self, patience: int):
        self.patience = patience
        self.best_accuracy: float | None = None
        self.best_epoch: int | None = None
        self.best_weights: list[np.ndarray] | None = None
        self.since_best = 0

    def update(self, epoch: int, accuracy: float | None, weights_fn) -> bool:
        if accuracy is None:
            # no held-out data: the latest epoch is the best we know
            self.best_epoch, self.best_weights = epoch, weights_fn()
            return True
        if self.best_accuracy is None or accuracy >= self.best_accuracy:
            self.best_accuracy, self.best_epoch, self.best_weights = accuracy, epoch, weights_fn()
            self.since_best = 0
            return True
        self.since_best += 1
        return False

    @property
    def patience_exhausted(self) -> bool:
        return self.patience > 0 and self.since_best >= self.patience

    def reset_patience(self) -> None:
        self.since_best = 0


class EpochEnd(keras.callbacks.Callback):
    """Validation, best weights, early stopping, history and the checkpoint, once per epoch."""

    def __init__(
        self,
        *,
        stage,
        history,
        tracker: BestTracker,
        checkpoint: Checkpoint,
        observer,
        x_val,
        y_val,
        optimizer,
        lookahead,
        first_epoch,
        batch_size,
        steps,
    ):
        super().__init__()
        self.stage, self.history, self.tracker, self.checkpoint = stage, history, tracker, checkpoint
        self.observer, self.x_val, self.y_val, self.optimizer = observer, x_val, y_val, optimizer
        self.lookahead, self.first_epoch, self.batch_size = lookahead, first_epoch, batch_size
        self.steps = steps
        self.started = time.perf_counter()
        self.batches_done = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()
        self.batches_done = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches_done = batch + 1

    def on_epoch_end(self, epoch, logs=None):
        if self.model.stop_training and self.observer.should_stop() and self.batches_done < self.steps:
            return  # a stopped, partial epoch is neither validated nor kept (a stop on its last batch is whole)
        last = epoch + 1 == self.stage.epochs
        if last and self.lookahead:
            self.lookahead.finalize()
        val_loss = val_accuracy = None
        if len(self.x_val):
            probs = self.model.predict(self.x_val.astype(np.float32), batch_size=self.batch_size, verbose=0)
            probs = np.asarray(probs, dtype=np.float64)
            val_accuracy = float(np.mean(np.argmax(probs, axis=1) == self.y_val))
            val_loss = float(-np.mean(np.log(np.clip(probs[np.arange(len(self.y_val)), self.y_val], 1e-12, None))))
        logs = logs or {}
        metrics = EpochMetrics(
            stage=self.stage.name,
            stage_index=self.stage.index,
            epoch=self.first_epoch + epoch + 1,
            stage_epoch=epoch + 1,
            stage_epochs=self.stage.epochs,
            loss=float(logs.get("loss", float("nan"))),
            accuracy=float(logs.get("accuracy", float("nan"))),
            val_loss=val_loss,
            val_accuracy=val_accuracy,
            learning_rate=float(np.asarray(self.optimizer.learning_rate)),
            seconds=round(time.perf_counter() - self.started, 2),
        )
        self.history.append(metrics)
        tracker = self.tracker
        improved = tracker.update(metrics.epoch, val_accuracy, self.model.get_weights)
        self.checkpoint.save(
            self.model,
            self.optimizer,
            self.lookahead.average if self.lookahead is not None else None,
            stage=self.stage,
            stage_epochs_done=epoch + 1,
            history=self.history,
            best_accuracy=tracker.best_accuracy,
            best_epoch=tracker.best_epoch,
            best_weights=tracker.best_weights if improved else None,
        )
        self.observer.epoch_done(metrics)
        if tracker.patience_exhausted:
            self.model.stop_training = True
