"""Settings that persist and the Preferences dialog: what a user changes is kept, and takes effect
at once (language, theme, the "not sure" threshold, the History options)."""

from __future__ import annotations

import os

import pytest
from gui_helpers import OFFSCREEN_NOISE, WORK_TIMEOUT_MS, write_images
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialogButtonBox

from infinityvision_desktop.gui import app as app_module
from infinityvision_desktop.gui import main_window as main_window_module
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.settings import Settings
from infinityvision_desktop.gui.widgets.results_table import Column, RowState

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]


def classify(window, qtbot, dropper, tmp_path, count=4):
    paths = write_images(tmp_path / "photos", count)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    return paths


def open_preferences(window):
    window.preferences_action.trigger()
    return window.preferences_dialog


def choose(combo, value) -> None:
    combo.setCurrentIndex(combo.findData(value))


# ---------------------------------------------------------------- persistence


def test_window_size_and_splitters_come_back_at_the_next_start(make_window, tmp_path, qtbot):
    first = make_window(tmp_path / "no-model.h5", wait=False)
    first.classify_image(QImage(64, 48, QImage.Format.Format_RGB32))  # a row: the answer panel is shown
    first.resize(770, 560)  # within the offscreen screen's 800x600: restoreGeometry() keeps windows on screen
    first.main_splitter.setSizes([400, 200])
    first.top_splitter.setSizes([300, 600])
    qtbot.wait(20)
    sizes = first.main_splitter.sizes(), first.top_splitter.sizes()
    first.close()

    second = make_window(tmp_path / "no-model.h5", wait=False)
    second.classify_image(QImage(64, 48, QImage.Format.Format_RGB32))
    qtbot.waitUntil(lambda: second.top_splitter.sizes()[1] > 0, timeout=5_000)
    assert (second.width(), second.height()) == (770, 560)
    assert (second.main_splitter.sizes(), second.top_splitter.sizes()) == sizes


def test_exports_open_where_the_last_export_was_saved(window, qtbot, dropper, tmp_path, monkeypatch, settings):
    classify(window, qtbot, dropper, tmp_path, count=2)
    asked = []
    targets = iter([tmp_path / "reports" / "first.csv", tmp_path / "reports" / "second.csv"])
    (tmp_path / "reports").mkdir()

    def fake_dialog(parent, caption, start, filters):
        asked.append(start)
        return str(next(targets)), filters

    monkeypatch.setattr(main_window_module.QFileDialog, "getSaveFileName", fake_dialog)
    window.export_action.trigger()
    window.export_action.trigger()
    assert os.path.dirname(asked[0]) != str(tmp_path / "reports")  # nothing exported there yet
    assert os.path.dirname(asked[1]) == str(tmp_path / "reports")
    assert settings.last_save_folder == str(tmp_path / "reports")


def test_the_active_model_is_used_again_at_the_next_start(window, tiny_model_path, settings, monkeypatch):
    assert settings.active_model == str(tiny_model_path)
    monkeypatch.delenv(app_module.MODEL_ENV, raising=False)
    assert app_module.resolve_model_path(None, settings) == tiny_model_path
    assert app_module.resolve_model_path("other.h5", settings).name == "other.h5"  # --model still wins
    os.rename(tiny_model_path, tiny_model_path.with_suffix(".moved"))
    try:  # the file is gone: the bundled model, not an error
        assert app_module.resolve_model_path(None, settings) == app_module.paths.bundled_model_path()
    finally:
        os.rename(tiny_model_path.with_suffix(".moved"), tiny_model_path)


def test_settings_read_back_only_values_that_make_sense(tmp_path):
    store = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings = Settings(store)
    assert (settings.language, settings.theme, settings.not_sure_threshold) == ("system", "system", None)
    store.setValue("appearance/language", "fr")
    store.setValue("appearance/theme", "purple")
    store.setValue("classify/not_sure_override", True)
    store.setValue("classify/not_sure_threshold", "2.5")
    store.setValue("model/active", str(tmp_path / "gone.h5"))
    assert (settings.language, settings.theme, settings.not_sure_threshold) == ("system", "system", 0.99)
    assert settings.active_model == ""
    settings.not_sure_threshold = None
    assert settings.not_sure_threshold is None


# ---------------------------------------------------------------- the Preferences dialog


def test_preferences_switch_language_and_theme_at_once_and_keep_them(window, qtbot, settings):
    dialog = open_preferences(window)
    assert dialog.isVisible() and dialog.windowTitle() == "Preferences"
    choose(dialog.language_combo, "uk")
    choose(dialog.theme_combo, "dark")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Apply), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.file_menu.title() == "&Файл", timeout=5_000)
    qtbot.waitUntil(lambda: dialog.windowTitle() == "Налаштування", timeout=5_000)  # the dialog itself too
    assert theme.is_dark(window.palette())
    assert (settings.language, settings.theme) == ("uk", "dark")
    assert window.chart.colours()["background"] == window.palette().color(window.backgroundRole()).name()

    choose(dialog.language_combo, "en")
    choose(dialog.theme_combo, "light")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.file_menu.title() == "&File", timeout=5_000)
    assert not dialog.isVisible() and not theme.is_dark(window.palette())
    assert (settings.language, settings.theme) == ("en", "light")


def test_cancel_leaves_the_settings_as_they_were(window, settings):
    dialog = open_preferences(window)
    choose(dialog.language_combo, "uk")
    dialog.threshold_check.setChecked(True)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert (settings.language, settings.not_sure_threshold) == ("system", None)
    assert window.file_menu.title() == "&File"
    open_preferences(window)  # shown again: the stored values, not the abandoned ones
    assert dialog.language_combo.currentData() == "system" and not dialog.threshold_check.isChecked()


def test_a_threshold_of_ones_own_judges_every_answer_again_at_once(window, qtbot, dropper, tmp_path, settings):
    classify(window, qtbot, dropper, tmp_path)
    rows = window.results_model.rows()
    assert not any(row.prediction.not_sure for row in rows)  # the tiny model is sure of its colours
    dialog = open_preferences(window)
    assert f"{round(window.active_metadata.not_sure_threshold * 100)}%" in dialog.threshold_note.text()
    dialog.threshold_check.setChecked(True)
    dialog.threshold_spin.setValue(99)
    dialog.apply()
    assert settings.not_sure_threshold == pytest.approx(0.99)
    doubtful = [row for row in rows if row.prediction.confidence < 0.99]
    assert doubtful, "some answers must be below 99% for this test to mean anything"
    for row in doubtful:
        assert window.results_model.index_of(row.key, Column.STATUS).data() == "Not sure"
    window.results_table.select_key(doubtful[0].key)
    assert window.answer_label.text().startswith("Not sure: looks most like ")

    more = write_images(tmp_path / "more", 2, seed=9)  # new answers are judged the same way
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, more)
    new_rows = window.results_model.rows()[-2:]
    assert all(row.prediction.not_sure == (row.prediction.confidence < 0.99) for row in new_rows)

    dialog.threshold_check.setChecked(False)
    dialog.apply()
    assert settings.not_sure_threshold is None
    assert not any(row.prediction.not_sure for row in window.results_model.rows() if row.state == RowState.DONE)


def test_history_options_in_preferences_reach_the_history_tab(window, settings):
    dialog = open_preferences(window)
    dialog.record_check.setChecked(False)
    dialog.forget_spin.setValue(30)
    dialog.apply()
    view = window.history_view
    assert not view.record_check.isChecked() and not view.is_recording
    assert view.forget_spin.value() == 30
    assert (settings.history_enabled, settings.history_forget_days) == (False, 30)
    view.record_check.setChecked(True)  # and back: the dialog shows what the tab set
    open_preferences(window)
    assert dialog.record_check.isChecked()


def test_preferences_has_the_standard_key_and_an_edit_menu_entry(window):
    assert window.preferences_action in window.edit_menu.actions()
    assert not window.preferences_action.shortcut().isEmpty()
