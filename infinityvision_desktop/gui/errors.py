"""Unexpected errors: one dialog with the details and a Copy button, and the hooks that feed it.

`install_crash_hooks()` routes `sys.excepthook` (which PySide6 also calls for exceptions raised
in slots and virtual methods) and `threading.excepthook` through the log and into a single
`ErrorDialog`: a burst of errors adds to the open dialog instead of stacking up new ones.
Errors a user can cause (an unreadable photo, a bad model file) never come here; they are
shown where they happen.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


class ErrorDialog(QDialog):
    """Says something went wrong, shows the details, and copies them for a bug report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(560)
        self._count = 0
        self._first_message = ""

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setMinimumHeight(220)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("InfinityVision: unexpected error"))
        self.copy_button.setText(self.tr("Copy Details"))
        self.details.setAccessibleName(self.tr("Error details"))
        if self._count == 1:
            self.summary.setText(
                self.tr(
                    "Something went wrong that should not have: {0}\n\n"
                    "The app may keep working. The details below are also in the log file."
                ).format(self._first_message)
            )
        elif self._count > 1:
            self.summary.setText(
                self.tr("%n unexpected error(s) occurred; the details of each are below.", "", self._count)
            )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()

    def add_error(self, message: str, details: str) -> None:
        self._count += 1
        if self._count == 1:
            self._first_message = message
        self.retranslate_ui()
        separator = "\n" + "-" * 60 + "\n" if self.details.toPlainText() else ""
        self.details.setPlainText(self.details.toPlainText() + separator + details.rstrip())

    def error_count(self) -> int:
        return self._count

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


class CrashReporter(QObject):
    """Receives errors from any thread and shows them in one dialog on the GUI thread."""

    sig_error = Signal(str, str)
    """An unexpected error: message and details. May be emitted from any thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialog: ErrorDialog | None = None
        # The reporter lives on the GUI thread, so emits from other threads are queued to it.
        self.sig_error.connect(self._on_error)

    def report(self, message: str, details: str) -> None:
        """Thread-safe: log now, show on the GUI thread."""
        log.error("unexpected error: %s\n%s", message, details)
        self.sig_error.emit(message, details)

    @Slot(str, str)
    def _on_error(self, message: str, details: str) -> None:
        if self.dialog is None:
            parent = QApplication.activeWindow()
            self.dialog = ErrorDialog(parent)
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog.destroyed.connect(self._on_dialog_destroyed)
        self.dialog.add_error(message, details)
        self.dialog.show()
        self.dialog.raise_()

    @Slot()
    def _on_dialog_destroyed(self) -> None:
        self.dialog = None


def format_exception(exc_type, exc_value, exc_traceback) -> tuple[str, str]:
    message = f"{exc_type.__name__}: {exc_value}"
    details = "".join(traceback.format_exception(exc_type, exc_value, exc_traceback))
    return message, details


def install_crash_hooks() -> CrashReporter:
    """Send uncaught exceptions of every thread to the app's reporter (and the log). Call on the GUI thread."""
    target = reporter()

    def excepthook(exc_type, exc_value, exc_traceback):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc_value, exc_traceback)
            return
        target.report(*format_exception(exc_type, exc_value, exc_traceback))

    def thread_excepthook(args: threading.ExceptHookArgs):
        if args.exc_type is SystemExit:
            return
        message, details = format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        name = args.thread.name if args.thread is not None else "?"
        target.report(message, f"in thread {name}\n{details}")

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    return target


_reporter: CrashReporter | None = None


def reporter() -> CrashReporter:
    """The app's one reporter (created on first use, on the GUI thread)."""
    global _reporter
    if _reporter is None:
        _reporter = CrashReporter(QApplication.instance())
    return _reporter


def report(message: str, details: str) -> None:
    """Log an unexpected error and show it in the error dialog. Thread-safe once reporter() exists."""
    reporter().report(message, details)
