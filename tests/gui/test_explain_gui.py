"""The heatmap over the selected image: toggle, opacity, and the class chosen by clicking the chart."""

from __future__ import annotations

import numpy as np
import pytest
from gui_helpers import OFFSCREEN_NOISE, WORK_TIMEOUT_MS, write_images
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]


def pixels(widget) -> np.ndarray:
    """The widget as the user sees it, RGB."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    return (
        np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
        .reshape(height, image.bytesPerLine())[:, : width * 3]
        .copy()
    )


@pytest.fixture
def classified(window, dropper, qtbot, tmp_path):
    paths = write_images(tmp_path / "photos", 3)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    window.results_table.selectRow(0)
    return window


def test_heatmap_is_off_at_first_and_the_toggle_draws_it_for_the_answer(classified, qtbot):
    window = classified
    controller = window.features.explain
    before = pixels(window.image_view)
    assert not window.image_view.has_overlay()
    assert not controller.panel.opacity_slider.isEnabled()

    with qtbot.waitSignal(controller.sig_shown, timeout=WORK_TIMEOUT_MS) as shown:
        controller.panel.toggle.click()

    explanation = shown.args[0]
    row = window.results_model.row(window.results_table.current_key())
    assert explanation.class_index == row.prediction.index  # the answer, by default
    assert window.image_view.has_overlay()
    assert window.chart.marked_index() == row.prediction.index
    assert controller.panel.status_label.text() == f"Where the model saw “{row.prediction.label}” (red: most)"
    assert not np.array_equal(pixels(window.image_view), before)  # the user sees colour over the image

    controller.panel.toggle.click()
    assert not window.image_view.has_overlay()
    assert window.chart.marked_index() == -1
    np.testing.assert_array_equal(pixels(window.image_view), before)


def test_clicking_a_class_in_the_chart_explains_that_class(classified, qtbot):
    window = classified
    controller = window.features.explain
    row = window.results_model.row(window.results_table.current_key())
    other = (row.prediction.index + 1) % len(row.prediction.labels)
    window.chart.canvas.draw()
    x, y = window.chart.class_position(other)

    with qtbot.waitSignal(controller.sig_shown, timeout=WORK_TIMEOUT_MS) as shown:
        qtbot.mouseClick(window.chart.canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y)))

    explanation = shown.args[0]
    assert controller.panel.toggle.isChecked()  # a click on a class turns the heatmap on
    assert explanation.class_index == other
    assert window.chart.marked_index() == other
    label = row.prediction.labels[other]
    if explanation.empty:
        assert controller.panel.status_label.text() == f"Nothing in this image speaks for “{label}”."
    else:
        assert controller.panel.status_label.text() == (
            f"Where the model saw “{label}” (its answer is “{row.prediction.label}”)"
        )

    # another image: its own answer is explained again
    with qtbot.waitSignal(controller.sig_shown, timeout=WORK_TIMEOUT_MS) as shown:
        window.results_table.selectRow(1)
    second = window.results_model.row(window.results_table.current_key())
    assert shown.args[0].class_index == second.prediction.index

    # and back: the class chosen for the first image is remembered, shown from the cache with the image
    with qtbot.waitSignal(window.image_view.sig_shown, timeout=WORK_TIMEOUT_MS):
        window.results_table.selectRow(0)
    assert controller.shown() is not None and controller.shown().class_index == other


def test_the_opacity_slider_changes_how_strongly_the_heatmap_covers_the_image(classified, qtbot):
    window = classified
    controller = window.features.explain
    with qtbot.waitSignal(controller.sig_shown, timeout=WORK_TIMEOUT_MS):
        controller.set_enabled(True)
    controller.panel.opacity_slider.setValue(0)
    assert window.image_view.overlay_opacity() == 0.0
    faint = pixels(window.image_view)
    controller.panel.opacity_slider.setValue(100)
    assert window.image_view.overlay_opacity() == 1.0
    strong = pixels(window.image_view)
    controller.set_enabled(False)
    plain = pixels(window.image_view)
    np.testing.assert_array_equal(faint, plain)
    assert np.abs(strong.astype(int) - plain.astype(int)).mean() > 10


def test_the_heatmap_explains_the_answer_shown_also_where_it_is_not_the_networks_own(classified, qtbot):
    # a photo's answer also weighs the ImageNet classifier's opinion (core.openset): the heatmap
    # must be drawn for that answer, not for the one the network alone would give
    from dataclasses import replace

    from infinityvision_desktop.core.classify import ImageResult

    window = classified
    controller = window.features.explain
    row = window.results_model.row(window.results_table.current_key())
    given = (row.prediction.index + 1) % len(row.prediction.labels)
    window.results_model.apply_results([ImageResult(row.key, replace(row.prediction, index=given), None)])

    with qtbot.waitSignal(controller.sig_shown, timeout=WORK_TIMEOUT_MS) as shown:
        controller.panel.toggle.click()

    explanation = shown.args[0]
    assert explanation.class_index == given and explanation.is_top
    assert window.chart.marked_index() == given
    label = row.prediction.labels[given]
    assert controller.panel.status_label.text() in (
        f"Where the model saw “{label}” (red: most)",
        f"Nothing in this image speaks for “{label}”.",
    )


def test_a_new_answer_for_the_shown_image_gets_its_own_heatmap(classified, qtbot):
    # the same image under the same model: once its answer changes (classified again), the heatmap
    # shown and cached for the old answer must not stay
    from dataclasses import replace

    from infinityvision_desktop.core.classify import ImageResult

    window = classified
    controller = window.features.explain
    with qtbot.waitSignal(controller.sig_shown, timeout=WORK_TIMEOUT_MS) as first:
        controller.panel.toggle.click()
    row = window.results_model.row(window.results_table.current_key())
    assert first.args[0].class_index == row.prediction.index

    given = (row.prediction.index + 1) % len(row.prediction.labels)
    with qtbot.waitSignal(controller.sig_shown, timeout=WORK_TIMEOUT_MS) as second:
        window.results_model.apply_results([ImageResult(row.key, replace(row.prediction, index=given), None)])
        controller.refresh()
    assert second.args[0].class_index == given and second.args[0].is_top
    assert window.chart.marked_index() == given
