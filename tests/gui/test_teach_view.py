"""The Teach tab as a user drives it: a project, classes, dropped photos, Train, try it, correct, retrain."""

from __future__ import annotations

import json

import numpy as np
import pytest
from gui_helpers import MODEL_TIMEOUT_MS, OFFSCREEN_NOISE, make_class_folders, make_image
from PIL import Image
from PySide6.QtWidgets import QMessageBox

from infinityvision_desktop.gui import teach_class_list, teach_model_file, teach_project_bar

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]
LABELS = ("cat", "dog", "frog", "ship")


def _class_counts(view) -> dict[str, str]:
    return {
        view.class_list.item(i).data(teach_class_list.CLASS_ROLE): view.class_list.item(i).text().split("\n")[1]
        for i in range(view.class_list.count())
    }


def test_teach_a_project_try_a_photo_correct_an_answer_and_retrain(window, qtbot, dropper, tmp_path, monkeypatch):
    view = window.teach.view
    tabs = window.tabs
    assert tabs.tabText(tabs.indexOf(view)) == "Teach"
    tabs.setCurrentWidget(view)
    photos = make_class_folders(tmp_path / "photos", labels=LABELS, per_class=6, size=64, seed=3)
    folder = tmp_path / "my project"

    # a new project, four classes named in the Add dialog
    monkeypatch.setattr(teach_project_bar.QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    view.new_button.click()
    assert view.project.folder == folder and "my project" in view.project_label.text()
    names = iter(LABELS)
    monkeypatch.setattr(teach_class_list.QInputDialog, "getText", lambda *a, **k: (next(names), True))
    for _ in LABELS:
        view.add_class_button.click()
    assert _class_counts(view) == {label: "0 photos · needs 5 more" for label in LABELS}
    assert not view.train_button.isEnabled()

    # photos dropped on each class: copied, thumbnails shown, counts updated
    for label in LABELS:
        view.select_class(label)
        with qtbot.waitSignal(view.sig_project_changed, timeout=10_000):
            dropper.drop(view.image_grid.viewport(), [photos / label])
    assert _class_counts(view) == {label: "6 photos · 14 more recommended" for label in LABELS}
    assert all((photos / label / "000.png").exists() for label in LABELS)  # copied, not moved
    qtbot.waitUntil(
        lambda: view.image_grid.item(0).icon().pixmap(16, 16).toImage().pixelColor(8, 8).name() != "#d3d3d3",
        timeout=10_000,
    )  # the grey placeholder replaced by the thumbnail
    assert view.train_button.isEnabled()

    # Train: held-out accuracy and the confusion matrix
    with qtbot.waitSignal(view.sig_trained, timeout=MODEL_TIMEOUT_MS) as trained:
        view.train_button.click()
    result = trained.args[0]
    assert not result.stopped and (folder / "model.h5").is_file()
    assert view.accuracy_label.text() == "100% of held-out photos right"
    assert "on 24 photos; held out by 5-fold cross-validation" in view.train_status.text()
    assert view.confusion.is_showing_chart()
    np.testing.assert_array_equal(np.diag(view.confusion.displayed_values()), [6, 6, 6, 6])

    # Save Model As: a copy where the user chose, the model in the project untouched
    saved = tmp_path / "saved" / "my model"
    saved.parent.mkdir()
    monkeypatch.setattr(teach_model_file.QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    view.try_panel.save_button.click()
    qtbot.waitUntil(lambda: view.train_status.text() == f"Saved as {saved}.h5", timeout=30_000)
    assert (tmp_path / "saved" / "my model.h5").read_bytes() == (folder / "model.h5").read_bytes()
    assert [p.name for p in saved.parent.iterdir()] == ["my model.h5"]  # no temp file left beside it

    # Train Deeper: the training dialog, with the project as its data
    view.deeper_button.click()
    dialog = window.training_dialog
    assert dialog.isVisible() and dialog.data_panel.path_text() == str(folder)
    qtbot.waitUntil(lambda: not dialog.is_scanning(), timeout=30_000)
    dialog.hide()

    # try a new photo: the answer and its bars
    new_photo = tmp_path / "new_frog.png"
    Image.fromarray(make_image("frog", np.random.default_rng(7), 64)).save(new_photo)
    with qtbot.waitSignal(view.sig_answer_shown, timeout=60_000) as answered:
        dropper.drop(view.try_view, [new_photo])
    assert answered.args[0].label == "frog"
    assert view.answer_label.text().startswith("frog ")
    qtbot.waitUntil(view.try_view.has_image)  # decoded beside the window
    assert not view.try_view.has_overlay()  # the heatmap only when asked for
    view.heatmap_check.setChecked(True)
    qtbot.waitUntil(view.try_view.has_overlay, timeout=60_000)  # where the model looked
    view.heatmap_check.setChecked(False)
    assert not view.try_view.has_overlay()

    # at the window's first size the two-line status does not push the matrix (its axis titles at
    # its bottom) out of the Train area
    window.resize(1280, 800)
    qtbot.wait(200)
    panel = view.train_panel
    assert panel.confusion.geometry().bottom() < panel.height(), "the matrix's bottom is cut off"

    # Use in Classify: the window's active model
    with qtbot.waitSignal(window.sig_model_ready, timeout=MODEL_TIMEOUT_MS):
        view.use_button.click()
    assert window.active_model_path == str(folder / "model.h5")
    assert tabs.currentWidget() is window.classify_view

    # a Classify answer corrected from the context menu: copied into the project, marked
    with qtbot.waitSignal(window.sig_work_finished, timeout=60_000):
        window.classify_paths([new_photo])
    key = window.results_model.rows()[0].key
    menu = window.teach.correction_menu(window.results_model.row(key))
    offered = [action.text() for action in menu.actions()[0].menu().actions()]
    assert offered == ["cat", "dog", "ship"]  # the model's other classes
    with qtbot.waitSignal(view.sig_project_changed, timeout=10_000):
        window.teach.correct(key, "ship")
    assert (folder / "ship" / "new_frog.png").is_file() and new_photo.exists()
    record = json.loads((folder / "corrections.json").read_text())
    assert record["ship/new_frog.png"]["from"] == "frog" and record["ship/new_frog.png"]["to"] == "ship"
    assert "copied into 'ship' of the teach project my project as a correction" in window.status_label.text()
    assert _class_counts(view)["ship"] == "7 photos · 13 more recommended"
    assert "changed since the last training" in view.train_status.text()

    # retrain: the correction is used
    with qtbot.waitSignal(view.sig_trained, timeout=MODEL_TIMEOUT_MS) as retrained:
        view.train_button.click()
    again = retrained.args[0]
    assert again.corrections == 1 and again.images == 25
    assert (again.computed, again.cached) == (1, 24)  # only the new photo went through the backbone
    assert again.metadata.provenance["corrections"] == 1
    assert "1 correction used." in view.train_status.text()


def test_too_few_photos_say_how_many_more_and_bad_names_are_refused(window, qtbot, tmp_path, monkeypatch):
    view = window.teach.view
    assert view.open_project(tmp_path / "p", create=True)
    view.add_class("cat")
    shown = []
    monkeypatch.setattr(view, "_tell", lambda title, text: shown.append(text))

    view.add_class("test")
    view.add_class("Cat")

    assert shown == ["'test' cannot name a class: it means a split of the data", "there is already a class 'Cat'"]
    assert "Not ready: add at least two classes." in view.train_status.text()
    assert not view.train_button.isEnabled()
    assert QMessageBox  # the real box is replaced above: no dialog is left open
