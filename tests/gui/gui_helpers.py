"""Helpers for the GUI tests: generated images, real drop events, model copies."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication


def _load_shared_helpers():
    # tests/conftest.py holds the image generators; "import conftest" here would find this file
    # (pytest imports every conftest.py under that one name), so load it by path, under its own name.
    name = "_infinityvision_tests_shared"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_shared = _load_shared_helpers()
CLASS_COLOURS = _shared.CLASS_COLOURS
make_image = _shared.make_image
make_class_folders = _shared.make_class_folders

MODEL_TIMEOUT_MS = 180_000  # a cold TensorFlow import on a busy machine
WORK_TIMEOUT_MS = 60_000
# The offscreen platform has no window manager and says so; nothing the app can act on.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore(r"This plugin does not support")


def write_images(
    folder: Path, count: int, *, labels=tuple(CLASS_COLOURS), seed: int = 1, fmt: str = "png"
) -> list[Path]:
    """count images cycling through the tiny model's classes, named NNN_label.png, sorted by name."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(count):
        label = labels[i % len(labels)]
        path = folder / f"{i:04d}_{label}.{fmt}"
        Image.fromarray(make_image(label, rng)).save(path)
        paths.append(path)
    return paths


class Dropper:
    """Sends real drag-enter and drop events; keeps each QMimeData alive for the event's life."""

    def __init__(self):
        self.kept: list[QMimeData] = []

    def mime_for(self, paths) -> QMimeData:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
        self.kept.append(mime)
        return mime

    def drag_enter(self, widget, mime: QMimeData) -> QDragEnterEvent:
        event = QDragEnterEvent(
            QPoint(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(widget, event)
        return event

    def drop(self, widget, paths) -> QDropEvent:
        mime = self.mime_for(paths)
        entered = self.drag_enter(widget, mime)
        assert entered.isAccepted()
        event = QDropEvent(
            QPointF(40, 40), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(widget, event)
        return event


def copy_model_with_threshold(source: Path, target: Path, threshold: float) -> Path:
    """A copy of a model whose metadata asks for `threshold` confidence before it is sure."""
    import h5py

    from infinityvision_desktop.core.modelfile import METADATA_KEY

    shutil.copyfile(source, target)
    with h5py.File(target, "a") as handle:
        blob = handle[METADATA_KEY][()]
        metadata = json.loads(blob.tobytes().decode("utf-8"))
        metadata["not_sure_threshold"] = threshold
        metadata["name"] = f"{metadata.get('name') or 'tiny'}-strict"
        del handle[METADATA_KEY]
        handle.create_dataset(METADATA_KEY, data=np.void(json.dumps(metadata).encode("utf-8")))
    return target


def open_feature_views(window, qtbot, tmp_path: Path) -> list:
    """The explain branch's views, filled: the heatmap over the selected image (some image must be
    classified already), an Evaluation tab after an evaluation on a tiny generated folder (a cell of
    its confusion matrix shown), and the Export dialog. Returns the extra top-level windows to walk."""
    import shutil as _shutil

    features = window.features
    labels = tuple(window.active_metadata.labels)
    folder = make_class_folders(
        tmp_path / "labelled", labels=tuple(l for l in labels if l in CLASS_COLOURS), per_class=3, seed=7
    )
    first = sorted((folder / labels[1]).glob("*.png"))[0]
    _shutil.copyfile(first, folder / labels[0] / "misfiled.png")  # at least one mistake for the gallery
    view = features.evaluate_folder(str(folder))
    with qtbot.waitSignal(view.sig_finished, timeout=WORK_TIMEOUT_MS):
        pass
    view.show_cell(0, 0)  # one cell's images: the gallery line names a class
    window.tabs.setCurrentWidget(window.classify_view)
    window.results_table.selectRow(0)
    with qtbot.waitSignal(features.explain.sig_shown, timeout=WORK_TIMEOUT_MS):
        features.explain.set_enabled(True)
    dialog = features.open_export_dialog()
    dialog.set_format("tflite-int8")  # the hint that names the sample images
    return [dialog]
