"""Evaluating on a labelled folder image by image: scores, mistakes, confusion cells, CSV and report files."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from generated_data import CLASS_COLOURS, make_class_folders
from PIL import Image

from infinityvision_desktop.core.datasets import DatasetError, load_dataset
from infinityvision_desktop.core.evaluation import evaluate
from infinityvision_desktop.core.folder_evaluation import evaluate_folder
from infinityvision_desktop.core.report import REPORT_FILES, ReportError, write_report

LABELS = tuple(CLASS_COLOURS)


@pytest.fixture(scope="module")
def predictor(tiny_model_path):
    from infinityvision_desktop.core.predictor import Predictor

    return Predictor.load(tiny_model_path)


@pytest.fixture
def folder_with_mistakes(tmp_path):
    """Four classes of generated photos, and three dog photos filed under cat: certain mistakes."""
    root = make_class_folders(tmp_path / "labelled", labels=LABELS, per_class=5, seed=4)
    for i, dog in enumerate(sorted((root / "dog").glob("*.png"))[:3]):
        shutil.copyfile(dog, root / "cat" / f"misfiled_{i}.png")
    return root


def test_scores_match_the_whole_dataset_path_and_every_image_is_kept(predictor, folder_with_mistakes):
    seen = []
    result = evaluate_folder(
        predictor, folder_with_mistakes, on_progress=lambda done, total: seen.append((done, total))
    )

    data = load_dataset(folder_with_mistakes, use_cache=False)
    x, y = data.splits["all"]
    expected = evaluate(predictor.probabilities(x), y, LABELS)
    assert result.evaluation.confusion == expected.confusion
    assert result.evaluation.accuracy == pytest.approx(expected.accuracy)
    assert result.split == "all" and result.evaluation.n == len(result.outcomes) == 23
    assert seen[-1] == (23, 23) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    names = {o.name for o in result.outcomes}
    assert "cat/misfiled_0.png" in names
    outcome = next(o for o in result.outcomes if o.name == "cat/misfiled_0.png")
    assert outcome.path == str(folder_with_mistakes / "cat" / "misfiled_0.png")
    assert Image.open(io.BytesIO(outcome.thumbnail)).size == (32, 32)


def test_mistakes_come_most_confident_first_and_cells_hold_their_images(predictor, folder_with_mistakes):
    result = evaluate_folder(predictor, folder_with_mistakes)

    mistakes = result.mistakes()
    assert {o.name for o in mistakes} >= {f"cat/misfiled_{i}.png" for i in range(3)}
    assert all(not o.correct for o in mistakes)
    confidences = [o.confidence for o in mistakes]
    assert confidences == sorted(confidences, reverse=True)
    cat, dog = LABELS.index("cat"), LABELS.index("dog")
    assert [o.name for o in result.cell(cat, dog)][:3] and all(
        o.true_index == cat and o.predicted_index == dog for o in result.cell(cat, dog)
    )
    assert len(result.cell(cat, dog)) == result.evaluation.confusion[cat][dog]
    assert sum(len(result.cell(t, p)) for t in range(4) for p in range(4)) == result.evaluation.n


def test_the_csv_has_a_row_per_image_and_unreadable_files_with_their_reason(predictor, folder_with_mistakes):
    (folder_with_mistakes / "frog" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n but nothing else")
    result = evaluate_folder(predictor, folder_with_mistakes)

    assert result.unreadable == (("frog/broken.png", "damaged: the PNG header cannot be read"),)
    rows = list(csv.DictReader(io.StringIO(result.predictions_csv())))
    assert len(rows) == 24
    assert list(rows[0])[:8] == ["path", "label", "confidence", "not_sure", "looks_like", "name", "true", "correct"]
    misfiled = next(row for row in rows if row["name"] == "cat/misfiled_0.png")
    assert misfiled["true"] == "cat" and misfiled["label"] == "dog" and misfiled["correct"] == "false"
    assert float(misfiled["dog"]) == pytest.approx(float(misfiled["confidence"]), abs=1e-6)
    assert rows[-1]["name"] == "frog/broken.png" and rows[-1]["error"].startswith("damaged")


def test_a_folder_with_some_of_the_classes_and_other_capitals_is_fine(predictor, tmp_path):
    root = make_class_folders(tmp_path / "two", labels=("cat", "ship"), per_class=3)
    (root / "cat").rename(root / "Cat")
    result = evaluate_folder(predictor, root)
    assert result.evaluation.n == 6
    assert {LABELS[o.true_index] for o in result.outcomes} == {"cat", "ship"}
    assert result.evaluation.labels == LABELS  # the matrix still has every class the model knows


def test_folders_that_cannot_be_scored_say_why(predictor, tmp_path):
    root = make_class_folders(tmp_path / "zoo", labels=("cat", "dog"), per_class=1)
    make_class_folders(root, labels=("frog",), per_class=1)
    (root / "frog").rename(root / "giraffe")
    with pytest.raises(DatasetError, match=r"class folder 'giraffe' is not among the model's classes \(cat, dog"):
        evaluate_folder(predictor, root)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="no images found"):
        evaluate_folder(predictor, tmp_path / "empty")
    split = make_class_folders(tmp_path / "split", labels=("cat",), per_class=1, test_per_class=1)
    with pytest.raises(DatasetError, match=r"has no 'validation' split \(it has: test, train\)"):
        evaluate_folder(predictor, split, split="validation")


def test_a_stop_request_ends_the_run(predictor, folder_with_mistakes):
    calls = []

    def stop_after_five():
        calls.append(1)
        return len(calls) > 5

    with pytest.raises(InterruptedError):
        evaluate_folder(predictor, folder_with_mistakes, should_stop=stop_after_five)


def test_the_report_folder_gets_charts_csv_and_scores(predictor, folder_with_mistakes, tmp_path):
    result = evaluate_folder(predictor, folder_with_mistakes)
    written = write_report(result, tmp_path / "report" / "deeper", model_name="tiny")

    assert [path.name for path in written] == list(REPORT_FILES)
    for name in ("confusion_matrix.png", "per_class.png", "misclassified.png"):
        with Image.open(tmp_path / "report" / "deeper" / name) as image:
            assert image.format == "PNG" and image.width > 300
    text = (tmp_path / "report" / "deeper" / "report.txt").read_text()
    assert text.startswith(f"tiny on {folder_with_mistakes} (all): accuracy")
    assert "misclassified" in text
    assert not list((tmp_path / "report" / "deeper").glob(".*tmp*"))

    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(ReportError, match="a_file: the folder cannot be created"):
        write_report(result, blocker)
