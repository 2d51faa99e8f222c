"""Start the desktop app: streams, fault handler, logging, QApplication, translators, crash hooks,
the main window; then the model loads in the background.

Nothing here imports TensorFlow (or matplotlib): the window is on screen first.

    infinityvision [--model PATH] [--language en|uk] [--theme light|dark|system] [IMAGE_OR_FOLDER ...]
    infinityvision --screenshot OUT.png [--model PATH] [--language uk] [--theme dark] IMAGE ...
        # classify, save the window, exit
"""

from __future__ import annotations

import argparse
import faulthandler
import logging
import logging.handlers
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from infinityvision_desktop import APP_NAME, ORGANIZATION, __version__, paths
from infinityvision_desktop.gui import errors, i18n, theme
from infinityvision_desktop.gui.main_window import MainWindow, ModelState
from infinityvision_desktop.gui.settings import LANGUAGES, SYSTEM, THEMES, Settings
from infinityvision_desktop.gui.widgets.results_table import RowState

log = logging.getLogger("infinityvision_desktop")

MODEL_ENV = "INFINITYVISION_MODEL"
SCREENSHOT_TIMEOUT_S = 300  # a cold TensorFlow start on a busy machine can take a minute
SCREENSHOT_SIZE = (1200, 780)

# Kept for the life of the process: the fault handler writes to this file.
_crash_file = None


def run(argv: Sequence[str]) -> int:
    """The GUI entry point (cli.main calls it when no subcommand is given); returns the exit code."""
    from infinityvision_desktop.gui import preflight

    if preflight.ensure(argv):  # no display, or a library Qt's xcb plugin needs: one line, not Qt's abort
        return 1
    try:
        app, window, options = launch(argv)
    except SystemExit as exc:  # argparse has printed the usage error
        return int(exc.code or 0)
    except Exception as exc:  # noqa: BLE001 - a start-up failure still gets the one error dialog and the log
        return show_start_up_error(exc)
    if options.screenshot:
        return run_screenshot(app, window, Path(options.screenshot))
    if options.startup_probe:
        probe = StartupProbe(app)
        window.sig_painted.connect(probe.on_painted)
    window.show()
    return app.exec()


def launch(argv: Sequence[str]) -> tuple[QApplication, MainWindow, argparse.Namespace]:
    """Everything before the event loop: the window is built (not shown) and its images queued.

    The model loads once the window has been shown and painted. bench/bench_gui.py times this path.
    """
    _ensure_streams()
    options, qt_args = parse_args(argv)
    log_file = setup_logging()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ chatter, for the worker's import
    log.info("InfinityVision %s starting (log: %s)", __version__, log_file)

    remove_stale_temp_files()
    app = create_application(qt_args)
    settings = Settings(_scratch_settings()) if options.screenshot else Settings()
    if options.screenshot:
        settings.history_enabled = False  # a screenshot must not add to the user's history
    # --language and --theme apply to this run only (a screenshot's settings are thrown away anyway)
    i18n.install(options.language or settings.language, app)  # before the first widget is built
    chosen_theme = options.theme or settings.theme
    if chosen_theme != SYSTEM:
        theme.apply(chosen_theme, app)
    errors.install_crash_hooks()

    model_path = resolve_model_path(options.model, settings)
    window = MainWindow(model_path=model_path, settings=settings)
    app.aboutToQuit.connect(window.shutdown)
    if options.images:
        window.classify_paths(options.images)  # they wait in the list until the model is ready
    return app, window, options


def show_start_up_error(exc: Exception) -> int:
    """The app could not start: log it, show the error dialog (details, Copy) until closed; exit code 1."""
    message, details = errors.format_exception(type(exc), exc, exc.__traceback__)
    try:
        setup_logging()  # idempotent: the failure may have come before it
        if QApplication.instance() is None:
            create_application()
        reporter = errors.reporter()
    except Exception:  # noqa: BLE001 - no GUI at all: stderr (and the log, if any) is all there is
        print(details, file=sys.stderr)
        return 1
    reporter.report(message, details)  # logs; on this (the GUI) thread the dialog is built at once
    if reporter.dialog is not None:
        reporter.dialog.exec()
    return 1


def remove_stale_temp_files() -> None:
    """Temp files of saves whose process was killed (power cut, crash) are removed at the next start.

    Only our own folder: a Save As elsewhere leaves its temp file beside the target, named for it.
    """
    from infinityvision_desktop.core.modelfile import clean_stale_temp_files  # Qt- and TensorFlow-free

    try:
        removed = clean_stale_temp_files(paths.user_data_dir() / "models")
    except OSError as exc:
        log.warning("could not look for stale temp files: %s", exc)
        return
    for path in removed:
        log.info("removed %s, left by a save that did not finish", path)


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="infinityvision", description="The InfinityVision desktop app.")
    parser.add_argument(
        "--model", help=f"a .h5/.keras model (default: ${MODEL_ENV}, else the model used last, else the bundled model)"
    )
    parser.add_argument(
        "--screenshot", metavar="PATH", help="classify the given images, save a PNG of the window to PATH and exit"
    )
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        help="the interface language for this run (default: as in Preferences, else the system's)",
    )
    parser.add_argument(
        "--theme",
        choices=(*THEMES, SYSTEM),
        help="light or dark for this run (default: as in Preferences, else the system's)",
    )
    # for bench scripts (frozen and from source): print the wall-clock time of the first paint, exit
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("images", nargs="*", help="image files or folders to classify at start")
    options, rest = parser.parse_known_args(list(argv))
    return options, rest  # the rest is left to Qt (-style, -platform, ...)


def resolve_model_path(given: str | None, settings: Settings | None = None) -> Path:
    """--model, else $INFINITYVISION_MODEL, else the model active when the app last ran (if the file is
    still there), else the model bundled with the app."""
    if given:
        return Path(given)
    from_env = os.environ.get(MODEL_ENV)
    if from_env:
        return Path(from_env)
    if settings is not None and settings.active_model:
        return Path(settings.active_model)
    return paths.bundled_model_path()


def _ensure_streams() -> None:
    # A windowed PyInstaller build has no console: sys.stdout/stderr are None, and any library
    # writing to them (argparse, TensorFlow's absl logging, warnings) would raise.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def setup_logging() -> Path:
    """Log to a rotating file in the user data folder (and to stderr when there is one)."""
    global _crash_file
    try:
        folder = paths.user_data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    log_file = folder / "infinityvision.log"
    root = logging.getLogger()
    if not any(getattr(h, "_infinityvision", False) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
        handler._infinityvision = True
        root.addHandler(handler)
        if sys.stderr is not None and getattr(sys.stderr, "name", "") != os.devnull:
            console = logging.StreamHandler()
            console.setLevel(logging.WARNING)
            console._infinityvision = True
            root.addHandler(console)
        root.setLevel(logging.INFO)
    if _crash_file is None:
        try:
            # Hard crashes (segfaults in native code) leave a Python traceback here.
            _crash_file = open(folder / "crash.log", "a", encoding="utf-8")
            faulthandler.enable(file=_crash_file, all_threads=True)
        except (OSError, ValueError, RuntimeError):
            pass
    return log_file


def create_application(qt_args: Sequence[str] = ()) -> QApplication:
    """The QApplication, with organisation and application names set before anything reads settings."""
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "infinityvision", *qt_args])
    icon = paths.resources_dir() / "icons" / "app.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def _scratch_settings() -> QSettings:
    """Settings that leave the user's alone: a screenshot uses the default layout every time."""
    folder = tempfile.mkdtemp(prefix="infinityvision-screenshot-")
    return QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)


class StartupProbe(QObject):
    """--startup-probe: say when the window was first painted (time.time()), then quit."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app

    @Slot()
    def on_painted(self) -> None:
        print(f"painted {time.time():.6f}", flush=True)
        self.app.quit()


# ---------------------------------------------------------------- --screenshot


class ScreenshotSession(QObject):
    """Waits until every given image has its answer on screen, then saves window.grab()."""

    def __init__(self, app: QApplication, window: MainWindow, path: Path) -> None:
        super().__init__(window)
        self.app, self.window, self.path = app, window, path
        self.exit_code = 1
        self.started = time.monotonic()
        self._poll = QTimer(self)
        self._poll.setInterval(50)
        self._poll.timeout.connect(self._on_poll_timeout)

    def start(self) -> None:
        self._poll.start()

    @Slot()
    def _on_poll_timeout(self) -> None:
        window = self.window
        timed_out = time.monotonic() - self.started > SCREENSHOT_TIMEOUT_S
        settled = (
            window.background_started
            and window.model_state != ModelState.LOADING
            and not window.is_busy()
            and not any(row.state == RowState.QUEUED for row in window.results_model.rows())
            and not window.image_view.is_loading()  # the selected photo itself, not its thumbnail
        )
        if not settled and not timed_out:
            return
        self._poll.stop()
        problems = []
        if timed_out:
            problems.append(f"gave up after {SCREENSHOT_TIMEOUT_S} s waiting for the answers")
        if window.active_metadata is None:
            problems.append("no model could be loaded: " + (window.model_problem or "unknown reason"))
        failed = [row.error for row in window.results_model.rows() if row.state == RowState.FAILED]
        if failed:
            problems.append(f"{len(failed)} image(s) could not be read: " + "; ".join(failed[:5]))
        if window.chart.canvas is not None:
            window.chart.canvas.draw()  # the answer's chart, not a pending idle draw
        self.app.processEvents()
        if not window.grab().save(str(self.path), "PNG"):
            problems.append(f"could not write {self.path}")
        for problem in problems:
            print(f"infinityvision: screenshot: {problem}", file=sys.stderr)
        if not problems:
            print(f"saved {self.path}", file=sys.stderr)
        self.exit_code = 1 if problems else 0
        window.close()
        self.app.quit()


def run_screenshot(app: QApplication, window: MainWindow, path: Path) -> int:
    path = path.expanduser()
    if path.parent and not path.parent.is_dir():
        print(f"infinityvision: screenshot: the folder {path.parent} does not exist", file=sys.stderr)
        return 1
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    session = ScreenshotSession(app, window, path)
    session.start()
    app.exec()
    return session.exit_code
