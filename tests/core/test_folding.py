"""Folding: the folded form of a model gives the model's own answers, for every architecture the
app trains, and models it cannot fold are left to Keras rather than answered wrongly."""

from __future__ import annotations

import numpy as np
import pytest

from infinityvision_desktop.core.architectures import build_model
from infinityvision_desktop.core.folding import fold_model


def with_trained_statistics(model, seed: int = 0, negative_scale: bool = False, head_gain: float = 30.0):
    """A fresh model has BatchNorm at identity; a trained one does not. Give every BatchNorm
    statistics and offsets far from identity so a wrong fold cannot hide."""
    rng = np.random.default_rng(seed)
    head = model.get_layer("head_dense")
    # and a head as sure as a trained one: a fresh net answers near 10% for every class
    head.set_weights([w * head_gain for w in head.get_weights()])
    for layer in model.layers:
        if "BatchNormalization" not in type(layer).__name__:
            continue
        values = []
        for weight in layer.weights:
            name = weight.path.rsplit("/", 1)[-1]
            shape = tuple(weight.shape)
            if name == "moving_variance":
                values.append(rng.uniform(0.2, 3.0, shape))
            elif name == "gamma":
                gamma = rng.uniform(0.5, 2.0, shape)
                if negative_scale:
                    gamma[::2] *= -1
                values.append(gamma)
            else:  # moving_mean, beta
                values.append(rng.normal(0, 1.0, shape))
        layer.set_weights([v.astype(np.float32) for v in values])
    return model


@pytest.fixture(autouse=True)
def _same_weights_every_run():
    import keras

    keras.utils.set_random_seed(0)  # the layers' initial weights: a failure can be rerun


def images(n: int = 6, size: int = 32, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, size, size, 3)).astype(np.float32)


@pytest.mark.parametrize(
    "arch, kwargs, head_gain",
    [
        ("airbench", {"widths": (16, 32, 32), "whitening_images": images(40, seed=3).astype(np.uint8)}, 30.0),
        ("pic-cnn", {}, 1.0),  # its 2048-wide dense layers are sure enough already
        ("vgg16", {"input_size": 32, "vgg_weights": None}, 30.0),
    ],
)
def test_the_folded_model_gives_the_models_probabilities(arch, kwargs, head_gain):
    model = with_trained_statistics(build_model(arch, num_classes=10, **kwargs), head_gain=head_gain)
    x = images()

    folded = fold_model(model, dtype="float32")

    assert folded is not None
    expected = np.asarray(model(x, training=False), np.float64)
    got = np.asarray(folded(x), np.float64)
    np.testing.assert_allclose(got, expected, atol=2e-5)
    # in log space too, where a saturated softmax still shows every class's logit
    np.testing.assert_allclose(np.log(got), np.log(expected), atol=2e-3)
    # the images get different answers, so a fold that lost the input would show
    assert np.abs(np.log(expected) - np.log(expected[:1])).max() > 0.05


def test_a_batchnorm_that_flips_signs_after_a_max_pool_is_not_moved_across_it():
    # max(-a, -b) != -max(a, b): only positive scales may cross a max-pool
    import keras
    from keras import layers

    inputs = keras.Input((32, 32, 3))
    x = layers.Conv2D(16, 3, padding="same")(inputs)
    x = layers.MaxPooling2D(2)(x)
    x = layers.BatchNormalization()(x)  # with a scale, which training can make negative
    x = layers.ReLU()(x)
    x = layers.GlobalMaxPooling2D()(x)
    outputs = layers.Dense(10, activation="softmax", name="head_dense")(x)
    model = with_trained_statistics(keras.Model(inputs, outputs), negative_scale=True, head_gain=3.0)
    x = images()

    np.testing.assert_allclose(
        np.asarray(fold_model(model, dtype="float32")(x)), np.asarray(model(x, training=False)), atol=2e-5
    )


def test_bfloat16_folding_keeps_the_answers_of_the_model():
    model = with_trained_statistics(build_model("airbench", num_classes=10, widths=(16, 32, 32)))
    x = images(64)

    folded = np.asarray(fold_model(model, dtype="bfloat16")(x))
    expected = np.asarray(model(x, training=False))

    assert folded.dtype == np.float32
    np.testing.assert_allclose(folded.sum(axis=1), 1.0, atol=1e-5)
    assert np.abs(folded - expected).max() < 0.05
    assert np.mean(folded.argmax(1) == expected.argmax(1)) >= 0.9


def test_a_model_with_a_branch_is_left_to_keras(tmp_path):
    import keras
    from keras import layers

    from infinityvision_desktop.core.modelfile import ModelMetadata, save_model_file
    from infinityvision_desktop.core.predictor import Predictor

    inputs = keras.Input((32, 32, 3))
    a = layers.Conv2D(8, 3, padding="same")(inputs)
    b = layers.Conv2D(8, 3, padding="same")(a)
    x = layers.Add()([a, b])
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs)

    assert fold_model(model, dtype="float32") is None
    # and the app still runs it, through Keras
    path = save_model_file(model, ModelMetadata(labels=tuple("abcdefghij")), tmp_path / "branch.h5")
    predictor = Predictor.load(path, precision="float32")
    assert not predictor.folded
    np.testing.assert_allclose(
        predictor.raw_probabilities(images().astype(np.uint8)), np.asarray(model(images(), training=False)), atol=1e-5
    )


def test_an_unknown_activation_is_left_to_keras():
    model = build_model("airbench", num_classes=10, widths=(16, 32, 32), activation="gelu")

    assert fold_model(model, dtype="float32") is None


@pytest.mark.parametrize("kernel, pooled_to", [(3, 3), (3, 2), (2, 2), (4, 3)])
def test_a_same_conv_on_a_few_pixels_gives_the_convolutions_answer(kernel, pooled_to):
    # run as one matrix multiply; TensorFlow pads an even kernel more at the bottom and right
    import keras
    from keras import layers

    inputs = keras.Input((pooled_to * 4, pooled_to * 4, 3))
    x = layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D(4)(x)
    x = layers.Conv2D(12, kernel, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax", name="head_dense")(x)
    model = with_trained_statistics(keras.Model(inputs, outputs), head_gain=1.0)
    x = images(size=pooled_to * 4) / 255  # no normalisation layer here: keep the softmax off saturation

    expected = np.asarray(model(x, training=False))
    assert expected.max() < 0.999
    np.testing.assert_allclose(np.asarray(fold_model(model, dtype="float32")(x)), expected, atol=2e-5)


# --- BatchNorm folded into the convolution before it, for models that are not a chain ------------


def efficientnet(num_classes: int = 3):
    """An EfficientNet-Lite0 (skip connections: not a chain) whose BatchNorms are far from identity."""
    model = build_model("efficientnet-lite0", num_classes=num_classes, backbone_weights=None, backbone_size=32)
    return with_trained_statistics(model, head_gain=5.0)


def test_efficientnet_with_its_batchnorms_folded_gives_the_models_answers():
    from infinityvision_desktop.core.folding import fold_batchnorm

    model = efficientnet()
    x = images(8)

    folded = fold_batchnorm(model)

    kinds = [type(layer).__name__ for layer in folded.layers]
    assert "BatchNormalization" not in kinds and "BatchNormalization" in [type(la).__name__ for la in model.layers]
    np.testing.assert_allclose(folded(x, training=False), model(x, training=False), atol=1e-5)
    # what Grad-CAM reads (the last convolution's activation) keeps its name
    assert folded.get_layer("block17_act").output.shape == model.get_layer("block17_act").output.shape


def test_a_batchnorm_after_a_convolution_that_feeds_another_layer_too_is_kept():
    import keras
    from keras import layers

    from infinityvision_desktop.core.folding import fold_batchnorm

    inputs = keras.Input((32, 32, 3))
    conv = layers.Conv2D(8, 3, padding="same", use_bias=False, name="shared_conv")(inputs)
    x = layers.BatchNormalization(name="kept_bn")(conv)
    x = layers.Add()([x, conv])  # the convolution's own output is used again: not foldable
    x = layers.Conv2D(8, 3, padding="same", name="second_conv")(x)
    x = layers.BatchNormalization(name="folded_bn")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(4, name="head_dense")(x)
    outputs = layers.Activation("softmax")(x)
    model = with_trained_statistics(keras.Model(inputs, outputs), head_gain=1.0)

    folded = fold_batchnorm(model)

    names = {layer.name for layer in folded.layers}
    assert "kept_bn" in names and "folded_bn" not in names
    x = images(6)
    np.testing.assert_allclose(folded(x, training=False), model(x, training=False), atol=1e-5)


def test_a_convolution_also_read_by_a_shared_layer_is_not_folded():
    import keras
    from keras import layers

    from infinityvision_desktop.core.folding import fold_batchnorm

    inputs = keras.Input((32, 32, 3))
    conv = layers.Conv2D(8, 3, padding="same", use_bias=False, name="conv")(inputs)
    x = layers.BatchNormalization(name="bn")(conv)
    shared = layers.Activation("relu", name="shared")
    other = layers.Conv2D(8, 1, name="other")(inputs)
    # the shared layer's second call reads the convolution's own output
    x = layers.Add()([shared(x), shared(conv), other])
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(4, name="head_dense")(x)
    model = with_trained_statistics(keras.Model(inputs, layers.Activation("softmax")(x)), head_gain=1.0)

    folded = fold_batchnorm(model)

    x = images(6)
    assert folded is None or "bn" in {layer.name for layer in folded.layers}
    if folded is not None:
        np.testing.assert_allclose(folded(x, training=False), model(x, training=False), atol=1e-5)


@pytest.mark.parametrize(
    "precision, policy, tolerance", [("float32", "float32", 1e-5), ("mixed_bfloat16", "mixed_bfloat16", 0.05)]
)
def test_the_app_runs_an_efficientnet_file_folded_and_describes_it_as_saved(tmp_path, precision, policy, tolerance):
    # in bfloat16 the fold and the conversion are one copy of the model
    from infinityvision_desktop.core.modelfile import ModelMetadata, save_model_file
    from infinityvision_desktop.core.predictor import Predictor
    from infinityvision_desktop.core.summary import summarize

    model = efficientnet()
    path = save_model_file(model, ModelMetadata(labels=("a", "b", "c")), tmp_path / "lite.h5")

    predictor = Predictor.load(path, precision=precision)

    assert predictor.folded
    assert not any(type(layer).__name__ == "BatchNormalization" for layer in predictor.model.layers)
    assert predictor.model.get_layer("stem_conv").dtype_policy.name == policy
    x = images(8)
    got = predictor.raw_probabilities(x.astype(np.uint8))
    assert np.abs(got - np.asarray(model(x, training=False))).max() < tolerance
    # the Model tab describes the file's model, BatchNorms and all
    kinds = [layer.kind for layer in summarize(predictor.source, path).layers]
    assert kinds.count("BatchNormalization") == sum(type(la).__name__ == "BatchNormalization" for la in model.layers)


def test_folding_and_the_precision_are_one_copy_of_the_model():
    from infinityvision_desktop.core.folding import fold_batchnorm

    model = efficientnet()

    folded = fold_batchnorm(model, policy=lambda name: "mixed_bfloat16" if name.startswith("head") else "float32")

    policies = {layer.name: layer.dtype_policy.name for layer in folded.layers}
    assert policies["head_dense"] == "mixed_bfloat16" and policies["stem_conv"] == "float32"
    x = images(4)
    np.testing.assert_allclose(folded(x, training=False), model(x, training=False), atol=0.02)
