"""The Teach tab's middle column: the selected class's photos as thumbnails, where photos are dropped,
pasted or added from files and folders, and removed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.core.images import IMAGE_SUFFIXES
from infinityvision_desktop.core.teach import TeachError
from infinityvision_desktop.gui.teach_drops import DropFilter, png_bytes
from infinityvision_desktop.gui.teach_thumbnails import PATH_ROLE, ThumbnailCache, placeholder_icon, show_icons
from infinityvision_desktop.gui.teach_workers import THUMBNAIL_SIDE


class PhotoGridPanel(QWidget):
    """The photos of one class. The view calls `retranslate_ui()`, fills it with `show_class()` and
    copies in or deletes what the signals ask."""

    sig_paths_added = Signal(str, object)
    """Files or folders to copy into a class: its name and the paths."""
    sig_data_added = Signal(str, object, str)
    """An image without a file (dropped from a browser, pasted) for a class: its name, PNG bytes, a file name."""
    sig_answers_added = Signal(str, object)
    """Classified images dragged from Classify or the History for a class: its name and the AnsweredImages."""
    sig_remove_requested = Signal(object)
    """Photos of the project the user confirmed to delete (their paths)."""
    sig_try_requested = Signal(str)
    """A photo double-clicked: try it."""
    sig_message = Signal(str, str)
    """Something to tell the user: a title and the text."""

    def __init__(self, settings, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._thumbnails = thumbnails
        self._class_name: str | None = None
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
        self.image_drops = DropFilter(self.image_grid, answers=True)
        self.add_images_button = QPushButton()
        self.add_folder_button = QPushButton()
        self.paste_button = QPushButton()
        self.remove_images_button = QPushButton()
        buttons = QHBoxLayout()
        for button in (self.add_images_button, self.add_folder_button, self.paste_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_images_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.images_title)
        layout.addWidget(self.image_grid, 1)
        layout.addLayout(buttons)
        self.image_drops.sig_paths.connect(self.drop_paths)
        self.image_drops.sig_image.connect(self.drop_image)
        self.image_drops.sig_answers.connect(self.drop_answers)
        self.add_images_button.clicked.connect(self._on_add_images_button_clicked)
        self.add_folder_button.clicked.connect(self._on_add_folder_button_clicked)
        self.paste_button.clicked.connect(self._on_paste_button_clicked)
        self.remove_images_button.clicked.connect(self._on_remove_images_button_clicked)
        self.image_grid.itemSelectionChanged.connect(self._update_buttons)
        self.image_grid.itemDoubleClicked.connect(self._on_image_grid_item_double_clicked)
        thumbnails.sig_icons.connect(self._on_thumbnails_icons)
        self._update_buttons()

    def retranslate_ui(self) -> None:
        self.image_grid.setAccessibleName(self.tr("Photos of the selected class"))
        self.add_images_button.setText(self.tr("Add Photos…"))
        self.add_folder_button.setText(self.tr("Add Folder…"))
        self.paste_button.setText(self.tr("Paste"))
        self.paste_button.setToolTip(self.tr("Add the image or image files on the clipboard to this class"))
        self.remove_images_button.setText(self.tr("Remove"))
        self.remove_images_button.setToolTip(self.tr("Delete the selected copies from the project"))

    # --- what the view shows here ---

    def show_class(self, project, class_name: str | None) -> None:
        """The photos of a class of `project` (a core.teach.TeachProject, or None); thumbnails not made
        yet are asked for and fill in as they come."""
        self._class_name = None
        self.image_grid.clear()
        if project is None or class_name is None:
            self.images_title.setText(self.tr("Add a class, then drop photos here.") if project is not None else "")
            self._update_buttons()
            return
        self._class_name = class_name  # its folder may not be readable: then the copy says why
        try:
            paths = [str(path) for path in project.images(class_name)]
        except TeachError as exc:
            self.images_title.setText(exc.reason)
            self._update_buttons()
            return
        self.images_title.setText(
            self.tr(
                "{0}: %n photo(s). Drop photos or folders here: they are copied into the project.", "", len(paths)
            ).format(class_name)
        )
        missing = []
        placeholder = placeholder_icon()
        for path in paths:
            item = QListWidgetItem(Path(path).name)
            item.setData(PATH_ROLE, path)
            item.setToolTip(path)
            icon = self._thumbnails.icon(path)
            item.setIcon(icon if icon is not None else placeholder)
            if icon is None:
                missing.append(path)
            self.image_grid.addItem(item)
        self._thumbnails.request(missing)
        self._update_buttons()

    @Slot(object, object)
    def drop_paths(self, paths, position=None) -> None:
        """Files or folders dropped here (or elsewhere in the tab): into the class shown."""
        if self._class_name is not None:
            self.sig_paths_added.emit(self._class_name, paths)

    @Slot(QImage)
    def drop_image(self, image: QImage) -> None:
        if self._class_name is not None:
            self.sig_data_added.emit(self._class_name, png_bytes(image), "dropped.png")

    @Slot(object, object)
    def drop_answers(self, images, position=None) -> None:
        """Classified images dropped here (or elsewhere in the tab): into the class shown, as corrections."""
        if self._class_name is not None:
            self.sig_answers_added.emit(self._class_name, images)

    def _update_buttons(self) -> None:
        has_class = self._class_name is not None
        for button in (self.add_images_button, self.add_folder_button, self.paste_button):
            button.setEnabled(has_class)
        self.remove_images_button.setEnabled(bool(self.image_grid.selectedItems()))

    # --- the user ---

    @Slot(object)
    def _on_thumbnails_icons(self, icons) -> None:
        show_icons(self.image_grid, icons)

    @Slot()
    def _on_add_images_button_clicked(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Add Photos to '{0}'").format(self._class_name),
            self._settings.last_folder,
            self.tr("Images ({0})").format(patterns),
        )
        if paths:
            self._settings.last_folder = str(Path(paths[0]).parent)
            self.sig_paths_added.emit(self._class_name, paths)

    @Slot()
    def _on_add_folder_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Add a Folder of Photos to '{0}'").format(self._class_name), self._settings.last_folder
        )
        if folder:
            self._settings.last_folder = folder
            self.sig_paths_added.emit(self._class_name, [folder])

    @Slot()
    def _on_paste_button_clicked(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        name = self._class_name
        if mime is None or name is None:
            return
        paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
        if paths:
            self.sig_paths_added.emit(name, paths)
        elif mime.hasImage():
            self.sig_data_added.emit(name, png_bytes(QImage(mime.imageData())), "pasted.png")
        else:
            self.sig_message.emit(self.tr("Paste"), self.tr("The clipboard holds no image."))

    @Slot()
    def _on_remove_images_button_clicked(self) -> None:
        paths = [item.data(PATH_ROLE) for item in self.image_grid.selectedItems()]
        if not paths:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remove Photos"),
            self.tr(
                "Delete %n photo(s) from the project? The photos you added them from are not touched.", "", len(paths)
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.sig_remove_requested.emit(paths)

    @Slot(object)
    def _on_image_grid_item_double_clicked(self, item) -> None:
        self.sig_try_requested.emit(item.data(PATH_ROLE))
