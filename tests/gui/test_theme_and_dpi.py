"""Light and dark, and a device pixel ratio of 2: the charts follow the palette, the preview and the
charts are drawn at the screen's full resolution."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gui_helpers import OFFSCREEN_NOISE, WORK_TIMEOUT_MS, write_images
from matplotlib.colors import to_hex
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette

from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.widgets.results_table import Column

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]


def lightness(colour: str) -> int:
    return QColor(colour).lightness()


def test_the_dark_theme_darkens_the_window_its_charts_and_their_text(window, qtbot, dropper, tmp_path):
    paths = write_images(tmp_path / "photos", 4)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    window.tabs.setCurrentWidget(window.model_view)
    window.tabs.setCurrentWidget(window.classify_view)
    light = window.chart.colours()
    assert lightness(light["background"]) > 200 and lightness(light["names"]) < 100

    theme.apply("dark")
    qtbot.waitUntil(lambda: theme.is_dark(window.palette()), timeout=5_000)
    window_colour = window.palette().color(QPalette.ColorRole.Window).name()
    qtbot.waitUntil(lambda: window.chart.colours()["background"] == window_colour, timeout=5_000)
    assert lightness(window_colour) < 80
    dark = window.chart.colours()
    assert lightness(dark["names"]) > 180, "class names must be light on the dark chart"
    curves = window.model_view.curves
    assert curves.figure.get_facecolor()[:3] == pytest.approx(QColor(window_colour).getRgbF()[:3], abs=0.01)
    tick_colour = to_hex(curves._accuracy_axes.get_yticklabels()[0].get_color())
    assert lightness(tick_colour) > 150, "tick labels must be light on the dark chart"
    assert f"color: {theme.DARK.text}" in window.answer_label.styleSheet()

    theme.apply("light")
    qtbot.waitUntil(lambda: lightness(window.chart.colours()["background"]) > 200, timeout=5_000)
    assert lightness(window.chart.colours()["names"]) < 100


def test_a_chart_saved_in_the_dark_theme_is_light_on_white(window, qtbot, tmp_path):
    theme.apply("dark")
    curves = window.model_view.curves
    qtbot.waitUntil(lambda: curves.scheme.dark, timeout=5_000)
    saved = curves.save_image(tmp_path / "curves.png")
    image = QImage(str(saved))
    assert image.pixelColor(2, 2).name() == "#ffffff"
    assert curves.scheme.dark, "the chart on screen stays dark"


def test_not_sure_answers_stay_readable_in_the_dark_theme(window, qtbot, tmp_path, dropper):
    theme.apply("dark")
    qtbot.waitUntil(lambda: theme.is_dark(window.results_table.palette()), timeout=5_000)
    paths = write_images(tmp_path / "photos", 1)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    window._settings.not_sure_threshold = 0.999
    window.apply_settings()
    row = window.results_model.rows()[0]
    assert window.results_model.index_of(row.key, Column.STATUS).data() == "Not sure"
    colour = window.results_model.index_of(row.key, Column.STATUS).data(Qt.ItemDataRole.ForegroundRole)
    assert colour is not None and colour.lightness() > 120, "amber on dark, not the light theme's brown"


# ---------------------------------------------------------------- a device pixel ratio of 2

DPI_PROBE = r"""
import json, sys
import numpy as np
from PySide6.QtGui import QImage
from infinityvision_desktop.gui.app import create_application
from infinityvision_desktop.gui.widgets.image_view import ImageView
from infinityvision_desktop.gui.widgets.probability_chart import ProbabilityChart
from infinityvision_desktop.core.labels import CIFAR10_LABELS
from infinityvision_desktop.core.predictor import Prediction

app = create_application()
# a photo of one-pixel stripes, twice the view's size: sharp only if drawn pixel for pixel
# (small enough that the preview is not decoded smaller for the small offscreen screen)
stripes = np.zeros((400, 600, 3), np.uint8)
stripes[:, ::2] = 255
image = QImage(stripes.data, 600, 400, 3 * 600, QImage.Format.Format_RGB888).copy()
view = ImageView()
view.resize(300, 200)
view.show()
view.show_image(image)
app.processEvents()
shot = view.grab().toImage()
row = [shot.pixelColor(x, shot.height() // 2).lightness() for x in range(shot.width())]
changes = sum(1 for a, b in zip(row, row[1:]) if abs(a - b) > 128)

chart = ProbabilityChart()
chart.resize(420, 300)
chart.show()
chart.show_prediction(Prediction(CIFAR10_LABELS, tuple([0.91] + [0.01] * 9), 0, False))
app.processEvents()
chart.canvas.draw()
renderer = chart.canvas.get_renderer()
print(json.dumps({
    "ratio": view.devicePixelRatioF(), "shot": [shot.width(), shot.height()], "changes": changes,
    "chart_ratio": chart.canvas.device_pixel_ratio, "chart_dpi": chart.figure.dpi,
    "chart_pixels": [int(chart.figure.bbox.width), int(chart.figure.bbox.height)], "chart_size": [chart.width(), chart.height()],
    "names_left": min(name.get_window_extent(renderer).x0 for name in chart._names),
}))
"""


def run_dpi_probe(scale: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": scale}
    done = subprocess.run(
        [sys.executable, "-c", DPI_PROBE],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_preview_and_the_chart_are_sharp_at_a_device_pixel_ratio_of_2():
    report = run_dpi_probe("2")
    assert report["ratio"] == 2.0 and report["shot"] == [600, 400]
    # every device pixel column of the stripes survives (a preview drawn at 300 px and upscaled keeps half)
    assert report["changes"] > 580, report
    assert report["chart_ratio"] == 2 and report["chart_dpi"] == 200
    assert report["chart_pixels"] == [2 * report["chart_size"][0], 2 * report["chart_size"][1]]
    assert report["names_left"] >= 0, "class names cut off at the left edge"


def test_at_a_ratio_of_1_the_same_probe_sees_half_the_pixels():
    """The probe can tell: at 1x the view has only 300 device pixels for the 600 stripes."""
    report = run_dpi_probe("1")
    assert report["ratio"] == 1.0 and report["shot"] == [300, 200]
    assert report["changes"] < 310


def test_the_evaluation_tab_heatmap_line_and_export_dialog_follow_the_dark_theme(window, qtbot, dropper, tmp_path):
    """The explain branch's views take their colours from gui.theme: readable on the dark palette."""
    from gui_helpers import open_feature_views

    paths = write_images(tmp_path / "photos", 2)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    open_feature_views(window, qtbot, tmp_path)
    view = window.features.evaluation_view
    view.show_mistakes()
    gallery = view.gallery_model
    mistake = next(row for row, outcome in enumerate(gallery.outcomes()) if not outcome.correct)
    assert gallery.data(gallery.index(mistake), Qt.ItemDataRole.ForegroundRole).name() == theme.scheme().error

    theme.apply("dark")
    qtbot.waitUntil(lambda: theme.is_dark(view.palette()), timeout=5_000)
    qtbot.waitUntil(
        lambda: gallery.data(gallery.index(mistake), Qt.ItemDataRole.ForegroundRole).name() == theme.DARK.error,
        timeout=5_000,
    )
    assert lightness(theme.DARK.error) > 150, "a mistake's caption must be light on the dark gallery"
    panel = window.features.explain.panel
    assert f"color: {theme.DARK.muted}" in panel.status_label.styleSheet()
    assert f"color: {theme.DARK.muted}" in window.features.export_dialog.sample_hint.styleSheet()
    window_colour = view.palette().color(QPalette.ColorRole.Window).getRgbF()[:3]
    qtbot.waitUntil(
        lambda: view.confusion.figure.get_facecolor()[:3] == pytest.approx(window_colour, abs=0.01), timeout=5_000
    )
