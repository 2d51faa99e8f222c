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


# --- the cascade: a sure first member answers alone ----------------------------------------------


def _head_copy(loaded, tmp_path, name, *, shift: int = 0, scale: float = 1.0):
    """`loaded` with its head's classes rotated by `shift` and its logits scaled: a member that
    disagrees with the original (shift) and is surer (scale) than it."""
    dense = loaded.model.get_layer("head_dense")
    kernel, *bias = dense.get_weights()
    copy = load_model_file(loaded.path)
    copy.model.get_layer("head_dense").set_weights(
        [np.roll(kernel, shift, axis=1) * scale, *(np.roll(b, shift) * scale for b in bias)]
    )
    path = tmp_path / name
    save_model_file(copy.model, copy.metadata, path)
    return load_model_file(path)


def _pictures(labels, count=24):
    from generated_data import make_image

    rng = np.random.default_rng(5)
    return np.stack([make_image(labels[i % len(labels)], rng) for i in range(count)])


def _cascaded(tiny_model_path, tmp_path, *, shift: int):
    """A combination of the tiny model made surer and a surer copy of that whose classes are shifted by `shift`
    (0: the same answers), cascading where the first member is at least as sure as its median on
    the pictures; the file, the pictures and the first member's calibrated probabilities."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    a = _head_copy(load_model_file(tiny_model_path), tmp_path, "a.h5", scale=4.0)  # sure of most pictures
    b = _head_copy(a, tmp_path, "b.h5", shift=shift, scale=3.0)
    members = [Member(a, 0.5), Member(b, 0.5)]
    x = _pictures(a.metadata.labels)
    first = apply_temperature(a.model.predict(x.astype(np.float32), verbose=0), a.metadata.temperature)
    cascade = {"layer": "a_ensemble_scale", "scale": 2.0, "above": float(np.median(first.max(axis=1)))}
    path = tmp_path / "cascaded.h5"
    metadata = ensemble_metadata(members, name="cascaded").replace(temperature=1.3, cascade=cascade)
    save_model_file(combine(members), metadata, path)
    return path, x, first


def test_a_sure_first_member_answers_alone_and_only_the_rest_go_through_the_whole_model(tiny_model_path, tmp_path):
    path, x, first = _cascaded(tiny_model_path, tmp_path, shift=1)
    import dataclasses

    predictor = Predictor.load(path, precision="float32")
    seen, second_saw = [], []
    forward = predictor._forward
    predictor._forward = lambda batch: seen.append(np.asarray(batch)) or forward(batch)
    cascade = predictor._cascade()
    assert cascade.second is not None  # the rest's own answer from the second branch, the first's not run again
    # the first member (a chain) runs fully folded
    assert predictor._folded_chain("a_ensemble_scale") is not None
    predictor._first_member = dataclasses.replace(
        cascade, second=lambda batch: second_saw.append(np.asarray(batch)) or cascade.second(batch)
    )

    got = predictor.probabilities(x)

    alone = first.max(axis=1) >= predictor.metadata.cascade["above"]
    assert 0 < alone.sum() < len(x)
    np.testing.assert_allclose(got[alone], first[alone], atol=1e-4)
    # against the model as its file holds it (predictor.model is its folded copy)
    whole = Predictor(predictor.source, predictor.metadata.replace(cascade=None)).probabilities(x)
    np.testing.assert_allclose(got[~alone], whole[~alone], atol=1e-5)
    # the shifted second member outvotes the first: without the cascade those answers would differ
    assert np.all(got[alone].argmax(axis=1) != whole[alone].argmax(axis=1))
    # the second branch ran for exactly the rest; the whole model (the mirrors of unsure answers)
    # never saw the images the first member answered, nor their mirrors
    np.testing.assert_array_equal(np.concatenate(second_saw), x[~alone].astype(np.float32))
    rows = np.concatenate(seen) if seen else np.zeros((0, *x.shape[1:]), np.float32)
    for image in x[alone].astype(np.float32):
        assert not any(np.array_equal(row, image) or np.array_equal(row, image[:, ::-1]) for row in rows)


def test_grad_cam_and_the_saved_model_give_the_cascades_answer(tiny_model_path, tmp_path):
    import tensorflow as tf

    from infinityvision_desktop.core.explain import GradCam
    from infinityvision_desktop.core.export import export_model

    path, x, _ = _cascaded(tiny_model_path, tmp_path, shift=1)
    predictor = Predictor.load(path, precision="float32")
    answers = predictor.probabilities(x)

    cam = GradCam.for_predictor(predictor)
    assert [e.top_index for e in cam.explain_batch(x)] == answers.argmax(axis=1).tolist()

    out = tmp_path / "served" / "1"
    export_model(path, out, fmt="saved-model")
    serve = tf.saved_model.load(str(out)).signatures["serving_default"]
    np.testing.assert_allclose(
        serve(images=tf.constant(x.astype(np.float32)))["probabilities"].numpy(), answers, atol=1e-4
    )


def test_the_cascade_is_fitted_only_where_the_first_members_sure_answers_stand(tiny_model_path, tmp_path):
    from infinityvision_desktop.core.ensemble import fit_cascade

    same, x, first = _cascaded(tiny_model_path, tmp_path / "same", shift=0)
    shifted, _, _ = _cascaded(tiny_model_path, tmp_path / "shifted", shift=1)
    assert first.max(axis=1).max() >= 0.95  # the first member is sure of some pictures
    messages = []

    agreeing = load_model_file(same)
    cascade = fit_cascade(Predictor(agreeing.model, agreeing.metadata), x, on_message=messages.append)
    assert cascade == {"layer": "a_ensemble_scale", "scale": 2.0, "above": 0.95}
    assert "at least 0.95 sure" in messages[-1] and "0 of those answers changed" in messages[-1]

    outvoted = load_model_file(shifted)
    assert fit_cascade(Predictor(outvoted.model, outvoted.metadata), x, on_message=messages.append) is None
    assert "never answers alone" in messages[-1]


def test_a_cascade_that_names_no_layer_of_the_model_or_no_confidence_is_refused(tiny_model_path, tmp_path):
    from infinityvision_desktop.core.modelfile import ModelFileError

    path, _, _ = _cascaded(tiny_model_path, tmp_path, shift=0)
    loaded = load_model_file(path)
    missing = tmp_path / "missing.h5"
    save_model_file(
        loaded.model, loaded.metadata.replace(cascade={"layer": "c_nowhere", "scale": 2, "above": 0.9}), missing
    )
    with pytest.raises(ModelFileError, match="names a layer 'c_nowhere'") as caught:
        Predictor.load(missing)
    assert "missing.h5" in str(caught.value)
    from infinityvision_desktop.core.export import ExportError, export_model

    with pytest.raises(ExportError, match="names a layer 'c_nowhere'"):  # export reads the file without a Predictor
        export_model(missing, tmp_path / "served" / "1", fmt="saved-model")
    convolution = next(layer.name for layer in loaded.model.layers if len(layer.output.shape) == 4)
    grid = tmp_path / "grid.h5"
    save_model_file(
        loaded.model, loaded.metadata.replace(cascade={"layer": convolution, "scale": 2, "above": 0.9}), grid
    )
    with pytest.raises(ModelFileError, match="not one score per class"):
        Predictor.load(grid)
    with pytest.raises(ValueError, match="metadata cascade is not"):
        ModelMetadata.from_dict(
            {**loaded.metadata.to_dict(), "cascade": {"layer": "a_ensemble_scale", "scale": 2, "above": 2}}
        )


def test_combine_with_one_combined_model_fits_its_cascade_again_and_keeps_its_weights(
    tiny_model_path, tmp_path, capsys
):
    from infinityvision_desktop import cli

    path, _, _ = _cascaded(tiny_model_path, tmp_path, shift=0)
    original = load_model_file(path)
    save_model_file(original.model, original.metadata.replace(cascade=None), path)
    out = tmp_path / "refitted.h5"

    code = cli.main(["combine", str(path), "--data", str(tiny_model_path.parent / "data"), "--out", str(out)])

    assert code == 0
    assert "the first member answers alone where it is at least 0.95 sure" in capsys.readouterr().out
    refitted = load_model_file(out)
    assert refitted.metadata.cascade == {"layer": "a_ensemble_scale", "scale": 2.0, "above": 0.95}
    assert refitted.metadata.evaluation is not None
    for before, after in zip(original.model.get_weights(), refitted.model.get_weights()):
        np.testing.assert_array_equal(before, after)

    removed = tmp_path / "removed.h5"
    data = str(tiny_model_path.parent / "data")
    assert cli.main(["combine", str(out), "--data", data, "--out", str(removed), "--no-cascade"]) == 0
    assert load_model_file(removed).metadata.cascade is None
    assert cli.main(["combine", str(out), "--data", data, "--out", str(removed), "--tta", "flip"]) == 2
    assert "only its cascade is fitted" in capsys.readouterr().err
