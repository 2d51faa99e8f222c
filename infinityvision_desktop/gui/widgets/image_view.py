"""The selected image, as large as fits with its aspect kept; a drop hint while there is none.

An overlay (a Grad-CAM heatmap) can be drawn over the image, stretched to it, at an opacity.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QImageReader, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

# Never decode a preview larger than this on its long side, whatever the screen says: a 48 MP
# photo decoded whole is 190 MB of pixels, and a pause, for a picture shown 900 px wide.
MAX_PREVIEW_SIDE = 2560


def read_preview(path: str, max_side: int) -> tuple[QImage, str]:
    """The image at `path`, upright and at most `max_side` on its long side; or a null image and why.

    QImageReader with a scaled size lets the JPEG decoder skip most of the work for big photos
    (libjpeg decodes at 1/2, 1/4 or 1/8 scale), and autoTransform applies EXIF orientation.
    """
    try:
        if os.path.getsize(path) == 0:  # some image plugins log a warning for empty files
            return QImage(), "file is empty"
    except OSError as exc:
        return QImage(), exc.strerror or str(exc)
    reader = QImageReader(path)
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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

    def show_file(self, path: str) -> bool:
        """Show the image file; on failure show its reason and return False."""
        image, reason = read_preview(path, self.preview_side())
        if image.isNull():
            self.show_hint(self.tr("No preview"), reason)
            return False
        self.show_image(image)
        return True

    def show_image(self, image: QImage) -> None:
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
        self._pixmap = QPixmap()
        self._scaled = QPixmap()
        self._overlay = QPixmap()
        self._hint_title, self._hint_text = title, text
        self.update()

    def set_overlay(self, image: QImage | None) -> None:
        """Draw `image` stretched over the shown image (None removes it); gone when the image changes."""
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
        return not self._pixmap.isNull()

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
