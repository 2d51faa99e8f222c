"""Figures for the History (issue 10's targets) on this machine. Prints; asserts nothing.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_history.py [--entries 100000] [--images 5000] [--quick]

1. a history of N synthetic entries (thumbnails included): time to write it, file size, and time to
   open the file again (integrity check and all; done in the writer thread, not the GUI's)
2. the History view over it: model + view shown with the first page painted (target <= 300 ms)
3. a search answer: filter applied and the page painted, for a rare and a common name, a class,
   "not sure", a date range (target <= 50 ms); a sort by name; a page fetched deep down the list
4. recording, serial cost per image, measured piece by piece: the 96 px thumbnail in the inference
   thread, the entries built on the GUI thread, JPEG encoding and the SQLite transaction in the
   writer thread (as if that thread had no core of its own)
5. end to end: the main window classifying M generated images with the history off, then on
   (target: <= 5% more time), with the longest the GUI thread went without running a 10 ms timer
   (target <= 100 ms)

--quick uses small counts: a check that the script works, not figures to quote. Everything is
written to a temporary folder; the user's history is not touched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

LABELS = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
WORDS = ("beach", "garden", "holiday", "street", "kitchen", "park", "harbour", "farm", "city", "forest")


def synthetic_entries(count: int, start: int = 0):
    """Entries like a few years of use: 500 folders, 10 classes, 3 models, a year of dates."""
    from infinityvision_desktop.core.history import HistoryEntry, encode_thumbnail

    rng = np.random.default_rng(start)
    thumbnails = [encode_thumbnail(rng.integers(0, 256, (72, 96, 3), dtype=np.uint8) // 3 + 80) for _ in range(40)]
    now = datetime.now(timezone.utc)
    for i in range(start, start + count):
        probabilities = rng.dirichlet(np.full(len(LABELS), 0.3))
        index = int(np.argmax(probabilities))
        folder = f"/home/user/Pictures/{WORDS[i % 10]}_{i % 500:03d}"
        name = f"IMG_{i:06d}_{WORDS[(i // 7) % 10]}.jpg"
        yield HistoryEntry(
            file_name=name,
            path=f"{folder}/{name}",
            label=LABELS[index],
            confidence=float(probabilities[index]),
            not_sure=bool(probabilities[index] < 0.5),
            probabilities=dict(zip(LABELS, probabilities.tolist())),
            model_name=("cifar10_airbench", "cifar10_large", "my_model")[i % 3],
            model_path="/models/cifar10_airbench.h5",
            created=now - timedelta(minutes=(start + count - i) * 5),
            thumbnail=thumbnails[i % len(thumbnails)],
        )


def build_history(path: Path, count: int) -> tuple[float, float]:
    from infinityvision_desktop.core.history import HistoryStore

    started = time.perf_counter()
    with HistoryStore(path) as store:
        batch = 5000
        for first in range(0, count, batch):
            store.add_many(synthetic_entries(min(batch, count - first), first))
    written = time.perf_counter() - started
    started = time.perf_counter()
    with HistoryStore(path) as store:
        assert store.count() == count
    return written, time.perf_counter() - started


def median_ms(function, repeat: int = 7, between=None) -> tuple[float, float]:
    """Median and worst time of `function()`; `between()` (not timed) runs before each call."""
    times = []
    for _ in range(repeat):
        if between is not None:
            between()
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, max(times) * 1000


def bench_view(path: Path, scratch: Path) -> None:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from infinityvision_desktop.core.history import HistoryFilter, HistoryStore
    from infinityvision_desktop.gui.app import create_application
    from infinityvision_desktop.gui.history_model import Column
    from infinityvision_desktop.gui.history_view import HistoryView
    from infinityvision_desktop.gui.settings import Settings

    app = create_application()
    store = HistoryStore(path)
    started = time.perf_counter()
    updated = store.update_statistics()  # as the window's history writer does when it opens the file
    print(
        f"   query-planner statistics {'taken' if updated else 'up to date'} in "
        f"{(time.perf_counter() - started) * 1000:.0f} ms (writer thread)"
    )
    settings = Settings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    view = HistoryView(settings)
    view.resize(1200, 700)

    started = time.perf_counter()
    view.set_store(store)
    view.show()
    view.table.viewport().repaint()  # the first page painted, thumbnails decoded
    app.processEvents()
    opened = time.perf_counter() - started
    print(
        f"2. History view opened over {store.count():,} entries (model + view shown, first page painted): "
        f"{opened * 1000:.0f} ms   target <= 300 ms"
    )

    def search(**filters):
        def run():
            view.model.set_filters(HistoryFilter(**filters))
            view.table.viewport().repaint()

        return run

    week_ago = datetime.now(timezone.utc) - timedelta(days=7)
    rare = f"img_{store.count() // 2:06d}"  # one entry, in the middle of the list
    cases = [
        (f"rare name '{rare}'", dict(text=rare)),
        ("common name 'beach'", dict(text="beach")),
        ("no match 'zebra'", dict(text="zebra")),
        ("class 'cat'", dict(label="cat")),
        ("'not sure' only", dict(not_sure=True)),
        ("last 7 days", dict(since=week_ago)),
        ("'beach' + class 'dog' + model", dict(text="beach", label="dog", model="my_model")),
    ]
    for title, filters in cases:
        # the view ignores a filter it already shows: every timed search starts from the unfiltered list
        median, worst = median_ms(search(**filters), between=search())
        print(
            f"3. search {title}: {view.model.total_count():,} found, median {median:.1f} ms (max {worst:.1f})"
            f"   target <= 50 ms"
        )
    view.model.set_filters(HistoryFilter())

    def sort(column, order):
        def run():
            view.table.sortByColumn(column, order)
            view.table.viewport().repaint()

        return run

    for column in (Column.NAME, Column.CONFIDENCE, Column.WHEN):
        median, worst = median_ms(
            lambda column=column: (
                sort(column, Qt.SortOrder.AscendingOrder)(),
                sort(column, Qt.SortOrder.DescendingOrder)(),
            ),
            3,
        )
        print(f"   sort by {column.name.lower()} (both ways): median {median / 2:.1f} ms per sort")
    while view.model.rowCount() < min(10_000, view.model.total_count()):
        view.model.fetchMore()
    median, worst = median_ms(lambda: (view.model.fetchMore(), view.table.viewport().repaint()), 5)
    print(f"   a page fetched at row {view.model.rowCount():,}: median {median:.1f} ms")
    view.close()
    store.close()
    QApplication.processEvents()


def bench_recording_pieces(count: int) -> None:
    """The serial cost of recording one image, piece by piece, on CIFAR-size and photo-size decodes."""
    from infinityvision_desktop.core.history import HistoryEntry, HistoryStore, encode_thumbnail
    from infinityvision_desktop.gui.workers import HISTORY_THUMBNAIL_SIZE, _thumbnail

    class FakePrediction:
        labels = LABELS
        probabilities = tuple([0.05] * 9 + [0.55])
        index = 9
        not_sure = False

    rng = np.random.default_rng(1)
    for title, shape in (("32x32 (CIFAR)", (32, 32, 3)), ("500x375 (a 4000x3000 JPEG in draft mode)", (375, 500, 3))):
        images = [rng.integers(0, 256, shape, dtype=np.uint8) for _ in range(16)]
        n = max(count // 5, 200)
        started = time.perf_counter()
        for i in range(n):
            _thumbnail(images[i % 16])
        small_only = (time.perf_counter() - started) / n
        started = time.perf_counter()
        larges = []
        for i in range(n):
            large = _thumbnail(images[i % 16], HISTORY_THUMBNAIL_SIZE)
            _thumbnail(large)
            larges.append(large)
        both = (time.perf_counter() - started) / n
        if shape[0] <= HISTORY_THUMBNAIL_SIZE:  # a JPEG this small is its own thumbnail: its bytes are stored
            files = [encode_thumbnail(image) for image in images]
            larges = [files[i % 16] for i in range(n)]
        started = time.perf_counter()
        entries = [
            HistoryEntry.from_prediction(
                FakePrediction,
                name=f"{i}.jpg",
                path=f"/p/{i}.jpg",
                model_name="m",
                model_path="/m.h5",
                thumbnail=larges[i],
            )
            for i in range(n)
        ]
        built = (time.perf_counter() - started) / n
        with tempfile.TemporaryDirectory() as folder, HistoryStore(Path(folder) / "h.sqlite3") as store:
            started = time.perf_counter()
            for first in range(0, n, 64):  # one transaction per inference batch, as the writer does
                store.add_many(entries[first : first + 64])
            written = (time.perf_counter() - started) / n
        print(
            f"4. recording, per image, decoded {title}: extra thumbnail in the inference thread "
            f"{(both - small_only) * 1e3:+.3f} ms; entry built on the GUI thread {built * 1e3:.3f} ms; "
            f"{'SQLite (the file is the thumbnail)' if shape[0] <= HISTORY_THUMBNAIL_SIZE else 'JPEG + SQLite'} in the writer thread {written * 1e3:.3f} ms"
        )


def generated_jpegs(folder: Path, count: int) -> list[Path]:
    """count distinct small photos (32x32, like CIFAR-10): the window skips files already listed."""
    rng = np.random.default_rng(7)
    paths = []
    for i in range(count):
        base = np.array([rng.integers(30, 220) for _ in range(3)], np.float32)
        pixels = np.clip(base + rng.normal(0, 40, (32, 32, 3)), 0, 255).astype(np.uint8)
        path = folder / f"photo_{i:05d}.jpg"
        Image.fromarray(pixels).save(path, quality=90)
        paths.append(path)
    return paths


def bench_end_to_end(model: str, count: int, scratch: Path, rounds: int) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from infinityvision_desktop.gui.app import create_application
    from infinityvision_desktop.gui.main_window import MainWindow
    from infinityvision_desktop.gui.settings import Settings

    _app = create_application()  # the event loop wait_for runs needs it alive
    window = MainWindow(
        model_path=model, settings=Settings(QSettings(str(scratch / "window.ini"), QSettings.Format.IniFormat))
    )
    window.resize(1200, 780)
    window.show()
    from gui_gaps import GapProbe, wait_for

    wait_for(lambda: window.active_metadata is not None or window.model_problem, 600)
    if window.active_metadata is None:
        raise SystemExit(f"model did not load: {window.model_problem}")
    view = window.history_view
    wait_for(lambda: view.is_open, 60)
    folder = scratch / "images"
    folder.mkdir()
    paths = generated_jpegs(folder, count)
    window.classify_paths(paths[:64])  # warm-up: first trace, first batch
    wait_for(lambda: not window.is_busy(), 600)

    probe = GapProbe()

    def run(recording: bool) -> tuple[float, float]:
        window.clear_results()
        view.record_check.setChecked(recording)
        before = view.store.count()
        probe.start()
        wait_for(lambda: len(probe.ticks) >= 3, 10)
        started = probe.mark()
        window.classify_paths(paths)
        wait_for(lambda: not window.is_busy(), 3600)
        ended = time.perf_counter()
        if recording:  # the writer finishing after the last answer is not classification time, but say so
            wait_for(lambda: view.store.count() - before >= count, 600)
            print(
                f"   history on: the last entry committed {(time.perf_counter() - ended) * 1000:.0f} ms "
                f"after the last answer"
            )
        probe.stop()
        return ended - started, probe.largest_gap_since(started, ended)

    results = {False: [], True: []}
    for _ in range(rounds):  # alternated, so a change in the machine's load hits both alike
        for recording in (False, True):
            results[recording].append(run(recording))
    off = statistics.median(t for t, _ in results[False])
    on = statistics.median(t for t, _ in results[True])
    gap = max(g for _, g in results[True])
    print(
        f"5. {count:,} images through the window, median of {rounds}: history off {off:.2f} s "
        f"({count / off:.0f}/s), on {on:.2f} s ({count / on:.0f}/s): {100 * (on - off) / off:+.1f}%   target <= +5%"
    )
    print(
        f"   runs off: {', '.join(f'{t:.2f}' for t, _ in results[False])}; "
        f"on: {', '.join(f'{t:.2f}' for t, _ in results[True])}"
    )
    print(f"   longest GUI-thread gap with the history on: {gap * 1000:.0f} ms   target <= 100 ms")
    window.close()
    QApplication.processEvents()


def main() -> int:
    from infinityvision_desktop.paths import bundled_model_path

    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default=os.environ.get("INFINITYVISION_MODEL") or str(bundled_model_path()))
    parser.add_argument("--quick", action="store_true", help="small counts: checks the script, figures not for quoting")
    args = parser.parse_args()
    if args.quick:
        args.entries, args.images, args.rounds = 5000, 300, 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"entries {args.entries:,}; images {args.images:,}; model {args.model}; {os.cpu_count()} CPUs, "
        f"load average {load:.1f}{'; QUICK: small counts' if args.quick else ''}"
    )

    with tempfile.TemporaryDirectory(prefix="bench-history-") as folder:
        scratch = Path(folder)
        os.environ["INFINITYVISION_DATA_DIR"] = str(scratch / "data")  # the window's history, not the user's
        from PySide6.QtCore import QSettings

        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, str(scratch / "qsettings"))
        path = scratch / "history.sqlite3"
        written, reopened = build_history(path, args.entries)
        size = path.stat().st_size
        print(
            f"1. {args.entries:,} entries written in {written:.1f} s; file {size / 1e6:.0f} MB "
            f"({size / args.entries / 1000:.1f} KB per entry); opened again with the integrity check in "
            f"{reopened * 1000:.0f} ms (writer thread)"
        )
        bench_view(path, scratch)
        bench_recording_pieces(args.images)
        bench_end_to_end(args.model, args.images, scratch, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
