"""Exporting a model for use elsewhere: Keras (.keras, .h5), TensorFlow Lite (float32 and int8) and a
TensorFlow SavedModel for TensorFlow Serving (docs/serving.md).

Every export writes, beside the model, a small JSON file (``<model file>.json``) with what a
program needs to use it: the class names in output order, the input size and format, the
preprocessing (inside the model: it takes RGB pixels 0-255), the resize the app uses, the
calibration temperature and "not sure" threshold, and the test-time augmentation the app
applies on top. The SavedModel is the exception: its `serving_default` signature applies the
temperature and the test-time augmentation itself, so a server answers what the app answers.

TensorFlow Lite conversion goes through a SavedModel (``model.export``), the route TF 2.21 and
Keras 3 support; int8 is full-integer post-training quantization calibrated on a
"representative sample" of images the user supplies, with raw uint8 pixels in and float
probabilities out. When sample images are given, the exported TFLite model is checked on images
of the sample it was not calibrated on: the share whose top class agrees with the Keras model's.

The interpreter is LiteRT's (``ai_edge_litert``) when installed, else ``tf.lite.Interpreter``,
which TensorFlow 2.21 still ships (with a deprecation warning, silenced here).
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from infinityvision_desktop import __version__
from infinityvision_desktop.core import atomic
from infinityvision_desktop.core.images import ImageLoadError, find_images, load_image, resize_for_model
from infinityvision_desktop.core.openset import FLOOR

FORMATS = {
    "keras": ".keras",
    "h5": ".h5",
    "tflite": ".tflite",
    "tflite-int8": ".tflite",
    "saved-model": "",
}  # a folder, any name: only on request, never guessed from a suffix
FORMAT_NAMES = {
    "keras": "Keras (.keras)",
    "h5": "Keras HDF5 (.h5)",
    "tflite": "TensorFlow Lite, float32",
    "tflite-int8": "TensorFlow Lite, int8",
    "saved-model": "TensorFlow SavedModel (a folder, for TensorFlow Serving)",
}
SERVING_SIGNATURE = "serving_default"
CALIBRATION_IMAGES = 200  # int8 calibration: enough for stable activation ranges, a few seconds
CHECK_IMAGES = 100
MIN_CALIBRATION_IMAGES = 10
SAMPLE_SEED = 0


def _noop(stage: str) -> None:
    pass


class ExportError(Exception):
    """An export that cannot be done, with the file and the reason."""

    def __init__(self, path: str | os.PathLike | None, reason: str):
        self.path = os.fspath(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path_name}: {reason}")

    @property
    def path_name(self) -> str:
        return Path(self.path).name if self.path else "export"


@dataclass(frozen=True)
class ExportResult:
    format: str
    model_path: str
    sidecar_path: str
    size_bytes: int
    calibration_images: int = 0  # int8: images the quantization was calibrated on
    checked: int = 0  # TFLite: sample images the exported model was checked on
    agreement: float | None = None  # share of those whose top class matches the Keras model's


def format_for(path: str | os.PathLike, requested: str | None = None) -> str:
    """The export format: as requested (checked against the suffix), else from the suffix."""
    suffix = Path(path).suffix.lower()
    if requested is not None:
        if requested not in FORMATS:
            raise ExportError(path, f"unknown format '{requested}': choose {', '.join(FORMATS)}")
        if requested == "saved-model":
            return requested
        if suffix != FORMATS[requested]:
            raise ExportError(
                path,
                f"a {FORMAT_NAMES[requested]} model is written as {FORMATS[requested]}, "
                f"not {suffix or 'a name without a suffix'}",
            )
        return requested
    for name, expected in FORMATS.items():
        if expected and suffix == expected:
            return name
    raise ExportError(path, "unknown model type: use .keras, .h5 or .tflite")


def sidecar_path(model_path: str | os.PathLike) -> Path:
    model_path = Path(model_path)
    return model_path.with_name(model_path.name + ".json")


def export_model(
    source: str | os.PathLike,
    out: str | os.PathLike,
    *,
    fmt: str | None = None,
    sample: str | os.PathLike | None = None,
    on_stage: Callable[[str], None] = _noop,
) -> ExportResult:
    """Export the model file `source` to `out` (and its JSON beside it). Raises ExportError.

    `sample`: a folder (searched recursively) or a list of images; needed for int8, optional for
    float TFLite and the SavedModel (then used for the agreement check). `on_stage` is told "load",
    "sample", "convert", "check" and "write" as the export gets there. A SavedModel is a folder
    (`out`), written beside it first and renamed when complete; an existing folder that is not
    empty is refused.
    """
    from infinityvision_desktop.core.modelfile import ModelFileError, load_model_file

    out = Path(out)
    fmt = format_for(out, fmt)
    if fmt == "tflite-int8" and sample is None:
        raise ExportError(out, "int8 needs a representative sample: a folder of typical images to calibrate on")
    if fmt == "saved-model":
        _check_free_folder(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(out, f"the folder cannot be created ({exc.strerror or exc})") from None
    if not os.access(out.parent, os.W_OK):
        raise ExportError(out, f"permission denied: cannot write into {out.parent}")

    on_stage("load")
    try:
        loaded = load_model_file(source)
    except ModelFileError as exc:
        raise ExportError(exc.path, exc.reason) from None
    model, metadata = loaded.model, loaded.metadata
    model = _float32(model)

    calibration, check = [], []
    if sample is not None:
        on_stage("sample")
        calibration, check = _sample_images(sample, tuple(metadata.input_size), fmt == "tflite-int8")

    on_stage("convert")
    checked, agreement = 0, None
    if fmt in ("keras", "h5"):
        from infinityvision_desktop.core.modelfile import save_model_file

        on_stage("write")
        try:
            save_model_file(model, metadata, out)
        except ModelFileError as exc:
            raise ExportError(out, exc.reason) from None
    elif fmt == "saved-model":
        try:
            with atomic.atomic_path(out) as temp:
                write_saved_model(model, metadata, temp)
                if check:
                    on_stage("check")
                    from infinityvision_desktop.core.predictor import Predictor

                    images = np.stack(check)
                    expected = Predictor(model, metadata).probabilities(images).argmax(axis=1)
                    got = saved_model_probabilities(temp, images).argmax(axis=1)
                    checked, agreement = len(check), float(np.mean(expected == got))
                on_stage("write")
                _check_free_folder(out)  # again: something may have appeared there meanwhile
                if out.is_dir():
                    out.rmdir()  # empty; a folder cannot be renamed over a folder on Windows
        except OSError as exc:
            raise ExportError(out, f"could not be written: {exc.strerror or exc}") from None
    else:
        try:
            content = convert_to_tflite(model, calibration if fmt == "tflite-int8" else None)
        except ExportError as exc:
            raise ExportError(out, exc.reason) from exc
        if check:
            on_stage("check")
            images = np.stack(check)
            expected = np.asarray(model(images.astype(np.float32), training=False)).argmax(axis=1)
            got = tflite_probabilities(content, images).argmax(axis=1)
            checked, agreement = len(check), float(np.mean(expected == got))
        on_stage("write")
        _write_atomically(out, content)
    sidecar = sidecar_path(out)
    description = describe(
        metadata,
        fmt,
        out,
        source,
        calibration=len(calibration) if fmt == "tflite-int8" else 0,
        checked=checked,
        agreement=agreement,
    )
    _write_atomically(sidecar, (json.dumps(description, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return ExportResult(
        fmt, str(out), str(sidecar), _size(out), len(calibration) if fmt == "tflite-int8" else 0, checked, agreement
    )


def describe(
    metadata, fmt: str, out: Path, source, *, calibration: int = 0, checked: int = 0, agreement: float | None = None
) -> dict:
    """The JSON written beside an exported model."""
    height, width = metadata.input_size
    if fmt == "tflite-int8":
        tensor = {"dtype": "uint8", "values": "raw RGB pixels 0-255 (quantization scale 1, zero point 0)"}
        output = "float32 probabilities (softmax), one per label, in label order; the network runs in int8"
    elif fmt == "saved-model":
        tensor = {"dtype": "float32", "values": "RGB pixels as floats 0-255, not scaled", "name": "images"}
        output = (
            "signature 'serving_default': 'probabilities', float32 (N, labels), calibrated as the app "
            "answers (the temperature and the test-time augmentation below are applied inside), and "
            "'classes', the labels as strings (N, labels), in the same order"
        )
    else:
        tensor = {"dtype": "float32", "values": "RGB pixels as floats 0-255, not scaled"}
        output = "float32 probabilities (softmax), one per label, in label order"
    description = {
        "format": fmt,
        "format_name": FORMAT_NAMES[fmt],
        "model_file": out.name,
        "labels": list(metadata.labels),
        "input": {
            "shape": [None if fmt == "saved-model" else 1, height, width, 3],
            "layout": "NHWC",
            "colour": "RGB",
            **tensor,
        },
        "preprocessing": metadata.preprocessing,
        "resize": f"squash the whole image to {width}x{height} (no crop), Lanczos when shrinking; "
        "JPEGs may be decoded at a reduced scale first",
        "output": output,
        "calibration": {
            "temperature": metadata.temperature,
            "not_sure_threshold": metadata.not_sure_threshold,
            "how": "p = softmax(log(p_model) / temperature); below not_sure_threshold the app says 'not sure'",
        },
        "test_time_augmentation": list(metadata.tta),
        # the extra views only for images whose own top probability is below this (1: every image)
        "test_time_augmentation_below": metadata.tta_below,
        "test_time_augmentation_how": (
            "average the log-probabilities of the image and its left-right mirror, then renormalise"
            + (
                f"; only where the image's own top probability (before the temperature) is below "
                f"{metadata.tta_below:g}, elsewhere the image's own answer"
                if metadata.tta_below < 1.0
                else ""
            )
        )
        if "flip" in metadata.tta
        else "",
        **(
            {
                "first_member_alone": (
                    f"where softmax({metadata.cascade['scale']:g} x the output of layer "
                    f"'{metadata.cascade['layer']}') has a top probability of at least "
                    f"{metadata.cascade['above']:g}, those probabilities are the answer "
                    f"(the SavedModel does this inside; the other formats give the whole model's output)"
                )
            }
            if metadata.cascade
            else {}
        ),
        **(
            {
                "photos": (
                    "the app also shows photos of 64 px and more to EfficientNet-Lite0's ImageNet classifier at "
                    f"224 px and multiplies these probabilities, each plus {FLOOR:g}, by its probability per class "
                    f"(its ImageNet classes' share, plus {FLOOR:g}), and answers 'none of the ten' where its probability outside "
                    f"the ten reaches {metadata.open_set['imagenet_threshold']:g}; this file holds the networks "
                    "alone, so on photos its top class can differ from the app's"
                )
            }
            if metadata.open_set
            else {}
        ),
        "source_model": str(source),
        "model_name": metadata.name,
        "exported": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "exported_by": f"InfinityVision {__version__}",
    }
    if fmt == "saved-model":
        description["serving"] = {
            "signature": SERVING_SIGNATURE,
            "input": "images",
            "outputs": ["probabilities", "classes"],
            "calibration_and_tta_applied": True,
            "tensorflow_serving": "docker run -p 8501:8501 -v <this folder>:/models/infinityvision/1 "
            "-e MODEL_NAME=infinityvision tensorflow/serving",
        }
    if calibration:
        description["int8_calibration_images"] = calibration
    if checked:
        description["check"] = {"images": checked, "top_class_agreement_with_keras": agreement}
    return description


# ---------------------------------------------------------------- TensorFlow Lite


def convert_to_tflite(model, representative: list[np.ndarray] | None = None) -> bytes:
    """The model as a TFLite flatbuffer: float32, or full-integer int8 calibrated on `representative`."""
    import tensorflow as tf

    with tempfile.TemporaryDirectory(prefix="infinityvision-export-") as folder:
        saved = os.path.join(folder, "saved_model")
        try:
            model.export(saved, format="tf_saved_model", verbose=False)
            converter = tf.lite.TFLiteConverter.from_saved_model(saved)
            if representative is not None:
                images = [image[None].astype(np.float32) for image in representative]
                converter.optimizations = [tf.lite.Optimize.DEFAULT]
                converter.representative_dataset = lambda: ([image] for image in images)
                converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
                converter.inference_input_type = tf.uint8  # raw pixels in
                converter.inference_output_type = tf.float32  # probabilities out
            return converter.convert()
        except Exception as exc:  # the converter raises many types; all mean "this model did not convert"
            raise ExportError(None, f"TensorFlow Lite conversion failed: {_first_line(exc)}") from exc


def tflite_interpreter(content: bytes):
    """An allocated interpreter: LiteRT's when installed, else TensorFlow's own."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "tf.lite.Interpreter is deprecated": it is what TF 2.21 has
            interpreter = tf.lite.Interpreter(model_content=content)
    else:
        interpreter = Interpreter(model_content=content)
    interpreter.allocate_tensors()
    return interpreter


def tflite_probabilities(content: bytes, images: np.ndarray) -> np.ndarray:
    """Run a TFLite model on RGB uint8 images at its input size, one at a time; (N, classes) floats."""
    interpreter = tflite_interpreter(content)
    source = interpreter.get_input_details()[0]
    target = interpreter.get_output_details()[0]
    scale, zero = source["quantization"]
    rows = []
    for image in np.asarray(images):
        x = image[None].astype(np.float32)
        if source["dtype"] != np.float32:
            limits = np.iinfo(source["dtype"])
            x = np.clip(np.round(x / scale + zero), limits.min, limits.max).astype(source["dtype"])
        interpreter.set_tensor(source["index"], x)
        interpreter.invoke()
        y = interpreter.get_tensor(target["index"]).astype(np.float32)
        if target["dtype"] != np.float32:
            out_scale, out_zero = target["quantization"]
            y = (y - out_zero) * out_scale
        rows.append(y[0])
    return np.array(rows)


# ---------------------------------------------------------------- TensorFlow SavedModel (Serving)


def write_saved_model(model, metadata, folder: Path) -> None:
    """`model` as a SavedModel whose `serving_default` signature answers as the app's Predictor does.

    In: `images`, float32 (N, height, width, 3), RGB 0-255 at the model's input size. Out:
    `probabilities`, the calibrated probabilities (the metadata's test-time augmentation, then
    its temperature, as `Predictor.probabilities` computes them), and `classes`, the labels.
    """
    import keras
    import tensorflow as tf

    from infinityvision_desktop.core.predictor import tta_weights

    height, width = metadata.input_size
    labels = [str(label) for label in metadata.labels]
    temperature = float(metadata.temperature)
    views = len(_tta_views_tf(tf.zeros((1, height, width, 3)), metadata.tta))
    weights = tta_weights(views).astype(np.float32)
    cascade = metadata.cascade
    first_member = None
    if cascade:
        try:
            first_member = keras.Model(model.inputs, model.get_layer(cascade["layer"]).output)
        except ValueError:
            raise ExportError(
                None, f"its metadata's cascade names a layer '{cascade['layer']}' that the model does not have"
            ) from None

    def serve(images):
        count = tf.shape(images)[0]
        p = tf.cast(model(tf.concat(_tta_views_tf(images, metadata.tta), axis=0), training=False), tf.float32)
        if views > 1:
            # average the views' log-probabilities (logits up to a constant), then renormalise
            logp = tf.reshape(tf.math.log(tf.maximum(p, _EPS)), [views, count, len(labels)])
            averaged = tf.nn.softmax(tf.tensordot(tf.constant(weights), logp, axes=1), axis=-1)
            if metadata.tta_below < 1.0:
                # as the app: a sure answer on the image itself keeps it (Predictor.raw_probabilities)
                first = p[:count]
                sure = tf.reduce_max(first, axis=-1, keepdims=True) >= metadata.tta_below
                averaged = tf.where(sure, first, averaged)
            p = averaged
        if temperature != 1.0:
            p = tf.nn.softmax(tf.math.log(tf.maximum(p, _EPS)) / temperature, axis=-1)
        if first_member is not None:
            # as the app: a sure first member's own answer (Predictor.probabilities); computed for
            # every image here, so the signature stays one graph
            first = tf.nn.softmax(tf.cast(first_member(images, training=False), tf.float32) * cascade["scale"])
            p = tf.where(tf.reduce_max(first, axis=-1, keepdims=True) >= cascade["above"], first, p)
        classes = tf.tile(tf.constant(labels)[None, :], [count, 1])
        return {"probabilities": p, "classes": classes}

    try:
        archive = keras.export.ExportArchive()
        archive.track(model)
        archive.add_endpoint(
            SERVING_SIGNATURE,
            serve,
            input_signature=[tf.TensorSpec((None, height, width, 3), tf.float32, name="images")],
        )
        archive.write_out(os.fspath(folder), verbose=False)
    except Exception as exc:  # tracing and saving raise many types; all mean "this model did not export"
        raise ExportError(None, f"SavedModel export failed: {_first_line(exc)}") from exc


_EPS = 1e-12  # as core.evaluation: the floor before log()


def _tta_views_tf(x, tta):
    """core.predictor.tta_views in TensorFlow: the same views in the same order."""
    import tensorflow as tf

    flip = "flip" in tta
    views = [x, tf.reverse(x, axis=[2])] if flip else [x]
    if "translate" in tta:
        padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
        height, width = x.shape[1], x.shape[2]
        for shifted in (padded[:, :height, :width], padded[:, 2:, 2:]):
            views += [shifted, tf.reverse(shifted, axis=[2])] if flip else [shifted]
    return views


def saved_model_probabilities(folder: str | os.PathLike, images: np.ndarray) -> np.ndarray:
    """Run an exported SavedModel's serving signature on RGB images at its input size; (N, labels)."""
    import tensorflow as tf

    serve = tf.saved_model.load(os.fspath(folder)).signatures[SERVING_SIGNATURE]
    return serve(images=tf.constant(np.asarray(images, dtype=np.float32)))["probabilities"].numpy()


def _check_free_folder(out: Path) -> None:
    if out.is_file():
        raise ExportError(out, "is a file: a SavedModel is written as a folder; choose a folder name")
    if out.is_dir() and any(out.iterdir()):
        raise ExportError(
            out,
            "the folder exists and is not empty: choose a new folder (TensorFlow Serving "
            "reads each version of a model from a numbered folder of its own)",
        )


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size


# ---------------------------------------------------------------- helpers


def _float32(model):
    """Exports compute in float32 whatever policy the model was trained or saved under."""
    if all(getattr(layer.dtype_policy, "name", "float32") == "float32" for layer in model.layers):
        return model
    from infinityvision_desktop.core.architectures import convert_dtype

    return convert_dtype(model, "float32")


def _sample_images(sample, size: tuple[int, int], for_int8: bool) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(calibration images, check images) from a folder or list of files, decoded as the app decodes them.

    Shuffled with a fixed seed so a folder sorted by class still calibrates on every class. The
    check images are the ones not used for calibration (the first CHECK_IMAGES of the rest).
    """
    paths = [sample] if isinstance(sample, (str, os.PathLike)) else list(sample)
    if isinstance(sample, (str, os.PathLike)) and not Path(sample).exists():
        raise ExportError(sample, "the sample folder does not exist")
    files, _ = find_images(paths)
    order = np.random.default_rng(SAMPLE_SEED).permutation(len(files))
    wanted = (CALIBRATION_IMAGES if for_int8 else 0) + CHECK_IMAGES
    images = []
    for index in order:
        if len(images) >= wanted:
            break
        try:
            images.append(resize_for_model(load_image(files[index], draft_size=size), size))
        except ImageLoadError:
            continue  # an unreadable file in a sample folder is not worth failing the export for
    if for_int8 and len(images) < MIN_CALIBRATION_IMAGES:
        raise ExportError(
            sample if isinstance(sample, (str, os.PathLike)) else None,
            f"int8 calibration needs at least {MIN_CALIBRATION_IMAGES} readable images in the "
            f"sample, found {len(images)}",
        )
    if not for_int8:
        return [], images
    calibration = images[:CALIBRATION_IMAGES]
    check = images[CALIBRATION_IMAGES:] or calibration[:CHECK_IMAGES]  # a small sample: checked on what it has
    return calibration, check


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        atomic.write_bytes(path, data)
    except OSError as exc:
        raise ExportError(path, f"could not be written: {exc.strerror or exc}") from None


def _first_line(exc: BaseException, limit: int = 200) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
