"""Light and dark: the application palette, and the colours the app draws with on top of it.

`apply()` sets the theme chosen in Preferences: "dark" is the Fusion style with a dark
palette, "light" Fusion with its light palette (even on a dark desktop), "system" the style and
palette the app started with. Widgets never keep a colour of their own: they ask `scheme()`
for the colours that go with the palette they are painted with, when they are built and again
on QEvent.PaletteChange, so the charts, labels and tables follow a switch at run time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from infinityvision_desktop.gui.settings import SYSTEM

FUSION = "Fusion"


@dataclass(frozen=True)
class Scheme:
    """The colours drawn on a light or a dark window (hex strings, for Qt and matplotlib alike)."""

    dark: bool
    background: str  # the window's colour: chart figures are painted with it
    text: str
    muted: str  # secondary text: details, axis labels, hints
    accent: str  # the top class's bar, the active model, training curves
    not_sure: str  # text saying the model is not sure
    not_sure_bar: str
    error: str
    other_bar: str  # every other class's bar
    spine: str  # chart axis lines
    grid: str
    stage_line: str
    validation: str
    best: str
    banner: str  # a notice's background (e.g. "an unfinished run can be resumed") and its border
    banner_border: str
    confusion_low: str  # the confusion matrix's colour ramp, empty cell to full
    confusion_high: str


LIGHT = Scheme(
    dark=False,
    background="#efefef",
    text="#1f2a37",
    muted="#5f6672",
    accent="#2f6fd6",
    not_sure="#9a6200",
    not_sure_bar="#d48a0b",
    error="#b3261e",
    other_bar="#c9d3e0",
    spine="#b8c0cc",
    grid="#e3e7ed",
    stage_line="#8a93a3",
    validation="#d9711c",
    best="#1a9c4b",
    banner="#fff4d6",
    banner_border="#e8c66a",
    confusion_low="#f7fbff",
    confusion_high="#08306b",
)
DARK = Scheme(
    dark=True,
    background="#2b2e33",
    text="#e6e8eb",
    muted="#a3aab4",
    accent="#5b9bff",
    not_sure="#f0b429",
    not_sure_bar="#e09a1a",
    error="#ff8a80",
    other_bar="#4d5665",
    spine="#5d6470",
    grid="#3a3f46",
    stage_line="#7d8591",
    validation="#f08a3c",
    best="#3ccf74",
    banner="#4a3f1d",
    banner_border="#8a7431",
    confusion_low="#23272d",
    confusion_high="#4f8ff0",
)

_started_with: str | None = None  # the style the app had before any theme was applied
_current = SYSTEM


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether text is light on a dark window in this palette (the application's by default)."""
    palette = palette if palette is not None else QGuiApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightness() < text.lightness()


def scheme(palette: QPalette | None = None) -> Scheme:
    """The colours that go with `palette`; its own window colour as the background."""
    palette = palette if palette is not None else QGuiApplication.palette()
    base = DARK if is_dark(palette) else LIGHT
    background = palette.color(QPalette.ColorRole.Window).name()
    if background == base.background:
        return base
    return replace(base, background=background)


def current_theme() -> str:
    """The theme applied last: 'light', 'dark' or 'system'."""
    return _current


def apply(theme: str, app: QApplication | None = None) -> None:
    """Switch the whole app to 'light', 'dark' or 'system' (the style and palette it started with)."""
    global _started_with, _current
    app = app or QApplication.instance()
    if _started_with is None:
        _started_with = app.style().name()
    if theme == "dark":
        _set_style(app, FUSION)
        app.setPalette(dark_palette())
        _set_colour_scheme(app, Qt.ColorScheme.Dark)
    elif theme == "light":
        _set_style(app, FUSION)
        app.setPalette(QStyleFactory.create(FUSION).standardPalette())
        _set_colour_scheme(app, Qt.ColorScheme.Light)
    else:
        theme = SYSTEM
        _set_style(app, _started_with)
        _set_colour_scheme(app, Qt.ColorScheme.Unknown)
        app.setPalette(QPalette())  # nothing set: the desktop's palette again, and it follows the desktop
    _current = theme


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style: grey-blue surfaces, light text, the app's blue."""
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#2b2e33",
        roles.WindowText: "#e6e8eb",
        roles.Base: "#1f2226",
        roles.AlternateBase: "#272a2f",
        roles.ToolTipBase: "#3a3f46",
        roles.ToolTipText: "#e6e8eb",
        roles.PlaceholderText: "#8b929c",
        roles.Text: "#e6e8eb",
        roles.Button: "#34383e",
        roles.ButtonText: "#e6e8eb",
        roles.BrightText: "#ff6b6b",
        roles.Link: "#6ea8ff",
        roles.LinkVisited: "#b08cff",
        roles.Highlight: "#2f6fd6",
        roles.HighlightedText: "#ffffff",
        roles.Light: "#4a4f57",
        roles.Midlight: "#3c4047",
        roles.Mid: "#24272b",
        roles.Dark: "#1c1e21",
        roles.Shadow: "#111214",
    }
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7a808a"))
    palette.setColor(disabled, roles.Highlight, QColor("#4a4f57"))
    palette.setColor(disabled, roles.HighlightedText, QColor("#a3aab4"))
    return palette


def _set_style(app: QApplication, name: str) -> None:
    if app.style().name().lower() != name.lower():
        app.setStyle(name)


def _set_colour_scheme(app: QApplication, scheme_value) -> None:
    # Qt 6.8+: native parts (title bars, file dialogs on some desktops) follow too; no-op elsewhere.
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):
        if scheme_value == Qt.ColorScheme.Unknown and hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
        else:
            hints.setColorScheme(scheme_value)


class FollowsLanguageAndPalette:
    """Mixin for a widget class (list it before the Qt base): calls `retranslate_ui()` on a
    language change and `_apply_scheme()` on a palette change (light/dark), which the class defines."""

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        elif event.type() == QEvent.Type.PaletteChange:
            self._apply_scheme()
