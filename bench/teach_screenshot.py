"""The Teach tab's screenshot for the README: a project with classes and thumbnails, trained, trying a photo.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/teach_screenshot.py --data DIR --try PHOTO \
        [--out resources/screenshots/teach.png]

DIR holds one sub-folder of photos per class; they are copied into a scratch project (a stand-in
here: four CIFAR-10 classes, 32 px images, so the accuracy shown is the stand-in's, not a real
photo set's). The window is made by the app itself (MainWindow, its Teach tab) and grabbed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--try", dest="photo", required=True, type=Path)
    parser.add_argument("--out", type=Path, default=Path("resources/screenshots/teach.png"))
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from infinityvision_desktop.core.teach import TeachProject
    from infinityvision_desktop.gui import i18n
    from infinityvision_desktop.gui.main_window import MainWindow
    from infinityvision_desktop.gui.settings import Settings

    app = QApplication.instance() or QApplication([])
    i18n.install("en", app)
    scratch = Path(tempfile.mkdtemp(prefix="teach-shot-"))
    source = TeachProject.open(args.data)
    project = TeachProject.create(scratch / "My photos", source.classes())
    for name in source.classes():
        project.add_images(name, source.images(name))
    settings = Settings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    from infinityvision_desktop import paths

    window = MainWindow(model_path=paths.bundled_model_path(), settings=settings)
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    view = window.teach.view
    window.tabs.setCurrentWidget(view)

    def wait_for(signal, timeout_ms: int = 300_000):
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()

    view.open_project(project.folder)
    view.select_class(source.classes()[-1])
    view.train()
    wait_for(view.sig_trained)
    view.heatmap_check.setChecked(True)
    view.try_file(str(args.photo))
    wait_for(view.sig_answer_shown)
    for _ in range(600):  # the heatmap follows the answer (Grad-CAM is traced on first use)
        if view.try_view.has_overlay():
            break
        pause = QEventLoop()
        QTimer.singleShot(50, pause.quit)
        pause.exec()
    loop = QEventLoop()
    QTimer.singleShot(1500, loop.quit)
    loop.exec()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(args.out))
    print(f"wrote {args.out}: {view.accuracy_label.text()}; answer {view.answer_label.text()}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
