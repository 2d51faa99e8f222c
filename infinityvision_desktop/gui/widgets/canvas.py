"""The charts' matplotlib canvas, a FigureCanvasQTAgg that draws only while it can be seen, and
the blitting the probability chart and the training curves share.

A canvas behind a message, in a tab not shown or in a dialog not open still gets resize events and
draw_idle() calls, and each full Agg draw holds the GUI thread long enough to be felt (longer
while a training thread competes for the GIL). Hidden, those draws are skipped and one is done
when the canvas is shown. matplotlib is imported on first use, not with this module (see chart_widget).
"""

from __future__ import annotations

_canvas_class = None


def new_canvas(figure):
    """A canvas for `figure` that defers its draws while hidden."""
    global _canvas_class
    if _canvas_class is None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        class VisibleOnlyCanvas(FigureCanvasQTAgg):
            def __init__(self, fig) -> None:
                super().__init__(fig)
                self.skipped_draw = False

            def draw_idle(self) -> None:
                if not self.isVisible():
                    self.skipped_draw = True  # done when shown
                    return
                super().draw_idle()

            def showEvent(self, event) -> None:
                super().showEvent(event)
                if self.skipped_draw:
                    self.skipped_draw = False
                    super().draw_idle()

        _canvas_class = VisibleOnlyCanvas
    return _canvas_class(figure)


class Blitter:
    """Redraws a figure's animated artists over a kept picture of the rest (matplotlib blitting).

    A full draw leaves the animated artists out: the canvas's picture is kept under the key that
    `key()` gives at that moment, then the artists are drawn on top. `update()` puts the picture
    for the current key back and draws only the artists: a small part of a full Agg draw, most
    of which is laying out text. A chart whose fixed part depends on its state (the
    probability chart's bold top class) keeps one picture per state; `forget()` drops them all
    when what they show changes (size, texts, colours).
    """

    def __init__(self, canvas, artists, *, key=lambda: None, on_drawn=None) -> None:
        self._canvas = canvas
        self._artists = artists  # () -> the animated artists, in drawing order
        self._key = key
        self._on_drawn = on_drawn  # called when the pixels show the current state
        self._pictures = {}
        canvas.mpl_connect("draw_event", self._on_draw_event)

    def has_picture(self) -> bool:
        return self._key() in self._pictures

    def forget(self) -> None:
        self._pictures.clear()

    def update(self) -> bool:
        """Show the artists' current state: blitted now if a picture for this state is kept and
        the canvas can be seen (True), else a full draw is asked for (False)."""
        picture = self._pictures.get(self._key())
        if picture is None or not self._canvas.isVisible():
            self._canvas.draw_idle()
            return False
        self._canvas.restore_region(picture)
        self._draw_artists()
        self._canvas.blit(self._canvas.figure.bbox)  # repaints now
        if self._on_drawn is not None:
            self._on_drawn()
        return True

    def _on_draw_event(self, event) -> None:
        self._pictures[self._key()] = self._canvas.copy_from_bbox(self._canvas.figure.bbox)
        self._draw_artists()
        if self._on_drawn is not None:
            self._on_drawn()

    def _draw_artists(self) -> None:
        figure = self._canvas.figure
        for artist in self._artists():
            figure.draw_artist(artist)
