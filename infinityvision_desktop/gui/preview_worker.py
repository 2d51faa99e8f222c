"""The preview worker: the selected image decoded at the screen's size, beside the window.

Decoding a photo for the screen is slow for today's photos: a 12 MP JPEG takes 70-90 ms at
1920-2560 px, a 48 MP one 160-180 ms (this 2-core machine). On the GUI thread that froze the
window for as long each time a row was selected.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Signal

from infinityvision_desktop.gui.widgets.image_view import read_preview
from infinityvision_desktop.gui.workers import CommandWorker


class PreviewWorker(CommandWorker):
    """Decodes previews in its thread, the latest request only: a user stepping through a list
    of photos has moved on from the others. `request()` is safe from any thread."""

    sig_preview = Signal(int, object, str)
    """A request is decoded: its id, the QImage (null if it could not be read) and why not."""

    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1)
        self._latest: tuple[int, str | bytes, int] | None = None

    def request(self, source: str | bytes, max_side: int) -> int:
        """Decode `source` (a path or image bytes) for the screen; returns the id sig_preview carries."""
        with self._lock:
            request_id = next(self._ids)
            self._latest = (request_id, source, max_side)
        self.post(request_id)
        return request_id

    def handle(self, command: object) -> None:
        with self._lock:
            latest = self._latest
        if latest is None or latest[0] != command:
            return  # a newer request is queued behind this one
        request_id, source, max_side = latest
        image, reason = read_preview(source, max_side)
        self.sig_preview.emit(request_id, image, reason)
