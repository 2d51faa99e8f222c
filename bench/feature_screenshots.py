"""Screenshots of the heatmap and the Evaluation tab, made by the app itself (offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/feature_screenshots.py \\
        --photos resources/samples --select cat_chelsea.jpg --evaluate /tmp/cifar500 --out resources/screenshots

- explain_heatmap.png: the main window classifying the photos in --photos, the --select photo
  selected with its Grad-CAM heatmap on (for the model's answer);
- misclassified_gallery.png: the Evaluation tab after Model > Evaluate on Folder… on --evaluate
  (a labelled folder: one sub-folder per class), showing the most confident mistakes;
- model_view.png: the Model tab for the model: its training curves, confusion matrix, per-class
  report, layers and the comparison of the models the app knows.
Uses the bundled model (or --model) and throw-away settings; the user's history is not touched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main() -> int:
    from gui_gaps import wait_for
    from PySide6.QtCore import QSettings

    from infinityvision_desktop.core.images import is_image_path
    from infinityvision_desktop.gui.app import create_application
    from infinityvision_desktop.gui.main_window import MainWindow, ModelState
    from infinityvision_desktop.gui.settings import Settings
    from infinityvision_desktop.paths import bundled_model_path

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(bundled_model_path()))
    parser.add_argument("--photos", default=str(ROOT / "resources" / "samples"), help="a folder of photos")
    parser.add_argument("--select", default="cat_chelsea.jpg", help="the photo shown with its heatmap")
    parser.add_argument("--evaluate", required=True, help="a labelled folder for the Evaluation tab")
    parser.add_argument("--out", default=str(ROOT / "resources" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    app = create_application()
    from infinityvision_desktop.gui import i18n

    i18n.install("en", app)  # as the app does before its first widget (plural forms come from the .qm)
    settings = Settings(QSettings(os.path.join(tempfile.mkdtemp(), "settings.ini"), QSettings.Format.IniFormat))
    settings.history_enabled = False
    window = MainWindow(model_path=args.model, settings=settings)
    window.resize(1200, 780)
    window.show()
    wait_for(lambda: window.model_state == ModelState.READY, 300, "the model")

    # every image the app opens (.JPEG, .png, ...), not only *.jpg
    window.classify_paths(
        sorted(
            str(path)
            for path in Path(args.photos).iterdir()
            if path.is_file() and not path.name.startswith(".") and is_image_path(path)
        )
    )
    wait_for(lambda: window.results_model.rowCount() and not window.is_busy(), 120, "the answers")
    rows = window.results_model.rows()
    selected = next(row for row in rows if row.name == args.select)
    window.results_table.select_key(selected.key)
    explain = window.features.explain
    explain.set_enabled(True)
    wait_for(lambda: explain.shown() is not None, 60, "the heatmap")
    window.chart.canvas.draw()
    app.processEvents()
    window.grab().save(str(out / "explain_heatmap.png"), "PNG")
    shown = explain.shown()
    print(
        f"explain_heatmap.png: {selected.name}, answer {selected.prediction.label} "
        f"{selected.prediction.confidence:.0%}, heatmap for {shown.label} from {shown.layer}"
    )

    window.tabs.setCurrentWidget(window.model_view)
    curves = window.model_view.curves
    # a combined model (the bundled one) has no curves of its own: its networks are named instead
    wait_for(lambda: curves.is_showing_chart() or curves.message(), 60, "the model view")
    time.sleep(1.0)  # the known-models scan and the redraws it asks for
    app.processEvents()
    window.grab().save(str(out / "model_view.png"), "PNG")
    print(f"model_view.png: the Model tab for {Path(args.model).name}")

    window.resize(1280, 1000)
    view = window.features.evaluate_folder(args.evaluate)
    wait_for(lambda: view.result() is not None or not view.is_running(), 600, "the evaluation")
    if view.result() is None:
        raise SystemExit(f"evaluation failed: {view.summary_label.text()}")
    view.body.setSizes([420, 500])
    view.confusion.draw_idle()
    app.processEvents()
    view.confusion.canvas.draw()
    app.processEvents()
    window.grab().save(str(out / "misclassified_gallery.png"), "PNG")
    result = view.result()
    print(
        f"misclassified_gallery.png: {result.evaluation.n} images of {args.evaluate}, accuracy "
        f"{result.evaluation.accuracy:.1%}, {len(result.mistakes())} mistakes"
    )
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
