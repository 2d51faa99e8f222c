"""The Teach tab in the main window, and corrections from the Classify and History tabs.

`install_teach(window, settings)` adds the tab (gui.teach_view), makes its "Use in Classify" load
the model as the active one, and gives the Classify results and the History entries a context
menu: "This is a …" copies the photo into the teach project of the model that answered, marked as
a correction of its answer, so the next Train learns from it. A model trained in the Teach tab
names its project in its metadata; for any other model (the bundled CIFAR-10 one) corrections go
to a "my corrections" project of its classes in the user's data folder.

Rows of both tables can also be dragged onto a class of the Teach tab (gui.teach_drops): held over
the Teach tab's title, the drag opens the tab; dropped on a class, the photo is copied into that
class of the open project, a correction when the model said another class.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Slot
from PySide6.QtWidgets import QMenu

from infinityvision_desktop.core.modelfile import ModelFileError, ModelMetadata, read_metadata
from infinityvision_desktop.core.teach import TeachError, TeachProject, check_class_name
from infinityvision_desktop.gui.i18n import class_name
from infinityvision_desktop.gui.teach_drops import ANSWERS_MIME
from infinityvision_desktop.gui.teach_view import TeachView
from infinityvision_desktop.gui.widgets.results_table import RowState, answered_image

_DRAG_EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)


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
    """Owned by the window: the Teach tab, the correction menus of Classify and the History, and rows
    dragged to the Teach tab."""

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
        window.history_view.toolbar.sig_context_menu.connect(self._on_history_context_menu)
        # A row dragged from Classify or the History reaches the Teach tab's classes through the tab bar:
        # held over a tab's title, the drag opens that tab.
        tab_bar = window.tabs.tabBar()
        tab_bar.setChangeCurrentOnDrag(True)
        tab_bar.setAcceptDrops(True)
        window.installEventFilter(self)
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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A dragged row carries its file as a URL, which the window takes for files dropped to classify:
        # "Drop to classify" would cover the tab as soon as the drag starts, and a drop would list the
        # photo again. Only the Teach tab takes answers (its drop filters see them first); anywhere
        # else in the window they are refused, with a word on where they go.
        if watched is self.window and event.type() in _DRAG_EVENTS and event.mimeData().hasFormat(ANSWERS_MIME):
            event.ignore()
            if event.type() == QEvent.Type.DragEnter:
                self._status(
                    self.tr(
                        "To correct an answer, drop the photo on a class in the Teach tab (hold it over the tab's title to open it)."
                    )
                )
            return True
        return False

    # --- corrections in the Classify tab ---

    def correction_menu(self, row) -> QMenu | None:
        """The context menu for a classified row: "This is a …" with the model's other classes."""
        metadata = self.window.active_metadata
        if row is None or row.state != RowState.DONE or row.prediction is None or metadata is None:
            return None
        menu = QMenu(self.window.results_table)
        self._add_correction_submenu(menu, metadata.labels, row.prediction.label, row.key)
        return menu

    def correct(self, key: int, label: str) -> Path | None:
        """Copy row `key`'s photo into `label` of the active model's project, marked; None after saying why not."""
        row = self.window.results_model.row(key)
        metadata = self.window.active_metadata
        if row is None or row.prediction is None or metadata is None:
            return None
        image = answered_image(row)
        if image.path is None and image.data is None:
            self._status(self.tr("Not copied: {0}").format(self.tr("there is no image of it to copy")))
            return None
        try:
            project = corrections_project(metadata)
            target = project.add_corrected(image, label)
        except (TeachError, OSError) as exc:
            self._status(self.tr("Not copied: {0}").format(getattr(exc, "reason", None) or exc))
            return None
        self._status(self._copied_text(row.name, label, project))
        return self._corrected(project, target)

    @Slot(QPoint)
    def _on_results_context_menu_requested(self, position: QPoint) -> None:
        table = self.window.results_table
        index = table.indexAt(position)
        if not index.isValid():
            return
        menu = self.correction_menu(self.window.results_model.row(table.key_at_row(index.row())))
        if menu is not None:
            menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            menu.popup(table.viewport().mapToGlobal(position))

    # --- corrections in the History ---

    @Slot(QMenu)
    def _on_history_context_menu(self, menu: QMenu) -> None:
        """ "This Is a…" in the History's menu, for one entry: the classes of the model that answered it."""
        entries = self.window.history_view.selected_entries()
        if len(entries) == 1 and entries[0].probabilities:
            entry = entries[0]
            menu.addSeparator()
            self._add_correction_submenu(menu, tuple(entry.probabilities), entry.label, entry)

    def correct_entry(self, entry, label: str) -> Path | None:
        """Copy a History entry's photo into `label` of its model's project, marked; None after saying why not.

        A correction is of the answer of the model that gave it, so it goes to that model's project even
        when another model is active now (which may not know the class). When the photo is gone, the
        stored thumbnail is copied instead, and the message says so: it is the picture the user judged in
        the table, and holds more than a 32 px model ever saw; refusing would lose a correction the user
        can no longer make any other way.
        """
        history = self.window.history_view
        image = history.model.answered_images([entry])[0]
        if image.path is None:
            gone = (
                self.tr("the photo is no longer at {0}").format(entry.path)
                if entry.path
                else self.tr("a pasted image has no file")
            )
            if image.data is None:
                text = self.tr("{0} cannot be corrected: {1}, and the history holds no thumbnail of it.")
                history.show_message(text.format(entry.name, gone), "warning")
                return None
        try:
            project = corrections_project(self._answering_model(entry))
            target = project.add_corrected(image, label)
        except (TeachError, OSError) as exc:
            history.show_message(self.tr("Not copied: {0}").format(getattr(exc, "reason", None) or exc), "error")
            return None
        if image.path is None:
            text = self.tr(
                "{0}: {1}, so its thumbnail from the history was copied into '{2}' of the teach project {3} as a "
                "correction. Train it again to use it."
            ).format(entry.name, gone, class_name(label), project.name)
        else:
            text = self._copied_text(entry.name, label, project)
        history.show_message(text, "info")
        return self._corrected(project, target)

    def _answering_model(self, entry) -> ModelMetadata:
        """The metadata of the model that answered a History entry: the active one, its file's, or (the
        file gone) what the entry recorded of it."""
        active, path = self.window.active_metadata, entry.model_path
        if (
            active is not None
            and path
            and self.window.active_model_path
            and _same_file(path, self.window.active_model_path)
        ):
            return active
        if path and os.path.isfile(path):
            try:
                metadata = read_metadata(path)  # the metadata only, no TensorFlow: quick enough for a click
            except ModelFileError:
                metadata = None
            if metadata is not None:
                return metadata
        return ModelMetadata(labels=tuple(entry.probabilities) or (entry.label,), name=entry.model_name)

    # --- both ---

    def _add_correction_submenu(self, menu: QMenu, labels, answer: str, subject) -> None:
        submenu = menu.addMenu(self.tr("This Is a…"))
        submenu.setToolTip(self.tr("Copy the photo into the model's teach project as a correction"))
        for label in labels:
            if label != answer:
                action = submenu.addAction(class_name(label))
                action.setData((subject, label))
        submenu.triggered.connect(self._on_correction_menu_triggered)

    @Slot(object)
    def _on_correction_menu_triggered(self, action) -> None:
        subject, label = action.data()
        if isinstance(subject, int):
            self.correct(subject, label)
        else:
            self.correct_entry(subject, label)

    def _copied_text(self, name: str, label: str, project: TeachProject) -> str:
        return self.tr(
            "{0} copied into '{1}' of the teach project {2} as a correction: train it again to use it."
        ).format(name, class_name(label), project.name)

    def _corrected(self, project: TeachProject, target: Path) -> Path:
        self.last_correction = target
        if self.view.project is not None and self.view.project.folder.resolve() == project.folder.resolve():
            self.view.refresh()
        return target

    def _status(self, text: str) -> None:
        self.window.status_label.setText(text)
        self.window.status_label.setToolTip(text)


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.normcase(os.path.abspath(first)) == os.path.normcase(os.path.abspath(second))


def install_teach(window, settings) -> TeachActions:
    return TeachActions(window, settings)
