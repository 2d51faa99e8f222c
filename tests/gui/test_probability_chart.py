"""The probability chart redraws only its bars and percentages for a new answer, and the pixels show it."""

from __future__ import annotations

import numpy as np
import pytest
from gui_helpers import OFFSCREEN_NOISE

from infinityvision_desktop.core.predictor import Prediction
from infinityvision_desktop.gui.widgets.probability_chart import ProbabilityChart

LABELS = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


def prediction(top: int, share: float) -> Prediction:
    probabilities = np.full(len(LABELS), (1 - share) / (len(LABELS) - 1))
    probabilities[top] = share
    return Prediction(labels=LABELS, probabilities=tuple(float(p) for p in probabilities), index=top, not_sure=False)


def bar_is_painted(chart: ProbabilityChart, index: int, share: float) -> bool:
    """Whether the canvas' pixels at `share` of the axes' width on class `index`'s row are the bar's colour."""
    x, y = chart._axes.transData.transform((share, index))  # device pixels, origin bottom left
    image = chart.canvas.grab().toImage()
    ratio = chart.canvas.device_pixel_ratio or 1.0
    colour = image.pixelColor(round(x / ratio), round((chart.figure.bbox.height - y) / ratio))
    accent = chart._bars[index].get_facecolor()
    return all(abs(a - b) < 0.05 for a, b in zip((colour.redF(), colour.greenF(), colour.blueF()), accent[:3]))


@OFFSCREEN_NOISE
def test_a_new_answer_with_the_same_top_class_is_blitted_and_shows_its_bars(qtbot):
    chart = ProbabilityChart()
    qtbot.addWidget(chart)
    chart.resize(420, 300)
    chart.show()
    qtbot.waitExposed(chart)
    with qtbot.waitSignal(chart.sig_drawn):
        chart.show_prediction(prediction(3, 0.9))  # the first answer with "cat" on top: a full redraw
    assert bar_is_painted(chart, 3, 0.8)

    full_redraws = []
    draw = chart.canvas.draw
    chart.canvas.draw = lambda: (full_redraws.append(1), draw())
    with qtbot.waitSignal(chart.sig_drawn, timeout=1000):
        chart.show_prediction(prediction(3, 0.4))
    assert full_redraws == []  # blitted over the picture kept for "cat" on top
    assert bar_is_painted(chart, 3, 0.3) and not bar_is_painted(chart, 3, 0.8)
    assert chart._values[3].get_text() == "40%"

    with qtbot.waitSignal(chart.sig_drawn, timeout=1000):
        chart.show_prediction(prediction(5, 0.7))  # "dog" on top for the first time: its bold name needs a redraw
    assert full_redraws == [1]
    assert bar_is_painted(chart, 5, 0.6) and not bar_is_painted(chart, 3, 0.3)

    chart.resize(460, 320)  # a new size: every kept picture is out of date
    with qtbot.waitSignal(chart.sig_drawn, timeout=1000):
        pass
    with qtbot.waitSignal(chart.sig_drawn, timeout=1000):
        chart.show_prediction(prediction(3, 0.95))
    assert len(full_redraws) == 3 and bar_is_painted(chart, 3, 0.9)


def test_bar_values_are_the_probabilities(qtbot):
    chart = ProbabilityChart()
    qtbot.addWidget(chart)
    chart.show_prediction(prediction(1, 0.55))
    assert chart.bar_widths() == pytest.approx(prediction(1, 0.55).probabilities)


@OFFSCREEN_NOISE
def test_the_chart_keeps_its_size_when_an_answer_takes_two_lines(window, qtbot):
    # A "not sure" answer wraps; the chart under it should not jump (and so need a full redraw).
    window.resize(1200, 780)
    window.show()
    qtbot.waitExposed(window)
    window.answer_label.setText("cat, 97%")
    qtbot.wait(50)
    one_line = window.chart.geometry()
    window.answer_label.setText("Not sure: looks most like an automobile (50%)")
    qtbot.wait(50)
    assert (
        window.answer_label.heightForWidth(window.answer_label.width())
        > window.answer_label.fontMetrics().lineSpacing() * 1.5
    )
    assert window.chart.geometry() == one_line
