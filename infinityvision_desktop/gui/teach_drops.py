"""Photos dropped or pasted into the Teach tab: files and folders, an image itself (from a browser), or
classified images dragged from the Classify results or the History (answers a class can correct)."""

from __future__ import annotations

import base64
import json

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QMimeData, QObject, QUrl, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractItemView, QWidget

from infinityvision_desktop.core.teach.project import AnsweredImage

ANSWERS_MIME = "application/x-infinityvision-answers"
"""Classified images and what the model answered, as JSON; their files ride along as text/uri-list, so a
file manager or another tab takes them as files."""


class DropFilter(QObject):
    """Makes a widget accept dropped files and images (an event filter: no subclass needed). With
    `answers`, classified images dragged from a results table arrive as `sig_answers` (a class takes them
    as corrections); without, as their files (the try-it view tries one)."""

    sig_paths = Signal(object, object)
    """Local paths dropped and the widget-relative position (QPoint)."""
    sig_image = Signal(QImage)
    """An image (not a file) dropped, e.g. from a browser."""
    sig_answers = Signal(object, object)
    """Classified images dropped (a list of core.teach.project.AnsweredImage) and the position (QPoint)."""

    def __init__(self, widget: QWidget, *, answers: bool = False) -> None:
        super().__init__(widget)
        self._answers = answers
        target = widget.viewport() if isinstance(widget, QAbstractItemView) else widget
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            mime = event.mimeData()
            if self._takes_answers(mime) or has_local_files(mime) or mime.hasImage():
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop:
            mime = event.mimeData()
            event.acceptProposedAction()
            position = event.position().toPoint()
            answers = dropped_answers(mime) if self._takes_answers(mime) else []
            paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
            if answers:
                self.sig_answers.emit(answers, position)
            elif paths:
                self.sig_paths.emit(paths, position)
            elif mime.hasImage():
                self.sig_image.emit(QImage(mime.imageData()))
            return True
        return False

    def _takes_answers(self, mime: QMimeData) -> bool:
        return self._answers and mime.hasFormat(ANSWERS_MIME)


def has_local_files(mime: QMimeData) -> bool:
    return mime.hasUrls() and any(url.isLocalFile() for url in mime.urls())


def answers_mime_data(images: list[AnsweredImage]) -> QMimeData:
    """A drag of classified images: their answers (and the bytes of those without a file) as ANSWERS_MIME,
    their files as URLs."""
    mime = QMimeData()
    items = [
        {
            "answer": image.answer,
            "file_name": image.file_name,
            "path": image.path,
            "data": base64.b64encode(image.data).decode("ascii") if image.path is None and image.data else None,
        }
        for image in images
    ]
    mime.setData(ANSWERS_MIME, QByteArray(json.dumps(items).encode("utf-8")))
    urls = [QUrl.fromLocalFile(image.path) for image in images if image.path]
    if urls:
        mime.setUrls(urls)
    elif images and images[0].data:
        # no file at all (a pasted image): the picture itself, so the try-it view (and other programs) take it,
        # and it does not fall through to the Teach tab's class behind
        mime.setImageData(QImage.fromData(images[0].data))
    return mime


def dropped_answers(mime: QMimeData) -> list[AnsweredImage]:
    """The classified images in a drag made by `answers_mime_data` ([] for anything else)."""
    try:
        items = json.loads(bytes(mime.data(ANSWERS_MIME).data()).decode("utf-8"))
        return [
            AnsweredImage(
                str(item["answer"]),
                str(item["file_name"]),
                path=item.get("path") or None,
                data=base64.b64decode(item["data"]) if item.get("data") else None,
            )
            for item in items
        ]
    except (ValueError, TypeError, KeyError):
        return []  # another program's data under our name: not ours to read


def png_bytes(image: QImage) -> bytes:
    """An image without a file (dropped from a browser, pasted) as PNG bytes, to copy into a project."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())
