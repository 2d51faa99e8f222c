"""The main window: drop, open or paste photos; see each one's answer, chart and status.

Nothing imported here loads TensorFlow: the model is loaded by the inference worker, in its
own thread, after the window has been painted for the first time. The central area is a
QTabWidget whose first tab is the "Classify" view; other views are added with `add_tab()`.
"""

from __future__ import annotations

import collections
import enum
import itertools
import logging
import os
from pathlib import Path
from typing import Iterable

import dataclasses

import numpy as np
from PySide6.QtCore import (
    QBuffer, QByteArray, QCoreApplication, QIODevice, QMimeData, QPointF, QSize, Qt, QTimer, Signal, Slot,
)
from PySide6.QtGui import (
    QAction, QCloseEvent, QColor, QFont, QGuiApplication, QIcon, QImage, QImageReader, QKeySequence, QPainter, QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QPushButton, QSizePolicy, QSplitter, QStyle,
    QTabWidget, QToolBar, QVBoxLayout, QWidget,
)

from infinityvision_desktop import APP_NAME, paths
from infinityvision_desktop.core.images import IMAGE_SUFFIXES, find_images
from infinityvision_desktop.gui import errors, i18n, theme, workers
from infinityvision_desktop.gui.about_dialog import AboutDialog, HelpDialog
from infinityvision_desktop.gui.feature_actions import install_features
from infinityvision_desktop.gui.teach_actions import install_teach
from infinityvision_desktop.gui.history_model import local_time_text
from infinityvision_desktop.gui.history_view import HistoryView
from infinityvision_desktop.gui.model_view import ModelView
from infinityvision_desktop.gui.preferences_dialog import PreferencesDialog
from infinityvision_desktop.gui.results_csv import write_results_csv
from infinityvision_desktop.gui.settings import MAX_RECENT_FILES, Settings
from infinityvision_desktop.gui.widgets.drop_overlay import DropOverlay
from infinityvision_desktop.gui.widgets.image_view import MAX_PREVIEW_SIDE, ImageView, scaled_to_fit
from infinityvision_desktop.gui.widgets.probability_chart import ProbabilityChart, percent_text
from infinityvision_desktop.gui.widgets.results_table import (
    ResultRow, ResultsModel, ResultsTable, RowState, rgb_to_qimage,
)
from infinityvision_desktop.gui.workers import ImageItem, InferenceWorker, JobSummary, Worker, WorkerHandle

log = logging.getLogger(__name__)

BUSY_DELAY_MS = 500  # quick jobs finish before any progress bar appears, so nothing flickers
# A just-dropped image's answer usually comes sooner than this: until then the chart keeps its
# bars rather than blanking and redrawing twice (the answer label says "Classifying…" at once).
CHART_CLEAR_DELAY_MS = 200
# Files added to the list per turn of the event loop: a 5,000-file drop is listed slice by slice
# (a few ms each) instead of blocking the window for a tenth of a second.
ADD_SLICE = 500
# QKeySequence.StandardKey has no binding for these on some platforms (Quit on Windows and on
# bare X11, Preferences outside macOS and KDE): the usual keys there.
FALLBACK_SHORTCUTS = {QKeySequence.StandardKey.Quit: "Ctrl+Q", QKeySequence.StandardKey.Preferences: "Ctrl+,"}


class KnownModelsWorker(Worker):
    """Lists the models the app knows (bundled, the user's, `extra`) with their test accuracy."""

    sig_known = Signal(int, object)
    """The scan's number and a list of (name, test accuracy or None), in display order."""

    def __init__(self, extra: Iterable[str | os.PathLike] = (), *, scan: int = 0) -> None:
        super().__init__()
        self._extra = [Path(p) for p in extra]
        self._scan = scan

    def work(self) -> None:
        from infinityvision_desktop import paths
        from infinityvision_desktop.core.modelfile import ModelFileError, read_metadata

        candidates = [paths.bundled_model_path()]
        user_models = paths.user_data_dir() / "models"
        if user_models.is_dir():
            candidates += sorted(p for p in user_models.iterdir()
                                 if p.suffix in (".h5", ".keras") and not p.name.startswith("."))
        known, seen = [], set()
        for candidate in candidates + self._extra:
            if self.should_stop():
                return
            if candidate in seen or not candidate.is_file():
                continue
            seen.add(candidate)
            try:
                metadata = read_metadata(candidate)
            except (ModelFileError, OSError):
                continue
            name = metadata.name if metadata and metadata.name else candidate.stem
            known.append((name, metadata.test_accuracy if metadata else None))
        self.sig_known.emit(self._scan, known)


class ModelState(enum.Enum):
    NONE = "none"  # no model is active and none is loading
    LOADING = "loading"  # a load is under way (a previous model, if any, stays active until it succeeds)
    READY = "ready"


class MainWindow(theme.FollowsLanguageAndPalette, QMainWindow):
    """The app's window. Public hooks for other views: `tabs`/`add_tab()`, `model_menu`,
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

    def __init__(self, *, model_path: str | os.PathLike | None = None, settings: Settings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings if settings is not None else Settings()
        self._pending_model_path = Path(model_path) if model_path is not None else None
        self._pending_files: collections.deque[str] = collections.deque()  # dropped, not yet in the list
        self._select_path: str | None = None  # the first file of the latest drop, selected once listed
        self._model_state = ModelState.LOADING if self._pending_model_path else ModelState.NONE
        self._model_path: str | None = None  # the active model
        self._metadata = None  # the active model's ModelMetadata
        self._summary = None  # the active model's ModelSummary, once computed
        self._known_scan = 0  # the latest scan of the known models: an older one's list arrives too late
        self._known_handle = None
        self._model_problem = ""  # why there is no model (the reason given), shown in the empty view
        self._model_problem_path = ""
        self._interactive_model_path: str | None = None
        self._keys = itertools.count(1)
        self._pasted_count = 0
        self._not_images = 0  # files in dropped or opened folders that were not added: not images
        self._jobs: dict[int, tuple[int, ...]] = {}  # job id -> keys, for jobs not finished or cancelled
        self._job_done: dict[int, int] = {}
        self._work_total = 0
        self._handles: list[WorkerHandle] = []
        self._inference: InferenceWorker | None = None
        self._painted = False
        self._started = False
        self._closing = False

        self._create_actions()
        self._create_widgets()
        self._connect_signals()
        self._restore_state()

    # ================================================================ construction

    def _create_actions(self) -> None:
        """The actions, with their shortcuts and icons; their texts are set by retranslate_ui()."""
        keys = QKeySequence.StandardKey
        pixmaps = QStyle.StandardPixmap

        def action(shortcut=None, icon: tuple[str, QStyle.StandardPixmap] | None = None) -> QAction:
            new = QAction(self)
            if shortcut is not None:
                new.setShortcuts(standard_shortcuts(shortcut) if isinstance(shortcut, QKeySequence.StandardKey)
                                 else [QKeySequence(shortcut)])
            if icon is not None:
                new.setIcon(themed_icon(self, *icon))
            return new

        self.open_action = action(keys.Open, ("document-open", pixmaps.SP_DialogOpenButton))
        self.open_folder_action = action(icon=("folder-open", pixmaps.SP_DirOpenIcon))
        self.export_action = action(keys.Save, ("document-save", pixmaps.SP_DialogSaveButton))
        self.quit_action = action(keys.Quit, ("application-exit", pixmaps.SP_DialogCloseButton))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.paste_action = action(keys.Paste, ("edit-paste", pixmaps.SP_FileIcon))
        self.remove_action = action(keys.Delete, ("edit-delete", pixmaps.SP_TrashIcon))
        self.clear_action = action(icon=("edit-clear", pixmaps.SP_DialogResetButton))
        self.cancel_action = action(keys.Cancel, ("process-stop", pixmaps.SP_BrowserStop))
        self.preferences_action = action(keys.Preferences, ("preferences-system", pixmaps.SP_FileDialogDetailedView))
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.open_model_action = action(icon=("document-open", pixmaps.SP_DriveHDIcon))
        self.train_action = action("Ctrl+T")  # its icon is drawn in the accent colour: _apply_scheme()
        self.help_action = action(keys.HelpContents, ("help-contents", pixmaps.SP_DialogHelpButton))
        self.about_action = action(icon=("help-about", pixmaps.SP_MessageBoxInformation))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.clear_recent_action = action()
        for disabled in (self.export_action, self.remove_action, self.clear_action, self.cancel_action):
            disabled.setEnabled(False)

    def _create_widgets(self) -> None:
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)

        self.file_menu = file_menu = self.menuBar().addMenu("")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.open_folder_action)
        self.recent_menu = file_menu.addMenu("")
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.edit_menu = edit_menu = self.menuBar().addMenu("")
        edit_menu.addAction(self.paste_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.remove_action)
        edit_menu.addAction(self.clear_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.cancel_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)
        self.model_menu = self.menuBar().addMenu("")
        self.model_menu.addAction(self.open_model_action)
        self.model_menu.addAction(self.train_action)
        self.help_menu = help_menu = self.menuBar().addMenu("")
        help_menu.addAction(self.help_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

        # Every action here is also in a menu (and most have a key), so the tool bar's buttons stay
        # out of the Tab order, as in every Qt tool bar.
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("main_toolbar")  # saveState() keys it by name
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(20, 20))
        for act in (self.open_action, self.open_folder_action, self.paste_action, self.export_action):
            self.toolbar.addAction(act)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.cancel_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.train_action)
        self.toolbar.addAction(self.preferences_action)
        self.toolbar.addAction(self.help_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        # --- the Classify view: image | answer and chart, over the results table
        self.image_view = ImageView()
        self.answer_label = QLabel()
        answer_font = QFont(self.font())
        answer_font.setPointSizeF(answer_font.pointSizeF() * 1.9)
        answer_font.setBold(True)
        self.answer_label.setFont(answer_font)
        self.answer_label.setWordWrap(True)
        # Room for two lines ("Not sure: looks most like an automobile (50%)" wraps), text at the
        # bottom: the chart below keeps its size from answer to answer instead of jumping (and can
        # then be blitted rather than redrawn).
        self.answer_label.setText("A\nA")  # the height two lines take, as the label lays them out
        self.answer_label.setMinimumHeight(self.answer_label.sizeHint().height())
        self.answer_label.clear()
        self.answer_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.answer_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = ProbabilityChart()
        self.answer_panel = answer_panel = QWidget()
        answer_layout = QVBoxLayout(answer_panel)
        answer_layout.setContentsMargins(14, 6, 6, 6)
        answer_layout.setSpacing(4)
        answer_layout.addWidget(self.answer_label)
        answer_layout.addWidget(self.detail_label)
        answer_layout.addSpacing(6)
        answer_layout.addWidget(self.chart, 1)

        self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.top_splitter.setObjectName("top_splitter")
        self.top_splitter.addWidget(self.image_view)
        self.top_splitter.addWidget(answer_panel)
        self.top_splitter.setStretchFactor(0, 5)
        self.top_splitter.setStretchFactor(1, 4)
        self.top_splitter.setChildrenCollapsible(False)

        self.results_model = ResultsModel(self)
        self.results_table = ResultsTable(self.results_model)
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.setObjectName("main_splitter")
        self.main_splitter.addWidget(self.top_splitter)
        self.main_splitter.addWidget(self.results_table)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 2)
        self.main_splitter.setChildrenCollapsible(False)

        self.classify_view = QWidget()
        classify_layout = QVBoxLayout(self.classify_view)
        classify_layout.setContentsMargins(12, 12, 12, 6)
        classify_layout.addWidget(self.main_splitter)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabBarAutoHide(True)  # one view needs no tab bar; a second one shows it
        self.tabs.addTab(self.classify_view, "")
        self.setCentralWidget(self.tabs)
        self.history_view = HistoryView(self._settings)  # opens its database in start_background
        self.add_tab(self.history_view, "")
        self.model_view = ModelView()
        self.add_tab(self.model_view, "")
        self.training_dialog = None  # built on first use; kept so a run survives closing it
        self.preferences_dialog: PreferencesDialog | None = None  # built on first use, like the two below
        self.about_dialog: AboutDialog | None = None
        self.help_dialog: HelpDialog | None = None
        self.drop_overlay = DropOverlay(self.tabs)

        # --- status bar: message | progress, cancel | model
        self.status_label = QLabel()
        self.status_label.setContentsMargins(6, 0, 0, 0)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress_bar = QProgressBar()
        self.progress_bar.setFixedWidth(200)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        self.cancel_button = QPushButton()
        self.cancel_button.hide()
        self.model_label = QLabel()
        self.model_label.setContentsMargins(8, 0, 4, 0)
        status = self.statusBar()
        status.setSizeGripEnabled(True)
        status.addWidget(self.status_label, 1)
        status.addWidget(self.progress_bar)
        status.addWidget(self.cancel_button)
        status.addPermanentWidget(self.model_label)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._chart_clear_timer = QTimer(self)
        self._chart_clear_timer.setSingleShot(True)
        self._chart_clear_timer.setInterval(CHART_CLEAR_DELAY_MS)
        self._add_timer = QTimer(self)
        self._add_timer.setSingleShot(True)
        self._add_timer.setInterval(0)

        self._apply_scheme()
        self.retranslate_ui()  # sets every text; again whenever the language changes

    def retranslate_ui(self) -> None:
        """Set every text in the current language: at construction and on QEvent.LanguageChange."""
        texts = {
            self.open_action: (self.tr("&Open Images…"), self.tr("Open"), self.tr("Classify image files")),
            self.open_folder_action: (self.tr("Open &Folder…"), self.tr("Folder"),
                                      self.tr("Classify every image in a folder and its subfolders")),
            self.export_action: (self.tr("&Export Results to CSV…"), self.tr("Export"),
                                 self.tr("Save every image's answer and probabilities")),
            self.quit_action: (self.tr("&Quit"), self.tr("Quit"), self.tr("Close InfinityVision")),
            self.paste_action: (self.tr("&Paste Image"), self.tr("Paste"),
                                self.tr("Classify the image or image files on the clipboard")),
            self.remove_action: (self.tr("&Remove Selected"), self.tr("Remove"),
                                 self.tr("Remove the selected images from the list")),
            self.clear_action: (self.tr("&Clear All"), self.tr("Clear"), self.tr("Remove every image from the list")),
            self.cancel_action: (self.tr("&Cancel Classification"), self.tr("Stop"),
                                 self.tr("Stop classifying the remaining images")),
            self.preferences_action: (self.tr("Pre&ferences…"), self.tr("Settings"),
                                      self.tr("Language, theme, the \"not sure\" threshold and the History")),
            self.open_model_action: (self.tr("&Open Model…"), self.tr("Open Model"),
                                     self.tr("Use another .h5 or .keras model")),
            self.train_action: (self.tr("&Train / Fine-tune…"), self.tr("Train"),
                                self.tr("Fine-tune the model on your own class folders, or train a new one")),
            self.help_action: (self.tr("InfinityVision &Help"), self.tr("Help"),
                               self.tr("How to use InfinityVision, and its keyboard shortcuts")),
            self.about_action: (self.tr("&About InfinityVision"), self.tr("About"),
                                self.tr("Versions, and where the active model comes from")),
            self.clear_recent_action: (self.tr("Clear Recent"), self.tr("Clear Recent"),
                                       self.tr("Empty the list of recent files")),
        }
        for act, (text, short, tip) in texts.items():
            act.setText(text)
            act.setIconText(short)
            act.setStatusTip(tip)
            act.setToolTip(action_tooltip(act, tip))
        self.file_menu.setTitle(self.tr("&File"))
        self.recent_menu.setTitle(self.tr("Open &Recent"))
        self.edit_menu.setTitle(self.tr("&Edit"))
        self.model_menu.setTitle(self.tr("&Model"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.toolbar.setWindowTitle(self.tr("Toolbar"))
        for view, title in ((self.classify_view, self.tr("Classify")), (self.history_view, self.tr("History")),
                            (self.model_view, self.tr("Model"))):
            self.tabs.setTabText(self.tabs.indexOf(view), title)
        self.tabs.setAccessibleName(self.tr("Views"))
        i18n.retranslate_tab_bar(self.tabs)
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop classifying the remaining images"))
        if hasattr(self, "features"):  # installed after the first call, from __init__
            self.features.retranslate_ui()
        self.image_view.setAccessibleName(self.tr("Image preview"))
        self.chart.setAccessibleName(self.tr("Probability of each class"))
        self.results_table.setAccessibleName(self.tr("Classified images"))
        self.answer_label.setAccessibleName(self.tr("Answer"))
        self.progress_bar.setAccessibleName(self.tr("Classification progress"))
        # the texts made from state: the model, the answer, the status line
        self._update_model_label()
        self._show_current_row()
        if self.results_model.rowCount():
            self._set_status(self._progress_text() if self._jobs else self._summary_text())

    def _apply_scheme(self) -> None:
        """The colours of the answer and its details, for the light or dark palette now in use."""
        self._scheme = theme.scheme(self.palette())
        self.detail_label.setStyleSheet(f"color: {self._scheme.muted};")
        # the style's "play" icon is black, lost on a dark tool bar: a triangle in the accent colour instead
        self.train_action.setIcon(QIcon.fromTheme("system-run", play_icon(self._scheme.accent)))
        self._set_answer(self.answer_label.text(), self.answer_label.property("answerKind") or "pending")

    def _connect_signals(self) -> None:
        self.open_action.triggered.connect(self._on_open_action_triggered)
        self.open_folder_action.triggered.connect(self._on_open_folder_action_triggered)
        self.export_action.triggered.connect(self._on_export_action_triggered)
        self.quit_action.triggered.connect(self.close)
        self.train_action.triggered.connect(self._on_train_action_triggered)
        self.sig_model_ready.connect(self._on_model_ready_for_views)
        self.sig_model_summary.connect(self._on_model_summary_for_views)
        self.paste_action.triggered.connect(self.paste)
        self.remove_action.triggered.connect(self.remove_selected)
        self.clear_action.triggered.connect(self.clear_results)
        self.cancel_action.triggered.connect(self.cancel_classification)
        self.cancel_button.clicked.connect(self.cancel_classification)
        self.open_model_action.triggered.connect(self._on_open_model_action_triggered)
        self.about_action.triggered.connect(self._on_about_action_triggered)
        self.help_action.triggered.connect(self._on_help_action_triggered)
        self.preferences_action.triggered.connect(self._on_preferences_action_triggered)
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        self.recent_menu.triggered.connect(self._on_recent_menu_triggered)
        self.results_table.sig_current_changed.connect(self._on_results_current_changed)
        self.results_table.selectionModel().selectionChanged.connect(self._on_results_selection_changed)
        self._busy_timer.timeout.connect(self._on_busy_timer_timeout)
        self._chart_clear_timer.timeout.connect(self._on_chart_clear_timer_timeout)
        self._add_timer.timeout.connect(self._on_add_timer_timeout)
        self.history_view.sig_open_requested.connect(self.show_history_entry)
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
        return self._model_state

    @property
    def background_started(self) -> bool:
        """The first paint has happened and the inference worker is running."""
        return self._started

    @property
    def model_problem(self) -> str:
        """Why no model is active ('' when one is), in the current language."""
        if not self._model_problem:
            return ""
        return self.tr("No model available: looked for {0} ({1}).").format(self._model_problem_path,
                                                                            self._model_problem)

    @property
    def active_model_path(self) -> str | None:
        return self._model_path

    @property
    def active_metadata(self):
        """The active model's ModelMetadata, or None."""
        return self._metadata

    @property
    def inference_worker(self) -> InferenceWorker | None:
        """The worker that owns the active model (None until the window has started its background work)."""
        return self._inference

    @property
    def active_summary(self):
        """The active model's core.summary.ModelSummary, or None until it has been computed."""
        return self._summary

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a view after the Classify tab; the tab bar appears once there are two."""
        return self.tabs.addTab(widget, title)

    def start_worker(self, worker: Worker, *, name: str) -> WorkerHandle:
        """Run `worker` in its own thread (see gui.workers); it is stopped when the window closes."""
        handle = workers.start_worker(worker, name=name)
        self._handles.append(handle)
        handle.sig_done.connect(self._on_worker_handle_done)
        return handle

    def set_model(self, path: str | os.PathLike) -> None:
        """Load the model at `path` in the inference worker.

        It becomes active when loaded (sig_model_ready), and every image in the list is then
        classified again with it. If it cannot be loaded (sig_model_failed), the previous model
        stays active.
        """
        path = Path(path)
        if not self._started:  # loaded when the window starts its background work
            self._pending_model_path = path
            self._model_state = ModelState.LOADING if self._metadata is None else self._model_state
            self._update_model_label()
            return
        self._request_model(path)

    def classify_paths(self, paths: Iterable[str | os.PathLike]) -> int:
        """Add image files and folders (searched recursively) and classify them; returns how many files
        were found. The first ADD_SLICE of them are listed on return, the rest one slice per turn of
        the event loop; the first file is selected once it is listed."""
        paths = list(paths)
        files, not_images = find_images(paths)
        self._not_images += not_images
        if not files:
            text = self.tr("No images found in {0}").format(", ".join(os.fspath(p) for p in paths))
            if not_images:
                text += " " + self.tr("(%n other file(s) skipped: not images)", "", not_images)
            self._set_status(text)
            return 0
        self._select_path = os.path.abspath(files[0])
        self._pending_files.extend(files)
        self._add_pending_files(ADD_SLICE)
        return len(files)

    def _add_pending_files(self, count: int, state: RowState | None = None) -> None:
        """List up to `count` pending files and classify them (or give them `state` without classifying)."""
        files = [self._pending_files.popleft() for _ in range(min(count, len(self._pending_files)))]
        existing = {row.path: row for row in self.results_model.rows() if row.path is not None}
        new_rows: list[ResultRow] = []
        again: dict[int, ResultRow] = {}
        for file in files:
            path = os.path.abspath(file)
            known = existing.get(path)
            if known is not None:
                if known.state in (RowState.FAILED, RowState.CANCELLED):
                    again[known.key] = known  # dropped again: maybe fixed, or it was cancelled
                continue
            row = ResultRow(key=next(self._keys), name=os.path.basename(path) or path, path=path)
            existing[path] = row
            new_rows.append(row)
        self.results_model.add_rows(new_rows)
        selected = existing.get(self._select_path) if self._select_path is not None else None
        if selected is not None:
            self._select_path = None
            self.results_table.select_key(selected.key)
        self._update_actions()
        if state is not None:
            self.results_model.set_state(new_rows, state)
        else:
            # last: once the worker starts it competes for the GIL, and a big drop has more to do here first
            self._submit(new_rows + list(again.values()))
        if self._pending_files:
            self._add_timer.start()

    @Slot()
    def _on_add_timer_timeout(self) -> None:
        if not self._closing:
            self._add_pending_files(ADD_SLICE)

    def show_history_entry(self, entry, thumbnail: np.ndarray | None = None) -> None:
        """Show a History entry (core.history.HistoryRow) in the Classify tab: classified again if its
        file is still there, otherwise its stored answer and thumbnail, with a note saying so."""
        self.tabs.setCurrentWidget(self.classify_view)
        if entry.path and os.path.isfile(entry.path):
            self.classify_paths([entry.path])
            return
        when, model = local_time_text(entry.created), entry.model_name or self.tr("the model")
        note = (self.tr("Stored answer ({0}, {1}): {2} is no longer there").format(when, model, entry.path)
                if entry.path else self.tr("Stored answer ({0}, {1}) for a pasted image").format(when, model))
        row = ResultRow(key=next(self._keys), name=entry.name, state=RowState.DONE,
                        prediction=entry.to_prediction(), thumbnail=thumbnail, note=note)
        self.results_model.add_rows([row])
        self.results_table.select_key(row.key)
        self._update_actions()
        self._set_status(self._summary_text())

    def classify_image(self, image: QImage, name: str | None = None) -> int:
        """Add an in-memory image (e.g. pasted) and classify it; returns its key."""
        return self._add_in_memory(qimage_to_rgb(image), name)

    def classify_image_data(self, data: bytes, name: str | None = None) -> int:
        """Add encoded image bytes (PNG, JPEG, ...) and classify them like a file; returns the key."""
        return self._add_in_memory(bytes(data), name)

    def paste(self) -> None:
        """Classify what the clipboard holds: image files, an encoded image, or a bitmap."""
        mime = QGuiApplication.clipboard().mimeData()
        paths = local_paths(mime) if mime is not None else []
        if paths:
            self.classify_paths(paths)
            return
        for fmt in ("image/png", "image/jpeg"):  # the original bytes: decoded exactly like a file
            if mime is not None and mime.hasFormat(fmt) and not mime.data(fmt).isEmpty():
                self.classify_image_data(mime.data(fmt).data())
                return
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self._set_status(self.tr("Nothing to paste: the clipboard holds no image or image file."))
            return
        self.classify_image(image)

    def cancel_classification(self) -> None:
        """Stop: the running batch ends before its next image, queued images are not classified."""
        listed_now = bool(self._pending_files)
        if listed_now:  # the rest of a big drop: listed, not classified
            self._add_timer.stop()
            self._add_pending_files(len(self._pending_files), RowState.CANCELLED)
        unfinished = [row for row in self.results_model.rows() if row.state in (RowState.QUEUED, RowState.WAITING)]
        if not self._jobs and not unfinished and not listed_now:
            return
        if self._inference is not None:
            self._inference.cancel()
        self.results_model.set_state(unfinished, RowState.CANCELLED)
        self._jobs.clear()
        self._become_idle()
        self._set_status(self._summary_text())
        self._show_current_row(preview=False)

    def remove_selected(self) -> None:
        keys = self.results_table.selected_keys()
        if not keys:
            return
        self.results_model.remove_keys(keys)
        self._after_rows_removed()

    def clear_results(self) -> None:
        if self._jobs and self._inference is not None:
            self._inference.cancel()
            self._jobs.clear()
            self._become_idle()
        self.results_model.clear()
        self._not_images = 0
        self._pending_files.clear()
        self._add_timer.stop()
        self._select_path = None
        self._after_rows_removed()

    def export_csv(self, path: str | os.PathLike) -> bool:
        """Write every row's results to `path`; False (after telling the user) if it failed."""
        try:
            write_results_csv(path, self.results_model.rows())
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Export failed"),
                                self.tr("Could not write {0}: {1}").format(os.fspath(path), exc))
            return False
        self._set_status(self.tr("Exported %n result(s) to {0}", "", len(self.results_model.rows())).format(
            os.fspath(path)))
        return True

    def is_busy(self) -> bool:
        """Images are being classified (not counting images waiting for a model)."""
        return bool(self._jobs)

    def shutdown(self) -> None:
        """Cancel work and stop every worker thread, waiting for them; idempotent."""
        if self._closing:
            return
        self._closing = True
        self._busy_timer.stop()
        self._chart_clear_timer.stop()
        self._add_timer.stop()
        if self._inference is not None:
            self._inference.cancel()
        if self.training_dialog is not None:
            self.training_dialog.shutdown()  # stops a run after saving its best weights
        for handle in list(self._handles):
            handle.stop()
        self._handles.clear()
        self._inference = None

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
        self._start_background()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_state()
        self.hide()  # the wait below may last for the rest of a model load: do not look frozen
        self.shutdown()
        super().closeEvent(event)

    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        if has_local_paths(mime) or mime.hasImage():
            event.acceptProposedAction()
            self.drop_overlay.show_over_parent()
        else:
            event.ignore()  # the cursor says "no"; the status bar says why
            self._set_status(self._drop_refusal_text(mime))

    def _drop_refusal_text(self, mime: QMimeData) -> str:
        remote = [url.toString() for url in mime.urls() if not url.isLocalFile()] if mime.hasUrls() else []
        if remote:
            return self.tr("Cannot drop {0}: it is a web address. Save the image first, then drop the file.").format(
                elide_path(remote[0], 80))
        return self.tr("Only image files and folders can be dropped here, not text.")

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self.drop_overlay.hide()
        event.accept()

    def dropEvent(self, event) -> None:
        self.drop_overlay.hide()
        mime = event.mimeData()
        paths = local_paths(mime)
        if paths:
            event.acceptProposedAction()
            self.classify_paths(paths)
            for path in paths[-MAX_RECENT_FILES:]:  # the rest would drop off the list anyway (5,000 files: 5,000 writes)
                self._settings.add_recent_file(path)
        elif mime.hasImage():
            event.acceptProposedAction()
            self.classify_image(QImage(mime.imageData()), self.tr("Dropped image"))
        else:
            event.ignore()

    # ================================================================ background start-up

    @Slot()
    def _start_background(self) -> None:
        if self._started or self._closing:
            return
        self._started = True
        worker = InferenceWorker()
        worker.sig_model_loading.connect(self._on_inference_model_loading)
        worker.sig_model_ready.connect(self._on_inference_model_ready)
        worker.sig_model_failed.connect(self._on_inference_model_failed)
        worker.sig_model_summary.connect(self._on_inference_model_summary)
        worker.sig_results.connect(self._on_inference_results)
        worker.sig_progress.connect(self._on_inference_progress)
        worker.sig_job_finished.connect(self._on_inference_job_finished)
        worker.sig_error.connect(self._on_worker_error)
        self._inference = worker
        self.start_worker(worker, name="inference")  # TensorFlow is imported there, on the first load
        self.history_view.start(self.start_worker)  # the database is checked and opened in its own thread
        if self._pending_model_path is not None:
            self._request_model(self._pending_model_path)
            self._pending_model_path = None
        self.chart.ensure_canvas()  # matplotlib: after the first paint, while the model loads

    def _request_model(self, path: Path) -> None:
        if not path.is_file():  # no need to start TensorFlow to know this
            self._on_inference_model_failed(str(path), self.tr("file not found"))
            return
        self._model_state = ModelState.LOADING
        self._update_model_label()
        self._inference.load_model(path)

    # ================================================================ inference slots

    @Slot(str)
    def _on_inference_model_loading(self, path: str) -> None:
        self._update_model_label(loading=path)

    @Slot(str, object)
    def _on_inference_model_ready(self, path: str, metadata) -> None:
        if self._closing:
            return
        switched = self._metadata is not None
        self._model_path, self._metadata, self._summary = path, metadata, None
        self._model_state = ModelState.READY
        self._model_problem = ""
        self._interactive_model_path = None
        # remembered for the next start; the bundled model is the default anyway (and moves with the app)
        self._settings.active_model = "" if same_file(path, paths.bundled_model_path()) else path
        self.chart.set_labels(metadata.labels)
        self._update_model_label()
        rows = self.results_model.rows()
        if switched:  # the list shows one model's answers: classify everything again
            self._submit([row for row in rows if row.state != RowState.FAILED])
        else:
            self._submit([row for row in rows if row.state == RowState.WAITING])
        self._show_current_row(preview=False)
        self.sig_model_ready.emit(path, metadata)

    @Slot(str, object)
    def _on_inference_model_summary(self, path: str, summary) -> None:
        if self._closing or path != self._model_path:
            return
        self._summary = summary
        self.sig_model_summary.emit(path, summary)

    @Slot(str, str)
    def _on_inference_model_failed(self, path: str, reason: str) -> None:
        if self._closing:
            return
        name = Path(path).name
        if self._metadata is not None:
            self._model_state = ModelState.READY
            self._set_status(self.tr("Could not load {0}: {1}. Still using {2}.")
                             .format(name, reason, self._model_name()))
            self._submit([row for row in self.results_model.rows() if row.state == RowState.WAITING])
        else:
            self._model_state = ModelState.NONE
            self._model_problem = reason  # shown as model_problem, composed in the current language
            self._model_problem_path = path
        self._update_model_label()
        self._show_current_row(preview=False)
        if self._interactive_model_path == path:
            self._interactive_model_path = None
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Model not loaded"),
                              self.tr("{0} could not be used: {1}").format(name, reason),
                              QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        self.sig_model_failed.emit(path, reason)

    @Slot(int, object)
    def _on_inference_results(self, job_id: int, results) -> None:
        if self._closing:
            return
        if self._settings.not_sure_threshold is not None:  # the user's threshold, not the model's
            results = tuple(dataclasses.replace(result, prediction=self._with_threshold(result.prediction))
                            if result.prediction is not None else result for result in results)
        changed = self.results_model.apply_results(results)
        # queued for the history's writer thread: one transaction per batch, no disk work here
        self.history_view.record(changed, results, model_name=self._model_name(), model_path=self._model_path)
        current = self.results_table.current_key()
        if any(row.key == current for row in changed):
            self._show_current_row(preview=False)
        if job_id in self._jobs:
            self._set_status(self._progress_text())
        elif not self._jobs:  # the tail of a cancelled job: keep the summary true
            self._set_status(self._summary_text())
        self.sig_results_shown.emit()

    @Slot(int, int, int)
    def _on_inference_progress(self, job_id: int, done: int, total: int) -> None:
        if job_id not in self._jobs or self._closing:
            return
        self._job_done[job_id] = done
        self.progress_bar.setValue(sum(self._job_done.values()))

    @Slot(object)
    def _on_inference_job_finished(self, summary: JobSummary) -> None:
        keys = self._jobs.pop(summary.job_id, None)
        if keys is None or self._closing:  # cancelled from here already
            return
        if summary.not_done:
            unfinished = [row for row in map(self.results_model.row, keys)
                          if row is not None and row.state == RowState.QUEUED]
            self.results_model.set_state(unfinished, RowState.CANCELLED if self._metadata else RowState.WAITING)
        if not self._jobs:
            self._become_idle()
            self._set_status(self._summary_text())
            self._show_current_row(preview=False)

    @Slot(str, str)
    def _on_worker_error(self, message: str, details: str) -> None:
        errors.report(message, details)

    @Slot()
    def _on_worker_handle_done(self) -> None:
        handle = self.sender()
        if handle in self._handles:
            self._handles.remove(handle)

    # ================================================================ jobs and progress

    def _submit(self, rows: list[ResultRow]) -> None:
        rows = [row for row in rows if row.source is not None]
        if not rows:
            return
        if self._model_state != ModelState.READY or self._inference is None:
            self.results_model.set_state(rows, RowState.WAITING)
            self._set_status(self._summary_text())
            return
        items = tuple(ImageItem(row.key, row.source, row.path or row.name) for row in rows)
        was_idle = not self._jobs
        job_id = self._inference.submit(items)
        self._jobs[job_id] = tuple(row.key for row in rows)
        self._job_done[job_id] = 0
        self._work_total = (0 if was_idle else self._work_total) + len(items)
        self.progress_bar.setRange(0, self._work_total)
        self.results_model.set_state(rows, RowState.QUEUED)
        self._set_status(self._progress_text())
        self.cancel_action.setEnabled(True)
        if was_idle:
            self._busy_timer.start()
            self.history_view.set_busy(True)

    @Slot()
    def _on_busy_timer_timeout(self) -> None:
        if self._jobs:
            self.progress_bar.show()
            self.cancel_button.show()

    def _become_idle(self) -> None:
        self.history_view.set_busy(False)
        self._busy_timer.stop()
        self._job_done.clear()
        self._work_total = 0
        self.progress_bar.hide()
        self.progress_bar.setValue(0)
        self.cancel_button.hide()
        self.cancel_action.setEnabled(False)
        self.sig_work_finished.emit()

    def _progress_text(self) -> str:
        waiting = sum(len(keys) for keys in self._jobs.values())
        return self.tr("Classifying %n image(s)…", "", waiting) if waiting != 1 else self.tr("Classifying…")

    def _summary_text(self) -> str:
        rows = self.results_model.rows()
        if not rows:
            return ""
        classified = sum(row.state == RowState.DONE for row in rows)
        skipped = sum(row.state == RowState.FAILED for row in rows)
        cancelled = sum(row.state == RowState.CANCELLED for row in rows)
        waiting = sum(row.state == RowState.WAITING for row in rows)
        if cancelled:
            text = self.tr("Cancelled: {0} classified, {1} skipped, {2} not classified").format(
                classified, skipped, cancelled)
        else:
            text = self.tr("{0} classified, {1} skipped").format(classified, skipped)
        if waiting:
            text += " · " + self.tr("%n waiting for a model", "", waiting)
        if self._not_images:
            text += " · " + self.tr("%n other file(s) not added (not images)", "", self._not_images)
        return text

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(text)

    def _add_in_memory(self, data: bytes | np.ndarray, name: str | None) -> int:
        self._pasted_count += 1
        row = ResultRow(key=next(self._keys), name=name or self.tr("Pasted image {0}").format(self._pasted_count),
                        data=data)
        self.results_model.add_rows([row])
        self._submit([row])
        self.results_table.select_key(row.key)
        self._update_actions()
        return row.key

    def _after_rows_removed(self) -> None:
        self._update_actions()
        self._show_current_row()
        self._set_status(self._summary_text())

    def _update_actions(self) -> None:
        has_rows = self.results_model.rowCount() > 0
        self.export_action.setEnabled(has_rows)
        self.clear_action.setEnabled(has_rows)
        self.remove_action.setEnabled(bool(self.results_table.selectionModel().hasSelection()))

    # ================================================================ showing a row

    @Slot(int)
    def _on_results_current_changed(self, key: int) -> None:
        self._show_current_row()

    @Slot()
    def _on_results_selection_changed(self) -> None:
        self.remove_action.setEnabled(bool(self.results_table.selectionModel().hasSelection()))

    def _show_current_row(self, *, preview: bool = True) -> None:
        self.answer_panel.setVisible(self.results_model.rowCount() > 0)
        row = self.results_model.row(self.results_table.current_key())
        if row is None:
            self._show_empty()
            return
        if preview:
            self._show_preview(row)
        detail = row.path or row.name
        if row.prediction is not None and row.frames > 1:
            detail += " · " + self.tr("animated: its first frame (of {0}) was classified").format(row.frames)
        if row.note:  # e.g. a History entry's stored answer: why it is not classified afresh
            detail += "\n" + row.note
        self.detail_label.setText(detail)
        prediction = row.prediction
        self._chart_clear_timer.stop()
        if row.state == RowState.FAILED:
            self._set_answer(row.error or "", "error")
            self.chart.clear()
        elif prediction is not None:
            self._set_answer(self.answer_text(prediction), "not_sure" if prediction.not_sure else "sure")
            self.chart.show_prediction(prediction)
        else:
            # a row just added while the model is ready is queued in this same turn of the event loop
            queued = row.state == RowState.QUEUED or (row.state == RowState.WAITING
                                                      and self._model_state == ModelState.READY)
            pending = {
                RowState.WAITING: self.tr("Waiting for a model…") if self._model_state == ModelState.NONE
                else self.tr("Waiting for the model to load…"),
                RowState.QUEUED: self.tr("Classifying…"),
                RowState.CANCELLED: self.tr("Not classified (cancelled)"),
            }.get(RowState.QUEUED if queued else row.state, "")
            self._set_answer(pending, "pending")
            if queued:  # the answer usually comes before the timer: the bars change once, not twice
                self._chart_clear_timer.start()
            else:
                self.chart.clear()

    @Slot()
    def _on_chart_clear_timer_timeout(self) -> None:
        row = self.results_model.row(self.results_table.current_key())
        if row is None or row.prediction is None:
            self.chart.clear()

    def _show_preview(self, row: ResultRow) -> None:
        if row.path is not None:
            self.image_view.show_file(row.path)
        elif isinstance(row.data, np.ndarray):
            self.image_view.show_image(rgb_to_qimage(row.data))
        elif isinstance(row.data, bytes):
            image = read_preview_data(row.data, self.image_view.preview_side())
            if image.isNull():
                self.image_view.show_hint(self.tr("No preview"), row.name)
            else:
                self.image_view.show_image(image)
        elif row.thumbnail is not None:  # a History entry whose file is gone: its stored thumbnail
            self.image_view.show_image(rgb_to_qimage(row.thumbnail))
        else:
            self.image_view.show_hint(self.tr("No preview"), row.name)

    def _show_empty(self) -> None:
        paste = QKeySequence(QKeySequence.StandardKey.Paste).toString(QKeySequence.SequenceFormat.NativeText)
        open_ = QKeySequence(QKeySequence.StandardKey.Open).toString(QKeySequence.SequenceFormat.NativeText)
        text = self.tr("or choose File › Open Images… ({0}), or paste an image ({1})").format(open_, paste)
        if self._model_state == ModelState.NONE and self.model_problem:
            text += "\n\n" + self.model_problem + "\n" + self.tr("Choose a model with Model › Open Model…")
        self.image_view.show_hint(self.tr("Drop photos or folders here"), text)
        self._set_answer("", "pending")
        self.detail_label.setText("")
        self.chart.clear()

    def _set_answer(self, text: str, kind: str) -> None:
        colours = {"sure": self._scheme.text, "not_sure": self._scheme.not_sure, "error": self._scheme.error,
                   "pending": self._scheme.muted}
        self.answer_label.setText(text)
        self.answer_label.setStyleSheet(f"color: {colours[kind]};")
        self.answer_label.setProperty("answerKind", kind)

    def answer_text(self, prediction) -> str:
        """'cat, 97%', or 'Not sure: looks most like a dog (41%)' below the "not sure" threshold."""
        confidence = percent_text(prediction.confidence)
        if getattr(prediction, "looks_like", None):
            return self.tr("None of the ten: looks like {0}").format(i18n.with_article(prediction.looks_like))
        if prediction.not_sure:
            return self.tr("Not sure: looks most like {0} ({1})").format(i18n.with_article(prediction.label),
                                                                          confidence)
        return self.tr("{0}, {1}").format(i18n.class_name(prediction.label), confidence)

    def _model_name(self) -> str:
        if self._metadata is not None and self._metadata.name:
            return self._metadata.name
        return Path(self._model_path).stem if self._model_path else ""

    def _update_model_label(self, loading: str | None = None) -> None:
        if self._model_state == ModelState.LOADING:
            text, tip = self.tr("Loading model…"), loading or ""
        elif self._metadata is not None:
            accuracy = self._metadata.test_accuracy
            text = self.tr("Model: {0}").format(self._model_name())
            if accuracy is not None:
                text += " · " + self.tr("test accuracy {0}").format(i18n.percent(accuracy))
            tip = self._model_path or ""
        else:
            path = self._model_problem_path
            text = self.tr("No model")
            if path:
                text += " · " + self.tr("looked for {0}").format(elide_path(path, 60))
            tip = self.model_problem
        self.model_label.setText(text)
        self.model_label.setToolTip(tip)
        if not self.results_model.rowCount():
            self._show_empty()

    # ================================================================ menu slots

    @Slot()
    def _on_open_action_triggered(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Open Images"), self._settings.last_folder,
                                                image_file_filter())
        if not paths:
            return
        self._settings.last_folder = os.path.dirname(paths[0])
        for path in paths:
            self._settings.add_recent_file(path)
        self.classify_paths(paths)

    @Slot()
    def _on_open_folder_action_triggered(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open Folder"), self._settings.last_folder)
        if not folder:
            return
        self._settings.last_folder = folder
        self._settings.add_recent_file(folder)
        self.classify_paths([folder])

    @Slot()
    def _on_export_action_triggered(self) -> None:
        folder = self._settings.last_save_folder or self._settings.last_folder or os.path.expanduser("~")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export Results"),
                                              os.path.join(folder, "infinityvision-results.csv"),
                                              self.tr("CSV files (*.csv)"))
        if not path:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        if self.export_csv(path):
            self._settings.last_save_folder = os.path.dirname(os.path.abspath(path))

    @Slot()
    def _on_open_model_action_triggered(self) -> None:
        if self.training_dialog is not None and self.training_dialog.is_training():
            # the run may be fine-tuning the active model: switching it now would confuse both
            text = self.tr("A model is being trained. Open another model once training has finished or been stopped.")
            self._set_status(text)
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("Open Model"), text, QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open Model"), self._settings.last_folder,
                                              self.tr("Keras models (*.h5 *.keras)"))
        if not path:
            return
        self._interactive_model_path = path
        self.set_model(path)

    @Slot()
    def _on_train_action_triggered(self) -> None:
        if self.training_dialog is None:
            from infinityvision_desktop.gui.training_dialog import TrainingDialog

            self.training_dialog = TrainingDialog(self, model_path=self._model_path, metadata=self._metadata)
            self.training_dialog.sig_use_model.connect(self._on_training_dialog_use_model)
            self.training_dialog.sig_run_finished.connect(self._on_training_dialog_run_finished)
        self.training_dialog.show()
        self.training_dialog.raise_()
        self.training_dialog.activateWindow()

    @Slot(str)
    def _on_training_dialog_use_model(self, path: str) -> None:
        self._interactive_model_path = path
        self.set_model(path)
        self.tabs.setCurrentWidget(self.classify_view)

    @Slot(object)
    def _on_training_dialog_run_finished(self, result) -> None:
        self._refresh_known_models()

    @Slot(str, object)
    def _on_model_ready_for_views(self, path: str, metadata) -> None:
        self.model_view.set_model(metadata, path, self._summary)
        self._refresh_known_models()
        if self.training_dialog is not None:
            self.training_dialog.set_active_model(path, metadata)

    @Slot(str, object)
    def _on_model_summary_for_views(self, path: str, summary) -> None:
        self.model_view.set_summary(summary)

    def _refresh_known_models(self) -> None:
        """The comparison chart: the bundled model, the user's models, and the active one.

        Reading each file's metadata opens it (HDF5 or zip), a few ms to a second on a slow disk
        per model: done in a worker, so a folder of models never stalls the window."""
        extra = [self._model_path] if self._model_path else []
        if self._known_handle is not None and self._known_handle.is_running():
            self._known_handle.worker.request_stop()  # its list would be out of date
        self._known_scan += 1
        self._known_handle = self.start_worker(KnownModelsWorker(extra, scan=self._known_scan), name="known-models")
        self._known_handle.worker.sig_known.connect(self._on_known_models)

    @Slot(int, object)
    def _on_known_models(self, scan: int, known) -> None:
        if scan != self._known_scan:
            return  # a scan started before the latest change of models
        self.model_view.set_known_models(known)

    @Slot()
    def _on_about_action_triggered(self) -> None:
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self)
        self.about_dialog.set_model(self._model_path, self._metadata)
        self.about_dialog.show()
        self.about_dialog.raise_()
        self.about_dialog.activateWindow()

    @Slot()
    def _on_help_action_triggered(self) -> None:
        if self.help_dialog is None:
            self.help_dialog = HelpDialog(self.shortcut_actions(), self)
        self.help_dialog.show()
        self.help_dialog.raise_()
        self.help_dialog.activateWindow()

    def shortcut_actions(self) -> list[QAction]:
        """The actions with keyboard shortcuts, in menu order (the Help lists them)."""
        actions = [self.open_action, self.paste_action, self.export_action, self.remove_action, self.cancel_action,
                   self.preferences_action, self.train_action, self.help_action, self.quit_action]
        return [act for act in actions if not act.shortcut().isEmpty()]

    @Slot()
    def _on_preferences_action_triggered(self) -> None:
        if self.preferences_dialog is None:
            self.preferences_dialog = PreferencesDialog(self._settings, self)
            self.preferences_dialog.sig_applied.connect(self._on_preferences_dialog_applied)
        self.preferences_dialog.load(model_threshold=self._metadata.not_sure_threshold if self._metadata else None)
        self.preferences_dialog.show()
        self.preferences_dialog.raise_()
        self.preferences_dialog.activateWindow()

    @Slot()
    def _on_preferences_dialog_applied(self) -> None:
        self.apply_settings()

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
        self._apply_not_sure_threshold()

    def not_sure_threshold(self) -> float | None:
        """Below this confidence an answer is "not sure": the user's own threshold, else the active model's."""
        override = self._settings.not_sure_threshold
        if override is not None:
            return override
        return self._metadata.not_sure_threshold if self._metadata is not None else None

    def _with_threshold(self, prediction):
        threshold = self.not_sure_threshold()
        if prediction is None or threshold is None:
            return prediction
        # a photo that looks like none of the classes stays "not sure" whatever the threshold
        not_sure = prediction.confidence < threshold or bool(getattr(prediction, "looks_like", None))
        return prediction if not_sure == prediction.not_sure else dataclasses.replace(prediction, not_sure=not_sure)

    def _apply_not_sure_threshold(self) -> None:
        """Judge every answer in the list again against the threshold now in force (no model run needed)."""
        changed = []
        for row in self.results_model.rows():
            if row.prediction is None or row.note:  # a stored History answer keeps its own verdict
                continue
            adjusted = self._with_threshold(row.prediction)
            if adjusted is not row.prediction:
                row.prediction = adjusted
                changed.append(row)
        if changed:
            self.results_model.refresh_rows(changed)
            self._show_current_row(preview=False)

    @Slot()
    def _on_recent_menu_about_to_show(self) -> None:
        self.recent_menu.clear()
        recent = self._settings.recent_files
        for number, path in enumerate(recent, 1):
            action = self.recent_menu.addAction(f"&{number % 10} {elide_path(path, 70)}")
            action.setData(path)
            action.setStatusTip(path)
        if not recent:
            empty = self.recent_menu.addAction(self.tr("No recent files"))
            empty.setEnabled(False)
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.clear_recent_action)
        self.clear_recent_action.setEnabled(bool(recent))

    @Slot(QAction)
    def _on_recent_menu_triggered(self, action: QAction) -> None:
        if action is self.clear_recent_action:
            self._settings.clear_recent_files()
            return
        path = action.data()
        if path:
            self._settings.add_recent_file(path)
            self.classify_paths([path])


# ---------------------------------------------------------------- helpers (GUI thread)

def has_local_paths(mime: QMimeData) -> bool:
    """Whether a drag holds any local file or folder (without converting all of a 5,000-file drag)."""
    return mime is not None and mime.hasUrls() and any(url.isLocalFile() for url in mime.urls())


def local_paths(mime: QMimeData) -> list[str]:
    """Local files and folders named by dropped or pasted URLs."""
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def qimage_to_rgb(image: QImage) -> np.ndarray:
    """A QImage as RGB uint8 (H, W, 3); transparency over white, as the core decodes files."""
    rgba_image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    width, height = rgba_image.width(), rgba_image.height()
    buffer = np.frombuffer(rgba_image.constBits(), np.uint8, count=rgba_image.sizeInBytes())
    rgba = buffer.reshape(height, rgba_image.bytesPerLine())[:, :width * 4].reshape(height, width, 4)
    alpha = rgba[:, :, 3:4]
    if alpha.min() == 255:
        return rgba[:, :, :3].copy()
    weight = alpha.astype(np.float32) / 255.0
    return np.rint(rgba[:, :, :3] * weight + 255.0 * (1.0 - weight)).astype(np.uint8)


def read_preview_data(data: bytes, max_side: int = MAX_PREVIEW_SIDE) -> QImage:
    """Decode image bytes for the preview, upright (EXIF) and at most max_side."""
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > max_side:
        reader.setScaledSize(scaled_to_fit(size, max_side))
    return reader.read()


def image_file_filter() -> str:
    patterns = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
    return QCoreApplication.translate("MainWindow", "Images ({0});;All files (*)").format(patterns)


def standard_shortcuts(key: QKeySequence.StandardKey) -> list[QKeySequence]:
    """The platform's keys for a standard action; the usual ones where the platform has none."""
    bindings = QKeySequence.keyBindings(key)
    if not bindings and key in FALLBACK_SHORTCUTS:
        bindings = [QKeySequence(FALLBACK_SHORTCUTS[key])]
    return bindings


def themed_icon(widget: QWidget, name: str, fallback: QStyle.StandardPixmap) -> QIcon:
    """The desktop theme's icon (freedesktop name) where there is one, else the style's own."""
    return QIcon.fromTheme(name, widget.style().standardIcon(fallback))


def play_icon(colour: str, side: int = 20) -> QIcon:
    """A right-pointing triangle, drawn at 1x and 2x so it is sharp on high-DPI screens."""
    icon = QIcon()
    for ratio in (1, 2):
        pixmap = QPixmap(side * ratio, side * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawPolygon(QPolygonF([QPointF(side * 0.25, side * 0.15), QPointF(side * 0.85, side * 0.5),
                                       QPointF(side * 0.25, side * 0.85)]))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def action_tooltip(action: QAction, tip: str) -> str:
    """'Classify image files (Ctrl+O)': the status tip and the action's key, as the platform writes it."""
    key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{tip} ({key})" if key else tip


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def elide_path(path: str, limit: int) -> str:
    return path if len(path) <= limit else path[: limit // 3] + "…" + path[-(limit - limit // 3 - 1):]

