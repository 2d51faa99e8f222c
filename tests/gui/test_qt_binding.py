"""The Qt binding itself: a release that corrupts Python's reference counts crashes a long session."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal, Slot


class _Sender(QObject):
    sig_plain = Signal()
    sig_value = Signal(object)


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    @Slot()
    def on_plain(self) -> None:
        self.count += 1

    @Slot(object)
    def on_value(self, value) -> None:
        self.count += 1


def test_signals_and_timers_keep_the_reference_counts_of_true_and_none(qtbot):
    # PySide6 6.12.0 released a reference to True for every signal delivered to Python code and one
    # to None for every timer tick: after some ten thousand signals Python freed True and the app
    # died ("Fatal Python error: bool_dealloc"). Python 3.12+ makes both immortal; 3.11 does not.
    sender, receiver = _Sender(), _Receiver()
    sender.sig_plain.connect(receiver.on_plain)
    sender.sig_value.connect(receiver.on_value)
    ticks = []
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: ticks.append(1))
    before = sys.getrefcount(True), sys.getrefcount(None)

    for i in range(500):
        sender.sig_plain.emit()
        sender.sig_value.emit(i)
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 300, timeout=5000)
    timer.stop()

    assert receiver.count == 1000
    lost_true, lost_none = before[0] - sys.getrefcount(True), before[1] - sys.getrefcount(None)
    assert lost_true < 50 and lost_none < 50, (
        f"{lost_true} references to True and {lost_none} to None lost over 1,000 signals and "
        f"{len(ticks)} timer ticks: this PySide6 release corrupts reference counts"
    )
