"""The GUI-thread responsiveness probe the bench scripts share: a 10 ms QTimer whose largest
gap between ticks is how long the GUI thread was blocked."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Slot


class GapProbe(QObject):
    def __init__(self, interval_ms: int = 10) -> None:
        super().__init__()
        self.ticks: list[float] = []
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timer_timeout)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.ticks.append(time.perf_counter())

    def start(self) -> None:
        self.ticks.clear()
        self.timer.start()

    def mark(self) -> float:
        """Now, counted as a tick: gaps are measured from here."""
        now = time.perf_counter()
        self.ticks.append(now)
        return now

    def stop(self) -> None:
        self.timer.stop()

    def largest_gap_since(self, started: float, ended: float) -> float:
        during = [t for t in self.ticks if t >= started]
        gaps = [b - a for a, b in zip(during, during[1:])]
        return max(gaps) if gaps else ended - started
