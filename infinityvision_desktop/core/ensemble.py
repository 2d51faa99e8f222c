"""Two trained classifiers of the same classes as one model file: their calibrated answers combined.

The networks fail differently (a 32 px network trained from scratch and an ImageNet backbone
fine-tuned on upsampled images), so their combined answer is right more often and, where they
disagree, less sure. The combination is the weighted mean of their calibrated log-probabilities
(a geometric mean of the probabilities), built from built-in layers so the file loads like any
other model: each branch's logits are scaled by weight / temperature (a Rescaling layer), added,
and one softmax gives the answer. One file, one metadata, one "not sure" threshold.

Layer names get a prefix per branch (``a_``, ``b_``) so they stay unique. The last branch is
the one Grad-CAM reads (its last convolution comes last in the layer list).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from infinityvision_desktop.core.modelfile import LoadedModel, ModelMetadata

PREFIXES = ("a_", "b_")


class EnsembleError(Exception):
    """Models that cannot be combined, with the reason for people."""


@dataclass(frozen=True)
class Member:
    loaded: LoadedModel
    weight: float


def logits_layer(model) -> str:
    """The layer whose output is the model's logits: the one feeding its final softmax."""
    last = model.layers[-1]
    if type(last).__name__ not in ("Activation", "Softmax"):
        raise EnsembleError(f"{model.name}: its last layer is not a softmax")
    source = last.input
    for layer in model.layers:
        if layer.output is source:
            return layer.name
    raise EnsembleError(f"{model.name}: the input of its softmax was not found")


def combine(members: list[Member], *, name: str = "ensemble"):
    """One Keras model computing softmax(sum_i weight_i * logits_i / temperature_i)."""
    import keras
    from keras import layers

    if len(members) != 2:
        raise EnsembleError("two models are combined at a time")
    labels = [tuple(m.loaded.metadata.labels) for m in members]
    sizes = [tuple(m.loaded.metadata.input_size) for m in members]
    if labels[0] != labels[1]:
        raise EnsembleError("the models do not have the same classes in the same order")
    if sizes[0] != sizes[1]:
        raise EnsembleError(f"the models take different input sizes ({sizes[0]} and {sizes[1]})")
    inputs = keras.Input((*sizes[0], 3), name="image")
    scaled = []
    for member, prefix in zip(members, PREFIXES):
        source = member.loaded.model
        copy = _copy_graph(source, inputs, prefix)
        logits = copy.get_layer(prefix + logits_layer(source)).output
        scale = member.weight / member.loaded.metadata.temperature
        scaled.append(layers.Rescaling(scale, name=f"{prefix}ensemble_scale")(logits))
    x = layers.Add(name="ensemble_sum")(scaled)
    outputs = layers.Activation("softmax", dtype="float32", name="head_softmax")(x)
    return keras.Model(inputs, outputs, name=name)


def _copy_graph(model, inputs, prefix: str):
    """The same graph on `inputs`, every layer renamed with `prefix` and holding the same weights."""
    import keras

    def renamed(layer):
        config = layer.get_config()
        config["name"] = prefix + layer.name
        return layer.__class__.from_config(config)

    copy = keras.models.clone_model(model, input_tensors=inputs, clone_function=renamed)
    for layer in model.layers:
        if layer.weights:
            copy.get_layer(prefix + layer.name).set_weights(layer.get_weights())
    return copy


def ensemble_metadata(members: list[Member], **changes) -> ModelMetadata:
    """Metadata of the combination: the first member's labels and input size, both members' records."""
    first = members[0].loaded.metadata
    provenance = {
        "ensemble": [
            {
                "name": m.loaded.metadata.name,
                "architecture": m.loaded.metadata.architecture,
                "weight": m.weight,
                "temperature": m.loaded.metadata.temperature,
                "test_accuracy": m.loaded.metadata.test_accuracy,
                "provenance": m.loaded.metadata.provenance,
            }
            for m in members
        ],
    }
    backbones = [
        m.loaded.metadata.provenance.get("backbone") for m in members if m.loaded.metadata.provenance.get("backbone")
    ]
    if backbones:
        provenance["backbone"] = backbones[0]
    architecture = " + ".join(m.loaded.metadata.architecture or m.loaded.model.name for m in members)
    return ModelMetadata(
        labels=first.labels,
        input_size=first.input_size,
        architecture=f"ensemble: {architecture}",
        tta=first.tta,
        tta_below=first.tta_below,
        provenance=provenance,
    ).replace(**changes)


def best_weight(
    probabilities_a: np.ndarray, probabilities_b: np.ndarray, y: np.ndarray, candidates=np.linspace(0.2, 0.8, 13)
) -> float:
    """The weight of the first member (the second gets 1 - w) with the lowest held-out log-loss."""
    la = np.log(np.clip(probabilities_a, 1e-12, None))
    lb = np.log(np.clip(probabilities_b, 1e-12, None))
    best, best_loss = 0.5, np.inf
    for w in candidates:
        z = w * la + (1 - w) * lb
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -float(np.mean(logp[np.arange(len(y)), y]))
        if loss < best_loss:
            best, best_loss = float(w), loss
    return best


@dataclass(frozen=True)
class EnsembleResult:
    path: str
    metadata: ModelMetadata
    weight: float
    members_test_accuracy: tuple[float | None, ...]


def build_ensemble(
    paths: list[str],
    data: str,
    out: str,
    *,
    not_sure_cost: float = 0.05,
    weights_dtype: str = "float32",
    tta: tuple[str, ...] | None = None,
    tta_below: float | None = None,
    on_message=print,
) -> EnsembleResult:
    """Combine two trained models of the same classes, fitted on held-out data, and save the result.

    The held-out images are the validation split their training used (share and seed from the
    first model's record), so the weight, temperature and "not sure" threshold are fitted on
    images neither model trained on; the test split, if the data has one, only measures.
    `tta`: the combination's test-time augmentation (None: the first member's); `tta_below`: the
    confidence under which its extra views are computed (None: the first member's; 1: always).
    """
    from infinityvision_desktop.core import evaluation as ev
    from infinityvision_desktop.core.calibration import calibrate
    from infinityvision_desktop.core.datasets import ALL, load_dataset, split_validation
    from infinityvision_desktop.core.modelfile import load_model_file, save_model_file
    from infinityvision_desktop.core.predictor import Predictor
    from infinityvision_desktop.core.training_config import field_default

    if tta_below is not None and not 0 < tta_below <= 1:
        raise ValueError(f"--tta-below must be a confidence in (0, 1], not {tta_below}")
    loaded = [load_model_file(p) for p in paths]
    config = loaded[0].metadata.provenance.get("config", {})
    share = float(config.get("val_share", field_default("val_share")))
    seed = int(config.get("seed", field_default("seed")))
    size = tuple(loaded[0].metadata.input_size)
    on_message(f"Reading {data}")
    dataset = load_dataset(data, input_size=size)
    if tuple(dataset.labels) != tuple(loaded[0].metadata.labels):
        raise EnsembleError(f"{data}: its classes are not the models' classes")
    x_all, y_all = dataset.splits[ALL if ALL in dataset.splits else "train"]
    _, _, x_val, y_val = split_validation(x_all, y_all, share, seed=seed)
    if not len(x_val):
        raise EnsembleError("no held-out images to fit the combination on")
    on_message(f"Fitting on {len(x_val)} held-out images")
    members_val = [Predictor(m.model, m.metadata).probabilities(x_val) for m in loaded]
    weight = best_weight(members_val[0], members_val[1], y_val)
    members = [Member(loaded[0], weight), Member(loaded[1], 1 - weight)]
    model = combine(members)
    metadata = ensemble_metadata(members, name=os.path.splitext(os.path.basename(out))[0])
    if tta is not None:
        metadata = metadata.replace(tta=tuple(tta))
    if tta_below is not None:
        metadata = metadata.replace(tta_below=float(tta_below))
    predictor = Predictor(model, metadata)
    metadata = calibrate(predictor.raw_probabilities(x_val), y_val, dataset.labels, not_sure_cost=not_sure_cost).apply(
        metadata
    )
    open_set = fit_open_set(x_val, dataset.labels, not_sure_cost, on_message)
    if open_set:
        metadata = metadata.replace(open_set=open_set)
    metadata = metadata.replace(
        provenance={
            **metadata.provenance,
            "combined_by": "infinityvision combine",
            "data": str(data),
            "validation_images": int(len(x_val)),
            "not_sure_cost": not_sure_cost,
        }
    )
    test = dataset.splits.get("test")
    if test is not None:
        on_message(f"Evaluating on {len(test[0])} test images")
        predictor.metadata = metadata
        metadata = metadata.replace(
            evaluation=ev.evaluate(predictor.probabilities(test[0]), test[1], dataset.labels).to_dict()
        )
    save_model_file(model, metadata, out, weights_dtype=weights_dtype)
    return EnsembleResult(str(out), metadata, weight, tuple(m.metadata.test_accuracy for m in loaded))


def fit_open_set(x_val: np.ndarray, labels, cost: float, on_message=print) -> dict | None:
    """The ImageNet check's threshold (core.openset): the outside-the-classes probability that
    `cost` of the held-out images reach, upscaled to the check's size; never below 0.5 (mostly
    outside). None when the labels are not CIFAR-10's."""
    from infinityvision_desktop.core.openset import ImageNetCheck

    check = ImageNetCheck.load(labels, 1.0)
    if check is None:
        return None
    on_message(f"Fitting the ImageNet check on {len(x_val)} held-out images")
    mass = check.outside_masses(x_val)
    return {"imagenet_threshold": float(max(0.5, np.quantile(mass, 1 - cost)))}
