"""The model view and its charts, drawn from a model's metadata: assert on the plotted data, not pixels."""

from __future__ import annotations

import numpy as np
import pytest
from gui_helpers import OFFSCREEN_NOISE

from infinityvision_desktop.core.evaluation import Evaluation, evaluate
from infinityvision_desktop.core.modelfile import ModelMetadata, read_metadata
from infinityvision_desktop.gui.model_view import ModelView
from infinityvision_desktop.gui.widgets import chart_widget
from infinityvision_desktop.gui.widgets.evaluation_charts import ConfusionMatrixChart
from infinityvision_desktop.gui.widgets.training_charts import TrainingCurves

pytestmark = pytest.mark.gui

LABELS = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


# conftest.py's autouse _no_thread_left_running fails a test that leaves a worker thread running.


def epoch(n, stage, loss, accuracy, val_loss, val_accuracy, stage_epoch=1, stage_epochs=1):
    return {
        "stage": stage,
        "stage_index": 0 if stage == "head" else 1,
        "epoch": n,
        "stage_epoch": stage_epoch,
        "stage_epochs": stage_epochs,
        "loss": loss,
        "accuracy": accuracy,
        "val_loss": val_loss,
        "val_accuracy": val_accuracy,
        "learning_rate": 0.01,
        "seconds": 1.0,
    }


HISTORY = (
    epoch(1, "head", 1.9, 0.40, 1.7, 0.45, 1, 2),
    epoch(2, "head", 1.5, 0.55, 1.4, 0.58, 2, 2),
    epoch(3, "fine-tune", 1.1, 0.70, 1.0, 0.74, 1, 3),
    epoch(4, "fine-tune", 0.9, 0.78, 0.95, 0.81, 2, 3),
    epoch(5, "fine-tune", 0.8, 0.82, 0.97, 0.79, 3, 3),
)
STAGES = ({"name": "head", "epochs": 2}, {"name": "fine-tune", "epochs": 3})


def evaluation_dict(seed=0, n=300):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, len(LABELS), n)
    logits = rng.normal(0, 1, (n, len(LABELS)))
    logits[np.arange(n), y] += 2.0  # mostly right
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return evaluate(probabilities, y, LABELS).to_dict()


def metadata(**changes):
    values = dict(
        labels=LABELS,
        name="trained-here",
        architecture="airbench (small)",
        history=HISTORY,
        stages=STAGES,
        evaluation=evaluation_dict(),
    )
    values.update(changes)
    return ModelMetadata(**values)


@pytest.fixture
def view(qtbot):
    widget = ModelView()
    qtbot.addWidget(widget)
    widget.resize(1100, 900)
    return widget


# ---------------------------------------------------------------- curves


def test_curves_plot_each_series_per_epoch_and_mark_the_stage_boundary_and_best_epoch(view):
    view.set_model(metadata(), None)

    curves = view.curves
    assert curves.is_showing_chart()
    for series in ("accuracy", "val_accuracy", "loss", "val_loss"):
        x, y = curves.line_data(series)
        np.testing.assert_array_equal(x, [1, 2, 3, 4, 5])
        np.testing.assert_allclose(y, [h[series] for h in HISTORY])
    assert curves.stage_boundaries() == [2.5]  # after the two head epochs
    assert curves.stage_names() == ["head", "head", "fine-tune", "fine-tune"]  # on both axes
    assert curves.best_epoch() == 4  # the highest validation accuracy, 0.81


def test_append_epoch_changes_the_lines_in_place(qtbot):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    curves.set_history([], STAGES)
    lines_before = [curves.line_data(s) for s in ("accuracy",)]
    line_object = curves._lines["accuracy"]

    for item in HISTORY[:3]:
        curves.append_epoch(item)

    assert curves._lines["accuracy"] is line_object  # the same artist, new data
    x, y = curves.line_data("val_accuracy")
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_allclose(y, [0.45, 0.58, 0.74])
    assert curves.best_epoch() == 3
    assert len(lines_before[0][0]) == 0


def test_a_model_without_history_or_evaluation_says_so_instead_of_empty_axes(view):
    view.set_model(ModelMetadata(labels=LABELS, name="old"), None)

    assert not view.curves.is_showing_chart()
    assert "no training history stored" in view.curves.message()
    assert not view.confusion.is_showing_chart()
    assert "no evaluation stored" in view.evaluation_label.text()
    assert view.report_model.rowCount() == 0
    assert not view.copy_text_button.isEnabled()
    assert not view.curves.save_button.isEnabled()


def test_a_combined_model_names_its_networks_where_its_curves_would_be(view):
    # the bundled model is two networks combined after training: "no training history stored,
    # models trained in this app keep it" was wrong for it
    members = [
        {"name": "a", "architecture": "airbench (large)", "weight": 0.5, "test_accuracy": 0.9173},
        {"name": "b", "architecture": "efficientnet-lite0", "weight": 0.5, "test_accuracy": 0.926},
    ]
    cascade = {"layer": "a_ensemble_scale", "scale": 2.0, "above": 0.98}
    view.set_model(
        metadata(
            name="bundled",
            history=(),
            stages=(),
            provenance={"ensemble": members},
            cascade=cascade,
            open_set={"imagenet_threshold": 0.958},
        ),
        None,
    )
    message = view.curves.message()
    assert not view.curves.is_showing_chart()
    assert "combines networks trained separately" in message and "no training history stored" not in message
    assert "airbench (large): test accuracy 91.7%, weight 0.50" in message
    assert "efficientnet-lite0: test accuracy 92.6%" in message
    assert "Where the first is at least 98.0% sure, it answers alone" in message
    assert "also shown to the ImageNet classifier at 224 px: its opinion weighs the answer" in message
    assert view.confusion.is_showing_chart()  # its own evaluation is still shown

    view.set_model(metadata(name="both", history=(), stages=(), provenance={"ensemble": members}), None)
    assert "answers alone" not in view.curves.message()
    assert "ImageNet classifier" not in view.curves.message()


def test_a_combined_model_with_odd_member_records_still_shows_what_it_can(view):
    # provenance is free-form JSON from the file: a model made elsewhere may hold anything there
    members = [{"architecture": "a", "weight": None, "test_accuracy": "high"}, "not a record", 7]
    view.set_model(metadata(name="odd", history=(), stages=(), provenance={"ensemble": members}), None)
    assert "a: test accuracy –, weight –" in view.curves.message()
    assert view.confusion.is_showing_chart()


# ---------------------------------------------------------------- confusion matrix and report


def test_confusion_matrix_shows_the_stored_counts_and_row_shares(view):
    meta = metadata()
    view.set_model(meta, None)
    chart = view.confusion
    counts = np.array(meta.evaluation["confusion"])

    assert chart.labels() == LABELS
    np.testing.assert_array_equal(chart.image_values(), counts)
    assert chart.cell_texts()[3][3] == str(counts[3, 3])

    chart.normalized_check.setChecked(True)

    shares = counts / counts.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(chart.image_values(), shares)
    assert chart.cell_texts()[3][3] == f"{shares[3, 3]:.0%}"
    chart.set_normalized(False)
    np.testing.assert_array_equal(chart.image_values(), counts)


def test_confusion_matrix_row_shares_of_an_empty_row_are_zero(qtbot):
    chart = ConfusionMatrixChart()
    qtbot.addWidget(chart)
    chart.set_matrix(("a", "b"), [[3, 1], [0, 0]])
    chart.set_normalized(True)
    np.testing.assert_allclose(chart.displayed_values(), [[0.75, 0.25], [0.0, 0.0]])


def test_a_prepared_confusion_matrix_keeps_its_message_then_shows_the_values_in_the_same_cells(qtbot):
    chart = ConfusionMatrixChart()
    qtbot.addWidget(chart)
    chart.show_message("The held-out evaluation appears here when training ends.")
    chart.prepare(("a", "b", "c"))
    assert chart.message() == "The held-out evaluation appears here when training ends."
    cells = [text for row in chart._texts for text in row]

    chart.set_matrix(("a", "b", "c"), [[5, 1, 0], [0, 6, 1], [2, 0, 4]])

    assert chart.is_showing_chart()
    assert [text for row in chart._texts for text in row] == cells  # values updated, nothing rebuilt
    assert chart.cell_texts() == [["5", "1", "0"], ["0", "6", "1"], ["2", "0", "4"]]
    chart.set_matrix(("x", "y"), [[1, 0], [0, 1]])  # other classes: built anew
    assert chart.cell_texts() == [["1", "0"], ["0", "1"]]


def test_report_table_has_a_row_per_class_then_accuracy_and_macro_average(view, qtbot):
    meta = metadata()
    view.set_model(meta, None)
    model = view.report_model
    expected = Evaluation.from_dict(meta.evaluation)

    assert model.rowCount() == len(LABELS) + 2
    cat = [model.index(3, c).data() for c in range(5)]
    report = expected.per_class[3]
    assert cat == ["cat", f"{report.precision:.3f}", f"{report.recall:.3f}", f"{report.f1:.3f}", str(report.support)]
    assert model.index(len(LABELS), 0).data() == "accuracy"
    assert model.index(len(LABELS), 3).data() == f"{expected.accuracy:.3f}"
    assert model.index(len(LABELS) + 1, 0).data() == "macro avg"
    assert model.index(len(LABELS) + 1, 3).data() == f"{expected.macro_f1:.3f}"

    with qtbot.waitSignal(view.sig_report_copied):
        view.copy_csv_button.click()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == expected.report_csv()
    view.copy_text_button.click()
    assert QGuiApplication.clipboard().text() == expected.report_text()


def test_validation_is_shown_when_no_test_evaluation_was_stored(view):
    validation = evaluation_dict(seed=3, n=50)
    view.set_model(metadata(evaluation=None, validation=validation), None)

    assert "validation images" in view.evaluation_label.text()
    np.testing.assert_array_equal(view.confusion.image_values(), validation["confusion"])


# ---------------------------------------------------------------- comparison and saving


def test_comparison_chart_has_a_bar_per_model_and_highlights_the_active_one(view):
    view.set_model(metadata(), None)
    view.set_known_models([("bundled", 0.94), ("trained-here", 0.81), ("opened.h5", None)])

    assert view.comparison.bar_values() == [("bundled", 0.94), ("trained-here", 0.81), ("opened.h5", 0.0)]
    assert view.comparison.highlighted() == ["trained-here"]


def test_save_as_of_a_chart_writes_a_png(view, tmp_path, monkeypatch):
    view.set_model(metadata(), None)
    target = tmp_path / "curves"  # the suffix is added
    monkeypatch.setattr(
        chart_widget.QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), "PNG image (*.png)")
    )

    view.curves.save_png_action.trigger()

    written = tmp_path / "curves.png"
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["curves.png"]  # no temp file left


def test_save_as_svg(view, tmp_path):
    view.set_model(metadata(), None)
    path = view.confusion.save_image(tmp_path / "matrix.svg")
    assert b"<svg" in path.read_bytes()[:500]


# ---------------------------------------------------------------- a real model file and its summary


def test_a_tiny_model_file_shows_its_history_matrix_and_summary(view, tiny_model_path):
    from infinityvision_desktop.core.modelfile import load_model_file
    from infinityvision_desktop.core.summary import summarize

    meta = read_metadata(tiny_model_path)
    summary = summarize(load_model_file(tiny_model_path).model, tiny_model_path)

    view.set_model(meta, str(tiny_model_path), summary)

    x, y = view.curves.line_data("val_accuracy")
    np.testing.assert_array_equal(x, [h["epoch"] for h in meta.history])
    np.testing.assert_allclose(y, [h["val_accuracy"] for h in meta.history])
    np.testing.assert_array_equal(view.confusion.image_values(), meta.evaluation["confusion"])
    assert summary.total_parameters == summary.trainable_parameters + summary.frozen_parameters > 0
    assert summary.input_size == (32, 32)
    assert summary.file_bytes == tiny_model_path.stat().st_size
    assert view.layer_model.rowCount() == len(summary.layers)
    assert f"{summary.total_parameters:,} parameters" in view.summary_label.text()
    names = [view.layer_model.index(row, 0).data() for row in range(view.layer_model.rowCount())]
    assert "head_dense" in names


@OFFSCREEN_NOISE
def test_live_epochs_are_blitted_and_a_full_redraw_only_when_the_axes_must_grow(qtbot):
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    curves.resize(700, 400)
    curves.set_history([], STAGES, loss_limit=3.0)
    curves.show()
    qtbot.waitExposed(curves)
    qtbot.waitUntil(lambda: curves._blitter.has_picture())  # the first full redraw, once shown
    full_redraws = []
    draw = curves.canvas.draw
    curves.canvas.draw = lambda: (full_redraws.append(1), draw())

    for item in HISTORY:
        curves.append_epoch(item)
    qtbot.wait(50)

    assert full_redraws == []  # the lines were blitted over the cached axes
    curves.append_epoch(epoch(6, "fine-tune", 4.5, 0.5, 4.0, 0.5, 4, 4))  # a loss above the axis
    qtbot.waitUntil(lambda: len(full_redraws) == 1)
    assert curves._loss_axes.get_ylim()[1] == pytest.approx(4.5 * 1.3)


@OFFSCREEN_NOISE
def test_a_hidden_chart_does_not_draw_until_it_is_shown(qtbot):
    # A chart behind a message or in another tab would spend 60-160 ms of GUI time per draw for nothing.
    curves = TrainingCurves()
    qtbot.addWidget(curves)
    curves.resize(700, 400)
    curves.set_history(HISTORY, STAGES)
    draws = []
    draw = curves.canvas.draw
    curves.canvas.draw = lambda: (draws.append(1), draw())
    curves.canvas.draw_idle()
    curves.resize(720, 420)
    qtbot.wait(50)
    assert draws == []

    curves.show()
    qtbot.waitExposed(curves)
    qtbot.waitUntil(lambda: len(draws) >= 1)
    assert curves._blitter.has_picture()  # drawn in full, with the lines of the history


@OFFSCREEN_NOISE
def test_the_window_compares_the_bundled_model_the_users_models_and_the_active_one(
    make_window, tiny_model_path, tmp_path, monkeypatch, qtbot
):
    from infinityvision_desktop import paths
    from infinityvision_desktop.core.modelfile import read_metadata

    user_models = paths.user_data_dir() / "models"
    user_models.mkdir(parents=True, exist_ok=True)
    (user_models / "broken.h5").write_bytes(b"not a model")  # unreadable: left out, not an error
    window = make_window(tiny_model_path)
    bundled = read_metadata(paths.bundled_model_path())
    active = read_metadata(tiny_model_path)

    def listed():
        return dict(window.model_view.comparison.bar_values())

    qtbot.waitUntil(lambda: len(listed()) == 2, timeout=10_000)
    assert listed() == {
        bundled.name: pytest.approx(bundled.test_accuracy),
        active.name or tiny_model_path.stem: pytest.approx(active.test_accuracy or 0.0),
    }


@OFFSCREEN_NOISE
def test_a_scan_of_the_known_models_that_ends_after_a_newer_one_is_not_shown(
    make_window, tiny_model_path, monkeypatch, qtbot
):
    import threading

    from infinityvision_desktop.gui import known_models
    from infinityvision_desktop.gui.workers import running_handles

    window = make_window(tiny_model_path)
    qtbot.waitUntil(lambda: len(window.model_view.comparison.bar_values()) == 2, timeout=10_000)
    shown = dict(window.model_view.comparison.bar_values())
    # A first scan is slow (a model file on a slow disk) and, when it ends, out of date (it lists a
    # model since deleted); a second one, started after the change, ends first.
    slow_released = threading.Event()
    original = known_models.KnownModelsWorker.work
    first_scan = window.known_models.scan + 1

    def work(self):
        if self._scan != first_scan:
            return original(self)
        slow_released.wait(10)
        self.sig_known.emit(self._scan, [("deleted since", 0.5)])

    monkeypatch.setattr(known_models.KnownModelsWorker, "work", work)
    window.known_models.refresh()
    window.known_models.refresh()
    qtbot.waitUntil(lambda: sum(h.name == "known-models" for h in running_handles()) == 1, timeout=10_000)
    slow_released.set()
    qtbot.waitUntil(lambda: not any(h.name == "known-models" for h in running_handles()), timeout=10_000)
    qtbot.wait(100)  # a late list would be delivered by now
    assert dict(window.model_view.comparison.bar_values()) == shown
