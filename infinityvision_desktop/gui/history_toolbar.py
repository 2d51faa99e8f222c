"""The History tab's actions on entries: open again, show in folder, rename, forget, export and clear
all, as a tool bar, in the table's context menu and on the table's keys."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QMessageBox, QStyle, QToolBar, QWidget

from infinityvision_desktop.core.history import HistoryStore
from infinityvision_desktop.gui.history_model import DATABASE_ERRORS
from infinityvision_desktop.gui.history_table import HistoryTable

log = logging.getLogger(__name__)


class HistoryToolBar(QToolBar):
    """Acts on the entries selected in `table`, changing its model's store. Export is the tab's to do
    (it writes in the writer thread): the tab connects `export_action`. The tab calls `retranslate_ui()`
    and `set_total()`."""

    sig_open_requested = Signal(object, object)
    """Show an entry again in the Classify tab: its HistoryRow and stored thumbnail (RGB uint8) or None."""
    sig_message = Signal(str, str)
    """Something to tell the user above the table: the text and its kind, "info", "warning" or "error"."""
    sig_store_changed = Signal()
    """Entries were renamed or forgotten: the tab lists them again (the selection is set afterwards)."""
    sig_context_menu = Signal(QMenu)
    """The table's context menu, about to be shown for the selected entries: other tabs add their actions
    (the Teach tab's "This Is a…"). Connect directly: the menu is shown right after."""

    def __init__(self, table: HistoryTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._table = table
        self._model = table.model()
        self._grand_total = 0  # entries in the history, whatever the filters

        def action(icon: QStyle.StandardPixmap | None = None) -> QAction:
            new = QAction(self)
            if icon is not None:
                new.setIcon(self.style().standardIcon(icon))
            return new

        pixmaps = QStyle.StandardPixmap
        self.open_action = action(pixmaps.SP_DialogOpenButton)
        self.reveal_action = action(pixmaps.SP_DirIcon)
        self.rename_action = action()
        self.delete_action = action(pixmaps.SP_TrashIcon)
        self.export_action = action(pixmaps.SP_DialogSaveButton)
        self.clear_action = action()

        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setIconSize(QSize(16, 16))
        for act in (self.open_action, self.reveal_action, self.rename_action, self.delete_action):
            self.addAction(act)
        self.addSeparator()
        self.addAction(self.export_action)
        self.addAction(self.clear_action)
        # Export and Clear All are only here: their buttons join the Tab order (tool bar buttons do not by default)
        for act in self.actions():
            button = self.widgetForAction(act)
            if button is not None and not act.isSeparator():
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        self.open_action.triggered.connect(self.open_selected)
        self.reveal_action.triggered.connect(self.reveal_selected)
        self.rename_action.triggered.connect(self.rename_selected)
        self.delete_action.triggered.connect(self.delete_selected)
        self.clear_action.triggered.connect(self.clear_all)
        self._model.rowsInserted.connect(self._on_model_rows_inserted)
        table.doubleClicked.connect(self._on_table_double_clicked)
        table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        table.sig_activate_requested.connect(self.open_selected)
        table.sig_rename_requested.connect(self.rename_selected)
        table.sig_delete_requested.connect(self.delete_selected)
        table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

    def retranslate_ui(self) -> None:
        texts = {
            self.open_action: (self.tr("&Open"), self.tr("Show this image again in the Classify tab (Return)")),
            self.reveal_action: (self.tr("Show in &Folder"), self.tr("Open the folder that holds this image")),
            self.rename_action: (self.tr("&Rename…"), self.tr("Give this entry a name of your own (F2)")),
            self.delete_action: (
                self.tr("&Delete"),
                self.tr("Forget the selected entries (Delete); the image files are not touched"),
            ),
            self.export_action: (self.tr("&Export CSV…"), self.tr("Save the entries shown to a CSV file")),
            self.clear_action: (self.tr("&Clear All…"), self.tr("Forget every entry; the image files are not touched")),
        }
        for act, (text, tip) in texts.items():
            act.setText(text)
            act.setToolTip(tip)
            act.setStatusTip(tip)
        self.setWindowTitle(self.tr("History actions"))

    def set_total(self, grand_total: int) -> None:
        """How many entries the history holds (Clear All asks about them), and update what can be done."""
        self._grand_total = grand_total
        self._update_actions()

    # --- the actions ---

    @Slot()
    def open_selected(self) -> None:
        entry = self._table.current_entry()
        if entry is not None:
            self.sig_open_requested.emit(entry, self._model.thumbnail_rgb(entry.id))

    @Slot()
    def reveal_selected(self) -> None:
        entry = self._table.current_entry()
        if entry is None or not entry.folder:
            return
        if not os.path.isdir(entry.folder):
            self.sig_message.emit(self.tr("The folder {0} is no longer there.").format(entry.folder), "warning")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(entry.folder))

    @Slot()
    def rename_selected(self) -> None:
        entry = self._table.current_entry()
        if entry is None or self._model.store() is None:
            return
        text, accepted = QInputDialog.getText(
            self,
            self.tr("Rename"),
            self.tr("Name for {0} (leave empty to use the file name):").format(entry.file_name),
            QLineEdit.EchoMode.Normal,
            entry.display_name or entry.file_name,
        )
        if not accepted:
            return
        name = text.strip()
        if name == entry.file_name:
            name = ""
        if self._change(lambda store: store.rename(entry.id, name)):
            self._table.select_ids([entry.id], current_id=entry.id)

    @Slot()
    def delete_selected(self) -> None:
        ids = self._table.selected_ids()
        if not ids or self._model.store() is None:
            return
        position = min(index.row() for index in self._table.selectionModel().selectedRows())
        if self._change(lambda store: store.delete(ids)):
            following = self._model.entry(min(position, self._model.rowCount() - 1))
            if following is not None:  # keep the keyboard where it was
                self._table.select_ids([following.id], current_id=following.id)
            self.sig_message.emit(
                self.tr("Forgot %n entry(s). The image files were not touched.", "", len(ids)), "info"
            )

    @Slot()
    def clear_all(self) -> None:
        if self._model.store() is None or self._grand_total == 0:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Clear History"),
            self.tr("Forget all %Ln entry(s) in the history? The image files are not touched.", "", self._grand_total),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self._change(lambda store: store.clear()):
            self.sig_message.emit(self.tr("The history is empty. The image files were not touched."), "info")

    def _change(self, change: Callable[[HistoryStore], object]) -> bool:
        try:
            change(self._model.store())
        except DATABASE_ERRORS as exc:
            log.exception("history: change failed")
            self.sig_message.emit(self.tr("The history could not be changed: {0}").format(exc), "error")
            return False
        self.sig_store_changed.emit()
        return True

    # --- what can be done now ---

    def _update_actions(self) -> None:
        selected = self._table.selected_entries() if self._model.rowCount() else []
        entry = selected[0] if selected else None
        store_open = self._model.store() is not None
        self.open_action.setEnabled(entry is not None)
        self.reveal_action.setEnabled(entry is not None and bool(entry.folder))
        self.rename_action.setEnabled(len(selected) == 1)
        self.delete_action.setEnabled(bool(selected))
        self.export_action.setEnabled(store_open and self._model.total_count() > 0)
        self.clear_action.setEnabled(store_open and self._grand_total > 0)

    @Slot(QModelIndex, int, int)
    def _on_model_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        self._update_actions()

    @Slot()
    def _on_table_selection_changed(self) -> None:
        self._update_actions()

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.open_selected()

    @Slot("QPoint")
    def _on_table_context_menu_requested(self, position) -> None:
        if not self._table.selected_entries():
            return
        menu = QMenu(self._table)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for act in (self.open_action, self.reveal_action, self.rename_action):
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        self.sig_context_menu.emit(menu)
        menu.popup(self._table.viewport().mapToGlobal(position))
