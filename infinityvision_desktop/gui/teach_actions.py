"""The Teach tab in the main window, and corrections from the Classify tab.

`install_teach(window, settings)` adds the tab (gui.teach_view), makes its "Use in Classify" load
the model as the active one, and gives the Classify results a context menu: "This is a …" copies
the photo into the teach project of the active model, marked as a correction of the answer it got,
so the next Train learns from it. A model trained in the Teach tab names its project in its
metadata; for any other model (the bundled CIFAR-10 one) corrections go to a "my corrections"
project of its classes in the user's data folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QPoint, Qt, Slot
from PySide6.QtWidgets import QMenu

from infinityvision_desktop.core.teach import TeachError, TeachProject, check_class_name
from infinityvision_desktop.gui.teach_view import TeachView
from infinityvision_desktop.gui.widgets.results_table import RowState


def corrections_project(metadata) -> TeachProject:
    """The project a correction of this model's answer goes to (created when needed)."""
    provenance = metadata.provenance or {}
    folder = provenance.get("project") if provenance.get("trained_by") == "teach" else None
    if folder and os.path.isdir(folder):
        return TeachProject(folder)
    from infinityvision_desktop.paths import user_data_dir

    name = f"{metadata.name or 'model'} corrections"
    classes = []
    for label in metadata.labels:
        try:
            classes.append(check_class_name(label))
        except TeachError:
            continue  # a class name no folder can carry: it cannot take corrections
    return TeachProject.create(user_data_dir() / "teach" / name, classes)


class TeachActions(QObject):
    """Owned by the window: the Teach tab and the Classify tab's correction menu."""

    def __init__(self, window, settings) -> None:
        super().__init__(window)
        self.window = window
        self.view = TeachView(window.start_worker, settings)
        window.add_tab(self.view, self.tr("Teach"))
        self.view.sig_use_model.connect(self._on_view_use_model)
        self.view.sig_train_deeper.connect(self._on_view_train_deeper)
        table = window.results_table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._on_results_context_menu_requested)
        self.last_correction: Path | None = None

    @Slot(str)
    def _on_view_use_model(self, path: str) -> None:
        self.window.set_model(path)
        self.window.tabs.setCurrentWidget(self.window.classify_view)

    @Slot(str)
    def _on_view_train_deeper(self, folder: str) -> None:
        """The training dialog (the two-stage fine-tune), with the project as its data."""
        self.window.train_action.trigger()
        self.window.training_dialog.set_data_path(folder)

    # --- corrections ---

    def correction_menu(self, row) -> QMenu | None:
        """The context menu for a classified row: "This is a …" with the model's other classes."""
        metadata = self.window.active_metadata
        if row is None or row.state != RowState.DONE or row.prediction is None or metadata is None:
            return None
        menu = QMenu(self.window.results_table)
        submenu = menu.addMenu(self.tr("This Is a…"))
        submenu.setToolTip(self.tr("Copy the photo into the model's teach project as a correction"))
        for label in metadata.labels:
            if label == row.prediction.label:
                continue
            action = submenu.addAction(label)
            action.setData((row.key, label))
        submenu.triggered.connect(self._on_correction_menu_triggered)
        return menu

    def correct(self, key: int, label: str) -> Path | None:
        """Copy row `key`'s photo into `label` of the active model's project, marked; None after saying why not."""
        row = self.window.results_model.row(key)
        metadata = self.window.active_metadata
        if row is None or row.prediction is None or metadata is None:
            return None
        try:
            project = corrections_project(metadata)
            if row.path is not None:
                target = project.add_correction(row.path, answer=row.prediction.label, correct=label)
            else:
                if label not in project.classes():
                    project.add_class(label)
                data = row.data if isinstance(row.data, bytes) else _png_from_rgb(row.data)
                target = project.add_image_data(label, data, f"{row.name}.png")
                project.mark_correction(target, answer=row.prediction.label, correct=label)
        except (TeachError, OSError) as exc:
            self._status(self.tr("Not copied: {0}").format(getattr(exc, "reason", None) or exc))
            return None
        self.last_correction = target
        self._status(
            self.tr("{0} copied into '{1}' of the teach project {2} as a correction: train it again to use it.").format(
                row.name, label, project.name
            )
        )
        if self.view.project is not None and self.view.project.folder.resolve() == project.folder.resolve():
            self.view.refresh()
        return target

    @Slot(QPoint)
    def _on_results_context_menu_requested(self, position: QPoint) -> None:
        table = self.window.results_table
        index = table.indexAt(position)
        if not index.isValid():
            return
        menu = self.correction_menu(self.window.results_model.row(table.key_at_row(index.row())))
        if menu is not None:
            menu.popup(table.viewport().mapToGlobal(position))

    @Slot(object)
    def _on_correction_menu_triggered(self, action) -> None:
        key, label = action.data()
        self.correct(key, label)

    def _status(self, text: str) -> None:
        self.window.status_label.setText(text)
        self.window.status_label.setToolTip(text)


def _png_from_rgb(rgb: np.ndarray) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def install_teach(window, settings) -> TeachActions:
    return TeachActions(window, settings)
