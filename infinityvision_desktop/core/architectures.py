"""The networks the app can train, built from built-in Keras layers only.

Built-in layers only, so a saved model loads under safe_mode with no custom objects and no
code from the file. Layer names carry the structure the fine-tune pipeline needs:
``blockN_*`` for the body (unfrozen from the top down) and ``head_*`` for the classifier.

- ``airbench`` (a): the fast 32x32 CNN of the bundled model, after Keller Jordan's airbench:
  a frozen 2x2 whitening convolution computed from the data, three conv groups
  (conv, max-pool, BatchNorm, activation, conv, BatchNorm, activation), global max-pool and a
  scaled linear head. ReLU, not airbench's GELU: on a CPU in bfloat16 GELU trains much slower,
  more than its accuracy is worth per minute (`bench/bench_model.py --activations` times both).
- ``vgg16`` (b): the predecessor InfinityVision's transfer model: VGG16 base, Flatten,
  Dense 256 ReLU, Dropout 0.5, softmax, at any input size.
- ``pic-cnn`` (c): the predecessor ProjectImageClassifier's 32x32 CNN, for comparison.
- ``efficientnet-lite0`` (d): EfficientNet-Lite0 (Tan & Le, 2019; ReLU6, no squeeze-excitation)
  started from ImageNet weights (the converted backbone in ``models/``, see
  ``models/convert_efficientnet_lite.py``). It takes the same 32x32 images as the others and
  upsamples them inside the model to ``backbone_size``, so every model of the app shares one
  resize function and one input size; ImageNet features need the larger image to see detail.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ARCHITECTURES = ("airbench", "vgg16", "pic-cnn", "efficientnet-lite0")
DEFAULT_INPUT_SIZE = {"airbench": 32, "vgg16": 128, "pic-cnn": 32, "efficientnet-lite0": 32}
PRETRAINED_ARCHITECTURES = ("vgg16", "efficientnet-lite0")  # fine-tuned from ImageNet weights
AIRBENCH_WIDTHS = {"small": (64, 256, 256), "large": (128, 384, 384)}

# CIFAR-10 channel statistics on the 0-255 scale; the model normalises its own input.
CIFAR_MEAN = (125.3, 123.0, 113.9)
CIFAR_STD = (63.0, 62.1, 66.7)
# ImageNet channel statistics on the 0-255 scale, as the EfficientNet-Lite weights were trained with
IMAGENET_MEAN = (0.485 * 255, 0.456 * 255, 0.406 * 255)
IMAGENET_STD = (0.229 * 255, 0.224 * 255, 0.225 * 255)
# EfficientNet-Lite0's stages: (repeats, kernel, stride, expansion, output channels); stem 32, head 1280
LITE0_STAGES = (
    (1, 3, 1, 1, 16),
    (2, 3, 2, 6, 24),
    (2, 5, 2, 6, 40),
    (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112),
    (4, 5, 2, 6, 192),
    (1, 3, 1, 6, 320),
)
LITE0_FEATURES = 1280
BACKBONE_FILES = {"efficientnet-lite0": "efficientnet_lite0_imagenet.h5"}
DEFAULT_BACKBONE_SIZE = 96
# caffe-style VGG16 means, in RGB order (the first conv's kernel is flipped to take RGB)
VGG_MEAN_RGB = (123.68, 116.779, 103.939)
VGG_WEIGHTS_FILE = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"

_BLOCK = re.compile(r"^block(\d+)_")


class ArchitectureError(Exception):
    """A model that cannot be built here, with the reason for people."""


@contextmanager
def dtype_policy(name: str):
    """Build layers under a dtype policy and put the global one back afterwards."""
    import keras

    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)


def bfloat16_supported() -> bool:
    """True where the CPU computes bfloat16 natively (AVX-512 BF16 or AMX); elsewhere it is slower."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            flags = handle.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def build_model(
    arch: str,
    *,
    num_classes: int,
    input_size: int | None = None,
    widths: tuple[int, int, int] | str = "small",
    whitening_images: np.ndarray | None = None,
    vgg_weights: str | None = "imagenet",
    mixed_precision: bool = False,
    activation: str = "relu",
    backbone_size: int = DEFAULT_BACKBONE_SIZE,
    backbone_weights: str | None = "imagenet",
):
    """A new, compiled-nothing Keras model of the named architecture."""
    if arch not in ARCHITECTURES:
        raise ArchitectureError(f"unknown architecture '{arch}': choose one of {', '.join(ARCHITECTURES)}")
    size = int(input_size or DEFAULT_INPUT_SIZE[arch])
    with dtype_policy("mixed_bfloat16" if mixed_precision else "float32"):
        if arch == "airbench":
            if isinstance(widths, str):
                widths = AIRBENCH_WIDTHS[widths]
            return _airbench(num_classes, size, tuple(widths), whitening_images, activation)
        if arch == "vgg16":
            return _vgg16(num_classes, size, vgg_weights)
        if arch == "efficientnet-lite0":
            return _efficientnet_lite(num_classes, size, backbone_size, backbone_weights)
        return _pic_cnn(num_classes, size)


def _airbench(num_classes: int, size: int, widths: tuple[int, int, int], whitening_images, activation: str = "relu"):
    import keras
    from keras import layers

    # PyTorch's default init (uniform, bound 1/sqrt(fan_in)), as airbench was tuned with: Glorot's
    # larger weights shrink the effective learning rate of the scale-free convs behind BatchNorm
    init = keras.initializers.VarianceScaling(scale=1 / 3, mode="fan_in", distribution="uniform")
    inputs = keras.Input((size, size, 3), name="image")
    x = layers.Normalization(mean=list(CIFAR_MEAN), variance=[s * s for s in CIFAR_STD], name="preprocess")(inputs)
    whiten = layers.Conv2D(24, 2, padding="valid", name="whiten")
    x = whiten(x)
    x = layers.Activation(activation, name="whiten_act")(x)
    for block, width in enumerate(widths, start=1):
        x = layers.Conv2D(
            width, 3, padding="same", use_bias=False, kernel_initializer=init, name=f"block{block}_conv1"
        )(x)
        x = layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
        # scale=False: BatchNorm's scale is redundant before ReLU and a conv; airbench freezes it too
        # momentum 0.6 = PyTorch's 0.4: airbench's fast-moving statistics for short runs
        x = layers.BatchNormalization(scale=False, momentum=0.6, epsilon=1e-5, name=f"block{block}_bn1")(x)
        x = layers.Activation(activation, name=f"block{block}_act1")(x)
        x = layers.Conv2D(
            width, 3, padding="same", use_bias=False, kernel_initializer=init, name=f"block{block}_conv2"
        )(x)
        x = layers.BatchNormalization(scale=False, momentum=0.6, epsilon=1e-5, name=f"block{block}_bn2")(x)
        x = layers.Activation(activation, name=f"block{block}_act2")(x)
    x = layers.GlobalMaxPooling2D(name="head_pool")(x)
    x = layers.Dense(num_classes, use_bias=False, kernel_initializer=init, name="head_dense")(x)
    # airbench's 1/9 logit scale: keeps early logits small, as label smoothing wants
    x = layers.Rescaling(1 / 9, name="head_scale")(x)
    outputs = layers.Activation("softmax", dtype="float32", name="head_softmax")(x)
    model = keras.Model(inputs, outputs, name="airbench")
    _dirac_init(model)
    if whitening_images is not None and len(whitening_images):
        kernel, bias = whitening_weights(whitening_images)
        whiten.set_weights([kernel, bias])
        whiten.trainable = False  # fixed by the data, as in airbench
    return model


def _dirac_init(model) -> None:
    """airbench's start: each block conv passes its first input channels through unchanged,
    so the fresh network begins near identity and trains faster."""
    for layer in model.layers:
        if layer.name.startswith("block") and "_conv" in layer.name:
            kernel = layer.get_weights()[0]
            channels = min(kernel.shape[2], kernel.shape[3])
            kernel[:, :, :channels, :channels] = 0.0
            centre = kernel.shape[0] // 2
            kernel[centre, centre, np.arange(channels), np.arange(channels)] = 1.0
            layer.set_weights([kernel])


def whitening_weights(images: np.ndarray, *, eps: float = 5e-4) -> tuple[np.ndarray, np.ndarray]:
    """A 2x2 conv kernel that whitens the patches of (normalised) images: eigenvectors / sqrt(eigenvalues),
    with the negated copy so ReLU keeps both signs (24 filters)."""
    x = (images.astype(np.float32) - np.float32(CIFAR_MEAN)) / np.float32(CIFAR_STD)
    patches = np.lib.stride_tricks.sliding_window_view(x, (2, 2), axis=(1, 2))  # N,H-1,W-1,C,2,2
    patches = patches.transpose(0, 1, 2, 4, 5, 3).reshape(-1, 12).astype(np.float64)
    covariance = patches.T @ patches / len(patches)
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    filters = (eigenvectors / np.sqrt(eigenvalues + eps)).T  # rows: one filter each
    filters = np.concatenate([filters, -filters])  # 24, 12
    kernel = filters.reshape(24, 2, 2, 3).transpose(1, 2, 3, 0).astype(np.float32)
    return kernel, np.zeros(24, np.float32)


def _vgg16(num_classes: int, size: int, weights: str | None):
    import keras
    from keras import layers

    weights_arg = _vgg16_weights(weights)
    try:
        base = keras.applications.VGG16(include_top=False, weights=weights_arg, input_shape=(size, size, 3))
    except Exception as exc:  # download and file errors come in many types
        raise ArchitectureError(f"VGG16 ImageNet weights could not be loaded ({exc}); {_VGG_HINT}") from None
    inputs = keras.Input((size, size, 3), name="image")
    x = layers.Normalization(mean=list(VGG_MEAN_RGB), variance=[1.0, 1.0, 1.0], name="preprocess")(inputs)
    for layer in base.layers[1:]:
        x = layer(x)
    if weights_arg is not None:
        # the ImageNet kernel expects BGR; flipping its input channels lets the model take RGB
        first = base.get_layer("block1_conv1")
        kernel, bias = first.get_weights()
        first.set_weights([kernel[:, :, ::-1, :], bias])
    x = layers.Flatten(name="head_flatten")(x)
    x = layers.Dense(256, activation="relu", name="head_fc")(x)
    x = layers.Dropout(0.5, name="head_dropout")(x)
    x = layers.Dense(num_classes, name="head_dense")(x)
    outputs = layers.Activation("softmax", dtype="float32", name="head_softmax")(x)
    return keras.Model(inputs, outputs, name="vgg16_transfer")


_VGG_HINT = (
    f"without internet, put '{VGG_WEIGHTS_FILE}' in ~/.keras/models/ or set "
    "INFINITYVISION_VGG16_WEIGHTS to its path, or train without ImageNet weights"
)


def check_vgg16_weights(weights: str | None = "imagenet") -> str | None:
    """Where VGG16's weights would come from (a file, "imagenet" to download, None for random);
    raises ArchitectureError with the reason when they cannot be had. No TensorFlow needed."""
    return _vgg16_weights(weights)


def _vgg16_weights(weights: str | None) -> str | None:
    """'imagenet', a local file, or None (random start, for tests and offline comparisons)."""
    if weights in (None, "none"):
        return None
    local = os.environ.get("INFINITYVISION_VGG16_WEIGHTS")
    if weights != "imagenet":
        local = weights
    if local:
        if not Path(local).is_file():
            raise ArchitectureError(f"VGG16 weights file not found: {local}")
        return local
    cached = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "models" / VGG_WEIGHTS_FILE
    if cached.is_file():
        return str(cached)
    try:
        socket.create_connection(("storage.googleapis.com", 443), timeout=3).close()
    except OSError as exc:
        raise ArchitectureError(
            f"VGG16 ImageNet weights cannot be downloaded (no connection: {exc.strerror or exc}); {_VGG_HINT}"
        ) from None
    return "imagenet"


def lite0_body(x, *, dropout: float = 0.2):
    """EfficientNet-Lite0 from its stem to the pooled 1280 features, on a normalised tensor.

    Layer names: ``stem_*``, ``blockN_*`` for the 16 inverted-residual blocks (N = 1..16, bottom
    to top) and ``block17_*`` for the 1x1 head conv, so `freeze_for_stage` opens it from the top.
    BatchNorm epsilon 1e-3 and TF-style 'same' padding, as the weights were trained.
    """
    from keras import layers

    def bn_act(t, name, act=True):
        t = layers.BatchNormalization(epsilon=1e-3, momentum=0.99, name=f"{name}_bn")(t)
        return layers.ReLU(max_value=6.0, name=f"{name}_act")(t) if act else t

    x = layers.Conv2D(32, 3, strides=2, padding="same", use_bias=False, name="stem_conv")(x)
    x = bn_act(x, "stem")
    channels, block = 32, 0
    for repeats, kernel, stride, expand, out in LITE0_STAGES:
        for r in range(repeats):
            block += 1
            name = f"block{block}"
            inputs = x
            if expand != 1:
                x = layers.Conv2D(channels * expand, 1, use_bias=False, name=f"{name}_expand_conv")(x)
                x = bn_act(x, f"{name}_expand")
            x = layers.DepthwiseConv2D(
                kernel, strides=stride if r == 0 else 1, padding="same", use_bias=False, name=f"{name}_dwconv"
            )(x)
            x = bn_act(x, f"{name}_dw")
            x = layers.Conv2D(out, 1, use_bias=False, name=f"{name}_project_conv")(x)
            x = bn_act(x, f"{name}_project", act=False)
            if r > 0:  # same shape: the residual connection (the first block of a stage changes it)
                x = layers.Add(name=f"{name}_add")([x, inputs])
            channels = out
    x = layers.Conv2D(LITE0_FEATURES, 1, use_bias=False, name="block17_conv")(x)
    x = bn_act(x, "block17")
    x = layers.GlobalAveragePooling2D(name="head_pool")(x)
    if dropout:
        x = layers.Dropout(dropout, name="head_dropout")(x)
    return x


def lite0_imagenet_model(size: int = 224):
    """EfficientNet-Lite0 with its 1000-class ImageNet classifier: the converted backbone file's layout."""
    import keras
    from keras import layers

    inputs = keras.Input((size, size, 3), name="image")
    x = layers.Normalization(mean=list(IMAGENET_MEAN), variance=[s * s for s in IMAGENET_STD], name="preprocess")(
        inputs
    )
    x = lite0_body(x)
    x = layers.Dense(1000, name="imagenet_dense")(x)
    outputs = layers.Activation("softmax", dtype="float32", name="imagenet_softmax")(x)
    return keras.Model(inputs, outputs, name="efficientnet_lite0_imagenet")


def backbone_path(arch: str = "efficientnet-lite0") -> Path:
    from infinityvision_desktop.paths import models_dir

    return models_dir() / BACKBONE_FILES[arch]


def _efficientnet_lite(num_classes: int, size: int, backbone_size: int, weights: str | None):
    import keras
    from keras import layers

    inputs = keras.Input((size, size, 3), name="image")
    x = inputs
    if backbone_size != size:
        x = layers.Resizing(backbone_size, backbone_size, interpolation="bilinear", name="upsample")(x)
    x = layers.Normalization(mean=list(IMAGENET_MEAN), variance=[s * s for s in IMAGENET_STD], name="preprocess")(x)
    x = lite0_body(x)
    x = layers.Dense(num_classes, name="head_dense")(x)
    outputs = layers.Activation("softmax", dtype="float32", name="head_softmax")(x)
    model = keras.Model(inputs, outputs, name="efficientnet_lite0")
    if weights not in (None, "none"):
        copy_backbone_weights(model, backbone_path() if weights == "imagenet" else Path(weights))
    return model


def copy_backbone_weights(model, path: Path) -> None:
    """Sets every body layer of `model` from the same-named layer of the backbone file."""
    from infinityvision_desktop.core.modelfile import ModelFileError, load_model_file

    try:
        backbone = load_model_file(path).model
    except (ModelFileError, OSError) as exc:
        raise ArchitectureError(f"the ImageNet backbone {path.name} could not be loaded ({exc})") from None
    source = {layer.name: layer for layer in backbone.layers}
    for layer in model.layers:
        if layer.name.startswith(("stem_", "block")) and layer.weights:
            layer.set_weights(source[layer.name].get_weights())


def _pic_cnn(num_classes: int, size: int):
    import keras
    from keras import layers

    inputs = keras.Input((size, size, 3), name="image")
    x = layers.Rescaling(1 / 255, name="preprocess")(inputs)
    for block, filters in enumerate((32, 64, 128), start=1):
        for conv in (1, 2):
            x = layers.Conv2D(filters, 3, padding="same", name=f"block{block}_conv{conv}")(x)
            x = layers.LeakyReLU(negative_slope=0.1, name=f"block{block}_act{conv}")(x)
            x = layers.BatchNormalization(name=f"block{block}_bn{conv}")(x)
        x = layers.MaxPooling2D(2, name=f"block{block}_pool")(x)
        x = layers.Dropout(0.2, name=f"block{block}_dropout")(x)
    x = layers.Flatten(name="head_flatten")(x)
    for i, units in enumerate((2048, 2048, 1024, 512), start=1):
        x = layers.Dense(units, name=f"head_fc{i}")(x)
        x = layers.LeakyReLU(negative_slope=0.1, name=f"head_act{i}")(x)
        x = layers.BatchNormalization(name=f"head_bn{i}")(x)
        x = layers.Dropout(0.5, name=f"head_dropout{i}")(x)
    x = layers.Dense(num_classes, name="head_dense")(x)
    outputs = layers.Activation("softmax", dtype="float32", name="head_softmax")(x)
    return keras.Model(inputs, outputs, name="pic_cnn")


# ---------------------------------------------------------------- fine-tuning helpers


def block_names(model) -> list[int]:
    """Block numbers of the body, bottom to top."""
    return sorted({int(m.group(1)) for layer in model.layers if (m := _BLOCK.match(layer.name))})


def is_head(layer) -> bool:
    return layer.name.startswith("head_")


def freeze_for_stage(model, stage: str, *, unfreeze_blocks: int = 0) -> None:
    """'head': only head_* layers train; 'fine': also the top N blocks; 'all': everything.

    BatchNorm stays frozen (inference mode) in fine-tuning, as keras-io's transfer guide
    advises: re-estimating its statistics on a small dataset wrecks what the base learned.
    """
    blocks = block_names(model)
    open_blocks = set(blocks[-unfreeze_blocks:]) if unfreeze_blocks > 0 else set()
    for layer in model.layers:
        if stage == "all":
            # a whitening layer fixed by the data stays fixed
            layer.trainable = layer.trainable if layer.name == "whiten" else True
            continue
        if is_head(layer):
            layer.trainable = True
            continue
        match = _BLOCK.match(layer.name)
        in_open_block = stage == "fine" and match is not None and int(match.group(1)) in open_blocks
        is_norm = "BatchNormalization" in type(layer).__name__
        layer.trainable = in_open_block and not is_norm


def replace_head(model, num_classes: int):
    """The same body with a new classifier for `num_classes` (when the classes differ)."""
    import keras
    from keras import layers

    dense = (
        model.get_layer("head_dense")
        if "head_dense" in [l.name for l in model.layers]
        else [l for l in model.layers if isinstance(l, layers.Dense)][-1]
    )
    features = dense.input
    x = layers.Dense(num_classes, use_bias=dense.use_bias, name="head_dense_new")(features)
    after = [l for l in model.layers[model.layers.index(dense) + 1 :] if isinstance(l, layers.Rescaling)]
    if after:
        x = layers.Rescaling(after[0].scale, name="head_scale_new")(x)
    outputs = layers.Activation("softmax", dtype="float32", name="head_softmax_new")(x)
    return keras.Model(model.inputs, outputs, name=model.name)


def convert_dtype(model, policy: str | Callable[[str], str]):
    """A copy of `model` whose layers compute under `policy` (e.g. float32 for export), same weights;
    a function of the layer's name gives each layer its own."""

    config = with_policy(model.get_config(), policy)
    clone = model.__class__.from_config(config)
    clone.set_weights(model.get_weights())
    for source, target in zip(model.layers, clone.layers):
        target.trainable = source.trainable
    return clone


def with_policy(config: dict, policy: str | Callable[[str], str]) -> dict:
    """A model config whose layers compute under `policy` (see `convert_dtype`), rewritten in place."""

    def rewrite(node, layer_name=""):
        if isinstance(node, dict):
            name = node.get("name", layer_name) if isinstance(node.get("name"), str) else layer_name
            for key, value in list(node.items()):
                if key == "dtype" and _is_policy(value):
                    # the softmax stays float32 so probabilities sum to 1 in any policy
                    wanted = policy(name) if callable(policy) else policy
                    wanted = "float32" if name.startswith("head_softmax") else wanted
                    node[key] = {
                        "module": "keras",
                        "class_name": "DTypePolicy",
                        "config": {"name": wanted},
                        "registered_name": None,
                    }
                else:
                    rewrite(value, name)
        elif isinstance(node, list):
            for item in node:
                rewrite(item, layer_name)

    rewrite(config)
    return config


def _is_policy(value) -> bool:
    # only policy objects: an InputLayer's plain "float32" is a tensor dtype, not a policy
    return isinstance(value, dict) and value.get("class_name") in ("DTypePolicy", "FloatDTypePolicy")
