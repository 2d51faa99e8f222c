"""Where a training run's model is written: the dialog's "Save as" box and the file names it makes.

Every run writes a new file in paths.user_data_dir()/models, named by the user or after the data and
the date, never over another model and never over the bundled one.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QGroupBox, QLabel, QLineEdit, QMessageBox, QVBoxLayout, QWidget

from infinityvision_desktop import paths
from infinityvision_desktop.core import atomic
from infinityvision_desktop.gui import theme


class ModelNamePanel(QGroupBox):
    """The name of the model a run saves. The dialog calls `retranslate_ui()` and `apply_scheme()`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit(self)
        self.models_folder_label = QLabel(self)
        self.models_folder_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.models_folder_label)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setTitle(self.tr("Save as"))
        self.name_edit.setToolTip(self.tr("The model's name; leave empty for a name from the data and the date"))
        self.name_edit.setAccessibleName(self.tr("Model name"))
        self.name_edit.setPlaceholderText(self.tr("Name from the data and the date"))
        self.models_folder_label.setText(self.tr("Saved in {0}").format(models_folder()))

    def apply_scheme(self, colours: theme.Scheme) -> None:
        self.models_folder_label.setStyleSheet(f"color: {colours.muted};")

    def set_editable(self, editable: bool) -> None:
        self.name_edit.setEnabled(editable)

    def output_path(self, data: str) -> Path:
        """A new model file for a run on `data` (the path as typed), by the name typed here if any."""
        return new_output_path(self.name_edit.text(), data)


def models_folder() -> Path:
    return paths.user_data_dir() / "models"


def new_output_path(name: str, data: str) -> Path:
    """A file in models_folder() that does not exist yet: `name`, or one made from `data` and the time."""
    name = safe_name(name) or suggested_name(data)
    folder = models_folder()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.h5"
    counter = 2
    while target.exists():
        target = folder / f"{name}-{counter}.h5"
        counter += 1
    if same_file(target, paths.bundled_model_path()):  # never, but the bundled model is sacred
        raise RuntimeError(f"refusing to train into the bundled model file {target}")
    return target


def suggested_name(data: str) -> str:
    """The data's folder or archive name and the time: cifar-10-python-20240501-120000."""
    stem = Path(data.strip() or "model").name
    for suffix in (".tar.gz", ".tgz", ".tar"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return f"{safe_name(stem) or 'model'}-{time.strftime('%Y%m%d-%H%M%S')}"


def safe_name(text: str) -> str:
    """A file name from what the user typed: letters, digits, '.', '-' and '_' only."""
    return re.sub(r"[^\w.-]+", "_", text.strip()).strip("._")[:80]


def same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def save_model_copy(source: str | None, path: str | os.PathLike) -> Path:
    """Copy the trained model file `source` to `path` (its suffix made the source's) atomically;
    ValueError, with the reason for the user, when there is none or `path` is the bundled model."""
    if not source:
        raise ValueError(QCoreApplication.translate("TrainingDialog", "There is no trained model to save yet."))
    source, target = Path(source), Path(path)
    if target.suffix.lower() != source.suffix.lower():
        target = (
            target.with_name(target.name + source.suffix) if not target.suffix else target.with_suffix(source.suffix)
        )
    if same_file(target, paths.bundled_model_path()):
        raise ValueError(
            QCoreApplication.translate(
                "TrainingDialog", "The bundled model is never overwritten: choose another name or folder."
            )
        )
    if not same_file(target, source):
        atomic.copy_file(source, target)
    return target


def ask_where_to_save(dialog, source: Path, saved_copy: Path | None) -> None:
    """Save As: ask for a file name (beside the last copy, else in the home folder), copy the
    trained model there through `dialog.save_model_as`, and say how it went."""
    start = str((saved_copy.parent if saved_copy else Path.home()) / source.name)
    path, _ = QFileDialog.getSaveFileName(
        dialog,
        QCoreApplication.translate("TrainingDialog", "Save Model As"),
        start,
        QCoreApplication.translate("TrainingDialog", "Keras model (*{0})").format(source.suffix),
    )
    if not path:
        return
    try:
        saved = dialog.save_model_as(path)
    except (OSError, ValueError) as exc:
        QMessageBox.warning(
            dialog,
            QCoreApplication.translate("TrainingDialog", "Save Model As"),
            QCoreApplication.translate("TrainingDialog", "The model could not be saved:\n{0}").format(exc),
        )
        return
    dialog.run_panel.set_status(QCoreApplication.translate("TrainingDialog", "Saved as {0}.").format(saved))
