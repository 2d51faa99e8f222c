"""The Teach tab's left column: the project's classes, each with its first photo, how many photos it
has and how many more it needs, and the buttons that add, rename and delete classes."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.teach_drops import DropFilter
from infinityvision_desktop.gui.teach_thumbnails import (
    PATH_ROLE,
    ThumbnailCache,
    empty_icon,
    placeholder_icon,
    show_icons,
)

CLASS_ICON_SIDE = 40  # each class shows its first photo
CLASS_ROLE = Qt.ItemDataRole.UserRole + 1  # the class name of an item


class ClassListPanel(QWidget):
    """The classes of the open project. The view calls `retranslate_ui()` and `apply_scheme()`, and
    does what the signals ask (the project changes only there)."""

    sig_selected = Signal()
    """Another class was selected (`selected_class()`), by the user or by a drop on it."""
    sig_add_requested = Signal(str)
    """The name the user gave a new class."""
    sig_rename_requested = Signal(str, str)
    """The class to rename and its new name."""
    sig_delete_requested = Signal(str)
    """A class the user confirmed to delete."""
    sig_paths_dropped = Signal(str, object)
    """Files or folders dropped on a class: its name and the paths."""
    sig_answers_dropped = Signal(str, object)
    """Classified images (from Classify or the History) dropped on a class: its name and the AnsweredImages."""

    def __init__(self, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._thumbnails = thumbnails
        self._counts: dict[str, int] = {}  # photos per class, as listed
        self._not_ready_colour = theme.scheme(self.palette()).not_sure
        self.classes_title = QLabel()
        self.class_list = QListWidget()
        self.class_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.class_list.setMinimumWidth(190)
        self.class_list.setIconSize(QSize(CLASS_ICON_SIDE, CLASS_ICON_SIDE))
        self.class_list.setSpacing(3)
        self.class_drops = DropFilter(self.class_list, answers=True)  # a row dropped on a class: "this is a ..."
        self.add_class_button = QPushButton()
        self.rename_class_button = QPushButton()
        self.delete_class_button = QPushButton()
        buttons = QHBoxLayout()
        for button in (self.add_class_button, self.rename_class_button, self.delete_class_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.classes_title)
        layout.addWidget(self.class_list, 1)
        layout.addLayout(buttons)
        self.class_list.currentItemChanged.connect(self._on_class_list_current_item_changed)
        self.class_drops.sig_paths.connect(self._on_class_drops_paths)
        self.class_drops.sig_answers.connect(self._on_class_drops_answers)
        self.add_class_button.clicked.connect(self._on_add_class_button_clicked)
        self.rename_class_button.clicked.connect(self._on_rename_class_button_clicked)
        self.delete_class_button.clicked.connect(self._on_delete_class_button_clicked)
        thumbnails.sig_icons.connect(self._on_thumbnails_icons)
        self._update_buttons()

    def retranslate_ui(self) -> None:
        self.classes_title.setText(self.tr("Classes"))
        self.class_list.setAccessibleName(self.tr("Classes"))
        self.add_class_button.setText(self.tr("Add…"))
        self.add_class_button.setToolTip(self.tr("Add a class (a folder in the project)"))
        self.rename_class_button.setText(self.tr("Rename…"))
        self.delete_class_button.setText(self.tr("Delete"))
        self.delete_class_button.setToolTip(self.tr("Delete the class and the copies of its photos"))

    def apply_scheme(self, colours: theme.Scheme) -> None:
        self._not_ready_colour = colours.not_sure  # used from the next `show_classes()`

    # --- what the view shows here ---

    def show_classes(self, folder, status, *, select: str | None = None) -> None:
        """List a project's classes (its ClassStatus list); keep the selection, or select `select`.
        Emits no sig_selected: the view shows the selected class's photos itself after this."""
        current = select or self.selected_class()
        self.class_list.blockSignals(True)
        self.class_list.clear()
        for entry in status:
            self.class_list.addItem(self._item(folder, entry))
        names = [entry.name for entry in status]
        if current in names:
            self.class_list.setCurrentRow(names.index(current))
        elif names:
            self.class_list.setCurrentRow(0)
        self.class_list.blockSignals(False)
        self._counts = {entry.name: entry.count for entry in status}
        self._update_buttons()
        covers = [self.class_list.item(row).data(PATH_ROLE) for row in range(self.class_list.count())]
        self._thumbnails.request([path for path in covers if path])

    def clear(self) -> None:
        self.class_list.clear()
        self._counts = {}
        self._update_buttons()

    def selected_class(self) -> str | None:
        item = self.class_list.currentItem()
        return item.data(CLASS_ROLE) if item is not None else None

    def select_class(self, name: str) -> None:
        for row in range(self.class_list.count()):
            if self.class_list.item(row).data(CLASS_ROLE) == name:
                self.class_list.setCurrentRow(row)
                return

    def _item(self, folder, entry) -> QListWidgetItem:
        if entry.needs:
            detail = self.tr("%n photo(s) · needs {0} more", "", entry.count).format(entry.needs)
        elif entry.recommended_more:
            detail = self.tr("%n photo(s) · {0} more recommended", "", entry.count).format(entry.recommended_more)
        else:
            detail = self.tr("%n photo(s)", "", entry.count)
        item = QListWidgetItem(f"{entry.name}\n{detail}")
        item.setData(CLASS_ROLE, entry.name)
        cover = str(folder / entry.name / entry.images[0]) if entry.images else None
        item.setData(PATH_ROLE, cover)
        if cover is None:
            item.setIcon(empty_icon(CLASS_ICON_SIDE))
        else:
            item.setIcon(self._thumbnails.icon(cover) or placeholder_icon())
        item.setToolTip(self.tr("%n correction(s) among them", "", entry.corrections) if entry.corrections else "")
        if entry.needs:
            item.setForeground(QBrush(QColor(self._not_ready_colour)))
        return item

    def _update_buttons(self) -> None:
        has_class = self.selected_class() is not None
        self.rename_class_button.setEnabled(has_class)
        self.delete_class_button.setEnabled(has_class)

    # --- the user ---

    @Slot(object, object)
    def _on_class_list_current_item_changed(self, current, previous) -> None:
        self._update_buttons()
        self.sig_selected.emit()

    @Slot(object, object)
    def _on_class_drops_paths(self, paths, position) -> None:
        item = self.class_list.itemAt(position) or self.class_list.currentItem()
        if item is not None:
            self.select_class(item.data(CLASS_ROLE))
            self.sig_paths_dropped.emit(item.data(CLASS_ROLE), paths)

    @Slot(object, object)
    def _on_class_drops_answers(self, images, position) -> None:
        item = self.class_list.itemAt(position) or self.class_list.currentItem()
        if item is not None:
            self.select_class(item.data(CLASS_ROLE))
            self.sig_answers_dropped.emit(item.data(CLASS_ROLE), images)

    @Slot(object)
    def _on_thumbnails_icons(self, icons) -> None:
        show_icons(self.class_list, icons)

    @Slot()
    def _on_add_class_button_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add Class"), self.tr("Name of the new class:"))
        if ok and name.strip():
            self.sig_add_requested.emit(name)

    @Slot()
    def _on_rename_class_button_clicked(self) -> None:
        old = self.selected_class()
        if old is None:
            return
        new, ok = QInputDialog.getText(
            self, self.tr("Rename Class"), self.tr("New name for '{0}':").format(old), text=old
        )
        if ok and new.strip() and new != old:
            self.sig_rename_requested.emit(old, new)

    @Slot()
    def _on_delete_class_button_clicked(self) -> None:
        name = self.selected_class()
        if name is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete Class"),
            self.tr(
                "Delete the class '{0}' and the copies of its %n photo(s) in the project? The photos you "
                "added them from are not touched.",
                "",
                self._counts.get(name, 0),
            ).format(name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.sig_delete_requested.emit(name)
