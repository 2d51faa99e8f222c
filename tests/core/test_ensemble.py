"""Two models as one file: the combined answer is the weighted geometric mean of their calibrated answers."""

from __future__ import annotations

import numpy as np
import pytest

from infinityvision_desktop.core.ensemble import EnsembleError, Member, best_weight, combine, ensemble_metadata
from infinityvision_desktop.core.evaluation import apply_temperature
from infinityvision_desktop.core.modelfile import LoadedModel, load_model_file, save_model_file
from infinityvision_desktop.core.predictor import Predictor

pytestmark = pytest.mark.slow


def _second_model(tiny_model_path, tmp_path):
    """The tiny model with different head weights and temperature: a member that answers differently."""
    loaded = load_model_file(tiny_model_path)
    dense = loaded.model.get_layer("head_dense")
    kernel = dense.get_weights()[0]
    dense.set_weights([kernel[:, ::-1] * 0.5 + np.random.default_rng(1).normal(0, 0.05, kernel.shape)])
    path = tmp_path / "second.h5"
    save_model_file(loaded.model, loaded.metadata.replace(temperature=2.0), path)
    return load_model_file(path)


def test_the_combined_model_is_the_weighted_mean_of_calibrated_log_probabilities(tiny_model_path, tmp_path):
    a, b = load_model_file(tiny_model_path), _second_model(tiny_model_path, tmp_path)
    model = combine([Member(a, 0.3), Member(b, 0.7)])
    x = np.random.default_rng(0).integers(0, 256, (6, 32, 32, 3)).astype(np.float32)
    pa = apply_temperature(a.model.predict(x, verbose=0), a.metadata.temperature)
    pb = apply_temperature(b.model.predict(x, verbose=0), b.metadata.temperature)
    z = 0.3 * np.log(pa) + 0.7 * np.log(pb)
    expected = np.exp(z - z.max(1, keepdims=True))
    expected /= expected.sum(1, keepdims=True)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, atol=1e-4)


def test_the_combined_file_loads_safely_and_classifies(tiny_model_path, tmp_path):
    a, b = load_model_file(tiny_model_path), _second_model(tiny_model_path, tmp_path)
    members = [Member(a, 0.5), Member(b, 0.5)]
    path = tmp_path / "ensemble.h5"
    save_model_file(combine(members), ensemble_metadata(members, name="ensemble"), path)
    predictor = Predictor.load(path)
    assert predictor.metadata.architecture.startswith("ensemble:")
    assert len(predictor.metadata.provenance["ensemble"]) == 2
    image = np.full((40, 50, 3), 120, np.uint8)
    assert predictor.predict([image])[0].label in a.metadata.labels


def test_models_of_different_classes_are_refused(tiny_model_path, tmp_path):
    a = load_model_file(tiny_model_path)
    b = LoadedModel(a.model, a.metadata.replace(labels=tuple(reversed(a.metadata.labels))), a.path)
    with pytest.raises(EnsembleError, match="same classes"):
        combine([Member(a, 0.5), Member(b, 0.5)])


def test_the_weight_favours_the_member_that_is_right():
    y = np.array([0, 1, 2, 0, 1, 2])
    right = np.eye(3)[y] * 0.8 + 0.2 / 3
    wrong = np.full((6, 3), 1 / 3)
    assert best_weight(right, wrong, y) > 0.7
    assert best_weight(wrong, right, y) < 0.3
