"""File > Sort Into Folders…: the classified images copied into class folders, after asking."""

from __future__ import annotations

import pytest
from gui_helpers import OFFSCREEN_NOISE, WORK_TIMEOUT_MS, write_images
from PySide6.QtWidgets import QMessageBox

from infinityvision_desktop.gui import sort_action

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]


@pytest.fixture
def classified(window, dropper, qtbot, tmp_path):
    paths = write_images(tmp_path / "photos", 6)
    (tmp_path / "photos" / "empty.png").write_bytes(b"")
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, [tmp_path / "photos"])
    return window, paths


def answer(monkeypatch, folder, reply):
    asked = []
    monkeypatch.setattr(sort_action.QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))

    def question(parent, title, text, *args):
        asked.append(text)
        return reply

    monkeypatch.setattr(sort_action.QMessageBox, "question", question)
    return asked


def test_sort_into_folders_asks_then_copies_each_image_into_its_class_folder(classified, monkeypatch, qtbot, tmp_path):
    window, paths = classified
    out = tmp_path / "sorted"
    asked = answer(monkeypatch, out, QMessageBox.StandardButton.Yes)
    sort = window.features.sort

    with qtbot.waitSignal(sort.sig_sorted, timeout=WORK_TIMEOUT_MS) as done:
        sort.action.trigger()

    report = done.args[0]
    assert asked and asked[0].startswith(f"Copy 6 images into one folder per class in {out}?")
    assert "1 unreadable image is listed in the CSV, not copied." in asked[0]
    rows = {row.path: row for row in window.results_model.rows()}
    for path in paths:
        prediction = rows[str(path)].prediction
        folder = "not_sure" if prediction.not_sure else prediction.label
        assert (out / folder / path.name).read_bytes() == path.read_bytes()
        assert path.exists()  # copied, not moved
    assert report.total_copied == 6
    assert (out / "predictions.csv").read_text(encoding="utf-8-sig").count("\n") == 8  # header, 6 images, 1 unreadable
    assert sort.last_message.startswith(f"Copied 6 images into {out} (")
    qtbot.waitUntil(lambda: not sort.is_running(), timeout=WORK_TIMEOUT_MS)


def test_cancelling_the_question_copies_nothing(classified, monkeypatch, tmp_path):
    window, _ = classified
    answer(monkeypatch, tmp_path / "sorted", QMessageBox.StandardButton.Cancel)
    window.features.sort.action.trigger()
    assert not (tmp_path / "sorted").exists()
    assert not window.features.sort.is_running()


def test_with_nothing_classified_it_says_so_instead_of_asking(window, monkeypatch, tmp_path):
    asked = answer(monkeypatch, tmp_path / "sorted", QMessageBox.StandardButton.Yes)
    window.features.sort.action.trigger()
    assert not asked
    assert window.features.sort.last_message.startswith("Nothing to sort: classify some image files first")


def test_a_destination_that_cannot_be_used_is_reported(classified, monkeypatch, qtbot, tmp_path):
    window, _ = classified
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    answer(monkeypatch, blocker / "sorted", QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.features.sort.sig_failed, timeout=WORK_TIMEOUT_MS) as failed:
        window.features.sort.action.trigger()
    assert failed.args[0] == f"{blocker / 'sorted'}: the folder cannot be created (Not a directory)"
    assert window.features.sort.last_message == f"Nothing was copied: {failed.args[0]}"
    qtbot.waitUntil(lambda: not window.features.sort.is_running(), timeout=WORK_TIMEOUT_MS)
