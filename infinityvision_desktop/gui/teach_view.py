"""The Teach tab: your own classes from about twenty photos each, trained in seconds (issue 19).

Under the project bar (gui.teach_project_bar), three columns: the project's classes with how many
more photos each needs (gui.teach_class_list), the selected class's photos as thumbnails
(gui.teach_photo_grid), and Train with its held-out accuracy and confusion matrix
(gui.teach_train_panel) above the try-it area (gui.teach_try_panel). The project is a folder of
class folders on disk (core.teach); photos dropped, pasted or opened are copied in, never moved. A
row of the Classify results or the History dropped on a class is a correction when the model said
another class (gui.teach_drops).

TeachView composes the panels and is the one place that changes the project and talks to the
workers: a panel asks by a signal, the view answers with plain method calls. Thin: every decision
is in core.teach, all heavy work in gui.teach_workers (training, trying, copying, thumbnails). The
backbone loads in the teach worker when a project is opened.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFrame, QMessageBox, QScrollArea, QSplitter, QVBoxLayout, QWidget

from infinityvision_desktop.core.teach import TeachError, TeachProject
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.teach_class_list import CLASS_ROLE, ClassListPanel
from infinityvision_desktop.gui.teach_drops import DropFilter
from infinityvision_desktop.gui.teach_model_file import ModelFileActions
from infinityvision_desktop.gui.teach_photo_grid import PhotoGridPanel
from infinityvision_desktop.gui.teach_project_bar import ProjectBar
from infinityvision_desktop.gui.teach_thumbnails import PATH_ROLE, ThumbnailCache
from infinityvision_desktop.gui.teach_train_panel import TrainPanel
from infinityvision_desktop.gui.teach_try_panel import TryPanel
from infinityvision_desktop.gui.teach_workers import CopyImagesWorker, TeachWorker
from infinityvision_desktop.gui.workers import ImageItem


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
        self._result = None  # the latest TeachResult of this project
        self._changed_since_training = False
        self._status = []  # the project's ClassStatus list, as last read
        self._handles = []  # one-shot jobs under way
        self.last_message = ""  # the latest message box text (what the user was told)
        self._create_widgets()
        self._connect_signals()
        self.retranslate_ui()
        self._update_project()

    # ================================================================ construction

    def _create_widgets(self) -> None:
        self._thumbnails = ThumbnailCache(self._start_worker, self)
        self.project_bar = ProjectBar(self._settings)
        self.classes_panel = ClassListPanel(self._thumbnails)
        self.photos_panel = PhotoGridPanel(self._settings, self._thumbnails)
        self.train_panel = TrainPanel()
        self.try_panel = TryPanel(self._settings, self._ask_model, self._start_worker)
        self._model_file = ModelFileActions(self._start_worker, self._settings, self)
        # the widgets that tests, benchmarks and the screenshot script drive, by their names on the tab
        self.project_label = self.project_bar.project_label
        self.new_button = self.project_bar.new_button
        self.class_list = self.classes_panel.class_list
        self.add_class_button = self.classes_panel.add_class_button
        self.image_grid = self.photos_panel.image_grid
        self.train_button = self.train_panel.train_button
        self.deeper_button = self.train_panel.deeper_button
        self.train_status = self.train_panel.train_status
        self.accuracy_label = self.train_panel.accuracy_label
        self.confusion = self.train_panel.confusion
        self.try_view = self.try_panel.try_view
        self.answer_label = self.try_panel.answer_label
        self.heatmap_check = self.try_panel.heatmap_check
        self.use_button = self.try_panel.use_button
        self.splitter = _columns(self.classes_panel, self.photos_panel, _stacked(self.train_panel, self.try_panel))
        self.scroll_area = _scrolling(self.project_bar, self.splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)

        # photos dropped anywhere else in the tab go to the selected class too, not to Classify's list
        self.tab_drops = DropFilter(self, answers=True)
        self._apply_scheme()

    def _connect_signals(self) -> None:
        self.project_bar.sig_open_requested.connect(self._on_project_bar_open_requested)
        classes = self.classes_panel
        classes.sig_selected.connect(self._on_classes_panel_selected)
        classes.sig_add_requested.connect(self.add_class)
        classes.sig_rename_requested.connect(self.rename_class)
        classes.sig_delete_requested.connect(self.delete_class)
        classes.sig_paths_dropped.connect(self.add_images)
        classes.sig_answers_dropped.connect(self.add_answered)
        photos = self.photos_panel
        photos.sig_paths_added.connect(self.add_images)
        photos.sig_data_added.connect(self.add_image_data)
        photos.sig_answers_added.connect(self.add_answered)
        photos.sig_remove_requested.connect(self._on_photos_panel_remove_requested)
        photos.sig_try_requested.connect(self._on_photos_panel_try_requested)
        photos.sig_message.connect(self._tell)
        self._model_file.sig_message.connect(self._tell)
        self._model_file.sig_saved.connect(self._on_model_file_saved)
        self.tab_drops.sig_paths.connect(photos.drop_paths)
        self.tab_drops.sig_image.connect(photos.drop_image)
        self.tab_drops.sig_answers.connect(photos.drop_answers)
        self.train_panel.sig_train_requested.connect(self.train)
        self.train_panel.sig_cancel_requested.connect(self.cancel_training)
        self.train_panel.sig_deeper_requested.connect(self._on_train_panel_deeper_requested)
        trying = self.try_panel
        trying.sig_answer_shown.connect(self.sig_answer_shown)
        trying.sig_use_requested.connect(self.use_in_classify)
        trying.sig_save_requested.connect(self._on_try_panel_save_requested)
        trying.sig_export_requested.connect(self._on_try_panel_export_requested)

    def retranslate_ui(self) -> None:
        for panel in (self.project_bar, self.classes_panel, self.photos_panel, self.train_panel, self.try_panel):
            panel.retranslate_ui()
        tabs = self._tab_widget()
        if tabs is not None:
            tabs.setTabText(tabs.indexOf(self), self.tr("Teach"))
        self._update_project()

    def _apply_scheme(self) -> None:
        colours = theme.scheme(self.palette())
        for panel in (self.classes_panel, self.train_panel, self.try_panel):
            panel.apply_scheme(colours)

    def _tab_widget(self):
        parent = self.parentWidget()
        return parent.parentWidget() if parent is not None and hasattr(parent.parentWidget(), "setTabText") else None

    # ================================================================ public API (tests drive these)

    @property
    def worker(self) -> TeachWorker:
        """The teach worker, started on first use."""
        if self._worker is None:
            worker = TeachWorker()
            worker.sig_progress.connect(self.train_panel.show_progress)
            worker.sig_trained.connect(self._on_worker_trained)
            worker.sig_train_failed.connect(self._on_worker_train_failed)
            worker.sig_answer.connect(self.try_panel.show_answer)
            worker.sig_answer_failed.connect(self.try_panel.show_answer_failed)
            worker.sig_heatmap.connect(self.try_panel.show_heatmap)
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
        self.train_panel.clear_results()
        self.try_panel.clear_answer()
        self._update_project()
        self.worker.prepare()  # the backbone loads while the user adds photos
        if project.model_path.is_file():
            self.train_panel.show_model_found()
        return True

    def add_class(self, name: str) -> str | None:
        """The new class's name (cleaned up), or None after telling the user why not."""
        return self._change_classes(self.tr("Add Class"), self.project.add_class, name)

    def rename_class(self, old: str, new: str) -> str | None:
        return self._change_classes(self.tr("Rename Class"), self.project.rename_class, old, new)

    def delete_class(self, name: str) -> None:
        self._change_classes(self.tr("Delete Class"), self.project.delete_class, name)

    def _change_classes(self, title: str, change, *args) -> str | None:
        """Run a TeachProject change; the class it names (None for a delete) is selected after it."""
        try:
            name = change(*args)
        except TeachError as exc:
            self._tell(title, exc.reason)
            return None
        self._project_edited(select=name)
        return name

    def add_images(self, class_name: str, paths: list[str]) -> None:
        """Copy files and folders into a class (in a worker); the grid updates when they are in."""
        self._start_copy(CopyImagesWorker(str(self.project.folder), class_name, [os.fspath(p) for p in paths]))

    def add_image_data(self, class_name: str, data: bytes, name: str = "pasted.png") -> None:
        self._start_copy(CopyImagesWorker(str(self.project.folder), class_name, data=data, data_name=name))

    def add_answered(self, class_name: str, images: list) -> None:
        """Copy classified images (core.teach.project.AnsweredImage, dragged from Classify or the History)
        into a class; those the model answered as another class are marked as corrections."""
        self._start_copy(CopyImagesWorker(str(self.project.folder), class_name, answered=images))

    def selected_class(self) -> str | None:
        return self.classes_panel.selected_class()

    def select_class(self, name: str) -> None:
        self.classes_panel.select_class(name)

    @Slot()
    def train(self) -> None:
        if self.project is None or self.is_training():
            return
        problem = self.train_panel.readiness_text(self.project.status())
        if problem:
            self._tell(self.tr("Train"), problem)
            return
        self.train_panel.start()
        self._update_actions()
        self.worker.train(self.project.folder)
        # the charts' axes for these classes are built now, each in its own turn of the event loop,
        # while the worker trains: at the end only their values change (a rebuild would stall the window)
        QTimer.singleShot(0, self, self._prepare_confusion)

    @Slot()
    def _prepare_confusion(self) -> None:
        if self.project is not None:
            self.train_panel.prepare_chart(self.project.classes())
            QTimer.singleShot(0, self, self._prepare_try_chart)

    @Slot()
    def _prepare_try_chart(self) -> None:
        if self.project is not None:
            self.try_panel.prepare_chart(self.project.classes())

    @Slot()
    def cancel_training(self) -> None:
        if self._worker is not None and self.is_training():
            self._worker.cancel_training()
            self.train_panel.show_stopping()

    def try_file(self, path: str) -> int:
        """Show a photo in the try-it area and ask the model; returns the request id."""
        return self.try_panel.try_file(path)

    def try_image(self, image: QImage, name: str = "") -> int:
        return self.try_panel.try_image(image, name)

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
        return self.train_panel.is_training()

    def shutdown(self) -> None:
        """Stop the one-shot jobs (the window stops the teach worker with its other threads)."""
        for handle in list(self._handles):
            handle.stop()
        self._model_file.stop()
        self._thumbnails.stop()

    # ================================================================ project display

    def _project_edited(self, *, select: str | None = None) -> None:
        self._changed_since_training = self._result is not None or self._changed_since_training
        self._update_project(select=select)

    def _update_project(self, *, select: str | None = None) -> None:
        project = self.project
        self.splitter.setEnabled(project is not None)
        self.project_bar.show_project(project)
        if project is None:
            self.classes_panel.clear()
            self.photos_panel.show_class(None, None)
            self.train_panel.show_no_project()
            self._update_actions()
            return
        try:
            status = project.status()
        except TeachError as exc:
            self._tell(self.tr("Teach"), str(exc))
            status = []
        self.classes_panel.show_classes(project.folder, status, select=select)
        self._status = status
        self.photos_panel.show_class(self.project, self.selected_class())
        self.train_panel.show_readiness(
            status,
            changed=self._changed_since_training,
            has_model=self._result is not None or project.model_path.is_file(),
        )
        self._update_actions()
        self.sig_project_changed.emit()

    def _update_actions(self) -> None:
        self.train_panel.set_state(self._status if self.project is not None else None)
        self.try_panel.set_model_state(has_model=self.model_path() is not None, training=self.is_training())

    # ================================================================ worker results

    @Slot(str, object)
    def _on_copy_worker_copied(self, class_name: str, report) -> None:
        self._project_edited(select=class_name)
        if report.skipped:
            lines = "\n".join(f"{Path(path).name}: {reason}" for path, reason in report.skipped[:8])
            self._tell(self.tr("Add Photos"), self.tr("%n file(s) not added:", "", len(report.skipped)) + "\n" + lines)

    @Slot(str)
    def _on_copy_worker_failed(self, reason: str) -> None:
        self._tell(self.tr("Add Photos"), reason)

    @Slot(str, object)
    def _on_worker_trained(self, folder: str, result) -> None:
        self._end_training()
        if self.project is None or Path(folder) != self.project.folder:
            return  # another project's run, opened since
        if result.stopped:
            self.train_panel.show_cancelled()
            self.sig_trained.emit(result)
            return
        self._result = result
        self._changed_since_training = False
        self.train_panel.show_result(result)
        self.try_panel.set_labels(result.metadata.labels)
        self._update_actions()
        self.try_panel.ask_again()  # the photo being tried, answered by the new model
        self.sig_trained.emit(result)

    @Slot(str, str)
    def _on_worker_train_failed(self, folder: str, reason: str) -> None:
        self._end_training()
        self.train_panel.show_failed(reason)
        self._tell(self.tr("Train"), reason)

    def _end_training(self) -> None:
        self.train_panel.end()
        self._update_actions()

    @Slot(str)
    def _on_model_file_saved(self, path: str) -> None:
        self.train_panel.show_status(self.tr("Saved as {0}").format(path))

    # ================================================================ what the panels ask for

    @Slot(str, bool)
    def _on_project_bar_open_requested(self, folder: str, create: bool) -> None:
        self.open_project(folder, create=create)

    @Slot()
    def _on_classes_panel_selected(self) -> None:
        self.photos_panel.show_class(self.project, self.selected_class())
        self._update_actions()

    @Slot(object)
    def _on_photos_panel_remove_requested(self, paths) -> None:
        try:
            self.project.remove_images(paths)
        except TeachError as exc:
            self._tell(self.tr("Remove Photos"), str(exc))
        self._project_edited(select=self.selected_class())

    @Slot(str)
    def _on_photos_panel_try_requested(self, path: str) -> None:
        if self.model_path() is not None:
            self.try_file(path)

    @Slot()
    def _on_train_panel_deeper_requested(self) -> None:
        if self.project is not None:
            self.sig_train_deeper.emit(str(self.project.folder))

    @Slot()
    def _on_try_panel_save_requested(self) -> None:
        if self.model_path() is not None:
            self._model_file.save_as(self.model_path(), self.project.name)

    @Slot()
    def _on_try_panel_export_requested(self) -> None:
        if self.model_path() is not None:
            self._model_file.export(self.model_path(), self.project.name)

    # ================================================================ helpers

    def _ask_model(self, item: ImageItem, heatmap: bool) -> int:
        """The try-it panel's question, sent to the worker: its request id, 0 with no project open."""
        if self.project is None:
            return 0
        return self.worker.try_image(self.project.folder, item, heatmap=heatmap)

    def _start_copy(self, worker: CopyImagesWorker) -> None:
        worker.sig_copied.connect(self._on_copy_worker_copied)
        worker.sig_failed.connect(self._on_copy_worker_failed)
        handle = self._start_worker(worker, name="teach-copy")
        self._handles.append(handle)
        handle.sig_done.connect(self._on_handle_done)

    @Slot()
    def _on_handle_done(self) -> None:
        self._handles = [handle for handle in self._handles if handle.is_running()]

    @Slot(str, str)
    def _tell(self, title: str, text: str) -> None:
        self.last_message = text
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def _stacked(train_panel: QWidget, try_panel: QWidget) -> QWidget:
    """The right column: Train and its figures above the try-it area, a line between them."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(train_panel, 3)
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    layout.addWidget(line)
    layout.addWidget(try_panel, 2)
    return column


def _columns(*columns: QWidget) -> QSplitter:
    """Classes, photos, results: the photos and the results get twice the classes' extra room."""
    splitter = QSplitter(Qt.Orientation.Horizontal)
    for index, (column, stretch) in enumerate(zip(columns, (2, 4, 4))):
        splitter.addWidget(column)
        splitter.setStretchFactor(index, stretch)
    splitter.setChildrenCollapsible(False)
    splitter.setSizes([230, 470, 480])
    return splitter


def _scrolling(project_bar: QWidget, splitter: QSplitter) -> QScrollArea:
    """The project bar above the columns, in a scroll area: three full columns need more room than
    the window's smallest size, which the other tabs fit in (a tab page's minimum size would become
    the whole window's)."""
    content = QWidget()
    layout = QVBoxLayout(content)
    layout.setContentsMargins(12, 10, 12, 6)
    layout.addWidget(project_bar)
    layout.addWidget(splitter, 1)
    scroll_area = QScrollArea()
    scroll_area.setWidgetResizable(True)
    scroll_area.setFrameShape(QFrame.Shape.NoFrame)
    scroll_area.setWidget(content)
    return scroll_area


__all__ = ["TeachView", "DropFilter", "CLASS_ROLE", "PATH_ROLE"]
