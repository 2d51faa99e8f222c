"""How a model learned, as an embedded matplotlib chart drawn from ModelMetadata values.

`TrainingCurves`: accuracy and loss per epoch (train and validation), the stage boundary of a
two-stage fine-tune marked, the best epoch marked. `append_epoch()` updates the lines in place
(`set_data`, `relim`, `draw_idle`), so the training dialog redraws once per epoch cheaply.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtWidgets import QWidget

from infinityvision_desktop.gui.i18n import percent
from infinityvision_desktop.gui.widgets.canvas import Blitter
from infinityvision_desktop.gui.widgets.chart_widget import ChartWidget, style_axes


def _float_or_nan(value) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan


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
    are redrawn over a cached picture of the rest (matplotlib blitting: a small part of a full
    redraw, most of which is tick-label layout); otherwise `draw_idle()` redraws everything once.
    """

    SERIES = ("accuracy", "val_accuracy", "loss", "val_loss")

    def __init__(self, parent: QWidget | None = None) -> None:
        # No constrained layout: it measures every text on every draw, about half of a redraw;
        # fixed pixel margins, recomputed on resize, do the job.
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
            style_axes(axes, colours)
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
        self._best_point = self._accuracy_axes.plot(
            [], [], linestyle="none", marker="*", markersize=13, color=colours.best, zorder=5, clip_on=False
        )[0]
        self._best_lines = [
            axes.axvline(0, color=colours.best, linestyle=":", linewidth=1.2, visible=False)
            for axes in (self._accuracy_axes, self._loss_axes)
        ]
        self._best_text = self._accuracy_axes.text(
            0.98,
            0.03,
            "",
            transform=self._accuracy_axes.transAxes,
            ha="right",
            va="bottom",
            fontsize=8,
            color=colours.best,
            zorder=6,
            bbox={"facecolor": colours.background, "edgecolor": "none", "alpha": 0.8, "pad": 1},
        )
        # drawn by the blitter over the kept picture of the rest (savefig still draws them: it ignores "animated")
        self._dynamic = [*self._lines.values(), self._best_point, *self._best_lines, self._best_text]
        for artist in self._dynamic:
            artist.set_animated(True)
        self._blitter = Blitter(self.canvas, lambda: self._dynamic)
        self._legend_handles = [
            Line2D([], [], color=colours.accent, marker="o", markersize=3),
            Line2D([], [], color=colours.validation, marker="o", markersize=3),
            Line2D([], [], color=colours.best, marker="*", linestyle=":", markersize=9),
        ]
        self._legend = self.figure.legend(
            self._legend_handles,
            ["", "", ""],
            loc="lower center",
            ncols=3,
            fontsize=8,
            frameon=False,
            borderaxespad=0.2,
            labelcolor=colours.text,
        )
        self._apply_margins()
        self.canvas.mpl_connect("resize_event", self._on_figure_resize_event)
        self._retranslate_chart()
        self._rebuild_stage_marks()
        self._refresh(draw=False)

    def _retranslate_chart(self) -> None:
        for axes in (self._accuracy_axes, self._loss_axes):
            axes.xaxis.label.set_text(self.tr("epoch"))
        for text, label in zip(
            self._legend.get_texts(), (self.tr("train"), self.tr("validation"), self.tr("best epoch"))
        ):
            text.set_text(label)
        self._set_titles()
        self._rebuild_stage_marks()
        self._blitter.forget()  # the cached picture has the old texts
        self._refresh(draw=False)  # the best epoch's note

    def _restyle(self) -> None:
        colours = self.scheme
        for axes in (self._accuracy_axes, self._loss_axes):
            style_axes(axes, colours)
            axes.xaxis.label.set_color(colours.muted)
            axes.yaxis.grid(True, color=colours.grid, linewidth=0.6)
        for series, line in self._lines.items():
            line.set_color(colours.accent if series in ("accuracy", "loss") else colours.validation)
        for handle, colour in zip(
            self._legend_handles + self._legend.legend_handles, (colours.accent, colours.validation, colours.best) * 2
        ):
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
        self.figure.subplots_adjust(
            left=left / width,
            right=1 - right / width,
            top=1 - top / height,
            bottom=bottom / height,
            wspace=gap / axes_width,
        )

    def _on_figure_resize_event(self, event) -> None:
        self._blitter.forget()  # the cached picture has the old size; the redraw after a resize renews it
        self._apply_margins()

    # --- content ---

    def set_history(
        self, history: Sequence[Mapping], stages: Sequence[Mapping] = (), *, loss_limit: float = 1.0
    ) -> None:
        """Show a whole history (replacing what is shown); `stages` mark the stage boundaries.

        Before a run, `loss_limit` is the top of the empty loss axis: about 1.3 x ln(classes)
        (a new head's first loss) keeps the axes still, so the epochs can be blitted.
        """
        history = [dict(item) for item in history]
        stages = [dict(stage) for stage in stages]
        if (
            not history
            and not self._history
            and stages == self._stages
            and float(loss_limit) == self._loss_limit
            and self.is_showing_chart()
        ):
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
                    self._stage_artists.append(
                        axes.axvline(end + 0.5, color=self.scheme.stage_line, linestyle="--", linewidth=1)
                    )
                # the name sits in the middle of its span (x in epochs, y in axes fractions), where the
                # curves seldom are: above the best-epoch note for accuracy (near 100% when fine-tuning,
                # where the lines would cover it), at the top for the loss (which falls from there)
                low = axes is self._accuracy_axes
                self._stage_artists.append(
                    axes.text(
                        (start + end + 1) / 2,
                        0.13 if low else 0.98,
                        self._stage_title(str(stage.get("name", ""))),
                        transform=axes.get_xaxis_transform(),
                        ha="center",
                        va="bottom" if low else "top",
                        fontsize=8,
                        color=self.scheme.muted,
                        style="italic",
                        zorder=6,
                        bbox={"facecolor": self.scheme.background, "edgecolor": "none", "alpha": 0.75, "pad": 1},
                    )
                )
            if index < len(self._stages) - 1:
                self._boundaries.append(end + 0.5)
            start = end

    def _refresh(self, *, draw: bool = True, full: bool = False, live_frame: bool = False) -> None:
        if self.canvas is None:
            return
        limits_before = self._limits()
        epochs = np.array([_float_or_nan(item.get("epoch")) for item in self._history], dtype=float)
        values = {
            series: np.array([_float_or_nan(item.get(series)) for item in self._history], dtype=float)
            for series in self.SERIES
        }
        for series, line in self._lines.items():
            line.set_data(epochs, values[series])

        best = self._find_best(epochs, values["val_accuracy"])
        self._best_epoch = int(epochs[best]) if best is not None else None
        if best is not None:
            self._best_point.set_data([epochs[best]], [values["val_accuracy"][best]])
            for line in self._best_lines:
                line.set_xdata([epochs[best], epochs[best]])
                line.set_visible(True)
            self._best_text.set_text(
                self.tr("best: {0} at epoch {1}").format(percent(values["val_accuracy"][best]), self._best_epoch)
            )
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
