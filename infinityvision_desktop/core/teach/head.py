"""The linear head on backbone features: multinomial logistic regression, and its held-out scores.

Pure numpy. With 1280 features and a few dozen images a class, the classes are always separable
and an unregularised fit would push its weights to infinity (and its confidences to 100%); an L2
penalty keeps it finite and well calibrated. The problem is convex and small (1280 x classes
weights, a few hundred rows), so full-batch L-BFGS solves it in a few hundred steps, in well under
a second, the same answer every time.

Held-out figures: each image is answered by a head that never saw it (nor its mirror image).
With few images a class every image is held out once (stratified k-fold cross-validation); with
many, one stratified fifth is held out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from infinityvision_desktop.core.evaluation import softmax

# The penalty on the weights, per unit of mean loss, is this over the number of images: the data's
# evidence grows with the images, so the penalty's share shrinks (scikit-learn's C = 1/(2 L2_PER_IMAGE)
# with two views an image). Chosen by cross-validation on photos the benchmarks do not use: accuracy
# hardly depends on it, the held-out log-loss is worse with weaker penalties and flat from about 0.6 up.
L2_PER_IMAGE = 1.0
MAX_STEPS = 300
FOLDS = 5
SPLIT_FROM = 50  # images in the smallest class from which one split replaces cross-validation


@dataclass(frozen=True)
class LinearHead:
    """logits = features @ weights + bias; what the saved model's last Dense layer holds."""

    weights: np.ndarray  # (features, classes) float32
    bias: np.ndarray  # (classes,) float32

    def logits(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(features, np.float64) @ self.weights + self.bias

    def probabilities(self, views: np.ndarray) -> np.ndarray:
        """(N, C) for (N, views, features): each view's log-probabilities averaged, renormalised,
        as the predictor's flip test-time augmentation does (`predictor.tta_views`)."""
        logits = self.logits(views)  # N, V, C
        logp = logits - _logsumexp(logits)[..., None]
        return softmax(logp.mean(axis=1))


@dataclass(frozen=True)
class HeldOut:
    """Probabilities for held-out images, by a head that was not fitted on them."""

    probabilities: np.ndarray  # (n, C)
    indices: np.ndarray  # which images (rows of the features) they belong to
    method: str  # "5-fold cross-validation" or "a stratified 20% split"


def fit_head(
    features: np.ndarray,
    y: np.ndarray,
    num_classes: int,
    *,
    sample_weight: np.ndarray | None = None,
    l2: float | None = None,
    max_steps: int = MAX_STEPS,
) -> LinearHead:
    """Fit on (N, views, D) or (N, D) features; every view is a training row with its image's label
    and weight. `l2` defaults to L2_PER_IMAGE / N."""
    x = np.asarray(features, np.float64)
    l2 = L2_PER_IMAGE / len(x) if l2 is None else l2
    y = np.asarray(y, np.int64)
    weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    if x.ndim == 3:
        views = x.shape[1]
        x = x.reshape(-1, x.shape[2])
        y = np.repeat(y, views)
        weight = np.repeat(weight, views)
    weight = weight / weight.sum()
    # centred features decouple the bias from the weights: the problem is far better conditioned
    mean = weight @ x
    xc = x - mean
    dims = x.shape[1]
    onehot = np.eye(num_classes)[y]

    def loss_and_gradient(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:-num_classes].reshape(dims, num_classes), params[-num_classes:]
        logits = xc @ w + b
        lse = _logsumexp(logits)
        loss = float(weight @ (lse - (logits * onehot).sum(axis=1))) + 0.5 * l2 * float((w * w).sum())
        residual = (np.exp(logits - lse[:, None]) - onehot) * weight[:, None]
        grad_w = xc.T @ residual + l2 * w
        return loss, np.concatenate([grad_w.ravel(), residual.sum(axis=0)])

    params = _lbfgs(loss_and_gradient, np.zeros(dims * num_classes + num_classes), max_steps)
    w, b = params[:-num_classes].reshape(dims, num_classes), params[-num_classes:]
    return LinearHead(w.astype(np.float32), (b - mean @ w).astype(np.float32))


def stratified_folds(y: np.ndarray, folds: int, *, seed: int = 0) -> list[np.ndarray]:
    """`folds` disjoint index sets covering every image, each class spread evenly over them."""
    rng = np.random.default_rng(seed)
    members: list[list[int]] = [[] for _ in range(folds)]
    offset = 0
    for label in np.unique(y):
        indices = rng.permutation(np.flatnonzero(y == label))
        for position, index in enumerate(indices):
            # continue where the last class stopped, so the folds end up the same size
            members[(offset + position) % folds].append(int(index))
        offset += len(indices)
    return [np.array(sorted(m), dtype=np.int64) for m in members]


def held_out_probabilities(
    features: np.ndarray,
    y: np.ndarray,
    num_classes: int,
    *,
    sample_weight: np.ndarray | None = None,
    seed: int = 0,
    l2: float | None = None,
    should_stop=lambda: False,
) -> HeldOut | None:
    """Cross-validated (few images) or split (many) probabilities; None when stopped."""
    y = np.asarray(y, np.int64)
    weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, np.float64)
    smallest = int(np.bincount(y, minlength=num_classes).min())
    if smallest < 2:
        raise ValueError("every class needs two images at least to hold one out")
    folds = stratified_folds(y, min(FOLDS, smallest), seed=seed)
    if smallest >= SPLIT_FROM:
        folds, method = folds[:1], f"a stratified {100 // FOLDS}% split"
    else:
        method = f"{len(folds)}-fold cross-validation"
    probabilities, indices = [], []
    for held in folds:
        if should_stop():
            return None
        train = np.setdiff1d(np.arange(len(y)), held)
        head = fit_head(features[train], y[train], num_classes, sample_weight=weight[train], l2=l2)
        probabilities.append(head.probabilities(features[held]))
        indices.append(held)
    order = np.concatenate(indices)
    return HeldOut(np.concatenate(probabilities), order, method)


def _lbfgs(function, x: np.ndarray, max_steps: int, *, memory: int = 10, tolerance: float = 1e-6) -> np.ndarray:
    """Minimise a smooth convex function (value and gradient) by L-BFGS with a backtracking line search."""
    value, gradient = function(x)
    steps: list[tuple[np.ndarray, np.ndarray, float]] = []
    for _ in range(max_steps):
        if np.abs(gradient).max() < tolerance:
            break
        direction = -gradient
        alphas = []
        for s, y, rho in reversed(steps):
            alpha = rho * (s @ direction)
            direction = direction - alpha * y
            alphas.append(alpha)
        if steps:
            s, y, _ = steps[-1]
            direction = direction * ((s @ y) / (y @ y))
        for (s, y, rho), alpha in zip(steps, reversed(alphas)):
            direction = direction + s * (alpha - rho * (y @ direction))
        slope = gradient @ direction
        if slope >= 0:  # not a descent direction (rounding): restart from the gradient
            steps.clear()
            direction, slope = -gradient, -(gradient @ gradient)
        step = 1.0 if steps else 1.0 / max(1.0, float(np.abs(gradient).sum()))
        while True:
            candidate = x + step * direction
            new_value, new_gradient = function(candidate)
            if new_value <= value + 1e-4 * step * slope or step < 1e-12:
                break
            step *= 0.5
        s, y = candidate - x, new_gradient - gradient
        if s @ y > 1e-12:
            steps.append((s, y, 1.0 / (s @ y)))
            if len(steps) > memory:
                steps.pop(0)
        if value - new_value < 1e-12 * max(1.0, abs(value)):
            x, value, gradient = candidate, new_value, new_gradient
            break
        x, value, gradient = candidate, new_value, new_gradient
    return x


def _logsumexp(z: np.ndarray) -> np.ndarray:
    peak = z.max(axis=-1)
    return peak + np.log(np.exp(z - peak[..., None]).sum(axis=-1))
