"""Calibration on held-out images: the temperature that makes a model's confidence honest, and the
confidence below which the app answers "not sure". A trained model (`pipeline`) and a combined
one (`ensemble`) are calibrated the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from infinityvision_desktop.core import evaluation as ev
from infinityvision_desktop.core.modelfile import ModelMetadata


@dataclass(frozen=True)
class Calibration:
    temperature: float
    not_sure_threshold: float
    validation: dict  # the evaluation of the calibrated answers on the held-out images

    def apply(self, metadata: ModelMetadata) -> ModelMetadata:
        return metadata.replace(
            temperature=self.temperature, not_sure_threshold=self.not_sure_threshold, validation=self.validation
        )


def calibrate(
    raw_probabilities: np.ndarray, y: np.ndarray, labels: Sequence[str], *, not_sure_cost: float | None = None
) -> Calibration:
    """Fit the temperature on the model's raw held-out probabilities, then the "not sure" threshold
    on the calibrated ones: where answers below it are mostly wrong, or (`not_sure_cost`) the
    confidence that this share of held-out answers falls below."""
    temperature = ev.fit_temperature(raw_probabilities, y)
    calibrated = ev.apply_temperature(raw_probabilities, temperature)
    if not_sure_cost is None:
        threshold = ev.fit_not_sure_threshold(calibrated, y)
    else:
        threshold = not_sure_at_cost(calibrated, not_sure_cost)
    return Calibration(float(temperature), float(threshold), ev.evaluate(calibrated, y, labels).to_dict())


def not_sure_at_cost(calibrated: np.ndarray, cost: float) -> float:
    """The confidence below which `cost` of held-out answers fall: "not sure" on that share of
    images like the training data, and on whatever the model is less sure of than that."""
    confidence = np.max(calibrated, axis=1)
    return float(np.clip(np.quantile(confidence, cost), 0.2, 0.99))


def fit_tta_below(first: np.ndarray, every_view: np.ndarray, below: float, *, changed: float = 0.001) -> float:
    """`below` when computing the extra test-time views only for answers less sure than it costs
    (almost) nothing on held-out images: among those whose first-view top probability is at least
    `below`, the extra views change at most `changed` of the answers. Else 1.0 (every image).
    `first`, `every_view`: raw held-out probabilities without and with the extra views."""
    sure = np.max(first, axis=1) >= below
    if not sure.any():
        return below
    moved = np.argmax(first[sure], axis=1) != np.argmax(every_view[sure], axis=1)
    return below if moved.mean() <= changed else 1.0
