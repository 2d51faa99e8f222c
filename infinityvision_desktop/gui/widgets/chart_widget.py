"""The base of the app's charts: a matplotlib figure in a Qt canvas, built on first use, that can
show a message instead of the chart and be saved as PNG or SVG.

Texts are in the interface language and colours follow the window's light or dark palette; both
change in place on LanguageChange and PaletteChange. matplotlib is imported when a chart is first
drawn, not when this module is imported: its import is slow, and the first paint of the window
should not wait for it. Never pyplot: figures are created directly and belong to their widget.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.core.atomic import atomic_path
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.widgets.canvas import new_canvas

SAVE_FORMATS = ("png", "svg")
# Saved charts go into documents and slides: always the light colours on white.
SAVED_SCHEME = dataclasses.replace(theme.LIGHT, background="#ffffff")


class ChartWidget(QWidget):
    """A figure in a Qt canvas, built on first use, that can show a message instead of the chart.

    Subclasses implement `_build()` (create axes and artists once) and call `ensure_canvas()`
    before touching them. `header` is a row above the canvas for controls; it holds the Save
    button on the right.
    """

    sig_saved = Signal(str)
    """The chart was written to this file."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        file_stem: str = "chart",
        figsize: tuple[float, float] = (5.0, 3.2),
        overlay_save: bool = False,
        layout: str | None = "constrained",
    ) -> None:
        super().__init__(parent)
        self._layout_engine = layout
        self._overlay_save = overlay_save  # the Save button floats over the chart's top-right corner
        self._file_stem = file_stem
        self._figsize = figsize
        self.figure = None
        self.canvas = None
        self.scheme = theme.scheme(self.palette())

        self.header = QHBoxLayout()
        self.header.setContentsMargins(0, 0, 0, 0)
        self.header.addStretch(1)
        self.save_png_action = QAction(self)
        self.save_svg_action = QAction(self)
        self.save_button = QToolButton(self)
        self.save_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        save_menu = QMenu(self.save_button)
        save_menu.addAction(self.save_png_action)
        save_menu.addAction(self.save_svg_action)
        self.save_button.setMenu(save_menu)
        if not overlay_save:
            self.header.addWidget(self.save_button)

        self.message_label = QLabel(self)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(f"color: {self.scheme.muted};")
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.message_label)
        self._stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if not overlay_save:
            layout.addLayout(self.header)
        layout.addWidget(self._stack, 1)
        if overlay_save:
            self.save_button.setAutoRaise(True)
            self.save_button.raise_()

        self.save_png_action.triggered.connect(self._on_save_png_action_triggered)
        self.save_svg_action.triggered.connect(self._on_save_svg_action_triggered)
        self._set_saveable(False)
        self._retranslate_save()

    # --- language and palette ---

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate_save()
            if self.canvas is not None:
                self._retranslate_chart()
                self.canvas.draw_idle()
        elif event.type() == QEvent.Type.PaletteChange:
            self.set_scheme(theme.scheme(self.palette()))

    def _retranslate_save(self) -> None:
        self.save_png_action.setText(self.tr("Save Chart as &PNG…"))
        self.save_svg_action.setText(self.tr("Save Chart as &SVG…"))
        self.save_button.setText(self.tr("Save…"))
        self.save_button.setToolTip(self.tr("Save this chart as a PNG or SVG image"))
        self.save_button.setAccessibleName(self.tr("Save chart"))

    def _retranslate_chart(self) -> None:
        """Set the chart's own texts (titles, axis labels, legends) again in the current language."""

    def set_scheme(self, scheme: theme.Scheme) -> None:
        """Draw with these colours from now on (the window's palette changed, or a save needs light ones)."""
        if scheme == self.scheme:
            return
        self.scheme = scheme
        self.message_label.setStyleSheet(f"color: {scheme.muted};")
        if self.canvas is not None:
            self.figure.set_facecolor(scheme.background)
            self._restyle()
            self.canvas.draw_idle()

    def _restyle(self) -> None:
        """Recolour the artists after set_scheme() (subclasses)."""

    # --- the canvas ---

    def ensure_canvas(self) -> None:
        """Build the figure, canvas and artists now (they are built on first use otherwise)."""
        if self.canvas is not None:
            return
        from matplotlib.figure import Figure

        self.figure = Figure(
            figsize=self._figsize, dpi=100, facecolor=self.scheme.background, layout=self._layout_engine
        )
        self.canvas = new_canvas(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas.customContextMenuRequested.connect(self._on_canvas_context_menu_requested)
        self._stack.addWidget(self.canvas)
        self._build()

    def _build(self) -> None:
        raise NotImplementedError

    def show_chart(self) -> None:
        self.ensure_canvas()
        self._stack.setCurrentWidget(self.canvas)
        self.message_label.clear()  # a message is set again, in the language of its day, when one is shown
        self._set_saveable(True)

    def show_message(self, text: str) -> None:
        """Show `text` where the chart would be (e.g. "no training history stored")."""
        self.message_label.setText(text)
        self._stack.setCurrentWidget(self.message_label)
        self._set_saveable(False)

    def is_showing_chart(self) -> bool:
        return self.canvas is not None and self._stack.currentWidget() is self.canvas

    def message(self) -> str:
        return "" if self.is_showing_chart() else self.message_label.text()

    def _set_saveable(self, enabled: bool) -> None:
        for item in (self.save_button, self.save_png_action, self.save_svg_action):
            item.setEnabled(enabled)
        if self._overlay_save:
            self.save_button.setVisible(enabled)
            self.save_button.raise_()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._overlay_save:
            hint = self.save_button.sizeHint()
            self.save_button.setGeometry(self.width() - hint.width() - 2, 2, hint.width(), hint.height())

    # --- saving ---

    def save_image(self, path: str | os.PathLike) -> Path:
        """Write the chart as PNG or SVG (by the suffix), atomically (core.atomic): a failed save
        keeps the file that was there."""
        path = Path(path)
        kind = path.suffix.lower().lstrip(".")
        if kind not in SAVE_FORMATS:
            raise ValueError(f"save charts as .png or .svg, not {path.suffix or 'a file without a suffix'}")
        self.ensure_canvas()
        shown = self.scheme
        self.set_scheme(SAVED_SCHEME)  # light colours on white, whatever the window's theme
        try:
            with atomic_path(path) as temp:
                self.figure.savefig(temp, format=kind, dpi=150, facecolor="white")
        finally:
            self.set_scheme(shown)
        self.sig_saved.emit(str(path))
        return path

    def _ask_and_save(self, kind: str) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation) or str(Path.home())
        suggested = str(Path(folder) / f"{self._file_stem}.{kind}")
        # looked up on the module at call time, so tests can replace it
        filters = {"png": self.tr("PNG image (*.png)"), "svg": self.tr("SVG image (*.svg)")}
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Chart"), suggested, filters[kind])
        if not path:
            return
        if Path(path).suffix.lower() != f".{kind}":
            path += f".{kind}"
        try:
            self.save_image(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(
                self, self.tr("Save Chart"), self.tr("The chart could not be saved to {0}:\n{1}").format(path, exc)
            )

    @Slot()
    def _on_save_png_action_triggered(self) -> None:
        self._ask_and_save("png")

    @Slot()
    def _on_save_svg_action_triggered(self) -> None:
        self._ask_and_save("svg")

    @Slot(QPoint)
    def _on_canvas_context_menu_requested(self, position) -> None:
        menu = QMenu(self)
        menu.addAction(self.save_png_action)
        menu.addAction(self.save_svg_action)
        menu.exec(self.canvas.mapToGlobal(position))

    def draw_idle(self) -> None:
        if self.canvas is not None:
            self.canvas.draw_idle()


def style_axes(axes, scheme: theme.Scheme) -> None:
    """The charts' plain axes: no top and right spines, ticks and spines in the scheme's colours."""
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(scheme.spine)
    axes.tick_params(colors=scheme.text, labelsize=8)
