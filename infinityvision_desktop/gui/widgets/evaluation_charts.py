"""How a model scores, as embedded matplotlib charts drawn from ModelMetadata values.

- `ConfusionMatrixChart`: counts or row-normalised, class names on both axes, annotated cells.
- `ComparisonChart`: test accuracy per model, the active one highlighted.

Class names are translated for display only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QCheckBox, QWidget

from infinityvision_desktop.gui.i18n import class_name, percent
from infinityvision_desktop.gui.widgets.chart_widget import ChartWidget, style_axes

# ================================================================ confusion matrix


class ConfusionMatrixChart(ChartWidget):
    """Rows are the true class, columns the predicted one; counts or each row as shares of it."""

    sig_normalized_changed = Signal(bool)
    """The user switched between counts (False) and row-normalised shares (True)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        # no layout engine: constrained layout measures every text on every draw, a large part of
        # the end-of-training redraw; the margins are set by hand from the class names instead
        super().__init__(parent, file_stem="confusion-matrix", figsize=(4.6, 4.2), layout=None)
        self._labels: tuple[str, ...] = ()
        self._margins_px = (0.0, 0.0, 0.0, 0.0)  # left, bottom, right, top
        self._counts = np.zeros((0, 0), dtype=np.int64)
        self._cell_marker = None  # the outline of the cell shown (Evaluate on Folder)
        self._normalized = False
        self._image = None
        self._texts: list[list] = []
        self.normalized_check = QCheckBox(self)
        self._retranslate_check()
        self.header.insertWidget(0, self.normalized_check)
        self.normalized_check.setEnabled(False)
        self.normalized_check.toggled.connect(self._on_normalized_check_toggled)

    def _build(self) -> None:
        self._axes = self.figure.add_axes((0.2, 0.2, 0.75, 0.75))
        self._axes.set_facecolor("none")  # the figure colour shows: the window's on screen, white when saved
        self.canvas.mpl_connect("resize_event", self._on_canvas_resize)
        self._rebuild()

    def _retranslate_check(self) -> None:
        self.normalized_check.setText(self.tr("Row-normalised"))
        self.normalized_check.setToolTip(self.tr("Show each row as shares of its true class (recall on the diagonal)"))

    def _retranslate_save(self) -> None:
        super()._retranslate_save()
        if hasattr(self, "normalized_check"):  # ChartWidget.__init__ calls this before it exists
            self._retranslate_check()

    def _retranslate_chart(self) -> None:
        self._rebuild()  # class names on both axes, the axis titles

    def _restyle(self) -> None:
        self._rebuild()

    # --- content ---

    def set_matrix(self, labels: Sequence[str], confusion: Sequence[Sequence[int]]) -> None:
        counts = np.asarray(confusion, dtype=np.int64)
        labels = tuple(labels)
        if counts.shape != (len(labels), len(labels)):
            raise ValueError(f"a {len(labels)}x{len(labels)} matrix is needed, got {counts.shape}")
        same_shape = labels == self._labels and self._image is not None
        self._labels, self._counts = labels, counts
        self.show_chart()
        if same_shape:
            self._update_values()
        else:
            self._rebuild()

    def mark_cell(self, cell: tuple[int, int] | None, colour: str) -> None:
        """Outline one cell (true, predicted), or none."""
        from matplotlib.patches import Rectangle

        if self.canvas is None or not self.figure.axes:
            return
        if self._cell_marker is not None:
            try:
                self._cell_marker.remove()
            except (ValueError, NotImplementedError):  # the axes were rebuilt meanwhile
                pass
            self._cell_marker = None
        if cell is not None:
            outline = Rectangle((cell[1] - 0.5, cell[0] - 0.5), 1, 1, fill=False, edgecolor=colour, linewidth=2.5)
            self._cell_marker = self.figure.axes[0].add_patch(outline)
        self.draw_idle()

    def set_mark_colour(self, colour: str) -> None:
        if self._cell_marker is not None:
            self._cell_marker.set_edgecolor(colour)
            self.draw_idle()

    def prepare(self, labels: Sequence[str]) -> None:
        """Build the axes, ticks and cell texts for these classes now, still showing the message:
        a later `set_matrix()` with the same classes only updates values (a rebuild takes GUI
        time that the end of a training run should not pay on top of its redraws)."""
        labels = tuple(labels)
        if not labels or (labels == self._labels and self._image is not None):
            return
        self.ensure_canvas()
        self._labels, self._counts = labels, np.zeros((len(labels), len(labels)), dtype=np.int64)
        # behind the message, a draw now would only be redone when the values come
        self._rebuild(draw=self.is_showing_chart())

    def set_evaluation(self, evaluation: Mapping) -> None:
        """An Evaluation.to_dict() value, as stored in ModelMetadata.evaluation/validation."""
        self.set_matrix(evaluation["labels"], evaluation["confusion"])

    def set_normalized(self, normalized: bool) -> None:
        self.normalized_check.setChecked(bool(normalized))  # the slot updates the chart

    def normalized(self) -> bool:
        return self._normalized

    def labels(self) -> tuple[str, ...]:
        return self._labels

    def displayed_values(self) -> np.ndarray:
        """The matrix as drawn: counts, or row shares when normalised."""
        if not self._normalized:
            return self._counts.copy()
        totals = self._counts.sum(axis=1, keepdims=True).astype(float)
        return np.divide(self._counts, totals, out=np.zeros(self._counts.shape, dtype=float), where=totals != 0)

    def cell_texts(self) -> list[list[str]]:
        return [[text.get_text() for text in row] for row in self._texts]

    def image_values(self) -> np.ndarray:
        """The array held by the image artist (what the colours are drawn from)."""
        return np.asarray(self._image.get_array()) if self._image is not None else np.zeros((0, 0))

    def _set_saveable(self, enabled: bool) -> None:
        super()._set_saveable(enabled)
        check = getattr(self, "normalized_check", None)  # ChartWidget.__init__ calls this before it exists
        if check is not None:
            check.setEnabled(enabled)  # nothing to normalise while a message is shown

    @Slot(bool)
    def _on_normalized_check_toggled(self, checked: bool) -> None:
        if checked == self._normalized:
            return
        self._normalized = checked
        if self._image is not None:
            self._update_values()
        self.sig_normalized_changed.emit(checked)

    # --- drawing ---

    def _rebuild(self, draw: bool = True) -> None:
        if self.canvas is None:
            return
        axes = self._axes
        axes.clear()
        axes.set_facecolor("none")
        self._texts = []
        self._image = None
        n = len(self._labels)
        if n == 0:
            axes.set_axis_off()
            self.canvas.draw_idle()
            return
        axes.set_axis_on()
        from matplotlib.colors import LinearSegmentedColormap

        colours = self.scheme
        # light: white to deep blue; dark: from the window's colour up to a bright blue
        ramp = (
            "Blues"
            if not colours.dark
            else LinearSegmentedColormap.from_list("confusion", [colours.confusion_low, colours.confusion_high])
        )
        self._image = axes.imshow(self.displayed_values(), cmap=ramp, interpolation="nearest", aspect="equal")
        font = 8 if n <= 10 else 6 if n <= 20 else 4
        names = [class_name(label) for label in self._labels]
        axes.set_xticks(range(n), names, rotation=45, ha="right", rotation_mode="anchor", fontsize=font + 1)
        axes.set_yticks(range(n), names, fontsize=font + 1)
        axes.set_xlabel(self.tr("predicted"), fontsize=8, color=colours.muted)
        axes.set_ylabel(self.tr("true class"), fontsize=8, color=colours.muted)
        axes.tick_params(length=0, colors=colours.text)
        for side in axes.spines.values():
            side.set_visible(False)
        self._texts = [
            [axes.text(col, row, "", ha="center", va="center", fontsize=font) for col in range(n)] for row in range(n)
        ]
        self._measure_margins()
        self._place_axes()
        self._update_values(draw)

    def _measure_margins(self) -> None:
        """Room for the tick labels (x rotated by 45 degrees), the axis labels and the title, in pixels."""
        renderer = self.canvas.get_renderer()
        axes = self._axes
        y_names = max((t.get_window_extent(renderer).width for t in axes.get_yticklabels()), default=0.0)
        x_extents = [t.get_window_extent(renderer) for t in axes.get_xticklabels()]
        x_names = max((e.height for e in x_extents), default=0.0)  # the rotated box: already 45 degrees
        # the first rotated name starts half a cell right of the axes and runs down-left past them
        overhang = x_extents[0].width - 10 if x_extents else 0.0
        label = 8 * 1.6  # an 8-point axis label's line, at 100 dpi
        self._margins_px = (max(y_names + label + 10, overhang), x_names + label + 10, 8.0, label + 8)

    def _place_axes(self) -> None:
        width, height = self.figure.bbox.width, self.figure.bbox.height
        left, bottom, right, top = self._margins_px
        if width <= left + right + 20 or height <= bottom + top + 20:
            return
        self._axes.set_position(
            (left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height)
        )

    def _on_canvas_resize(self, event) -> None:
        if self._labels:
            self._place_axes()

    def _update_values(self, draw: bool = True) -> None:
        values = self.displayed_values()
        top = 1.0 if self._normalized else max(1, int(values.max()) if values.size else 1)
        self._image.set_data(values)
        self._image.set_clim(0, top)
        for row, texts in enumerate(self._texts):
            for col, text in enumerate(texts):
                value = values[row, col]
                if self._normalized:
                    label = f"{value:.0%}" if value >= 0.005 or value == 0 else "<1%"
                else:
                    label = str(int(value))
                text.set_text(label)
                # dark cells get white text, light cells dark text; zeros fade
                strong = value > 0.55 * top
                text.set_color(
                    "white"
                    if strong or (self.scheme.dark and value != 0)
                    else (self.scheme.muted if value == 0 else self.scheme.text)
                )
        self._axes.set_title(
            self.tr("row-normalised") if self._normalized else self.tr("counts"),
            fontsize=8,
            color=self.scheme.muted,
            loc="right",
        )
        if draw:
            self.canvas.draw_idle()


# ================================================================ model comparison


class ComparisonChart(ChartWidget):
    """Test accuracy of every model the app knows, one horizontal bar each; the active one stands out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, file_stem="model-comparison", figsize=(4.6, 2.6))
        self._models: list[tuple[str, float | None]] = []
        self._active: str | None = None
        self._bars: list = []

    def _build(self) -> None:
        self._axes = self.figure.add_subplot()
        self._axes.set_facecolor("none")  # the figure colour shows: the window's on screen, white when saved
        self._rebuild()

    def set_models(self, models: Sequence[tuple[str, float | None]], active: str | None = None) -> None:
        """(name, test accuracy or None) pairs, drawn in the given order; `active` is highlighted."""
        self._models = [(str(name), None if accuracy is None else float(accuracy)) for name, accuracy in models]
        self._active = active
        if not self._models:
            self.show_message(self.tr("No models to compare yet."))
            return
        self.show_chart()
        self._rebuild()

    def set_active(self, active: str | None) -> None:
        self._active = active
        if self._models and self.canvas is not None:
            self._rebuild()

    def bar_values(self) -> list[tuple[str, float]]:
        """(name, bar length) as drawn; a model without a test accuracy has a zero-length bar."""
        return [(name, float(bar.get_width())) for (name, _), bar in zip(self._models, self._bars)]

    def highlighted(self) -> list[str]:
        return [
            name
            for (name, _), bar in zip(self._models, self._bars)
            if _same_colour(bar.get_facecolor(), self.scheme.accent)
        ]

    def _retranslate_chart(self) -> None:
        if not self._models:
            self.show_message(self.tr("No models to compare yet."))
        self._rebuild()

    def _restyle(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        if self.canvas is None:
            return
        from matplotlib.ticker import PercentFormatter

        axes = self._axes
        axes.clear()
        axes.set_facecolor("none")
        colours = self.scheme
        style_axes(axes, colours)
        n = len(self._models)
        if not n:
            self._bars = []
            self.canvas.draw_idle()
            return
        names = [name for name, _ in self._models]
        widths = [accuracy or 0.0 for _, accuracy in self._models]
        fills = [colours.accent if name == self._active else colours.other_bar for name in names]
        self._bars = list(axes.barh(range(n), widths, height=0.62, color=fills))
        for index, (name, accuracy) in enumerate(self._models):
            text = percent(accuracy) if accuracy is not None else self.tr("not evaluated")
            axes.text(
                (accuracy or 0.0) + 0.01,
                index,
                text,
                va="center",
                ha="left",
                fontsize=8,
                color=colours.text if name == self._active else colours.muted,
                fontweight="bold" if name == self._active else "normal",
            )
        axes.set_yticks(range(n), [_elide(name, 28) for name in names], fontsize=8)
        for tick, name in zip(axes.get_yticklabels(), names):
            tick.set_fontweight("bold" if name == self._active else "normal")
        axes.set_ylim(n - 0.5, -0.5)
        axes.set_xlim(0, 1.15)  # room for "100.0%" right of a full bar
        axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.set_xlabel(self.tr("test accuracy"), fontsize=8, color=colours.muted)
        axes.tick_params(axis="y", length=0)
        self.setMinimumHeight(int(60 + 30 * n))
        self.canvas.draw_idle()


def _same_colour(rgba, hex_colour: str) -> bool:
    from matplotlib.colors import to_rgba

    return np.allclose(rgba, to_rgba(hex_colour), atol=1e-3)


def _elide(text: str, limit: int) -> str:
    # Characters, not QFontMetrics.elidedText: matplotlib draws these names in its own font, and a
    # saved chart has no widget whose width could decide.
    return text if len(text) <= limit else text[: limit - 1] + "…"
