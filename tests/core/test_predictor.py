"""Predictor: calibrated probabilities, the not-sure flag, any image size, refusing broken models."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from generated_data import CLASS_COLOURS, make_image

from infinityvision_desktop.core.evaluation import apply_temperature
from infinityvision_desktop.core.images import resize_for_model
from infinityvision_desktop.core.modelfile import ModelFileError, ModelMetadata, load_model_file
from infinityvision_desktop.core.predictor import Predictor

LABELS = tuple(CLASS_COLOURS)


@pytest.fixture(scope="module")
def predictor(tiny_model_path) -> Predictor:
    return Predictor.load(tiny_model_path)


def class_images(per_class: int = 3, size: int = 32, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images, targets = [], []
    for index, label in enumerate(LABELS):
        for _ in range(per_class):
            images.append(make_image(label, rng, size))
            targets.append(index)
    return np.stack(images), np.asarray(targets)


def reference_probabilities(model, metadata: ModelMetadata, batch: np.ndarray) -> np.ndarray:
    """What the model itself says, with the metadata's flip TTA and temperature applied by hand."""
    x = batch.astype(np.float32)
    views = [np.asarray(model(x, training=False), dtype=np.float64)]
    if "flip" in metadata.tta:
        views.append(np.asarray(model(x[:, :, ::-1, :].copy(), training=False), dtype=np.float64))
    log_mean = np.mean([np.log(v) for v in views], axis=0)
    geometric = np.exp(log_mean) / np.exp(log_mean).sum(axis=1, keepdims=True)
    return apply_temperature(geometric, metadata.temperature)


def test_predicts_the_classes_it_was_trained_on(predictor):
    images, targets = class_images()

    predictions = predictor.predict(list(images))

    assert len(predictions) == len(images)
    assert all(p.labels == LABELS for p in predictions)
    correct = sum(p.label == LABELS[t] for p, t in zip(predictions, targets))
    assert correct >= 0.75 * len(images), [p.label for p in predictions]
    assert predictor.predict([]) == []


def test_probabilities_sum_to_one_and_match_the_model(tiny_model_path):
    # float32: the folded form the predictor runs equals the Keras model to rounding
    predictor = Predictor.load(tiny_model_path, precision="float32")
    assert predictor.folded
    predictor.metadata = predictor.metadata.replace(tta_below=1.0)  # the reference mirrors every image
    images, _ = class_images()
    metadata = predictor.metadata
    assert metadata.labels == LABELS

    predictions = predictor.predict(list(images))

    got = np.array([p.probabilities for p in predictions])
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(got, reference_probabilities(predictor.model, metadata, images), atol=1e-5)
    np.testing.assert_allclose(
        got, apply_temperature(predictor.raw_probabilities(images), metadata.temperature), atol=1e-9
    )
    for prediction, row in zip(predictions, got):
        assert prediction.index == int(np.argmax(row))
        assert prediction.confidence == pytest.approx(row.max())


def test_temperature_and_tta_from_the_metadata_are_applied(predictor):
    images, _ = class_images(per_class=2)
    plain = Predictor(predictor.model, predictor.metadata.replace(temperature=1.0, tta=()))
    hot = Predictor(predictor.model, predictor.metadata.replace(temperature=3.0, tta=("flip",), tta_below=1.0))

    raw = np.asarray(predictor.model(images.astype(np.float32), training=False), dtype=np.float64)

    np.testing.assert_allclose(plain.probabilities(images), raw, atol=1e-5)
    expected = reference_probabilities(predictor.model, hot.metadata, images)
    np.testing.assert_allclose(hot.probabilities(images), expected, atol=1e-5)
    # a higher temperature flattens: top-1 confidence drops for every image
    assert np.all(hot.probabilities(images).max(axis=1) < plain.probabilities(images).max(axis=1))


def test_translate_tta_averages_the_shifted_and_mirrored_views_as_airbench_does(predictor):
    images, _ = class_images(per_class=2)
    both = Predictor(
        predictor.model, predictor.metadata.replace(temperature=1.0, tta=("flip", "translate"), tta_below=1.0)
    )

    def logp(x):
        return np.log(np.asarray(predictor.model(x.astype(np.float32), training=False), dtype=np.float64))

    def mirrored(x):
        return 0.5 * logp(x) + 0.5 * logp(x[:, :, ::-1, :].copy())

    padded = np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="reflect")
    up_left, down_right = padded[:, :32, :32], padded[:, 2:, 2:]
    expected = 0.5 * mirrored(images) + 0.25 * mirrored(up_left) + 0.25 * mirrored(down_right)
    expected = np.exp(expected - expected.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)

    np.testing.assert_allclose(both.probabilities(images), expected, atol=1e-5)
    # the shifted views really are shifted: the answer differs from flip alone
    flip_only = Predictor(predictor.model, both.metadata.replace(tta=("flip",)))
    assert not np.allclose(both.probabilities(images), flip_only.probabilities(images), atol=1e-6)


def test_not_sure_exactly_below_the_threshold(predictor):
    images, _ = class_images()
    confidences = np.array([p.confidence for p in predictor.predict(list(images))])

    strict = Predictor(predictor.model, predictor.metadata.replace(not_sure_threshold=0.99))
    assert all(p.not_sure == (p.confidence < 0.99) for p in strict.predict(list(images)))
    assert any(p.not_sure for p in strict.predict(list(images)))

    middle = float(np.median(confidences))
    split = Predictor(predictor.model, predictor.metadata.replace(not_sure_threshold=middle))
    flags = [p.not_sure for p in split.predict(list(images))]
    assert flags == [bool(c < middle) for c in confidences]
    assert not all(flags)  # the median itself is not below the median

    relaxed = Predictor(predictor.model, predictor.metadata.replace(not_sure_threshold=0.01))
    assert not any(p.not_sure for p in relaxed.predict(list(images)))


def test_prediction_to_dict_is_json_ready(predictor):
    images, _ = class_images(per_class=1)

    row = predictor.predict([images[0]])[0].to_dict()

    assert set(row) == {"label", "confidence", "not_sure", "probabilities"}
    assert list(row["probabilities"]) == list(LABELS)
    assert row["confidence"] == row["probabilities"][row["label"]]


def test_images_of_any_size_go_through_resize_for_model(predictor):
    rng = np.random.default_rng(3)
    wide = make_image("frog", rng, size=300)[:200]  # 300 wide, 200 high
    tiny = make_image("ship", rng, size=9)

    predictions = predictor.predict([wide, tiny])

    assert wide.shape == (200, 300, 3)
    for image, prediction in zip((wide, tiny), predictions):
        resized = resize_for_model(image, (32, 32))
        expected = predictor.probabilities(resized[None])[0]
        np.testing.assert_allclose(prediction.probabilities, expected, atol=1e-6)
        assert prediction.labels == LABELS


def test_raw_probabilities_refuse_a_batch_of_the_wrong_size(predictor):
    with pytest.raises(ValueError, match=r"expected \(N, 32, 32, 3\)"):
        predictor.raw_probabilities(np.zeros((1, 40, 40, 3), np.uint8))


def nan_model(outputs: int = 4):
    import keras

    inputs = keras.Input((32, 32, 3))
    x = keras.layers.GlobalAveragePooling2D()(inputs)
    dense = keras.layers.Dense(outputs)
    x = dense(x)
    model = keras.Model(inputs, keras.layers.Activation("softmax")(x))
    kernel, bias = dense.get_weights()
    dense.set_weights([np.full_like(kernel, np.nan), bias])
    return model


def test_a_model_giving_nan_is_refused(tmp_path):
    metadata = ModelMetadata(labels=LABELS)
    with pytest.raises(ModelFileError, match="NaN or infinite"):
        Predictor(nan_model(), metadata).check_outputs()

    path = tmp_path / "broken.h5"
    nan_model().save(path)
    assert load_model_file(path).metadata.labels == ("class 0", "class 1", "class 2", "class 3")
    with pytest.raises(ModelFileError) as caught:
        Predictor.load(path)
    assert str(caught.value) == "broken.h5: refused: its test prediction gave NaN or infinite values"


def test_a_model_giving_scores_not_probabilities_is_refused():
    import keras

    inputs = keras.Input((32, 32, 3))
    x = keras.layers.GlobalAveragePooling2D()(inputs)
    model = keras.Model(inputs, keras.layers.Dense(4)(x))  # logits: no softmax

    with pytest.raises(ModelFileError, match="not probabilities"):
        Predictor(model, ModelMetadata(labels=LABELS)).check_outputs()


def test_importing_the_predictor_does_not_import_tensorflow():
    code = (
        "import sys, infinityvision_desktop.core.predictor\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'PySide6') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_tta_below_mirrors_only_the_images_whose_answer_is_not_sure(predictor):
    images, _ = class_images(per_class=2)
    plain = Predictor(predictor.model, predictor.metadata.replace(temperature=1.0, tta=()))
    always = Predictor(predictor.model, predictor.metadata.replace(temperature=1.0, tta=("flip",), tta_below=1.0))
    first = plain.probabilities(images)
    # a cut between the images' own confidences: some are sure, some not
    cut = float(np.median(first.max(axis=1)))
    sure = first.max(axis=1) >= cut
    assert 0 < sure.sum() < len(images)
    adaptive = Predictor(predictor.model, always.metadata.replace(tta_below=cut))

    got = adaptive.probabilities(images)

    np.testing.assert_allclose(got[sure], first[sure], atol=1e-9)
    np.testing.assert_allclose(got[~sure], always.probabilities(images)[~sure], atol=1e-6)
    assert not np.allclose(got[~sure], first[~sure], atol=1e-6)  # the mirror did change those answers
