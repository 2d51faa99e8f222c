"""What the main window's menu choices do: the file dialogs, and the dialogs each command opens.

`WindowCommands` connects the window's actions (gui.window_actions) to the session and to the
dialogs, which are built on first use and kept (a training run survives closing its dialog).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from infinityvision_desktop.gui.about_dialog import AboutDialog, HelpDialog
from infinityvision_desktop.gui.preferences_dialog import PreferencesDialog
from infinityvision_desktop.gui.window_actions import fill_recent_menu, image_file_filter


class WindowCommands(QObject):
    """The slots of the File, Edit › Preferences, Model and Help menus, and their dialogs."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.settings = window.session.settings
        self.training_dialog = None
        self.preferences_dialog: PreferencesDialog | None = None
        self.about_dialog: AboutDialog | None = None
        self.help_dialog: HelpDialog | None = None
        window.open_action.triggered.connect(self._on_open_action_triggered)
        window.open_folder_action.triggered.connect(self._on_open_folder_action_triggered)
        window.export_action.triggered.connect(self._on_export_action_triggered)
        window.train_action.triggered.connect(self.open_training_dialog)
        window.open_model_action.triggered.connect(self._on_open_model_action_triggered)
        window.about_action.triggered.connect(self._on_about_action_triggered)
        window.help_action.triggered.connect(self._on_help_action_triggered)
        window.preferences_action.triggered.connect(self._on_preferences_action_triggered)
        window.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        window.recent_menu.triggered.connect(self._on_recent_menu_triggered)

    # ================================================================ File

    @Slot()
    def _on_open_action_triggered(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, self.tr("Open Images"), self.settings.last_folder, image_file_filter()
        )
        if not paths:
            return
        self.settings.last_folder = os.path.dirname(paths[0])
        for path in paths:
            self.settings.add_recent_file(path)
        self.window.classify_paths(paths)

    @Slot()
    def _on_open_folder_action_triggered(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, self.tr("Open Folder"), self.settings.last_folder)
        if not folder:
            return
        self.settings.last_folder = folder
        self.settings.add_recent_file(folder)
        self.window.classify_paths([folder])

    @Slot()
    def _on_export_action_triggered(self) -> None:
        settings = self.settings
        folder = settings.last_save_folder or settings.last_folder or os.path.expanduser("~")
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            self.tr("Export Results"),
            os.path.join(folder, "infinityvision-results.csv"),
            self.tr("CSV files (*.csv)"),
        )
        if not path:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        if self.window.export_csv(path):
            settings.last_save_folder = os.path.dirname(os.path.abspath(path))

    @Slot()
    def _on_recent_menu_about_to_show(self) -> None:
        fill_recent_menu(self.window, self.settings.recent_files)

    @Slot(QAction)
    def _on_recent_menu_triggered(self, action: QAction) -> None:
        if action is self.window.clear_recent_action:
            self.settings.clear_recent_files()
            return
        path = action.data()
        if path:
            self.settings.add_recent_file(path)
            self.window.classify_paths([path])

    # ================================================================ Model

    @Slot()
    def _on_open_model_action_triggered(self) -> None:
        window = self.window
        if self.training_dialog is not None and self.training_dialog.is_training():
            # the run may be fine-tuning the active model: switching it now would confuse both
            text = self.tr("A model is being trained. Open another model once training has finished or been stopped.")
            window.status.message(text)
            box = QMessageBox(
                QMessageBox.Icon.Information, self.tr("Open Model"), text, QMessageBox.StandardButton.Ok, window
            )
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return
        path, _ = QFileDialog.getOpenFileName(
            window, self.tr("Open Model"), self.settings.last_folder, self.tr("Keras models (*.h5 *.keras)")
        )
        if path:
            window.set_model(path, interactive=True)

    @Slot()
    def open_training_dialog(self) -> None:
        if self.training_dialog is None:
            from infinityvision_desktop.gui.training_dialog import TrainingDialog

            session = self.session
            self.training_dialog = TrainingDialog(self.window, model_path=session.model_path, metadata=session.metadata)
            self.training_dialog.sig_use_model.connect(self._on_training_dialog_use_model)
            self.training_dialog.sig_run_finished.connect(self._on_training_dialog_run_finished)
            session.sig_model_ready.connect(self.training_dialog.set_active_model)  # "Fine-tune" starts from it
        _show(self.training_dialog)

    @Slot(str)
    def _on_training_dialog_use_model(self, path: str) -> None:
        self.window.set_model(path, interactive=True)
        self.window.tabs.setCurrentWidget(self.window.classify_view)

    @Slot(object)
    def _on_training_dialog_run_finished(self, result) -> None:
        self.window.known_models.refresh()

    # ================================================================ Help and Preferences

    @Slot()
    def _on_about_action_triggered(self) -> None:
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self.window)
            self.about_dialog.follow(self.session)
        _show(self.about_dialog)

    @Slot()
    def _on_help_action_triggered(self) -> None:
        if self.help_dialog is None:
            self.help_dialog = HelpDialog(self.window.shortcut_actions(), self.window)
        _show(self.help_dialog)

    @Slot()
    def _on_preferences_action_triggered(self) -> None:
        if self.preferences_dialog is None:
            self.preferences_dialog = PreferencesDialog(self.settings, self.window)
            self.preferences_dialog.sig_applied.connect(self.window.apply_settings)
        metadata = self.session.metadata
        self.preferences_dialog.load(model_threshold=metadata.not_sure_threshold if metadata else None)
        _show(self.preferences_dialog)


def _show(dialog) -> None:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
