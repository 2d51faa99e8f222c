import csv
import io
import json

import numpy as np
import pytest

from infinityvision_desktop.core.evaluation import (
    Evaluation,
    apply_temperature,
    evaluate,
    expected_calibration_error,
    fit_not_sure_threshold,
    fit_temperature,
    top1,
)

LABELS = ("cat", "dog", "ship")
# Hand-worked example. Confusion (rows true, cols predicted):
#   [[3, 1, 0],
#    [0, 1, 2],
#    [0, 0, 3]]
Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
Y_PRED = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 2])


def rows(pred, conf, n_classes):
    """Probability rows whose argmax is `pred` with value `conf`, the rest spread evenly."""
    pred, conf = np.asarray(pred), np.asarray(conf, dtype=float)
    p = np.repeat(((1 - conf) / (n_classes - 1))[:, None], n_classes, axis=1)
    p[np.arange(len(pred)), pred] = conf
    return p


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_metrics_on_hand_computed_example():
    ev = evaluate(rows(Y_PRED, np.full(10, 0.8), 3), Y_TRUE, LABELS)
    assert ev.n == 10
    assert ev.accuracy == pytest.approx(0.7)
    assert ev.confusion == ((3, 1, 0), (0, 1, 2), (0, 0, 3))
    got = [(r.label, r.precision, r.recall, r.f1, r.support) for r in ev.per_class]
    want = [("cat", 1.0, 0.75, 6 / 7, 4), ("dog", 0.5, 1 / 3, 0.4, 3), ("ship", 0.6, 1.0, 0.75, 3)]
    for g, w in zip(got, want, strict=True):
        assert g[0] == w[0] and g[4] == w[4]
        assert g[1:4] == pytest.approx(w[1:4])
    assert ev.macro_precision == pytest.approx(0.7)
    assert ev.macro_recall == pytest.approx((0.75 + 1 / 3 + 1) / 3)
    assert ev.macro_f1 == pytest.approx((6 / 7 + 0.4 + 0.75) / 3)
    # every answer is 0.8 confident and 70% right: one bin, gap 0.1
    assert ev.ece == pytest.approx(0.1)


@pytest.mark.filterwarnings("error")
def test_class_never_predicted_has_zero_precision_without_warnings():
    y_pred = np.array([0, 1, 1, 0, 1])  # class 2 never predicted
    y_true = np.array([0, 1, 2, 2, 1])
    with np.errstate(all="raise"):
        ev = evaluate(rows(y_pred, np.full(5, 0.9), 3), y_true, LABELS)
    ship = ev.per_class[2]
    assert (ship.precision, ship.recall, ship.f1, ship.support) == (0.0, 0.0, 0.0, 2)
    assert not any(np.isnan([ev.macro_precision, ev.macro_recall, ev.macro_f1]))


def test_dict_round_trip_through_json():
    ev = evaluate(rows(Y_PRED, np.linspace(0.4, 0.95, 10), 3), Y_TRUE, LABELS)
    d = json.loads(json.dumps(ev.to_dict()))
    assert set(d) == {"labels", "n", "accuracy", "confusion", "per_class", "macro", "ece"}
    assert d["per_class"]["dog"]["support"] == 3
    assert Evaluation.from_dict(d) == ev


@pytest.mark.parametrize(
    "mangle, reason",
    [
        (lambda d: d.update(confusion=d["confusion"][:2]), "confusion"),
        (lambda d: d["confusion"][0].append(0), "confusion"),
        (lambda d: d.pop("ece"), "ece"),
        (lambda d: d.update(accuracy="high"), "accuracy"),
    ],
)
def test_from_dict_rejects_malformed(mangle, reason):
    d = evaluate(rows(Y_PRED, np.full(10, 0.8), 3), Y_TRUE, LABELS).to_dict()
    mangle(d)
    with pytest.raises(ValueError, match=reason):
        Evaluation.from_dict(d)


def test_ece_small_when_calibrated_and_large_when_over_confident():
    rng = np.random.default_rng(0)
    n, c = 20000, 10
    pred = rng.integers(0, c, n)
    wrong = (pred + rng.integers(1, c, n)) % c  # some other class

    conf = rng.uniform(0.15, 1.0, n)
    y = np.where(rng.random(n) < conf, pred, wrong)  # right exactly as often as claimed
    assert expected_calibration_error(rows(pred, conf, c), y) < 0.02

    conf = rng.uniform(0.95, 1.0, n)
    y = np.where(rng.random(n) < 0.6, pred, wrong)  # ~97% claimed, 60% delivered
    assert expected_calibration_error(rows(pred, conf, c), y) > 0.3


@pytest.mark.parametrize("t_true", [2.0, 0.5])
def test_fit_temperature_recovers_known_temperature(t_true):
    rng = np.random.default_rng(42)
    logits = rng.normal(scale=2.0, size=(5000, 10))
    cum = np.cumsum(softmax(logits / t_true), axis=1)
    y = np.minimum((cum < rng.random((5000, 1))).sum(axis=1), 9)  # sample labels from the true model
    t = fit_temperature(softmax(logits), y)
    assert t == pytest.approx(t_true, rel=0.15)
    assert fit_temperature(softmax(logits), y) == t  # deterministic


def test_apply_temperature_keeps_argmax_and_row_sums():
    p = softmax(np.random.default_rng(1).normal(scale=3.0, size=(50, 10)))
    p[0] = [1.0] + [0.0] * 9  # saturated row: log(0) must not produce NaN
    for t in (0.3, 1.0, 4.0):
        q = apply_temperature(p, t)
        assert np.isfinite(q).all()
        np.testing.assert_allclose(q.sum(axis=1), 1.0)
        np.testing.assert_array_equal(q.argmax(axis=1), p.argmax(axis=1))
    np.testing.assert_array_equal(apply_temperature(p, 1.0), p)
    assert (top1(apply_temperature(p, 4.0))[1] < top1(p)[1]).all()  # T > 1 softens
    with pytest.raises(ValueError):
        apply_temperature(p, 0.0)


def test_not_sure_threshold_follows_its_definition():
    conf = [0.3, 0.35, 0.5, 0.6, 0.7, 0.8]
    right = np.array([False, True, False, True, True, True])
    # window 3, local accuracy: 1/3, 1/3, 2/3, 2/3, 1, 1 -> the highest confidence below 0.5 is 0.35
    pred = np.zeros(6, dtype=int)
    y = np.where(right, 0, 1)
    assert fit_not_sure_threshold(rows(pred, conf, 10), y, window=3) == pytest.approx(0.35)
    assert fit_not_sure_threshold(rows(pred, conf, 10), np.zeros(6, dtype=int)) == 0.2  # never < 0.5: floor
    assert fit_not_sure_threshold(rows(pred, conf, 10), np.ones(6, dtype=int)) == 0.8
    assert fit_not_sure_threshold(rows(pred, conf, 10), np.ones(6, dtype=int), ceiling=0.6) == 0.6


def test_not_sure_threshold_finds_where_answers_turn_reliable():
    rng = np.random.default_rng(7)
    lo = rng.uniform(0.15, 0.4, 300)  # mostly wrong (20% right)
    hi = rng.uniform(0.4, 1.0, 4000)  # mostly right (95% right)
    conf = np.concatenate([lo, hi])
    right = np.concatenate([rng.random(300) < 0.2, rng.random(4000) < 0.95])
    pred = rng.integers(0, 10, len(conf))
    y = np.where(right, pred, (pred + 1) % 10)
    assert fit_not_sure_threshold(rows(pred, conf, 10), y) == pytest.approx(0.4, abs=0.05)


def test_reports_list_every_label_with_aligned_columns():
    ev = evaluate(rows(Y_PRED, np.full(10, 0.8), 3), Y_TRUE, LABELS)
    text = ev.report_text()
    for word in (*LABELS, "precision", "recall", "f1-score", "support", "accuracy", "macro avg"):
        assert word in text
    assert len({len(line) for line in text.splitlines() if line}) == 1  # every row equally wide
    assert "0.70" in text

    table = list(csv.reader(io.StringIO(ev.report_csv())))
    assert table[0] == ["label", "precision", "recall", "f1", "support"]
    assert [r[0] for r in table[1:]] == [*LABELS, "accuracy", "macro avg"]
    assert table[2] == ["dog", "0.5000", "0.3333", "0.4000", "3"]
    assert table[4] == ["accuracy", "", "", "0.7000", "10"]


def test_fit_temperature_keeps_the_model_confidences_when_every_answer_is_right():
    # a small, easy validation set: the likelihood alone would push T to T_MIN (every answer 100%)
    p = softmax(np.random.default_rng(3).normal(scale=1.0, size=(24, 4)))
    y = p.argmax(axis=1)
    assert fit_temperature(p, y) == 1.0
    y[0] = (y[0] + 1) % 4  # one wrong answer: the fit has something to go on again
    assert fit_temperature(p, y) != 1.0
