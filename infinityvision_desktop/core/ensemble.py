"""Two trained classifiers of the same classes as one model file: their calibrated answers combined.

The networks fail differently (a 32 px network trained from scratch and an ImageNet backbone
fine-tuned on upsampled images), so their combined answer is right more often and, where they
disagree, less sure. The combination is the weighted mean of their calibrated log-probabilities
(a geometric mean of the probabilities), built from built-in layers so the file loads like any
other model: each branch's logits are scaled by weight / temperature (a Rescaling layer), added,
and one softmax gives the answer. One file, one metadata, one "not sure" threshold.

The first member is the cheap one (airbench: about 1.5 times the other's speed). Where it alone is
very sure, the other rarely changes the answer, so the metadata's cascade (`fit_cascade`) lets it
answer those images by itself and the whole model runs only for the rest (`Predictor.probabilities`).

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
    cascade: bool = True,
    on_message=print,
) -> EnsembleResult:
    """Combine two trained models of the same classes, fitted on held-out data, and save the result.

    The held-out images are the validation split their training used (share and seed from the
    first model's record), so the weight, temperature and "not sure" threshold are fitted on
    images neither model trained on; the test split, if the data has one, only measures.
    `tta`: the combination's test-time augmentation (None: the first member's); `tta_below`: the
    confidence under which its extra views are computed (None: the first member's; 1: always);
    `cascade`: let the first member answer alone where it is sure enough (`fit_cascade`).
    """
    from infinityvision_desktop.core.calibration import calibrate
    from infinityvision_desktop.core.modelfile import load_model_file, save_model_file
    from infinityvision_desktop.core.predictor import Predictor

    if tta_below is not None and not 0 < tta_below <= 1:
        raise ValueError(f"--tta-below must be a confidence in (0, 1], not {tta_below}")
    loaded = [load_model_file(p) for p in paths]
    dataset, x_val, y_val = _held_out(data, loaded[0].metadata, loaded[0].metadata.provenance.get("config"), on_message)
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
    if cascade:
        metadata = metadata.replace(cascade=fit_cascade(Predictor(model, metadata), x_val, on_message=on_message))
    metadata = metadata.replace(
        provenance={
            **metadata.provenance,
            "combined_by": "infinityvision combine",
            "data": str(data),
            "validation_images": int(len(x_val)),
            "not_sure_cost": not_sure_cost,
        }
    )
    metadata = _evaluated(model, metadata, dataset, on_message)
    save_model_file(model, metadata, out, weights_dtype=weights_dtype)
    return EnsembleResult(str(out), metadata, weight, tuple(m.metadata.test_accuracy for m in loaded))


def refit_cascade(
    path: str, data: str, out: str, *, weights_dtype: str = "float32", cascade: bool = True, on_message=print
) -> ModelMetadata:
    """Fit the cascade of a model `combine` made (without one, or to fit it again) on the same
    held-out images, measure it on the test split, and save it to `out`; the weights are unchanged.
    `cascade=False`: remove it instead."""
    from infinityvision_desktop.core.modelfile import load_model_file, save_model_file
    from infinityvision_desktop.core.predictor import Predictor

    loaded = load_model_file(path)
    members = _member_records(loaded.metadata)
    if members is None:
        raise EnsembleError(f"{path}: not a model made by combine (its metadata lists no two members)")
    config = members[0].get("provenance", {}).get("config") if isinstance(members[0].get("provenance"), dict) else None
    dataset, x_val, _ = _held_out(data, loaded.metadata, config, on_message)
    metadata = loaded.metadata.replace(
        cascade=fit_cascade(Predictor(loaded.model, loaded.metadata), x_val, on_message=on_message) if cascade else None
    )
    metadata = _evaluated(loaded.model, metadata, dataset, on_message)
    save_model_file(loaded.model, metadata, out, weights_dtype=weights_dtype)
    return metadata


# first-member confidences tried, lowest first: the lowest that holds answers the most images alone
CASCADE_ABOVE = (0.95, 0.98, 0.99, 0.995)


def fit_cascade(predictor, x_val: np.ndarray, *, changed: float = 0.001, on_message=print) -> dict | None:
    """The metadata's cascade for the combined model `predictor` runs: the lowest confidence of
    CASCADE_ABOVE at which the first member's answer alone is the whole model's on the held-out
    images for all but `changed` of the images it is that sure of. None if none holds.

    The first member's calibrated logits are its scaled branch output (weight x logits /
    temperature) divided by its weight."""
    from infinityvision_desktop.core.predictor import Predictor

    members = _member_records(predictor.metadata)
    weight = members[0].get("weight") if members else None
    if not isinstance(weight, int | float) or not 0 < weight < 1:
        raise EnsembleError("the model's metadata does not give its first member's weight")
    layer = f"{PREFIXES[0]}ensemble_scale"
    whole = Predictor(predictor.model, predictor.metadata.replace(cascade=None)).probabilities(x_val).argmax(axis=1)
    trial = Predictor(
        predictor.model, predictor.metadata.replace(cascade={"layer": layer, "scale": 1 / weight, "above": 1.0})
    )
    first = trial.first_member_probabilities(x_val)
    if not np.any(first.max(axis=1) >= CASCADE_ABOVE[0]):
        on_message(f"The first member never answers alone: it is never {CASCADE_ABOVE[0]:g} sure of a held-out image")
        return None
    for above in CASCADE_ABOVE:
        sure = first.max(axis=1) >= above
        if not sure.any():
            continue
        moved = int(np.sum(first[sure].argmax(axis=1) != whole[sure]))
        if moved <= changed * sure.sum():
            on_message(
                f"The first member answers alone where it is at least {above:g} sure: {sure.mean():.1%} of "
                f"{len(x_val)} held-out images, {moved} of those answers changed"
            )
            return {"layer": layer, "scale": 1 / weight, "above": above}
    on_message("The first member never answers alone: its sure answers changed too often on the held-out images")
    return None


def _member_records(metadata: ModelMetadata) -> list[dict] | None:
    """The two member records `combine` writes into a combined model's provenance; None if absent."""
    members = metadata.provenance.get("ensemble")
    if isinstance(members, list) and len(members) == 2 and all(isinstance(m, dict) for m in members):
        return members
    return None


def _held_out(data: str, metadata: ModelMetadata, config: dict | None, on_message):
    """(dataset, x_val, y_val): `data` read at the model's size and the validation split a training
    run with `config` held out (its share and seed): images the model never trained on."""
    from infinityvision_desktop.core.datasets import ALL, load_dataset, split_validation
    from infinityvision_desktop.core.training_config import field_default

    config = config if isinstance(config, dict) else {}
    share = float(config.get("val_share", field_default("val_share")))
    seed = int(config.get("seed", field_default("seed")))
    on_message(f"Reading {data}")
    dataset = load_dataset(data, input_size=tuple(metadata.input_size))
    if tuple(dataset.labels) != tuple(metadata.labels):
        raise EnsembleError(f"{data}: its classes are not the models' classes")
    x_all, y_all = dataset.splits[ALL if ALL in dataset.splits else "train"]
    _, _, x_val, y_val = split_validation(x_all, y_all, share, seed=seed)
    if not len(x_val):
        raise EnsembleError("no held-out images to fit the combination on")
    on_message(f"Fitting on {len(x_val)} held-out images")
    return dataset, x_val, y_val


def _evaluated(model, metadata: ModelMetadata, dataset, on_message) -> ModelMetadata:
    """`metadata` with the answers' evaluation on the dataset's test split, if it has one."""
    from infinityvision_desktop.core import evaluation as ev
    from infinityvision_desktop.core.predictor import Predictor

    test = dataset.splits.get("test")
    if test is None:
        return metadata
    on_message(f"Evaluating on {len(test[0])} test images")
    probabilities = Predictor(model, metadata).probabilities(test[0])
    return metadata.replace(evaluation=ev.evaluate(probabilities, test[1], dataset.labels).to_dict())


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
