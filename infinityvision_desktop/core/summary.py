"""A model's structure as a plain value: layers, output shapes, parameter counts, file size.

`summarize()` reads a loaded Keras model where the model lives (the inference worker's thread)
and returns a frozen `ModelSummary` that can cross to the GUI thread; the model view shows it
without touching Keras. Nothing here imports TensorFlow: it only reads attributes of the model
it is given.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LayerSummary:
    name: str
    kind: str  # the Keras class name: "Conv2D", "Dense", ...
    output_shape: tuple[int | None, ...]  # with the batch dimension (None)
    parameters: int
    trainable_parameters: int

    @property
    def frozen_parameters(self) -> int:
        return self.parameters - self.trainable_parameters


@dataclass(frozen=True)
class ModelSummary:
    name: str
    layers: tuple[LayerSummary, ...]
    total_parameters: int
    trainable_parameters: int
    frozen_parameters: int  # frozen layers and BatchNorm statistics
    input_size: tuple[int, int]  # height, width
    file_bytes: int | None = None
    path: str | None = None


def summarize(model: Any, path: str | os.PathLike | None = None) -> ModelSummary:
    """Describe a built Keras model; `path` adds the size of its file. Call on the model's thread."""
    layers = []
    for layer in model.layers:
        trainable = _count(layer.trainable_weights)
        layers.append(
            LayerSummary(
                name=layer.name,
                kind=type(layer).__name__,
                output_shape=_output_shape(layer),
                parameters=trainable + _count(layer.non_trainable_weights),
                trainable_parameters=trainable,
            )
        )
    input_shape = tuple(model.inputs[0].shape) if getattr(model, "inputs", None) else ()
    size = (
        (int(input_shape[1]), int(input_shape[2])) if len(input_shape) == 4 and None not in input_shape[1:3] else (0, 0)
    )
    trainable = _count(model.trainable_weights)
    frozen = _count(model.non_trainable_weights)
    file_bytes = None
    if path is not None:
        try:
            file_bytes = os.path.getsize(path)
        except OSError:
            file_bytes = None
    return ModelSummary(
        name=str(model.name),
        layers=tuple(layers),
        total_parameters=trainable + frozen,
        trainable_parameters=trainable,
        frozen_parameters=frozen,
        input_size=size,
        file_bytes=file_bytes,
        path=os.fspath(path) if path is not None else None,
    )


def _count(weights) -> int:
    # from the shapes: reading the values (v.numpy()) would copy every weight
    return sum(math.prod(int(d) for d in w.shape) for w in weights)


def _output_shape(layer) -> tuple[int | None, ...]:
    try:
        shape = layer.output.shape
    except (AttributeError, ValueError, RuntimeError):
        return ()  # a layer used more than once, or not called yet: no single output shape
    return tuple(None if d is None else int(d) for d in shape)


def format_bytes(count: int | None) -> str:
    """'2.3 MB' (decimal units, as file managers show them)."""
    if count is None:
        return "?"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"
