"""Corrections (issue 19) as a user makes them: "This Is a…" on a History entry, and rows of Classify and the
History dragged onto a class of the Teach tab. What lands in the project, marked, is what counts."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from gui_helpers import OFFSCREEN_NOISE, WORK_TIMEOUT_MS, make_image, write_images
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMenu

from infinityvision_desktop import paths
from infinityvision_desktop.gui import teach_class_list

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]
LABELS = ("cat", "dog", "frog", "ship")


def classify_and_open_history(window, qtbot, photos, *, entries: int | None = None):
    """Classify the photos, then show the History once it lists them (and any entries recorded before)."""
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        window.classify_paths(photos)
    view = window.history_view
    entries = entries or len(photos)
    qtbot.waitUntil(lambda: view.is_open and view.store.count() == entries, timeout=10_000)
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == entries, timeout=10_000)
    return view


def history_position(view, name: str) -> int:
    return next(i for i in range(view.model.rowCount()) if view.model.entry(i).name == name)


def open_context_menu(view, position: int) -> QMenu:
    """Right-click on an entry, as a user does: the menu the History pops up."""
    entry = view.model.entry(position)
    view.table.select_ids([entry.id], current_id=entry.id)
    view.table.customContextMenuRequested.emit(view.table.visualRect(view.model.index(position, 1)).center())
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    return menu


def choose(menu: QMenu, title: str, item: str) -> list[str]:
    """Trigger `item` in the submenu `title`; returns what the submenu offered."""
    submenu = next(action.menu() for action in menu.actions() if action.text() == title)
    offered = [action.text() for action in submenu.actions()]
    next(action for action in submenu.actions() if action.text() == item).trigger()
    menu.close()
    return offered


def other_class(answer: str) -> str:
    return next(label for label in LABELS if label != answer)


def corrections(folder: Path) -> dict:
    return json.loads((folder / "corrections.json").read_text(encoding="utf-8"))


def drop(widget, mime, position: QPoint) -> bool:
    """A drag entering `widget` at `position` and dropped there (real events; `mime` kept alive by the caller)."""
    enter = QDragEnterEvent(
        position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    event = QDropEvent(
        QPointF(position), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def class_position(view, name: str) -> QPoint:
    for row in range(view.class_list.count()):
        item = view.class_list.item(row)
        if item.data(teach_class_list.CLASS_ROLE) == name:
            return view.class_list.visualItemRect(item).center()
    raise AssertionError(f"no class {name}")


def class_item(view, name: str):
    return view.class_list.itemAt(class_position(view, name))


def test_a_history_entry_is_corrected_from_its_context_menu_and_a_gone_photo_by_its_thumbnail(window, qtbot, tmp_path):
    photos = write_images(tmp_path / "photos", 4)
    view = classify_and_open_history(window, qtbot, photos)
    name = window.active_metadata.name or Path(window.active_model_path).stem
    folder = paths.user_data_dir() / "teach" / f"{name} corrections"

    # the photo is there: copied into the class chosen, marked with what the model said
    position = history_position(view, "0000_cat.png")
    answer = view.model.entry(position).label
    wanted = other_class(answer)
    offered = choose(open_context_menu(view, position), "This Is a…", wanted)
    assert offered == [label for label in LABELS if label != answer]  # the model's other classes
    assert (folder / wanted / "0000_cat.png").read_bytes() == photos[0].read_bytes()
    assert corrections(folder)[f"{wanted}/0000_cat.png"]["from"] == answer
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == sorted(LABELS)  # a project of its classes
    assert f"0000_cat.png copied into '{wanted}' of the teach project {name} corrections as a correction" in (
        view.message_text()
    )

    # the photo is gone: the thumbnail the History shows goes in instead, and the message says so
    photos[1].unlink()
    position = history_position(view, "0001_dog.png")
    entry = view.model.entry(position)
    wanted = other_class(entry.label)
    choose(open_context_menu(view, position), "This Is a…", wanted)
    copy = folder / wanted / "0001_dog.jpg"
    assert copy.read_bytes() == view.store.thumbnail(entry.id)
    assert Image.open(copy).size == (32, 32)
    mark = corrections(folder)[f"{wanted}/0001_dog.jpg"]
    assert (mark["from"], mark["to"]) == (entry.label, wanted)
    assert (
        f"0001_dog.png: the photo is no longer at {photos[1]}, so its thumbnail from the history was copied into '{wanted}'"
        in (view.message_text())
    )

    # the model that answered is not the active one, and its file is gone: a project named as the History named it
    moved = dataclasses.replace(entry, model_path=str(tmp_path / "gone.h5"), model_name="last year's model")
    assert window.teach.correct_entry(moved, "ship") is not None
    assert (paths.user_data_dir() / "teach" / "last year's model corrections" / "ship" / "0001_dog.jpg").is_file()

    # several entries selected: which one would it be? No "This Is a…" then
    view.table.selectAll()
    view.table.customContextMenuRequested.emit(view.table.visualRect(view.model.index(0, 1)).center())
    menu = QApplication.activePopupWidget()
    assert "This Is a…" not in [action.text() for action in menu.actions()]
    menu.close()


def test_rows_dragged_onto_a_teach_class_are_copied_there_as_corrections(window, qtbot, tmp_path):
    photos = write_images(tmp_path / "photos", 2)  # 0000_cat.png, 0001_dog.png
    pasted = Image.fromarray(make_image("frog", np.random.default_rng(5)))
    pasted.save(tmp_path / "pasted.png")
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        window.classify_image_data((tmp_path / "pasted.png").read_bytes(), "Pasted image 1")
    history = classify_and_open_history(window, qtbot, photos, entries=3)
    rows = {row.name: row for row in window.results_model.rows()}
    teach = window.teach.view
    assert teach.open_project(tmp_path / "project", create=True)
    for label in LABELS:
        teach.add_class(label)
    folder = teach.project.folder
    table = window.results_table

    def row_mime(name):  # what the table hands a drag of that row (QAbstractItemView.startDrag asks the model)
        index = table.proxy.mapFromSource(window.results_model.index_of(rows[name].key))
        assert table.dragEnabled() and table.model().flags(index) & Qt.ItemFlag.ItemIsDragEnabled
        return table.model().mimeData([index])

    # in the Classify tab a dragged row is no file to classify: refused, with where to take it instead
    window.tabs.setCurrentWidget(window.classify_view)
    cat = row_mime("0000_cat.png")
    assert not drop(window.results_table.viewport(), cat, QPoint(20, 20))
    assert not window.drop_overlay.isVisible()
    assert "drop the photo on a class in the Teach tab" in window.status_label.text()
    assert len(window.results_model.rows()) == 3  # not listed again
    assert window.tabs.tabBar().changeCurrentOnDrag()  # held over "Teach", the drag opens the tab

    # dropped on another class than the answer: copied and marked as a correction of that answer
    window.tabs.setCurrentWidget(teach)
    answer = rows["0000_cat.png"].prediction.label
    wanted = other_class(answer)
    with qtbot.waitSignal(teach.sig_project_changed, timeout=10_000):
        assert drop(teach.class_list.viewport(), cat, class_position(teach, wanted))
    assert (folder / wanted / "0000_cat.png").read_bytes() == photos[0].read_bytes()
    assert corrections(folder)[f"{wanted}/0000_cat.png"]["from"] == answer
    assert teach.selected_class() == wanted
    assert class_item(teach, wanted).toolTip() == "1 correction among them"
    assert [teach.image_grid.item(i).text() for i in range(teach.image_grid.count())] == ["0000_cat.png"]

    # dropped on the class the model said: just another photo of it, no correction
    dog = row_mime("0001_dog.png")
    answer = rows["0001_dog.png"].prediction.label
    with qtbot.waitSignal(teach.sig_project_changed, timeout=10_000):
        assert drop(teach.class_list.viewport(), dog, class_position(teach, answer))
    assert (folder / answer / "0001_dog.png").is_file()
    assert f"{answer}/0001_dog.png" not in corrections(folder)

    # a pasted image has no file: its bytes go, here onto the photos of the selected class
    teach.select_class("ship")
    frog = row_mime("Pasted image 1")
    answer = rows["Pasted image 1"].prediction.label
    with qtbot.waitSignal(teach.sig_project_changed, timeout=10_000):
        assert drop(teach.image_grid.viewport(), frog, QPoint(30, 30))
    assert (folder / "ship" / "Pasted image 1.png").read_bytes() == (tmp_path / "pasted.png").read_bytes()
    assert ("ship/Pasted image 1.png" in corrections(folder)) == (answer != "ship")

    # the try-it view tries a pasted row's picture: nothing goes into the project
    before = sorted(p.relative_to(folder) for p in folder.rglob("*.*"))
    with qtbot.waitSignal(teach.try_panel.try_drops.sig_image, timeout=1_000):
        assert drop(teach.try_view, frog, QPoint(20, 20))
    qtbot.wait(200)
    assert sorted(p.relative_to(folder) for p in folder.rglob("*.*")) == before

    # a History row whose photo is gone: its stored thumbnail, marked
    photos[1].unlink()
    position = history_position(history, "0001_dog.png")
    entry = history.model.entry(position)
    index = history.model.index(position, 1)
    assert history.table.dragEnabled() and history.model.flags(index) & Qt.ItemFlag.ItemIsDragEnabled
    gone = history.model.mimeData([index])
    wanted = other_class(entry.label)
    with qtbot.waitSignal(teach.sig_project_changed, timeout=10_000):
        assert drop(teach.class_list.viewport(), gone, class_position(teach, wanted))
    assert (folder / wanted / "0001_dog.jpg").read_bytes() == history.store.thumbnail(entry.id)
    assert corrections(folder)[f"{wanted}/0001_dog.jpg"]["from"] == entry.label
