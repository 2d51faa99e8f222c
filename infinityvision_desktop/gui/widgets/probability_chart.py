"""Every class's probability as horizontal bars in an embedded matplotlib canvas.

The artists are created once per set of class names and then updated in place (`set_width`,
`set_text`). Showing another answer redraws only the bars and percentages over a cached picture
of the rest (matplotlib blitting, `widgets.canvas.Blitter`) instead of a full Agg redraw, most of
which is laying out text. The class names are in that picture; the top one is bold, so there is one picture per
top class, made by the first full redraw with that class on top and kept until the size,
language, palette or classes change.
Class names are plain text artists rather than tick labels, and the margins are set by hand
from the names' measured width: tick machinery and a layout engine would double the redraw.
Names are shown in the interface language (the labels stay the model's), and the colours follow
the window's light or dark palette; both change in place on LanguageChange and PaletteChange.
On a high-DPI screen the canvas renders at the device pixel ratio (matplotlib's Qt backend
raises the figure's dpi), so sizes here are in points or scaled by that ratio.

A class can be clicked (its bar, its row or its name: matplotlib pick events) and one class can
be marked with an outline, the class whose heatmap is shown.
matplotlib is imported when the canvas is first needed, not when this module is imported: its
import is slow, and the first paint of the window should not wait for it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.i18n import class_name
from infinityvision_desktop.gui.widgets.canvas import Blitter, new_canvas

MIN_ROWS = 8  # fewer classes than this leave space below rather than grow fat bars
ROW_HEIGHT_PX = 24  # per class, so ten classes stay readable at the chart's minimum height
NAME_GAP_PX = 8  # between a class name and its bar
X_MAX = 1.16  # room for "100%" right of a full bar


class ProbabilityChart(QWidget):
    """Horizontal bars, one per class, class names on the left and percentages beside the bars."""

    sig_class_clicked = Signal(int)
    """The user clicked a class (its bar, the empty part of its row, or its name): the class index."""
    sig_drawn = Signal()
    """The canvas' pixels show the current state (after a full redraw or a blit)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = None  # a FigureCanvasQTAgg (widgets.canvas.new_canvas), once built
        self.figure = None
        self._axes = None
        self._bars = []
        self._names = []
        self._values = []
        self._names_width_pt = 0.0  # the longest class name, in points: the same at any dpi
        self._labels: tuple[str, ...] = ()
        self._shown = None  # the Prediction the bars show; None while they are empty
        self._scheme = theme.scheme(self.palette())
        self._hit_areas = []  # one invisible full-width bar per row: a 0% class can be clicked too
        self._marked_index = -1
        self._last_pick = None
        self._blitter = (
            None  # widgets.canvas.Blitter: one picture per top class (-1: none), bars and percentages over it
        )

    def ensure_canvas(self) -> None:
        """Build the figure and canvas now (they are built on first use otherwise)."""
        if self.canvas is not None:
            return
        from matplotlib.figure import Figure

        background = self._scheme.background
        self.figure = Figure(figsize=(4, 3), dpi=100, facecolor=background)
        self.canvas = new_canvas(self.figure)  # answers shown while another tab is open are drawn on return
        self.canvas.setParent(self)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._layout.addWidget(self.canvas)
        self._axes = self.figure.add_axes((0.2, 0.02, 0.75, 0.96))
        self._axes.set_facecolor(background)
        self.canvas.mpl_connect("resize_event", self._on_canvas_resize)
        self.canvas.mpl_connect("pick_event", self._on_canvas_pick)
        self._blitter = Blitter(
            self.canvas, lambda: (*self._bars, *self._values), key=self._top_index, on_drawn=self.sig_drawn.emit
        )
        self._build(self._labels)

    # --- content ---

    def show_prediction(self, prediction) -> None:
        """Show a core.predictor.Prediction: one bar per class, the top one highlighted."""
        self.ensure_canvas()
        if tuple(prediction.labels) != self._labels:
            self._build(tuple(prediction.labels))
        elif prediction == self._shown:
            return  # the window shows a row again when its batch ends: no second redraw of the same bars
        previous = self._shown.index if self._shown is not None else -1
        colours = self._scheme
        top_colour = colours.not_sure_bar if prediction.not_sure else colours.accent
        for index, (bar, name, value, probability) in enumerate(
            zip(self._bars, self._names, self._values, prediction.probabilities)
        ):
            top = index == prediction.index
            bar.set_width(float(probability))
            bar.set_color(top_colour if top else colours.other_bar)
            value.set_x(float(probability) + 0.015)
            value.set_text(percent_text(float(probability)))
            if top or index == previous:  # only the two that change weight
                weight = "bold" if top else "normal"
                value.set_fontweight(weight)
                value.set_color(top_colour if top else colours.muted)
                name.set_fontweight(weight)
        self._shown = prediction
        self._refresh()

    def clear(self) -> None:
        """Keep the class names, remove the values."""
        if self.canvas is None or self._shown is None:
            return
        for bar, name, value in zip(self._bars, self._names, self._values):
            bar.set_width(0.0)
            value.set_text("")
            name.set_fontweight("normal")
        self._shown = None
        self._refresh()

    def set_labels(self, labels: tuple[str, ...]) -> None:
        """Show these class names with empty bars (e.g. when a model becomes active)."""
        labels = tuple(labels)
        if labels == self._labels:
            return
        self._labels = labels
        if self.canvas is not None:
            self._build(labels)
            self._redraw_all()

    def set_marked(self, index: int) -> None:
        """Outline class `index` (-1: none), e.g. the class whose heatmap is on the image."""
        if index == self._marked_index or self.canvas is None:
            return
        self._marked_index = index
        self._apply_mark()
        self._refresh()

    def _apply_mark(self) -> None:
        for position, bar in enumerate(self._bars):
            marked = position == self._marked_index
            bar.set_edgecolor(self._scheme.text if marked else "none")  # the text colour: seen on light and dark
            bar.set_linewidth(1.6 if marked else 0.0)

    def marked_index(self) -> int:
        return self._marked_index

    def class_position(self, index: int) -> tuple[float, float]:
        """The middle of class `index`'s row in canvas pixels, top-left origin (where a click picks it)."""
        transform = self._axes.transData
        x, y = transform.transform((X_MAX / 2, index))
        ratio = self.canvas.device_pixel_ratio or 1.0
        return x / ratio, (self.figure.bbox.height - y) / ratio

    def _on_canvas_pick(self, event) -> None:
        if event.mouseevent is self._last_pick or getattr(event.mouseevent, "button", None) != 1:
            return  # one click may pick a bar, its row and its name: one signal
        artist = event.artist
        for group in (self._hit_areas, self._bars, self._names):
            if artist in group:
                self._last_pick = event.mouseevent
                self.sig_class_clicked.emit(group.index(artist))
                return

    def labels(self) -> tuple[str, ...]:
        """The model's class labels, in bar order."""
        return self._labels

    def display_names(self) -> tuple[str, ...]:
        """The class names as drawn beside the bars (in the interface language)."""
        return tuple(name.get_text() for name in self._names)

    def colours(self) -> dict[str, str]:
        """The colours drawn now, as hex: figure background, class names, the other bars (for tests)."""
        from matplotlib.colors import to_hex

        if self.figure is None:
            return {}
        return {
            "background": to_hex(self.figure.get_facecolor()),
            "names": to_hex(self._names[0].get_color()) if self._names else "",
            "other_bar": to_hex(self._bars[-1].get_facecolor()) if self._bars else "",
        }

    # --- language and palette ---

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._apply_scheme(theme.scheme(self.palette()))

    def _retranslate(self) -> None:
        if self.canvas is None or not self._names:
            return
        for name, label in zip(self._names, self._labels):
            name.set_text(class_name(label))
        self._measure_names()
        self._place_axes()
        self._redraw_all()

    def _apply_scheme(self, scheme: theme.Scheme) -> None:
        if scheme == self._scheme:
            return
        self._scheme = scheme
        if self.canvas is None:
            return
        self.figure.set_facecolor(scheme.background)
        self._axes.set_facecolor(scheme.background)
        self._axes.spines["left"].set_color(scheme.spine)
        shown = self._shown
        top_colour = scheme.not_sure_bar if shown is not None and shown.not_sure else scheme.accent
        for index, (bar, name, value) in enumerate(zip(self._bars, self._names, self._values)):
            top = shown is not None and index == shown.index
            bar.set_color(top_colour if top else scheme.other_bar)
            name.set_color(scheme.text)
            value.set_color(top_colour if top else scheme.muted)
        self._apply_mark()
        self._redraw_all()

    def is_empty(self) -> bool:
        return self._shown is None

    def shown(self):
        """The Prediction the bars show, or None while they are empty."""
        return self._shown

    def bar_widths(self) -> tuple[float, ...]:
        """The widths of the bars as drawn, in label order (what a user sees, for tests)."""
        return tuple(float(bar.get_width()) for bar in self._bars)

    # --- building and layout ---

    def _build(self, labels: tuple[str, ...]) -> None:
        from matplotlib.transforms import blended_transform_factory

        self._labels = labels
        self._shown = None
        axes = self._axes
        if axes is None:
            return
        axes.clear()
        axes.set_xlim(0, X_MAX)
        # first class at the top; a model with few classes keeps bars of the usual height
        axes.set_ylim(max(len(labels), MIN_ROWS) - 0.5, -0.5)
        axes.set_xticks([])
        axes.set_yticks([])
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
        colours = self._scheme
        axes.set_facecolor(colours.background)
        axes.spines["left"].set_color(colours.spine)
        axes.spines["left"].set_visible(bool(labels))
        axes.spines["left"].set_bounds(-0.5, len(labels) - 0.5)
        positions = range(len(labels))
        self._hit_areas = list(
            axes.barh(positions, [X_MAX] * len(labels), height=0.96, color=(0, 0, 0, 0), linewidth=0, zorder=0)
        )
        self._bars = list(axes.barh(positions, [0.0] * len(labels), height=0.68, color=colours.other_bar))
        for artist in (*self._hit_areas, *self._bars):
            artist.set_picker(True)
        for bar in self._bars:
            bar.set_animated(True)  # drawn over the cached picture (full redraws leave them out)
        names_at = blended_transform_factory(axes.transAxes, axes.transData)
        self._names = [
            axes.text(
                0,
                y,
                class_name(label),
                transform=names_at,
                ha="right",
                va="center",
                fontsize=10,
                color=colours.text,
                picker=True,
            )
            for y, label in zip(positions, labels)
        ]
        self._values = [
            axes.text(0.015, y, "", va="center", ha="left", fontsize=9, color=colours.muted, animated=True)
            for y in positions
        ]
        self._blitter.forget()
        self._marked_index = -1
        self._measure_names()
        self._place_axes()
        self.setMinimumHeight(ROW_HEIGHT_PX * max(len(labels), 4))

    def _measure_names(self) -> None:
        renderer = self.canvas.get_renderer()
        width_px = max((name.get_window_extent(renderer).width for name in self._names), default=0.0)
        self._names_width_pt = width_px * 72 / self.figure.dpi

    def _place_axes(self) -> None:
        width_px, height_px = self.figure.bbox.width, self.figure.bbox.height
        if width_px <= 0 or height_px <= 0:
            return
        ratio = self.figure.dpi / 100  # device pixels per logical pixel (the figure is made at 100 dpi)
        gap = NAME_GAP_PX * ratio
        left = min(0.5, (self._names_width_pt * self.figure.dpi / 72 + gap + 10 * ratio) / width_px)
        for name in self._names:  # names end NAME_GAP_PX left of the axis line
            name.set_x(-gap / (width_px * (0.97 - left)))
        self._axes.set_position((left, 8 * ratio / height_px, 0.97 - left, 1 - 16 * ratio / height_px))

    def _on_canvas_resize(self, event) -> None:
        self._blitter.forget()  # the canvas' draw_idle after a resize makes them again
        self._place_axes()

    # --- drawing ---

    def _top_index(self) -> int:
        return self._shown.index if self._shown is not None else -1

    def _refresh(self) -> None:
        """Show the current bars and percentages: blitted over the picture for this top class if
        there is one, a full redraw (which makes the picture) otherwise."""
        self._blitter.update()

    def _redraw_all(self) -> None:
        """Names, colours or size changed: every cached picture is out of date."""
        self._blitter.forget()
        self.canvas.draw_idle()


def percent_text(probability: float) -> str:
    """'97%'; never '100%' for a probability below 1 (that would claim certainty)."""
    value = round(probability * 100)
    if value >= 100 and probability < 1.0:
        value = 99
    if value == 0 and probability > 0:
        return "<1%"
    return f"{value}%"
