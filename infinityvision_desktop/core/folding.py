"""An inference-only form of a chain model: per-channel affine layers folded into its convolutions.

At inference BatchNormalization, Normalization and Rescaling are per-channel `x * s + t`. Keras
runs each as its own ops, BatchNorm in float32 even in a bfloat16 model, so a bfloat16 conv net
spends much of its time casting and scaling between convolutions. Folded into the neighbouring
convolution or dense layer they cost nothing, and what is left (conv + bias + ReLU, max-pool)
is what oneDNN fuses, so the model runs markedly faster (`bench/bench_model.py` compares the
folded and the Keras model).

Only models whose layers form a single chain of the kinds below are folded; `fold_model` returns
None for anything else and the caller keeps the Keras model. Every fold is exact in real
arithmetic (the tests compare against Keras in float32):
- an affine after a conv/dense (no activation between) scales its kernel and bias;
- an affine before a conv with 'valid' padding, or before a dense layer, scales the kernel's
  input side and moves its shift into the bias ('same' padding would pad with a different zero);
- an affine with positive scales moves back across a max-pool (max commutes with it), and so
  does ReLU, which then fuses with the convolution before it.
Two choices are not folds: a 'same' convolution over an input no bigger than its kernel (the
last 3x3 of a CIFAR net) runs as one matrix multiply, which oneDNN does faster; and the first
layer computes in float32 (see `_trace`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np


@dataclass
class _Op:
    kind: str  # affine, conv, dense, act, maxpool, gmaxpool, gavgpool, flatten
    kernel: np.ndarray | None = None
    bias: np.ndarray | None = None
    scale: np.ndarray | None = None  # affine: per channel (or one value), float64
    shift: np.ndarray | None = None
    act: str = "linear"  # act: relu, leaky_relu, softmax, linear
    slope: float = 0.0  # leaky_relu
    pool: tuple = ()  # pool size
    strides: tuple = ()
    padding: str = "VALID"
    dilation: tuple = (1, 1)


MAX_MATRIX_ENTRIES = 1 << 25  # 32 Mi entries, 64 MB in bfloat16


class _Unsupported(Exception):
    pass


def fold_model(model, *, dtype: str = "float32") -> Callable[[Any], Any] | None:
    """A traced function float32 (N, H, W, C) -> float32 outputs equal to `model(x)` at inference,
    computing in `dtype` ("float32" or "bfloat16"); None when the model cannot be folded."""
    try:
        function = _trace(_fold(_chain_ops(model)), model.inputs[0].shape, dtype)
        function.get_concrete_function()  # traced here, so a failure falls back to Keras too
        return function
    except _Unsupported:
        return None
    except Exception:  # noqa: BLE001 - an unusual layer must not cost the model: Keras still runs it
        logging.getLogger(__name__).warning("model not folded: an unexpected layer configuration", exc_info=True)
        return None


def fold_batchnorm(model, *, policy=None):
    """A copy of a functional Keras `model` that gives its answers at inference with every
    BatchNormalization folded into the convolution before it, where that convolution (no
    activation of its own) feeds nothing else; None when there is none or the copy fails.

    For models `fold_model` cannot take (EfficientNet-Lite's skip connections, an ensemble's two
    branches). Keras runs an unfolded BatchNorm as separate element-wise ops after every
    convolution; folded, the convolution, its bias and the ReLU6 after it are what oneDNN fuses.
    The copy keeps every other layer and its name; `policy` as `architectures.convert_dtype`'s
    (the same copy, so a model is not copied twice), else each layer's own."""
    try:
        config = model.get_config()
        nodes = config["layers"]
        outputs = _endpoints(config["output_layers"])
    except (NotImplementedError, KeyError, TypeError):
        return None  # a subclassed model
    try:
        pairs = _batchnorm_pairs(model, nodes, [out[0] for out in outputs])
        if not pairs:
            return None
        _rewire(config, pairs)
        config["layers"] = [node for node in config["layers"] if node["name"] not in pairs]
        for node in config["layers"]:
            if node["name"] in pairs.values():
                node["config"]["use_bias"] = True
        if policy is not None:
            from infinityvision_desktop.core.architectures import with_policy

            with_policy(config, policy)
        clone = model.__class__.from_config(config)
        convs = {conv: bn for bn, conv in pairs.items()}
        for target in clone.layers:
            source = model.get_layer(target.name)
            if target.name in convs:
                target.set_weights(_folded_weights(source, model.get_layer(convs[target.name])))
            else:
                target.set_weights(source.get_weights())
        return clone
    except Exception:  # noqa: BLE001 - an unusual configuration must not cost the model: Keras still runs it
        logging.getLogger(__name__).warning("BatchNorm not folded: an unexpected configuration", exc_info=True)
        return None


def _batchnorm_pairs(model, nodes, outputs) -> dict[str, str]:
    """{BatchNorm layer: the convolution it folds into}."""
    import keras

    by_name = {node["name"]: node for node in nodes}
    uses: dict[str, int] = dict.fromkeys(outputs, 1)
    for node in nodes:  # every call of every layer: a shared layer reading the conv counts too
        for parent in _references(node.get("inbound_nodes", [])):
            uses[parent] = uses.get(parent, 0) + 1
    pairs = {}
    for node in nodes:
        parents = _parents(node)  # a BatchNorm called more than once gets a marker, not a name
        if node["class_name"] != "BatchNormalization" or len(parents) != 1 or parents[0] not in by_name:
            continue
        bn, conv = model.get_layer(node["name"]), model.get_layer(parents[0])
        if (
            type(bn) is keras.layers.BatchNormalization
            and type(conv) in (keras.layers.Conv2D, keras.layers.DepthwiseConv2D)
            and len(by_name[conv.name].get("inbound_nodes", [])) == 1
            and uses.get(conv.name) == 1
            and conv.data_format == "channels_last"
            and keras.activations.serialize(conv.activation) == "linear"
            and not getattr(conv, "quantization_mode", None)
            and bn.axis in (-1, 3)
            and not getattr(bn, "renorm", False)
        ):
            pairs[bn.name] = conv.name
    return pairs


def _rewire(value, renamed: dict[str, str]) -> None:
    """Point every reference to a layer in `renamed` at its replacement, in place."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            history = value["config"]["keras_history"]
            history[0] = renamed.get(history[0], history[0])
            return
        for key, item in value.items():
            if key in ("input_layers", "output_layers"):
                for endpoint in _endpoints(item):
                    endpoint[0] = renamed.get(endpoint[0], endpoint[0])
            else:
                _rewire(item, renamed)
    elif isinstance(value, (list, tuple)):  # a node's arguments are a tuple
        for item in value:
            _rewire(item, renamed)


def _folded_weights(conv, bn) -> list[np.ndarray]:
    import keras

    w, c = _weights(bn), _weights(conv)
    kernel = c["kernel"]
    scale = w.get("gamma", 1.0) / np.sqrt(w["moving_variance"] + bn.epsilon)
    bias = (c.get("bias", 0.0) - w["moving_mean"]) * scale + w.get("beta", 0.0)
    # output channels: a conv kernel's last axis; a depthwise kernel's input channel x multiplier
    depthwise = isinstance(conv, keras.layers.DepthwiseConv2D)
    kernel = kernel * scale.reshape(kernel.shape[2:] if depthwise else (-1,))
    dtype = conv.get_weights()[0].dtype
    return [kernel.astype(dtype), bias.astype(dtype)]


# ----------------------------------------------------------------- reading the Keras model


def _chain_ops(model) -> list[_Op]:
    """The model's layers as ops, when each takes the one before it as its only input.

    Read from the model's config, not from `layer.input`: a layer also used in another model
    (VGG16's, taken from keras.applications) answers that one's input there."""
    try:
        config = model.get_config()
        nodes = config["layers"]
        inputs, outputs = _endpoints(config["input_layers"]), _endpoints(config["output_layers"])
    except (NotImplementedError, KeyError, TypeError):
        raise _Unsupported from None  # a subclassed model
    if len(inputs) != 1 or len(outputs) != 1:
        raise _Unsupported
    ops: list[_Op] = []
    previous = None
    for node in nodes:
        if node["class_name"] == "InputLayer":
            if previous is not None:
                raise _Unsupported
            previous = node["name"]
            continue
        if _parents(node) != [previous]:
            raise _Unsupported  # a branch, a skip connection or a layer called twice
        ops += _layer_ops(model.get_layer(node["name"]))
        previous = node["name"]
    if outputs[0][0] != previous:
        raise _Unsupported
    return ops


def _endpoints(value) -> list:
    # one input or output is written [name, node, tensor]; several as a list of those
    return [value] if value and isinstance(value[0], str) else list(value)


def _parents(node) -> list[str]:
    """Names of the layers whose outputs a layer's config says it takes."""
    if len(node.get("inbound_nodes", [])) != 1:
        return ["(called more than once)"]
    return _references(node["inbound_nodes"])


def _references(value) -> list[str]:
    """Names of the layers whose outputs are referred to anywhere in `value` (part of a config)."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            if value.get("class_name") == "__keras_tensor__":
                found.append(value["config"]["keras_history"][0])
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(value)
    return found


def _activation(fn) -> list[_Op]:
    import keras

    name = keras.activations.serialize(fn)
    name = name if isinstance(name, str) else getattr(fn, "__name__", "")
    if name == "linear":
        return []
    if name in ("relu", "softmax"):
        return [_Op("act", act=name)]
    raise _Unsupported


def _weights(layer) -> dict[str, np.ndarray]:
    return {w.path.rsplit("/", 1)[-1]: np.asarray(w.numpy(), dtype=np.float64) for w in layer.weights}


def _layer_ops(layer) -> list[_Op]:
    from keras import layers

    kind = type(layer)
    if kind is layers.Dropout:
        return []
    if getattr(layer, "quantization_mode", None) or getattr(layer, "lora_enabled", False):
        raise _Unsupported
    w = _weights(layer)
    if kind is layers.Conv2D:
        if layer.data_format != "channels_last" or layer.groups != 1:
            raise _Unsupported
        kernel = w["kernel"]
        bias = w.get("bias", np.zeros(kernel.shape[-1]))
        return [
            _Op(
                "conv",
                kernel=kernel,
                bias=bias,
                strides=tuple(layer.strides),
                padding=layer.padding.upper(),
                dilation=tuple(layer.dilation_rate),
            )
        ] + _activation(layer.activation)
    if kind is layers.Dense:
        kernel = w["kernel"]
        if kernel.ndim != 2:
            raise _Unsupported
        bias = w.get("bias", np.zeros(kernel.shape[-1]))
        return [_Op("dense", kernel=kernel, bias=bias)] + _activation(layer.activation)
    if kind is layers.BatchNormalization:
        rank = layer.input_spec.ndim if layer.input_spec is not None else None
        if rank is None or layer.axis not in (-1, rank - 1) or getattr(layer, "renorm", False):
            raise _Unsupported
        inv = 1.0 / np.sqrt(w["moving_variance"] + layer.epsilon)
        scale = inv * w.get("gamma", 1.0)
        shift = w.get("beta", 0.0) - w["moving_mean"] * scale
        return [_Op("affine", scale=scale, shift=shift)]
    if kind is layers.Normalization:
        import keras

        mean = np.asarray(layer.mean, np.float64)  # shaped to broadcast: one axis per input axis
        if layer.invert or tuple(layer.axis) not in ((-1,), (mean.ndim - 1,)):
            raise _Unsupported
        mean = mean.reshape(-1)
        std = np.maximum(np.sqrt(np.asarray(layer.variance, np.float64).reshape(-1)), keras.config.epsilon())
        return [_Op("affine", scale=1.0 / std, shift=-mean / std)]
    if kind is layers.Rescaling:
        return [
            _Op(
                "affine",
                scale=np.asarray(layer.scale, np.float64).reshape(-1),
                shift=np.asarray(layer.offset, np.float64).reshape(-1),
            )
        ]
    if kind is layers.Activation:
        return _activation(layer.activation)
    if kind is layers.ReLU:
        if layer.max_value is not None or layer.threshold != 0:
            raise _Unsupported
        return (
            [_Op("act", act="leaky_relu", slope=float(layer.negative_slope))]
            if layer.negative_slope
            else [_Op("act", act="relu")]
        )
    if kind is layers.LeakyReLU:
        return [_Op("act", act="leaky_relu", slope=float(layer.negative_slope))]
    if kind is layers.MaxPooling2D:
        if layer.data_format != "channels_last":
            raise _Unsupported
        return [
            _Op("maxpool", pool=tuple(layer.pool_size), strides=tuple(layer.strides), padding=layer.padding.upper())
        ]
    if kind in (layers.GlobalMaxPooling2D, layers.GlobalAveragePooling2D):
        if layer.data_format != "channels_last" or layer.keepdims:
            raise _Unsupported
        return [_Op("gmaxpool" if kind is layers.GlobalMaxPooling2D else "gavgpool")]
    if kind is layers.Flatten:
        return [_Op("flatten")]
    raise _Unsupported


# ----------------------------------------------------------------- folding


def _fold(ops: list[_Op]) -> list[_Op]:
    ops = list(ops)
    changed = True
    while changed:
        changed = False
        for i, op in enumerate(ops):
            before = ops[i - 1] if i else None
            after = ops[i + 1] if i + 1 < len(ops) else None
            if (
                op.kind == "act"
                and op.act in ("relu", "leaky_relu")
                and before is not None
                and before.kind == "maxpool"
            ):
                ops[i - 1 : i + 1] = [op, before]  # monotone, so it commutes; next to the conv oneDNN fuses it
                changed = True
                break
            if op.kind != "affine":
                continue
            if after is not None and after.kind == "affine":
                ops[i : i + 2] = [
                    _Op("affine", scale=op.scale * after.scale, shift=op.shift * after.scale + after.shift)
                ]
            elif before is not None and before.kind in ("conv", "dense"):
                ops[i - 1 : i + 1] = [
                    replace(before, kernel=before.kernel * op.scale, bias=before.bias * op.scale + op.shift)
                ]
            elif before is not None and before.kind in ("maxpool", "gmaxpool") and np.all(op.scale > 0):
                ops[i - 1 : i + 1] = [op, before]
            elif after is not None and (after.kind == "dense" or (after.kind == "conv" and after.padding == "VALID")):
                channels, outputs = after.kernel.shape[-2:]
                scale = np.broadcast_to(op.scale, (channels,))[:, None]
                shift = np.broadcast_to(op.shift, (channels,))[:, None]
                bias = after.bias + (after.kernel * shift).reshape(-1, outputs).sum(axis=0)
                kernel = after.kernel * scale
                ops[i : i + 2] = [replace(after, kernel=kernel, bias=bias)]
            else:
                continue
            changed = True
            break
    return ops


# ----------------------------------------------------------------- the traced function


def _trace(ops: list[_Op], input_shape, dtype: str):
    import tensorflow as tf

    compute = tf.bfloat16 if dtype == "bfloat16" else tf.float32
    # Up to the first conv/dense (and its activation) in float32: it takes the raw 0-255 pixels
    # and, folded, the input normalisation, whose nearly cancelling terms bfloat16's 8 bits lose.
    # In bfloat16 the bundled model lost test accuracy here; in float32 (a small layer: 3 input
    # channels, so it costs little) it gives the float32 model's top class for all but a handful
    # of test images (bench/bench_model.py counts them).
    first = next((i for i, op in enumerate(ops) if op.kind in ("conv", "dense")), len(ops))
    if first + 1 < len(ops) and ops[first + 1].kind == "act" and ops[first + 1].act != "softmax":
        first += 1

    def constant(array, dtype):
        # made eagerly and captured by the graph (a large constant embedded in the graph makes
        # tracing slow); in the dtype the tensor it meets has, float32 up to `first`
        with tf.init_scope():
            return tf.constant(array, dtype)

    def forward(x):
        x = tf.cast(x, tf.float32)
        for i, op in enumerate(ops):
            if i == first + 1:
                x = tf.cast(x, compute)
            if op.kind == "conv" and _small_same_conv(op, x.shape):
                height, width = x.shape[1:3]
                matrix = constant(_conv_matrix(op.kernel, height, width), x.dtype)
                bias = constant(np.tile(op.bias, height * width), x.dtype)
                x = tf.nn.bias_add(tf.matmul(tf.reshape(x, (-1, height * width * op.kernel.shape[2])), matrix), bias)
                x = tf.reshape(x, (-1, height, width, op.kernel.shape[3]))
            elif op.kind == "conv":
                kernel, bias = constant(op.kernel, x.dtype), constant(op.bias, x.dtype)
                x = tf.nn.bias_add(tf.nn.conv2d(x, kernel, op.strides, op.padding, dilations=op.dilation), bias)
            elif op.kind == "dense":
                x = tf.nn.bias_add(tf.matmul(x, constant(op.kernel, x.dtype)), constant(op.bias, x.dtype))
            elif op.kind == "affine":
                x = x * constant(op.scale, x.dtype) + constant(op.shift, x.dtype)
            elif op.kind == "maxpool":
                x = tf.nn.max_pool2d(x, op.pool, op.strides, op.padding)
            elif op.kind == "gmaxpool":
                x = tf.reduce_max(x, axis=[1, 2])
            elif op.kind == "gavgpool":
                x = tf.reduce_mean(x, axis=[1, 2])
            elif op.kind == "flatten":
                x = tf.reshape(x, (tf.shape(x)[0], -1))
            elif op.act == "relu":
                x = tf.nn.relu(x)
            elif op.act == "leaky_relu":
                x = tf.nn.leaky_relu(x, op.slope)
            elif op.act == "softmax":
                # in float32, as the Keras models' output layer: probabilities that sum to 1
                x = tf.nn.softmax(tf.cast(x, tf.float32))
        return tf.cast(x, tf.float32)

    spec = tf.TensorSpec((None, *input_shape[1:]), tf.float32)
    # no AutoGraph: nothing here branches on a tensor, so its conversion would only add tracing time
    return tf.function(forward, input_signature=[spec], reduce_retracing=True, autograph=False)


def _small_same_conv(op: _Op, shape) -> bool:
    """A 'same' convolution over an input no bigger than its kernel (the last 3x3 of a CIFAR net):
    on so few pixels oneDNN runs it faster as one matrix multiply than as a convolution (seen in
    its own log, `ONEDNN_VERBOSE=1`, per primitive)."""
    height, width = shape[1], shape[2]
    kernel_height, kernel_width, channels_in, channels_out = op.kernel.shape
    return (
        op.padding == "SAME"
        and op.strides == (1, 1)
        and op.dilation == (1, 1)
        and height is not None
        and width is not None
        and height <= kernel_height
        and width <= kernel_width
        and height * width > 1
        # the matrix has (pixels x channels)^2 entries: 12 million for the bundled model's
        # 3x3x384; a wider layer keeps its convolution rather than a matrix of gigabytes
        and (height * width) ** 2 * channels_in * channels_out <= MAX_MATRIX_ENTRIES
    )


def _conv_matrix(kernel: np.ndarray, height: int, width: int) -> np.ndarray:
    """The matrix (input pixels x channels, output pixels x channels) of a stride-1 'same'
    convolution over a height x width input: row-major pixels, as a reshape lays them out."""
    kernel_height, kernel_width, channels_in, channels_out = kernel.shape
    matrix = np.zeros((height, width, channels_in, height, width, channels_out), np.float32)
    top, left = (kernel_height - 1) // 2, (kernel_width - 1) // 2  # TensorFlow's 'same' padding
    for out_y in range(height):
        for out_x in range(width):
            for dy in range(kernel_height):
                for dx in range(kernel_width):
                    in_y, in_x = out_y + dy - top, out_x + dx - left
                    if 0 <= in_y < height and 0 <= in_x < width:
                        matrix[in_y, in_x, :, out_y, out_x, :] = kernel[dy, dx]
    return matrix.reshape(height * width * channels_in, height * width * channels_out)
