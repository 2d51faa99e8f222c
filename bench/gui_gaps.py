"""What the bench scripts share for the GUI: a responsiveness probe (a 10 ms QTimer whose largest
gap between ticks is how long the GUI thread was blocked) and a wait that runs the event loop."""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, QObject, QTimer, Slot


def wait_for(condition, timeout_s: float, what: str = "the condition") -> None:
    """Run the event loop until `condition()` holds, as the app's own loop runs: asleep between
    events (the condition is checked every 2 ms). Spinning instead (processEvents and a short
    sleep) kept the GUI thread busy beside the worker, CPU time a two-core machine's model shares."""
    if condition():
        return
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s
    timed_out = []

    def check():
        if condition():
            loop.quit()
        elif time.monotonic() > deadline:
            timed_out.append(True)
            loop.quit()

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    if timed_out:
        raise TimeoutError(f"gave up after {timeout_s:.0f} s waiting for {what}")


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
