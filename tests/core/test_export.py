"""Export: Keras, TensorFlow Lite and SavedModel files with their JSON beside them; each answers like the app."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from generated_data import CLASS_COLOURS, make_class_folders, make_image

from infinityvision_desktop.core.export import ExportError, export_model, format_for, tflite_probabilities

LABELS = tuple(CLASS_COLOURS)


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory):
    """Representative images: the tiny model's kind of pictures, 60 per class."""
    return make_class_folders(tmp_path_factory.mktemp("sample"), labels=LABELS, per_class=60, seed=11)


@pytest.fixture(scope="module")
def check_images():
    """100 fresh images (not in the sample) to compare the exported model with the Keras one."""
    rng = np.random.default_rng(99)
    return np.stack([make_image(LABELS[i % len(LABELS)], rng) for i in range(100)])


@pytest.fixture(scope="module")
def keras_top(tiny_model_path, check_images):
    from infinityvision_desktop.core.modelfile import load_model_file

    model = load_model_file(tiny_model_path).model
    return np.asarray(model(check_images.astype(np.float32), training=False)).argmax(axis=1)


@pytest.mark.slow
@pytest.mark.parametrize("fmt, name", [("tflite", "tiny.tflite"), ("tflite-int8", "tiny-int8.tflite")])
def test_tflite_exports_agree_with_the_keras_model_on_100_images(
    fmt, name, tiny_model_path, sample_folder, check_images, keras_top, tmp_path
):
    stages = []
    result = export_model(tiny_model_path, tmp_path / name, fmt=fmt, sample=sample_folder, on_stage=stages.append)

    content = (tmp_path / name).read_bytes()
    top = tflite_probabilities(content, check_images).argmax(axis=1)
    assert np.mean(top == keras_top) >= 0.99
    assert result.checked > 0 and result.agreement >= 0.99  # its own check on sample images it did not calibrate on
    assert stages == ["load", "sample", "convert", "check", "write"]
    sidecar = json.loads((tmp_path / f"{name}.json").read_text())
    assert sidecar["labels"] == list(LABELS)
    assert sidecar["model_file"] == name and sidecar["format"] == fmt
    assert sidecar["input"]["shape"] == [1, 32, 32, 3] and sidecar["input"]["colour"] == "RGB"
    assert sidecar["input"]["dtype"] == ("uint8" if fmt == "tflite-int8" else "float32")
    assert "0-255" in sidecar["input"]["values"] and sidecar["preprocessing"]
    assert sidecar["test_time_augmentation"] == ["flip"]
    assert sidecar["check"]["top_class_agreement_with_keras"] == result.agreement
    if fmt == "tflite-int8":
        assert result.calibration_images == 200 and sidecar["int8_calibration_images"] == 200
        float_size = export_model(tiny_model_path, tmp_path / "float.tflite").size_bytes
        assert result.size_bytes < float_size / 2.5  # int8 weights: about a quarter of the float file


@pytest.mark.parametrize("name", ["copy.keras", "copy.h5"])
def test_keras_exports_load_back_with_labels_inside_and_beside(
    name, tiny_model_path, check_images, keras_top, tmp_path
):
    from infinityvision_desktop.core.modelfile import load_model_file

    result = export_model(tiny_model_path, tmp_path / "out" / name)

    loaded = load_model_file(result.model_path)
    assert loaded.metadata.labels == LABELS
    top = np.asarray(loaded.model(check_images.astype(np.float32), training=False)).argmax(axis=1)
    np.testing.assert_array_equal(top, keras_top)
    sidecar = json.loads((tmp_path / "out" / f"{name}.json").read_text())
    assert sidecar["labels"] == list(LABELS) and sidecar["format"] == name.split(".")[1]
    assert result.checked == 0 and result.agreement is None


def test_export_errors_name_the_file_and_the_reason(tiny_model_path, tmp_path):
    with pytest.raises(ExportError, match=r"^model.onnx: unknown model type: use .keras, .h5 or .tflite$"):
        export_model(tiny_model_path, tmp_path / "model.onnx")
    with pytest.raises(ExportError, match=r"^model.h5: a TensorFlow Lite, int8 model is written as .tflite, not .h5$"):
        format_for(tmp_path / "model.h5", "tflite-int8")
    with pytest.raises(ExportError, match="int8 needs a representative sample"):
        export_model(tiny_model_path, tmp_path / "m.tflite", fmt="tflite-int8")
    with pytest.raises(ExportError, match=r"^missing: the sample folder does not exist$"):
        export_model(tiny_model_path, tmp_path / "m.tflite", fmt="tflite-int8", sample=tmp_path / "missing")
    few = make_class_folders(tmp_path / "few", labels=("cat",), per_class=3)
    with pytest.raises(ExportError, match="needs at least 10 readable images in the sample, found 3"):
        export_model(tiny_model_path, tmp_path / "m.tflite", fmt="tflite-int8", sample=few)
    broken = tmp_path / "broken.h5"
    broken.write_bytes(b"")
    with pytest.raises(ExportError, match=r"^broken.h5: file is empty$"):
        export_model(broken, tmp_path / "m.keras")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(ExportError, match=r"^m.tflite: the folder cannot be created"):
        export_model(tiny_model_path, blocker / "m.tflite")
    assert not list(tmp_path.glob("m.*"))  # nothing half-written


# ---------------------------------------------------------------- SavedModel for TensorFlow Serving


@pytest.mark.slow
@pytest.mark.parametrize(
    "temperature, tta, adaptive", [(None, None, False), (1.7, ("flip", "translate"), False), (1.0, ("flip",), True)]
)
def test_saved_model_serving_signature_answers_as_the_app_does(
    temperature, tta, adaptive, tiny_model_path, check_images, sample_folder, tmp_path
):
    import tensorflow as tf

    from infinityvision_desktop.core.modelfile import load_model_file, save_model_file
    from infinityvision_desktop.core.predictor import Predictor

    source = tiny_model_path  # its own calibration, flip TTA
    if temperature is not None:  # a stronger temperature and every TTA view the app knows
        loaded = load_model_file(tiny_model_path)
        changes = {"temperature": temperature, "tta": tta, "tta_below": 1.0}  # every view for every image
        if adaptive:  # the mirror only for answers less sure than the median: half the images each way
            plain = Predictor(loaded.model, loaded.metadata.replace(tta=()))
            confidence = plain.raw_probabilities(check_images[:24]).max(axis=1)
            changes["tta_below"] = float(np.median(confidence))
            assert 0 < np.sum(confidence >= changes["tta_below"]) < len(confidence)
        source = tmp_path / "variant.h5"
        save_model_file(loaded.model, loaded.metadata.replace(**changes), source)
    out = tmp_path / "infinityvision" / "1"
    stages = []
    result = export_model(source, out, fmt="saved-model", sample=sample_folder, on_stage=stages.append)

    serve = tf.saved_model.load(str(out)).signatures["serving_default"]
    images = check_images[:24]
    answer = serve(images=tf.constant(images.astype(np.float32)))
    # the app computes in bfloat16 where the CPU has it natively (its answers then move by ~1e-3);
    # a float32 export answers as its float32 path does
    expected = Predictor.load(source, precision="float32").probabilities(images)
    np.testing.assert_allclose(answer["probabilities"].numpy(), expected, atol=1e-4)
    assert answer["classes"].numpy().tolist() == [[label.encode() for label in LABELS]] * len(images)
    assert serve.structured_input_signature[1]["images"].shape.as_list() == [None, 32, 32, 3]

    assert stages == ["load", "sample", "convert", "check", "write"]
    assert result.format == "saved-model" and result.model_path == str(out) and result.size_bytes > 10_000
    assert result.checked == 100 and result.agreement == 1.0
    assert sorted(p.name for p in out.parent.iterdir()) == ["1", "1.json"]  # no temporary folder left beside it
    sidecar = json.loads((tmp_path / "infinityvision" / "1.json").read_text())
    assert sidecar["format"] == "saved-model" and sidecar["labels"] == list(LABELS)
    assert sidecar["input"]["shape"] == [None, 32, 32, 3] and sidecar["input"]["name"] == "images"
    assert sidecar["serving"]["signature"] == "serving_default"
    assert sidecar["serving"]["outputs"] == ["probabilities", "classes"]


def test_saved_model_export_never_overwrites_a_folder_and_is_never_guessed(tiny_model_path, tmp_path, capsys):
    from infinityvision_desktop import cli

    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    with pytest.raises(ExportError, match=r"^taken: the folder exists and is not empty: choose a new folder"):
        export_model(tiny_model_path, taken, fmt="saved-model")
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ExportError, match=r"^file: is a file: a SavedModel is written as a folder"):
        export_model(tiny_model_path, a_file, fmt="saved-model")
    with pytest.raises(ExportError, match=r"^model: unknown model type"):  # a folder only on request
        export_model(tiny_model_path, tmp_path / "model")

    empty = tmp_path / "empty"
    empty.mkdir()  # an empty folder is taken
    code = cli.main(["export", "--model", str(tiny_model_path), "--out", str(empty), "--format", "saved-model"])
    assert code == 0
    assert capsys.readouterr().out.startswith(f"wrote {empty} (")
    assert (empty / "saved_model.pb").is_file() and (tmp_path / "empty.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "empty.json", "file", "taken"]

    code = cli.main(["export", "--model", str(tiny_model_path), "--out", str(empty), "--format", "saved-model"])
    assert code == 1
    assert "empty: the folder exists and is not empty" in capsys.readouterr().err


def test_a_saved_model_export_that_fails_leaves_no_half_folder(tiny_model_path, tmp_path, monkeypatch):
    from infinityvision_desktop.core import export

    def broken_check(folder, images):
        assert (folder / "saved_model.pb").is_file()  # written whole, beside the target, not yet renamed
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "saved_model_probabilities", broken_check)
    sample = make_class_folders(tmp_path / "sample", labels=LABELS, per_class=2)
    with pytest.raises(ExportError, match="could not be written: No space left on device"):
        export_model(tiny_model_path, tmp_path / "served", fmt="saved-model", sample=sample)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample"]


def test_the_temp_files_of_a_killed_export_are_found_by_its_process_id(tmp_path):
    # what the export dialog deletes after it kills its export process (gui/export_dialog.py)
    from infinityvision_desktop.core import atomic
    from infinityvision_desktop.core.export import sidecar_path

    out = tmp_path / "tiny [1].tflite"
    left = [tmp_path / ".tiny [1].tflite.4242-0.tmp.tflite", tmp_path / ".tiny [1].tflite.json.4242-1.tmp.json"]
    others = [tmp_path / ".tiny [1].tflite.4243-0.tmp.tflite", out]
    for path in left + others:
        path.write_bytes(b"x")

    assert atomic.temp_files(out, 4242) + atomic.temp_files(sidecar_path(out), 4242) == left
    assert [atomic.writer_pid(path) for path in left + others] == [4242, 4242, 4243, None]


def test_the_sidecar_says_the_app_weighs_photos_by_the_imagenet_opinion_which_the_file_does_not():
    from infinityvision_desktop.core.export import describe
    from infinityvision_desktop.core.labels import CIFAR10_LABELS
    from infinityvision_desktop.core.modelfile import ModelMetadata

    plain = ModelMetadata(labels=CIFAR10_LABELS)
    assert "photos" not in describe(plain, "tflite", Path("m.tflite"), "m.h5")
    checked = plain.replace(open_set={"imagenet_threshold": 0.958})
    photos = describe(checked, "tflite", Path("m.tflite"), "m.h5")["photos"]
    assert "ImageNet classifier" in photos and "0.958" in photos and "can differ from the app's" in photos
