"""Images arriving at the main window: dropped files, folders and bitmaps, and the clipboard.

`ImageInput` filters the window's drag-and-drop events (an event filter, so the window class
stays about composition) and reads the clipboard; what it finds goes to the window's
`classify_paths`, `classify_image` and `classify_image_data`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QMimeData, QObject, Qt
from PySide6.QtGui import QGuiApplication, QImage

from infinityvision_desktop.gui.settings import MAX_RECENT_FILES


class ImageInput(QObject):
    """Drops onto the window, and Paste."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if watched is not self.window or kind not in (
            QEvent.Type.DragEnter,
            QEvent.Type.DragMove,
            QEvent.Type.DragLeave,
            QEvent.Type.Drop,
        ):
            return False
        if kind == QEvent.Type.DragEnter:
            self._drag_enter(event)
        elif kind == QEvent.Type.DragMove:
            event.acceptProposedAction()
        elif kind == QEvent.Type.DragLeave:
            self.window.drop_overlay.hide()
            event.accept()
        else:
            self._drop(event)
        return True

    def _drag_enter(self, event) -> None:
        mime = event.mimeData()
        if has_local_paths(mime) or mime.hasImage():
            event.acceptProposedAction()
            self.window.drop_overlay.show_over_parent()
        else:
            event.ignore()  # the cursor says "no"; the status bar says why
            self.window.status.message(self._refusal_text(mime))

    def _refusal_text(self, mime: QMimeData) -> str:
        remote = [url.toString() for url in mime.urls() if not url.isLocalFile()] if mime.hasUrls() else []
        if remote:
            shown = self.window.status_label.fontMetrics().elidedText(remote[0], Qt.TextElideMode.ElideMiddle, 480)
            return self.tr("Cannot drop {0}: it is a web address. Save the image first, then drop the file.").format(
                shown
            )
        return self.tr("Only image files and folders can be dropped here, not text.")

    def _drop(self, event) -> None:
        window = self.window
        window.drop_overlay.hide()
        mime = event.mimeData()
        paths = local_paths(mime)
        if paths:
            event.acceptProposedAction()
            window.classify_paths(paths)
            for path in paths[
                -MAX_RECENT_FILES:
            ]:  # the rest would drop off the list anyway (5,000 files: 5,000 writes)
                window.session.settings.add_recent_file(path)
        elif mime.hasImage():
            event.acceptProposedAction()
            window.classify_image(QImage(mime.imageData()), self.tr("Dropped image"))
        else:
            event.ignore()

    def paste(self) -> None:
        """Classify what the clipboard holds: image files, an encoded image, or a bitmap."""
        window = self.window
        mime = QGuiApplication.clipboard().mimeData()
        paths = local_paths(mime) if mime is not None else []
        if paths:
            window.classify_paths(paths)
            return
        for fmt in ("image/png", "image/jpeg"):  # the original bytes: decoded exactly like a file
            if mime is not None and mime.hasFormat(fmt) and not mime.data(fmt).isEmpty():
                window.classify_image_data(mime.data(fmt).data())
                return
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            window.status.message(self.tr("Nothing to paste: the clipboard holds no image or image file."))
            return
        window.classify_image(image)


# ---------------------------------------------------------------- helpers (GUI thread)


def has_local_paths(mime: QMimeData) -> bool:
    """Whether a drag holds any local file or folder (without converting all of a 5,000-file drag)."""
    return mime is not None and mime.hasUrls() and any(url.isLocalFile() for url in mime.urls())


def local_paths(mime: QMimeData) -> list[str]:
    """Local files and folders named by dropped or pasted URLs."""
    if mime is None or not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def qimage_to_rgb(image: QImage) -> np.ndarray:
    """A QImage as RGB uint8 (H, W, 3); transparency over white, as the core decodes files."""
    rgba_image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    width, height = rgba_image.width(), rgba_image.height()
    buffer = np.frombuffer(rgba_image.constBits(), np.uint8, count=rgba_image.sizeInBytes())
    rgba = buffer.reshape(height, rgba_image.bytesPerLine())[:, : width * 4].reshape(height, width, 4)
    alpha = rgba[:, :, 3:4]
    if alpha.min() == 255:
        return rgba[:, :, :3].copy()
    weight = alpha.astype(np.float32) / 255.0
    return np.rint(rgba[:, :, :3] * weight + 255.0 * (1.0 - weight)).astype(np.uint8)
