"""File > Sort Into Folders…: copy the classified images into one folder per predicted class.

The images already in the list are used with the answers they have: nothing is classified
again. After the user picks a destination and confirms, a `SortWorker` (the app's worker
pattern) copies them with core.sorting (copies only, never overwriting; "not sure" images in
not_sure/; predictions.csv beside the folders) while a progress dialog offers Cancel.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog

from infinityvision_desktop.gui.widgets.results_table import RowState
from infinityvision_desktop.gui.workers import Worker

PROGRESS_DELAY_MS = 500  # quick sorts finish before any dialog appears


class SortWorker(Worker):
    """Copies images into class folders in its own thread."""

    sig_progress = Signal(int, int)
    """Images done and images to sort; emitted when the percentage changes."""
    sig_sorted = Signal(object)
    """Sorting ended (completed or cancelled): its core.sorting.SortReport."""
    sig_failed = Signal(str)
    """The destination could not be used: the reason, naming the folder."""

    def __init__(self, items: list, destination: str) -> None:
        super().__init__()
        self.items = items
        self.destination = destination
        self._last_percent = -1

    def work(self) -> None:
        from infinityvision_desktop.core.sorting import SortError, sort_into_folders

        try:
            report = sort_into_folders(
                self.items, self.destination, on_progress=self._progress, should_stop=self.should_stop
            )
        except SortError as exc:
            self.sig_failed.emit(str(exc))
            return
        self.sig_sorted.emit(report)

    def _progress(self, done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent != self._last_percent:
            self._last_percent = percent
            self.sig_progress.emit(done, total)


class SortController(QObject):
    """The File menu action, the questions it asks, and the worker it starts."""

    sig_sorted = Signal(object)
    """Images were copied (or the copy was cancelled part way): the SortReport."""
    sig_failed = Signal(str)
    """Nothing was copied: the reason shown."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self._worker: SortWorker | None = None
        self._progress: QProgressDialog | None = None
        self.action = QAction(window)
        self.retranslate_ui()
        menu = window.file_menu
        actions = menu.actions()
        following = actions[actions.index(window.export_action) + 1] if window.export_action in actions else None
        menu.insertAction(following, self.action)
        menu.aboutToShow.connect(self._on_file_menu_about_to_show)
        self.action.triggered.connect(self._on_action_triggered)
        self.last_message = ""  # the latest message box text (what the user was told)

    def retranslate_ui(self) -> None:
        """The action's texts in the current language (Features.retranslate_ui calls this on LanguageChange)."""
        tip = self.tr("Copy each classified image into a folder named after its class")
        self.action.setText(self.tr("&Sort Into Folders…"))
        self.action.setStatusTip(tip)
        self.action.setToolTip(tip)
        if self._progress is not None:
            self._progress.setWindowTitle(self.tr("Sort Into Folders"))
            self._progress.setLabelText(self.tr("Copying images into class folders…"))
            self._progress.setCancelButtonText(self.tr("Cancel"))

    def sortable_rows(self) -> list:
        """Listed images that are files and have an answer or a reason they have none."""
        return [
            row
            for row in self.window.results_model.rows()
            if row.path is not None and row.state in (RowState.DONE, RowState.FAILED)
        ]

    @Slot()
    def _on_file_menu_about_to_show(self) -> None:
        self.action.setEnabled(any(row.prediction is not None for row in self.sortable_rows()) and self._worker is None)

    @Slot()
    def _on_action_triggered(self) -> None:
        window = self.window
        title = self.tr("Sort Into Folders")
        if self._worker is not None:
            return
        if window.is_busy():
            self._tell(title, self.tr("Images are still being classified. Sort them once every image has its answer."))
            return
        rows = self.sortable_rows()
        answered = [row for row in rows if row.prediction is not None]
        if not answered:
            self._tell(
                title, self.tr("Nothing to sort: classify some image files first (pasted images have no file to copy).")
            )
            return
        folder = QFileDialog.getExistingDirectory(
            window, self.tr("Sort Into Folders: choose where the class folders go")
        )
        if not folder:
            return
        not_sure = sum(row.prediction.not_sure for row in answered)
        text = self.tr("Copy %n image(s) into one folder per class in {0}?", "", len(answered)).format(folder)
        details = [
            self.tr("The originals stay where they are, and no file is overwritten."),
            self.tr("predictions.csv, beside the folders, lists every image and its answer."),
        ]
        if not_sure:
            details.insert(0, self.tr("%n image(s) the model is not sure about go to not_sure/.", "", not_sure))
        unreadable = len(rows) - len(answered)
        if unreadable:
            details.append(self.tr("%n unreadable image(s) are listed in the CSV, not copied.", "", unreadable))
        answer = QMessageBox.question(
            window,
            title,
            text + "\n\n" + "\n".join(details),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.start(rows, folder)

    def start(self, rows: list, folder: str) -> None:
        """Copy these rows' images into class folders under `folder`, in a worker."""
        from infinityvision_desktop.core.sorting import SortItem

        items = [SortItem(row.path, row.prediction, row.error) for row in rows]
        worker = SortWorker(items, folder)
        worker.sig_progress.connect(self._on_worker_progress)
        worker.sig_sorted.connect(self._on_worker_sorted)
        worker.sig_failed.connect(self._on_worker_failed)
        self._worker = worker
        self._progress = QProgressDialog(
            self.tr("Copying images into class folders…"), self.tr("Cancel"), 0, len(items), self.window
        )
        self._progress.setWindowTitle(self.tr("Sort Into Folders"))
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(PROGRESS_DELAY_MS)
        self._progress.setAutoClose(False)
        self._progress.setAutoReset(False)
        self._progress.canceled.connect(self._on_progress_canceled)
        self._progress.setValue(0)
        handle = self.window.start_worker(worker, name="sort")
        handle.sig_done.connect(self._on_handle_done)

    def is_running(self) -> bool:
        return self._worker is not None

    @Slot(int, int)
    def _on_worker_progress(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.setValue(done)

    @Slot()
    def _on_progress_canceled(self) -> None:
        if self._worker is not None:
            self._worker.request_stop()

    @Slot(object)
    def _on_worker_sorted(self, report) -> None:
        self._close_progress()
        folders = ", ".join(f"{name} {count}" for name, count in report.copied.items()) or self.tr("none")
        # the folders' names as they are on disk: the model's labels
        text = self.tr("Copied %n image(s) into {0} ({1}).", "", report.total_copied).format(
            report.destination, folders
        )
        if report.cancelled:
            text = self.tr("Cancelled. ") + text
        if report.renamed:
            text += "\n" + self.tr("%n copy(ies) were given a new name because the name was taken.", "", report.renamed)
        failed = [(path, reason) for path, reason in report.skipped if reason.startswith("not copied")]
        if failed:
            text += "\n" + self.tr("%n image(s) could not be copied; the first: {0}: {1}", "", len(failed)).format(
                *failed[0]
            )
        text += "\n" + self.tr("Every prediction is listed in {0}.").format(report.csv_path)
        self._tell(self.tr("Sort Into Folders"), text, warning=bool(failed))
        self.sig_sorted.emit(report)

    @Slot(str)
    def _on_worker_failed(self, reason: str) -> None:
        self._close_progress()
        self._tell(self.tr("Sort Into Folders"), self.tr("Nothing was copied: {0}").format(reason), warning=True)
        self.sig_failed.emit(reason)

    @Slot()
    def _on_handle_done(self) -> None:
        self._worker = None
        self._close_progress()

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.canceled.disconnect(self._on_progress_canceled)
            self._progress.close()
            self._progress.setParent(
                None
            )  # destroyed now, from Python, not by the event loop (see workers.start_worker)
            self._progress = None

    def _tell(self, title: str, text: str, *, warning: bool = False) -> None:
        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setObjectName("sort_message")
        box.open()
        self.last_message = text
