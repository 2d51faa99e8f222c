"""The training dialog end to end on tiny generated class folders: stages and progress in order, Cancel,
resume, Save As and "Use this model", and data that cannot be trained on."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from gui_helpers import make_class_folders
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from infinityvision_desktop import paths
from infinityvision_desktop.core.architectures import ArchitectureError
from infinityvision_desktop.core.checkpoints import checkpoint_folder
from infinityvision_desktop.core.modelfile import load_model_file, read_metadata
from infinityvision_desktop.gui import training_dialog, training_output, training_workers
from infinityvision_desktop.gui.training_dialog import (
    BASE_AIRBENCH,
    BASE_FINE_TUNE,
    BASE_LITE0,
    BASE_VGG16,
    TrainingDialog,
)

pytestmark = [pytest.mark.gui, pytest.mark.slow]

LABELS = ("cat", "dog", "frog")
TINY_WIDTHS = (16, 32, 32)
RUN_TIMEOUT_MS = 180_000


# conftest.py's autouse _no_thread_left_running fails a test that leaves a worker thread running.


@pytest.fixture
def make_dialog(qtbot):
    def make(**kwargs) -> TrainingDialog:
        dialog = TrainingDialog(widths=TINY_WIDTHS, **kwargs)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def scan(qtbot, dialog, path) -> bool:
    with qtbot.waitSignal(dialog.sig_scan_finished, timeout=30_000) as blocker:
        dialog.set_data_path(path)
    qtbot.waitUntil(lambda: not dialog.is_scanning(), timeout=10_000)
    return blocker.args[0]


class Events:
    """What the dialog announces, in order."""

    def __init__(self, dialog: TrainingDialog):
        self.items: list[tuple] = []
        self.progress = []
        dialog.sig_training_started.connect(lambda cfg: self.items.append(("started", cfg.resume)))
        dialog.sig_stage_started.connect(lambda stage: self.items.append(("stage", stage.name)))
        dialog.sig_progress.connect(self._on_progress)
        dialog.sig_epoch_done.connect(lambda m: self.items.append(("epoch", m.epoch, m.stage)))
        dialog.sig_run_finished.connect(lambda result: self.items.append(("finished", result)))

    def _on_progress(self, progress):
        self.progress.append(progress)
        self.items.append(("progress", progress.epoch, progress.batch))

    def kinds(self) -> list:
        """Consecutive progress items folded into one, for comparing the order of events."""
        out = []
        for item in self.items:
            key = item[0] if item[0] in ("progress", "finished") else item[:2]
            if not out or key != out[-1] or key != "progress":
                out.append(key)
        return out


def run_to_end(qtbot, dialog, click=True):
    with qtbot.waitSignal(dialog.sig_run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        if click:
            qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


# ---------------------------------------------------------------- a whole two-stage run


def test_fine_tuning_runs_both_stages_in_order_then_saves_and_offers_the_model(
    qtbot, make_dialog, tmp_path, tiny_model_path, monkeypatch
):
    data = make_class_folders(tmp_path / "data", labels=LABELS, per_class=24, test_per_class=6, seed=1)
    bundled_before = paths.bundled_model_path().stat().st_mtime_ns if paths.bundled_model_path().exists() else None
    dialog = make_dialog(model_path=tiny_model_path)
    assert dialog.base_kind() == BASE_FINE_TUNE  # the quick default when a model is active
    assert scan(qtbot, dialog, data)
    assert "new output layer" in dialog.base_note.text()  # 4 classes in the model, 3 in the data
    dialog.set_hyper_parameters(head_epochs=1, epochs=1, batch_size=16, mixed_precision=False)
    events = Events(dialog)

    with qtbot.waitSignal(dialog.sig_run_finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)  # a double-click starts one run
        assert not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()

    # the signals, in order: one run, stage head, its batches, epoch 1, stage fine-tune, batches, epoch 2, finished
    assert events.kinds() == [
        ("started", False),
        ("stage", "head"),
        "progress",
        ("epoch", 1),
        ("stage", "fine-tune"),
        "progress",
        ("epoch", 2),
        "finished",
    ]
    steps = events.progress[0].batches
    assert [(p.epoch, p.batch) for p in events.progress] == [(e, b) for e in (1, 2) for b in range(1, steps + 1)]
    assert [p.stage for p in events.progress] == ["head"] * steps + ["fine-tune"] * steps
    assert events.progress[-1].done == events.progress[-1].total == 2 * steps

    # the result: saved in the user's models folder, evaluated on the test split, shown
    result = dialog.train_result()
    assert events.items[-1] == ("finished", result)
    assert result.stopped is False and result.model_path
    assert str(paths.user_data_dir() / "models") in result.model_path
    meta = read_metadata(result.model_path)
    assert meta.labels == LABELS and meta.evaluation["n"] == 18
    assert [h["stage"] for h in meta.history] == ["head", "fine-tune"]
    np.testing.assert_array_equal(dialog.confusion.image_values(), meta.evaluation["confusion"])
    assert "18 test images" in dialog.accuracy_label.text()
    assert dialog.curves.stage_boundaries() == [1.5]
    np.testing.assert_array_equal(dialog.curves.line_data("val_accuracy")[0], [1, 2])
    assert dialog.stage_label.text() == "Finished"
    assert not checkpoint_folder(dialog.run_panel.config).exists()  # nothing left to resume
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()

    # another folder scanned after the run: the run's evaluation stays on show until the next Start
    other = make_class_folders(tmp_path / "other", labels=("cat", "ship"), per_class=24, seed=2)
    assert scan(qtbot, dialog, other)
    np.testing.assert_array_equal(dialog.confusion.image_values(), meta.evaluation["confusion"])
    assert dialog.confusion.labels() == LABELS

    # Save As copies the file; "Use this model" hands over the copy, which loads
    target = tmp_path / "mine" / "copy"
    target.parent.mkdir()
    monkeypatch.setattr(training_output.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(dialog.save_as_button, Qt.MouseButton.LeftButton)
    copy = tmp_path / "mine" / "copy.h5"
    assert copy.read_bytes() == open(result.model_path, "rb").read()
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.h5"]  # no temp file left
    with qtbot.waitSignal(dialog.sig_use_model) as used:
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    assert used.args == [str(copy)]
    assert load_model_file(used.args[0]).metadata.labels == LABELS
    assert not dialog.isVisible()
    if bundled_before is not None:
        assert paths.bundled_model_path().stat().st_mtime_ns == bundled_before


# ---------------------------------------------------------------- cancel and resume


def cancel_in_epoch_2(qtbot, dialog):
    """Start a 3-epoch run from scratch and press Cancel when batch 2 of epoch 2 is shown.

    Tiny batches take milliseconds, so the training thread waits at that batch until the click
    has been made: the test then sees exactly how many batches run after a Cancel.
    """
    clicked = threading.Event()
    original = training_workers._SignalObserver.batch_done

    def batch_done(observer, stage, stage_epoch, batch, batches, loss):
        original(observer, stage, stage_epoch, batch, batches, loss)
        if (observer.progress.run_epoch(stage, stage_epoch), batch) == (2, 2):
            clicked.wait(30)

    seen = []

    def on_progress(progress):
        seen.append((progress.epoch, progress.batch))
        if (progress.epoch, progress.batch) == (2, 2):
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
            seen.append(("cancelled", dialog.stage_label.text(), dialog.cancel_button.isEnabled()))
            clicked.set()

    dialog.sig_progress.connect(on_progress)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(training_workers._SignalObserver, "batch_done", batch_done)
        result = run_to_end(qtbot, dialog)
    dialog.sig_progress.disconnect(on_progress)
    return result, seen


@pytest.fixture
def scratch_dialog(qtbot, make_dialog, tmp_path):
    data = make_class_folders(tmp_path / "data", labels=LABELS, per_class=40, seed=2)  # 108 training images
    dialog = make_dialog()
    assert dialog.base_kind() == BASE_LITE0  # ImageNet weights: the default start without an active model
    dialog.set_base_kind(BASE_AIRBENCH)  # these tests need a run of seconds: the small network from scratch
    assert scan(qtbot, dialog, data)
    # 10% held out: 6 batches of 16 per epoch, as cancel_in_epoch_2 counts them
    dialog.set_hyper_parameters(epochs=3, batch_size=16, learning_rate=0.2, val_share=0.1, mixed_precision=False)
    return dialog


def test_cancel_mid_epoch_stops_within_a_batch_and_keeps_the_best_weights(qtbot, scratch_dialog, monkeypatch):
    dialog = scratch_dialog

    result, seen = cancel_in_epoch_2(qtbot, dialog)

    click = seen.index(("cancelled", "Stopping…", False))  # answered at once, and only once
    assert seen[:click] == [(1, b) for b in range(1, 7)] + [(2, 1), (2, 2)]
    assert seen[click + 1 :] == [(2, 3)]  # only the batch that was running when Cancel was pressed
    assert result.stopped is True and result.best_epoch == 1
    assert [m.epoch for m in result.history] == [1]  # the partial epoch is not kept
    loaded = load_model_file(result.model_path)
    with np.load(checkpoint_folder(dialog.run_panel.config) / "best.npz") as saved:
        best = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    for got, want in zip(loaded.model.get_weights(), best, strict=True):
        np.testing.assert_array_equal(got, want)
    assert "Stopped" in dialog.status_label.text() and "best weights" in dialog.status_label.text()
    assert dialog.start_button.isEnabled() and dialog.save_as_button.isEnabled()


def test_resume_continues_from_the_checkpoint_at_the_next_epoch(qtbot, scratch_dialog, make_dialog, monkeypatch):
    dialog = scratch_dialog
    first, _ = cancel_in_epoch_2(qtbot, dialog)
    assert [m.epoch for m in first.history] == [1]

    # a new dialog offers the unfinished run at once
    other = make_dialog()
    assert other.resume_frame.isVisibleTo(other)
    assert "1 of 3 epochs" in other.resume_label.text()
    other.close()

    # Start with the same settings asks, and resumes
    questions = []

    def answer_yes(parent, title, text, *args, **kwargs):
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(training_dialog.QMessageBox, "question", answer_yes)
    events = Events(dialog)
    result = run_to_end(qtbot, dialog)

    assert len(questions) == 1 and "1 of 3 epochs" in questions[0]
    assert events.items[0] == ("started", True)
    assert (events.progress[0].epoch, events.progress[0].batch) == (2, 1)  # the next epoch, from its start
    assert [m.epoch for m in result.history] == [1, 2, 3]
    assert result.history[0] == first.history[0]
    assert result.stopped is False
    np.testing.assert_array_equal(dialog.curves.line_data("loss")[0], [1, 2, 3])
    assert load_model_file(result.model_path).metadata.labels == LABELS


def test_closing_while_training_asks_and_closes_once_the_weights_are_kept(qtbot, scratch_dialog, monkeypatch):
    dialog = scratch_dialog
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return answers[len(asked) - 1]

    monkeypatch.setattr(training_dialog.QMessageBox, "question", question)

    with qtbot.waitSignal(dialog.sig_run_finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitSignal(dialog.sig_progress, timeout=RUN_TIMEOUT_MS).wait()
        dialog.close()  # "No": training goes on
        assert dialog.isVisible() and dialog.is_training()
        dialog.close()  # "Yes": stop, keep the best weights, then close
        assert dialog.stage_label.text() == "Stopping…"

    assert asked == ["Stop training and keep the best weights?"] * 2
    assert dialog.train_result().stopped is True
    assert not dialog.isVisible()


# ---------------------------------------------------------------- data that cannot be trained on


def test_a_dataset_with_an_empty_class_is_refused_with_the_counts(qtbot, make_dialog, tmp_path):
    data = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=5)
    (data / "frog").mkdir()
    (data / "cat" / "notes.txt").write_text("not an image")
    dialog = make_dialog()

    assert scan(qtbot, dialog, data) is False

    text = dialog.scan_label.text()
    assert "'frog' has no images" in text and "cat: 5" in text and "frog: 0" in text
    assert dialog.counts_shown() == {"Images": {"cat": 5, "dog": 5, "frog": 0}}
    assert not dialog.start_button.isEnabled()


def test_a_dataset_with_a_single_class_is_refused_with_the_count(qtbot, make_dialog, tmp_path):
    data = make_class_folders(tmp_path / "data", labels=("cat",), per_class=7)
    dialog = make_dialog()

    assert scan(qtbot, dialog, data) is False

    assert "only one class ('cat', 7 images)" in dialog.scan_label.text()
    assert dialog.counts_shown() == {"Images": {"cat": 7}}
    assert not dialog.start_button.isEnabled()

    # fixing the data and scanning again enables Start
    make_class_folders(data, labels=("dog",), per_class=3)
    assert scan(qtbot, dialog, data) is True
    assert dialog.start_button.isEnabled()
    assert "2 classes, 10 training images" in dialog.scan_label.text()


def test_a_missing_folder_is_refused(qtbot, make_dialog, tmp_path):
    dialog = make_dialog()
    assert scan(qtbot, dialog, tmp_path / "nowhere") is False
    assert "not found" in dialog.scan_label.text()
    assert not dialog.start_button.isEnabled()


def test_vgg16_without_weights_says_why_clearly(qtbot, make_dialog, tmp_path, monkeypatch):
    from infinityvision_desktop.core import architectures

    def no_weights(weights="imagenet"):
        raise ArchitectureError("VGG16 ImageNet weights cannot be downloaded (no connection: offline)")

    monkeypatch.setattr(architectures, "check_vgg16_weights", no_weights)
    data = make_class_folders(tmp_path / "data", labels=LABELS, per_class=4)
    dialog = make_dialog()
    assert scan(qtbot, dialog, data)
    dialog.vgg_radio.setChecked(True)
    assert dialog.input_size_spin.value() == 128  # the VGG defaults replaced the untouched airbench ones

    result = run_to_end(qtbot, dialog)

    assert result is None
    assert "VGG16 ImageNet weights cannot be downloaded" in dialog.status_label.text()
    assert dialog.stage_label.text() == "Failed"
    assert dialog.start_button.isEnabled()


def test_an_ensemble_is_not_offered_for_fine_tuning_and_imagenet_weights_are_the_start(
    qtbot, make_dialog, tmp_path, tiny_model_path
):
    """The bundled model combines two networks: the dialog says so and starts from EfficientNet-Lite0,
    its backbone at 96 px, in two stages; the core refuses such a base too."""
    from infinityvision_desktop.core.modelfile import load_model_file, save_model_file
    from infinityvision_desktop.core.pipeline import fine_tune
    from infinityvision_desktop.core.training_config import TrainConfig

    loaded = load_model_file(tiny_model_path)
    ensemble = tmp_path / "ensemble.h5"
    save_model_file(
        loaded.model, loaded.metadata.replace(architecture="ensemble: airbench + efficientnet-lite0"), ensemble
    )
    dialog = make_dialog(model_path=ensemble)
    assert dialog.base_kind() == BASE_LITE0
    assert not dialog.start_panel.fine_tune_radio.isEnabled()
    data = make_class_folders(tmp_path / "data", labels=LABELS, per_class=8, seed=3)
    assert scan(qtbot, dialog, data)
    assert "cannot be fine-tuned" in dialog.base_note.text()
    config = dialog.start_panel.config_fields() | dialog.settings_panel.config_fields(BASE_LITE0)
    assert config["arch"] == "efficientnet-lite0" and config["base"] is None
    # your photos decoded at the backbone's own size, so it sees their detail
    assert config["input_size"] == config["backbone_size"] == 96 and config["head_epochs"] > 0
    with pytest.raises(ValueError, match="cannot be fine-tuned"):
        fine_tune(TrainConfig(data=str(data), base=str(ensemble), out=str(tmp_path / "m.h5")))


# ---------------------------------------------------------------- the defaults


@pytest.mark.parametrize("kind", [BASE_AIRBENCH, BASE_VGG16, BASE_LITE0, BASE_FINE_TUNE])
def test_the_dialog_and_the_command_line_start_from_the_same_defaults(qtbot, tmp_path, tiny_model_path, kind):
    from infinityvision_desktop import cli
    from infinityvision_desktop.cli.train import train_config

    dialog = TrainingDialog(model_path=tiny_model_path)
    qtbot.addWidget(dialog)
    dialog.set_base_kind(kind)
    data = tmp_path / "nowhere"  # config() takes the path as typed; its scan only has to end
    scan(qtbot, dialog, data)

    start = ["--base", str(tiny_model_path)] if kind == BASE_FINE_TUNE else ["--arch", kind]
    typed = train_config(cli.build_parser().parse_args(["train", "--data", str(data), "--deep", *start]))

    assert dialog.config() == typed
