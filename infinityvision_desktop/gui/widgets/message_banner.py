"""A message above a view, coloured for information, a warning or an error, that the user can hide."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

# background and text colour per kind, both set: the banner reads the same in a light or a dark window
COLOURS = {"info": ("#e8f0fe", "#174ea6"), "warning": ("#fff4ce", "#6b4b00"), "error": ("#fde7e9", "#8c1d18")}


class MessageBanner(QFrame):
    """Hidden until `show_message()`; its × hides it again. `object_name` is what its style sheet names.
    Its owner calls `retranslate_ui()` on a language change."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 4, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()
        self.close_button.clicked.connect(self.hide)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.close_button.setToolTip(self.tr("Hide this message"))
        self.close_button.setAccessibleName(self.tr("Hide this message"))

    def show_message(self, text: str, kind: str = "info", *, tooltip: str = "") -> None:
        """Show `text`; kind is "info", "warning" or "error" (the property "kind" says which)."""
        background, foreground = COLOURS.get(kind, COLOURS["info"])
        self.setStyleSheet(
            f"#{self.objectName()} {{ background: {background}; border-radius: 4px; }}"
            f" QLabel {{ color: {foreground}; }}"
        )
        self.label.setText(text)
        self.label.setToolTip(tooltip)
        self.setProperty("kind", kind)
        self.show()

    def message(self) -> str:
        """The text shown, or "" when hidden."""
        return self.label.text() if not self.isHidden() else ""
