"""How well "not sure" catches images of none of the classes: the standard 6/4 open-set protocol.

A model trained on 6 CIFAR-10 classes sees the test images of all 10; the 4 classes it never
saw are the unknowns. For each score (higher = more likely unknown) it prints the AUROC and the
share of unknowns caught when the threshold flags 5% of the known test images:

- msp: 1 - the model's top probability (what the app's "not sure" threshold uses);
- maxlogit and energy: minus the largest logit, minus the log-sum-exp of the logits (Hendrycks et
  al. 2022, Liu et al. 2020), the logits averaged over the image and its mirror for every image;
- imagenet: the ImageNet classifier's probability outside the known classes' ImageNet classes
  (core.openset), on the 32 px images upscaled to 224 (real photos are sharper);
- msp or imagenet (maxlogit, disagree): flagged by either, each at the threshold that keeps the
  pair at 5% of knowns;
- for a combined model (`infinityvision combine`): disagree, the Jensen-Shannon divergence between
  its two members' probabilities (each at its own temperature, mirror averaged), and
  msp+disagree, their sum;
- with `--features`: knn, the cosine distance to the nearest known training image in the model's
  penultimate features (Sun et al. 2022), and mahalanobis, the distance to the nearest class mean
  under their shared covariance (Lee et al. 2018); both fitted on the known classes' training split;
  react, the energy once those features are clipped at their 90th percentile (Sun et al. 2021);
  for a single network maxlogit+knn, the two scores standardised and added; react+imagenet,
  ReAct and the log-odds of the imagenet score standardised and added (docs/model.md).

    .venv/bin/python bench/bench_openset.py --model runs/open6/ensemble6.h5 --data data/cifar10 \
        --known airplane,automobile,bird,deer,dog,ship

The literature's protocol (Neal et al. 2018) averages five fixed splits; `--split N` names one
(known classes as ARPL's and Vaze et al.'s code lists them; splits 0 and 1 are the same six
classes) and checks that the model was trained on it. The split above is none of them: each of
its four unknowns has its look-alike among the knowns (cat-dog, horse-deer, truck-automobile,
frog-bird).

`--save-scores FILE.npz` also writes every score and the test images' classes, for trying
other combinations without running the networks again.

Real photos, answered as the app answers them: `bench/bench_photos.py`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
# Neal et al. 2018's five CIFAR-10 splits, the known classes' indices (iCGY96/ARPL split.py, "splits_2020")
STANDARD_SPLITS = ((0, 6, 4, 9, 1, 7), (7, 6, 4, 9, 0, 1), (1, 5, 7, 3, 9, 4), (8, 6, 1, 9, 0, 7), (2, 4, 1, 7, 9, 6))


def auroc(known: np.ndarray, unknown: np.ndarray) -> float:
    """P(score of an unknown > score of a known), ties counted half."""
    scores = np.concatenate([known, unknown])
    ranks = np.empty(len(scores))
    order = np.argsort(scores, kind="stable")
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # average ranks of ties
        tied = scores == value
        if tied.sum() > 1:
            ranks[tied] = ranks[tied].mean()
    n_known, n_unknown = len(known), len(unknown)
    return float((ranks[n_known:].sum() - n_unknown * (n_unknown + 1) / 2) / (n_known * n_unknown))


def caught_at(known: np.ndarray, unknown: np.ndarray, cost: float = 0.05) -> tuple[float, float]:
    """(threshold, share of unknowns at or above it) where `cost` of knowns are at or above it."""
    threshold = float(np.quantile(known, 1 - cost))
    return threshold, float(np.mean(unknown > threshold))


def either_caught(known_a, known_b, unknown_a, unknown_b, cost: float = 0.05) -> tuple[float, float, float]:
    """Two scores, each with its own threshold, flagged if either is over: the best pair of
    thresholds (on a grid of quantiles) that flags at most `cost` of knowns."""
    best = (0.0, 0.0, 0.0)
    for qa in np.linspace(0.0, cost, 21):
        ta = np.quantile(known_a, 1 - qa) if qa > 0 else np.inf
        flagged_a = known_a > ta
        rest = known_b[~flagged_a]
        # the b threshold that brings the total to `cost`
        budget = cost * len(known_a) - flagged_a.sum()
        if budget < 0:
            continue
        tb = np.sort(rest)[::-1][int(budget)] if int(budget) < len(rest) else -np.inf
        total = np.mean((known_a > ta) | (known_b > tb))
        if total > cost + 1e-9:
            continue
        caught = float(np.mean((unknown_a > ta) | (unknown_b > tb)))
        if caught > best[2]:
            best = (float(ta), float(tb), caught)
    return best


def standardised(score: np.ndarray, fit: np.ndarray) -> np.ndarray:
    """`score` less its mean on the rows `fit` selects, over its spread there: scores on
    different scales, standardised on the knowns, can be added."""
    return (score - score[fit].mean()) / score[fit].std()


def log_odds(p: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)): a probability that crowds near 0 or 1 spread out before it is standardised."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def outputs(model, x: np.ndarray) -> np.ndarray:
    """`model` (one output) run over `x` in batches of 256, as float64."""
    return np.concatenate(
        [np.asarray(model(x[i : i + 256].astype(np.float32), training=False)) for i in range(0, len(x), 256)]
    ).astype(np.float64)


def mirrored(model, x: np.ndarray) -> np.ndarray:
    """`model`'s output averaged over the images and their mirrors (the app's flip view)."""
    return (outputs(model, x) + outputs(model, x[:, :, ::-1])) / 2


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def logit_scores(loaded, x_test):
    """maxlogit and energy scores (higher = more likely unknown), the logits averaged over the
    image and its mirror."""
    import keras

    from infinityvision_desktop.core.ensemble import logits_layer

    model = loaded.model
    z = mirrored(keras.Model(model.inputs, model.get_layer(logits_layer(model)).output), x_test)
    top = z.max(axis=1)
    energy = -(top + np.log(np.exp(z - top[:, None]).sum(axis=1)))
    return [("maxlogit", -top), ("energy", energy)]


def disagreement_scores(loaded, x_test, msp):
    """For a combined model: how much its two members disagree (Jensen-Shannon divergence of their
    calibrated probabilities, logits averaged over the mirror as the app does), alone and added to
    msp; [] for a single network."""
    import keras

    from infinityvision_desktop.core.ensemble import PREFIXES

    members = loaded.metadata.provenance.get("ensemble")
    if not members:
        return []
    model = loaded.model

    def member(prefix, weight):
        # the branch's scaled logits are weight x logits / its temperature: undo the weight
        scaled = mirrored(keras.Model(model.inputs, model.get_layer(f"{prefix}ensemble_scale").output), x_test)
        return softmax(scaled / weight)

    a, b = (member(prefix, m["weight"]) for prefix, m in zip(PREFIXES, members))

    def entropy(p):
        return -(p * np.log(np.clip(p, 1e-12, None))).sum(axis=1)

    js = entropy((a + b) / 2) - (entropy(a) + entropy(b)) / 2
    return [("disagree", js), ("msp+disagree", msp + js)]


def feature_scores(loaded, data, known, x_test, per_class: int, maxlogit: np.ndarray):
    """knn, mahalanobis and react scores (higher = more likely unknown) of the test images, in
    the features the model's last Dense layer reads; and maxlogit+knn, the two standardised on
    the known test images and added."""
    import keras

    model = loaded.model
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    extractor = keras.Model(model.inputs, dense[-1].input)

    x_train, y_train = data.splits["train"]
    train_names = np.array(data.labels)[y_train]
    rng = np.random.default_rng(0)
    chosen = np.concatenate([rng.permutation(np.flatnonzero(train_names == name))[:per_class] for name in known])
    started = time.perf_counter()
    train = outputs(extractor, x_train[chosen])
    test = outputs(extractor, x_test)
    print(f"features of {len(train)} training and {len(test)} test images in {time.perf_counter() - started:.0f} s")
    # knn on unit-length features: 1 - the cosine similarity to the nearest training image
    unit_train = train / np.linalg.norm(train, axis=1, keepdims=True)
    unit_test = test / np.linalg.norm(test, axis=1, keepdims=True)
    knn = 1.0 - np.concatenate(
        [(unit_test[i : i + 1000] @ unit_train.T).max(axis=1) for i in range(0, len(unit_test), 1000)]
    )
    # mahalanobis: class means, one shared covariance (regularised), the nearest mean
    names = train_names[chosen]
    means = np.stack([train[names == name].mean(axis=0) for name in known])
    centred = train - np.stack([means[known.index(name)] for name in names])
    covariance = centred.T @ centred / len(centred) + 1e-6 * np.eye(train.shape[1])
    precision = np.linalg.inv(covariance)
    distances = np.stack([np.einsum("ij,jk,ik->i", test - mean, precision, test - mean) for mean in means], axis=1)
    # react (Sun et al. 2021): energy of the logits of features clipped at their 90th percentile
    weights, bias = (np.asarray(w, np.float64) for w in dense[-1].get_weights())
    logits = np.minimum(test, np.percentile(train, 90)) @ weights + bias
    top = logits.max(axis=1)
    react = -(top + np.log(np.exp(logits - top[:, None]).sum(axis=1)))
    rows = [("knn", knn), ("mahalanobis", distances.min(axis=1)), ("react", react)]
    if len(dense) == 1:  # a single network: its own logits (an ensemble's sum is another space)
        is_known = np.isin(np.array(data.labels)[data.splits["test"][1]], known)
        rows.append(("maxlogit+knn", standardised(maxlogit, is_known) + standardised(knn, is_known)))
    return rows


def react_and_imagenet(react, imagenet, is_known, cost, draws: int = 5):
    """The fine-tuned network's ReAct score and the ImageNet classifier's opinion (the log-odds of
    its probability outside the known classes), each standardised on the known test images and
    added: what the network learnt of the six and what ImageNet knows of everything else.

    Also, as a check that fitting the two means and spreads on the very images scored does not
    flatter it: (AUROC, caught) per draw when they are fitted on a random half of the knowns and
    the other half is scored against the unknowns."""
    parts = (react, log_odds(imagenet))

    def pair(fit):
        return sum(standardised(s, fit) for s in parts)

    results = []
    for seed in range(draws):
        fit = np.zeros_like(is_known)
        known = np.random.default_rng(seed).permutation(np.flatnonzero(is_known))
        fit[known[: len(known) // 2]] = True
        score, scored = pair(fit), is_known & ~fit
        results.append((auroc(score[scored], score[~is_known]), caught_at(score[scored], score[~is_known], cost)[1]))
    return pair(is_known), results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a model of the known classes (any of the app's files)")
    parser.add_argument("--data", required=True, help="CIFAR-10 folder (test/ split is used)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--known", help="comma-separated known classes (default: the model's classes)")
    which.add_argument("--split", type=int, choices=range(5), help="one of the five standard splits: its known classes")
    parser.add_argument("--cost", type=float, default=0.05)
    parser.add_argument(
        "--features", action="store_true", help="also the feature scores (knn, mahalanobis, react) and react+imagenet"
    )
    parser.add_argument("--train-per-class", type=int, default=2000, help="--features: training images per class")
    parser.add_argument("--save-scores", metavar="NPZ", help="also write every score and the test labels to this file")
    args = parser.parse_args()

    from infinityvision_desktop.core.datasets import load_dataset
    from infinityvision_desktop.core.openset import ImageNetCheck, groups_for
    from infinityvision_desktop.core.predictor import Predictor

    predictor = Predictor.load(args.model)
    labels = tuple(predictor.metadata.labels)
    known = tuple(args.known.split(",")) if args.known else labels
    if args.split is not None:
        known = tuple(CIFAR10_CLASSES[i] for i in sorted(STANDARD_SPLITS[args.split]))
    if set(known) != set(labels):
        raise SystemExit(f"the model's classes {labels} are not the known classes {known}")
    data = load_dataset(args.data, input_size=(32, 32))
    x, y = data.splits["test"]
    names = np.array(data.labels)[y]
    is_known = np.isin(names, known)
    print(
        f"{args.model}: {len(labels)} known classes ({', '.join(known)}); "
        f"{is_known.sum()} known and {(~is_known).sum()} unknown test images"
    )

    started = time.perf_counter()
    probs = predictor.probabilities(x)
    msp = 1.0 - probs.max(axis=1)
    correct = np.array([labels[i] for i in probs.argmax(axis=1)]) == names
    print(f"accuracy on the known classes' test images: {correct[is_known].mean():.4f}")

    from infinityvision_desktop.core.architectures import backbone_path
    from infinityvision_desktop.core.modelfile import load_model_file

    loaded = load_model_file(args.model)  # float32, as saved: the scores below read its layers
    backbone = load_model_file(backbone_path())
    check = ImageNetCheck(backbone.model, backbone.metadata.labels, groups_for(known), 1.0)
    imagenet = check.outside_masses(x, batch_size=256)
    print(f"scored in {time.perf_counter() - started:.0f} s")

    rows = [
        ("msp", msp),
        *logit_scores(loaded, x),
        *disagreement_scores(loaded, x, msp),
        ("imagenet", imagenet),
    ]
    if args.features:
        rows += feature_scores(loaded, data, known, x, args.train_per_class, dict(rows)["maxlogit"])
        pair, draws = react_and_imagenet(dict(rows)["react"], imagenet, is_known, args.cost)
        rows.append(("react+imagenet", pair))
    for name, score in rows:
        threshold, caught = caught_at(score[is_known], score[~is_known], args.cost)
        print(
            f"{name:9s} AUROC {auroc(score[is_known], score[~is_known]):.3f}; caught at {args.cost:.0%} of knowns "
            f"flagged: {caught:.1%} (threshold {threshold:.3f})"
        )
    scores = dict(rows)
    if args.save_scores:
        np.savez(args.save_scores, names=names, known=np.array(known), **scores)
    if "react+imagenet" in scores:
        auc, caught = np.mean(draws, axis=0)
        print(
            f"react+imagenet standardised on half of the known test images, scored on the rest (mean of "
            f"{len(draws)} draws): AUROC {auc:.3f}; caught at {args.cost:.0%} of knowns flagged: {caught:.1%}"
        )
    for other in ("imagenet", "maxlogit", "disagree"):
        if other not in scores:
            continue
        ta, tb, caught = either_caught(
            msp[is_known], scores[other][is_known], msp[~is_known], scores[other][~is_known], args.cost
        )
        print(
            f"msp or {other}: caught at {args.cost:.0%} of knowns flagged: {caught:.1%} "
            f"(msp > {ta:.3f} or {other} > {tb:.3f})"
        )
    for name in sorted(set(data.labels) - set(known)):
        mask = names == name
        print(
            f"  unknown {name:10s}: msp caught {np.mean(msp[mask] > caught_at(msp[is_known], msp[~is_known], args.cost)[0]):.1%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
