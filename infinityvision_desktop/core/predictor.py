"""Prediction: the one place the app runs a model on images.

TensorFlow is imported lazily (inside `Predictor.load`) so nothing that merely imports this
module pays its 4 s start-up.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from infinityvision_desktop.core.evaluation import apply_temperature, softmax
from infinityvision_desktop.core.images import resize_for_model
from infinityvision_desktop.core.modelfile import LoadedModel, ModelMetadata, load_model_file

# Batches are cut to this size: large enough for throughput, small enough that a cancel
# request between batches is answered quickly.
CHUNK = 256
# Test-time augmentation's extra views only for answers less sure than this: on CIFAR-10's test
# split the mirror changed 1 of the 8,476 bundled-model answers above 0.9 (and 179 of the 1,524
# below), so skipping it there costs nothing and saves most of the second pass. `train` keeps it
# for a model only where its held-out answers say the same (`calibration.fit_tta_below`).
TTA_BELOW = 0.9

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prediction:
    """One image's answer. A value: safe to send across threads."""

    labels: tuple[str, ...]
    # calibrated, in label order; a photo's also weighed by the ImageNet classifier (core.openset.fuse)
    probabilities: tuple[float, ...]
    index: int
    not_sure: bool
    # what the photo looks like when it is none of the classes (core.openset), e.g. "espresso"
    looks_like: str | None = None
    # a photo's top ImageNet class and its probability, from the opinion that weighed the answer
    seen_as: str | None = None
    seen_probability: float | None = None

    @property
    def label(self) -> str:
        return self.labels[self.index]

    def with_threshold(self, threshold: float) -> Prediction:
        """The same answer judged against another "not sure" threshold (the user's own)."""
        not_sure = is_not_sure(self.confidence, threshold, self.looks_like)
        return self if not_sure == self.not_sure else dataclasses.replace(self, not_sure=not_sure)

    @property
    def confidence(self) -> float:
        return self.probabilities[self.index]

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "confidence": round(self.confidence, 6),
            "not_sure": self.not_sure,
            **({"looks_like": self.looks_like} if self.looks_like else {}),
            **(
                {"imagenet": {"class": self.seen_as, "probability": round(self.seen_probability or 0.0, 6)}}
                if self.seen_as and not self.looks_like  # else "looks_like" says what it sees outside the classes
                else {}
            ),
            "probabilities": {name: round(p, 6) for name, p in zip(self.labels, self.probabilities)},
        }


def is_not_sure(confidence: float, threshold: float, looks_like: str | None = None) -> bool:
    """The one place an answer is judged "not sure": below the threshold, or a photo that looks
    like none of the classes (whatever its confidence)."""
    return bool(looks_like) or confidence < threshold


def predictions_from_probabilities(
    probabilities: np.ndarray, metadata: ModelMetadata, threshold: float | None = None, opinions=None
) -> list[Prediction]:
    """Answers from calibrated probabilities; `threshold` (the user's) overrides the model's;
    `opinions`: per row, the ImageNet classifier's `core.openset.Opinion` of a photo (or None)."""
    threshold = metadata.not_sure_threshold if threshold is None else threshold
    result = []
    for i, row in enumerate(np.asarray(probabilities, dtype=np.float64)):
        index = int(np.argmax(row))
        opinion = opinions[i] if opinions is not None else None
        looks = opinion.outside.looks_like if opinion is not None and opinion.outside else None
        seen = opinion.seen_as if opinion is not None and opinion.seen_as else None
        result.append(
            Prediction(
                labels=metadata.labels,
                probabilities=tuple(float(p) for p in row),
                index=index,
                not_sure=is_not_sure(float(row[index]), threshold, looks),
                looks_like=looks,
                seen_as=seen,
                seen_probability=opinion.seen_probability if seen else None,
            )
        )
    return result


def _chunks(x: np.ndarray):
    return (x[start : start + CHUNK] for start in range(0, len(x), CHUNK))


@dataclass(frozen=True)
class _Cascade:
    layer: str
    first: Any  # images -> the first member's layer output (float32)
    second: Any  # images -> the other branch's, whose sum with it the softmax reads; None: not known


def _bfloat16_native() -> bool:
    from infinityvision_desktop.core.architectures import bfloat16_supported

    return bfloat16_supported()


def _to_bfloat16(model, *, everything: bool = False):
    """`model` computing in `_bfloat16_policy`'s precision (a copy; `model` itself if all float32)."""
    from infinityvision_desktop.core.architectures import convert_dtype

    policy = _bfloat16_policy(model, everything=everything)
    if policy is None:
        return model
    try:
        return convert_dtype(model, policy)
    except Exception:  # an unusual config that cannot be cloned: float32 still works
        logging.getLogger(__name__).warning("model kept in float32: its config could not be converted", exc_info=True)
        return model


def _bfloat16_policy(model, *, everything: bool = False):
    """The dtype policy (see `architectures.convert_dtype`) that computes `model` in bfloat16,
    except the parts built on depthwise convolutions
    (EfficientNet-Lite): on the CPUs that compute bfloat16 natively oneDNN's depthwise kernels
    are slower in it than in float32, single images markedly so (`bench/bench_model.py`). An
    ensemble's branches are judged one by one; their sum and the softmax stay float32.
    `everything`: bfloat16 throughout (asked for by name: `precision="mixed_bfloat16"`). None:
    float32 throughout."""
    from infinityvision_desktop.core.ensemble import PREFIXES

    def depthwise(name: str) -> bool:
        return any(type(layer).__name__ == "DepthwiseConv2D" and layer.name.startswith(name) for layer in model.layers)

    if everything:
        return "mixed_bfloat16"
    if any(layer.name == "ensemble_sum" for layer in model.layers):
        bfloat16 = tuple(prefix for prefix in PREFIXES if not depthwise(prefix))

        def policy(name: str) -> str:
            return "mixed_bfloat16" if name.startswith(bfloat16) else "float32"

        return policy
    return None if depthwise("") else "mixed_bfloat16"


def tta_views(x: np.ndarray, tta: Sequence[str]) -> list[np.ndarray]:
    """The views of a batch that test-time augmentation averages over (airbench's levels):
    "flip" adds the mirror image; "translate" adds both views shifted by one pixel diagonally
    each way (reflected edges), with their mirrors. The first view is always the batch itself."""
    flip = "flip" in tta
    views = [x, x[:, :, ::-1, :]] if flip else [x]
    if "translate" in tta:
        padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="reflect")
        height, width = x.shape[1:3]
        for shifted in (padded[:, :height, :width], padded[:, 2:, 2:]):
            views += [shifted, shifted[:, :, ::-1, :]] if flip else [shifted]
    return views


def tta_weights(count: int) -> np.ndarray:
    """How much each view of `tta_views` counts: the unshifted views half, the shifted ones the
    other half (airbench's mirror-translate weighting); equal weights for 1 or 2 views."""
    if count <= 2:
        return np.full(count, 1.0 / count)
    first = 2 if count == 6 else 1
    return np.array([0.5 / first] * first + [0.5 / (count - first)] * (count - first))


def _average_views(p: np.ndarray) -> np.ndarray:
    """(VIEWS, N, CLASSES) probabilities -> (N, CLASSES): log-probabilities (logits up to a
    constant) averaged with `tta_weights`, renormalised."""
    logp = np.tensordot(tta_weights(len(p)), np.log(np.clip(p, 1e-12, None)), axes=1)
    logp -= logp.max(axis=1, keepdims=True)
    e = np.exp(logp)
    return e / e.sum(axis=1, keepdims=True)


class Predictor:
    """A loaded model ready to classify. Use it on the thread that created it."""

    def __init__(
        self,
        model: Any,
        metadata: ModelMetadata,
        *,
        path: os.PathLike | str | None = None,
        forward: Any = None,
        source: Any = None,
    ):
        """`forward`, when given, computes what `model` does at inference (a folded form of it, see
        `core.folding`); `model` is still what explanations use. `source`: the model as its file
        holds it, when `model` is a copy with its BatchNorms folded (`core.folding.fold_batchnorm`):
        what the model view describes."""
        import tensorflow as tf

        self.model = model
        self.source = model if source is None else source
        self.metadata = metadata
        self.path = path
        self.folded = forward is not None or source is not None
        self.fold = self.folded  # whether to fold what is built later (the cascade's first member): load() sets it
        self._open_set = None  # core.openset.ImageNetCheck once loaded, False if it failed
        self._first_member = None  # the metadata's cascade as a _Cascade, once built
        height, width = metadata.input_size
        # One traced graph for every batch size: no retracing, no Python per layer.
        self._forward = forward or tf.function(
            lambda x: model(x, training=False),
            input_signature=[tf.TensorSpec((None, height, width, 3), tf.float32)],
            reduce_retracing=True,
        )

    @classmethod
    def load(cls, path: os.PathLike | str, *, precision: str | None = None, fold: bool = True) -> Predictor:
        """Load safely, then compute in bfloat16 where the CPU does so natively, with the model's
        normalisation layers folded into its convolutions where its shape allows (`core.folding`).

        For the 32 px networks bfloat16 is 3-4x faster than float32 and within 0.1 points as accurate
        (`bench/bench_model.py` against `--precision float32`); $INFINITYVISION_PRECISION=float32
        turns it off. Folding makes it about 1.5x faster again (`--compare-folding`). Parts built
        on depthwise convolutions stay float32 (`_to_bfloat16`).
        """
        from infinityvision_desktop.core.folding import fold_batchnorm, fold_model

        loaded: LoadedModel = load_model_file(path)
        source = loaded.model
        precision = precision or os.environ.get("INFINITYVISION_PRECISION", "auto")
        bfloat16 = precision == "mixed_bfloat16" or (precision == "auto" and _bfloat16_native())
        everything = precision == "mixed_bfloat16"
        forward = fold_model(source, dtype="bfloat16" if bfloat16 else "float32") if fold else None
        # what fold_model cannot take (an ensemble, EfficientNet's skip connections) runs with its
        # BatchNorms folded into the convolutions at least: the EfficientNet branch about 1.5x
        # faster. One copy, in the precision it computes in.
        policy = _bfloat16_policy(source, everything=everything) if bfloat16 else None
        model = fold_batchnorm(source, policy=policy) if fold and forward is None else None
        folded = model is not None
        if not folded:
            model = _to_bfloat16(source, everything=everything) if bfloat16 else source
        predictor = cls(model, loaded.metadata, path=loaded.path, forward=forward, source=source if folded else None)
        predictor.fold = fold
        predictor.check_outputs()
        return predictor

    def warm_up(self, batch_size: int = 1, *, open_set: bool = False) -> None:
        """Trace the graph and let oneDNN build its kernels for this batch size now, not on
        the first real batch; `open_set`: also load and trace the ImageNet check, which the first
        photo would otherwise wait for."""
        height, width = self.metadata.input_size
        self.raw_probabilities(np.zeros((batch_size, height, width, 3), np.uint8))
        if self.metadata.cascade:
            self.probabilities(np.zeros((batch_size, height, width, 3), np.uint8))
        check = self.open_set_check() if open_set else None
        if check is not None:
            from infinityvision_desktop.core.openset import CHECK_SIZE

            check.probabilities(np.zeros((1, CHECK_SIZE, CHECK_SIZE, 3), np.uint8))

    def check_outputs(self) -> None:
        """A test prediction before the model is used: probabilities, not NaN or scores."""
        from infinityvision_desktop.core.modelfile import ModelFileError

        height, width = self.metadata.input_size
        probe = np.random.default_rng(0).integers(0, 256, (2, height, width, 3), dtype=np.uint8)
        out = np.asarray(self._forward(probe.astype(np.float32)), dtype=np.float64)
        if not np.all(np.isfinite(out)):
            raise ModelFileError(self.path, "refused: its test prediction gave NaN or infinite values")
        if np.any(out < -1e-6) or not np.allclose(out.sum(axis=1), 1.0, atol=1e-3):
            raise ModelFileError(self.path, "refused: its outputs are not probabilities (they do not sum to 1)")
        if self.metadata.cascade and not np.all(np.isfinite(self.first_member_probabilities(probe))):
            raise ModelFileError(self.path, "refused: its first member's test prediction gave NaN or infinite values")

    def raw_probabilities(self, batch: np.ndarray, *, own: np.ndarray | None = None) -> np.ndarray:
        """Uncalibrated probabilities for images already at the model's input size.

        Test-time augmentation named in the metadata is applied here, so training-time
        evaluation, calibration and the app all see the same numbers. `own`: the model's output
        on the images themselves when the caller has it already (the cascade).
        """
        batch = self._checked(batch)
        out = []
        for start in range(0, len(batch), CHUNK):
            x = batch[start : start + CHUNK].astype(np.float32)
            given = None if own is None else np.array(own[start : start + CHUNK], dtype=np.float64)
            if len(tta_views(x[:1], self.metadata.tta)) == 1:
                out.append(given if given is not None else np.asarray(self._forward(x), dtype=np.float64))
            elif self.metadata.tta_below >= 1.0:
                views = tta_views(x, self.metadata.tta)
                stacked = np.asarray(self._forward(np.concatenate(views)), dtype=np.float64)
                out.append(_average_views(stacked.reshape(len(views), len(x), -1)))
            else:
                # the image itself first; the other views only where that answer is not sure
                first = given if given is not None else np.asarray(self._forward(x), dtype=np.float64)
                unsure = np.flatnonzero(first.max(axis=1) < self.metadata.tta_below)
                if len(unsure):
                    others = tta_views(x[unsure], self.metadata.tta)[1:]
                    stacked = np.asarray(self._forward(np.concatenate(others)), dtype=np.float64)
                    stacked = stacked.reshape(len(others), len(unsure), -1)
                    first[unsure] = _average_views(np.concatenate([first[unsure][None], stacked]))
                out.append(first)
        if not out:
            return np.zeros((0, len(self.metadata.labels)))
        return np.concatenate(out)

    def _checked(self, batch: np.ndarray) -> np.ndarray:
        batch = np.asarray(batch)
        if batch.ndim != 4 or batch.shape[1:3] != tuple(self.metadata.input_size):
            raise ValueError(
                f"expected (N, {self.metadata.input_size[0]}, {self.metadata.input_size[1]}, 3), got {batch.shape}"
            )
        return batch

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        """Calibrated probabilities (temperature from the metadata).

        A combined model with a cascade in its metadata (`core.ensemble.fit_cascade`) asks its
        first member first: where that member alone is at least `above` sure, its own calibrated
        answer is the answer and the rest of the model does not run (on held-out images this
        changed at most 1 in 1,000 of those answers); the other images get the whole model's,
        the first member's part of it not computed twice.
        """
        if not self.metadata.cascade:
            return apply_temperature(self.raw_probabilities(batch), self.metadata.temperature)
        batch = self._checked(batch)
        cascade = self._cascade()
        logits = self._first_member_logits(batch)
        first = softmax(logits * float(self.metadata.cascade["scale"]))
        rest = np.flatnonzero(first.max(axis=1) < float(self.metadata.cascade["above"]))
        if len(rest):
            own = None
            # the whole model on the images themselves, as both branches' sum (where that answer is
            # used: with every view for every image, raw_probabilities computes them all at once)
            one_view = len(tta_views(batch[:1].astype(np.float32), self.metadata.tta)) == 1
            if cascade.second is not None and (one_view or self.metadata.tta_below < 1.0):
                second = np.concatenate(
                    [np.asarray(cascade.second(c), np.float64) for c in _chunks(batch[rest].astype(np.float32))]
                )
                own = softmax(logits[rest] + second)
            first[rest] = apply_temperature(self.raw_probabilities(batch[rest], own=own), self.metadata.temperature)
        return first

    def first_member_probabilities(self, batch: np.ndarray) -> np.ndarray:
        """A cascaded model's first member alone: its calibrated probabilities."""
        if not self.metadata.cascade:
            raise ValueError("the model has no cascade: no first member answers alone")
        return softmax(self._first_member_logits(self._checked(batch)) * float(self.metadata.cascade["scale"]))

    def _first_member_logits(self, batch: np.ndarray) -> np.ndarray:
        forward = self._cascade().first
        out = [np.asarray(forward(c), np.float64) for c in _chunks(batch.astype(np.float32))]
        return np.concatenate(out) if out else np.zeros((0, len(self.metadata.labels)))

    def _cascade(self) -> _Cascade:
        """The metadata's cascade layer as a traced function and, for a model `combine` made (its
        answer the softmax of the two branches' sum, checked here on two test images), the other
        branch's. Built again only when the layer changes; `scale` and `above` are read at use."""
        name = self.metadata.cascade["layer"]
        if self._first_member is None or self._first_member.layer != name:
            import keras
            import tensorflow as tf

            from infinityvision_desktop.core.modelfile import ModelFileError

            try:
                layer = self.model.get_layer(name)
            except ValueError:
                raise ModelFileError(
                    self.path, f"refused: its metadata names a layer '{name}' that the model does not have"
                ) from None
            shape = getattr(layer.output, "shape", None)
            if shape is None or len(shape) != 2 or shape[-1] != len(self.metadata.labels):
                raise ModelFileError(
                    self.path,
                    f"refused: the layer its metadata names for the cascade ('{name}') gives outputs of shape "
                    f"{tuple(shape)[1:] if shape is not None else '?'}, not one score per class",
                )
            height, width = self.metadata.input_size
            spec = [tf.TensorSpec((None, height, width, 3), tf.float32)]

            def traced(output):
                branch = keras.Model(self.model.inputs, output)
                return tf.function(
                    lambda x: tf.cast(branch(x, training=False), tf.float32),
                    input_signature=spec,
                    reduce_retracing=True,
                )

            first = traced(layer.output)
            summed = [x for x in self.model.layers if x.name == "ensemble_sum"]
            others = [t for t in summed[0].input if t is not layer.output] if summed else []
            second = traced(others[0]) if len(others) == 1 and len(getattr(others[0], "shape", ())) == 2 else None
            if second is not None:
                probe = np.random.default_rng(0).integers(0, 256, (2, height, width, 3)).astype(np.float32)
                whole = np.asarray(self._forward(probe), np.float64)
                parts = softmax(np.asarray(first(probe), np.float64) + np.asarray(second(probe), np.float64))
                if parts.shape != whole.shape or not np.allclose(parts, whole, atol=1e-3):
                    second = None  # not combine's sum: the whole model runs for the rest instead
            # checked as Keras computes it; then the faster form of the same member, if it has one
            # and it gives that member's answers (to bfloat16's precision) on random images
            folded = self._folded_chain(name)
            if folded is not None:
                probe = np.random.default_rng(1).integers(0, 256, (4, height, width, 3)).astype(np.float32)
                scale = float(self.metadata.cascade["scale"])
                ours = softmax(np.asarray(folded(probe), np.float64) * scale)
                keras_answer = softmax(np.asarray(first(probe), np.float64) * scale)
                if np.allclose(ours, keras_answer, atol=0.02):
                    first = folded
                else:
                    log.warning("the cascade's first member runs unfolded: its folded form answers differently")
            self._first_member = _Cascade(name, first, second)
        return self._first_member

    def _folded_chain(self, name: str):
        """The model up to layer `name` as `fold_model`'s chain (an ensemble's airbench member is
        one), in the dtype its layers compute in; None if it is not a chain, or folding is off."""
        if not self.fold:
            return None
        import keras

        from infinityvision_desktop.core.folding import fold_model

        branch = keras.Model(self.model.inputs, self.model.get_layer(name).output)
        bfloat16 = any(getattr(layer, "compute_dtype", None) == "bfloat16" for layer in branch.layers)
        return fold_model(branch, dtype="bfloat16" if bfloat16 else "float32")

    def prepare(self, rgb: np.ndarray) -> np.ndarray:
        return resize_for_model(rgb, tuple(self.metadata.input_size))

    def predict(self, images: Sequence[np.ndarray], *, threshold: float | None = None) -> list[Prediction]:
        """Classify RGB uint8 images of any size. When the model has an ImageNet check (see
        `core.openset`), a photo's answer is weighed by the ImageNet classifier's opinion, and a
        photo that looks like none of the classes is "not sure" and says what it looks like.
        `threshold`: the user's "not sure" threshold instead of the model's."""
        if len(images) == 0:
            return []
        batch = np.stack([self.prepare(image) for image in images])
        probabilities = np.array(self.probabilities(batch), dtype=np.float64)
        from infinityvision_desktop.core.openset import fuse, judges

        # the check judges photos only: CIFAR-sized images do not wait for it to load
        check = self.open_set_check() if any(judges(image) for image in images) else None
        opinions = check.check(images) if check is not None else [None] * len(images)
        for i, opinion in enumerate(opinions):
            if opinion is not None:
                probabilities[i] = fuse(probabilities[i], opinion.shares)
        return predictions_from_probabilities(probabilities, self.metadata, threshold, opinions)

    @property
    def decode_size(self) -> tuple[int, int]:
        """The smallest size images need to be decoded at (JPEG draft mode): the model's input,
        or the ImageNet check's when the model has one (it needs detail)."""
        height, width = self.metadata.input_size
        if self.metadata.open_set:
            from infinityvision_desktop.core.openset import CHECK_SIZE

            return max(height, CHECK_SIZE), max(width, CHECK_SIZE)
        return height, width

    def open_set_check(self):
        """The ImageNet check named in the metadata, loaded on first use (None if it has none)."""
        settings = self.metadata.open_set
        if not settings or os.environ.get("INFINITYVISION_OPEN_SET") == "off":
            return None
        if self._open_set is None:
            from infinityvision_desktop.core.openset import ImageNetCheck

            try:
                self._open_set = ImageNetCheck.load(self.metadata.labels, float(settings["imagenet_threshold"]))
            except Exception:  # noqa: BLE001 - the answer stands without the check; logged
                log.exception("the ImageNet check could not be loaded")
                self._open_set = False
        return self._open_set or None
