"""How a stage updates the weights: Adam for a new head; for the rest, SGD with Nesterov momentum,
faster BatchNorm shifts, airbench's one-cycle learning rate and lookahead weight averaging."""

from __future__ import annotations

import keras
import numpy as np

from infinityvision_desktop.core.training_config import Stage, TrainConfig


def make_optimizer(stage: Stage, cfg: TrainConfig):
    if stage.optimizer == "adam":
        return keras.optimizers.Adam(stage.learning_rate)
    return BiasScaledSGD(
        stage.learning_rate,
        momentum=cfg.momentum,
        nesterov=True,
        weight_decay=cfg.weight_decay or None,
        bias_scale=cfg.bias_scale,
    )


class BiasScaledSGD(keras.optimizers.SGD):
    """SGD whose BatchNorm shifts learn `bias_scale` times faster than the weights
    (airbench's bias_scaler: BatchNorm makes the weights scale-free, not the shifts)."""

    def __init__(self, *args, bias_scale: float = 1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.bias_scale = bias_scale

    def apply(self, grads, trainable_variables=None):
        variables = trainable_variables if trainable_variables is not None else self._trainable_variables
        if self.bias_scale != 1.0:
            grads = [
                g * self.bias_scale if g is not None and _is_norm_shift(v) else g for g, v in zip(grads, variables)
            ]
        return super().apply(grads, trainable_variables)


def _is_norm_shift(variable) -> bool:
    return variable.path.endswith("/beta") if hasattr(variable, "path") else variable.name == "beta"


def one_cycle(progress: float) -> float:
    """airbench's triangle: 0.2 -> 1.0 at 23% of the run -> 0.07 at the end."""
    peak = 0.23
    if progress < peak:
        return 0.2 + 0.8 * progress / peak
    return 1.0 - 0.93 * min(1.0, (progress - peak) / (1 - peak))


class OneCycleSchedule(keras.callbacks.Callback):
    """Sets the learning rate before every batch from the optimizer's step count, so a resumed
    run goes on where the schedule was."""

    def __init__(self, peak: float, total_steps: int):
        super().__init__()
        self.peak, self.total = peak, max(1, total_steps)

    def on_train_batch_begin(self, batch, logs=None):
        step = int(self.model.optimizer.iterations.numpy())
        self.model.optimizer.learning_rate = self.peak * one_cycle(step / self.total)


class Lookahead(keras.callbacks.Callback):
    """airbench's lookahead: every 5 steps pull the weights to a running average whose
    weight grows as (progress)^3 towards 0.95^5; at the end the average is the model."""

    every = 5

    def __init__(self, total_steps: int, average: list[np.ndarray] | None = None):
        super().__init__()
        self.total = max(1, total_steps)
        self.average = average  # a resumed run's, from its checkpoint

    def _variables(self):
        return self.model.trainable_variables

    def on_train_begin(self, logs=None):
        if self.average is None:
            self.average = [v.numpy() for v in self._variables()]

    def on_train_batch_end(self, batch, logs=None):
        step = int(self.model.optimizer.iterations.numpy())
        if step % self.every:
            return
        alpha = 0.95**5 * (step / self.total) ** 3
        self._pull(alpha)

    def _pull(self, alpha: float) -> None:
        for i, variable in enumerate(self._variables()):
            mixed = alpha * self.average[i] + (1 - alpha) * variable.numpy()
            self.average[i] = mixed
            variable.assign(mixed)

    def finalize(self) -> None:
        for variable, value in zip(self._variables(), self.average):
            variable.assign(value)
