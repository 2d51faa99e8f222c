"""The main window's tools beyond classifying: heatmaps, Evaluate on Folder, Sort Into Folders, Export.

`install_features(window)` adds them in one place: the heatmap controls under the image, two
actions in the Model menu and one in the File menu. Each tool lives in its own module and runs
its heavy work through the app's one worker pattern (gui.workers); nothing here imports
TensorFlow.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from infinityvision_desktop.gui.evaluation_view import EvaluationView
from infinityvision_desktop.gui.explain_panel import ExplainController
from infinityvision_desktop.gui.export_dialog import ExportDialog
from infinityvision_desktop.gui.sort_action import SortController


class Features(QObject):
    """The tools and their actions; owned by the window."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.explain = ExplainController(window)
        self.sort = SortController(window)
        self.evaluation_view: EvaluationView | None = None  # a tab, added on first use

        self.evaluate_action = QAction(window)
        self.export_action = QAction(window)
        self.retranslate_ui()
        self.export_dialog: ExportDialog | None = None  # built on first use; kept so an export survives closing it
        window.model_menu.addSeparator()
        window.model_menu.addAction(self.evaluate_action)
        window.model_menu.addAction(self.export_action)
        self.evaluate_action.triggered.connect(self._on_evaluate_action_triggered)
        self.export_action.triggered.connect(self._on_export_action_triggered)

    def retranslate_ui(self) -> None:
        """The actions' texts and the Evaluation tab's title in the current language; the window calls this
        on LanguageChange (a QObject gets no such event). The views and dialogs retranslate themselves."""
        texts = {
            self.evaluate_action: (
                self.tr("&Evaluate on Folder…"),
                self.tr(
                    "Score the model on a folder with one sub-folder of images per "
                    "class: accuracy, confusion matrix, mistakes"
                ),
            ),
            self.export_action: (
                self.tr("E&xport Model…"),
                self.tr(
                    "Save the model as .keras, .h5 or TensorFlow Lite, with its labels and preprocessing beside it"
                ),
            ),
        }
        for action, (text, tip) in texts.items():
            action.setText(text)
            action.setStatusTip(tip)
            action.setToolTip(tip)
        if self.evaluation_view is not None:
            tabs = self.window.tabs
            tabs.setTabText(tabs.indexOf(self.evaluation_view), self.tr("Evaluation"))
        self.sort.retranslate_ui()

    # ================================================================ Evaluate on Folder

    def evaluate_folder(self, folder: str) -> EvaluationView | None:
        """Evaluate the active model on `folder` in the Evaluation tab; None (after saying why) without a model."""
        window = self.window
        if window.active_model_path is None:
            self._tell(
                self.tr("Evaluate on Folder"),
                self.tr("No model is active yet. Wait for it to load, or choose one with Model › Open Model…"),
            )
            return None
        view = self._evaluation_tab()
        window.tabs.setCurrentWidget(view)
        metadata = window.active_metadata
        view.start(
            window.active_model_path,
            folder,
            model_name=metadata.name if metadata is not None else "",
            threshold=window.session.threshold_override(),
        )
        return view

    def _evaluation_tab(self) -> EvaluationView:
        if self.evaluation_view is None:
            self.evaluation_view = EvaluationView(self.window.start_worker)
            self.evaluation_view.sig_open_image.connect(self._on_evaluation_open_image)
            self.window.add_tab(self.evaluation_view, self.tr("Evaluation"))
        return self.evaluation_view

    @Slot()
    def _on_evaluate_action_triggered(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("Evaluate on Folder: a folder with one sub-folder of images per class")
        )
        if folder:
            self.evaluate_folder(folder)

    @Slot(str)
    def _on_evaluation_open_image(self, path: str) -> None:
        self.window.tabs.setCurrentWidget(self.window.classify_view)
        self.window.classify_paths([path])

    # ================================================================ Export

    def open_export_dialog(self) -> ExportDialog | None:
        """Show the export dialog for the active model; None (after saying why) without a model."""
        window = self.window
        if window.active_model_path is None:
            self._tell(
                self.tr("Export Model"),
                self.tr("No model is active yet. Wait for it to load, or choose one with Model › Open Model…"),
            )
            return None
        if self.export_dialog is None:
            self.export_dialog = ExportDialog(window.start_worker, window)
        if not self.export_dialog.is_exporting():
            metadata = window.active_metadata
            self.export_dialog.set_model(window.active_model_path, metadata.name if metadata is not None else "")
        self.export_dialog.show()
        self.export_dialog.raise_()
        self.export_dialog.activateWindow()
        return self.export_dialog

    @Slot()
    def _on_export_action_triggered(self) -> None:
        self.open_export_dialog()

    # ================================================================ helpers

    def _tell(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def install_features(window) -> Features:
    return Features(window)
