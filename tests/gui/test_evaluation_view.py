"""Model > Evaluate on Folder…: progress and Cancel, then accuracy, confusion matrix, report and mistakes."""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest
from gui_helpers import CLASS_COLOURS, OFFSCREEN_NOISE, WORK_TIMEOUT_MS, make_class_folders
from PySide6.QtCore import QPoint, Qt

from infinityvision_desktop.gui import feature_actions

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]
LABELS = tuple(CLASS_COLOURS)


@pytest.fixture
def labelled_folder(tmp_path):
    """Four classes, and three dog photos filed under cat: mistakes the model makes with confidence."""
    root = make_class_folders(tmp_path / "labelled", labels=LABELS, per_class=5, seed=4)
    for i, dog in enumerate(sorted((root / "dog").glob("*.png"))[:3]):
        shutil.copyfile(dog, root / "cat" / f"misfiled_{i}.png")
    return root


def evaluate_via_menu(window, folder, monkeypatch, qtbot, signal="sig_finished"):
    monkeypatch.setattr(feature_actions.QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    window.features.evaluate_action.trigger()
    view = window.features.evaluation_view
    assert window.tabs.currentWidget() is view  # the tab appears and is shown at once
    with qtbot.waitSignal(getattr(view, signal), timeout=WORK_TIMEOUT_MS) as blocker:
        pass
    return view, blocker.args


def test_evaluate_on_folder_shows_accuracy_matrix_report_and_most_confident_mistakes(
    window, labelled_folder, monkeypatch, qtbot
):
    view, (result,) = evaluate_via_menu(window, labelled_folder, monkeypatch, qtbot)

    ev = result.evaluation
    assert ev.n == 23
    assert view.summary_label.text().startswith(
        f"Accuracy {ev.accuracy:.1%} on 23 images · {len(result.mistakes())} misclassified"
    )
    np.testing.assert_array_equal(view.confusion.displayed_values(), np.array(ev.confusion))
    assert view.report_model.rowCount() == len(LABELS) + 2
    assert not view.progress_bar.isVisible() and not view.cancel_button.isVisible()

    shown = view.gallery_model.outcomes()
    assert len(shown) == len(result.mistakes()) >= 3
    assert {o.name for o in shown} >= {f"cat/misfiled_{i}.png" for i in range(3)}
    confidences = [o.confidence for o in shown]
    assert confidences == sorted(confidences, reverse=True)
    first = view.gallery_model.index(0)
    caption = view.gallery_model.data(first)
    true, said = LABELS[shown[0].true_index], LABELS[shown[0].predicted_index]
    assert caption == f"true: {true}\nsaid: {said} {shown[0].confidence:.0%}"
    assert not view.gallery_model.data(first, Qt.ItemDataRole.DecorationRole).isNull()  # the thumbnail
    assert view.gallery_label.text().startswith(f"Misclassified: {len(shown)} images, the most confident")


def test_clicking_a_confusion_cell_shows_its_images(window, labelled_folder, monkeypatch, qtbot):
    view, (result,) = evaluate_via_menu(window, labelled_folder, monkeypatch, qtbot)
    cat, dog = LABELS.index("cat"), LABELS.index("dog")
    view.confusion.canvas.draw()

    x, y = view.cell_position(cat, dog)
    qtbot.mouseClick(view.confusion.canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))

    assert view.shown_cell() == (cat, dog)
    names = [o.name for o in view.gallery_model.outcomes()]
    assert names == [o.name for o in result.cell(cat, dog)]
    assert len(names) == result.evaluation.confusion[cat][dog] >= 3
    assert (
        view.gallery_label.text()
        == f"True class cat, the model said dog: {len(names)} images, the most confident first"
    )

    x, y = view.cell_position(dog, dog)  # the diagonal: the images it got right
    qtbot.mouseClick(view.confusion.canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))
    assert view.gallery_label.text() == f"dog: {result.evaluation.confusion[dog][dog]} images classified correctly"

    view.all_mistakes_button.click()
    assert len(view.gallery_model.outcomes()) == len(result.mistakes())


def test_double_clicking_a_mistake_opens_it_in_the_classify_tab(window, labelled_folder, monkeypatch, qtbot):
    view, (result,) = evaluate_via_menu(window, labelled_folder, monkeypatch, qtbot)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        view.gallery.doubleClicked.emit(view.gallery_model.index(0))
    assert window.tabs.currentWidget() is window.classify_view
    assert [row.path for row in window.results_model.rows()] == [view.gallery_model.outcome(0).path]


def test_cancel_stops_the_evaluation(window, labelled_folder, monkeypatch, qtbot):
    from infinityvision_desktop.core import classify as classify_loop

    original = classify_loop.load_image_with_info

    def slow(*args, **kwargs):
        time.sleep(0.2)
        return original(*args, **kwargs)

    monkeypatch.setattr(classify_loop, "load_image_with_info", slow)
    monkeypatch.setattr(feature_actions.QFileDialog, "getExistingDirectory", lambda *a, **k: str(labelled_folder))
    window.features.evaluate_action.trigger()
    view = window.features.evaluation_view
    qtbot.waitUntil(lambda: view.progress_bar.maximum() == 23, timeout=WORK_TIMEOUT_MS)  # under way
    assert view.cancel_button.isVisible()

    with qtbot.waitSignal(view.sig_cancelled, timeout=WORK_TIMEOUT_MS):
        view.cancel_button.click()
    assert view.summary_label.text() == "Cancelled."
    assert view.result() is None and not view.body.isVisible()


def test_a_folder_that_cannot_be_scored_says_why(window, tmp_path, monkeypatch, qtbot):
    root = make_class_folders(tmp_path / "zoo", labels=("cat",), per_class=2)
    make_class_folders(root, labels=("frog",), per_class=1)
    (root / "frog").rename(root / "giraffe")

    view, (reason,) = evaluate_via_menu(window, root, monkeypatch, qtbot, signal="sig_failed")

    assert reason.startswith(f"{root}: class folder 'giraffe' is not among the model's classes")
    assert view.summary_label.text() == f"Could not evaluate: {reason}"


def test_a_new_evaluation_replaces_one_under_way(window, labelled_folder, monkeypatch, qtbot, tmp_path):
    from infinityvision_desktop.core import classify as classify_loop

    original = classify_loop.load_image_with_info

    def slow(*args, **kwargs):
        time.sleep(0.1)
        return original(*args, **kwargs)

    monkeypatch.setattr(classify_loop, "load_image_with_info", slow)
    other = make_class_folders(tmp_path / "other", labels=("ship",), per_class=2)
    first = window.features.evaluate_folder(str(labelled_folder))
    qtbot.waitUntil(lambda: first.progress_bar.maximum() == 23, timeout=WORK_TIMEOUT_MS)

    with qtbot.waitSignal(first.sig_finished, timeout=WORK_TIMEOUT_MS) as done:
        window.features.evaluate_folder(str(other))

    assert done.args[0].source == str(other) and done.args[0].evaluation.n == 2
    assert first.result().source == str(other)
    assert first.summary_label.text().startswith("Accuracy ")
    qtbot.waitUntil(lambda: not first.is_running(), timeout=WORK_TIMEOUT_MS)
