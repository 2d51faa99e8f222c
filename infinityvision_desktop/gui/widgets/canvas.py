"""The charts' matplotlib canvas: a FigureCanvasQTAgg that draws only while it can be seen.

A canvas behind a message, in a tab not shown or in a dialog not open still gets resize events and
draw_idle() calls, and each full Agg draw is 60-160 ms of GUI-thread time (more while a training
thread competes for the GIL). Hidden, those draws are skipped and one is done when the canvas is
shown. matplotlib is imported on first use, not with this module (see history_charts).
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
