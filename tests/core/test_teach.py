"""Teach it in a minute (issue 19): projects, cached features, the fitted head, the saved model, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from generated_data import CLASS_COLOURS, make_class_folders, make_image

from infinityvision_desktop.core.teach import MIN_IMAGES, TeachError, TeachProject
from infinityvision_desktop.core.teach.features import FEATURES, VIEWS, FeatureStore
from infinityvision_desktop.core.teach.head import LinearHead, fit_head, held_out_probabilities, stratified_folds
from infinityvision_desktop.core.teach.project import AnsweredImage

LABELS = tuple(sorted(CLASS_COLOURS))


@pytest.fixture(scope="module")
def extractor():
    """The backbone, loaded once for the module: loading it is the slow part of these tests."""
    from infinityvision_desktop.core.teach.features import FeatureExtractor

    return FeatureExtractor.load()


@pytest.fixture
def photos(tmp_path):
    """Generated 'photos' of the four colour classes, 64 px, outside any project."""
    return make_class_folders(tmp_path / "photos", labels=LABELS, per_class=6, size=64, seed=3)


def _project_with_photos(tmp_path, photos, labels=LABELS):
    project = TeachProject.create(tmp_path / "project", labels)
    for label in labels:
        project.add_images(label, [photos / label])
    return project


# ---------------------------------------------------------------- projects (no TensorFlow)


def test_images_are_copied_never_moved_and_a_taken_name_gets_a_number(tmp_path, photos):
    project = TeachProject.create(tmp_path / "project", ["cat"])
    originals = sorted((photos / "cat").iterdir())

    first = project.add_images("cat", [photos / "cat"])
    again = project.add_images("cat", [originals[0]])

    assert all(path.exists() for path in originals)  # copied, not moved
    assert [p.name for p in first.copied] == [p.name for p in originals]
    assert again.copied[0].name == "000 (1).png" and again.renamed == 1
    assert again.copied[0].read_bytes() == originals[0].read_bytes()
    assert project.status()[0].count == len(originals) + 1


def test_a_class_with_too_few_images_says_how_many_more_it_needs(tmp_path, photos):
    project = TeachProject.create(tmp_path / "project", ["cat", "dog"])
    project.add_images("cat", sorted((photos / "cat").iterdir())[:2])

    cat, dog = project.status()

    assert (cat.count, cat.needs, cat.recommended_more) == (2, MIN_IMAGES - 2, 18)
    assert dog.needs == MIN_IMAGES
    assert (
        project.readiness() == f"each class needs at least {MIN_IMAGES} images: 'cat' needs 3 more, 'dog' needs 5 more"
    )


def test_classes_are_added_renamed_and_deleted_and_bad_names_refused(tmp_path, photos):
    project = TeachProject.create(tmp_path / "project", ["cat", "dog"])
    project.add_correction(photos / "cat" / "000.png", answer="dog", correct="cat")

    project.rename_class("cat", "kitten")

    assert project.classes() == ["dog", "kitten"]
    assert list(project.corrections()) == ["kitten/000.png"]
    assert project.corrections()["kitten/000.png"]["to"] == "kitten"
    for bad in ("", "test", "a/b", ".hidden", "DOG"):
        with pytest.raises(TeachError):
            project.add_class(bad)
    project.delete_class("kitten")
    assert project.classes() == ["dog"] and project.corrections() == {}
    assert (photos / "cat" / "000.png").exists()  # the original was never the project's


def test_a_correction_is_recorded_with_what_the_model_said(tmp_path, photos):
    project = TeachProject.create(tmp_path / "project", ["cat", "dog"])

    target = project.add_correction(photos / "dog" / "001.png", answer="cat", correct="dog")

    record = json.loads((project.folder / "corrections.json").read_text())
    assert target == project.folder / "dog" / "001.png"
    assert record["dog/001.png"]["from"] == "cat" and record["dog/001.png"]["to"] == "dog"
    assert record["dog/001.png"]["when"].endswith("+00:00")
    assert project.status()[1].corrections == 1
    assert not list(project.folder.glob(".*"))  # the record was written whole, no temp file left


def test_answered_images_dropped_on_a_class_are_corrections_only_where_the_answer_was_another_class(tmp_path, photos):
    project = TeachProject.create(tmp_path / "project", ["cat", "dog"])
    thumbnail = (photos / "cat" / "002.png").read_bytes()
    gone = str(tmp_path / "gone.png")

    report = project.add_answered(
        "cat",
        [
            AnsweredImage("dog", "000.png", path=str(photos / "cat" / "000.png")),  # wrong: a correction
            AnsweredImage("cat", "001.png", path=str(photos / "cat" / "001.png")),  # right: just a photo
            AnsweredImage("dog", "pasted 2.png", data=thumbnail),  # no file: its bytes
            AnsweredImage("dog", "gone.png", path=gone),
        ],
    )

    assert [p.name for p in report.copied] == ["000.png", "001.png", "pasted 2.png"]
    assert report.skipped == ((gone, "not found"),)
    assert (project.folder / "cat" / "pasted 2.png").read_bytes() == thumbnail
    assert {key: entry["from"] for key, entry in project.corrections().items()} == {
        "cat/000.png": "dog",
        "cat/pasted 2.png": "dog",
    }
    assert project.status()[0].corrections == 2

    target = project.add_corrected(AnsweredImage("cat", "003.png", path=str(photos / "cat" / "003.png")), "bird")
    assert target == project.folder / "bird" / "003.png"  # a class the model knew, deleted since: made again
    assert project.corrections()["bird/003.png"]["to"] == "bird"
    with pytest.raises(TeachError, match="not found"):
        project.add_corrected(AnsweredImage("cat", "gone.png", path=gone), "dog")


# ---------------------------------------------------------------- the head (numpy)


def test_stratified_folds_cover_every_image_once_with_each_class_spread():
    y = np.repeat(np.arange(3), [5, 7, 20])
    folds = stratified_folds(y, 5, seed=1)
    assert sorted(np.concatenate(folds).tolist()) == list(range(len(y)))
    for fold in folds:
        assert np.bincount(y[fold], minlength=3).tolist() in ([1, 1, 4], [1, 2, 4])


def test_the_head_separates_separable_features_and_averages_views_like_the_predictor():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 1, (3, 40))
    y = np.repeat(np.arange(3), 10)
    x = centres[y][:, None, :] + rng.normal(0, 0.5, (30, 2, 40))

    head = fit_head(x, y, 3)
    held = held_out_probabilities(x, y, 3)

    assert (head.probabilities(x).argmax(axis=1) == y).all()
    assert (held.probabilities.argmax(axis=1) == y[held.indices]).mean() >= 0.9
    assert held.method == "5-fold cross-validation"
    one = LinearHead(head.weights, head.bias)
    logp = [np.log(np.exp(l - l.max()) / np.exp(l - l.max()).sum()) for l in one.logits(x[0])]
    expected = np.exp(np.mean(logp, axis=0))
    np.testing.assert_allclose(one.probabilities(x[:1])[0], expected / expected.sum(), rtol=1e-6)


def test_a_store_keeps_features_by_content_and_a_new_backbone_removes_the_old_store(tmp_path):
    old = FeatureStore("a" * 32 + "-float32", tmp_path)
    old.put("k", np.ones((VIEWS, FEATURES)))
    old.save()
    assert FeatureStore("a" * 32 + "-float32", tmp_path).get("k").shape == (VIEWS, FEATURES)

    new = FeatureStore("b" * 32 + "-float32", tmp_path)
    assert new.get("k") is None
    new.put("j", np.zeros((VIEWS, FEATURES)))
    new.save()

    assert not old.path.exists() and new.path.exists()
    assert [p.name for p in tmp_path.iterdir()] == [new.path.name]  # no temp file left beside it


# ---------------------------------------------------------------- training (the backbone)


def test_features_are_computed_once_then_come_from_the_cache(tmp_path, photos, extractor):
    from infinityvision_desktop.core.teach.trainer import Teacher

    project = _project_with_photos(tmp_path, photos)
    cache = tmp_path / "cache"

    first = Teacher(cache_folder=cache, extractor=extractor).teach(project.folder)
    second = Teacher(cache_folder=cache, extractor=extractor).teach(project.folder)  # as a new session would
    project.add_images(
        "cat",
        [make_class_folders(tmp_path / "more", labels=("cat",), per_class=1, size=64, seed=9) / "cat" / "000.png"],
    )
    third = Teacher(cache_folder=cache, extractor=extractor).teach(project.folder)

    assert (first.computed, first.cached) == (24, 0)
    assert (second.computed, second.cached) == (0, 24)
    assert (third.computed, third.cached) == (1, 24)
    assert len(list(cache.glob("teach-features-*.npz"))) == 1


def test_the_teach_model_is_accurate_saved_as_one_file_and_loads_with_the_predictor(tmp_path, photos, extractor):
    from infinityvision_desktop.core.predictor import Predictor
    from infinityvision_desktop.core.teach.trainer import ARCHITECTURE, Teacher

    project = _project_with_photos(tmp_path, photos)
    stages = []
    teacher = Teacher(cache_folder=tmp_path / "cache", extractor=extractor)

    result = teacher.teach(project.folder, on_progress=lambda stage, done, total: stages.append(stage))

    meta = result.metadata
    assert result.model_path == str(project.model_path) and project.model_path.is_file()
    assert meta.validation["accuracy"] >= 0.95 and meta.validation["n"] == 24
    assert meta.validation["method"] == "5-fold cross-validation"
    assert np.array(meta.validation["confusion"]).sum() == 24
    assert meta.labels == LABELS and meta.input_size == (224, 224) and meta.architecture == ARCHITECTURE
    assert meta.provenance["trained_by"] == "teach"
    assert meta.provenance["images_per_class"] == {label: 6 for label in LABELS}
    assert meta.provenance["backbone"]["license"].startswith("Apache-2.0")
    assert 0 < meta.temperature and 0 < meta.not_sure_threshold < 1
    assert stages[0] == "features" and stages[-1] == "save"

    rng = np.random.default_rng(42)
    new_photos = [make_image(label, rng, 64) for label in LABELS]
    predictor = Predictor.load(result.model_path)
    answers = predictor.predict(new_photos)
    assert [a.label for a in answers] == list(LABELS)
    in_memory = teacher.answer(result.head, meta, new_photos)
    assert [a.label for a in in_memory] == list(LABELS)
    np.testing.assert_allclose([a.probabilities for a in in_memory], [a.probabilities for a in answers], atol=0.05)


def test_a_correction_is_used_in_the_next_training(tmp_path, photos, extractor):
    from infinityvision_desktop.core.teach.trainer import Teacher

    project = _project_with_photos(tmp_path, photos)
    teacher = Teacher(cache_folder=tmp_path / "cache", extractor=extractor)
    before = teacher.teach(project.folder)
    wrong = make_class_folders(tmp_path / "wrong", labels=("frog",), per_class=1, size=64, seed=5) / "frog" / "000.png"

    project.add_correction(wrong, answer="ship", correct="frog")
    after = teacher.teach(project.folder)

    assert (before.corrections, after.corrections) == (0, 1)
    assert after.metadata.provenance["corrections"] == 1
    assert after.metadata.provenance["images_per_class"]["frog"] == 7
    assert after.images == before.images + 1 and after.computed == 1


def test_too_few_images_and_a_stop_are_answered_without_a_model(tmp_path, photos, extractor):
    from infinityvision_desktop.core.teach.trainer import Teacher

    project = TeachProject.create(tmp_path / "project", ["cat", "dog"])
    project.add_images("cat", [photos / "cat"])
    project.add_images("dog", sorted((photos / "dog").iterdir())[:3])
    teacher = Teacher(cache_folder=tmp_path / "cache", extractor=extractor)

    with pytest.raises(TeachError, match="each class needs at least 5 readable images: 'dog' has 3"):
        teacher.teach(project.folder)
    project.add_images("dog", [photos / "dog"])
    stopped = teacher.teach(project.folder, should_stop=lambda: True)

    assert stopped.stopped and stopped.model_path is None and not project.model_path.exists()


# ---------------------------------------------------------------- the command line


def test_plain_train_takes_the_fast_path_end_to_end(tmp_path, photos, capsys):
    from infinityvision_desktop import cli
    from infinityvision_desktop.core.modelfile import read_metadata

    out = tmp_path / "model.h5"

    code = cli.main(["train", "--data", str(photos), "--out", str(out)])

    printed = capsys.readouterr().out
    assert code == 0, printed
    assert f"saved {out} (efficientnet-lite0 + linear head; 4 classes, 24 images" in printed
    assert "held-out accuracy 1.0000 (24 images, 5-fold cross-validation)" in printed
    assert "time " in printed
    assert read_metadata(out).provenance["trained_by"] == "teach"


def test_any_other_train_option_keeps_the_fine_tune_pipeline(tmp_path, photos, monkeypatch, capsys):
    from infinityvision_desktop import cli
    from infinityvision_desktop.core import pipeline

    configs = []

    def fake_fine_tune(cfg, observer=None):
        configs.append(cfg)
        raise ValueError("recorded")

    monkeypatch.setattr(pipeline, "fine_tune", fake_fine_tune)
    for extra in (["--arch", "airbench"], ["--epochs", "2"], ["--deep"], ["--base", str(tmp_path / "b.h5")]):
        assert cli.main(["train", "--data", str(photos), "--out", str(tmp_path / "m.h5"), *extra]) == 1
    assert [c.arch for c in configs] == ["airbench"] * 4
    assert configs[1].epochs == 2 and configs[3].base == str(tmp_path / "b.h5")

    assert cli.main(["train", "--data", str(photos), "--fast", "--epochs", "2"]) == 2
    assert "--fast takes only --data, --out and --seed; --epochs belong" in capsys.readouterr().err


def test_a_test_split_is_evaluated_and_the_cifar10_download_keeps_the_fine_tune_pipeline(tmp_path, capsys):
    from infinityvision_desktop import cli

    data = make_class_folders(tmp_path / "data", labels=LABELS[:2], per_class=6, test_per_class=3, size=64)
    out = tmp_path / "split.h5"

    assert cli.main(["train", "--data", str(data), "--out", str(out)]) == 0

    printed = capsys.readouterr().out
    assert "held-out accuracy 1.0000 (12 images, 5-fold cross-validation)" in printed
    assert "test accuracy 1.0000 on 6 images" in printed
    parser = cli.build_parser()
    assert cli._train_path(parser.parse_args(["train", "--data", "cifar10"])) == "deep"
    assert cli._train_path(parser.parse_args(["train", "--data", str(data), "--seed", "3"])) == "fast"
    assert cli._train_path(parser.parse_args(["train", "--data", str(data), "--fast"])) == "fast"
