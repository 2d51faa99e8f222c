"""Fixtures for the GUI tests: isolated settings, a window on the tiny model, drops as real events,
and a check that no test leaves a worker thread running."""

from __future__ import annotations

import pytest
from gui_helpers import MODEL_TIMEOUT_MS, Dropper
from PySide6.QtCore import QSettings

from infinityvision_desktop.gui import i18n, theme, workers
from infinityvision_desktop.gui.main_window import MainWindow, ModelState
from infinityvision_desktop.gui.settings import Settings


@pytest.fixture(autouse=True)
def _no_thread_left_running():
    """Fail a test that leaves a worker thread running (the napari/superqt conftest habit)."""
    yield
    leftover = workers.running_handles()
    for handle in leftover:
        handle.stop(5000)  # so one leak does not spill into the next test
    assert not leftover, f"test left worker threads running: {[h.name for h in leftover]}"


@pytest.fixture(autouse=True)
def _english_light_interface(qapp):
    """Every test starts in English with the system theme, as the app does on an English desktop.

    The app always installs its translators (English included: its .qm holds the plural forms,
    "1 entry" / "2 entries"); a test that switches the language or the theme is put back here.
    """
    if i18n.current_language() != "en" or not i18n.installed():
        i18n.install("en", qapp)
    if theme.current_theme() != "system":
        theme.apply("system", qapp)
    yield
    if i18n.current_language() != "en":
        i18n.install("en", qapp)
    if theme.current_theme() != "system":
        theme.apply("system", qapp)


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path_factory):
    """Any QSettings the app makes on its own lands in a temporary folder, not the user's."""
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    yield


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def make_window(qtbot, settings):
    """make_window(model_path, wait=True): a shown MainWindow, by default with its model loaded.

    The windows are held here and closed at teardown: qtbot only keeps weak references, and a
    window collected without being closed would never stop its worker thread.
    """
    made: list[MainWindow] = []

    def make(model_path, *, wait: bool = True) -> MainWindow:
        window = MainWindow(model_path=model_path, settings=settings)
        qtbot.addWidget(window)
        made.append(window)
        if wait:
            with qtbot.waitSignal(window.sig_model_ready, timeout=MODEL_TIMEOUT_MS):
                window.show()
            assert window.model_state == ModelState.READY
        else:
            window.show()
            qtbot.waitUntil(lambda: window.background_started, timeout=10_000)
        return window

    yield make
    for window in made:
        window.close()


@pytest.fixture
def window(make_window, tiny_model_path) -> MainWindow:
    return make_window(tiny_model_path)


@pytest.fixture
def dropper() -> Dropper:
    return Dropper()


@pytest.fixture(scope="session")
def reference_predictor(tiny_model_path):
    """The tiny model loaded directly, to check the window shows exactly what the predictor says."""
    from infinityvision_desktop.core.predictor import Predictor

    return Predictor.load(tiny_model_path)
