"""Photos dropped or pasted into the Teach tab: files and folders, or an image itself (from a browser)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractItemView, QWidget


class DropFilter(QObject):
    """Makes a widget accept dropped files and images (an event filter: no subclass needed)."""

    sig_paths = Signal(object, object)
    """Local paths dropped and the widget-relative position (QPoint)."""
    sig_image = Signal(QImage)
    """An image (not a file) dropped, e.g. from a browser."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        target = widget.viewport() if isinstance(widget, QAbstractItemView) else widget
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            mime = event.mimeData()
            if (mime.hasUrls() and any(url.isLocalFile() for url in mime.urls())) or mime.hasImage():
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop:
            mime = event.mimeData()
            paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
            event.acceptProposedAction()
            if paths:
                self.sig_paths.emit(paths, event.position().toPoint())
            elif mime.hasImage():
                self.sig_image.emit(QImage(mime.imageData()))
            return True
        return False


def png_bytes(image: QImage) -> bytes:
    """An image without a file (dropped from a browser, pasted) as PNG bytes, to copy into a project."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())
