"""What the Teach tab does with a project's trained model file: Save Model As… (a copy, made in a
worker so a slow disk never freezes the window) and Export… (the app's export dialog)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from infinityvision_desktop.gui.teach_workers import CopyFileWorker


class ModelFileActions(QObject):
    """Save and export the model file; the view passes the file and the project's name each time."""

    sig_saved = Signal(str)
    """A copy was saved: its path."""
    sig_message = Signal(str, str)
    """Something to tell the user: a title and the text (why a copy could not be saved)."""

    def __init__(self, start_worker, settings, parent: QWidget) -> None:
        super().__init__(parent)
        self._start_worker = start_worker
        self._settings = settings
        self._handles = []  # saves under way
        self.export_dialog = None  # made on first use, then kept: an export may still run when it is closed

    def save_as(self, source: str, project_name: str) -> None:
        """Ask where to save a copy of `source`, then copy it there in a worker."""
        suggested = str(Path(self._settings.last_save_folder or Path.home()) / f"{project_name}.h5")
        target, _ = QFileDialog.getSaveFileName(
            self.parent(), self.tr("Save Model As"), suggested, self.tr("Keras model (*.h5)")
        )
        if not target:
            return
        if not target.lower().endswith(".h5"):
            target += ".h5"
        self._settings.last_save_folder = str(Path(target).parent)
        worker = CopyFileWorker(source, target)
        worker.sig_done.connect(self.sig_saved)
        worker.sig_failed.connect(self._on_copy_file_worker_failed)
        handle = self._start_worker(worker, name="teach-save")
        self._handles.append(handle)
        handle.sig_done.connect(self._on_handle_done)

    def export(self, source: str, project_name: str) -> None:
        """The export dialog for `source` (unless it is exporting another model: then as it is)."""
        from infinityvision_desktop.gui.export_dialog import ExportDialog

        if self.export_dialog is None:
            self.export_dialog = ExportDialog(self._start_worker, self.parent())
        if not self.export_dialog.is_exporting():
            self.export_dialog.set_model(source, project_name)
        self.export_dialog.show()
        self.export_dialog.raise_()

    def stop(self) -> None:
        for handle in list(self._handles):
            handle.stop()

    @Slot(str)
    def _on_copy_file_worker_failed(self, reason: str) -> None:
        self.sig_message.emit(self.tr("Save Model As"), reason)

    @Slot()
    def _on_handle_done(self) -> None:
        self._handles = [handle for handle in self._handles if handle.is_running()]
