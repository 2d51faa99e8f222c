"""One "not sure" threshold: the one set in Preferences judges the answers of the Classify tab,
Evaluate on Folder and Sort Into Folders alike."""

from __future__ import annotations

import csv

import pytest
from gui_helpers import CLASS_COLOURS, OFFSCREEN_NOISE, WORK_TIMEOUT_MS, make_class_folders
from PySide6.QtWidgets import QMessageBox

from infinityvision_desktop.gui import feature_actions, sort_action

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]


def test_the_preferences_threshold_judges_classify_evaluate_and_sort_alike(
    window, dropper, qtbot, tmp_path, settings, monkeypatch
):
    folder = make_class_folders(tmp_path / "labelled", labels=tuple(CLASS_COLOURS), per_class=4, seed=11)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, [folder])
    rows = window.results_model.rows()
    confidences = {row.path: row.prediction.confidence for row in rows}
    threshold = 0.99
    doubtful = {path for path, confidence in confidences.items() if confidence < threshold}
    assert doubtful and not any(row.prediction.not_sure for row in rows), (
        "the tiny model must be sure of its colours, and some answers below 99%, for this test to mean anything"
    )

    window.preferences_action.trigger()
    dialog = window.preferences_dialog
    dialog.threshold_check.setChecked(True)
    dialog.threshold_spin.setValue(round(threshold * 100))
    dialog.apply()

    # the Classify tab: judged again at once
    assert {row.path for row in rows if row.prediction.not_sure} == doubtful

    # Evaluate on Folder: the same images, the same verdicts
    monkeypatch.setattr(feature_actions.QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.features.evaluate_action.trigger()
    view = window.features.evaluation_view
    with qtbot.waitSignal(view.sig_finished, timeout=WORK_TIMEOUT_MS) as finished:
        pass
    outcomes = finished.args[0].outcomes
    assert len(outcomes) == len(rows)
    assert {o.path for o in outcomes if o.not_sure} == doubtful

    # Sort Into Folders: the doubtful images, and only they, go to not_sure/
    out = tmp_path / "sorted"
    monkeypatch.setattr(sort_action.QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    monkeypatch.setattr(sort_action.QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.features.sort.sig_sorted, timeout=WORK_TIMEOUT_MS):
        window.features.sort.action.trigger()
    with open(out / "predictions.csv", encoding="utf-8-sig", newline="") as handle:
        sorted_rows = list(csv.DictReader(handle))
    assert {row["path"] for row in sorted_rows if row["folder"] == "not_sure"} == doubtful
    assert len(list((out / "not_sure").iterdir())) == len(doubtful)
    qtbot.waitUntil(lambda: not window.features.sort.is_running(), timeout=WORK_TIMEOUT_MS)
