"""The Teach tab: your own classes from about twenty photos each, trained in seconds (issue 19).

Three columns: the project's classes (with how many more photos each needs), the selected class's
photos as thumbnails, and Train with its held-out accuracy and confusion matrix above a try-it area
(drop a photo: the answer and its bar chart). The project is a folder of class folders on disk
(core.teach); photos dropped, pasted or opened are copied in, never moved.

Thin: every decision is in core.teach, all heavy work in gui.teach_workers (training, trying,
copying, thumbnails). The backbone loads in the teach worker when a project is opened.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QGuiApplication, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QFileDialog, QFrame, QHBoxLayout, QInputDialog, QLabel, QListView, QListWidget,
    QListWidgetItem, QMenu, QMessageBox, QProgressBar, QPushButton, QScrollArea, QSizePolicy, QSplitter, QToolButton,
    QVBoxLayout, QWidget,
)

from infinityvision_desktop.core.images import IMAGE_SUFFIXES
from infinityvision_desktop.core.teach import MIN_IMAGES, TeachError, TeachProject
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.teach_workers import (
    THUMBNAIL_SIDE, CopyFileWorker, CopyImagesWorker, TeachWorker, ThumbnailWorker,
)
from infinityvision_desktop.gui.widgets.evaluation_charts import ConfusionMatrixChart
from infinityvision_desktop.gui.explain_panel import heatmap_qimage
from infinityvision_desktop.gui.widgets.image_view import ImageView
from infinityvision_desktop.gui.widgets.probability_chart import ProbabilityChart, percent_text
from infinityvision_desktop.gui.widgets.results_table import rgb_to_qimage
from infinityvision_desktop.gui.workers import ImageItem

BUSY_DELAY_MS = 500  # a quick retrain finishes before a progress bar appears: nothing flickers
STAGES = ("features", "fit", "save")
CLASS_ICON_SIDE = 40  # each class shows its first photo
CLASS_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2


class DropFilter(QObject):
    """Makes a widget accept dropped files and images (an event filter: no subclass needed)."""

    sig_paths = Signal(object, object)
    """Local paths dropped and the widget-relative position (QPoint)."""
    sig_image = Signal(QImage)
    """An image (not a file) dropped, e.g. from a browser."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        target = widget.viewport() if isinstance(widget, QAbstractItemView) else widget
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            mime = event.mimeData()
            if (mime.hasUrls() and any(url.isLocalFile() for url in mime.urls())) or mime.hasImage():
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop:
            mime = event.mimeData()
            paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
            event.acceptProposedAction()
            if paths:
                self.sig_paths.emit(paths, event.position().toPoint())
            elif mime.hasImage():
                self.sig_image.emit(QImage(mime.imageData()))
            return True
        return False


class TeachView(theme.FollowsLanguageAndPalette, QWidget):
    """The Teach tab. `start_worker` is MainWindow.start_worker (threads stopped with the window)."""

    sig_use_model = Signal(str)
    """'Use in Classify': make this model file the active one."""
    sig_train_deeper = Signal(str)
    """'Train Deeper…': the project folder, for the fine-tune pipeline (the training dialog)."""
    sig_trained = Signal(object)
    """A training run ended (a core.teach.trainer.TeachResult; `stopped` when cancelled)."""
    sig_answer_shown = Signal(object)
    """The try-it panel shows an answer: its core.predictor.Prediction."""
    sig_project_changed = Signal()
    """A project was opened or its classes or photos changed (the class list is up to date)."""

    def __init__(self, start_worker, settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start_worker = start_worker
        self._settings = settings
        self.project: TeachProject | None = None
        self._worker: TeachWorker | None = None
        self._thumbnail_handle = None
        self._thumbnails: dict[tuple[str, int], QIcon] = {}  # (path, mtime_ns) -> icon
        self._thumbnail_wanted: list[str] = []  # the paths of the thumbnail job under way
        self._result = None  # the latest TeachResult of this project
        self._changed_since_training = False
        self._training = False
        self._try_request = 0
        self._try_source: ImageItem | None = None
        self._heatmap: QImage | None = None
        self._status = []  # the project's ClassStatus list, as last read
        self._handles = []  # one-shot jobs under way
        self.last_message = ""  # the latest message box text (what the user was told)
        self._create_widgets()
        self._connect_signals()
        self.retranslate_ui()
        self._update_project()

    # ================================================================ construction

    def _create_widgets(self) -> None:
        self.project_label = QLabel()
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.project_label.setFont(title_font)
        self.new_button = QPushButton()
        self.open_button = QPushButton()
        self.recent_button = QToolButton()
        self.recent_menu = QMenu(self)
        self.recent_button.setMenu(self.recent_menu)
        self.recent_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        header = QHBoxLayout()
        header.addWidget(self.project_label, 1)
        for button in (self.new_button, self.open_button, self.recent_button):
            header.addWidget(button)

        # --- classes
        self.classes_title = QLabel()
        self.class_list = QListWidget()
        self.class_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.class_list.setMinimumWidth(190)
        self.class_list.setIconSize(QSize(CLASS_ICON_SIDE, CLASS_ICON_SIDE))
        self.class_list.setSpacing(3)
        self.class_drops = DropFilter(self.class_list)
        self.add_class_button = QPushButton()
        self.rename_class_button = QPushButton()
        self.delete_class_button = QPushButton()
        class_buttons = QHBoxLayout()
        for button in (self.add_class_button, self.rename_class_button, self.delete_class_button):
            class_buttons.addWidget(button)
        classes_panel = QWidget()
        classes_layout = QVBoxLayout(classes_panel)
        classes_layout.setContentsMargins(0, 0, 0, 0)
        classes_layout.addWidget(self.classes_title)
        classes_layout.addWidget(self.class_list, 1)
        classes_layout.addLayout(class_buttons)

        # --- the selected class's photos
        self.images_title = QLabel()
        self.images_title.setWordWrap(True)
        self.image_grid = QListWidget()
        self.image_grid.setViewMode(QListView.ViewMode.IconMode)
        self.image_grid.setIconSize(QSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        self.image_grid.setGridSize(QSize(THUMBNAIL_SIDE + 16, THUMBNAIL_SIDE + 30))
        self.image_grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.image_grid.setMovement(QListView.Movement.Static)
        self.image_grid.setUniformItemSizes(True)
        self.image_grid.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.image_grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.image_drops = DropFilter(self.image_grid)
        self.add_images_button = QPushButton()
        self.add_folder_button = QPushButton()
        self.paste_button = QPushButton()
        self.remove_images_button = QPushButton()
        image_buttons = QHBoxLayout()
        for button in (self.add_images_button, self.add_folder_button, self.paste_button):
            image_buttons.addWidget(button)
        image_buttons.addStretch(1)
        image_buttons.addWidget(self.remove_images_button)
        images_panel = QWidget()
        images_layout = QVBoxLayout(images_panel)
        images_layout.setContentsMargins(0, 0, 0, 0)
        images_layout.addWidget(self.images_title)
        images_layout.addWidget(self.image_grid, 1)
        images_layout.addLayout(image_buttons)

        # --- train, the held-out figures, try it
        self.train_button = QPushButton()
        train_font = QFont(self.font())
        train_font.setBold(True)
        self.train_button.setFont(train_font)
        self.train_button.setMinimumHeight(34)
        self.cancel_button = QPushButton()
        self.cancel_button.hide()
        self.deeper_button = QPushButton()
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(True)
        self.progress_bar.hide()
        train_row = QHBoxLayout()
        train_row.addWidget(self.train_button, 1)
        train_row.addWidget(self.cancel_button)
        train_row.addWidget(self.deeper_button)
        self.train_status = QLabel()
        self.train_status.setWordWrap(True)
        self.train_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.accuracy_label = QLabel()
        accuracy_font = QFont(self.font())
        accuracy_font.setPointSizeF(accuracy_font.pointSizeF() * 1.25)
        accuracy_font.setBold(True)
        self.accuracy_label.setFont(accuracy_font)
        self.accuracy_label.setWordWrap(True)
        self.confusion = ConfusionMatrixChart()
        self.confusion.setMinimumSize(260, 230)
        self.confusion.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.try_title = QLabel()
        self.try_view = ImageView()
        self.try_view.setMinimumSize(160, 130)
        self.try_view.set_overlay_opacity(0.45)
        self.try_drops = DropFilter(self.try_view)
        self.answer_label = QLabel()
        answer_font = QFont(self.font())
        answer_font.setPointSizeF(answer_font.pointSizeF() * 1.3)
        answer_font.setBold(True)
        self.answer_label.setFont(answer_font)
        self.answer_label.setWordWrap(True)
        self.try_chart = ProbabilityChart()
        self.try_chart.setMinimumHeight(110)
        self.try_open_button = QPushButton()
        self.heatmap_check = QCheckBox()  # off by default: its first use per model traces Grad-CAM
        self.use_button = QPushButton()
        self.save_button = QPushButton()
        self.export_button = QPushButton()
        try_buttons = QHBoxLayout()
        try_buttons.addWidget(self.try_open_button)
        try_buttons.addWidget(self.heatmap_check)
        try_buttons.addStretch(1)
        model_buttons = QHBoxLayout()
        for button in (self.use_button, self.save_button, self.export_button):
            model_buttons.addWidget(button)
        try_answer = QVBoxLayout()
        try_answer.addWidget(self.answer_label)
        try_answer.addWidget(self.try_chart, 1)
        try_row = QHBoxLayout()
        try_row.addWidget(self.try_view, 1)
        try_row.addLayout(try_answer, 1)

        results_panel = QWidget()
        results_layout = QVBoxLayout(results_panel)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addLayout(train_row)
        results_layout.addWidget(self.progress_bar)
        results_layout.addWidget(self.train_status)
        results_layout.addWidget(self.accuracy_label)
        results_layout.addWidget(self.confusion, 3)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        results_layout.addWidget(line)
        results_layout.addWidget(self.try_title)
        results_layout.addLayout(try_row, 2)
        results_layout.addLayout(try_buttons)
        results_layout.addLayout(model_buttons)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(classes_panel)
        self.splitter.addWidget(images_panel)
        self.splitter.addWidget(results_panel)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([230, 470, 480])

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(12, 10, 12, 6)
        content_layout.addLayout(header)
        content_layout.addWidget(self.splitter, 1)
        # in a scroll area: three full columns need more room than the window's smallest size, which
        # the other tabs fit in (a tab page's minimum size would become the whole window's)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)

        # photos dropped anywhere else in the tab go to the selected class too, not to Classify's list
        self.tab_drops = DropFilter(self)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._apply_scheme()

    def _connect_signals(self) -> None:
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        self.recent_menu.triggered.connect(self._on_recent_menu_triggered)
        self.class_list.currentItemChanged.connect(self._on_class_list_current_item_changed)
        self.class_drops.sig_paths.connect(self._on_class_drops_paths)
        self.image_drops.sig_paths.connect(self._on_image_drops_paths)
        self.image_drops.sig_image.connect(self._on_image_drops_image)
        self.tab_drops.sig_paths.connect(self._on_image_drops_paths)
        self.tab_drops.sig_image.connect(self._on_image_drops_image)
        self.try_drops.sig_paths.connect(self._on_try_drops_paths)
        self.try_drops.sig_image.connect(self._on_try_drops_image)
        self.add_class_button.clicked.connect(self._on_add_class_button_clicked)
        self.rename_class_button.clicked.connect(self._on_rename_class_button_clicked)
        self.delete_class_button.clicked.connect(self._on_delete_class_button_clicked)
        self.add_images_button.clicked.connect(self._on_add_images_button_clicked)
        self.add_folder_button.clicked.connect(self._on_add_folder_button_clicked)
        self.paste_button.clicked.connect(self._on_paste_button_clicked)
        self.remove_images_button.clicked.connect(self._on_remove_images_button_clicked)
        self.image_grid.itemSelectionChanged.connect(self._update_actions)
        self.image_grid.itemDoubleClicked.connect(self._on_image_grid_item_double_clicked)
        self.train_button.clicked.connect(self.train)
        self.deeper_button.clicked.connect(self._on_deeper_button_clicked)
        self.cancel_button.clicked.connect(self.cancel_training)
        self.try_open_button.clicked.connect(self._on_try_open_button_clicked)
        self.heatmap_check.toggled.connect(self._on_heatmap_check_toggled)
        self.use_button.clicked.connect(self.use_in_classify)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self._busy_timer.timeout.connect(self._on_busy_timer_timeout)

    def retranslate_ui(self) -> None:
        self.new_button.setText(self.tr("New Project…"))
        self.new_button.setToolTip(self.tr("Start a project in a new or empty folder"))
        self.open_button.setText(self.tr("Open Project…"))
        self.open_button.setToolTip(self.tr("Open a folder with one sub-folder of photos per class"))
        self.recent_button.setText(self.tr("Recent"))
        self.classes_title.setText(self.tr("Classes"))
        self.class_list.setAccessibleName(self.tr("Classes"))
        self.image_grid.setAccessibleName(self.tr("Photos of the selected class"))
        self.try_view.setAccessibleName(self.tr("Photo to try"))
        self.try_chart.setAccessibleName(self.tr("Probability of each class"))
        self.confusion.setAccessibleName(self.tr("Confusion matrix of the held-out photos"))
        self.progress_bar.setAccessibleName(self.tr("Training progress"))
        self.add_class_button.setText(self.tr("Add…"))
        self.add_class_button.setToolTip(self.tr("Add a class (a folder in the project)"))
        self.rename_class_button.setText(self.tr("Rename…"))
        self.delete_class_button.setText(self.tr("Delete"))
        self.delete_class_button.setToolTip(self.tr("Delete the class and the copies of its photos"))
        self.add_images_button.setText(self.tr("Add Photos…"))
        self.add_folder_button.setText(self.tr("Add Folder…"))
        self.paste_button.setText(self.tr("Paste"))
        self.paste_button.setToolTip(self.tr("Add the image or image files on the clipboard to this class"))
        self.remove_images_button.setText(self.tr("Remove"))
        self.remove_images_button.setToolTip(self.tr("Delete the selected copies from the project"))
        self.train_button.setText(self.tr("Train"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.deeper_button.setText(self.tr("Train Deeper…"))
        self.deeper_button.setToolTip(self.tr("Fine-tune the whole network on the project's photos (minutes, "
                                              "in the training dialog): for a few hundred photos a class or more"))
        self.try_title.setText(self.tr("Try it: drop a photo here"))
        self.try_open_button.setText(self.tr("Open Photo…"))
        self.heatmap_check.setText(self.tr("Heatmap"))
        self.heatmap_check.setToolTip(self.tr("Colour the photo where the model found its answer"))
        self.use_button.setText(self.tr("Use in Classify"))
        self.use_button.setToolTip(self.tr("Make this the active model of the Classify tab"))
        self.save_button.setText(self.tr("Save Model As…"))
        self.export_button.setText(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save as .keras, .h5 or TensorFlow Lite, with its labels beside it"))
        if not self.try_view.has_image():
            self.try_view.show_hint(self.tr("Drop a photo"), self.tr("the model answers at once"))
        tabs = self._tab_widget()
        if tabs is not None:
            tabs.setTabText(tabs.indexOf(self), self.tr("Teach"))
        self._update_project()

    def _apply_scheme(self) -> None:
        self._scheme = theme.scheme(self.palette())
        self.train_status.setStyleSheet(f"color: {self._scheme.muted};")

    def _tab_widget(self):
        parent = self.parentWidget()
        return parent.parentWidget() if parent is not None and hasattr(parent.parentWidget(), "setTabText") else None

    # ================================================================ public API (tests drive these)

    @property
    def worker(self) -> TeachWorker:
        """The teach worker, started on first use."""
        if self._worker is None:
            worker = TeachWorker()
            worker.sig_progress.connect(self._on_worker_progress)
            worker.sig_trained.connect(self._on_worker_trained)
            worker.sig_train_failed.connect(self._on_worker_train_failed)
            worker.sig_answer.connect(self._on_worker_answer)
            worker.sig_answer_failed.connect(self._on_worker_answer_failed)
            worker.sig_heatmap.connect(self._on_worker_heatmap)
            self._worker = worker
            self._start_worker(worker, name="teach")
        return self._worker

    def open_project(self, folder: str | os.PathLike, *, create: bool = False) -> bool:
        """Open (or create) a project; False after telling the user why not."""
        try:
            project = TeachProject.create(folder) if create else TeachProject.open(folder)
        except TeachError as exc:
            self._tell(self.tr("Teach"), exc.reason if exc.path is None else str(exc))
            return False
        self.project = project
        self._result = None
        self._changed_since_training = False
        self._settings.add_recent_teach_project(str(project.folder))
        self.accuracy_label.clear()
        self.confusion.show_message(self.tr("Train to see which classes the model mixes up."))
        self.answer_label.clear()
        self.try_chart.clear()
        self._update_project()
        self.worker.prepare()  # the backbone loads while the user adds photos
        if project.model_path.is_file():
            self.train_status.setText(self.tr("A model trained earlier is in the project: try it, or train again."))
        return True

    def add_class(self, name: str) -> str | None:
        try:
            name = self.project.add_class(name)
        except TeachError as exc:
            self._tell(self.tr("Add Class"), exc.reason)
            return None
        self._project_edited(select=name)
        return name

    def rename_class(self, old: str, new: str) -> str | None:
        try:
            new = self.project.rename_class(old, new)
        except TeachError as exc:
            self._tell(self.tr("Rename Class"), exc.reason)
            return None
        self._project_edited(select=new)
        return new

    def delete_class(self, name: str) -> None:
        try:
            self.project.delete_class(name)
        except TeachError as exc:
            self._tell(self.tr("Delete Class"), exc.reason)
            return
        self._project_edited()

    def add_images(self, class_name: str, paths: list[str]) -> None:
        """Copy files and folders into a class (in a worker); the grid updates when they are in."""
        self._start_copy(CopyImagesWorker(str(self.project.folder), class_name, [os.fspath(p) for p in paths]))

    def add_image_data(self, class_name: str, data: bytes, name: str = "pasted.png") -> None:
        self._start_copy(CopyImagesWorker(str(self.project.folder), class_name, data=data, data_name=name))

    def selected_class(self) -> str | None:
        item = self.class_list.currentItem()
        return item.data(CLASS_ROLE) if item is not None else None

    def select_class(self, name: str) -> None:
        for row in range(self.class_list.count()):
            if self.class_list.item(row).data(CLASS_ROLE) == name:
                self.class_list.setCurrentRow(row)
                return

    @Slot()
    def train(self) -> None:
        if self.project is None or self._training:
            return
        problem = self._readiness_text(self.project.status())
        if problem:
            self._tell(self.tr("Train"), problem)
            return
        self._training = True
        self.progress_bar.setRange(0, 0)
        self.train_status.setText(self.tr("Training…"))
        self._busy_timer.start()
        self._update_actions()
        self.worker.train(self.project.folder)
        # the charts' axes for these classes are built now, each in its own turn of the event loop,
        # while the worker trains: at the end only their values change (a rebuild is ~80 ms each)
        QTimer.singleShot(0, self, self._prepare_confusion)

    @Slot()
    def _prepare_confusion(self) -> None:
        if self.project is not None:
            self.confusion.prepare(self.project.classes())
            QTimer.singleShot(0, self, self._prepare_try_chart)

    @Slot()
    def _prepare_try_chart(self) -> None:
        if self.project is not None:
            self.try_chart.ensure_canvas()
            self.try_chart.set_labels(tuple(self.project.classes()))

    @Slot()
    def cancel_training(self) -> None:
        if self._worker is not None and self._training:
            self._worker.cancel_training()
            self.train_status.setText(self.tr("Stopping…"))

    def try_file(self, path: str) -> int:
        """Show a photo in the try-it area and ask the model; returns the request id."""
        self.try_view.show_file(path)
        return self._try(ImageItem(0, path, path))

    def try_image(self, image: QImage, name: str = "") -> int:
        self.try_view.show_image(image)
        return self._try(ImageItem(0, _png_bytes(image), name or self.tr("Dropped image")))

    @Slot()
    def use_in_classify(self) -> None:
        path = self.model_path()
        if path:
            self.sig_use_model.emit(path)

    def model_path(self) -> str | None:
        """The project's saved model, if it has one."""
        if self.project is None or not self.project.model_path.is_file():
            return None
        return str(self.project.model_path)

    def refresh(self) -> None:
        """Read the project folder again (after a change made elsewhere, e.g. a correction)."""
        if self.project is not None:
            self._project_edited(select=self.selected_class())

    def is_training(self) -> bool:
        return self._training

    def shutdown(self) -> None:
        """Stop the one-shot jobs (the window stops the teach worker with its other threads)."""
        for handle in list(self._handles):
            handle.stop()
        if self._thumbnail_handle is not None:
            self._thumbnail_handle.stop()

    # ================================================================ project display

    def _project_edited(self, *, select: str | None = None) -> None:
        self._changed_since_training = self._result is not None or self._changed_since_training
        self._update_project(select=select)

    def _update_project(self, *, select: str | None = None) -> None:
        project = self.project
        has_project = project is not None
        for widget in (self.splitter,):
            widget.setEnabled(has_project)
        if not has_project:
            self.project_label.setText(self.tr("No project open: start one, or open a folder of class folders"))
            self.class_list.clear()
            self.image_grid.clear()
            self.images_title.clear()
            self.train_status.setText(self.tr("Make a few classes, put about 20 photos in each, press Train."))
            self._update_actions()
            return
        self.project_label.setText(self.tr("Project: {0}").format(project.name))
        self.project_label.setToolTip(str(project.folder))
        try:
            status = project.status()
        except TeachError as exc:
            self._tell(self.tr("Teach"), str(exc))
            status = []
        current = select or self.selected_class()
        self.class_list.blockSignals(True)
        self.class_list.clear()
        for entry in status:
            if entry.needs:
                detail = self.tr("%n photo(s) · needs {0} more", "", entry.count).format(entry.needs)
            elif entry.recommended_more:
                detail = self.tr("%n photo(s) · {0} more recommended", "", entry.count).format(entry.recommended_more)
            else:
                detail = self.tr("%n photo(s)", "", entry.count)
            item = QListWidgetItem(f"{entry.name}\n{detail}")
            item.setData(CLASS_ROLE, entry.name)
            cover = str(project.folder / entry.name / entry.images[0]) if entry.images else None
            item.setData(PATH_ROLE, cover)
            item.setIcon(self._thumbnails.get(_thumbnail_key(cover), _placeholder_icon()) if cover else _empty_icon())
            item.setToolTip(self.tr("%n correction(s) among them", "", entry.corrections) if entry.corrections else "")
            if entry.needs:
                item.setForeground(_colour(self._scheme.not_sure))
            self.class_list.addItem(item)
        names = [entry.name for entry in status]
        if current in names:
            self.class_list.setCurrentRow(names.index(current))
        elif names:
            self.class_list.setCurrentRow(0)
        self.class_list.blockSignals(False)  # the grid is filled once, below, not again by the signal
        self._status = status
        self._show_class_images()
        covers = [item.data(PATH_ROLE) for item in map(self.class_list.item, range(self.class_list.count()))]
        self._request_thumbnails([path for path in covers if path and _thumbnail_key(path) not in self._thumbnails])
        problem = self._readiness_text(status)
        if not self._training:
            if problem:
                self.train_status.setText(self.tr("Not ready: {0}.").format(problem))
            elif self._changed_since_training:
                self.train_status.setText(self.tr("The project changed since the last training: train again."))
            elif self._result is None and not project.model_path.is_file():
                self.train_status.setText(self.tr("Ready: press Train."))
        self._update_actions()
        self.sig_project_changed.emit()

    def _show_class_images(self) -> None:
        name = self.selected_class()
        self.image_grid.clear()
        if self.project is None or name is None:
            self.images_title.setText(self.tr("Add a class, then drop photos here.") if self.project else "")
            return
        try:
            paths = [str(p) for p in self.project.images(name)]
        except TeachError as exc:
            self.images_title.setText(exc.reason)
            return
        self.images_title.setText(self.tr("{0}: %n photo(s). Drop photos or folders here: they are copied "
                                          "into the project.", "", len(paths)).format(name))
        missing = []
        placeholder = _placeholder_icon()
        for path in paths:
            item = QListWidgetItem(Path(path).name)
            item.setData(PATH_ROLE, path)
            item.setToolTip(path)
            icon = self._thumbnails.get(_thumbnail_key(path))
            item.setIcon(icon if icon is not None else placeholder)
            if icon is None:
                missing.append(path)
            self.image_grid.addItem(item)
        self._request_thumbnails(missing)

    def _request_thumbnails(self, paths: list[str]) -> None:
        """Thumbnails made in a worker; one job at a time, the latest request replacing the one under way."""
        if not paths:
            return
        if self._thumbnail_handle is not None and self._thumbnail_handle.is_running():
            self._thumbnail_handle.worker.request_stop()
            paths = list(dict.fromkeys(self._thumbnail_wanted + paths))  # what it had not done yet, too
        self._thumbnail_wanted = [p for p in paths if _thumbnail_key(p) not in self._thumbnails]
        worker = ThumbnailWorker(self._thumbnail_wanted)
        worker.sig_thumbnails.connect(self._on_thumbnail_worker_thumbnails)
        self._thumbnail_handle = self._start_worker(worker, name="teach-thumbnails")

    def _update_actions(self) -> None:
        has_project = self.project is not None
        has_class = self.selected_class() is not None
        problem = self._readiness_text(self._status) if has_project else ""
        ready = has_project and not problem
        for button in (self.rename_class_button, self.delete_class_button, self.add_images_button,
                       self.add_folder_button, self.paste_button):
            button.setEnabled(has_class)
        self.remove_images_button.setEnabled(bool(self.image_grid.selectedItems()))
        self.train_button.setEnabled(ready and not self._training)
        self.train_button.setToolTip(problem)
        self.cancel_button.setVisible(self._training)
        self.deeper_button.setEnabled(ready and not self._training)
        has_model = self.model_path() is not None
        for button in (self.use_button, self.save_button, self.export_button, self.try_open_button):
            button.setEnabled(has_model and not self._training)
        self.try_open_button.setEnabled(has_model)

    # ================================================================ worker results

    @Slot(object)
    def _on_thumbnail_worker_thumbnails(self, batch) -> None:
        icons = {}
        for path, rgb in batch:
            icon = QIcon(QPixmap.fromImage(rgb_to_qimage(rgb))) if rgb is not None else _broken_icon(self)
            self._thumbnails[_thumbnail_key(path)] = icon
            icons[path] = icon
        for widget in (self.image_grid, self.class_list):
            for row in range(widget.count()):
                item = widget.item(row)
                icon = icons.get(item.data(PATH_ROLE))
                if icon is not None:
                    item.setIcon(icon)

    @Slot(str, object)
    def _on_copy_worker_copied(self, class_name: str, report) -> None:
        self._project_edited(select=class_name)
        if report.skipped:
            lines = "\n".join(f"{Path(path).name}: {reason}" for path, reason in report.skipped[:8])
            self._tell(self.tr("Add Photos"), self.tr("%n file(s) not added:", "", len(report.skipped)) + "\n" + lines)

    @Slot(str)
    def _on_copy_worker_failed(self, reason: str) -> None:
        self._tell(self.tr("Add Photos"), reason)

    @Slot(str, int, int)
    def _on_worker_progress(self, stage: str, done: int, total: int) -> None:
        texts = {"features": self.tr("Looking at the photos: {0} of {1}").format(done, total),
                 "fit": self.tr("Fitting and cross-validating…"), "save": self.tr("Saving the model…")}
        self.train_status.setText(texts.get(stage, stage))
        index = STAGES.index(stage) if stage in STAGES else 0
        share = done / total if total else 0.0
        # features take most of a cold run; fitting and saving a few seconds
        weights = (0.8, 0.05, 0.15)
        value = sum(weights[:index]) + weights[index] * share
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(int(1000 * value))

    @Slot()
    def _on_busy_timer_timeout(self) -> None:
        if self._training:
            self.progress_bar.show()

    @Slot(str, object)
    def _on_worker_trained(self, folder: str, result) -> None:
        self._end_training()
        if self.project is None or Path(folder) != self.project.folder:
            return  # another project's run, opened since
        if result.stopped:
            self.train_status.setText(self.tr("Training cancelled: the previous model is unchanged."))
            self.sig_trained.emit(result)
            return
        self._result = result
        self._changed_since_training = False
        meta = result.metadata
        held = meta.validation
        self.accuracy_label.setText(self.tr("{0} of held-out photos right").format(percent_text(held["accuracy"])))
        method = self._method_text(held["method"])
        text = self.tr("Trained in {0} s on %n photo(s); held out by {1}: each photo was answered by a model "
                       "that had not seen it.", "", result.images).format(f"{result.seconds:.1f}", method)
        if result.corrections:
            text += " " + self.tr("%n correction(s) used.", "", result.corrections)
        self.train_status.setText(text)
        self.confusion.set_matrix(held["labels"], held["confusion"])
        self.try_chart.set_labels(meta.labels)
        self._update_actions()
        if self._try_source is not None:  # the photo being tried, answered by the new model
            self._try(self._try_source)
        self.sig_trained.emit(result)

    @Slot(str, str)
    def _on_worker_train_failed(self, folder: str, reason: str) -> None:
        self._end_training()
        self.train_status.setText(self.tr("Not trained: {0}").format(reason))
        self._tell(self.tr("Train"), reason)

    def _readiness_text(self, status) -> str:
        """'' when the project can train, else what is missing (core.teach.readiness_message, translated)."""
        if len(status) < 2:
            return self.tr("add at least two classes")
        short = [self.tr("'{0}' needs {1} more").format(entry.name, entry.needs) for entry in status if entry.needs]
        if short:
            return self.tr("each class needs at least {0} photos: {1}").format(MIN_IMAGES, ", ".join(short))
        return ""

    def _method_text(self, method: str) -> str:
        """How the held-out figures were made (core.teach.head's English words), in the interface language."""
        folds = re.match(r"(\d+)-fold cross-validation$", method)
        if folds:
            return self.tr("{0}-fold cross-validation").format(folds.group(1))
        split = re.match(r"a stratified (\d+)% split$", method)
        return self.tr("a stratified {0}% split").format(split.group(1)) if split else method

    def _end_training(self) -> None:
        self._training = False
        self._busy_timer.stop()
        self.progress_bar.hide()
        self._update_actions()

    @Slot(int, object)
    def _on_worker_answer(self, request_id: int, prediction) -> None:
        if request_id != self._try_request:
            return
        if prediction.not_sure:
            text = self.tr("Not sure: looks most like {0} ({1})").format(prediction.label,
                                                                         percent_text(prediction.confidence))
            colour = self._scheme.not_sure
        else:
            text = f"{prediction.label} {percent_text(prediction.confidence)}"
            colour = self._scheme.text
        self.answer_label.setText(text)
        self.answer_label.setStyleSheet(f"color: {colour};")
        self.try_chart.show_prediction(prediction)
        self.sig_answer_shown.emit(prediction)

    @Slot(int, object)
    def _on_worker_heatmap(self, request_id: int, explanation) -> None:
        if request_id != self._try_request:
            return
        self._heatmap = heatmap_qimage(explanation.heatmap)
        self.try_view.set_overlay(self._heatmap if self.heatmap_check.isChecked() else None)

    @Slot(bool)
    def _on_heatmap_check_toggled(self, checked: bool) -> None:
        if checked and self._heatmap is None and self._try_source is not None:
            self._try(self._try_source)  # asked again, with the heatmap this time
        self.try_view.set_overlay(self._heatmap if checked and self._heatmap is not None else None)

    @Slot(int, str)
    def _on_worker_answer_failed(self, request_id: int, reason: str) -> None:
        if request_id != self._try_request:
            return
        self.answer_label.setText(reason)
        self.answer_label.setStyleSheet(f"color: {self._scheme.error};")
        self.try_chart.clear()

    # ================================================================ user actions

    @Slot()
    def _on_new_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("New Project: choose or create an empty folder"))
        if folder:
            self.open_project(folder, create=True)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open Project: a folder with one sub-folder per class"))
        if folder:
            self.open_project(folder)

    @Slot()
    def _on_recent_menu_about_to_show(self) -> None:
        self.recent_menu.clear()
        recent = self._settings.recent_teach_projects
        for folder in recent:
            action = self.recent_menu.addAction(Path(folder).name)
            action.setData(folder)
            action.setToolTip(folder)
        if not recent:
            self.recent_menu.addAction(self.tr("No recent projects")).setEnabled(False)

    @Slot(object)
    def _on_recent_menu_triggered(self, action) -> None:
        if action.data():
            self.open_project(action.data())

    @Slot(object, object)
    def _on_class_list_current_item_changed(self, current, previous) -> None:
        self._show_class_images()
        self._update_actions()

    @Slot(object, object)
    def _on_class_drops_paths(self, paths, position) -> None:
        item = self.class_list.itemAt(position) or self.class_list.currentItem()
        if item is not None:
            self.select_class(item.data(CLASS_ROLE))
            self.add_images(item.data(CLASS_ROLE), paths)

    @Slot(object, object)
    def _on_image_drops_paths(self, paths, position) -> None:
        if self.selected_class() is not None:
            self.add_images(self.selected_class(), paths)

    @Slot(QImage)
    def _on_image_drops_image(self, image: QImage) -> None:
        if self.selected_class() is not None:
            self.add_image_data(self.selected_class(), _png_bytes(image), "dropped.png")

    @Slot(object, object)
    def _on_try_drops_paths(self, paths, position) -> None:
        self.try_file(paths[0])

    @Slot(QImage)
    def _on_try_drops_image(self, image: QImage) -> None:
        self.try_image(image)

    @Slot()
    def _on_add_class_button_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add Class"), self.tr("Name of the new class:"))
        if ok and name.strip():
            self.add_class(name)

    @Slot()
    def _on_rename_class_button_clicked(self) -> None:
        old = self.selected_class()
        if old is None:
            return
        new, ok = QInputDialog.getText(self, self.tr("Rename Class"), self.tr("New name for '{0}':").format(old), text=old)
        if ok and new.strip() and new != old:
            self.rename_class(old, new)

    @Slot()
    def _on_delete_class_button_clicked(self) -> None:
        name = self.selected_class()
        if name is None:
            return
        count = len(self.project.images(name))
        answer = QMessageBox.question(
            self, self.tr("Delete Class"),
            self.tr("Delete the class '{0}' and the copies of its %n photo(s) in the project? The photos you "
                    "added them from are not touched.", "", count).format(name))
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_class(name)

    @Slot()
    def _on_add_images_button_clicked(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Add Photos to '{0}'").format(self.selected_class()),
                                                self._settings.last_folder, self.tr("Images ({0})").format(patterns))
        if paths:
            self._settings.last_folder = str(Path(paths[0]).parent)
            self.add_images(self.selected_class(), paths)

    @Slot()
    def _on_add_folder_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a Folder of Photos to '{0}'").format(
            self.selected_class()), self._settings.last_folder)
        if folder:
            self._settings.last_folder = folder
            self.add_images(self.selected_class(), [folder])

    @Slot()
    def _on_paste_button_clicked(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        name = self.selected_class()
        if mime is None or name is None:
            return
        paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
        if paths:
            self.add_images(name, paths)
        elif mime.hasImage():
            self.add_image_data(name, _png_bytes(QImage(mime.imageData())))
        else:
            self._tell(self.tr("Paste"), self.tr("The clipboard holds no image."))

    @Slot()
    def _on_remove_images_button_clicked(self) -> None:
        paths = [item.data(PATH_ROLE) for item in self.image_grid.selectedItems()]
        if not paths:
            return
        answer = QMessageBox.question(self, self.tr("Remove Photos"), self.tr(
            "Delete %n photo(s) from the project? The photos you added them from are not touched.", "", len(paths)))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.project.remove_images(paths)
        except TeachError as exc:
            self._tell(self.tr("Remove Photos"), str(exc))
        self._project_edited(select=self.selected_class())

    @Slot(object)
    def _on_image_grid_item_double_clicked(self, item) -> None:
        if self.model_path() is not None:
            self.try_file(item.data(PATH_ROLE))

    @Slot()
    def _on_deeper_button_clicked(self) -> None:
        if self.project is not None:
            self.sig_train_deeper.emit(str(self.project.folder))

    @Slot()
    def _on_try_open_button_clicked(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Try a Photo"), self._settings.last_folder,
                                              self.tr("Images ({0})").format(patterns))
        if path:
            self.try_file(path)

    @Slot()
    def _on_save_button_clicked(self) -> None:
        source = self.model_path()
        if source is None:
            return
        suggested = str(Path(self._settings.last_save_folder or Path.home()) / f"{self.project.name}.h5")
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Save Model As"), suggested, self.tr("Keras model (*.h5)"))
        if not target:
            return
        if not target.lower().endswith(".h5"):
            target += ".h5"
        self._settings.last_save_folder = str(Path(target).parent)
        worker = CopyFileWorker(source, target)
        worker.sig_done.connect(self._on_copy_file_worker_done)
        worker.sig_failed.connect(self._on_copy_file_worker_failed)
        self._keep(self._start_worker(worker, name="teach-save"))

    @Slot(str)
    def _on_copy_file_worker_done(self, path: str) -> None:
        self.train_status.setText(self.tr("Saved as {0}").format(path))

    @Slot(str)
    def _on_copy_file_worker_failed(self, reason: str) -> None:
        self._tell(self.tr("Save Model As"), reason)

    @Slot()
    def _on_export_button_clicked(self) -> None:
        from infinityvision_desktop.gui.export_dialog import ExportDialog

        source = self.model_path()
        if source is None:
            return
        if getattr(self, "export_dialog", None) is None:
            self.export_dialog = ExportDialog(self._start_worker, self)
        if not self.export_dialog.is_exporting():
            self.export_dialog.set_model(source, self.project.name)
        self.export_dialog.show()
        self.export_dialog.raise_()

    # ================================================================ helpers

    def _try(self, item: ImageItem) -> int:
        if self.project is None:
            return 0
        self._try_source = item
        self._heatmap = None  # the shown photo's, once the worker has it
        self.answer_label.setText(self.tr("Answering…"))
        self.answer_label.setStyleSheet(f"color: {self._scheme.muted};")
        self._try_request = self.worker.try_image(self.project.folder, item, heatmap=self.heatmap_check.isChecked())
        return self._try_request

    def _start_copy(self, worker: CopyImagesWorker) -> None:
        worker.sig_copied.connect(self._on_copy_worker_copied)
        worker.sig_failed.connect(self._on_copy_worker_failed)
        self._keep(self._start_worker(worker, name="teach-copy"))

    def _keep(self, handle) -> None:
        self._handles.append(handle)
        handle.sig_done.connect(self._on_handle_done)

    @Slot()
    def _on_handle_done(self) -> None:
        self._handles = [handle for handle in self._handles if handle.is_running()]

    def _tell(self, title: str, text: str) -> None:
        self.last_message = text
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def _thumbnail_key(path: str) -> tuple[str, int]:
    try:
        return path, os.stat(path).st_mtime_ns
    except OSError:
        return path, 0


def _png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def _colour(name: str):
    from PySide6.QtGui import QBrush, QColor

    return QBrush(QColor(name))


_PLACEHOLDER: QIcon | None = None


def _placeholder_icon() -> QIcon:
    """A plain grey square while the thumbnail is made."""
    global _PLACEHOLDER
    if _PLACEHOLDER is None:
        pixmap = QPixmap(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
        pixmap.fill(Qt.GlobalColor.lightGray)
        _PLACEHOLDER = QIcon(pixmap)
    return _PLACEHOLDER


def _empty_icon() -> QIcon:
    """A class without photos: a transparent square keeps the names in line."""
    pixmap = QPixmap(CLASS_ICON_SIDE, CLASS_ICON_SIDE)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)


def _broken_icon(widget: QWidget) -> QIcon:
    return widget.style().standardIcon(widget.style().StandardPixmap.SP_MessageBoxWarning)


__all__ = ["TeachView", "DropFilter"]
