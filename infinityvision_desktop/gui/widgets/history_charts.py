"""How a model learned and how it scores, as embedded matplotlib charts drawn from ModelMetadata values.

- `TrainingCurves`: accuracy and loss per epoch (train and validation), the stage boundary of a
  two-stage fine-tune marked, the best epoch marked. `append_epoch()` updates the lines in place
  (`set_data`, `relim`, `draw_idle`), so the training dialog redraws once per epoch cheaply.
- `ConfusionMatrixChart`: counts or row-normalised, class names on both axes, annotated cells.
- `ComparisonChart`: test accuracy per model, the active one highlighted.

Texts are in the interface language and colours follow the window's light or dark palette; both
change in place on LanguageChange and PaletteChange. Class names are translated for display only.
Every chart can be saved as PNG or SVG (a Save button and the canvas' context menu). matplotlib
is imported when a chart is first drawn, not when this module is imported: it costs about
0.3 s that the first paint of the window should not wait for. Never pyplot: figures are
created directly and belong to their widget.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox, QFileDialog, QHBoxLayout, QLabel, QMenu, QMessageBox, QSizePolicy, QStackedWidget, QToolButton,
    QVBoxLayout, QWidget,
)

from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.i18n import class_name, percent
from infinityvision_desktop.gui.widgets.canvas import Blitter, new_canvas

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

    def __init__(self, parent: QWidget | None = None, *, file_stem: str = "chart",
                 figsize: tuple[float, float] = (5.0, 3.2), overlay_save: bool = False,
                 layout: str | None = "constrained") -> None:
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

        self.figure = Figure(figsize=self._figsize, dpi=100, facecolor=self.scheme.background,
                             layout=self._layout_engine)
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
        """Write the chart as PNG or SVG (by the suffix), atomically: a temp file, then a rename."""
        path = Path(path)
        kind = path.suffix.lower().lstrip(".")
        if kind not in SAVE_FORMATS:
            raise ValueError(f"save charts as .png or .svg, not {path.suffix or 'a file without a suffix'}")
        self.ensure_canvas()
        temp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
        shown = self.scheme
        self.set_scheme(SAVED_SCHEME)  # light colours on white, whatever the window's theme
        try:
            self.figure.savefig(temp, format=kind, dpi=150, facecolor="white")
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
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
            QMessageBox.warning(self, self.tr("Save Chart"),
                                self.tr("The chart could not be saved to {0}:\n{1}").format(path, exc))

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


def _style_axes(axes, scheme: theme.Scheme) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(scheme.spine)
    axes.tick_params(colors=scheme.text, labelsize=8)


def _float_or_nan(value) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan


# ================================================================ training curves

def _room_above_100(low: float) -> float:
    """The top of an accuracy axis from `low` that leaves ~4% of its height above 100% (a marker's half)."""
    return 1.0 + 0.045 * (1.0 - low)


def _AtMostOne(**kwargs):
    """A MaxNLocator whose ticks stop at 1.0 (100%)."""
    from matplotlib.ticker import MaxNLocator

    class AtMostOne(MaxNLocator):
        def tick_values(self, vmin, vmax):
            return [t for t in super().tick_values(vmin, min(vmax, 1.0)) if t <= 1.0 + 1e-9]

    return AtMostOne(**kwargs)


class TrainingCurves(ChartWidget):
    """Accuracy and loss per epoch, train and validation, with stage boundaries and the best epoch.

    `history` items are EpochMetrics dicts (ModelMetadata.history): epoch, stage, loss, accuracy,
    val_loss, val_accuracy. `stages` are ModelMetadata.stages dicts (name, epochs); the boundary
    between stages is drawn after the planned epochs of each stage.

    While training, `append_epoch` changes the lines in place. When the axes' limits stay the same
    (the usual case after the first epochs: x spans the planned epochs) only the lines and markers
    are redrawn over a cached picture of the rest (matplotlib blitting: a few ms instead of a full
    redraw, whose tick-label layout costs 40-150 ms on a busy two-core machine); otherwise
    `draw_idle()` redraws everything once.
    """

    SERIES = ("accuracy", "val_accuracy", "loss", "val_loss")

    def __init__(self, parent: QWidget | None = None) -> None:
        # No constrained layout: it measures every text on every draw and was half the cost of a
        # redraw (85 of 150 ms measured); fixed pixel margins, recomputed on resize, do the job.
        super().__init__(parent, file_stem="training-curves", figsize=(7.0, 3.0), overlay_save=True, layout=None)
        self._history: list[dict] = []
        self._stages: list[dict] = []
        self._lines: dict[str, object] = {}
        self._stage_artists: list = []
        self._boundaries: list[float] = []
        self._best_epoch: int | None = None
        self._loss_limit = 1.0

    def _build(self) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.ticker import MaxNLocator, PercentFormatter

        colours = self.scheme
        self._accuracy_axes, self._loss_axes = self.figure.subplots(1, 2)
        for axes in (self._accuracy_axes, self._loss_axes):
            axes.set_facecolor("none")  # the figure colour shows: the window's on screen, white when saved
            _style_axes(axes, colours)
            axes.set_xlabel("", fontsize=8, color=colours.muted)
            # few ticks: every tick label is text to lay out on each redraw
            axes.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
            axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))  # 60/80/100%, not 75/90
            axes.grid(True, axis="y", color=colours.grid, linewidth=0.6)
        self._accuracy_axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        # the axis runs to 103% so points at 100% are not cut in half; no tick claims more than 100%
        self._accuracy_axes.yaxis.set_major_locator(_AtMostOne(nbins=5, steps=[1, 2, 2.5, 5, 10]))
        style = {"linewidth": 1.6, "marker": "o", "markersize": 3}
        self._lines = {
            "accuracy": self._accuracy_axes.plot([], [], color=colours.accent, **style)[0],
            "val_accuracy": self._accuracy_axes.plot([], [], color=colours.validation, **style)[0],
            "loss": self._loss_axes.plot([], [], color=colours.accent, **style)[0],
            "val_loss": self._loss_axes.plot([], [], color=colours.validation, **style)[0],
        }
        self._best_point = self._accuracy_axes.plot([], [], linestyle="none", marker="*", markersize=13,
                                                    color=colours.best, zorder=5, clip_on=False)[0]
        self._best_lines = [axes.axvline(0, color=colours.best, linestyle=":", linewidth=1.2, visible=False)
                            for axes in (self._accuracy_axes, self._loss_axes)]
        self._best_text = self._accuracy_axes.text(0.98, 0.03, "", transform=self._accuracy_axes.transAxes,
                                                   ha="right", va="bottom", fontsize=8, color=colours.best, zorder=6,
                                                   bbox={"facecolor": colours.background, "edgecolor": "none",
                                                         "alpha": 0.8, "pad": 1})
        # drawn by the blitter over the kept picture of the rest (savefig still draws them: it ignores "animated")
        self._dynamic = [*self._lines.values(), self._best_point, *self._best_lines, self._best_text]
        for artist in self._dynamic:
            artist.set_animated(True)
        self._blitter = Blitter(self.canvas, lambda: self._dynamic)
        self._legend_handles = [Line2D([], [], color=colours.accent, marker="o", markersize=3),
                                Line2D([], [], color=colours.validation, marker="o", markersize=3),
                                Line2D([], [], color=colours.best, marker="*", linestyle=":", markersize=9)]
        self._legend = self.figure.legend(self._legend_handles, ["", "", ""], loc="lower center", ncols=3,
                                          fontsize=8, frameon=False, borderaxespad=0.2, labelcolor=colours.text)
        self._apply_margins()
        self.canvas.mpl_connect("resize_event", self._on_figure_resize_event)
        self._retranslate_chart()
        self._rebuild_stage_marks()
        self._refresh(draw=False)

    def _retranslate_chart(self) -> None:
        for axes in (self._accuracy_axes, self._loss_axes):
            axes.xaxis.label.set_text(self.tr("epoch"))
        for text, label in zip(self._legend.get_texts(), (self.tr("train"), self.tr("validation"),
                                                          self.tr("best epoch"))):
            text.set_text(label)
        self._set_titles()
        self._rebuild_stage_marks()
        self._blitter.forget()  # the cached picture has the old texts
        self._refresh(draw=False)  # the best epoch's note

    def _restyle(self) -> None:
        colours = self.scheme
        for axes in (self._accuracy_axes, self._loss_axes):
            _style_axes(axes, colours)
            axes.xaxis.label.set_color(colours.muted)
            axes.yaxis.grid(True, color=colours.grid, linewidth=0.6)
        for series, line in self._lines.items():
            line.set_color(colours.accent if series in ("accuracy", "loss") else colours.validation)
        for handle, colour in zip(self._legend_handles + self._legend.legend_handles,
                                  (colours.accent, colours.validation, colours.best) * 2):
            handle.set_color(colour)
        for text in self._legend.get_texts():
            text.set_color(colours.text)
        for artist in (self._best_point, *self._best_lines, self._best_text):
            artist.set_color(colours.best)
        self._best_text.get_bbox_patch().set_facecolor(colours.background)
        self._set_titles()
        self._rebuild_stage_marks()
        self._blitter.forget()

    def _apply_margins(self) -> None:
        """Margins in pixels (tick labels, titles, the legend below), as fractions of the figure."""
        width, height = self.figure.get_size_inches() * self.figure.dpi
        width, height = max(width, 200.0), max(height, 150.0)
        left, right, top, bottom, gap = 44, 12, 24, 62, 56
        axes_width = max(10.0, (width - left - right - gap) / 2)
        self.figure.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                                    bottom=bottom / height, wspace=gap / axes_width)

    def _on_figure_resize_event(self, event) -> None:
        self._blitter.forget()  # the cached picture has the old size; the redraw after a resize renews it
        self._apply_margins()

    # --- content ---

    def set_history(self, history: Sequence[Mapping], stages: Sequence[Mapping] = (), *,
                    loss_limit: float = 1.0) -> None:
        """Show a whole history (replacing what is shown); `stages` mark the stage boundaries.

        Before a run, `loss_limit` is the top of the empty loss axis: about 1.3 x ln(classes)
        (a new head's first loss) keeps the axes still, so the epochs can be blitted.
        """
        history = [dict(item) for item in history]
        stages = [dict(stage) for stage in stages]
        if (not history and not self._history and stages == self._stages and float(loss_limit) == self._loss_limit
                and self.is_showing_chart()):
            return  # the same empty plan is already drawn (the dialog previews it before Start)
        self._history = history
        self._stages = stages
        self._loss_limit = float(loss_limit)
        self.show_chart()
        self._rebuild_stage_marks()
        self._refresh(full=True)

    def append_epoch(self, epoch: Mapping) -> None:
        """Add one epoch (an EpochMetrics dict) while training runs: lines change in place."""
        self._history.append(dict(epoch))
        if not self.is_showing_chart():
            self.show_chart()
        self._refresh(live_frame=True)

    def clear(self) -> None:
        self.set_history([], self._stages)

    # --- what is drawn (for tests and the model view) ---

    def history(self) -> list[dict]:
        return list(self._history)

    def line_data(self, series: str) -> tuple[np.ndarray, np.ndarray]:
        """x (epochs) and y of one plotted line: accuracy, val_accuracy, loss or val_loss."""
        self.ensure_canvas()
        line = self._lines[series]
        return np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)

    def stage_boundaries(self) -> list[float]:
        """x positions of the vertical lines between stages."""
        return list(self._boundaries)

    def stage_names(self) -> list[str]:
        return [artist.get_text() for artist in self._stage_artists if hasattr(artist, "get_text")]

    def best_epoch(self) -> int | None:
        return self._best_epoch

    # --- drawing ---

    def _set_titles(self) -> None:
        self._accuracy_axes.set_title(self.tr("Accuracy"), fontsize=9, color=self.scheme.text, loc="left")
        self._loss_axes.set_title(self.tr("Loss"), fontsize=9, color=self.scheme.text, loc="left")

    def _stage_title(self, name: str) -> str:
        """A stage's name (as the pipeline stores it) for the chart, in the interface language."""
        return {"head": self.tr("head"), "fine-tune": self.tr("fine-tune"), "train": self.tr("train")}.get(name, name)

    def _planned_epochs(self) -> int:
        return sum(int(stage.get("epochs", 0) or 0) for stage in self._stages)

    def _rebuild_stage_marks(self) -> None:
        """Stage boundaries and names change only with the plan, so they are rebuilt, not updated."""
        if self.canvas is None:
            return
        for artist in self._stage_artists:
            artist.remove()
        self._stage_artists = []
        self._boundaries = []
        if len(self._stages) < 2:
            return
        start = 0
        for index, stage in enumerate(self._stages):
            epochs = int(stage.get("epochs", 0) or 0)
            end = start + epochs
            for axes in (self._accuracy_axes, self._loss_axes):
                if index < len(self._stages) - 1:
                    self._stage_artists.append(axes.axvline(end + 0.5, color=self.scheme.stage_line, linestyle="--",
                                                            linewidth=1))
                # the name sits in the middle of its span (x in epochs, y in axes fractions), where the
                # curves seldom are: above the best-epoch note for accuracy (near 100% when fine-tuning,
                # where the lines would cover it), at the top for the loss (which falls from there)
                low = axes is self._accuracy_axes
                self._stage_artists.append(axes.text(
                    (start + end + 1) / 2, 0.13 if low else 0.98, self._stage_title(str(stage.get("name", ""))),
                    transform=axes.get_xaxis_transform(), ha="center", va="bottom" if low else "top", fontsize=8,
                    color=self.scheme.muted,
                    style="italic", zorder=6,
                    bbox={"facecolor": self.scheme.background, "edgecolor": "none", "alpha": 0.75, "pad": 1}))
            if index < len(self._stages) - 1:
                self._boundaries.append(end + 0.5)
            start = end

    def _refresh(self, *, draw: bool = True, full: bool = False, live_frame: bool = False) -> None:
        if self.canvas is None:
            return
        limits_before = self._limits()
        epochs = np.array([_float_or_nan(item.get("epoch")) for item in self._history], dtype=float)
        values = {series: np.array([_float_or_nan(item.get(series)) for item in self._history], dtype=float)
                  for series in self.SERIES}
        for series, line in self._lines.items():
            line.set_data(epochs, values[series])

        best = self._find_best(epochs, values["val_accuracy"])
        self._best_epoch = int(epochs[best]) if best is not None else None
        if best is not None:
            self._best_point.set_data([epochs[best]], [values["val_accuracy"][best]])
            for line in self._best_lines:
                line.set_xdata([epochs[best], epochs[best]])
                line.set_visible(True)
            self._best_text.set_text(self.tr("best: {0} at epoch {1}").format(percent(values["val_accuracy"][best]),
                                                                                   self._best_epoch))
        else:
            self._best_point.set_data([], [])
            for line in self._best_lines:
                line.set_visible(False)
            self._best_text.set_text("")

        last = int(np.nanmax(epochs)) if len(epochs) and not np.all(np.isnan(epochs)) else 0
        right = max(last, self._planned_epochs(), 1) + 0.5
        for axes in (self._accuracy_axes, self._loss_axes):
            axes.set_xlim(0.5, right)
        accuracy = np.concatenate([values["accuracy"], values["val_accuracy"]])
        accuracy = accuracy[np.isfinite(accuracy)]
        losses = np.concatenate([values["loss"], values["val_loss"]])
        losses = losses[np.isfinite(losses)]
        # Limits from the data, not autoscale (an earlier set_ylim has switched autoscaling off).
        # A whole history is framed tightly; while epochs arrive one by one the limits only
        # grow, with room to spare, so most epochs can be blitted instead of redrawn.
        if full or not live_frame:
            if len(accuracy):
                low = max(0.0, math.floor((accuracy.min() - 0.02) * 20) / 20)
                high = min(1.0, math.ceil((accuracy.max() + 0.02) * 20) / 20)
                # a little room above 100%, so points and the best-epoch star there are not cut in half
                self._accuracy_axes.set_ylim(low, _room_above_100(low) if high >= 1.0 else max(high, low + 0.05))
            else:
                self._accuracy_axes.set_ylim(0.0, _room_above_100(0.0))
            self._loss_axes.set_ylim(0.0, max(float(losses.max()) * 1.08, 1e-3) if len(losses) else self._loss_limit)
        else:
            low, high = self._accuracy_axes.get_ylim()
            if len(accuracy):
                wanted = max(0.0, math.floor((accuracy.min() - 0.05) * 10) / 10)
                self._accuracy_axes.set_ylim(min(low, wanted), max(high, _room_above_100(min(low, wanted))))
            if len(losses) and losses.max() > self._loss_axes.get_ylim()[1]:
                self._loss_axes.set_ylim(0.0, float(losses.max()) * 1.3)
        if not draw:
            return
        if full or self._limits() != limits_before:
            self._blitter.forget()  # ticks change: everything is drawn again
            self.canvas.draw_idle()
        else:
            self._blitter.update()

    def _limits(self) -> tuple:
        return (self._accuracy_axes.get_xlim(), self._accuracy_axes.get_ylim(), self._loss_axes.get_ylim())

    def best_text(self) -> str:
        return self._best_text.get_text() if self.canvas is not None else ""

    @staticmethod
    def _find_best(epochs: np.ndarray, val_accuracy: np.ndarray) -> int | None:
        """Index of the highest validation accuracy; the later one on a tie, as the pipeline keeps it."""
        finite = np.flatnonzero(np.isfinite(val_accuracy) & np.isfinite(epochs))
        if not len(finite):
            return None
        best = finite[0]
        for index in finite:
            if val_accuracy[index] >= val_accuracy[best]:
                best = index
        return int(best)


# ================================================================ confusion matrix

class ConfusionMatrixChart(ChartWidget):
    """Rows are the true class, columns the predicted one; counts or each row as shares of it."""

    sig_normalized_changed = Signal(bool)
    """The user switched between counts (False) and row-normalised shares (True)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        # no layout engine: constrained layout measured every text on every draw (half the cost of
        # the end-of-training redraw); the margins are set by hand from the class names instead
        super().__init__(parent, file_stem="confusion-matrix", figsize=(4.6, 4.2), layout=None)
        self._labels: tuple[str, ...] = ()
        self._margins_px = (0.0, 0.0, 0.0, 0.0)  # left, bottom, right, top
        self._counts = np.zeros((0, 0), dtype=np.int64)
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

    def prepare(self, labels: Sequence[str]) -> None:
        """Build the axes, ticks and cell texts for these classes now, still showing the message:
        a later `set_matrix()` with the same classes only updates values (rebuilding costs ~80 ms
        of GUI time, which the end of a training run should not pay on top of its redraws)."""
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
        ramp = "Blues" if not colours.dark else LinearSegmentedColormap.from_list(
            "confusion", [colours.confusion_low, colours.confusion_high])
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
        self._texts = [[axes.text(col, row, "", ha="center", va="center", fontsize=font) for col in range(n)]
                       for row in range(n)]
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
        self._axes.set_position((left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height))

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
                text.set_color("white" if strong or (self.scheme.dark and value != 0)
                               else (self.scheme.muted if value == 0 else self.scheme.text))
        self._axes.set_title(self.tr("row-normalised") if self._normalized else self.tr("counts"),
                             fontsize=8, color=self.scheme.muted, loc="right")
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
        return [name for (name, _), bar in zip(self._models, self._bars)
                if _same_colour(bar.get_facecolor(), self.scheme.accent)]

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
        _style_axes(axes, colours)
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
            axes.text((accuracy or 0.0) + 0.01, index, text, va="center", ha="left", fontsize=8,
                      color=colours.text if name == self._active else colours.muted,
                      fontweight="bold" if name == self._active else "normal")
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
    return text if len(text) <= limit else text[: limit - 1] + "…"
