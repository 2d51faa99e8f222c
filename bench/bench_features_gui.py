"""The heatmap, Evaluate on Folder and Export as the window runs them. Prints; asserts nothing.

    QT_QPA_PLATFORM=offscreen nice -n 19 .venv/bin/python bench/bench_features_gui.py --evaluate FOLDER [--sample FOLDER]

- heatmap: selecting another classified photo to its heatmap drawn (median of the sample photos,
  warm, heatmap toggle on), and the longest GUI-thread gap meanwhile;
- Evaluate on Folder on FOLDER (a labelled folder): wall time to the result shown, and the longest
  GUI-thread gap while it ran (a 10 ms timer, bench/gui_gaps.py);
- Export as TensorFlow Lite int8 calibrated on --sample (default: FOLDER): wall time and the
  longest GUI-thread gap;
- first, the longest gap of the idle window over 5 s: what other processes cost on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main() -> int:
    from gui_gaps import GapProbe, wait_for
    from PySide6.QtCore import QSettings

    from infinityvision_desktop.gui.app import create_application
    from infinityvision_desktop.gui.main_window import MainWindow, ModelState
    from infinityvision_desktop.gui.settings import Settings
    from infinityvision_desktop.paths import bundled_model_path

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(bundled_model_path()))
    parser.add_argument("--evaluate", required=True)
    parser.add_argument("--sample")
    args = parser.parse_args()

    _app = create_application()  # the event loop wait_for runs needs it alive
    settings = Settings(QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.Format.IniFormat))
    settings.history_enabled = False
    window = MainWindow(model_path=args.model, settings=settings)
    window.resize(1200, 780)
    window.show()
    wait_for(lambda: window.model_state == ModelState.READY, 300)
    photos = sorted((ROOT / "resources" / "samples").glob("*.jpg"))
    window.classify_paths([str(p) for p in photos])
    wait_for(lambda: window.results_model.rowCount() == len(photos) and not window.is_busy(), 120)
    explain = window.features.explain
    explain.set_enabled(True)
    wait_for(lambda: explain.shown() is not None, 60)
    probe = GapProbe()
    probe.start()
    # the baseline: the window doing nothing, on this machine as loaded as it is now
    started = probe.mark()
    wait_for(lambda: time.perf_counter() - started > 5, 10)
    print(
        f"idle window, 5 s: longest GUI-thread gap {probe.largest_gap_since(started, time.perf_counter()) * 1000:.0f} ms "
        f"(scheduling noise from other processes)"
    )

    # heatmap: new selection -> overlay drawn; each photo once to warm up, then timed (the cache is cleared)
    times, gaps = [], []
    for round_ in range(4):
        for row in range(len(photos)):
            explain._cache.clear()  # noqa: SLF001 - time the worker, not the cache
            started = probe.mark()
            window.results_table.selectRow(row)
            wait_for(lambda: explain.shown() is not None and window.image_view.has_overlay(), 30)
            ended = time.perf_counter()
            if round_:
                times.append(ended - started)
                gaps.append(probe.largest_gap_since(started, ended))
    print(
        f"heatmap: selection to heatmap drawn, median {statistics.median(times) * 1000:.1f} ms over {len(times)} "
        f"(warm); longest GUI-thread gap {max(gaps) * 1000:.0f} ms"
    )

    started = probe.mark()
    view = window.features.evaluate_folder(args.evaluate)
    wait_for(lambda: not view.is_running(), 1200)
    ended = time.perf_counter()
    result = view.result()
    print(
        f"evaluate on folder: {result.evaluation.n} images in {ended - started:.1f} s (model load included), "
        f"accuracy {result.evaluation.accuracy:.1%}; longest GUI-thread gap "
        f"{probe.largest_gap_since(started, ended) * 1000:.0f} ms"
    )

    dialog = window.features.open_export_dialog()
    dialog.set_format("tflite-int8")
    with tempfile.TemporaryDirectory() as folder:
        dialog.path_edit.setText(os.path.join(folder, "model-int8.tflite"))
        dialog.sample_edit.setText(args.sample or args.evaluate)
        started = probe.mark()
        dialog.export()
        wait_for(lambda: not dialog.is_exporting(), 1200)
        ended = time.perf_counter()
        print(
            f"export TFLite int8: {ended - started:.1f} s; longest GUI-thread gap "
            f"{probe.largest_gap_since(started, ended) * 1000:.0f} ms; {dialog.status_label.text()}"
        )
    probe.stop()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
