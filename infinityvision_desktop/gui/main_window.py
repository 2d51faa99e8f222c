"""The main window: menus, tabs and status bar around the classifying session.

The window composes: the session (gui.session: the active model, the "not sure" threshold,
the result rows and the jobs), the Classify view that shows it, the status bar pieces, the
actions (gui.window_actions) and the other tabs and tools, which observe the session too. It
turns what the user does (drops, pastes, menu choices) into calls on the session.

Nothing imported here loads TensorFlow: the model is loaded by the inference worker, in its
own thread, after the window has been painted for the first time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QImage
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QTabWidget, QWidget

from infinityvision_desktop import APP_NAME
from infinityvision_desktop.gui import errors, i18n, theme, workers
from infinityvision_desktop.gui.classify_view import ClassifyView
from infinityvision_desktop.gui.feature_actions import install_features
from infinityvision_desktop.gui.history_model import local_time_text
from infinityvision_desktop.gui.history_view import HistoryView
from infinityvision_desktop.gui.image_input import ImageInput, qimage_to_rgb
from infinityvision_desktop.gui.known_models import KnownModels
from infinityvision_desktop.gui.model_view import ModelView
from infinityvision_desktop.gui.preview_worker import PreviewWorker
from infinityvision_desktop.gui.results_csv import write_results_csv
from infinityvision_desktop.gui.session import ClassifySession, ModelState
from infinityvision_desktop.gui.settings import Settings
from infinityvision_desktop.gui.status_bar import ClassifyStatus
from infinityvision_desktop.gui.teach_actions import install_teach
from infinityvision_desktop.gui.widgets.drop_overlay import DropOverlay
from infinityvision_desktop.gui.window_actions import (
    FALLBACK_SHORTCUTS,
    create_actions,
    create_menus,
    play_icon,
    retranslate_actions,
    shortcut_actions,
)
from infinityvision_desktop.gui.window_commands import WindowCommands
from infinityvision_desktop.gui.workers import InferenceWorker, Worker, WorkerHandle

# QFileDialog and QMessageBox: the dialogs the window's commands open (tests answer them here)
__all__ = ["MainWindow", "ModelState", "FALLBACK_SHORTCUTS", "QFileDialog", "QMessageBox"]

log = logging.getLogger(__name__)


class MainWindow(theme.FollowsLanguageAndPalette, QMainWindow):
    """The app's window. Public hooks for other views: `session`, `tabs`/`add_tab()`, `model_menu`,
    `set_model()`, `start_worker()`, and the signals below."""

    sig_painted = Signal()
    """The window has been painted for the first time; background start-up begins now."""
    sig_model_ready = Signal(str, object)
    """A model became active: its path and its ModelMetadata."""
    sig_model_failed = Signal(str, str)
    """A model could not be loaded: its path and the reason. The previous model, if any, stays active."""
    sig_model_summary = Signal(str, object)
    """Soon after sig_model_ready: the active model's path and its core.summary.ModelSummary."""
    sig_results_shown = Signal()
    """A batch of results is in the table (and in the answer and chart, if the selected image was in it)."""
    sig_work_finished = Signal()
    """Every submitted image is done or cancelled; the progress bar is gone."""

    def __init__(
        self,
        *,
        model_path: str | os.PathLike | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings if settings is not None else Settings()
        self.session = ClassifySession(self._settings, model_path=model_path, parent=self)
        self._interactive_model_path: str | None = None  # opened by the user: a failure gets a message box
        self._handles: list[WorkerHandle] = []
        self._painted = False
        self._closing = False

        create_actions(self)
        create_menus(self)
        self._create_views()
        self._connect_signals()
        self._restore_state()

    # ================================================================ construction

    def _create_views(self) -> None:
        self.setWindowTitle(APP_NAME)
        self.classify_view = ClassifyView(self.session)
        # the Classify view's parts, where the tools and tests reach them
        view = self.classify_view
        self.image_view, self.chart, self.answer_panel = view.image_view, view.chart, view.answer_panel
        self.answer_label, self.detail_label = view.answer_label, view.detail_label
        self.results_model, self.results_table = view.results_model, view.results_table
        self.top_splitter, self.main_splitter = view.top_splitter, view.main_splitter

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabBarAutoHide(True)  # one view needs no tab bar; a second one shows it
        self.tabs.addTab(self.classify_view, "")
        self.setCentralWidget(self.tabs)
        self.history_view = HistoryView(self._settings)  # opens its database in _start_background
        self.add_tab(self.history_view, "")
        self.model_view = ModelView()
        self.model_view.follow(self.session)
        self.add_tab(self.model_view, "")
        self.known_models = KnownModels(self.session, self.model_view, self.start_worker)
        self.drop_overlay = DropOverlay(self.tabs)

        self.status = ClassifyStatus(self.session, self.statusBar())
        self.status_label, self.progress_bar = self.status.status_label, self.status.progress_bar
        self.cancel_button, self.model_label = self.status.cancel_button, self.status.model_label
        self._apply_scheme()
        self.retranslate_ui()  # sets every text; again whenever the language changes

    def retranslate_ui(self) -> None:
        """Set every text in the current language: at construction and on QEvent.LanguageChange."""
        retranslate_actions(self)
        for view, title in (
            (self.classify_view, self.tr("Classify")),
            (self.history_view, self.tr("History")),
            (self.model_view, self.tr("Model")),
        ):
            self.tabs.setTabText(self.tabs.indexOf(view), title)
        self.tabs.setAccessibleName(self.tr("Views"))
        i18n.retranslate_tab_bar(self.tabs)
        if hasattr(self, "features"):  # installed after the first call, from __init__
            self.features.retranslate_ui()
        # the status bar and the Classify view are QObjects and widgets of their own: they follow
        # the language themselves, but the window's change event may come first
        self.status.retranslate_ui()
        self.classify_view.retranslate_ui()

    def _apply_scheme(self) -> None:
        scheme = theme.scheme(self.palette())
        # the style's "play" icon is black, lost on a dark tool bar: a triangle in the accent colour instead
        self.train_action.setIcon(QIcon.fromTheme("system-run", play_icon(scheme.accent)))

    def _connect_signals(self) -> None:
        session = self.session
        self.commands = WindowCommands(self)  # File, Model, Help and Preferences: their dialogs
        self.image_input = ImageInput(self)  # drops and the clipboard
        self.quit_action.triggered.connect(self.close)
        self.paste_action.triggered.connect(self.paste)
        self.remove_action.triggered.connect(self.remove_selected)
        self.clear_action.triggered.connect(self.clear_results)
        self.cancel_action.triggered.connect(self.cancel_classification)
        self.results_table.selectionModel().selectionChanged.connect(self._update_actions)
        self.history_view.sig_open_requested.connect(self.show_history_entry)
        # the window's signals are the session's, for the tools that listen to the window
        session.sig_model_ready.connect(self.sig_model_ready)
        session.sig_model_failed.connect(self.sig_model_failed)
        session.sig_model_summary.connect(self.sig_model_summary)
        session.sig_model_failed.connect(self._on_session_model_failed)
        session.sig_results.connect(self._on_session_results)
        session.sig_rows_added.connect(self._update_actions)
        session.sig_busy_changed.connect(self._on_session_busy_changed)
        session.sig_error.connect(self._on_worker_error)
        # the History records what the session classifies (its writer thread encodes and stores)
        session.sig_results.connect(self._on_session_results_for_history)
        # Heatmaps, Evaluate on Folder, Sort Into Folders, Export: their actions, views and workers.
        # Installed last, so their slots run after the window's own (the preview is in place first).
        self.features = install_features(self)
        # the Teach tab (your own classes in a minute) and "This Is a…" corrections of Classify's answers
        self.teach = install_teach(self, self._settings)

    def _restore_state(self) -> None:
        if not self.restoreGeometry(self._settings.window_geometry):
            self.resize(1200, 780)
        self.restoreState(self._settings.window_state)
        if not self.main_splitter.restoreState(self._settings.splitter_state("main")):
            self.main_splitter.setSizes([470, 250])
        if not self.top_splitter.restoreState(self._settings.splitter_state("top")):
            self.top_splitter.setSizes([620, 540])

    def _save_state(self) -> None:
        self._settings.window_geometry = self.saveGeometry()
        self._settings.window_state = self.saveState()
        self._settings.set_splitter_state("main", self.main_splitter.saveState())
        if self.answer_panel.isVisible():  # a hidden panel would be saved as collapsed
            self._settings.set_splitter_state("top", self.top_splitter.saveState())
        self._settings.sync()

    # ================================================================ public API

    @property
    def model_state(self) -> ModelState:
        return self.session.model_state

    @property
    def background_started(self) -> bool:
        """The first paint has happened and the inference worker is running."""
        return self.session.started

    @property
    def model_problem(self) -> str:
        """Why no model is active ('' when one is), in the current language."""
        return self.classify_view.model_problem()

    @property
    def active_model_path(self) -> str | None:
        return self.session.model_path

    @property
    def active_metadata(self):
        """The active model's ModelMetadata, or None."""
        return self.session.metadata

    @property
    def inference_worker(self) -> InferenceWorker | None:
        """The worker that owns the active model (None until the window has started its background work)."""
        return self.session.inference

    @property
    def active_summary(self):
        """The active model's core.summary.ModelSummary, or None until it has been computed."""
        return self.session.summary

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a view after the Classify tab; the tab bar appears once there are two."""
        return self.tabs.addTab(widget, title)

    def start_worker(self, worker: Worker, *, name: str) -> WorkerHandle:
        """Run `worker` in its own thread (see gui.workers); it is stopped when the window closes."""
        handle = workers.start_worker(worker, name=name)
        self._handles.append(handle)
        handle.sig_done.connect(self._on_worker_handle_done)
        return handle

    def set_model(self, path: str | os.PathLike, *, interactive: bool = False) -> None:
        """Load the model at `path`: active once loaded, and every image in the list is then
        classified again with it; if it cannot be loaded, the previous model stays active (and,
        when the user chose it, a message box says why)."""
        self._interactive_model_path = os.fspath(path) if interactive else None
        self.session.set_model(path)

    @property
    def training_dialog(self):
        """The training dialog once opened (it is kept: a run survives closing it), else None."""
        return self.commands.training_dialog

    @property
    def preferences_dialog(self):
        return self.commands.preferences_dialog

    @property
    def about_dialog(self):
        return self.commands.about_dialog

    @property
    def help_dialog(self):
        return self.commands.help_dialog

    def classify_paths(self, paths: Iterable[str | os.PathLike]) -> int:
        """Add image files and folders (searched recursively) and classify them; returns how many
        files were found (listed a slice per turn of the event loop, the first one selected)."""
        paths = list(paths)
        found, not_images = self.session.add_paths(paths)
        if not found:
            text = self.tr("No images found in {0}").format(", ".join(os.fspath(p) for p in paths))
            if not_images:
                text += " " + self.tr("(%n other file(s) skipped: not images)", "", not_images)
            self.status.message(text)
        return found

    def show_history_entry(self, entry, thumbnail: np.ndarray | None = None) -> None:
        """Show a History entry (core.history.HistoryRow) in the Classify tab: classified again if its
        file is still there, otherwise its stored answer and thumbnail, with a note saying so."""
        self.tabs.setCurrentWidget(self.classify_view)
        if entry.path and os.path.isfile(entry.path):
            self.classify_paths([entry.path])
            return
        when, model = local_time_text(entry.created), entry.model_name or self.tr("the model")
        note = (
            self.tr("Stored answer ({0}, {1}): {2} is no longer there").format(when, model, entry.path)
            if entry.path
            else self.tr("Stored answer ({0}, {1}) for a pasted image").format(when, model)
        )
        self.session.add_stored(entry.name, entry.to_prediction(), thumbnail, note)

    def classify_image(self, image: QImage, name: str | None = None) -> int:
        """Add an in-memory image (e.g. pasted) and classify it; returns its key."""
        return self.session.add_image(qimage_to_rgb(image), name)

    def classify_image_data(self, data: bytes, name: str | None = None) -> int:
        """Add encoded image bytes (PNG, JPEG, ...) and classify them like a file; returns the key."""
        return self.session.add_image(bytes(data), name)

    def paste(self) -> None:
        """Classify what the clipboard holds: image files, an encoded image, or a bitmap."""
        self.image_input.paste()

    def cancel_classification(self) -> None:
        """Stop: the running batch ends before its next image, queued images are not classified."""
        self.session.cancel()

    def remove_selected(self) -> None:
        keys = self.results_table.selected_keys()
        if keys:
            self.session.remove(keys)
            self._after_rows_removed()

    def clear_results(self) -> None:
        self.session.clear()
        self._after_rows_removed()

    def export_csv(self, path: str | os.PathLike) -> bool:
        """Write every row's results to `path`; False (after telling the user) if it failed."""
        try:
            write_results_csv(path, self.results_model.rows())
        except OSError as exc:
            QMessageBox.warning(
                self, self.tr("Export failed"), self.tr("Could not write {0}: {1}").format(os.fspath(path), exc)
            )
            return False
        self.status.message(
            self.tr("Exported %n result(s) to {0}", "", len(self.results_model.rows())).format(os.fspath(path))
        )
        return True

    def is_busy(self) -> bool:
        """Images are being classified (not counting images waiting for a model)."""
        return self.session.is_busy()

    def answer_text(self, prediction) -> str:
        """'cat, 97%', or 'Not sure: looks most like a dog (41%)' below the "not sure" threshold."""
        return self.classify_view.answer_text(prediction)

    def shortcut_actions(self) -> list[QAction]:
        """The actions with keyboard shortcuts, in menu order (the Help lists them)."""
        return shortcut_actions(self)

    def not_sure_threshold(self) -> float | None:
        """Below this confidence an answer is "not sure": the user's own threshold, else the active model's."""
        return self.session.threshold()

    def apply_settings(self) -> None:
        """Bring the app in line with the settings: language, theme, "not sure" threshold, History options.

        The language and the theme switch at once, without a restart: Qt sends every widget a
        LanguageChange or PaletteChange event and each sets its texts or colours again.
        """
        settings = self._settings
        if i18n.resolve(settings.language) != i18n.current_language():
            i18n.install(settings.language)
        if settings.theme != theme.current_theme():
            theme.apply(settings.theme)
        self.history_view.set_recording(settings.history_enabled)
        self.history_view.set_forget_days(settings.history_forget_days)
        self.session.apply_threshold()

    def shutdown(self) -> None:
        """Cancel work and stop every worker thread, waiting for them; idempotent."""
        if self._closing:
            return
        self._closing = True
        self.session.shutdown()
        if self.training_dialog is not None:
            self.training_dialog.shutdown()  # stops a run after saving its best weights
        for handle in list(self._handles):
            handle.stop()
        self._handles.clear()

    # ================================================================ events

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self._painted:
            # The first paint of the window, by whatever path the platform took (expose or update
            # request). The rest of this paint pass and the flush to the screen come first.
            self._painted = True
            QTimer.singleShot(0, self, self._on_first_paint_done)

    @Slot()
    def _on_first_paint_done(self) -> None:
        self.sig_painted.emit()
        if self.session.started or self._closing:
            return
        self.session.start(self.start_worker)  # TensorFlow is imported in the worker, on the first load
        self.history_view.start(self.start_worker)  # the database is checked and opened in its own thread
        previews = PreviewWorker()
        self.start_worker(previews, name="previews")
        self.image_view.set_loader(previews)  # photos decode beside the window from now on
        self.chart.ensure_canvas()  # matplotlib: after the first paint, while the model loads

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_state()
        self.hide()  # the wait below may last for the rest of a model load: do not look frozen
        self.shutdown()
        super().closeEvent(event)

    # ================================================================ session slots

    @Slot(object, object)
    def _on_session_results(self, changed, results) -> None:
        self.classify_view.show_results(changed)
        self.sig_results_shown.emit()

    @Slot(object, object)
    def _on_session_results_for_history(self, changed, results) -> None:
        # queued for the history's writer thread: one transaction per batch, no disk work here
        self.history_view.record(
            changed, results, model_name=self.session.model_name(), model_path=self.session.model_path
        )

    @Slot(bool)
    def _on_session_busy_changed(self, busy: bool) -> None:
        self.cancel_action.setEnabled(busy)
        self.history_view.set_busy(busy)
        if not busy:
            self.sig_work_finished.emit()

    @Slot(str, str)
    def _on_session_model_failed(self, path: str, reason: str) -> None:
        if self._interactive_model_path != path:
            return
        self._interactive_model_path = None
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Model not loaded"),
            self.tr("{0} could not be used: {1}").format(Path(path).name, reason),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    @Slot(str, str)
    def _on_worker_error(self, message: str, details: str) -> None:
        errors.report(message, details)

    @Slot()
    def _on_worker_handle_done(self) -> None:
        handle = self.sender()
        if handle in self._handles:
            self._handles.remove(handle)

    def _after_rows_removed(self) -> None:
        self._update_actions()
        self.classify_view.refresh()

    @Slot()
    def _update_actions(self, *args) -> None:
        has_rows = self.results_model.rowCount() > 0
        self.export_action.setEnabled(has_rows)
        self.clear_action.setEnabled(has_rows)
        self.remove_action.setEnabled(bool(self.results_table.selectionModel().hasSelection()))
