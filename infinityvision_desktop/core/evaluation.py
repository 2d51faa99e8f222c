"""Scoring a classifier on held-out data, and calibrating its confidences.

Pure numpy (no TensorFlow, no Qt) so it is cheap to import and easy to test. Everything takes
`probabilities` of shape (N, C) and integer `y_true` of shape (N,).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

_EPS = 1e-12  # floor for probabilities before log(): keeps log finite for saturated softmax outputs
T_MIN, T_MAX = 0.05, 20.0


@dataclass(frozen=True)
class ClassReport:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Evaluation:
    labels: tuple[str, ...]
    n: int
    accuracy: float
    confusion: tuple[tuple[int, ...], ...]  # rows = true class, cols = predicted
    per_class: tuple[ClassReport, ...]
    macro_precision: float
    macro_recall: float
    macro_f1: float
    ece: float  # expected calibration error, 15 equal-width bins on top-1 confidence

    def to_dict(self) -> dict:
        """JSON-ready plain types only."""
        return {
            "labels": list(self.labels),
            "n": self.n,
            "accuracy": self.accuracy,
            "confusion": [list(row) for row in self.confusion],
            "per_class": {
                r.label: {"precision": r.precision, "recall": r.recall, "f1": r.f1, "support": r.support}
                for r in self.per_class
            },
            "macro": {"precision": self.macro_precision, "recall": self.macro_recall, "f1": self.macro_f1},
            "ece": self.ece,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Evaluation:
        """Inverse of `to_dict`. The dict may come from a model file on disk, so it is checked
        fully; any malformation raises ValueError saying what is wrong."""
        _require(isinstance(d, Mapping), f"evaluation must be a mapping, got {type(d).__name__}")
        for key in ("labels", "n", "accuracy", "confusion", "per_class", "macro", "ece"):
            _require(key in d, f"evaluation is missing {key!r}")

        labels = d["labels"]
        _require(
            isinstance(labels, list | tuple) and labels and all(isinstance(s, str) for s in labels),
            "'labels' must be a non-empty list of strings",
        )
        _require(len(set(labels)) == len(labels), "'labels' contains duplicates")
        labels = tuple(labels)
        c = len(labels)

        n = _int(d["n"], "n")
        confusion = d["confusion"]
        _require(
            isinstance(confusion, list | tuple)
            and len(confusion) == c
            and all(isinstance(row, list | tuple) and len(row) == c for row in confusion),
            f"'confusion' must be a {c}x{c} matrix (one row and column per label)",
        )
        confusion = tuple(tuple(_int(v, "confusion entry") for v in row) for row in confusion)
        _require(sum(map(sum, confusion)) == n, f"'confusion' entries sum to {sum(map(sum, confusion))}, not n={n}")

        per = d["per_class"]
        _require(
            isinstance(per, Mapping) and set(per) == set(labels), "'per_class' must have exactly one entry per label"
        )
        reports = []
        for i, label in enumerate(labels):
            entry = per[label]
            _require(isinstance(entry, Mapping), f"per_class[{label!r}] must be a mapping")
            for key in ("precision", "recall", "f1", "support"):
                _require(key in entry, f"per_class[{label!r}] is missing {key!r}")
            support = _int(entry["support"], f"per_class[{label!r}].support")
            _require(support == sum(confusion[i]), f"per_class[{label!r}].support disagrees with the confusion row")
            reports.append(
                ClassReport(
                    label,
                    *(_unit(entry[k], f"per_class[{label!r}].{k}") for k in ("precision", "recall", "f1")),
                    support,
                )
            )

        macro = d["macro"]
        _require(
            isinstance(macro, Mapping) and all(k in macro for k in ("precision", "recall", "f1")),
            "'macro' must have precision, recall and f1",
        )
        return cls(
            labels=labels,
            n=n,
            accuracy=_unit(d["accuracy"], "accuracy"),
            confusion=confusion,
            per_class=tuple(reports),
            macro_precision=_unit(macro["precision"], "macro.precision"),
            macro_recall=_unit(macro["recall"], "macro.recall"),
            macro_f1=_unit(macro["f1"], "macro.f1"),
            ece=_unit(d["ece"], "ece"),
        )

    def report_text(self, digits: int = 2) -> str:
        """A classification report laid out like scikit-learn's `classification_report`."""
        width = max(len("macro avg"), *(len(s) for s in self.labels))
        head = f"{'':>{width}} " + "".join(f" {h:>9}" for h in ("precision", "recall", "f1-score", "support"))
        lines = [head, ""]

        def row(name: str, p: float, r: float, f: float, support: int) -> str:
            return f"{name:>{width}} " + "".join(f" {x:>9.{digits}f}" for x in (p, r, f)) + f" {support:>9}"

        lines += [row(r.label, r.precision, r.recall, r.f1, r.support) for r in self.per_class]
        lines += [
            "",
            f"{'accuracy':>{width}} " + " " * 20 + f" {self.accuracy:>9.{digits}f} {self.n:>9}",
            row("macro avg", self.macro_precision, self.macro_recall, self.macro_f1, self.n),
        ]
        return "\n".join(lines) + "\n"

    def report_csv(self) -> str:
        """Per-class rows, then accuracy (in the f1 column, as in the text report) and macro avg."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")  # csv quotes labels that contain commas
        w.writerow(["label", "precision", "recall", "f1", "support"])
        for r in self.per_class:
            w.writerow([r.label, *(f"{x:.4f}" for x in (r.precision, r.recall, r.f1)), r.support])
        w.writerow(["accuracy", "", "", f"{self.accuracy:.4f}", self.n])
        w.writerow(
            ["macro avg", *(f"{x:.4f}" for x in (self.macro_precision, self.macro_recall, self.macro_f1)), self.n]
        )
        return out.getvalue()


def evaluate(probabilities: np.ndarray, y_true: np.ndarray, labels: Sequence[str]) -> Evaluation:
    """Accuracy, confusion matrix, per-class and macro precision/recall/F1, and ECE.

    A class that is never predicted (or never present) scores 0.0 for the undefined ratio
    instead of NaN, and no numpy warning is raised.
    """
    p, y = _check(probabilities, y_true)
    labels = tuple(labels)
    c = p.shape[1]
    if len(labels) != c:
        raise ValueError(f"{len(labels)} labels for {c} probability columns")
    pred = p.argmax(axis=1)
    cm = np.bincount(y * c + pred, minlength=c * c).reshape(c, c)
    tp, predicted, support = np.diag(cm), cm.sum(axis=0), cm.sum(axis=1)
    precision = _safe_div(tp, predicted)
    recall = _safe_div(tp, support)
    f1 = _safe_div(2 * precision * recall, precision + recall)
    return Evaluation(
        labels=labels,
        n=len(y),
        accuracy=float(tp.sum() / len(y)),
        confusion=tuple(tuple(int(v) for v in row) for row in cm),
        per_class=tuple(
            ClassReport(label, float(precision[i]), float(recall[i]), float(f1[i]), int(support[i]))
            for i, label in enumerate(labels)
        ),
        macro_precision=float(precision.mean()),
        macro_recall=float(recall.mean()),
        macro_f1=float(f1.mean()),
        ece=expected_calibration_error(p, y),
    )


def top1(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(predicted class indices, their probabilities) per row."""
    p = np.asarray(probabilities)
    idx = p.argmax(axis=-1)
    return idx, np.take_along_axis(p, idx[..., None], axis=-1)[..., 0]


def expected_calibration_error(probabilities, y_true, *, bins: int = 15) -> float:
    """Sum over equal-width confidence bins of |accuracy - mean confidence|, weighted by the
    bin's share of samples. Bins are (lo, hi]; a confidence of exactly 0 goes in the first."""
    if bins < 1:
        raise ValueError("bins must be >= 1")
    p, y = _check(probabilities, y_true)
    pred, conf = top1(p)
    which = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    gap = np.bincount(which, weights=(pred == y) - conf, minlength=bins)  # sum(correct - conf) per bin
    return float(np.abs(gap).sum() / len(y))  # == sum_b (n_b/N) * |acc_b - conf_b|


def softmax(z: np.ndarray) -> np.ndarray:
    """Probabilities from logits along the last axis (shifted, so no exp overflows)."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def apply_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log(p) / T) along the last axis. T > 1 softens, T < 1 sharpens; argmax is kept."""
    t = float(temperature)
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}")
    p = np.asarray(probabilities, dtype=np.float64)
    if t == 1:
        return p.copy()  # exact identity: the default model file must not perturb outputs
    z = np.log(np.clip(p, _EPS, None)) / t
    z -= z.max(axis=-1, keepdims=True)  # shift for overflow-free exp
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_temperature(probabilities, y_true) -> float:
    """The T in [0.05, 20] minimising the mean negative log-likelihood of
    `apply_temperature(p, T)` on held-out data.

    The NLL is smooth but not guaranteed unimodal in T, so a coarse grid on log T picks the
    basin and golden-section search refines it. Deterministic.
    """
    p, y = _check(probabilities, y_true)
    if np.all(top1(p)[0] == y):
        # Every held-out answer right (a small or easy validation set): the likelihood then keeps
        # rising as T -> 0, so the fit would hit T_MIN and every answer would read 100%.
        # Such data says nothing about over-confidence: keep the model's own confidences.
        return 1.0
    logp = np.log(np.clip(p, _EPS, None))
    logp_true = logp[np.arange(len(y)), y]

    def nll(log_t: float) -> float:
        z = logp / math.exp(log_t)
        m = z.max(axis=1)
        lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
        return float(np.mean(lse - logp_true / math.exp(log_t)))

    lo, hi = math.log(T_MIN), math.log(T_MAX)
    grid = np.linspace(lo, hi, 41)
    values = [nll(g) for g in grid]
    i = int(np.argmin(values))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]

    inv_phi = (math.sqrt(5) - 1) / 2
    c, d = b - inv_phi * (b - a), a + inv_phi * (b - a)
    fc, fd = nll(c), nll(d)
    while b - a > 1e-6:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - inv_phi * (b - a)
            fc = nll(c)
        else:
            a, c, fc = c, d, fd
            d = a + inv_phi * (b - a)
            fd = nll(d)
    best = (a + b) / 2
    if values[i] < nll(best):  # the grid point can win when the optimum sits on the range edge
        best = grid[i]
    return float(min(max(math.exp(best), T_MIN), T_MAX))


def fit_not_sure_threshold(
    probabilities, y_true, *, floor: float = 0.2, ceiling: float = 0.9, window: int | None = None
) -> float:
    """The top-1 confidence below which the GUI says "Not sure".

    Definition: sort the held-out predictions by top-1 confidence and take the running
    accuracy of each prediction's `window` nearest neighbours in that order (default: 5% of
    the data, at least 15). The threshold is the highest confidence whose local accuracy is
    below 0.5: below it, answers of that confidence were more often wrong than right. For a
    calibrated model it sits near 0.5. If no answer is that bad, `floor`. Clipped to
    [floor, ceiling].

    Pass calibrated probabilities (after `apply_temperature`): the GUI compares against those.
    """
    if not 0 <= floor <= ceiling <= 1:
        raise ValueError("need 0 <= floor <= ceiling <= 1")
    p, y = _check(probabilities, y_true)
    pred, conf = top1(p)
    order = np.argsort(conf, kind="stable")
    conf, correct = conf[order], (pred == y)[order].astype(np.float64)
    k = window or max(15, len(conf) // 20)
    k = max(1, min(k, len(conf)))
    # centred moving average; the edges use the first/last full window
    sums = np.convolve(correct, np.ones(k), mode="valid") / k
    pad_left = (len(conf) - len(sums)) // 2
    local = np.concatenate([np.full(pad_left, sums[0]), sums, np.full(len(conf) - len(sums) - pad_left, sums[-1])])
    bad = np.flatnonzero(local < 0.5)
    t = float(conf[bad[-1]]) if len(bad) else floor
    return float(min(max(t, floor), ceiling))


def _check(probabilities, y_true) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(y_true)
    if p.ndim != 2 or p.shape[0] == 0 or p.shape[1] == 0:
        raise ValueError(f"probabilities must be a non-empty (N, C) array, got shape {p.shape}")
    if not np.isfinite(p).all():
        raise ValueError("probabilities contain NaN or infinity")
    if y.shape != (p.shape[0],):
        raise ValueError(f"y_true must have shape ({p.shape[0]},), got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y_true must be integer class indices, got dtype {y.dtype}")
    if y.min() < 0 or y.max() >= p.shape[1]:
        raise ValueError(f"y_true has class indices outside [0, {p.shape[1]})")
    return p, y.astype(np.int64)


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with 0.0 where den == 0 (an undefined ratio scores 0, like sklearn's zero_division=0)."""
    num = np.asarray(num, dtype=np.float64)
    return np.divide(num, den, out=np.zeros_like(num), where=den != 0)


def _require(condition: bool, reason: str) -> None:
    if not condition:
        raise ValueError(f"malformed evaluation: {reason}")


def _int(v, what: str) -> int:
    # bool is an int subclass but is never a valid count
    _require(isinstance(v, int) and not isinstance(v, bool) and v >= 0, f"{what} must be a non-negative integer")
    return v


def _unit(v, what: str) -> float:
    _require(
        isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1, f"{what} must be a number in [0, 1]"
    )
    return float(v)
