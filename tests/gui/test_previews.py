"""The selected photo's preview is decoded beside the window: big photos do not freeze it."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest
from gui_helpers import OFFSCREEN_NOISE, WORK_TIMEOUT_MS
from PIL import Image
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from infinityvision_desktop.gui import preview_worker
from infinityvision_desktop.gui.widgets.image_view import ImageView

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]

COLOURS = {"red.png": (220, 30, 30), "green.png": (30, 200, 40), "blue.png": (30, 40, 220)}


def plain_photos(folder, size=(64, 48)) -> list:
    paths = []
    for name, colour in COLOURS.items():
        path = folder / name
        Image.new("RGB", size, colour).save(path)
        paths.append(path)
    return paths


def shown_colour(view: ImageView) -> tuple[int, int, int]:
    image = view.pixmap().toImage()
    colour = image.pixelColor(image.width() // 2, image.height() // 2)
    return colour.red(), colour.green(), colour.blue()


def slow_previews(monkeypatch, seconds: float) -> list[str]:
    """Every preview takes `seconds` to decode, as a big photo does; returns the threads that decoded."""
    threads: list[str] = []
    read = preview_worker.read_preview

    def slow(source, max_side):
        threads.append(threading.current_thread().name)
        time.sleep(seconds)
        return read(source, max_side)

    monkeypatch.setattr(preview_worker, "read_preview", slow)
    return threads


def test_a_slow_preview_is_decoded_beside_the_window_which_says_it_is_loading(
    window, dropper, qtbot, tmp_path, monkeypatch
):
    paths = plain_photos(tmp_path)
    threads = slow_previews(monkeypatch, 1.5)  # far longer than the 150 ms before the hint, even on a busy machine
    dropper.drop(window, paths[:1])
    # the window goes on painting while the photo decodes: it says so instead of freezing
    qtbot.waitUntil(lambda: window.image_view.hint()[0] == "Loading preview…", timeout=WORK_TIMEOUT_MS)
    assert not window.image_view.has_image()
    qtbot.waitUntil(window.image_view.has_image, timeout=WORK_TIMEOUT_MS)
    assert shown_colour(window.image_view) == pytest.approx(COLOURS["red.png"], abs=6)
    assert threads and threading.main_thread().name not in threads


def test_stepping_quickly_through_slow_photos_shows_the_last_one_chosen(window, dropper, qtbot, tmp_path, monkeypatch):
    paths = plain_photos(tmp_path)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    window.results_table.selectRow(0)
    qtbot.waitUntil(
        lambda: window.image_view.has_image() and not window.image_view.is_loading(), timeout=WORK_TIMEOUT_MS
    )
    # every decode waits until the stepping is over, so the steps always outrun the decoding
    released, decoded = threading.Event(), []
    read = preview_worker.read_preview

    def held(source, max_side):
        released.wait(WORK_TIMEOUT_MS / 1000)
        decoded.append(os.path.basename(source))
        return read(source, max_side)

    monkeypatch.setattr(preview_worker, "read_preview", held)
    names = []
    for row in (1, 0, 2):
        window.results_table.selectRow(row)
        names.append(window.results_model.row(window.results_table.current_key()).name)
    released.set()
    qtbot.waitUntil(
        lambda: window.image_view.has_image() and not window.image_view.is_loading(), timeout=WORK_TIMEOUT_MS
    )
    assert shown_colour(window.image_view) == pytest.approx(COLOURS[names[-1]], abs=6)
    # at most the one the worker had begun, then the last chosen: never all three
    assert decoded[-1] == names[-1] and len(decoded) <= 2 and decoded.count(names[-1]) == 1


def test_while_a_classified_photo_loads_its_thumbnail_stands_in(window, dropper, qtbot, tmp_path, monkeypatch):
    paths = plain_photos(tmp_path, (200, 150))  # larger than a thumbnail (96 px at most)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    qtbot.waitUntil(window.image_view.has_image, timeout=WORK_TIMEOUT_MS)
    slow_previews(monkeypatch, 0.5)
    window.results_table.selectRow(2)
    name = window.results_model.row(window.results_table.current_key()).name
    view = window.image_view
    assert view.is_loading() and view.hint() == ("", "")
    assert shown_colour(view) == pytest.approx(COLOURS[name], abs=12)  # its thumbnail, at once
    qtbot.wait(300)  # past the moment an image without a thumbnail would say "Loading preview…"
    assert view.hint() == ("", "")
    qtbot.waitUntil(view.has_image, timeout=WORK_TIMEOUT_MS)
    assert view.pixmap().width() == 200  # the photo itself now, not its thumbnail


class FakeLoader(QObject):
    sig_preview = Signal(int, object, str)

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, int]] = []

    def request(self, source, max_side) -> int:
        self.requests.append((source, max_side))
        return len(self.requests)


def solid(colour) -> QImage:
    image = QImage(40, 30, QImage.Format.Format_RGB888)
    image.fill(colour)
    return image


def test_a_heatmap_that_comes_before_its_preview_is_drawn_over_it_and_stale_previews_are_dropped(qtbot):
    view = ImageView()
    qtbot.addWidget(view)
    loader = FakeLoader()
    view.set_loader(loader)
    view.show_file("first.jpg")
    view.show_file("second.jpg")
    view.set_overlay(solid(0xFF0000))  # the heatmap of the second, before its preview
    assert view.is_loading() and not view.has_overlay()
    loader.sig_preview.emit(1, solid(0x00FF00), "")  # the first: no longer wanted
    assert view.is_loading() and not view.has_image()
    with qtbot.waitSignal(view.sig_shown):
        loader.sig_preview.emit(2, solid(0x0000FF), "")
    assert view.has_image() and view.has_overlay()
    assert shown_colour(view) == (0, 0, 255)

    view.show_file("broken.jpg")
    with qtbot.waitSignal(view.sig_shown):
        loader.sig_preview.emit(3, QImage(), "Unsupported image format")
    assert not view.has_image() and not view.has_overlay()
    assert view.hint() == ("No preview", "Unsupported image format")


def test_pasted_image_data_is_previewed_too(window, qtbot):
    array = np.zeros((30, 40, 3), np.uint8)
    array[:] = (30, 40, 220)
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    QImage(array.data, 40, 30, 120, QImage.Format.Format_RGB888).save(buffer, "PNG")
    window.image_view.show_file(bytes(data.data()))
    qtbot.waitUntil(window.image_view.has_image, timeout=WORK_TIMEOUT_MS)
    assert shown_colour(window.image_view) == (30, 40, 220)


def test_a_photo_tried_in_the_teach_tab_is_decoded_beside_the_window_too(qtbot, tmp_path, monkeypatch, settings):
    from infinityvision_desktop.gui import workers
    from infinityvision_desktop.gui.teach_try_panel import TryPanel

    handles = []

    def start_worker(worker, *, name):
        handles.append(workers.start_worker(worker, name=name))
        return handles[-1]

    panel = TryPanel(settings, lambda item, heatmap: 0, start_worker)
    qtbot.addWidget(panel)
    photo = plain_photos(tmp_path)[1]
    threads = slow_previews(monkeypatch, 0.3)
    try:
        panel.try_file(str(photo))
        assert panel.try_view.is_loading()
        qtbot.waitUntil(panel.try_view.has_image, timeout=WORK_TIMEOUT_MS)
        assert shown_colour(panel.try_view) == pytest.approx(COLOURS[photo.name], abs=6)
        assert threads and threading.main_thread().name not in threads
    finally:
        for handle in handles:
            handle.stop()
