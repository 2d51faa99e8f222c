"""Grad-CAM: which part of an image made the model give its answer.

Grad-CAM (Selvaraju et al., 2017) takes the output of the last convolutional block, weights each
of its channels by the mean gradient of the class score over that channel, sums the weighted
channels and keeps the positive part: the places whose features raised the score. The map has
the block's resolution (3x3 for the bundled 32x32 airbench, 8x8 for VGG16 at 128x128) and is
spread over the model's input by linear interpolation between the feature cells' centres.

- The target layer is found by structure, not by name: the last 2-D convolution, followed
  through the BatchNorm and activation layers that come straight after it (airbench's
  ``block3_act2``, VGG16's ``block5_conv3``, pic-cnn's ``block3_bn2``).
- The score is the logit (the softmax's input) when the model ends in a softmax: gradients of
  a saturated probability vanish.
- One gradient model and one traced ``tf.function`` per model; a call is one forward pass and a
  backward pass through the head only (the gradient stops at the target layer).
- The model's own test-time augmentation is explained too: with flip TTA both views are explained
  and the flipped map is flipped back before averaging, so the heatmap explains the answer the
  app shows.
- Precision: whatever the model computes in (the app's bfloat16 or float32); the channel
  weighting and sum are done in float32. bench/bench_explain.py measures the difference.

TensorFlow is imported inside `GradCam`, never at module level: the overlay helpers are used
by the GUI thread and must stay cheap to import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from PIL import Image

from infinityvision_desktop.core.images import resize_for_model

CONV_KINDS = frozenset({"Conv2D", "DepthwiseConv2D", "SeparableConv2D"})
# Layers that keep the spatial grid cell for cell: the target follows a conv through them.
ELEMENTWISE_KINDS = frozenset(
    {
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "Activation",
        "ReLU",
        "LeakyReLU",
        "ELU",
        "PReLU",
        "Softmax",
        "Identity",
        "Dropout",
        "SpatialDropout2D",
        "GaussianNoise",
        "Rescaling",
    }
)
POOL_KINDS = frozenset({"MaxPooling2D", "AveragePooling2D"})
DEFAULT_OPACITY = 0.5


class ExplainError(Exception):
    """A model or request that cannot be explained, with the reason for people."""


@dataclass(frozen=True, eq=False)
class Explanation:
    """One image's heatmap for one class. A value: safe to send across threads."""

    labels: tuple[str, ...]
    class_index: int  # the class explained
    top_index: int  # the model's answer for the image (explained by default)
    heatmap: np.ndarray  # float32 (H, W) at the model's input size; 1 = the strongest evidence
    strength: float  # the map's maximum before scaling to 0..1; 0: nothing in the image speaks for the class
    layer: str  # the layer the map comes from

    @property
    def label(self) -> str:
        return self.labels[self.class_index]

    @property
    def is_top(self) -> bool:
        return self.class_index == self.top_index

    @property
    def empty(self) -> bool:
        return self.strength <= 0.0


# ---------------------------------------------------------------- structure


def _kind(layer) -> str:
    return type(layer).__name__


def _shape(tensor) -> tuple:
    return tuple(tensor.shape)


def find_target_layer(model) -> str:
    """The name of the layer Grad-CAM reads: the last conv, followed through its elementwise layers."""
    layers = list(model.layers)
    convs = [i for i, layer in enumerate(layers) if _kind(layer) in CONV_KINDS and len(_shape(layer.output)) == 4]
    if not convs:
        raise ExplainError("the model has no convolutional layer, so there is no image region to point at")
    current = layers[convs[-1]]
    grid = _shape(current.output)
    while True:
        # followed by what consumes it, not by list order: in a model of two branches (an
        # ensemble) the layers of the branches interleave in the list
        consumers = [layer for layer in layers if layer.input is current.output]
        if len(consumers) != 1:  # a branch, not a chain: stop here
            break
        following = consumers[0]
        if _kind(following) not in ELEMENTWISE_KINDS or _shape(following.output) != grid:
            break
        current = following
    return current.name


def _single_graph(model):
    """A model whose layers each belong to this graph only.

    A model built by calling the layers of another one (the VGG16 transfer model, before it is
    saved) has layers with two inbound nodes, and their `.output` is the inner model's tensor.
    A clone from the config has one node per layer; models loaded from a file already do.
    """
    if all(len(getattr(layer, "_inbound_nodes", ())) <= 1 for layer in model.layers):
        return model
    clone = model.__class__.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    return clone


def _score_tensor(model):
    """The logits when the model ends in a softmax (gradients of a saturated probability vanish)."""
    last = model.layers[-1]
    kind = _kind(last)
    if kind == "Softmax" or (kind == "Activation" and last.get_config().get("activation") == "softmax"):
        return last.input
    return model.outputs[0]


def feature_centres(model, layer_name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Where each cell of the layer's grid sits on the input, in pixel-index coordinates (rows, cols).

    Walks the layers from the input to the target and tracks the offset and stride of each
    convolution, pooling, padding and cropping. None if the path is not a simple chain of such
    layers (the caller then spreads the cells evenly). For airbench the cells of its 3x3 grid sit
    at pixels 4, 12 and 20 of 32, not at 5.3, 16 and 26.7: its valid convolution and
    floor-rounded poolings never look at the last rows directly.
    """
    offset = [0.0, 0.0]
    jump = [1.0, 1.0]
    for layer in model.layers:
        kind = _kind(layer)
        if kind == "InputLayer":
            continue
        inputs = layer.input if isinstance(layer.input, (list, tuple)) else [layer.input]
        if len(inputs) != 1:
            return None
        in_shape, out_shape = _shape(inputs[0]), _shape(layer.output)
        if len(in_shape) != 4 or len(out_shape) != 4:
            return None
        config = layer.get_config()
        if kind in CONV_KINDS or kind in POOL_KINDS:
            size = config.get("kernel_size") if kind in CONV_KINDS else config.get("pool_size")
            strides = config.get("strides") or size
            dilation = config.get("dilation_rate", (1, 1)) if kind in CONV_KINDS else (1, 1)
            size, strides, dilation = (_pair(size), _pair(strides), _pair(dilation))
            for axis in (0, 1):
                span = dilation[axis] * (size[axis] - 1) + 1
                pad_before = 0
                if config.get("padding") == "same":
                    total = max((out_shape[axis + 1] - 1) * strides[axis] + span - in_shape[axis + 1], 0)
                    pad_before = total // 2
                offset[axis] += (-pad_before + (span - 1) / 2) * jump[axis]
                jump[axis] *= strides[axis]
        elif kind == "ZeroPadding2D":
            padding = config.get("padding")
            for axis in (0, 1):
                offset[axis] -= _pair(padding[axis])[0] * jump[axis]
        elif kind == "Cropping2D":
            cropping = config.get("cropping")
            for axis in (0, 1):
                offset[axis] += _pair(cropping[axis])[0] * jump[axis]
        elif in_shape[1:3] != out_shape[1:3]:
            return None  # a layer that changes the grid in a way not modelled here
        if layer.name == layer_name:
            rows, cols = out_shape[1], out_shape[2]
            return offset[0] + jump[0] * np.arange(rows), offset[1] + jump[1] * np.arange(cols)
    return None


def _pair(value) -> tuple[int, int]:
    if isinstance(value, (list, tuple)):
        return (int(value[0]), int(value[-1]))
    return (int(value), int(value))


def interpolation_matrix(centres: np.ndarray, size: int) -> np.ndarray:
    """(size, len(centres)): row p linearly interpolates the cells at pixel p, flat beyond the ends."""
    centres = np.asarray(centres, dtype=np.float64)
    matrix = np.zeros((size, len(centres)), dtype=np.float32)
    for column in range(len(centres)):
        unit = np.zeros(len(centres))
        unit[column] = 1.0
        matrix[:, column] = np.interp(np.arange(size), centres, unit) if len(centres) > 1 else 1.0
    return matrix


def even_centres(cells: int, size: int) -> np.ndarray:
    """Cells spread evenly over the input (what an image resize would assume)."""
    return (np.arange(cells) + 0.5) * size / cells - 0.5


# ---------------------------------------------------------------- Grad-CAM


class GradCam:
    """Grad-CAM for one model. Build once per model (it traces a graph); use on one thread."""

    def __init__(self, model: Any, metadata, *, layer: str | None = None):
        import keras
        import tensorflow as tf

        model = _single_graph(model)
        self.metadata = metadata
        self.labels = tuple(metadata.labels)
        self.layer = layer or find_target_layer(model)
        try:
            target = model.get_layer(self.layer)
        except ValueError:
            raise ExplainError(f"the model has no layer named '{self.layer}'") from None
        if len(_shape(target.output)) != 4:
            raise ExplainError(f"layer '{self.layer}' is not a grid of image features")
        cascade = metadata.cascade
        try:
            first_member = [model.get_layer(cascade["layer"]).output] if cascade else []
        except ValueError:
            raise ExplainError(f"the model has no layer named '{cascade['layer']}' (its cascade's)") from None
        self._gradient_model = keras.Model(model.inputs, [target.output, _score_tensor(model), *first_member])
        height, width = metadata.input_size
        self.input_size = (int(height), int(width))
        grid = _shape(target.output)[1:3]
        centres = feature_centres(model, self.layer) or (even_centres(grid[0], height), even_centres(grid[1], width))
        self.centres = centres
        self._rows = interpolation_matrix(centres[0], height)  # (H, h)
        self._cols = interpolation_matrix(centres[1], width)  # (W, w)
        flip = "flip" in tuple(metadata.tta)
        below = float(metadata.tta_below)
        gradient_model = self._gradient_model

        def maps(x, classes):
            count = tf.shape(x)[0]
            views = tf.concat([x, tf.reverse(x, axis=[2])], axis=0) if flip else x
            with tf.GradientTape() as tape:
                features, scores, *first_member = gradient_model(views, training=False)
                scores = tf.cast(scores, tf.float32)
                log_p = tf.nn.log_softmax(scores)
                # the app's answer (Predictor.raw_probabilities): mean log-probability over the
                # views, or the image's own where it is sure (at least tta_below)
                combined = (log_p[:count] + log_p[count:]) / 2 if flip else log_p
                if flip and below < 1.0:
                    sure = tf.reduce_max(tf.exp(log_p[:count]), axis=1, keepdims=True) >= below
                    combined = tf.where(sure, log_p[:count], combined)
                top = tf.argmax(combined, axis=1, output_type=tf.int32)
                if cascade:
                    # a sure first member answers alone (Predictor.probabilities)
                    first = tf.nn.softmax(tf.cast(first_member[0][:count], tf.float32) * cascade["scale"])
                    alone = tf.reduce_max(first, axis=1) >= cascade["above"]
                    top = tf.where(alone, tf.argmax(first, axis=1, output_type=tf.int32), top)
                chosen = tf.where(classes < 0, top, classes)
                per_view = tf.concat([chosen, chosen], axis=0) if flip else chosen
                score = tf.reduce_sum(tf.gather(scores, per_view, batch_dims=1))
            gradients = tf.cast(tape.gradient(score, features), tf.float32)
            features = tf.cast(features, tf.float32)
            weights = tf.reduce_mean(gradients, axis=[1, 2], keepdims=True)
            cams = tf.nn.relu(tf.reduce_sum(weights * features, axis=-1))
            if flip:
                cams = (cams[:count] + tf.reverse(cams[count:], axis=[2])) / 2
            return cams, chosen, top

        self._maps = tf.function(
            maps,
            input_signature=[tf.TensorSpec((None, height, width, 3), tf.float32), tf.TensorSpec((None,), tf.int32)],
            reduce_retracing=True,
        )

    @classmethod
    def for_predictor(cls, predictor, *, layer: str | None = None) -> GradCam:
        """Explain the model a Predictor runs, in the precision it runs in."""
        return cls(predictor.model, predictor.metadata, layer=layer)

    def class_index(self, name: str) -> int:
        """The index of a class by name (case-insensitive); ExplainError lists the classes otherwise."""
        for index, label in enumerate(self.labels):
            if label == name or label.lower() == name.lower():
                return index
        raise ExplainError(f"the model has no class '{name}' (its classes: {', '.join(self.labels)})")

    def explain(self, rgb: np.ndarray, class_index: int | None = None, *, answer: int | None = None) -> Explanation:
        """One RGB uint8 image of any size; the model's answer by default, or `class_index`.
        `answer`: the answer the user was given, when it is not the network's alone (a photo's
        answer also weighs the ImageNet classifier's opinion, `Predictor.predict`)."""
        batch = resize_for_model(rgb, self.input_size)[None]
        chosen = answer if class_index is None else class_index
        explanation = self.explain_batch(batch, None if chosen is None else [chosen])[0]
        return explanation if answer is None else replace(explanation, top_index=int(answer))

    def explain_batch(self, batch: np.ndarray, class_indices: Sequence[int | None] | None = None) -> list[Explanation]:
        """Images already at the model's input size, (N, H, W, 3)."""
        batch = np.asarray(batch)
        if batch.ndim != 4 or batch.shape[1:3] != self.input_size:
            raise ValueError(f"expected (N, {self.input_size[0]}, {self.input_size[1]}, 3), got {batch.shape}")
        if class_indices is None:
            class_indices = [None] * len(batch)
        classes = np.array([-1 if c is None else int(c) for c in class_indices], dtype=np.int32)
        if len(classes) != len(batch):
            raise ValueError("one class (or None) per image")
        if np.any(classes >= len(self.labels)) or np.any(classes < -1):
            raise ValueError(f"class index outside 0..{len(self.labels) - 1}")
        cams, chosen, top = self._maps(batch.astype(np.float32), classes)
        cams = np.asarray(cams, dtype=np.float32)
        # (h, w) cells -> (H, W) pixels: rows then columns, linear between the cells' centres
        heat = np.einsum("ph,nhw,qw->npq", self._rows, cams, self._cols)
        result = []
        for index in range(len(batch)):
            strength = float(heat[index].max())
            scaled = heat[index] / strength if strength > 1e-12 else np.zeros_like(heat[index])
            result.append(
                Explanation(
                    self.labels,
                    int(chosen[index]),
                    int(top[index]),
                    np.clip(scaled, 0.0, 1.0).astype(np.float32),
                    strength if strength > 1e-12 else 0.0,
                    self.layer,
                )
            )
        return result


# ---------------------------------------------------------------- pictures (no TensorFlow)


def jet_colours(values: np.ndarray) -> np.ndarray:
    """Values in 0..1 -> RGB uint8 on the "jet" scale (blue, cyan, yellow, red) used by Grad-CAM papers."""
    v = np.clip(np.asarray(values, dtype=np.float32), 0.0, 1.0)[..., None]
    centres = np.array([3.0, 2.0, 1.0], dtype=np.float32)  # red, green, blue peaks at 3/4, 1/2, 1/4
    return (np.clip(1.5 - np.abs(4.0 * v - centres), 0.0, 1.0) * 255 + 0.5).astype(np.uint8)


def resize_heatmap(heatmap: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Stretch a heatmap to (height, width) bilinearly, as the model's squash resize maps it onto the image."""
    height, width = size
    if heatmap.shape == (height, width):
        return heatmap.astype(np.float32)
    image = Image.fromarray(np.ascontiguousarray(heatmap, dtype=np.float32))  # mode "F"
    return np.asarray(image.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32)


def heatmap_rgb(heatmap: np.ndarray, size: tuple[int, int] | None = None) -> np.ndarray:
    """The heatmap as a coloured RGB uint8 picture, optionally stretched to (height, width) first."""
    return jet_colours(resize_heatmap(heatmap, size) if size else heatmap)


def overlay(rgb: np.ndarray, heatmap: np.ndarray, *, opacity: float = DEFAULT_OPACITY) -> np.ndarray:
    """The image with the coloured heatmap blended over it at `opacity` (0: the image, 1: the heatmap)."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 array, got {rgb.shape} {rgb.dtype}")
    opacity = float(np.clip(opacity, 0.0, 1.0))
    colours = heatmap_rgb(heatmap, rgb.shape[:2]).astype(np.float32)
    return np.clip(rgb.astype(np.float32) * (1 - opacity) + colours * opacity + 0.5, 0, 255).astype(np.uint8)


def mass_share(heatmap: np.ndarray, mask: np.ndarray) -> float:
    """The share of the heatmap's total that falls inside a boolean mask (0 for an empty map)."""
    total = float(np.asarray(heatmap, dtype=np.float64).sum())
    return float(np.asarray(heatmap, dtype=np.float64)[mask].sum() / total) if total > 0 else 0.0
