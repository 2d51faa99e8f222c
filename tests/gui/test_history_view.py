"""The History tab as a user meets it: what was classified is there, found, opened, renamed, forgotten."""

from __future__ import annotations

import csv
import dataclasses
import os
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from gui_helpers import OFFSCREEN_NOISE, WORK_TIMEOUT_MS, write_images
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from infinityvision_desktop import paths
from infinityvision_desktop.core.history import HistoryEntry, HistoryStore
from infinityvision_desktop.gui import history_model, history_toolbar
from infinityvision_desktop.gui import history_view as history_view_module
from infinityvision_desktop.gui.history_model import PAGE_SIZE, Column
from infinityvision_desktop.gui.history_view import HistoryView
from infinityvision_desktop.gui.main_window import MainWindow
from infinityvision_desktop.gui.widgets.results_table import RowState

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def shown(view: HistoryView, column: Column = Column.NAME) -> list[str]:
    model = view.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def entry(
    name: str,
    label: str = "cat",
    *,
    not_sure: bool = False,
    model: str = "tiny",
    days_ago: float = 0,
    folder: str = "/photos",
) -> HistoryEntry:
    confidence = 0.4 if not_sure else 0.9
    return HistoryEntry(
        file_name=name,
        label=label,
        confidence=confidence,
        not_sure=not_sure,
        probabilities={label: confidence, "other": 1 - confidence},
        model_name=model,
        path=f"{folder}/{name}",
        created=NOW - timedelta(days=days_ago),
        thumbnail=np.full((30, 40, 3), 120, np.uint8),
    )


def open_history(window: MainWindow, qtbot) -> HistoryView:
    """The History tab, shown, once it lists everything the writer has committed."""
    view = window.history_view
    qtbot.waitUntil(lambda: view.is_open, timeout=10_000)
    window.tabs.setCurrentWidget(view)
    # the writer's "written" signal may still be on its way when the tab is shown
    qtbot.waitUntil(lambda: view.model.total_count() == view.store.count(), timeout=10_000)
    return view


def classify(window: MainWindow, qtbot, paths_) -> None:
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        window.classify_paths(paths_)


def wait_recorded(view: HistoryView, qtbot, count: int) -> None:
    qtbot.waitUntil(lambda: view.is_open and view.store.count() == count, timeout=10_000)


@pytest.fixture
def store(tmp_path):
    with HistoryStore(tmp_path / "history.sqlite3") as opened:
        yield opened


@pytest.fixture
def view(qtbot, settings, store) -> HistoryView:
    """A History tab on its own, over a store filled by the test (no model, no writer thread)."""
    made = HistoryView(settings)
    qtbot.addWidget(made)
    made.resize(1100, 600)
    made.show()
    made.set_store(store)
    return made


def fill(view: HistoryView, entries) -> None:
    view.store.add_many(entries)
    view.refresh()


# ---------------------------------------------------------------- recording


def test_dropped_images_are_recorded_and_shown_in_the_history(window, dropper, qtbot, tmp_path):
    paths_ = write_images(tmp_path / "photos", 4)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths_)
    view = window.history_view
    wait_recorded(view, qtbot, 4)
    assert window.tabs.tabText(window.tabs.indexOf(view)) == "History"
    open_history(window, qtbot)

    answers = {row.name: row.prediction for row in window.results_model.rows()}
    assert sorted(shown(view)) == sorted(p.name for p in paths_)
    model_name = window.active_metadata.name or os.path.splitext(os.path.basename(window.active_model_path))[0]
    for position in range(4):
        row = view.model.entry(position)
        prediction = answers[row.name]
        assert view.model.index(position, Column.CLASS).data() == prediction.label
        assert view.model.index(position, Column.FOLDER).data() == str(tmp_path / "photos")
        assert view.model.index(position, Column.MODEL).data() == model_name
        assert view.model.index(position, Column.NOT_SURE).data() == ("Not sure" if prediction.not_sure else "")
        assert row.probabilities == pytest.approx(dict(zip(prediction.labels, prediction.probabilities)), abs=1e-6)
        assert row.model_path == window.active_model_path
        icon = view.model.index(position, Column.THUMBNAIL).data(Qt.ItemDataRole.DecorationRole)
        assert not icon.isNull() and icon.toImage().pixelColor(icon.width() // 2, icon.height() // 2).alpha() == 255
    assert view.count_label.text() == "4 entries"
    thumbnail = view.model.thumbnail_rgb(view.model.entry(0).id)
    assert thumbnail.shape == (32, 32, 3)  # made from the decoded 32 px image, not upscaled


def test_a_small_jpeg_is_stored_as_its_own_thumbnail_without_encoding_it_again(
    window, dropper, qtbot, tmp_path, monkeypatch
):
    from infinityvision_desktop.core import history

    encoded = []
    original = history.encode_thumbnail
    monkeypatch.setattr(history, "encode_thumbnail", lambda *a, **k: encoded.append(1) or original(*a, **k))
    jpegs = write_images(tmp_path / "photos", 3, fmt="jpg")
    pngs = write_images(tmp_path / "other", 2)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, jpegs + pngs)
    view = window.history_view
    wait_recorded(view, qtbot, 5)
    open_history(window, qtbot)

    by_name = {view.model.entry(i).name: view.model.entry(i).id for i in range(5)}
    for path in jpegs:  # CIFAR-10-sized JPEGs: the file is the thumbnail
        assert view.store.thumbnail(by_name[path.name]) == path.read_bytes()
    assert len(encoded) == len(pngs)  # the others are encoded in the writer's thread
    assert view.model.thumbnail_rgb(by_name[jpegs[0].name]).shape == (32, 32, 3)


def test_while_the_window_classifies_entries_are_held_then_written_when_it_is_idle_or_they_wait_too_long(
    qtbot, tmp_path, monkeypatch
):
    from PySide6.QtCore import QObject, Slot

    from infinityvision_desktop.gui import history_writer
    from infinityvision_desktop.gui.workers import start_worker

    class Receiver(QObject):  # lives on the GUI thread: the writer's signals arrive queued
        def __init__(self):
            super().__init__()
            self.opened, self.written = False, []

        @Slot(object)
        def on_opened(self, store):
            self.opened = True

        @Slot(int)
        def on_written(self, count):
            self.written.append(count)

    monkeypatch.setattr(history_writer, "MAX_HOLD_SECONDS", 0.6)
    path = tmp_path / "history.sqlite3"
    writer = history_writer.HistoryWriter(path)
    receiver = Receiver()
    writer.sig_opened.connect(receiver.on_opened)
    writer.sig_written.connect(receiver.on_written)
    written = receiver.written
    handle = start_worker(writer, name="history-writer-test")
    try:
        qtbot.waitUntil(lambda: receiver.opened, timeout=10_000)
        writer.set_busy(True)
        writer.record([entry("a.jpg"), entry("b.jpg")])
        writer.record([entry("c.jpg")])
        qtbot.wait(300)
        with HistoryStore(path) as reader:
            assert reader.count() == 0  # held: the inference has the CPU
        qtbot.waitUntil(lambda: written == [3], timeout=5_000)  # one transaction, after at most 0.6 s

        writer.record([entry("d.jpg")])
        writer.set_busy(False)  # the work ended: written at once, not after the hold
        qtbot.waitUntil(lambda: written == [3, 1], timeout=400)

        writer.set_busy(True)
        many = [f"m{i:03}.jpg" for i in range(600)]
        writer.record([entry(name) for name in many[:300]])
        writer.record([entry(name) for name in many[300:]])
        qtbot.wait(300)
        assert written == [3, 1]  # more than a transaction's worth is held too: a job's writes wait for its end
        writer.set_busy(False)
        qtbot.waitUntil(lambda: written == [3, 1, 512, 88], timeout=2_000)

        writer.set_busy(True)
        writer.record([entry("e.jpg")])
    finally:
        handle.stop()  # a normal close writes what is held
    with HistoryStore(path) as reader:
        assert sorted(row.file_name for row in reader.query(limit=1000)) == [
            "a.jpg",
            "b.jpg",
            "c.jpg",
            "d.jpg",
            "e.jpg",
            *many,
        ]


def test_turning_the_history_off_records_nothing_until_it_is_on_again(window, qtbot, tmp_path, settings):
    view = window.history_view
    qtbot.waitUntil(lambda: view.is_open, timeout=10_000)
    view.record_check.setChecked(False)
    assert settings.history_enabled is False
    first, second = write_images(tmp_path / "a", 1), write_images(tmp_path / "b", 1, seed=5)
    classify(window, qtbot, first)
    view.record_check.setChecked(True)
    classify(window, qtbot, second)
    wait_recorded(view, qtbot, 1)  # the writer works in order: had the first been queued, it would be there
    assert [row.path for row in view.store.query()] == [str(second[0])]


def test_entries_written_while_the_tab_is_shown_appear_without_a_click(window, qtbot, tmp_path):
    view = open_history(window, qtbot)
    classify(window, qtbot, write_images(tmp_path / "photos", 3))
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=10_000)
    assert view.count_label.text() == "3 entries"


# ---------------------------------------------------------------- search, filters, sort, pages


def test_a_photo_of_none_of_the_classes_says_what_it_looked_like(view):
    coffee = dataclasses.replace(entry("coffee.jpg", not_sure=True), looks_like="espresso")
    fill(view, [coffee, entry("cat.jpg")])

    shown = {view.model.index(row, Column.NAME).data(): row for row in range(view.model.rowCount())}
    assert view.model.index(shown["coffee.jpg"], Column.NOT_SURE).data() == "Looks like an espresso"
    assert view.model.index(shown["coffee.jpg"], Column.NOT_SURE).data(Qt.ItemDataRole.ToolTipRole) == (
        "None of the ten: looks like an espresso"
    )
    assert view.model.index(shown["cat.jpg"], Column.NOT_SURE).data() == ""


def test_search_box_finds_file_names_after_a_short_pause(view, qtbot):
    fill(view, [entry("Beach_cat.jpg"), entry("dog.png", "dog"), entry("CATALOG.jpg"), entry("frog.jpg", "frog")])
    qtbot.keyClicks(view.search_edit, "cat")
    assert len(shown(view)) == 4  # debounced: no query on each key
    qtbot.waitUntil(lambda: len(shown(view)) == 2, timeout=2_000)
    assert sorted(shown(view)) == ["Beach_cat.jpg", "CATALOG.jpg"]
    assert view.count_label.text() == "2 of 4 entries"
    view.search_edit.setText("zebra")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=2_000)
    assert view.table.empty_text == "No entries match."
    view.search_edit.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 4, timeout=2_000)


def test_class_model_not_sure_and_date_filters_return_the_right_rows(view, qtbot):
    fill(
        view,
        [
            entry("old_cat.jpg", "cat", days_ago=40),
            entry("cat.jpg", "cat", days_ago=3),
            entry("unsure_dog.jpg", "dog", not_sure=True, days_ago=2),
            entry("dog.jpg", "dog", model="big", days_ago=1),
            entry("frog.jpg", "frog", model="big"),
        ],
    )
    assert [view.class_combo.itemText(i) for i in range(view.class_combo.count())] == [
        "All classes",
        "cat",
        "dog",
        "frog",
    ]
    assert [view.model_combo.itemText(i) for i in range(view.model_combo.count())] == ["All models", "big", "tiny"]

    view.class_combo.setCurrentIndex(view.class_combo.findData("dog"))
    assert sorted(shown(view)) == ["dog.jpg", "unsure_dog.jpg"]
    view.not_sure_check.setChecked(True)
    assert shown(view) == ["unsure_dog.jpg"]
    assert view.model.index(0, Column.NOT_SURE).data() == "Not sure"
    view.not_sure_check.setChecked(False)
    view.model_combo.setCurrentIndex(view.model_combo.findData("big"))
    assert shown(view) == ["dog.jpg"]
    view.class_combo.setCurrentIndex(0)
    assert shown(view) == ["frog.jpg", "dog.jpg"]  # newest first
    view.model_combo.setCurrentIndex(0)

    # the day the entries were made, not the clock's: a run that crosses midnight must not move it
    local = NOW.astimezone()
    today = QDate(local.year, local.month, local.day)
    view.from_edit.setDate(today.addDays(-10))
    view.from_check.setChecked(True)
    assert "old_cat.jpg" not in shown(view) and len(shown(view)) == 4
    view.to_edit.setDate(today.addDays(-2))
    view.to_check.setChecked(True)  # "to" includes the whole day
    assert shown(view) == ["unsure_dog.jpg", "cat.jpg"]
    view.from_check.setChecked(False)
    assert shown(view) == ["unsure_dog.jpg", "cat.jpg", "old_cat.jpg"]


def test_clicking_a_header_sorts_by_that_column_in_the_database(view, qtbot):
    fill(view, [entry("b.jpg", "dog", not_sure=True), entry("C.jpg", "cat"), entry("a.jpg", "frog", model="big")])
    header = view.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(Column.NAME) + 10, 5)
    )
    first_order = shown(view)
    assert first_order in (["a.jpg", "b.jpg", "C.jpg"], ["C.jpg", "b.jpg", "a.jpg"])  # case-insensitive
    view.table.sortByColumn(Column.CLASS, Qt.SortOrder.AscendingOrder)
    assert shown(view, Column.CLASS) == ["cat", "dog", "frog"]
    view.table.sortByColumn(Column.CONFIDENCE, Qt.SortOrder.AscendingOrder)
    assert shown(view) == ["b.jpg", "C.jpg", "a.jpg"]  # 40%, then the two 90% in the order recorded
    view.table.sortByColumn(Column.MODEL, Qt.SortOrder.AscendingOrder)
    assert shown(view, Column.MODEL) == ["big", "tiny", "tiny"]
    view.table.sortByColumn(Column.WHEN, Qt.SortOrder.DescendingOrder)
    assert shown(view) == ["a.jpg", "C.jpg", "b.jpg"]


def test_rows_are_loaded_a_page_at_a_time_as_the_view_scrolls(view, qtbot, monkeypatch):
    fill(view, [entry(f"{i:04d}.jpg", days_ago=i / 1000) for i in range(PAGE_SIZE * 2 + 50)])
    queries = []
    original = view.store.query
    monkeypatch.setattr(view.store, "query", lambda **kw: queries.append(kw) or original(**kw))

    view.refresh()
    assert view.model.rowCount() == PAGE_SIZE and view.model.total_count() == 450
    assert view.count_label.text() == "450 entries"
    assert queries[-1]["limit"] == PAGE_SIZE
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 * PAGE_SIZE, timeout=2_000)
    assert (queries[-1]["limit"], queries[-1]["offset"]) == (PAGE_SIZE, PAGE_SIZE)
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 450, timeout=2_000)
    assert not view.model.canFetchMore()
    assert shown(view)[:2] == ["0000.jpg", "0001.jpg"] and shown(view)[-1] == "0449.jpg"
    assert len(set(shown(view))) == 450


def test_thumbnails_are_read_only_for_rows_that_are_painted(view, qtbot, monkeypatch):
    fill(view, [entry(f"{i:03d}.jpg") for i in range(150)])
    asked = []
    original = view.store.thumbnails
    monkeypatch.setattr(view.store, "thumbnails", lambda ids: asked.append(list(ids)) or original(ids))
    view.model.set_store(view.store)  # empties the pixmap cache
    view.table.viewport().repaint()
    assert asked and all(len(ids) <= history_model.THUMBNAIL_BLOCK for ids in asked)
    assert sum(len(ids) for ids in asked) < 150
    count = len(asked)
    view.table.viewport().repaint()
    assert len(asked) == count  # cached


# ---------------------------------------------------------------- actions


def test_delete_forgets_the_entry_but_never_touches_the_image_file(window, qtbot, tmp_path):
    paths_ = write_images(tmp_path / "photos", 2)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths_}
    classify(window, qtbot, paths_)
    view = window.history_view
    wait_recorded(view, qtbot, 2)
    open_history(window, qtbot)
    view.table.setFocus()
    view.table.selectRow(0)
    doomed = view.selected_entries()[0]
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)

    assert view.store.get(doomed.id) is None and view.store.count() == 1
    assert shown(view) == [p.name for p in paths_ if p.name != doomed.name]
    assert "not touched" in view.message_text()
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths_} == before
    assert len(window.results_model.rows()) == 2  # the Classify tab's Delete did not fire too

    view.table.selectAll()
    view.delete_action.trigger()
    assert view.store.count() == 0 and view.model.rowCount() == 0
    assert all(p.exists() for p in paths_)


def test_rename_gives_a_display_name_that_is_shown_and_searched(view, qtbot, monkeypatch):
    fill(view, [entry("IMG_0001.jpg"), entry("IMG_0002.jpg")])
    view.table.selectRow(1)
    monkeypatch.setattr(history_toolbar.QInputDialog, "getText", lambda *args, **kwargs: ("Grandma's cat", True))
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    assert shown(view) == ["IMG_0002.jpg", "Grandma's cat"]
    assert view.selected_entries()[0].file_name == "IMG_0001.jpg"
    view.search_edit.setText("grandma")
    view.apply_filters()
    assert shown(view) == ["Grandma's cat"]
    monkeypatch.setattr(history_toolbar.QInputDialog, "getText", lambda *args, **kwargs: ("", True))
    view.table.selectRow(0)
    view.rename_action.trigger()
    assert shown(view) == [] and view.store.count(text="IMG_0001") == 1


def test_clear_all_asks_first_and_keeps_the_files(view, qtbot, monkeypatch, tmp_path):
    image = tmp_path / "keep.png"
    image.write_bytes(b"not even read")
    fill(view, [entry("a.jpg"), entry("keep.png", folder=str(tmp_path))])
    questions = []
    answer = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(
        history_toolbar.QMessageBox, "question", lambda parent, title, text, *args: questions.append(text) or answer[0]
    )
    view.clear_action.trigger()
    assert questions == ["Forget all 2 entries in the history? The image files are not touched."]
    assert view.store.count() == 2
    answer[0] = QMessageBox.StandardButton.Yes
    view.clear_action.trigger()
    assert view.store.count() == 0 and view.model.rowCount() == 0
    assert view.count_label.text() == "0 entries" and not view.clear_action.isEnabled()
    assert image.read_bytes() == b"not even read"


def test_export_writes_the_filtered_entries_to_csv_in_the_background(window, qtbot, tmp_path, monkeypatch):
    view = window.history_view
    qtbot.waitUntil(lambda: view.is_open, timeout=10_000)
    fill(view, [entry("cat1.jpg"), entry("dog1.jpg", "dog"), entry("cat2.jpg", days_ago=1)])
    window.tabs.setCurrentWidget(view)
    view.class_combo.setCurrentIndex(view.class_combo.findData("cat"))
    target = tmp_path / "out" / "cats"
    target.parent.mkdir()
    monkeypatch.setattr(
        history_view_module.QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), "CSV files (*.csv)")
    )
    view.export_action.trigger()
    qtbot.waitUntil(lambda: "Exported" in view.message_text(), timeout=10_000)
    assert view.message_text() == f"Exported 2 entries to {target}.csv"
    with open(f"{target}.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["file_name"] for row in rows] == ["cat1.jpg", "cat2.jpg"]
    assert {row["label"] for row in rows} == {"cat"}


def test_open_classifies_the_file_again_when_it_is_still_there(window, qtbot, tmp_path):
    paths_ = write_images(tmp_path / "photos", 1)
    classify(window, qtbot, paths_)
    view = window.history_view
    wait_recorded(view, qtbot, 1)
    open_history(window, qtbot)
    window.clear_results()
    view.table.selectRow(0)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is window.classify_view
    [row] = window.results_model.rows()
    assert row.path == str(paths_[0]) and row.state == RowState.DONE and row.note is None
    assert window.answer_label.text().startswith(row.prediction.label + ", ")
    wait_recorded(view, qtbot, 2)  # a new classification is a new entry


def test_open_shows_the_stored_answer_and_says_so_when_the_file_is_gone(window, qtbot, tmp_path):
    paths_ = write_images(tmp_path / "photos", 1)
    classify(window, qtbot, paths_)
    view = window.history_view
    wait_recorded(view, qtbot, 1)
    stored = window.results_model.rows()[0].prediction
    window.clear_results()
    paths_[0].unlink()
    open_history(window, qtbot)
    view.table.selectRow(0)
    view.open_action.trigger()

    assert window.tabs.currentWidget() is window.classify_view
    [row] = window.results_model.rows()
    assert row.state == RowState.DONE and row.path is None
    assert row.prediction.label == stored.label
    np.testing.assert_allclose(row.prediction.probabilities, stored.probabilities, atol=1e-6)
    assert window.answer_label.text() == window.answer_text(stored)
    assert "no longer there" in window.detail_label.text() and str(paths_[0]) in window.detail_label.text()
    assert window.image_view.has_image()  # the stored thumbnail
    np.testing.assert_allclose(window.chart.bar_widths(), stored.probabilities, atol=1e-5)
    assert window.results_model.status_text(row) == row.note
    window.set_model(window.active_model_path)  # a model switch re-classifies the list: not this row
    qtbot.waitUntil(lambda: not window.is_busy(), timeout=WORK_TIMEOUT_MS)
    assert window.results_model.rows()[0].state == RowState.DONE


def test_reveal_opens_the_folder_in_the_file_manager(view, qtbot, monkeypatch, tmp_path):
    fill(view, [entry("here.jpg", folder=str(tmp_path)), entry("gone.jpg", folder=str(tmp_path / "gone"))])
    opened = []
    monkeypatch.setattr(history_toolbar.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    view.table.selectRow(1)
    view.reveal_action.trigger()
    assert [url.toLocalFile() for url in opened] == [str(tmp_path)]
    view.table.selectRow(0)
    view.reveal_action.trigger()
    assert len(opened) == 1 and "no longer there" in view.message_text()


# ---------------------------------------------------------------- a damaged file, old entries


def _garbage(path) -> bytes:
    data = b"this was a history file once\n" * 500
    path.write_bytes(data)
    return data


def _truncated(path) -> bytes:
    with HistoryStore(path) as filled:
        filled.add_many([entry(f"{i}.jpg") for i in range(400)])
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) // 3)
    return path.read_bytes()


@pytest.mark.parametrize("damage", [_garbage, _truncated], ids=["garbage", "truncated"])
def test_a_damaged_history_is_set_aside_with_a_message_and_the_app_starts_fresh(
    make_window, tiny_model_path, qtbot, tmp_path, damage
):
    path = paths.user_data_dir() / "history.sqlite3"
    original = damage(path)
    window = make_window(tiny_model_path)
    view = window.history_view
    qtbot.waitUntil(lambda: view.is_open, timeout=10_000)

    [aside] = [p for p in path.parent.iterdir() if p.name.startswith("history.sqlite3.damaged-")]
    assert aside.read_bytes() == original
    assert "set aside as " + aside.name in view.message_text()
    assert view.banner.property("kind") == "warning"
    assert not window.tabs.tabIcon(window.tabs.indexOf(view)).isNull()  # noticed from the Classify tab
    assert view.store.count() == 0
    classify(window, qtbot, write_images(tmp_path / "photos", 2))
    wait_recorded(view, qtbot, 2)
    open_history(window, qtbot)
    assert len(shown(view)) == 2
    assert window.tabs.tabIcon(window.tabs.indexOf(view)).isNull()


def test_entries_older_than_the_setting_are_forgotten_at_start(make_window, tiny_model_path, qtbot, settings):
    with HistoryStore(paths.user_data_dir() / "history.sqlite3") as old:
        old.add_many(
            [
                entry("ancient.jpg", days_ago=400),
                entry("last_month.jpg", days_ago=31),
                entry("last_week.jpg", days_ago=7),
            ]
        )
    settings.history_forget_days = 30
    window = make_window(tiny_model_path)
    view = open_history(window, qtbot)
    assert shown(view) == ["last_week.jpg"]
    assert view.forget_spin.value() == 30
    view.forget_spin.setValue(0)
    assert settings.history_forget_days == 0 and view.forget_spin.text() == "never"
