"""The Teach tab's thumbnails: made in a worker, kept by file, shared by the class list and the photo grid.

A class shows its first photo, so both lists ask for the same files; each icon is made once per
version of its file (path and modification time) and handed to every item showing that path.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QListWidget, QStyle

from infinityvision_desktop.gui.teach_workers import THUMBNAIL_SIDE, ThumbnailWorker
from infinityvision_desktop.gui.widgets.results_table import rgb_to_qimage

PATH_ROLE = Qt.ItemDataRole.UserRole + 2  # the image file an item shows


class ThumbnailCache(QObject):
    """Icons by (path, mtime); one worker job at a time, the latest request replacing the one under way."""

    sig_icons = Signal(object)
    """New icons: a dict of path -> QIcon (a warning icon for a file that cannot be read)."""

    def __init__(self, start_worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._start_worker = start_worker
        self._icons: dict[tuple[str, int], QIcon] = {}
        self._handle = None
        self._wanted: list[str] = []  # the paths of the job under way

    def icon(self, path: str) -> QIcon | None:
        return self._icons.get(thumbnail_key(path))

    def request(self, paths: list[str]) -> None:
        """Make the icons of these paths that are not made yet."""
        paths = [path for path in paths if thumbnail_key(path) not in self._icons]
        if not paths:
            return
        if self._handle is not None and self._handle.is_running():
            self._handle.worker.request_stop()
            paths = list(dict.fromkeys(self._wanted + paths))  # what it had not done yet, too
        self._wanted = [path for path in paths if thumbnail_key(path) not in self._icons]
        worker = ThumbnailWorker(self._wanted)
        worker.sig_thumbnails.connect(self._on_worker_thumbnails)
        self._handle = self._start_worker(worker, name="teach-thumbnails")

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.stop()

    @Slot(object)
    def _on_worker_thumbnails(self, batch) -> None:
        icons = {}
        for path, rgb in batch:
            icon = QIcon(QPixmap.fromImage(rgb_to_qimage(rgb))) if rgb is not None else _broken_icon()
            self._icons[thumbnail_key(path)] = icon
            icons[path] = icon
        self.sig_icons.emit(icons)


def show_icons(widget: QListWidget, icons: dict) -> None:
    """Give the items of `widget` that show one of these paths (PATH_ROLE) their new icon."""
    for row in range(widget.count()):
        item = widget.item(row)
        icon = icons.get(item.data(PATH_ROLE))
        if icon is not None:
            item.setIcon(icon)


def thumbnail_key(path: str) -> tuple[str, int]:
    try:
        return path, os.stat(path).st_mtime_ns
    except OSError:
        return path, 0


_PLACEHOLDER: QIcon | None = None


def placeholder_icon() -> QIcon:
    """A plain grey square while the thumbnail is made."""
    global _PLACEHOLDER
    if _PLACEHOLDER is None:
        pixmap = QPixmap(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
        pixmap.fill(Qt.GlobalColor.lightGray)
        _PLACEHOLDER = QIcon(pixmap)
    return _PLACEHOLDER


def empty_icon(side: int) -> QIcon:
    """A class without photos: a transparent square keeps the names in line."""
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)


def _broken_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
