"""The main window as a user meets it: drop, open, paste; answers, chart, list, cancel, export."""

from __future__ import annotations

import csv
import os
import time

import numpy as np
import pytest
from gui_helpers import (
    MODEL_TIMEOUT_MS,
    OFFSCREEN_NOISE,
    WORK_TIMEOUT_MS,
    copy_model_with_threshold,
    make_image,
    write_images,
)
from PySide6.QtCore import QObject, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication

from infinityvision_desktop.core import classify as classify_loop
from infinityvision_desktop.core.images import load_image
from infinityvision_desktop.gui import main_window as main_window_module
from infinityvision_desktop.gui import workers
from infinityvision_desktop.gui.main_window import MainWindow, ModelState
from infinityvision_desktop.gui.settings import Settings
from infinityvision_desktop.gui.widgets.results_table import Column, RowState, rgb_to_qimage

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]


def rows_by_name(window: MainWindow) -> dict:
    return {row.name: row for row in window.results_model.rows()}


def expected_probabilities(predictor, source) -> np.ndarray:
    rgb = source if isinstance(source, np.ndarray) else load_image(source, draft_size=predictor.metadata.input_size)
    return np.array(predictor.predict([rgb])[0].probabilities)


def slow_decoding(monkeypatch, seconds: float = 0.004) -> None:
    """Make each image take a little longer to decode, so a large batch is still running when we act."""
    original = classify_loop.load_image_with_info

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return original(*args, **kwargs)

    monkeypatch.setattr(classify_loop, "load_image_with_info", slow)


# ---------------------------------------------------------------- drop


def test_drop_files_shows_answers_and_chart_equal_to_the_predictor(
    window, dropper, qtbot, tmp_path, reference_predictor
):
    paths = write_images(tmp_path / "photos", 4)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)

    rows = rows_by_name(window)
    assert sorted(rows) == [p.name for p in paths]
    assert all(row.state == RowState.DONE for row in rows.values())
    assert window.status_label.text() == "4 classified, 0 skipped"
    assert window.model_label.text().startswith("Model: ")
    assert "test accuracy" in window.model_label.text()

    for view_row in range(4):  # selecting each row shows its own answer and chart
        window.results_table.selectRow(view_row)
        row = window.results_model.row(window.results_table.current_key())
        expected = expected_probabilities(reference_predictor, row.path)
        np.testing.assert_allclose(window.chart.bar_widths(), expected, atol=1e-5)
        label = reference_predictor.metadata.labels[int(np.argmax(expected))]
        assert window.answer_label.text().startswith(f"{label}, ")
        assert window.answer_label.text().endswith("%")
        assert row.path.endswith(f"_{label}.png")  # the tiny model knows its colours
        qtbot.waitUntil(window.image_view.has_image)  # decoded beside the window


def test_drop_folder_is_searched_recursively_in_order_and_ignores_link_loops(window, dropper, qtbot, tmp_path):
    root = tmp_path / "album"
    write_images(root / "b", 2)
    write_images(root / "a" / "deeper", 3, seed=2)
    (root / "notes.txt").write_text("not an image")
    os.symlink(root, root / "a" / "loop")  # a folder link back to the top: must not be followed
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, [root])

    paths = [row.path for row in window.results_model.rows()]
    assert len(paths) == 5
    assert paths == sorted(paths)
    assert all("loop" not in p for p in paths)
    assert window.status_label.text() == "5 classified, 0 skipped · 1 other file not added (not an image)"


def test_drag_over_the_window_shows_a_highlight_until_dropped(window, dropper, tmp_path, qtbot):
    assert window.image_view.hint()[0] == "Drop photos or folders here"
    paths = write_images(tmp_path, 1)
    event = dropper.drag_enter(window, dropper.mime_for(paths))
    assert event.isAccepted()
    assert window.drop_overlay.isVisible()
    assert window.drop_overlay.geometry() == window.tabs.rect()
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    assert not window.drop_overlay.isVisible()


def test_dragging_something_that_is_not_a_file_is_refused(window, dropper):
    from PySide6.QtCore import QMimeData

    mime = QMimeData()
    mime.setText("just words")
    dropper.kept.append(mime)
    assert not dropper.drag_enter(window, mime).isAccepted()
    assert not window.drop_overlay.isVisible()


def test_a_bad_file_among_good_ones_gives_its_reason_and_the_others_their_answers(window, dropper, qtbot, tmp_path):
    good = write_images(tmp_path, 3)
    bad = tmp_path / "photo.jpg"
    bad.write_bytes(b"")
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, [good[0], bad, *good[1:]])

    rows = rows_by_name(window)
    assert rows["photo.jpg"].state == RowState.FAILED
    status = window.results_model.index_of(rows["photo.jpg"].key, Column.STATUS).data()
    assert status == "photo.jpg: file is empty"
    assert all(rows[p.name].state == RowState.DONE for p in good)
    assert window.status_label.text() == "3 classified, 1 skipped"

    window.results_table.select_key(rows["photo.jpg"].key)
    assert window.answer_label.text() == "photo.jpg: file is empty"
    assert window.chart.bar_widths() == (0.0,) * 4


# ---------------------------------------------------------------- open, paste, recent


def test_file_open_classifies_the_chosen_files_and_remembers_them(window, qtbot, tmp_path, monkeypatch, settings):
    paths = write_images(tmp_path / "chosen", 2)
    asked = {}

    def fake_dialog(parent, caption, folder, filters):
        asked["filters"] = filters
        return [str(p) for p in paths], filters.split(";;")[0]

    monkeypatch.setattr(main_window_module.QFileDialog, "getOpenFileNames", fake_dialog)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        window.open_action.trigger()

    assert "*.jpg" in asked["filters"] and "*.png" in asked["filters"]
    assert [row.name for row in window.results_model.rows()] == [p.name for p in paths]
    assert settings.recent_files[:2] == [str(paths[1]), str(paths[0])]
    assert settings.last_folder == str(tmp_path / "chosen")
    assert window.open_action.shortcut().matches(Qt.Modifier.CTRL | Qt.Key.Key_O)


def test_open_recent_lists_dropped_files_and_opens_them_again(make_window, dropper, tmp_path, settings):
    window = make_window(tmp_path / "no-model.h5", wait=False)  # no model needed to list and reopen
    paths = write_images(tmp_path / "photos", 2)
    dropper.drop(window, [paths[0]])
    dropper.drop(window, [tmp_path / "photos"])
    window.clear_action.trigger()

    window.recent_menu.aboutToShow.emit()
    entries = [a for a in window.recent_menu.actions() if a.data()]
    assert [a.data() for a in entries] == [str(tmp_path / "photos"), str(paths[0])]
    entries[0].trigger()
    assert [row.path for row in window.results_model.rows()] == [str(p) for p in paths]
    window.clear_recent_action.trigger()
    assert settings.recent_files == []


def test_paste_an_image_from_the_clipboard(window, qtbot, reference_predictor):
    rgb = make_image("frog", np.random.default_rng(5))
    QGuiApplication.clipboard().setImage(rgb_to_qimage(rgb))
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        window.paste_action.trigger()

    row = window.results_model.rows()[0]
    assert row.name == "Pasted image 1"
    assert row.state == RowState.DONE
    np.testing.assert_allclose(window.chart.bar_widths(), expected_probabilities(reference_predictor, rgb), atol=1e-5)
    assert window.answer_label.text().startswith("frog, ")
    assert window.image_view.has_image()


def test_paste_file_urls_from_the_clipboard(window, qtbot, tmp_path):
    from PySide6.QtCore import QMimeData, QUrl

    paths = write_images(tmp_path, 2)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    QGuiApplication.clipboard().setMimeData(mime)  # the clipboard owns it now
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        window.paste()
    assert [row.path for row in window.results_model.rows()] == [str(p) for p in paths]


def test_images_dropped_while_the_model_loads_are_classified_when_it_is_ready(
    make_window, tiny_model_path, dropper, qtbot, tmp_path
):
    window = make_window(tiny_model_path, wait=False)
    assert window.model_state == ModelState.LOADING
    assert window.model_label.text() == "Loading model…"
    paths = write_images(tmp_path, 3)
    dropper.drop(window, paths)
    assert {row.state for row in window.results_model.rows()} == {RowState.WAITING}
    with qtbot.waitSignal(window.sig_work_finished, timeout=MODEL_TIMEOUT_MS):
        pass
    assert {row.state for row in window.results_model.rows()} == {RowState.DONE}


def test_images_waiting_for_the_model_are_answered_before_it_warms_up_for_big_batches(
    make_window, tiny_model_path, dropper, qtbot, tmp_path, monkeypatch
):
    # An image given on the command line waits for the model; warming up for big batches (and
    # loading the ImageNet check) takes seconds with the bundled model and must come after it.
    import threading

    from infinityvision_desktop.core.predictor import Predictor

    order: list[str] = []
    lock = threading.Lock()
    warm_up, decode = Predictor.warm_up, classify_loop.load_image_with_info

    def recording_warm_up(self, batch_size=1, **kwargs):
        if batch_size > 1:  # the idle warm-up; the load's own is for one image
            with lock:
                order.append("warm up")
        return warm_up(self, batch_size, **kwargs)

    def recording_decode(*args, **kwargs):
        with lock:
            order.append("image")
        return decode(*args, **kwargs)

    dropped, load = threading.Event(), Predictor.load.__func__

    def load_after_the_drop(cls, *args, **kwargs):  # the image must be waiting when the model is ready
        dropped.wait(MODEL_TIMEOUT_MS / 1000)
        return load(cls, *args, **kwargs)

    monkeypatch.setattr(Predictor, "warm_up", recording_warm_up)
    monkeypatch.setattr(Predictor, "load", classmethod(load_after_the_drop))
    monkeypatch.setattr(classify_loop, "load_image_with_info", recording_decode)
    window = make_window(tiny_model_path, wait=False)
    dropper.drop(window, write_images(tmp_path, 1))
    dropped.set()
    with qtbot.waitSignal(window.sig_work_finished, timeout=MODEL_TIMEOUT_MS):
        pass
    qtbot.waitUntil(lambda: "warm up" in order, timeout=WORK_TIMEOUT_MS)  # still warmed up, afterwards
    assert order[0] == "image"


# ---------------------------------------------------------------- cancel and close


def test_cancel_stops_a_large_batch(window, dropper, qtbot, tmp_path, monkeypatch):
    paths = write_images(tmp_path / "many", 400)
    slow_decoding(monkeypatch)
    dropper.drop(window, paths)
    assert window.is_busy()
    assert not window.cancel_button.isVisible()  # no busy feedback for the first half second
    qtbot.waitUntil(window.cancel_button.isVisible, timeout=5_000)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)

    assert not window.is_busy()
    assert not window.progress_bar.isVisible()
    qtbot.wait(300)  # a result already on its way may still arrive; nothing more should
    rows = window.results_model.rows()
    done = sum(row.state == RowState.DONE for row in rows)
    assert 0 < done < 400
    cancelled = sum(row.state == RowState.CANCELLED for row in rows)
    assert done + cancelled == 400
    assert window.status_label.text() == f"Cancelled: {done} classified, 0 skipped, {cancelled} not classified"

    # the worker is still there for the next drop
    more = write_images(tmp_path / "more", 1, seed=9)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, more)
    assert window.results_model.rows()[-1].state == RowState.DONE


def test_closing_during_a_batch_stops_the_worker_cleanly(window, dropper, qtbot, tmp_path, monkeypatch):
    paths = write_images(tmp_path / "many", 400)
    slow_decoding(monkeypatch)
    with qtbot.waitSignal(window.sig_results_shown, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    assert window.is_busy()
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 5
    assert workers.running_handles() == []
    done = sum(row.state == RowState.DONE for row in window.results_model.rows())
    assert done < 400


# ---------------------------------------------------------------- list: sort, remove, export


def test_results_sort_by_confidence_and_class(window, dropper, qtbot, tmp_path):
    paths = write_images(tmp_path, 8)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    table = window.results_table
    table.sortByColumn(Column.CONFIDENCE, Qt.SortOrder.DescendingOrder)
    shown = [window.results_model.row(table.key_at_row(i)).prediction.confidence for i in range(8)]
    assert shown == sorted(shown, reverse=True)
    table.sortByColumn(Column.CLASS, Qt.SortOrder.AscendingOrder)
    labels = [window.results_model.row(table.key_at_row(i)).prediction.label for i in range(8)]
    assert labels == sorted(labels)


def test_remove_selected_and_clear(window, dropper, qtbot, tmp_path):
    paths = write_images(tmp_path, 3)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    window.results_table.selectRow(0)
    window.remove_action.trigger()
    assert window.results_model.rowCount() == 2
    assert window.status_label.text() == "2 classified, 0 skipped"
    window.clear_action.trigger()
    assert window.results_model.rowCount() == 0
    assert window.image_view.hint()[0] == "Drop photos or folders here"
    assert not window.export_action.isEnabled()


def test_export_csv_writes_every_row(window, dropper, qtbot, tmp_path, monkeypatch):
    paths = write_images(tmp_path / "in", 3)
    bad = tmp_path / "in" / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, [*paths, bad])
    target = tmp_path / "out" / "results"  # the dialog's answer without a suffix gets ".csv"
    target.parent.mkdir()
    monkeypatch.setattr(
        main_window_module.QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), "CSV files (*.csv)")
    )
    window.export_action.trigger()

    with open(str(target) + ".csv", encoding="utf-8-sig", newline="") as handle:
        records = list(csv.DictReader(handle))
    labels = list(window.active_metadata.labels)
    assert list(records[0]) == ["path", "label", "confidence", "not_sure", "looks_like", *labels, "error"]
    assert [r["path"] for r in records] == [*map(str, paths), str(bad)]
    for record, row in zip(records[:3], window.results_model.rows()):
        assert record["label"] == row.prediction.label
        assert float(record["confidence"]) == pytest.approx(row.prediction.confidence, abs=1e-6)
        assert record["not_sure"] == "false"
        assert sum(float(record[label]) for label in labels) == pytest.approx(1.0, abs=1e-4)
        assert record["error"] == ""
    assert records[3]["label"] == "" and records[3]["error"].startswith("broken.png: ")
    assert window.status_label.text().startswith("Exported 4 results to ")


# ---------------------------------------------------------------- models


def test_switching_to_a_strict_model_reclassifies_and_says_not_sure(window, dropper, qtbot, tmp_path, tiny_model_path):
    paths = write_images(tmp_path, 2)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    assert not window.answer_label.text().startswith("Not sure")

    strict = copy_model_with_threshold(tiny_model_path, tmp_path / "strict.h5", threshold=0.999)
    with qtbot.waitSignal(window.sig_work_finished, timeout=MODEL_TIMEOUT_MS):
        window.set_model(strict)
    assert window.active_model_path == str(strict)
    row = window.results_model.row(window.results_table.current_key())
    assert row.prediction.not_sure
    label = row.prediction.label
    article = "an" if label[0] in "aeiou" else "a"
    assert window.answer_label.text().startswith(f"Not sure: looks most like {article} {label} (")
    assert window.answer_label.text().endswith("%)")
    assert window.results_model.index_of(row.key, Column.STATUS).data() == "Not sure"
    assert "strict" in window.model_label.text()


def test_the_active_model_is_described_for_other_views(window, qtbot, tiny_model_path):
    qtbot.waitUntil(lambda: window.active_summary is not None, timeout=10_000)
    summary = window.active_summary
    assert summary.path == str(tiny_model_path)
    assert summary.total_parameters > 0 and summary.layers
    assert window.active_metadata.labels == ("cat", "dog", "frog", "ship")


def test_a_model_that_fails_to_load_keeps_the_previous_one(window, qtbot, tmp_path):
    broken = tmp_path / "broken.h5"
    broken.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    previous = window.active_model_path
    with qtbot.waitSignal(window.sig_model_failed, timeout=MODEL_TIMEOUT_MS) as failed:
        window.set_model(broken)
    assert failed.args[0] == str(broken)
    assert window.active_model_path == previous
    assert window.model_state == ModelState.READY
    assert window.status_label.text().startswith("Could not load broken.h5: ")
    assert "Still using" in window.status_label.text()


def test_without_a_model_the_window_says_where_it_looked_and_stays_usable(make_window, dropper, qtbot, tmp_path):
    missing = tmp_path / "models" / "cifar10_airbench.h5"
    window = make_window(missing, wait=False)
    assert window.model_state == ModelState.NONE
    assert window.model_label.text().startswith("No model")
    assert str(missing) in window.model_label.text() + window.model_label.toolTip()
    assert str(missing) in window.image_view.hint()[1]

    paths = write_images(tmp_path / "photos", 2)
    dropper.drop(window, paths)
    assert {row.state for row in window.results_model.rows()} == {RowState.WAITING}
    assert window.answer_label.text() == "Waiting for a model…"
    qtbot.waitUntil(window.image_view.has_image)  # the preview needs no model
    assert window.status_label.text() == "0 classified, 0 skipped · 2 waiting for a model"


# ---------------------------------------------------------------- state


def test_window_geometry_and_recent_files_persist(qtbot, tmp_path):
    store = str(tmp_path / "persist.ini")
    first = MainWindow(model_path=None, settings=Settings(QSettings(store, QSettings.Format.IniFormat)))
    qtbot.addWidget(first)
    first.resize(700, 520)  # the offscreen screen is 800x600; restoreGeometry clamps to it
    first.show()
    qtbot.waitUntil(lambda: first.background_started)
    first.close()

    second = MainWindow(model_path=None, settings=Settings(QSettings(store, QSettings.Format.IniFormat)))
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 520)
    settings = Settings(QSettings(store, QSettings.Format.IniFormat))
    for i in range(12):
        settings.add_recent_file(str(tmp_path / f"{i}.png"))
    settings.add_recent_file(str(tmp_path / "3.png"))
    recent = settings.recent_files
    assert len(recent) == 10 and recent[0] == str(tmp_path / "3.png") and recent.count(str(tmp_path / "3.png")) == 1


def test_the_worker_reports_errors_instead_of_losing_them(qtbot):
    class Failing(workers.Worker):
        def work(self):
            raise RuntimeError("boom")

    class Recorder(QObject):  # lives on the GUI thread, so the worker's emit is queued to it
        def __init__(self):
            super().__init__()
            self.errors = []

        @Slot(str, str)
        def on_error(self, message, details):
            self.errors.append((message, details))

    recorder = Recorder()
    worker = Failing()
    worker.sig_error.connect(recorder.on_error)
    handle = workers.start_worker(worker, name="failing")
    qtbot.waitUntil(lambda: handle.thread is None, timeout=10_000)  # references released once finished
    qtbot.waitUntil(lambda: bool(recorder.errors), timeout=10_000)
    message, details = recorder.errors[0]
    assert message == "RuntimeError: boom"
    assert "Traceback" in details


def test_a_command_worker_survives_a_failing_command_and_serves_the_rest_in_order(qtbot):
    # the inference and the teach workers share this loop: one bad job must not end either
    class Echo(workers.CommandWorker):
        sig_done = Signal(str)

        def __init__(self):
            super().__init__()
            self.failed, self.released = [], False

        def handle(self, command):
            if command == "bad":
                raise ValueError("bad command")
            self.sig_done.emit(command)

        def command_failed(self, command, exc):
            self.failed.append((command, str(exc)))

        def release(self):
            self.released = True

    worker, done, errors = Echo(), [], []
    worker.sig_done.connect(done.append)
    worker.sig_error.connect(lambda message, details: errors.append(message))
    handle = workers.start_worker(worker, name="echo")
    for command in ("one", "bad", "two"):
        worker.post(command)
    qtbot.waitUntil(lambda: done == ["one", "two"], timeout=10_000)
    qtbot.waitUntil(lambda: errors == ["ValueError: bad command"], timeout=10_000)
    assert worker.failed == [("bad", "bad command")]
    assert handle.stop(10_000)
    assert worker.released


def test_a_photo_of_none_of_the_ten_says_so_in_the_table_not_only_in_the_answer(qtbot):
    # the Class column holds the nearest class ("automobile" for an espresso): the status must
    # say it is none of them, as the answer above the chart does
    from dataclasses import replace

    from infinityvision_desktop.core.classify import ImageResult
    from infinityvision_desktop.core.labels import CIFAR10_LABELS
    from infinityvision_desktop.core.predictor import Prediction
    from infinityvision_desktop.gui.widgets.results_table import Column, ResultRow, ResultsModel, RowState

    model = ResultsModel()
    model.add_rows([ResultRow(1, "coffee.jpg", state=RowState.QUEUED), ResultRow(2, "car.jpg", state=RowState.QUEUED)])
    probabilities = tuple([0.54] + [0.46 / 9] * 9)
    car = Prediction(CIFAR10_LABELS, probabilities, 1, not_sure=True)
    model.apply_results([ImageResult(1, replace(car, looks_like="espresso"), None), ImageResult(2, car, None)])

    def status(row):
        return model.data(model.index(row, Column.STATUS))

    assert status(0) == "None of the ten: looks like an espresso"
    assert model.data(model.index(0, Column.CLASS)) == "automobile"
    assert status(1) == "Not sure"


def test_a_photo_says_what_the_imagenet_classifier_that_weighed_its_answer_sees(
    window, dropper, qtbot, tmp_path, monkeypatch
):
    # photos of 64 px and more: the ImageNet classifier's opinion weighs the answer (core.openset);
    # the answer shows it was asked and what it saw, a thumbnail says nothing of it
    from PIL import Image

    from infinityvision_desktop.core.openset import Opinion
    from infinityvision_desktop.core.predictor import Predictor

    class SeesRetrievers:
        def check(self, images):
            return [
                Opinion((0.0, 1.0, 0.0, 0.0), 0.05, None, "golden retriever", 0.87) if min(i.shape[:2]) >= 64 else None
                for i in images
            ]

    monkeypatch.setattr(Predictor, "open_set_check", lambda self: SeesRetrievers())
    small = write_images(tmp_path / "small", 1, labels=("cat",))[0]
    photo = tmp_path / "photo.png"
    Image.open(small).resize((128, 128)).save(photo)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, [photo, small])

    rows = rows_by_name(window)
    assert rows["photo.png"].prediction.seen_as == "golden retriever"
    assert rows[small.name].prediction.seen_as is None
    for name, says in (("photo.png", True), (small.name, False)):
        window.results_table.selectRow(list(rows).index(name))
        assert window.results_model.row(window.results_table.current_key()).name == name
        assert ("The ImageNet classifier sees a golden retriever (87%)" in window.detail_label.text()) == says

    # a photo of none of the classes says what it looks like instead
    from dataclasses import replace

    from infinityvision_desktop.core.classify import ImageResult

    photo_row = rows["photo.png"]
    outside = replace(photo_row.prediction, looks_like="espresso", seen_as="espresso", not_sure=True)
    window.results_model.apply_results([ImageResult(photo_row.key, outside, None)])
    window.results_table.selectRow(list(rows).index("photo.png"))
    window.classify_view.refresh()
    assert window.answer_label.text() == "None of the ten: looks like an espresso"
    assert "ImageNet classifier sees" not in window.detail_label.text()
