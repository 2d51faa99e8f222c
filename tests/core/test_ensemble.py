"""Two models as one file: the combined answer is the weighted geometric mean of their calibrated answers."""

from __future__ import annotations

import numpy as np
import pytest

from infinityvision_desktop.core.ensemble import EnsembleError, Member, best_weight, combine, ensemble_metadata
from infinityvision_desktop.core.evaluation import apply_temperature
from infinityvision_desktop.core.modelfile import LoadedModel, ModelMetadata, load_model_file, save_model_file
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


def _depthwise_model(labels, tmp_path):
    """A small net built on a depthwise convolution, as EfficientNet-Lite is."""
    import keras
    from keras import layers

    inputs = keras.Input((32, 32, 3))
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    x = layers.DepthwiseConv2D(3, padding="same", activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(len(labels), name="head_dense")(x)
    outputs = layers.Activation("softmax", name="head_softmax")(x)
    path = tmp_path / "depthwise.h5"
    save_model_file(keras.Model(inputs, outputs), ModelMetadata(labels=labels), path)
    return load_model_file(path)


def test_the_depthwise_branch_of_an_ensemble_computes_in_float32_the_other_in_bfloat16(tiny_model_path, tmp_path):
    # oneDNN's bfloat16 depthwise kernels are slower than float32 ones: only the plain conv net's
    # branch is converted, and the sum of the two stays float32
    from infinityvision_desktop.core.predictor import _to_bfloat16

    a = load_model_file(tiny_model_path)
    b = _depthwise_model(a.metadata.labels, tmp_path)
    model = _to_bfloat16(combine([Member(a, 0.5), Member(b, 0.5)]))

    policies = {layer.name: layer.dtype_policy.name for layer in model.layers}
    assert policies["a_head_dense"] == "mixed_bfloat16"
    assert {name: p for name, p in policies.items() if name.startswith("b_")} == dict.fromkeys(
        [name for name in policies if name.startswith("b_")], "float32"
    )
    assert policies["ensemble_sum"] == policies["head_softmax"] == "float32"
    # alone, a depthwise net is left in float32
    assert _to_bfloat16(b.model) is b.model
    x = np.random.default_rng(0).integers(0, 256, (4, 32, 32, 3)).astype(np.float32)
    reference = combine([Member(a, 0.5), Member(b, 0.5)]).predict(x, verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), reference, atol=0.05)
