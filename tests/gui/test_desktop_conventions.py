"""The conventions of a desktop app: standard keys, a tool bar with icons and tips, About and Help,
and every control reachable from the keyboard with a name a screen reader can say."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from gui_helpers import MODEL_TIMEOUT_MS, OFFSCREEN_NOISE, WORK_TIMEOUT_MS, open_feature_views, write_images
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QToolBar, QWidget
from ui_walk import all_widgets, controls, spoken_name

from infinityvision_desktop.gui.main_window import FALLBACK_SHORTCUTS

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]

KEYS = QKeySequence.StandardKey


def expected_keys(key) -> list[QKeySequence]:
    return QKeySequence.keyBindings(key) or [QKeySequence(FALLBACK_SHORTCUTS[key])]


# ---------------------------------------------------------------- keys, tool bar, menus


@pytest.mark.parametrize(
    "action, key",
    [
        ("open_action", KEYS.Open),
        ("paste_action", KEYS.Paste),
        ("export_action", KEYS.Save),
        ("quit_action", KEYS.Quit),
        ("preferences_action", KEYS.Preferences),
        ("help_action", KEYS.HelpContents),
    ],
)
def test_actions_answer_the_platforms_standard_keys(window, action, key):
    assert getattr(window, action).shortcuts() == expected_keys(key)
    assert not getattr(window, action).shortcut().isEmpty()


def press(window, qtbot, sequence: QKeySequence) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    combination = sequence[0]
    qtbot.keyClick(window, combination.key(), combination.keyboardModifiers())


def test_f1_opens_the_help_and_the_preferences_key_opens_preferences(window, qtbot):
    press(window, qtbot, window.help_action.shortcut())
    qtbot.waitUntil(lambda: window.help_dialog is not None and window.help_dialog.isVisible(), timeout=5_000)
    text = window.help_dialog.browser.toPlainText()
    for action in (window.open_action, window.paste_action, window.export_action, window.preferences_action):
        assert action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) in text
    window.help_dialog.close()
    press(window, qtbot, window.preferences_action.shortcut())
    qtbot.waitUntil(
        lambda: window.preferences_dialog is not None and window.preferences_dialog.isVisible(), timeout=5_000
    )


def test_the_tool_bar_has_icons_and_tips_that_name_the_keys(window):
    toolbar = window.findChild(QToolBar, "main_toolbar")
    assert toolbar is not None and toolbar.isVisible()
    actions = [action for action in toolbar.actions() if not action.isSeparator()]
    assert len(actions) >= 7
    for action in actions:
        assert not action.icon().isNull(), action.text()
        assert action.statusTip(), action.text()
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if key:
            assert action.toolTip().endswith(f"({key})"), action.toolTip()
        button = toolbar.widgetForAction(action)
        assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon and button.text()


def test_every_menu_entry_has_a_status_tip(window):
    window.recent_menu.aboutToShow.emit()
    missing = []
    for menu in (window.file_menu, window.edit_menu, window.model_menu, window.help_menu):
        for action in menu.actions():
            if not action.isSeparator() and action.menu() is None and not action.statusTip():
                missing.append(action.text())
    assert not missing


# ---------------------------------------------------------------- About


def installed_version(*names: str) -> str:
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return ""


def test_about_shows_the_versions_and_where_the_model_comes_from(window, qtbot):
    window.about_action.trigger()
    about = window.about_dialog
    assert about.isVisible() and about.windowTitle() == "About InfinityVision"
    versions = about.versions()
    assert versions["TensorFlow"] == installed_version("tensorflow", "tensorflow-cpu") != ""
    assert versions["Keras"] == installed_version("keras") != ""
    assert versions["Qt"] == qVersion()
    assert about.version_labels["TensorFlow"].text() == versions["TensorFlow"]
    rows = about.model_rows()
    meta = window.active_metadata
    assert rows["Name:"] == meta.name and rows["File:"] == window.active_model_path
    assert rows["Architecture:"] == meta.architecture
    assert rows["Test accuracy:"] == f"{meta.test_accuracy:.2%} on the test split"
    assert rows["Trained by:"].startswith("infinityvision train --data ")
    assert "--arch airbench" in rows["Trained by:"]
    assert rows["Date trained:"][:4].isdigit()


ABOUT_PROBE = r"""
import json, sys
from PySide6.QtCore import QSettings
from infinityvision_desktop.gui.app import create_application
from infinityvision_desktop.gui.main_window import MainWindow
from infinityvision_desktop.gui.settings import Settings
app = create_application()
window = MainWindow(model_path=None, settings=Settings(QSettings(sys.argv[1], QSettings.Format.IniFormat)))
window.about_action.trigger()
app.processEvents()
print(json.dumps({"shown": window.about_dialog.isVisible(), "tensorflow": window.about_dialog.versions()["TensorFlow"],
                  "imported": sorted(m for m in ("tensorflow", "keras") if m in sys.modules)}))
window.close()
"""


def test_about_reads_the_versions_without_importing_tensorflow(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", ABOUT_PROBE, str(tmp_path / "s.ini")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["shown"] and report["tensorflow"] and report["imported"] == []


# ---------------------------------------------------------------- keyboard and screen readers


def open_everything(window, qtbot, dropper, tmp_path) -> list[QWidget]:
    paths = write_images(tmp_path / "photos", 3)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    qtbot.waitUntil(lambda: window.active_summary is not None, timeout=MODEL_TIMEOUT_MS)
    window.training_dialog or window.train_action.trigger()
    window.training_dialog.advanced_button.setChecked(True)
    for action in (window.preferences_action, window.about_action, window.help_action):
        action.trigger()
    feature_windows = open_feature_views(window, qtbot, tmp_path)  # Evaluation tab, heatmap, Export Model
    return [
        window,
        window.training_dialog,
        window.preferences_dialog,
        window.about_dialog,
        window.help_dialog,
        *feature_windows,
    ]


def exempt(widget: QWidget) -> bool:
    # The main tool bar's buttons stay out of the Tab order as in any Qt tool bar: every one of its
    # actions is in a menu too (Alt + letter, or F10), most with a key of their own.
    parent = widget.parentWidget()
    return isinstance(parent, QToolBar) and parent.objectName() == "main_toolbar"


def test_every_control_has_a_name_a_screen_reader_can_say(window, qtbot, dropper, tmp_path):
    windows = open_everything(window, qtbot, dropper, tmp_path)
    widgets = all_widgets(windows)
    found = [control for control in controls(windows) if not exempt(control)]
    assert len(found) > 60
    nameless = [
        f"{type(c).__name__} {c.objectName()!r} in {type(c.window()).__name__}"
        for c in found
        if not spoken_name(c, widgets).replace("&", "").strip()
    ]
    assert not nameless, nameless


def test_every_control_can_be_reached_with_the_tab_key(window, qtbot, dropper, tmp_path):
    windows = open_everything(window, qtbot, dropper, tmp_path)
    unreachable = [
        f"{type(c).__name__} {c.objectName()!r} {spoken_name(c, all_widgets(windows))!r}"
        for c in controls(windows)
        if not exempt(c) and not c.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]
    assert not unreachable, unreachable


def test_tab_walks_through_the_preferences_in_order(window, qtbot):
    window.preferences_action.trigger()
    dialog = window.preferences_dialog
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    dialog.language_combo.setFocus()
    seen = []
    for _ in range(12):
        seen.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    expected = [
        dialog.language_combo,
        dialog.theme_combo,
        dialog.threshold_check,
        dialog.record_check,
        dialog.forget_spin,
    ]
    for widget in expected:
        assert widget in seen, spoken_name(widget, all_widgets([dialog]))
    assert seen.index(dialog.language_combo) < seen.index(dialog.theme_combo) < seen.index(dialog.threshold_check)
