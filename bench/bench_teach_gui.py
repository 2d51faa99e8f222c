"""The Teach tab as a user drives it, timed: Train to a usable model, and the longest the window froze.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_teach_gui.py --data DIR [--try PHOTO]

DIR holds one sub-folder of photos per class. Steps, each with its wall time and the largest gap of a
10 ms timer on the GUI thread (bench/gui_gaps.py; the issue's limit is 100 ms):
1. open a new project, add the classes, drop each class's photos (all but one) on it: copies, thumbnails;
2. Train with a cold feature cache (the backbone loads in the teach worker when the project opens,
   counted here from the open);
3. try a photo;
4. drop one more photo and Train again (warm cache).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--try", dest="photo", type=Path)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-teach-gui-"))
    os.environ["INFINITYVISION_CACHE_DIR"] = str(scratch / "cache")  # cold
    os.environ["INFINITYVISION_DATA_DIR"] = str(scratch / "data")

    from gui_gaps import GapProbe, wait_for
    from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from infinityvision_desktop.core.teach import TeachProject
    from infinityvision_desktop.gui.main_window import MainWindow
    from infinityvision_desktop.gui.settings import Settings

    app = QApplication.instance() or QApplication([])
    source = TeachProject.open(args.data)
    classes = source.classes()
    settings = Settings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    from infinityvision_desktop import paths

    # as the app starts: the bundled model loads (TensorFlow is imported then, in the inference worker)
    window = MainWindow(model_path=paths.bundled_model_path(), settings=settings)
    window.resize(1280, 800)
    window.show()
    wait_for(lambda: window.active_model_path is not None, 300, "the bundled model")
    view = window.teach.view
    window.tabs.setCurrentWidget(view)
    probe = GapProbe()
    probe.start()
    kept = []

    def drop(widget, paths):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
        kept.append(mime)
        QApplication.sendEvent(
            widget,
            QDragEnterEvent(
                QPoint(40, 40),
                Qt.DropAction.CopyAction,
                mime,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            ),
        )
        QApplication.sendEvent(
            widget,
            QDropEvent(
                QPointF(40, 40),
                Qt.DropAction.CopyAction,
                mime,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            ),
        )

    def step(name, action, done, timeout=600):
        started = probe.mark()
        action()
        wait_for(done, timeout, name)
        ended = time.perf_counter()
        print(
            f"{name}: {ended - started:.2f} s, the GUI thread's longest block {1000 * probe.largest_gap_since(started, ended):.0f} ms"
        )
        return ended - started

    opened = probe.mark()
    held_back = source.images(classes[0])[-1]
    expected = sum(len(source.images(name)) for name in classes) - 1

    step(
        "open a new project (the backbone starts loading in the teach worker)",
        lambda: view.open_project(scratch / "My photos", create=True),
        lambda: True,
    )
    step(
        "the backbone loads (the window stays idle meanwhile)",
        lambda: None,
        lambda: view.worker._teacher is not None,
        300,
    )

    def build():
        for name in classes:
            view.add_class(name)
        for name in classes:
            view.select_class(name)
            photos = source.images(name)
            drop(view.image_grid.viewport(), photos[:-1] if name == classes[0] else photos)

    step(
        "classes added, photos dropped (copied)",
        build,
        lambda: sum(len(view.project.images(name)) for name in classes) == expected and not view._handles,
    )
    trained = []
    view.sig_trained.connect(lambda result: trained.append(result))
    step("Train, cold feature cache", view.train, lambda: trained)
    print(f"  from opening the project: {time.perf_counter() - opened:.1f} s; {view.accuracy_label.text()}")
    if args.photo:
        answers = []
        view.sig_answer_shown.connect(lambda prediction: answers.append(prediction))
        step("try a photo", lambda: drop(view.try_view, [args.photo]), lambda: answers)
        print(f"  answer: {view.answer_label.text()}")
    view.select_class(classes[0])
    step(
        "drop one more photo",
        lambda: drop(view.image_grid.viewport(), [held_back]),
        lambda: len(view.project.images(classes[0])) == len(source.images(classes[0])),
    )
    trained.clear()
    step("Train again, warm cache", view.train, lambda: trained)
    result = trained[0]
    print(
        f"  {result.computed} computed, {result.cached} cached; "
        + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    )
    probe.stop()
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
