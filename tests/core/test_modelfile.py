"""Model files: metadata round trip, atomic saves, and every file the loader must refuse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import h5py
import keras
import numpy as np
import pytest

from infinityvision_desktop.core import modelfile
from infinityvision_desktop.core.modelfile import (
    METADATA_KEY,
    TEMP_MARKER,
    ModelFileError,
    ModelMetadata,
    clean_stale_temp_files,
    load_model_file,
    read_metadata,
    save_model_file,
)

LABELS = ("кіт", "sea lion", "ship")


def small_model(outputs: int = 3, channels: int = 3, seed: int = 0):
    """A few hundred weights of built-in layers: enough to tell two weight sets apart."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((32, 32, channels))
    x = keras.layers.Rescaling(1 / 255)(inputs)
    x = keras.layers.Conv2D(4, 3, activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(outputs)(x)
    outputs_ = keras.layers.Activation("softmax")(x)
    return keras.Model(inputs, outputs_)


def sample_images(n: int = 4, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, 32, 32, 3)).astype(np.float32)


def metadata(**changes) -> ModelMetadata:
    values = dict(
        labels=LABELS,
        name="round trip",
        architecture="test",
        temperature=1.7,
        not_sure_threshold=0.42,
        tta=("flip",),
        history=({"epoch": 1, "stage": "train", "accuracy": 0.5},),
        evaluation={"accuracy": 0.875, "n": 8},
        provenance={"data": "généré"},
    )
    values.update(changes)
    return ModelMetadata(**values)


def refusal(path) -> str:
    with pytest.raises(ModelFileError) as caught:
        load_model_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: "), message
    return message


# ---------------------------------------------------------------- round trip


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_save_and_load_keep_labels_metadata_and_predictions(tmp_path, suffix):
    model = small_model()
    meta = metadata()
    path = save_model_file(model, meta, tmp_path / f"model{suffix}")

    loaded = load_model_file(path)

    assert path == tmp_path / f"model{suffix}"
    assert loaded.metadata == meta
    assert loaded.metadata.labels == LABELS
    assert read_metadata(path) == meta  # the same, without TensorFlow
    images = sample_images()
    np.testing.assert_allclose(np.asarray(loaded.model(images)), np.asarray(model(images)), rtol=1e-6, atol=1e-7)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"model{suffix}"]


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_a_compiled_model_saves_and_loads(tmp_path, suffix):
    # what training hands over: compiled, so a .keras file names its optimizer, loss and metrics
    model = small_model()
    model.compile(
        optimizer=keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.2),
        metrics=["accuracy"],
    )

    path = save_model_file(model, metadata(), tmp_path / f"trained{suffix}")

    images = sample_images()
    np.testing.assert_allclose(
        np.asarray(load_model_file(path).model(images)), np.asarray(model(images)), rtol=1e-6, atol=1e-7
    )


def test_model_without_metadata_gets_default_labels(tmp_path):
    path = tmp_path / "plain.h5"
    small_model(outputs=10).save(path)

    loaded = load_model_file(path)

    assert loaded.metadata.labels[:3] == ("airplane", "automobile", "bird")
    assert loaded.metadata.name == "plain"
    assert read_metadata(path) is None


def test_save_replaces_an_existing_file(tmp_path):
    target = tmp_path / "model.h5"
    save_model_file(small_model(seed=0), metadata(name="old"), target)
    new = small_model(seed=5)

    save_model_file(new, metadata(name="new"), target)

    loaded = load_model_file(target)
    assert loaded.metadata.name == "new"
    images = sample_images()
    np.testing.assert_allclose(np.asarray(loaded.model(images)), np.asarray(new(images)), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("failure", [ModelFileError("x", "verification failed"), RuntimeError("crash while verifying")])
def test_failed_save_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch, failure):
    target = tmp_path / "model.h5"
    save_model_file(small_model(seed=0), metadata(name="old"), target)
    before = target.read_bytes()

    def broken_verify(path):
        assert TEMP_MARKER in path.name  # the temp file is verified, never the target
        raise failure

    monkeypatch.setattr(modelfile, "load_model_file", broken_verify)
    with pytest.raises(type(failure)):
        save_model_file(small_model(seed=5), metadata(name="new"), target)

    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.h5"]


def test_save_refuses_other_extensions(tmp_path):
    with pytest.raises(ModelFileError, match=r"model\.pb: save as \.h5 or \.keras"):
        save_model_file(small_model(), metadata(), tmp_path / "model.pb")
    assert not list(tmp_path.iterdir())


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_clean_stale_temp_files_removes_only_files_of_dead_processes(tmp_path):
    stale = tmp_path / f".model{TEMP_MARKER}{dead_pid()}.h5"
    live = tmp_path / f".other{TEMP_MARKER}{os.getppid()}.h5"  # our parent is alive
    own = tmp_path / f".mine{TEMP_MARKER}{os.getpid()}.keras"
    kept = tmp_path / "model.h5"
    for path in (stale, live, own, kept):
        path.write_bytes(b"partial")

    removed = clean_stale_temp_files(tmp_path)

    assert removed == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (live, own, kept))
    assert clean_stale_temp_files(tmp_path / "missing") == []


def test_clean_stale_temp_files_finds_what_a_killed_save_left(tmp_path, monkeypatch):
    from infinityvision_desktop.core import atomic

    pid = dead_pid()
    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "getpid", lambda: pid)  # as the killed process named its temp file
        leftover = atomic.temp_path(tmp_path / "model.h5")
    leftover.write_bytes(b"partial")

    assert TEMP_MARKER in leftover.name
    assert clean_stale_temp_files(tmp_path) == [leftover]
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- refusals


def test_refuses_a_missing_file(tmp_path):
    assert "file not found" in refusal(tmp_path / "nowhere.h5")


def test_refuses_an_empty_file(tmp_path):
    path = tmp_path / "empty.h5"
    path.write_bytes(b"")
    assert "file is empty" in refusal(path)


def test_refuses_random_bytes(tmp_path):
    path = tmp_path / "noise.h5"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    assert "not a Keras model" in refusal(path)


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_refuses_a_truncated_file(tmp_path, suffix):
    whole = save_model_file(small_model(), metadata(), tmp_path / f"whole{suffix}")
    path = tmp_path / f"cut{suffix}"
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    message = refusal(path)

    assert "damaged or truncated" in message


def test_refuses_a_keras_archive_named_h5(tmp_path):
    archive = save_model_file(small_model(), metadata(), tmp_path / "real.keras")
    path = tmp_path / "renamed.h5"
    path.write_bytes(archive.read_bytes())

    message = refusal(path)

    assert "the name says .h5 but the file holds a .keras archive" in message


def test_refuses_an_unknown_extension(tmp_path):
    saved = save_model_file(small_model(), metadata(), tmp_path / "model.h5")
    path = tmp_path / "model.bin"
    path.write_bytes(saved.read_bytes())
    assert "use .h5 or .keras" in refusal(path)


def lambda_model(marker):
    inputs = keras.Input((32, 32, 3))
    # the path is a constant of the function's code, so it travels with the serialised bytecode
    payload = eval(f"lambda t: (open({str(marker)!r}, 'w').close(), t)[1]")
    x = keras.layers.Lambda(payload, name="payload")(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def test_refuses_a_lambda_layer_without_running_it(tmp_path):
    marker = tmp_path / "code-ran"
    path = tmp_path / "lambda.h5"
    lambda_model(marker).save(path)  # keras itself, as a hostile file would be made
    marker.unlink()  # building the model ran the function once

    message = refusal(path)

    assert "refused: the model contains a Lambda layer" in message
    assert not marker.exists()
    # the metadata reader never builds the model either
    assert read_metadata(path) is None and not marker.exists()
    # the file is armed: a loader without the checks runs the function
    keras.saving.load_model(path, safe_mode=False, compile=False)
    assert marker.exists()


def test_refuses_a_lambda_inside_a_keras_archive(tmp_path):
    marker = tmp_path / "code-ran"
    path = tmp_path / "lambda.keras"
    lambda_model(marker).save(path)
    marker.unlink()

    assert "refused: the model contains a Lambda layer" in refusal(path)
    assert not marker.exists()


def test_refuses_an_unknown_layer_class(tmp_path):
    path = save_model_file(small_model(), metadata(), tmp_path / "model.keras")
    forged = tmp_path / "forged.keras"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(forged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "config.json":
                data = data.replace(b'"GlobalAveragePooling2D"', b'"EvilLayer"')
            target.writestr(item, data)

    message = refusal(forged)

    assert "'EvilLayer'" in message and "not a built-in Keras layer" in message


def test_refuses_a_weights_only_file(tmp_path):
    weights = tmp_path / "x.weights.h5"
    small_model().save_weights(weights)
    path = tmp_path / "x.h5"
    weights.rename(path)

    assert "weights only" in refusal(path)


def test_refuses_an_hdf5_external_link(tmp_path):
    path = save_model_file(small_model(), metadata(), tmp_path / "linked.h5")
    with h5py.File(tmp_path / "elsewhere.h5", "w") as other:
        other["secret"] = np.arange(3)
    with h5py.File(path, "a") as handle:
        handle["model_weights/outside"] = h5py.ExternalLink("elsewhere.h5", "/secret")

    message = refusal(path)

    assert "links to another file" in message and "outside" in message


def add_metadata(path, meta: ModelMetadata) -> None:
    with h5py.File(path, "a") as handle:
        handle.create_dataset(METADATA_KEY, data=np.void(json.dumps(meta.to_dict()).encode()))


def test_refuses_more_outputs_than_labels(tmp_path):
    path = tmp_path / "four.h5"
    small_model(outputs=4).save(path)
    add_metadata(path, metadata(labels=("a", "b", "c")))

    message = refusal(path)

    assert "4 outputs" in message and "3 class names" in message


def test_save_refuses_a_model_that_does_not_fit_its_labels(tmp_path):
    target = tmp_path / "four.h5"
    with pytest.raises(ModelFileError) as caught:
        save_model_file(small_model(outputs=4), metadata(labels=("a", "b", "c")), target)
    assert str(caught.value) == "four.h5: the model has 4 outputs but 3 class names"  # not the temp file's name
    assert not list(tmp_path.iterdir())


def test_refuses_a_model_for_grey_images(tmp_path):
    path = tmp_path / "grey.h5"
    small_model(channels=1).save(path)

    message = refusal(path)

    assert "(32, 32, 1)" in message and "colour images" in message


def test_refuses_unusable_metadata(tmp_path):
    path = tmp_path / "model.h5"
    small_model().save(path)
    with h5py.File(path, "a") as handle:
        handle.create_dataset(METADATA_KEY, data=np.void(json.dumps({"labels": []}).encode()))

    message = refusal(path)

    assert "metadata is unusable" in message and "class names" in message


@pytest.mark.parametrize("value", ["0.9", 0, 1.5, -0.1, None])
def test_a_tta_below_that_is_not_a_confidence_is_refused(value):
    with pytest.raises(ValueError, match="tta_below"):
        ModelMetadata.from_dict({"labels": ["a", "b"], "tta": ["flip"], "tta_below": value})


def test_tta_below_is_read_and_files_without_it_mirror_every_image():
    assert ModelMetadata.from_dict({"labels": ["a", "b"], "tta_below": 0.9}).tta_below == 0.9
    assert ModelMetadata.from_dict({"labels": ["a", "b"], "tta": ["flip"]}).tta_below == 1.0
