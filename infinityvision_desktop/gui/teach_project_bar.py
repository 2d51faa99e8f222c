"""The Teach tab's top line: which project is open, and New, Open and Recent to change it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QMenu, QPushButton, QToolButton, QWidget


class ProjectBar(QWidget):
    """The project's name and the buttons that open another. The view calls `retranslate_ui()`."""

    sig_open_requested = Signal(str, bool)
    """A folder the user chose to open as a project, and whether to create it there (New Project)."""

    def __init__(self, settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.project_label, 1)
        for button in (self.new_button, self.open_button, self.recent_button):
            layout.addWidget(button)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        self.recent_menu.triggered.connect(self._on_recent_menu_triggered)

    def retranslate_ui(self) -> None:
        self.new_button.setText(self.tr("New Project…"))
        self.new_button.setToolTip(self.tr("Start a project in a new or empty folder"))
        self.open_button.setText(self.tr("Open Project…"))
        self.open_button.setToolTip(self.tr("Open a folder with one sub-folder of photos per class"))
        self.recent_button.setText(self.tr("Recent"))

    def show_project(self, project) -> None:
        """The open core.teach.TeachProject, or None."""
        if project is None:
            self.project_label.setText(self.tr("No project open: start one, or open a folder of class folders"))
            return
        self.project_label.setText(self.tr("Project: {0}").format(project.name))
        self.project_label.setToolTip(str(project.folder))

    @Slot()
    def _on_new_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("New Project: choose or create an empty folder"))
        if folder:
            self.sig_open_requested.emit(folder, True)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open Project: a folder with one sub-folder per class"))
        if folder:
            self.sig_open_requested.emit(folder, False)

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
            self.sig_open_requested.emit(action.data(), False)
