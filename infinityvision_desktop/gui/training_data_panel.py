"""The training dialog's "Data" box: the folder or archive to train on, listed in a worker as soon as
it is chosen, with the images per class and the reason when it cannot be trained on."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.core.datasets import ALL
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.training_workers import DatasetScanWorker
from infinityvision_desktop.gui.workers import WorkerHandle, start_worker


class TrainingDataPanel(QGroupBox):
    """The data path and what a scan found in it. `held_out_percent` gives the validation share the
    summary quotes when the data has no test split. The dialog calls `retranslate_ui()` and
    `apply_scheme()`."""

    sig_scan_started = Signal()
    """The path changed: a scan began, or the field was cleared. Until a scan ends there is nothing to train on."""
    sig_scan_finished = Signal(bool)
    """The scan of the path ended: True if it can be trained on."""

    def __init__(self, parent: QWidget | None = None, *, held_out_percent: Callable[[], int]) -> None:
        super().__init__(parent)
        self._held_out_percent = held_out_percent
        self._scan = None
        self._scan_ok = False
        self._scan_reason = ""
        self._scan_id = 0
        self._scanned_text: str | None = None
        self._scan_handles: list[WorkerHandle] = []
        self._scheme = theme.scheme()
        self._scan_colour = "muted"  # the scan line's colour: "muted", "ok" or "error"

        self.data_edit = QLineEdit(self)
        self.data_edit.setClearButtonEnabled(True)
        self.browse_button = QToolButton(self)
        self.browse_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.browse_folder_action = QAction(self)
        self.browse_archive_action = QAction(self)
        browse_menu = QMenu(self.browse_button)
        browse_menu.addAction(self.browse_folder_action)
        browse_menu.addAction(self.browse_archive_action)
        self.browse_button.setMenu(browse_menu)
        self.scan_label = QLabel(self)
        self.scan_label.setWordWrap(True)
        self.scan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts_table = QTableWidget(0, 2, self)
        self.counts_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.counts_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.counts_table.verticalHeader().hide()
        self.counts_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.counts_table.verticalHeader().setDefaultSectionSize(20)
        self.counts_table.hide()
        path_row = QHBoxLayout()
        path_row.addWidget(self.data_edit, 1)
        path_row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addLayout(path_row)
        layout.addWidget(self.scan_label)
        layout.addWidget(self.counts_table)

        self.data_edit.editingFinished.connect(self._on_data_edit_editing_finished)
        self.browse_button.clicked.connect(self._on_browse_folder_action_triggered)
        self.browse_folder_action.triggered.connect(self._on_browse_folder_action_triggered)
        self.browse_archive_action.triggered.connect(self._on_browse_archive_action_triggered)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Data"))
        self.data_edit.setPlaceholderText(self.tr("A folder with one sub-folder per class, or the CIFAR-10 .tar.gz"))
        self.data_edit.setAccessibleName(self.tr("Training data"))
        self.browse_button.setText(self.tr("Browse…"))
        self.browse_button.setToolTip(self.tr("Choose a folder of class folders, or an archive of one"))
        self.browse_folder_action.setText(self.tr("Class &Folders…"))
        self.browse_archive_action.setText(self.tr("&Archive (.tar.gz)…"))
        self.counts_table.setAccessibleName(self.tr("Images per class"))
        if self._scan is not None:
            self._show_counts(self._scan)
            if not self._scan_reason:
                self._set_scan_text(self._scan_summary(self._scan), "ok")

    def apply_scheme(self, colours: theme.Scheme) -> None:
        self._scheme = colours
        self._set_scan_text(self.scan_label.text(), self._scan_colour)

    # --- the path and its scan ---

    def path_text(self) -> str:
        return self.data_edit.text().strip()

    def set_path(self, path: str | os.PathLike) -> None:
        """Put `path` in the field and scan it (in a worker; sig_scan_finished follows)."""
        self.data_edit.setText(os.fspath(path))
        self._start_scan()

    def scan(self):
        """The last scan's DatasetScan (None while scanning, or if the path cannot be listed)."""
        return self._scan

    def can_train(self) -> bool:
        """The last scan found data that can be trained on."""
        return self._scan_ok

    def is_scanning(self) -> bool:
        return any(handle.is_running() for handle in self._scan_handles)

    def shutdown(self, timeout_ms: int | None = None) -> bool:
        """Stop the scans still running and wait for them; True when all ended."""
        return all([handle.stop(timeout_ms) for handle in list(self._scan_handles)])

    def set_editable(self, editable: bool) -> None:
        self.data_edit.setEnabled(editable)
        self.browse_button.setEnabled(editable)

    def counts_shown(self) -> dict[str, dict[str, int]]:
        """The per-class counts in the table, by column header then class (what the user sees)."""
        shown: dict[str, dict[str, int]] = {}
        for column in range(1, self.counts_table.columnCount()):
            header = self.counts_table.horizontalHeaderItem(column).text()
            shown[header] = {
                self.counts_table.item(row, 0).text(): int(self.counts_table.item(row, column).text())
                for row in range(self.counts_table.rowCount())
            }
        return shown

    def _start_scan(self) -> None:
        text = self.path_text()
        self._scanned_text = text
        self._scan_id += 1
        self._scan = None
        self._scan_ok = False
        self._scan_reason = ""
        self.counts_table.hide()
        if not text:
            self.scan_label.clear()
            self.sig_scan_started.emit()
            return
        self._set_scan_text(self.tr("Scanning {0}…").format(Path(text).name or text), "muted")
        worker = DatasetScanWorker(self._scan_id, text)
        worker.sig_scanned.connect(self._on_scan_worker_scanned)
        handle = start_worker(worker, name="dataset-scan")
        handle.sig_done.connect(self._on_scan_handle_done)
        self._scan_handles.append(handle)
        self.sig_scan_started.emit()

    @Slot(int, object, str)
    def _on_scan_worker_scanned(self, scan_id: int, scan, reason: str) -> None:
        if scan_id != self._scan_id:
            return  # the path changed while this scan ran
        self._scan = scan
        self._scan_ok = scan is not None and not reason
        self._scan_reason = reason
        if scan is not None:
            self._show_counts(scan)
        if reason:
            self._set_scan_text(self.tr("Cannot train on this data: {0}").format(reason), "error")
        else:
            self._set_scan_text(self._scan_summary(scan), "ok")
        self.sig_scan_finished.emit(self._scan_ok)

    @Slot()
    def _on_scan_handle_done(self) -> None:
        self._scan_handles = [handle for handle in self._scan_handles if handle.thread is not None]

    def _scan_summary(self, scan) -> str:
        train_split = ALL if ALL in scan.counts else "train"
        parts = [self.tr("{0} classes, {1} training images").format(len(scan.labels), scan.total(train_split))]
        if "test" in scan.counts:
            parts.append(self.tr("{0} test images").format(scan.total("test")))
        else:
            parts.append(self.tr("no test split: {0}% of the images are held out").format(self._held_out_percent()))
        if scan.skipped:
            parts.append(self.tr("{0} files skipped (not images)").format(len(scan.skipped)))
        return "; ".join(parts)

    def _show_counts(self, scan) -> None:
        splits = list(scan.counts)
        headers = {ALL: self.tr("Images"), "train": self.tr("Train"), "test": self.tr("Test")}
        labels = list(scan.labels) or sorted({label for split in splits for label in scan.counts[split]})
        self.counts_table.clear()
        self.counts_table.setColumnCount(1 + len(splits))
        self.counts_table.setHorizontalHeaderLabels([self.tr("Class")] + [headers.get(s, s) for s in splits])
        self.counts_table.setRowCount(len(labels))
        for row, label in enumerate(labels):
            self.counts_table.setItem(row, 0, QTableWidgetItem(label))
            for column, split in enumerate(splits, start=1):
                count = scan.counts[split].get(label, 0)
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if count == 0:
                    item.setForeground(QColor(self._scheme.error))
                self.counts_table.setItem(row, column, item)
        if scan.skipped:
            shown = "\n".join(scan.skipped[:20]) + ("\n…" if len(scan.skipped) > 20 else "")
            self.scan_label.setToolTip(self.tr("Skipped files:\n{0}").format(shown))
        else:
            self.scan_label.setToolTip("")
        rows_height = self.counts_table.verticalHeader().defaultSectionSize() * min(len(labels), 10)
        self.counts_table.setFixedHeight(rows_height + self.counts_table.horizontalHeader().sizeHint().height() + 4)
        self.counts_table.setVisible(bool(labels))

    def _set_scan_text(self, text: str, kind: str) -> None:
        """The line under the data path; kind is "muted" (scanning), "ok" or "error"."""
        self._scan_colour = kind
        colour = {"muted": self._scheme.muted, "ok": self._scheme.text, "error": self._scheme.error}[kind]
        self.scan_label.setText(text)
        self.scan_label.setStyleSheet(f"color: {colour};")

    @Slot()
    def _on_data_edit_editing_finished(self) -> None:
        if self.path_text() != self._scanned_text:
            self._start_scan()

    @Slot()
    def _on_browse_folder_action_triggered(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Choose the Folder of Class Folders"), self._browse_start()
        )
        if folder:
            self.set_path(folder)

    @Slot()
    def _on_browse_archive_action_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a Dataset Archive"), self._browse_start(), self.tr("Archives (*.tar.gz *.tgz *.tar)")
        )
        if path:
            self.set_path(path)

    def _browse_start(self) -> str:
        text = self.path_text()
        return str(Path(text).parent if text else Path.home())
