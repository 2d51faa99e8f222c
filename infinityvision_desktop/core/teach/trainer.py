"""Teach: a class-per-folder set of photos in, one saved model out, in seconds.

features (cached) -> held-out probabilities (cross-validation) -> temperature and "not sure"
threshold fitted on them -> the head fitted on every image -> one .h5 file: the backbone up to
``head_pool``, a Dense layer holding the head, softmax. Built-in layers only, so it loads under
safe mode like any other model, and the app, the CLI and export treat it as one.

Headless like the fine-tune pipeline: progress through `on_progress(stage, done, total)` with
stage "features", "fit" or "save", and `should_stop()` polled between batches and folds.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from infinityvision_desktop.core import evaluation as ev
from infinityvision_desktop.core.datasets import ALL, DatasetError, labelled_files, read_labelled_files, scan_dataset
from infinityvision_desktop.core.modelfile import ModelMetadata
from infinityvision_desktop.core.teach.features import (
    FEATURE_LAYER,
    FEATURE_SIZE,
    FeatureExtractor,
    FeatureSource,
    FeatureStore,
    backbone_identity,
    feature_precision,
    features_for,
)
from infinityvision_desktop.core.teach.head import LinearHead, fit_head, held_out_probabilities
from infinityvision_desktop.core.teach.project import MIN_IMAGES, MODEL_FILE, TeachError, TeachProject

ARCHITECTURE = "efficientnet-lite0 + linear head"
CORRECTION_WEIGHT = 2.0  # a photo the user took the trouble to correct counts twice

ProgressFn = Callable[[str, int, int], None]


def _noop(stage: str, done: int, total: int) -> None: ...
def _never() -> bool:
    return False


@dataclass(frozen=True)
class TeachResult:
    """What a teach run made. A value: safe to send across threads."""

    model_path: str | None
    metadata: ModelMetadata | None
    head: LinearHead | None  # the fitted head, to answer from features without the file
    images: int = 0  # images trained on
    computed: int = 0  # features computed by the backbone in this run
    cached: int = 0  # features taken from the cache
    unreadable: tuple[tuple[str, str], ...] = ()
    corrections: int = 0
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)  # seconds of "features", "backbone" (its loading), "fit", "save"
    stopped: bool = False
    message: str = ""

    @property
    def held_out(self) -> dict | None:
        return self.metadata.validation if self.metadata else None


class Teacher:
    """Keeps the backbone and the feature cache between runs (the GUI's worker holds one, so a
    retrain after one more photo computes one image's features and loads nothing).

    Use it on one thread: it holds a Keras model once loaded.
    """

    def __init__(
        self,
        backbone: str | os.PathLike | None = None,
        *,
        cache_folder: str | os.PathLike | None = None,
        precision: str | None = None,
        extractor: FeatureExtractor | None = None,
    ):
        """`extractor`: one already loaded (of this backbone), to share it."""
        from infinityvision_desktop.core.architectures import backbone_path

        if extractor is not None:
            backbone, precision = extractor.path, extractor.precision
        self.backbone = Path(backbone) if backbone is not None else backbone_path()
        self.precision = precision or feature_precision()
        self.cache_folder = cache_folder
        self._extractor: FeatureExtractor | None = extractor
        self._model = None  # (classes, the Keras model of build_model, its head Dense layer)
        self._store: FeatureStore | None = None

    @property
    def extractor(self) -> FeatureExtractor:
        """The loaded backbone (loaded on first use: a fully cached run needs it only to save)."""
        if self._extractor is None:
            self._extractor = FeatureExtractor.load(self.backbone, precision=self.precision)
        return self._extractor

    @property
    def store(self) -> FeatureStore:
        identity = f"{backbone_identity(self.backbone)[:32]}-{self.precision}"
        if self._store is None or self._store.identity != identity:
            self._store = FeatureStore(identity, self.cache_folder)  # the backbone file changed: start over
        return self._store

    def teach(
        self,
        source: str | os.PathLike,
        out: str | os.PathLike | None = None,
        *,
        on_progress: ProgressFn = _noop,
        should_stop: Callable[[], bool] = _never,
        seed: int = 0,
    ) -> TeachResult:
        """Train on `source` (a project, any class-per-folder folder or .tar.gz; a test/ split is
        evaluated) and save to `out` (default: a project's model.h5). Raises TeachError or
        DatasetError for data that cannot be trained on, ModelFileError when saving fails."""
        started = time.perf_counter()
        source = Path(source)
        if out is None and not source.is_dir():
            raise TeachError(source, "say where to save the model")
        out = Path(out) if out is not None else source / MODEL_FILE
        timings: dict[str, float] = {}

        scan = scan_dataset(source)
        labels = scan.labels
        files = labelled_files(source)
        train_split = ALL if ALL in scan.counts else "train"
        sources = [FeatureSource(f.name, data) for f, data in read_labelled_files(source, files)]
        batch = features_for(
            sources,
            self.store,
            extractor=lambda: self._timed_extractor(timings),
            on_progress=lambda done, total: on_progress("features", done, total),
            should_stop=should_stop,
        )
        timings["features"] = time.perf_counter() - started - timings.get("backbone", 0.0)
        if batch.stopped or should_stop():
            return _stopped(batch, started, timings)
        label_index = {label: i for i, label in enumerate(labels)}
        rows = [(row, files[i]) for row, i in enumerate(batch.ok) if files[i].label in label_index]
        train = [(row, f) for row, f in rows if f.split == train_split]
        test = [(row, f) for row, f in rows if f.split == "test"]
        x = batch.features[[row for row, _ in train]]
        y = np.array([label_index[f.label] for _, f in train], dtype=np.int64)
        _check_counts(source, labels, y)
        corrections = _corrections(source) if source.is_dir() else {}
        corrected = np.array([f.name in corrections for _, f in train])
        weight = np.where(corrected, CORRECTION_WEIGHT, 1.0)

        fit_started = time.perf_counter()
        on_progress("fit", 0, 2)
        held = held_out_probabilities(x, y, len(labels), sample_weight=weight, seed=seed, should_stop=should_stop)
        if held is None:
            return _stopped(batch, started, timings)
        on_progress("fit", 1, 2)
        y_held = y[held.indices]
        temperature = ev.fit_temperature(held.probabilities, y_held)
        calibrated = ev.apply_temperature(held.probabilities, temperature)
        threshold = ev.fit_not_sure_threshold(calibrated, y_held)
        validation = {**ev.evaluate(calibrated, y_held, labels).to_dict(), "method": held.method}
        head = fit_head(x, y, len(labels), sample_weight=weight)
        evaluation = None
        if test:
            x_test = batch.features[[row for row, _ in test]]
            y_test = np.array([label_index[f.label] for _, f in test], dtype=np.int64)
            evaluation = ev.evaluate(
                ev.apply_temperature(head.probabilities(x_test), temperature), y_test, labels
            ).to_dict()
        on_progress("fit", 2, 2)
        timings["fit"] = time.perf_counter() - fit_started
        if should_stop():
            return TeachResult(
                None,
                None,
                head,
                computed=batch.computed,
                stopped=True,
                seconds=time.perf_counter() - started,
                timings=timings,
                message="stopped",
            )

        counts = {label: int((y == i).sum()) for i, label in enumerate(labels)}
        metadata = ModelMetadata(
            labels=tuple(labels),
            input_size=(FEATURE_SIZE, FEATURE_SIZE),
            name=source.name if out.name == MODEL_FILE else out.stem,
            architecture=ARCHITECTURE,
            tta=("flip",),
            temperature=float(temperature),
            not_sure_threshold=float(threshold),
            validation=validation,
            evaluation=evaluation,
            provenance={
                "trained_by": "teach",
                "backbone": _backbone_source(self.backbone),
                "images_per_class": counts,
                "corrections": int(corrected.sum()),
                "project": str(source.resolve()) if source.is_dir() else str(source),
                "held_out": held.method,
                "unreadable_files": len(batch.unreadable),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
        )
        on_progress("save", 0, 1)
        self._timed_extractor(timings)
        save_started = time.perf_counter()
        self.save(head, metadata, out)
        on_progress("save", 1, 1)
        timings["save"] = time.perf_counter() - save_started
        seconds = time.perf_counter() - started
        return TeachResult(
            str(out),
            metadata,
            head,
            images=len(y),
            computed=batch.computed,
            cached=len(batch.ok) - batch.computed,
            unreadable=tuple(batch.unreadable),
            corrections=int(corrected.sum()),
            seconds=seconds,
            timings=timings,
            message=f"{validation['accuracy']:.1%} of held-out images right ({held.method})",
        )

    def _timed_extractor(self, timings: dict) -> FeatureExtractor:
        """The extractor; the seconds its loading took (TensorFlow's import too) go in timings["backbone"]."""
        if self._extractor is None:
            started = time.perf_counter()
            self.extractor  # noqa: B018 - loads it
            timings["backbone"] = time.perf_counter() - started
        return self.extractor

    def build_model(self, head: LinearHead, num_classes: int):
        """The backbone up to head_pool, then Dense (the head) and softmax: one Keras model.

        Built once per number of classes and given each new head's weights: a retrain then builds
        no graph (and a Grad-CAM traced on the model stays valid), only the save remains.
        """
        import keras
        from keras import layers

        if self._model is None or self._model[0] != num_classes:
            backbone = self.extractor.model
            dense = layers.Dense(num_classes, name="head_dense")
            logits = dense(backbone.get_layer(FEATURE_LAYER).output)
            outputs = layers.Activation("softmax", dtype="float32", name="head_softmax")(logits)
            self._model = (num_classes, keras.Model(backbone.inputs, outputs, name="teach_efficientnet_lite0"), dense)
        _, model, dense = self._model
        dense.set_weights([head.weights, head.bias])
        return model

    def save(self, head: LinearHead, metadata: ModelMetadata, out: str | os.PathLike) -> Path:
        from infinityvision_desktop.core.modelfile import save_model_file

        # float16 storage: the backbone's weights are float16 values already (models/), so only the
        # head rounds (too little to change an answer), and the file is half the size
        return save_model_file(self.build_model(head, len(metadata.labels)), metadata, out, weights_dtype="float16")

    def answer(self, head: LinearHead, metadata: ModelMetadata, images: list[np.ndarray]):
        """Predictions for RGB uint8 images from the head in memory, as the saved model would give
        them (same decode size, views, temperature and threshold): the try-it panel, before or
        without loading the file."""
        from infinityvision_desktop.core.images import resize_for_model
        from infinityvision_desktop.core.predictor import predictions_from_probabilities

        if not images:
            return []
        batch = np.stack([resize_for_model(image, (FEATURE_SIZE, FEATURE_SIZE)) for image in images])
        raw = head.probabilities(self.extractor.views(batch))
        return predictions_from_probabilities(ev.apply_temperature(raw, metadata.temperature), metadata)


def teach(
    source: str | os.PathLike,
    out: str | os.PathLike | None = None,
    *,
    on_progress: ProgressFn = _noop,
    should_stop: Callable[[], bool] = _never,
    seed: int = 0,
    cache_folder: str | os.PathLike | None = None,
) -> TeachResult:
    """One run with a fresh Teacher: what the CLI does."""
    return Teacher(cache_folder=cache_folder).teach(
        source, out, on_progress=on_progress, should_stop=should_stop, seed=seed
    )


def _check_counts(source: Path, labels, y: np.ndarray) -> None:
    counts = np.bincount(y, minlength=len(labels))
    short = [f"'{label}' has {count}" for label, count in zip(labels, counts) if count < MIN_IMAGES]
    if short:
        raise TeachError(source, f"each class needs at least {MIN_IMAGES} readable images: " + ", ".join(short))


def _corrections(source: Path) -> dict:
    try:
        return TeachProject(source).corrections()
    except TeachError:
        return {}


def _backbone_source(path: Path) -> dict:
    from infinityvision_desktop.core.modelfile import read_metadata

    try:
        return dict(read_metadata(path).provenance.get("source", {}))
    except Exception:  # noqa: BLE001 - the record is informative; a missing one must not fail the run
        return {}


__all__ = ["ARCHITECTURE", "CORRECTION_WEIGHT", "DatasetError", "TeachResult", "Teacher", "teach"]


def _stopped(batch, started: float, timings: dict) -> TeachResult:
    """The result of a run stopped by the user: the features computed so far stay cached."""
    return TeachResult(
        None,
        None,
        None,
        computed=batch.computed,
        stopped=True,
        seconds=time.perf_counter() - started,
        timings=timings,
        message="stopped",
    )
