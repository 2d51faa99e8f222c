"""Unexpected errors end in one dialog, with details a user can copy into a bug report."""

from __future__ import annotations

import sys
import threading

import pytest
from gui_helpers import OFFSCREEN_NOISE
from PySide6.QtGui import QGuiApplication

from infinityvision_desktop.gui import errors

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]


@pytest.fixture
def reporter(qtbot):
    reporter = errors.CrashReporter()
    yield reporter
    if reporter.dialog is not None:
        reporter.dialog.close()


def test_errors_from_other_threads_share_one_dialog_with_a_copy_button(reporter, qtbot):
    def fail(n):
        reporter.report(f"ValueError: number {n}", f"Traceback ...\nValueError: number {n}")

    threads = [threading.Thread(target=fail, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.error_count() == 2, timeout=5_000)
    dialog = reporter.dialog
    assert dialog.isVisible()
    assert "2 unexpected errors" in dialog.summary.text()
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "number 1" in copied and "number 2" in copied


def test_crash_hooks_catch_uncaught_exceptions_of_threads(qtbot, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    reporter = errors.install_crash_hooks()

    def crash():
        raise KeyError("lost in a thread")

    thread = threading.Thread(target=crash, name="crashing")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=5_000)
    details = reporter.dialog.details.toPlainText()
    assert "in thread crashing" in details and "KeyError: 'lost in a thread'" in details
    reporter.dialog.close()
