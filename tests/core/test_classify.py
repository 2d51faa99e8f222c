"""The one classify loop: results in the items' order, unreadable images named, the caller's
"not sure" threshold honoured, and a stop answered within a batch."""

from __future__ import annotations

import pytest
from generated_data import make_image
from PIL import Image

from infinityvision_desktop.core.classify import ImageItem, classify
from infinityvision_desktop.core.predictor import Predictor


@pytest.fixture(scope="module")
def predictor(tiny_model_path):
    return Predictor.load(tiny_model_path)


@pytest.fixture
def items(tmp_path):
    import numpy as np

    rng = np.random.default_rng(5)
    paths = []
    for i, label in enumerate(("cat", "dog", "frog", "cat", "dog")):
        path = tmp_path / f"{i}.png"
        Image.fromarray(make_image(label, rng)).save(path)
        paths.append(path)
    (tmp_path / "empty.png").write_bytes(b"")
    paths.insert(2, tmp_path / "empty.png")
    return [ImageItem(key, str(path), str(path)) for key, path in enumerate(paths)]


def test_results_come_in_the_items_order_and_name_what_could_not_be_read(predictor, items):
    batches = []
    summary = classify(items, predictor, batch_size=4, thumbnail_side=16, on_batch=batches.append)
    results = [result for batch in batches for result in batch]
    assert [len(batch) for batch in batches] == [4, 2]
    assert [result.key for result in results] == list(range(len(items)))
    assert results[2].error == "empty.png: file is empty" and results[2].reason == "file is empty"
    assert all(
        result.prediction is not None and max(result.thumbnail.shape[:2]) <= 16 for result in results if result.key != 2
    )
    assert (summary.classified, summary.skipped, summary.stopped, summary.not_done) == (5, 1, False, 0)


def test_the_callers_threshold_decides_not_sure(predictor, items):
    def answers(threshold):
        results = []
        classify(items, predictor, threshold=threshold, on_batch=results.extend)
        return [r.prediction for r in results if r.prediction is not None]

    assert not any(p.not_sure for p in answers(0.01))
    strict = answers(0.999)
    assert [p.not_sure for p in strict] == [p.confidence < 0.999 for p in strict]
    assert any(p.not_sure for p in strict), "some answers must be below 99.9% for this test to mean anything"


def test_a_stop_ends_the_run_within_a_batch(predictor, items):
    seen = []
    summary = classify(items, predictor, batch_size=2, on_batch=seen.extend, should_stop=lambda: len(seen) >= 2)
    assert len(seen) == 2 and summary.stopped and summary.not_done == len(items) - 2
