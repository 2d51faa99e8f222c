"""Safe loading and atomic saving of .h5/.keras models with the metadata that travels with them.

Metadata format (one place, used everywhere): a UTF-8 JSON document stored *inside* the model
file, so a model is always one file a user can copy:
- `.h5`: a dataset named ``infinityvision_metadata`` at the root of the HDF5 file (a dataset,
  not an attribute: HDF5 attributes stop at 64 KB and a history plus confusion matrix can be
  larger);
- `.keras`: a member ``infinityvision_metadata.json`` of the zip archive.
Keras ignores both when it loads the model. A model without metadata still loads, with
defaults (CIFAR-10 labels when it has ten outputs).

Loading never runs code from the file: the config is scanned against an allowlist of
built-in Keras classes before Keras sees it, and Keras itself loads with ``safe_mode=True``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infinityvision_desktop.core import atomic
from infinityvision_desktop.core.labels import CIFAR10_LABELS

METADATA_KEY = "infinityvision_metadata"
KERAS_ZIP_MEMBER = METADATA_KEY + ".json"
FORMAT_VERSION = 1
MAX_MODEL_BYTES = 2 * 1024**3
# in the name of every temp file a save writes (core.atomic's ".model.h5.<pid>-<n>.tmp.h5"; before
# that module, ".model.tmp-<pid>.h5"), which clean_stale_temp_files looks for
TEMP_MARKER = ".tmp"

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"

# Layer and helper classes that hold no code: anything else in a config is refused.
ALLOWED_CLASSES = frozenset(
    {
        # containers
        "Functional",
        "Sequential",
        "Model",
        "InputLayer",
        # layers
        "Conv2D",
        "Conv1D",
        "DepthwiseConv2D",
        "SeparableConv2D",
        "Conv2DTranspose",
        "Dense",
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "Activation",
        "ReLU",
        "LeakyReLU",
        "ELU",
        "PReLU",
        "Softmax",
        "MaxPooling2D",
        "AveragePooling2D",
        "GlobalMaxPooling2D",
        "GlobalAveragePooling2D",
        "Flatten",
        "Dropout",
        "SpatialDropout2D",
        "GaussianNoise",
        "Add",
        "Subtract",
        "Multiply",
        "Average",
        "Maximum",
        "Concatenate",
        "Rescaling",
        "Normalization",
        "Resizing",
        "CenterCrop",
        "ZeroPadding2D",
        "Cropping2D",
        "Reshape",
        "Permute",
        "Identity",
        "UpSampling2D",
        # initializers, regularizers, constraints, dtype policies
        "GlorotUniform",
        "GlorotNormal",
        "HeUniform",
        "HeNormal",
        "LecunUniform",
        "LecunNormal",
        "RandomUniform",
        "RandomNormal",
        "TruncatedNormal",
        "VarianceScaling",
        "Zeros",
        "Ones",
        "Constant",
        "Orthogonal",
        "L1",
        "L2",
        "L1L2",
        "OrthogonalRegularizer",
        "MaxNorm",
        "MinMaxNorm",
        "NonNeg",
        "UnitNorm",
        "DTypePolicy",
        "FloatDTypePolicy",
        "Policy",
        # Keras 3 serialization wrappers for plain data
        "__tuple__",
        "__numpy__",
        "__tensor__",
        "__keras_tensor__",
    }
)


# Built-in layers that open a path named in the config (a vocabulary file): never from a model file.
FILE_READING_CLASSES = frozenset({"StringLookup", "IntegerLookup", "TextVectorization"})


class ModelFileError(Exception):
    """A model file that cannot be used, with a reason for people."""

    def __init__(self, path: str | os.PathLike | None, reason: str):
        self.path = str(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path_name}: {reason}")

    @property
    def path_name(self) -> str:
        return Path(self.path).name if self.path else "<model>"


@dataclass(frozen=True)
class ModelMetadata:
    """Everything the app needs to use and explain a model, beside its weights."""

    labels: tuple[str, ...]
    input_size: tuple[int, int] = (32, 32)
    name: str = ""
    architecture: str = ""
    # Preprocessing lives inside the model; this says what the model expects.
    preprocessing: str = "RGB, 0-255 floats; scaling and normalisation are layers of the model"
    temperature: float = 1.0
    not_sure_threshold: float = 0.5
    tta: tuple[str, ...] = ()
    # the extra views of `tta` are computed only for images whose top probability on the image
    # itself is below this (a sure answer does not change with a mirror); 1.0: for every image
    tta_below: float = 1.0
    history: tuple[dict, ...] = ()
    stages: tuple[dict, ...] = ()
    evaluation: dict | None = None
    validation: dict | None = None
    provenance: dict = field(default_factory=dict)
    # {"imagenet_threshold": t}: photos whose ImageNet probability outside the classes is >= t
    # are "not one of these" (core.openset); None: no such check
    open_set: dict | None = None
    # a combined model's sure first member answers alone (core.ensemble.fit_cascade):
    # {"layer": its scaled logits' layer, "scale": to its own calibrated logits, "above": t}; an
    # image whose first-member top probability is >= t gets that member's calibrated answer and
    # the rest of the model does not run for it. None: the whole model answers every image
    cascade: dict | None = None
    format_version: int = FORMAT_VERSION

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ModelMetadata:
        if not isinstance(data, dict):
            raise ValueError("metadata is not a JSON object")
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        labels = values.get("labels")
        if not isinstance(labels, list | tuple) or not labels or not all(isinstance(s, str) for s in labels):
            raise ValueError("metadata has no list of class names")
        values["labels"] = tuple(labels)
        size = values.get("input_size", (32, 32))
        if not (
            isinstance(size, list | tuple)
            and len(size) == 2
            and all(isinstance(v, int) and 0 < v <= 4096 for v in size)
        ):
            raise ValueError(f"metadata input_size is not two positive integers: {size!r}")
        values["input_size"] = tuple(size)
        for key in ("tta",):
            values[key] = tuple(str(v) for v in values.get(key, ()))
        for key in ("history", "stages"):
            items = values.get(key, ())
            if not isinstance(items, list | tuple) or not all(isinstance(v, dict) for v in items):
                raise ValueError(f"metadata {key} is not a list of objects")
            values[key] = tuple(items)
        for key in ("temperature", "not_sure_threshold"):
            if key in values:
                value = values[key]
                if not isinstance(value, int | float) or not (0 < float(value) < 1000):
                    raise ValueError(f"metadata {key} is not a positive number: {value!r}")
                values[key] = float(value)
        if "tta_below" in values:
            value = values["tta_below"]
            if not isinstance(value, int | float) or not 0 < float(value) <= 1:
                raise ValueError(f"metadata tta_below is not a number in (0, 1]: {value!r}")
            values["tta_below"] = float(value)
        open_set = values.get("open_set")
        if open_set is not None:
            threshold = open_set.get("imagenet_threshold") if isinstance(open_set, dict) else None
            if not isinstance(threshold, int | float) or not 0 < float(threshold) <= 1:
                raise ValueError(f"metadata open_set is not {{'imagenet_threshold': a number in (0, 1]}}: {open_set!r}")
            values["open_set"] = {"imagenet_threshold": float(threshold)}
        if values.get("cascade") is not None:
            values["cascade"] = _cascade(values["cascade"])
        return cls(**values)

    def replace(self, **changes: Any) -> ModelMetadata:
        return dataclasses.replace(self, **changes)

    @property
    def test_accuracy(self) -> float | None:
        if self.evaluation and isinstance(self.evaluation.get("accuracy"), int | float):
            return float(self.evaluation["accuracy"])
        return None


def _cascade(value: Any) -> dict:
    """The metadata's `cascade`, checked: a layer name, a positive scale, a confidence in (0, 1]."""
    layer = value.get("layer") if isinstance(value, dict) else None
    scale = value.get("scale") if isinstance(value, dict) else None
    above = value.get("above") if isinstance(value, dict) else None
    if (
        not isinstance(layer, str)
        or not layer
        or not isinstance(scale, int | float)
        or not 0 < float(scale) < 1000
        or not isinstance(above, int | float)
        or not 0 < float(above) <= 1
    ):
        raise ValueError(
            f"metadata cascade is not {{'layer': a name, 'scale': a positive number, 'above': a number in (0, 1]}}: "
            f"{value!r}"
        )
    return {"layer": layer, "scale": float(scale), "above": float(above)}


@dataclass
class LoadedModel:
    """A Keras model and its metadata. Lives on one thread; pass `metadata` and `path` across."""

    model: Any
    metadata: ModelMetadata
    path: Path


# ---------------------------------------------------------------- inspection (no TensorFlow)


def sniff_format(path: Path) -> str:
    """'h5' or 'keras' from the file's first bytes, not from its name."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise ModelFileError(path, "file not found") from None
    except PermissionError:
        raise ModelFileError(path, "permission denied") from None
    except IsADirectoryError:
        raise ModelFileError(path, "is a folder, not a model file") from None
    except OSError as exc:
        raise ModelFileError(path, f"cannot be read: {exc.strerror or exc}") from None
    if size == 0:
        raise ModelFileError(path, "file is empty")
    if size > MAX_MODEL_BYTES:
        raise ModelFileError(path, f"too large for a model: {size / 1024**3:.1f} GB")
    if head.startswith(HDF5_MAGIC):
        kind = "h5"
    elif head.startswith(ZIP_MAGIC):
        kind = "keras"
    else:
        raise ModelFileError(path, "not a Keras model (neither an HDF5 .h5 file nor a .keras archive)")
    suffix = path.suffix.lower()
    expected = {".h5": "h5", ".hdf5": "h5", ".keras": "keras"}.get(suffix)
    if expected is None:
        raise ModelFileError(path, "unknown model file type: use .h5 or .keras")
    if expected != kind:
        holds = "an HDF5 (.h5) model" if kind == "h5" else "a .keras archive"
        raise ModelFileError(path, f"the name says {suffix} but the file holds {holds}; rename it")
    return kind


def _read_h5(path: Path) -> tuple[dict, dict | None]:
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            _refuse_external_links(path, handle)
            raw = handle.attrs.get("model_config")
            if raw is None:
                if "layer_names" in handle.attrs or "model_weights" in handle or "layers" in handle:
                    raise ModelFileError(path, "holds weights only, not a whole model (no model_config)")
                raise ModelFileError(path, "an HDF5 file, but not a Keras model (no model_config)")
            config = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
            metadata = None
            if METADATA_KEY in handle:
                blob = handle[METADATA_KEY][()]
                blob = blob.tobytes() if hasattr(blob, "tobytes") else blob
                metadata = json.loads(blob.decode("utf-8") if isinstance(blob, bytes) else str(blob))
    except ModelFileError:
        raise
    except (OSError, KeyError, ValueError) as exc:
        raise ModelFileError(path, f"damaged or truncated HDF5 file ({_short(exc)})") from None
    return config, metadata


def _refuse_external_links(path: Path, handle) -> None:
    """Refuse data that lives outside the file: external links, external storage, virtual datasets.

    Each would make loading read another file on this computer (chosen by whoever made the model).
    """
    import h5py

    found: list[str] = []
    outside: list[str] = []

    def visit(name, link):
        if isinstance(link, h5py.ExternalLink):
            found.append(name)
        elif isinstance(link, h5py.HardLink):
            item = handle.get(name)
            if isinstance(item, h5py.Dataset) and (item.external or item.is_virtual):
                outside.append(name)

    handle.visititems_links(visit) if hasattr(handle, "visititems_links") else handle.visit_links(visit)
    if found:
        raise ModelFileError(path, f"refused: the HDF5 file links to another file ({found[0]})")
    if outside:
        raise ModelFileError(path, f"refused: the HDF5 file keeps data in another file ({outside[0]})")


def _read_keras(path: Path) -> tuple[dict, dict | None]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "config.json" not in names:
                raise ModelFileError(path, "not a Keras model archive (no config.json)")
            config = json.loads(archive.read("config.json").decode("utf-8"))
            metadata = None
            if KERAS_ZIP_MEMBER in names:
                metadata = json.loads(archive.read(KERAS_ZIP_MEMBER).decode("utf-8"))
    except ModelFileError:
        raise
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError) as exc:
        raise ModelFileError(path, f"damaged or truncated .keras archive ({_short(exc)})") from None
    return config, metadata


def scan_config(path: Path, config: Any) -> None:
    """Refuse any class outside the allowlist, any module outside Keras, and lambdas."""
    stack = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            class_name = node.get("class_name")
            if isinstance(class_name, str):
                if class_name in ("Lambda", "__lambda__", "TFSMLayer"):
                    raise ModelFileError(
                        path, f"refused: the model contains a {class_name} layer, which can run code from the file"
                    )
                if class_name in FILE_READING_CLASSES:
                    article = "an" if class_name[0] in "AEIOU" else "a"
                    raise ModelFileError(
                        path,
                        f"refused: the model contains {article} {class_name} layer, which "
                        f"can read other files on this computer",
                    )
                if class_name not in ALLOWED_CLASSES:
                    raise ModelFileError(
                        path,
                        f"refused: the model uses '{class_name}', which is not a built-in Keras layer this app trusts",
                    )
                module = node.get("module")
                if module is not None and not (
                    isinstance(module, str) and (module == "keras" or module.startswith("keras."))
                ):
                    raise ModelFileError(path, f"refused: the model refers to code in module '{module}'")
                registered = node.get("registered_name")
                if registered not in (None, class_name) and not str(registered).startswith("keras"):
                    raise ModelFileError(path, f"refused: the model refers to custom object '{registered}'")
            if "function" in node and isinstance(node.get("function"), list | dict | str) and "function_type" in node:
                raise ModelFileError(path, "refused: the model stores Python code")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def read_metadata(path: str | os.PathLike) -> ModelMetadata | None:
    """The metadata stored in a model file, without TensorFlow; None if it has none."""
    path = Path(path)
    kind = sniff_format(path)
    _, raw = _read_h5(path) if kind == "h5" else _read_keras(path)
    return _parse_metadata(path, raw) if raw is not None else None


def _parse_metadata(path: Path, raw: Any) -> ModelMetadata:
    try:
        return ModelMetadata.from_dict(raw)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(path, f"its metadata is unusable: {exc}") from None


# ---------------------------------------------------------------- loading (TensorFlow)


def load_model_file(path: str | os.PathLike) -> LoadedModel:
    """Load a model safely and check it fits its labels; raise ModelFileError otherwise."""
    path = Path(path)
    kind = sniff_format(path)
    config, raw_metadata = _read_h5(path) if kind == "h5" else _read_keras(path)
    if isinstance(config, dict):
        # A .keras file of a compiled model names its optimizer, loss and metrics here (SGD,
        # CategoricalCrossentropy, ...). Loading with compile=False never reads them: Keras
        # drops this entry first. Scanning it refused every model saved after training.
        config = {key: value for key, value in config.items() if key != "compile_config"}
    scan_config(path, config)

    import keras  # heavy: imported only once a file has passed the checks above

    try:
        model = keras.saving.load_model(path, safe_mode=True, compile=False)
    except Exception as exc:  # Keras raises many types for a bad file; all mean "unusable"
        raise ModelFileError(path, f"Keras could not load it ({_short(exc)})") from None

    input_shape = tuple(model.inputs[0].shape) if model.inputs else ()
    if len(input_shape) != 4 or input_shape[-1] != 3 or None in input_shape[1:3]:
        raise ModelFileError(path, f"expects input of shape {input_shape[1:]}, not (height, width, 3) colour images")
    output_shape = tuple(model.outputs[0].shape)
    if len(output_shape) != 2:
        raise ModelFileError(path, f"its output has shape {output_shape[1:]}, not one score per class")
    n_outputs = int(output_shape[-1])

    if raw_metadata is not None:
        metadata = _parse_metadata(path, raw_metadata)
    elif n_outputs == len(CIFAR10_LABELS):
        metadata = ModelMetadata(labels=CIFAR10_LABELS, name=path.stem)
    else:
        metadata = ModelMetadata(labels=tuple(f"class {i}" for i in range(n_outputs)), name=path.stem)
    if n_outputs != len(metadata.labels):
        raise ModelFileError(path, f"the model has {n_outputs} outputs but {len(metadata.labels)} class names")
    size = (int(input_shape[1]), int(input_shape[2]))
    if metadata.input_size != size:
        metadata = metadata.replace(input_size=size)
    if not metadata.name:
        metadata = metadata.replace(name=path.stem)
    return LoadedModel(model=model, metadata=metadata, path=path)


def save_model_file(
    model: Any, metadata: ModelMetadata, path: str | os.PathLike, *, weights_dtype: str = "float32"
) -> Path:
    """Write atomically: save beside the target, reload to verify, then rename over it.

    `weights_dtype="float16"` (.h5 only) stores the weights at half the size; they load back into
    the model's float32 (or bfloat16) variables, which is what a shipped model needs, not training.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".h5", ".keras"):
        raise ModelFileError(path, "save as .h5 or .keras")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelFileError(path, f"cannot create the folder: {exc.strerror or exc}") from None
    blob = json.dumps(metadata.to_dict(), ensure_ascii=False).encode("utf-8")
    temp = None
    try:
        with atomic.atomic_path(path) as temp:
            if suffix == ".h5":
                _write_h5(model, blob, temp, weights_dtype)
            else:
                model.save(temp)
                with zipfile.ZipFile(temp, "a") as archive:
                    archive.writestr(KERAS_ZIP_MEMBER, blob)
            reloaded = load_model_file(temp)  # verify before the old file is touched
            if reloaded.metadata.labels != metadata.labels or reloaded.model.count_params() != model.count_params():
                raise ModelFileError(path, "the written file did not read back the same")
    except ModelFileError as exc:
        if temp is not None and exc.path == str(temp):  # name the file the user asked for, not our hidden temp file
            raise ModelFileError(path, exc.reason) from None
        raise
    except OSError as exc:
        raise ModelFileError(path, f"could not be written: {exc.strerror or exc}") from None
    return path


def _write_h5(model: Any, blob: bytes, temp: Path, weights_dtype: str) -> None:
    # Keras logs that .h5 is a legacy format; we choose it on purpose (the design fixes .h5)
    logging.getLogger("absl").setLevel(logging.ERROR)
    model.save(temp, include_optimizer=False)
    import h5py
    import numpy as np

    with h5py.File(temp, "a") as handle:
        handle.create_dataset(METADATA_KEY, data=np.void(blob))
    if weights_dtype == "float16":
        with atomic.atomic_path(temp) as half:
            _copy_h5_with_float16_weights(temp, half)


def _copy_h5_with_float16_weights(source: Path, target: Path) -> None:
    """A copy of a Keras .h5 file whose float32 weights are stored as float16 (where they fit)."""
    import h5py
    import numpy as np

    with h5py.File(source, "r") as src, h5py.File(target, "w") as dst:
        dst.attrs.update(dict(src.attrs))

        def copy(name, item):
            if isinstance(item, h5py.Group):
                dst.require_group(name).attrs.update(dict(item.attrs))
                return
            data = item[()]
            if (
                name.startswith("model_weights/")
                and item.dtype == np.float32
                and data.size
                and np.abs(data).max() < 60000
            ):  # float16's range ends at 65504
                data = data.astype(np.float16)
            dst.create_dataset(name, data=data).attrs.update(dict(item.attrs))

        src.visititems(copy)


def clean_stale_temp_files(folder: str | os.PathLike) -> list[Path]:
    """Remove temp files left by a save that was killed (its process is gone)."""
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for candidate in folder.glob(f".*{TEMP_MARKER}*"):
        pid = atomic.writer_pid(candidate)
        if pid is None:  # an older version's name
            pid_text = candidate.stem.rsplit(TEMP_MARKER, 1)[-1].lstrip("-")
            pid = int(pid_text) if pid_text.isdigit() else None
        if pid is not None and pid != os.getpid() and not _process_alive(pid):
            _remove_quietly(candidate)
            removed.append(candidate)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _short(exc: BaseException, limit: int = 160) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
