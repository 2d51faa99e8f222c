"""Model > Export Model…: the export runs in the background and says what it wrote, or why not."""

from __future__ import annotations

import json

import pytest
from gui_helpers import CLASS_COLOURS, OFFSCREEN_NOISE, WORK_TIMEOUT_MS, make_class_folders

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]


def test_export_tflite_with_a_sample_writes_the_model_and_json_and_reports_agreement(window, qtbot, tmp_path):
    dialog = window.features.open_export_dialog()
    assert dialog.isVisible() and dialog.format() == "keras"
    assert dialog.path_edit.text().endswith("tiny.keras")
    dialog.set_format("tflite")
    assert dialog.path_edit.text().endswith("tiny.tflite") and dialog.sample_edit.isEnabled()
    out = tmp_path / "exports" / "tiny.tflite"
    dialog.path_edit.setText(str(out))
    dialog.sample_edit.setText(str(make_class_folders(tmp_path / "sample", labels=tuple(CLASS_COLOURS), per_class=5)))

    with qtbot.waitSignal(dialog.sig_exported, timeout=WORK_TIMEOUT_MS) as done:
        dialog.export_button.click()
        assert not dialog.export_button.isEnabled()  # one export at a time; the window stays usable

    result = done.args[0]
    assert out.is_file() and json.loads((tmp_path / "exports" / "tiny.tflite.json").read_text())["labels"] == list(
        CLASS_COLOURS
    )
    text = dialog.status_label.text()
    assert text.startswith(f"Wrote {out} (") and "tiny.tflite.json" in text
    assert f"agrees with the Keras model's on {result.agreement:.1%} of 20 sample images" in text
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=WORK_TIMEOUT_MS)


def test_int8_without_a_sample_is_refused_before_starting(window):
    dialog = window.features.open_export_dialog()
    dialog.set_format("tflite-int8")
    assert dialog.path_edit.text().endswith("tiny-int8.tflite")
    dialog.sample_edit.clear()
    dialog.export_button.click()
    assert not dialog.is_exporting()
    assert dialog.status_label.text() == "int8 needs sample images: choose a folder of typical images to calibrate on."


def test_an_export_that_fails_names_the_file_and_the_reason(window, qtbot, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    dialog = window.features.open_export_dialog()
    dialog.path_edit.setText(str(blocker / "tiny.keras"))
    with qtbot.waitSignal(dialog.sig_failed, timeout=WORK_TIMEOUT_MS) as failed:
        dialog.export_button.click()
    assert failed.args[0].startswith("tiny.keras: the folder cannot be created")
    assert dialog.status_label.text() == f"Export failed: {failed.args[0]}"
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=WORK_TIMEOUT_MS)


def test_a_tflite_export_can_be_cancelled(window, qtbot, tmp_path):
    dialog = window.features.open_export_dialog()
    dialog.set_format("tflite-int8")
    out = tmp_path / "tiny-int8.tflite"
    dialog.path_edit.setText(str(out))
    dialog.sample_edit.setText(str(make_class_folders(tmp_path / "sample", labels=tuple(CLASS_COLOURS), per_class=5)))
    dialog.export_button.click()
    assert dialog.cancel_button.isVisible()
    with qtbot.waitSignal(dialog.sig_cancelled, timeout=WORK_TIMEOUT_MS):
        dialog.cancel_button.click()
    assert dialog.status_label.text() == "Export cancelled."
    qtbot.waitUntil(lambda: not dialog.is_exporting(), timeout=WORK_TIMEOUT_MS)
    assert not out.exists() and not list(tmp_path.glob(".tiny*"))
