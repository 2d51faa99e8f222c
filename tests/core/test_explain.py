"""Grad-CAM: the heatmap points at the part of the image that decides the class."""

from __future__ import annotations

import numpy as np
import pytest
from generated_data import SQUARE_COLOURS, SQUARE_SIDE, make_square_images

from infinityvision_desktop.core.explain import (
    ExplainError,
    GradCam,
    feature_centres,
    find_target_layer,
    heatmap_rgb,
    jet_colours,
    mass_share,
    overlay,
)


@pytest.fixture(scope="module")
def square_model(tmp_path_factory):
    """A small airbench trained for a few seconds: a red square vs a green square, anywhere.

    Saved with flip test-time augmentation, as the app's models are, so the heatmap of the
    flipped view must be flipped back correctly for the mass to land on the square.
    """
    import keras

    from infinityvision_desktop.core.architectures import build_model
    from infinityvision_desktop.core.modelfile import ModelMetadata, save_model_file
    from infinityvision_desktop.core.predictor import Predictor

    images, labels, _ = make_square_images(800, seed=0)
    keras.utils.set_random_seed(0)
    model = build_model("airbench", num_classes=2, widths=(16, 32, 32))
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="sparse_categorical_crossentropy")
    model.fit(images.astype(np.float32), labels, epochs=4, batch_size=32, verbose=0)
    path = tmp_path_factory.mktemp("square") / "square.h5"
    save_model_file(model, ModelMetadata(labels=tuple(SQUARE_COLOURS), tta=("flip",), name="square"), path)
    return Predictor.load(path)


@pytest.mark.slow
def test_the_heatmap_mass_falls_on_the_square_that_decides_the_class(square_model):
    images, labels, squares = make_square_images(24, seed=7)
    assert np.mean(square_model.probabilities(images).argmax(axis=1) == labels) == 1.0  # it learned the task

    explanations = GradCam.for_predictor(square_model).explain_batch(images)

    near_shares, areas = [], []
    for explanation, label, (top, left) in zip(explanations, labels, squares):
        assert explanation.class_index == explanation.top_index == label  # the answer, by default
        assert explanation.heatmap.shape == (32, 32) and explanation.heatmap.max() == pytest.approx(1.0)
        half = np.zeros((32, 32), bool)
        half[:, :16] = left < 16
        half[:, 16:] = left >= 16
        assert mass_share(explanation.heatmap, half) >= 0.8  # the square's half of the image
        near = np.zeros((32, 32), bool)
        near[max(top - 4, 0) : top + SQUARE_SIDE + 4, max(left - 4, 0) : left + SQUARE_SIDE + 4] = True
        near_shares.append(mass_share(explanation.heatmap, near))
        areas.append(near.mean())
    # around the square (a quarter of the image or less) lies well over twice its share of the mass
    assert np.mean(near_shares) >= 2.5 * np.mean(areas)


@pytest.mark.slow
def test_any_class_can_be_explained_and_names_are_checked(square_model):
    images, labels, _ = make_square_images(4, seed=3)
    cam = GradCam.for_predictor(square_model)
    other = int(1 - labels[0])
    explanation = cam.explain(images[0], class_index=other)
    assert explanation.class_index == other and not explanation.is_top
    assert explanation.label == tuple(SQUARE_COLOURS)[other]
    # the answer the user was given, where it is not the network's alone (a photo's, core.openset)
    given = cam.explain(images[0], answer=other)
    assert given.class_index == other and given.is_top
    np.testing.assert_array_equal(given.heatmap, explanation.heatmap)
    assert cam.explain(images[0], class_index=int(labels[0]), answer=other).class_index == labels[0]
    assert cam.class_index("GREEN") == 1
    with pytest.raises(ExplainError, match=r"no class 'blue' \(its classes: red, green\)"):
        cam.class_index("blue")
    # a photo of any size is squashed to the model's input, as for classifying
    big = np.repeat(np.repeat(images[0], 5, axis=0), 3, axis=1)
    assert cam.explain(big).heatmap.shape == (32, 32)


@pytest.mark.parametrize(
    "arch, expected_layer",
    [
        ("airbench", "block3_act2"),  # conv -> BatchNorm -> ReLU
        ("vgg16", "block5_conv3"),  # the activation is inside the conv
        ("pic-cnn", "block3_bn2"),  # conv -> LeakyReLU -> BatchNorm
    ],
)
def test_the_target_is_the_last_conv_block_of_each_architecture(arch, expected_layer):
    from infinityvision_desktop.core.architectures import build_model
    from infinityvision_desktop.core.modelfile import ModelMetadata

    options = {"widths": (8, 16, 16)} if arch == "airbench" else {"vgg_weights": None} if arch == "vgg16" else {}
    model = build_model(arch, num_classes=3, input_size=32, **options)
    cam = GradCam(model, ModelMetadata(labels=("a", "b", "c")))
    assert cam.layer == expected_layer
    explanation = cam.explain(np.full((40, 50, 3), 128, np.uint8))
    assert explanation.heatmap.shape == (32, 32)
    assert np.all((explanation.heatmap >= 0) & (explanation.heatmap <= 1))


def test_cell_centres_follow_strides_and_padding():
    from infinityvision_desktop.core.architectures import build_model

    model = build_model("airbench", num_classes=2, widths=(8, 16, 16))
    rows, cols = feature_centres(model, find_target_layer(model))
    # 2x2 valid whitening then three floor-rounded 2x2 poolings: pixels 4, 12, 20 of 32, not 5.3, 16, 26.7
    np.testing.assert_allclose(rows, [4, 12, 20])
    np.testing.assert_allclose(cols, [4, 12, 20])


def test_a_model_without_convolutions_cannot_be_explained():
    import keras

    inputs = keras.Input((8, 8, 3))
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(inputs))
    with pytest.raises(ExplainError, match="no convolutional layer"):
        find_target_layer(keras.Model(inputs, outputs))


def test_overlay_blends_the_coloured_heatmap_over_the_photo():
    photo = np.full((60, 90, 3), 200, np.uint8)
    heat = np.zeros((32, 32), np.float32)
    heat[:, 16:] = 1.0  # the right half is hot
    blended = overlay(photo, heat, opacity=0.5)
    assert blended.shape == photo.shape
    right, left = blended[:, -5:].reshape(-1, 3).mean(axis=0), blended[:, :5].reshape(-1, 3).mean(axis=0)
    assert right[0] > right[2] and left[2] > left[0]  # red where hot, blue where cold
    np.testing.assert_array_equal(overlay(photo, heat, opacity=0.0), photo)
    np.testing.assert_array_equal(jet_colours(np.array([0.0, 1.0])), [[0, 0, 128], [128, 0, 0]])
    assert heatmap_rgb(heat, (10, 20)).shape == (10, 20, 3)
