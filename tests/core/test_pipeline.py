"""The fine-tune pipeline end to end, on tiny generated data: stages, progress, stop, resume, the saved file."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from generated_data import make_class_folders, make_image

from infinityvision_desktop.core import predictor as predictor_module
from infinityvision_desktop.core.checkpoints import resumable_run
from infinityvision_desktop.core.datasets import DatasetError
from infinityvision_desktop.core.modelfile import load_model_file
from infinityvision_desktop.core.predictor import Predictor
from infinityvision_desktop.core.training_config import TrainConfig
from infinityvision_desktop.core.training_observer import TrainingObserver

pytestmark = pytest.mark.slow

LABELS = ("cat", "dog", "frog")
# 32 train images per class, 10% held out: 87 training images, 5 batches of 16 per epoch
STEPS = 5


class Recorder(TrainingObserver):
    """Records every callback; requests a stop once stop_when(stage, stage_epoch, batch) is true."""

    def __init__(self, stop_when=None):
        self.stop_when = stop_when
        self.stop_requested = False
        self.batches_after_request = 0
        self.stages: list[tuple[str, int]] = []
        self.batches: list[tuple[str, int, int, int, float]] = []
        self.epochs = []
        self.results = []
        self.failures = []

    def stage_changed(self, stage, steps_per_epoch):
        self.stages.append((stage.name, steps_per_epoch))

    def batch_done(self, stage, stage_epoch, batch, batches, loss):
        self.batches.append((stage.name, stage_epoch, batch, batches, loss))
        if self.stop_requested:
            self.batches_after_request += 1
        elif self.stop_when and self.stop_when(stage.name, stage_epoch, batch):
            self.stop_requested = True

    def epoch_done(self, metrics):
        self.epochs.append(metrics)

    def finished(self, result):
        self.results.append(result)

    def failed(self, error):
        self.failures.append(error)

    def should_stop(self):
        return self.stop_requested


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return make_class_folders(
        tmp_path_factory.mktemp("pipeline") / "data", labels=LABELS, per_class=32, test_per_class=4, seed=5
    )


def config(tmp_path, data_dir, **changes) -> TrainConfig:
    values = dict(
        data=str(data_dir),
        arch="airbench",
        widths=(16, 32, 32),
        epochs=3,
        batch_size=16,
        learning_rate=0.2,
        val_share=0.1,
        mixed_precision=False,
        seed=1,
        checkpoint_dir=str(tmp_path / "ckpt"),
        out=str(tmp_path / "model.h5"),
    )
    values.update(changes)
    return TrainConfig(**values)


def run(cfg, observer):
    from infinityvision_desktop.core.pipeline import fine_tune

    return fine_tune(cfg, observer)


def sample_images(n_per_class=2):
    rng = np.random.default_rng(11)
    return np.stack([make_image(label, rng) for label in LABELS for _ in range(n_per_class)])


def as_json(metadata):
    return json.loads(json.dumps(metadata.to_dict()))


def batch_counts(observer):
    counts = {}
    for stage, stage_epoch, *_ in observer.batches:
        counts[(stage, stage_epoch)] = counts.get((stage, stage_epoch), 0) + 1
    return counts


# ---------------------------------------------------------------- a whole two-stage run


def test_fine_tuning_a_base_runs_both_stages_and_saves_a_model_that_predicts_the_same(
    tmp_path, data_dir, tiny_model_path, monkeypatch
):
    built = []

    class RecordingPredictor(Predictor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(predictor_module, "Predictor", RecordingPredictor)
    assert load_model_file(tiny_model_path).metadata.labels != LABELS  # so a new head is made
    cfg = config(
        tmp_path,
        data_dir,
        base=str(tiny_model_path),
        head_epochs=1,
        epochs=2,
        learning_rate=0.05,
        out=str(tmp_path / "model.keras"),
    )
    observer = Recorder()

    result = run(cfg, observer)

    # progress, in order
    assert observer.stages == [("head", STEPS), ("fine-tune", STEPS)]
    assert batch_counts(observer) == {("head", 1): STEPS, ("fine-tune", 1): STEPS, ("fine-tune", 2): STEPS}
    assert [b[2] for b in observer.batches[:STEPS]] == list(range(1, STEPS + 1))
    assert all(b[3] == STEPS and np.isfinite(b[4]) for b in observer.batches)
    assert [(m.epoch, m.stage, m.stage_epoch, m.stage_epochs) for m in observer.epochs] == [
        (1, "head", 1, 1),
        (2, "fine-tune", 1, 2),
        (3, "fine-tune", 2, 2),
    ]
    assert all(m.val_accuracy is not None for m in observer.epochs)
    assert observer.results == [result] and observer.failures == []

    # the result and the file
    assert result.stopped is False and result.message == "finished"
    assert result.model_path == cfg.out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]  # finished: no checkpoint left
    loaded = load_model_file(result.model_path)
    metadata = loaded.metadata
    assert as_json(metadata) == as_json(result.metadata)
    assert metadata.labels == LABELS
    assert [(h["epoch"], h["stage"]) for h in metadata.history] == [(1, "head"), (2, "fine-tune"), (3, "fine-tune")]
    assert [s["name"] for s in metadata.stages] == ["head", "fine-tune"]
    assert metadata.evaluation["n"] == 12 and metadata.evaluation["labels"] == list(LABELS)
    assert metadata.validation["n"] == 9
    assert 0 < metadata.temperature and 0 < metadata.not_sure_threshold < 1
    assert metadata.tta == ("flip",)
    assert metadata.provenance["best_epoch"] == result.best_epoch
    assert metadata.provenance["validation_images"] == 9 and metadata.provenance["train_images"] == 87

    # the saved file answers exactly as the predictor the run calibrated and evaluated with
    assert built, "the run built no Predictor"
    images = sample_images()
    in_run = built[-1].probabilities(images)
    from_file = Predictor(loaded.model, metadata).probabilities(images)
    np.testing.assert_allclose(from_file, in_run, atol=1e-6)
    np.testing.assert_allclose(from_file.sum(axis=1), 1.0, atol=1e-6)


def test_a_failing_run_reports_failed_and_raises(tmp_path):
    observer = Recorder()
    cfg = config(tmp_path, tmp_path / "no-such-data")

    with pytest.raises(DatasetError, match="not found"):
        run(cfg, observer)

    assert len(observer.failures) == 1 and isinstance(observer.failures[0], DatasetError)
    assert observer.results == []
    assert not (tmp_path / "model.h5").exists()


# ---------------------------------------------------------------- stop and resume


@pytest.fixture(scope="module")
def stopped_run(tmp_path_factory, data_dir):
    """A 3-epoch run from scratch, asked to stop at the 3rd batch of epoch 2."""
    tmp_path = tmp_path_factory.mktemp("stopped")
    cfg = config(tmp_path, data_dir, epochs=3)
    observer = Recorder(stop_when=lambda stage, stage_epoch, batch: stage_epoch == 2 and batch >= 3)
    result = run(cfg, observer)
    return cfg, observer, result


def test_a_stop_request_ends_within_one_batch_and_keeps_the_best_epoch(stopped_run):
    cfg, observer, result = stopped_run

    assert observer.stop_requested
    assert observer.batches_after_request <= 1
    assert batch_counts(observer)[("train", 2)] <= 4
    assert [m.epoch for m in observer.epochs] == [1]  # the partial epoch is not kept
    assert result.stopped is True and result.best_epoch == 1
    assert result.message == "stopped: kept the best weights"
    assert observer.results == [result]

    loaded = load_model_file(result.model_path)
    assert loaded.metadata.provenance["best_epoch"] == 1
    assert loaded.metadata.provenance["stopped"] is True
    assert len(loaded.metadata.history) == 1
    with np.load(f"{cfg.checkpoint_dir}/best.npz") as saved:
        best = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    weights = loaded.model.get_weights()
    assert len(weights) == len(best)
    for got, want in zip(weights, best):
        np.testing.assert_array_equal(got, want)


def test_a_stop_on_the_last_batch_of_an_epoch_keeps_that_epoch(tmp_path, data_dir):
    # requested during batch 4: seen when batch 5, the last, ends; the epoch is whole
    observer = Recorder(stop_when=lambda stage, stage_epoch, batch: batch == STEPS - 1)

    result = run(config(tmp_path, data_dir, epochs=2), observer)

    assert batch_counts(observer) == {("train", 1): STEPS}
    assert [m.epoch for m in observer.epochs] == [1]
    assert result.stopped is True and result.best_epoch == 1
    assert result.model_path is not None
    assert load_model_file(result.model_path).metadata.provenance["best_epoch"] == 1


def test_a_stopped_run_keeps_its_checkpoint_for_resume(stopped_run):
    cfg, _, _ = stopped_run

    run = resumable_run(cfg)

    assert run is not None and run.folder == cfg.checkpoint_dir
    assert (run.epochs_done, run.epochs_planned) == (1, 3)


def test_resume_continues_from_the_last_finished_epoch(stopped_run, tmp_path):
    from infinityvision_desktop.core.optimization import one_cycle

    cfg, first_observer, first = stopped_run
    checkpoint = tmp_path / "ckpt"
    shutil.copytree(cfg.checkpoint_dir, checkpoint)  # the stop test reads the original
    resumed_cfg = config(tmp_path, cfg.data, epochs=3, resume=True, checkpoint_dir=str(checkpoint))
    observer = Recorder()

    result = run(resumed_cfg, observer)

    assert observer.batches[0][:3] == ("train", 2, 1)
    assert batch_counts(observer) == {("train", 2): STEPS, ("train", 3): STEPS}
    assert [m.epoch for m in observer.epochs] == [2, 3]
    # the one-cycle schedule goes on from the restored step count: epoch 2 ends at step 2 * STEPS
    last_step_of_epoch_2 = 2 * STEPS - 1
    assert observer.epochs[0].learning_rate == pytest.approx(
        cfg.learning_rate * one_cycle(last_step_of_epoch_2 / (3 * STEPS))
    )
    assert [m.epoch for m in result.history] == [1, 2, 3]
    assert result.history[0] == first.history[0]
    assert result.stopped is False
    metadata = load_model_file(result.model_path).metadata
    assert [h["epoch"] for h in metadata.history] == [1, 2, 3]
    assert all(h["stage"] == "train" for h in metadata.history)
    assert not checkpoint.exists() and resumable_run(resumed_cfg) is None  # finished: nothing left to resume


def test_stopping_before_the_first_epoch_keeps_nothing(stopped_run, tmp_path):
    cfg, _, _ = stopped_run
    checkpoint = tmp_path / "ckpt"
    shutil.copytree(cfg.checkpoint_dir, checkpoint)  # without resume, an old checkpoint is not used
    observer = Recorder(stop_when=lambda stage, stage_epoch, batch: True)

    result = run(config(tmp_path, cfg.data, epochs=3, checkpoint_dir=str(checkpoint)), observer)

    assert observer.batches[0][:3] == ("train", 1, 1)
    assert len(observer.batches) <= 2
    assert result.model_path is None and result.metadata is None
    assert result.stopped is True and result.history == ()
    assert "nothing to keep" in result.message
    assert observer.epochs == [] and observer.results == [result]
    assert list(tmp_path.iterdir()) == []  # no model, no temp file (and the old checkpoint is gone)
