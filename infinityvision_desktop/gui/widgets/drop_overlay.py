"""The highlight shown over the window while files are dragged over it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

HIGHLIGHT = QColor(47, 111, 214)


class DropOverlay(QWidget):
    """Covers its parent with a tinted, outlined area and one line of text; mouse-transparent."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.text = self.tr("Drop to classify")
        self.hide()
        parent.installEventFilter(self)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.text = self.tr("Drop to classify")

    def show_over_parent(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        tint = QColor(HIGHLIGHT)
        tint.setAlpha(38)
        painter.setBrush(tint)
        painter.setPen(QPen(HIGHLIGHT, 3, Qt.PenStyle.DashLine))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(8, 8, -8, -8), 16, 16)
        font = QFont(self.font())
        font.setPointSizeF(self.font().pointSizeF() * 2)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(HIGHLIGHT)
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text)
