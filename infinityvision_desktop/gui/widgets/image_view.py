"""The selected image, as large as fits with its aspect kept; a drop hint while there is none.

An overlay (a Grad-CAM heatmap) can be drawn over the image, stretched to it, at an opacity.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QImage, QImageReader, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

# A preview decoded beside the window (`set_loader`) that takes longer than this says so; until
# then the previous image stays, rather than a flash of the hint before every image.
LOADING_HINT_MS = 150
# Never decode a preview larger than this on its long side, whatever the screen says: a 48 MP
# photo decoded whole is 190 MB of pixels, and a pause, for a picture shown 900 px wide.
MAX_PREVIEW_SIDE = 2560


def read_preview(source: str | bytes, max_side: int) -> tuple[QImage, str]:
    """The image (a file's path, or its bytes), upright and at most `max_side` on its long side;
    or a null image and why. Safe on any thread (gui.preview_worker runs it): QImage is no widget.

    QImageReader with a scaled size lets the JPEG decoder skip most of the work for big photos
    (libjpeg decodes at 1/2, 1/4 or 1/8 scale), and autoTransform applies EXIF orientation.
    """
    if isinstance(source, bytes):
        buffer = QBuffer()
        buffer.setData(QByteArray(source))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
    else:
        try:
            if os.path.getsize(source) == 0:  # some image plugins log a warning for empty files
                return QImage(), "file is empty"
        except OSError as exc:
            return QImage(), exc.strerror or str(exc)
        reader = QImageReader(source)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > max_side:
        reader.setScaledSize(scaled_to_fit(size, max_side))
    image = reader.read()
    return image, ("" if not image.isNull() else reader.errorString())


def scaled_to_fit(size: QSize, max_side: int) -> QSize:
    """`size` scaled to fit max_side x max_side, aspect kept, never below 1 pixel: a 1x10000 strip
    would otherwise scale to 0 pixels high, a size QImageReader refuses ("Unknown error")."""
    fitted = size.scaled(QSize(max_side, max_side), Qt.AspectRatioMode.KeepAspectRatio)
    return QSize(max(1, fitted.width()), max(1, fitted.height()))


class ImageView(QWidget):
    """Paints one image scaled to fit, centred; or a dashed drop area with a hint."""

    sig_shown = Signal()
    """What `show_file` asked for is on screen: the image, or the reason there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader = None  # gui.preview_worker.PreviewWorker, when files decode beside the window
        self._loading: int | None = None  # the loader's request id for the image to show next
        self._pending_overlay: QImage | None = None  # set while loading: it belongs to that image
        self._loading_timer = QTimer(self)
        self._loading_timer.setSingleShot(True)
        self._loading_timer.setInterval(LOADING_HINT_MS)
        self._loading_timer.timeout.connect(self._on_loading_timer_timeout)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 180)
        self._pixmap = QPixmap()
        self._scaled = QPixmap()
        self._scaled_for = QSize()
        self._hint_title = ""
        self._hint_text = ""
        self._overlay = QPixmap()
        self._overlay_opacity = 0.5

    # --- content ---

    def preview_side(self) -> int:
        """The long side worth decoding for this screen."""
        screen = self.screen()
        if screen is None:
            return MAX_PREVIEW_SIDE
        size = screen.size() * screen.devicePixelRatio()
        return max(256, min(MAX_PREVIEW_SIDE, max(size.width(), size.height())))

    def set_loader(self, loader) -> None:
        """Decode the files `show_file` is given with `loader` (a gui.preview_worker.PreviewWorker),
        not on the GUI thread."""
        self._loader = loader
        loader.sig_preview.connect(self._on_loader_preview)

    def show_file(self, source: str | bytes, placeholder: QImage | None = None) -> None:
        """Show an image file (its path, or its bytes); if it cannot be read, the reason.
        With a loader this returns at once and `sig_shown` follows; `placeholder` (the file's
        thumbnail) is shown, enlarged, until then."""
        if self._loader is None:
            self._show_read(*read_preview(source, self.preview_side()))
            return
        self._loading = self._loader.request(source, self.preview_side())
        self._pending_overlay = None
        if placeholder is not None and not placeholder.isNull():
            self._pixmap = QPixmap.fromImage(placeholder)
            self._scaled = QPixmap()
            self._hint_title = self._hint_text = ""
            self._loading_timer.stop()  # no "Loading preview…": the thumbnail says what is coming
        else:
            self._loading_timer.start()
        self._overlay = QPixmap()  # it belonged to the previous image
        self.update()

    def has_loader(self) -> bool:
        return self._loader is not None

    def is_loading(self) -> bool:
        return self._loading is not None

    @Slot(int, object, str)
    def _on_loader_preview(self, request_id: int, image: QImage, reason: str) -> None:
        if request_id != self._loading:
            return  # another image was asked for since
        self._show_read(image, reason, self._pending_overlay)

    @Slot()
    def _on_loading_timer_timeout(self) -> None:
        if self._loading is not None:
            self._set_hint(self.tr("Loading preview…"), "")

    def _show_read(self, image: QImage, reason: str, overlay: QImage | None = None) -> None:
        if image.isNull():
            self.show_hint(self.tr("No preview"), reason)
        else:
            self.show_image(image)
            if overlay is not None:  # asked for while the image was on its way
                self.set_overlay(overlay)
        self.sig_shown.emit()

    def _stop_loading(self) -> None:
        self._loading = None
        self._pending_overlay = None
        self._loading_timer.stop()

    def show_image(self, image: QImage) -> None:
        self._stop_loading()
        side = self.preview_side()
        if max(image.width(), image.height()) > side:
            image = image.scaled(
                side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        self._pixmap = QPixmap.fromImage(image)
        self._scaled = QPixmap()
        self._overlay = QPixmap()  # it belonged to the previous image
        self._hint_title = self._hint_text = ""  # an image now, no hint
        self.update()

    def show_hint(self, title: str, text: str = "") -> None:
        """No image: a dashed drop area with a title and a line of text."""
        self._stop_loading()
        self._set_hint(title, text)

    def _set_hint(self, title: str, text: str) -> None:
        self._pixmap = QPixmap()
        self._scaled = QPixmap()
        self._overlay = QPixmap()
        self._hint_title, self._hint_text = title, text
        self.update()

    def set_overlay(self, image: QImage | None) -> None:
        """Draw `image` stretched over the shown image (None removes it); gone when the image changes."""
        if self._loading is not None:
            self._pending_overlay = image  # for the image on its way
            return
        if image is None and self._overlay.isNull():
            return  # nothing to remove: no repaint
        self._overlay = QPixmap.fromImage(image) if image is not None and not self._pixmap.isNull() else QPixmap()
        self.update()

    def set_overlay_opacity(self, opacity: float) -> None:
        self._overlay_opacity = min(1.0, max(0.0, float(opacity)))
        if not self._overlay.isNull():
            self.update()

    def overlay_opacity(self) -> float:
        return self._overlay_opacity

    def has_overlay(self) -> bool:
        return not self._overlay.isNull()

    def has_image(self) -> bool:
        """An image is shown, and it is the one asked for last (not one still loading)."""
        return not self._pixmap.isNull() and self._loading is None

    def pixmap(self) -> QPixmap:
        return self._pixmap

    def hint(self) -> tuple[str, str]:
        return self._hint_title, self._hint_text

    # --- painting ---

    def resizeEvent(self, event) -> None:
        self._scaled = QPixmap()
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._pixmap.isNull():
            self._paint_hint(painter)
            return
        ratio = self.devicePixelRatioF()
        target = self.size() * ratio
        if self._scaled.isNull() or self._scaled_for != target:
            self._scaled_for = target
            fits = self._pixmap.width() <= target.width() and self._pixmap.height() <= target.height()
            if fits and max(self._pixmap.width(), self._pixmap.height()) >= 256:
                self._scaled = QPixmap(self._pixmap)  # fits already: its own size is sharpest
            else:  # too big, or a thumbnail-sized image worth enlarging
                self._scaled = self._pixmap.scaled(
                    target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            self._scaled.setDevicePixelRatio(ratio)
        logical = self._scaled.deviceIndependentSize()
        x = (self.width() - logical.width()) / 2
        y = (self.height() - logical.height()) / 2
        target_rect = QRectF(x, y, logical.width(), logical.height())
        painter.drawPixmap(target_rect, self._scaled, QRectF(self._scaled.rect()))
        if not self._overlay.isNull() and self._overlay_opacity > 0:
            # stretched over the whole image, as the model's squash resize maps its input onto it
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.setOpacity(self._overlay_opacity)
            painter.drawPixmap(target_rect, self._overlay, QRectF(self._overlay.rect()))
            painter.setOpacity(1.0)

    def _paint_hint(self, painter: QPainter) -> None:
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(12, 12, -12, -12)
        line = QColor(palette.color(QPalette.ColorRole.WindowText))
        line.setAlpha(70)
        pen = QPen(line, 2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        fill = QColor(palette.color(QPalette.ColorRole.Base))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 14, 14)

        text_color = QColor(palette.color(QPalette.ColorRole.WindowText))
        title_font = QFont(self.font())
        title_font.setPointSizeF(self.font().pointSizeF() * 1.6)
        title_font.setBold(True)
        body = rect.adjusted(24, 0, -24, 0)
        painter.setFont(title_font)
        text_color.setAlpha(190)
        painter.setPen(text_color)
        title_height = painter.fontMetrics().height() * 2
        center_y = rect.center().y()
        painter.drawText(
            QRectF(body.left(), center_y - title_height, body.width(), title_height),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap,
            self._hint_title,
        )
        painter.setFont(self.font())
        text_color.setAlpha(150)
        painter.setPen(text_color)
        painter.drawText(
            QRectF(body.left(), center_y + 8, body.width(), rect.bottom() - center_y - 16),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            self._hint_text,
        )
