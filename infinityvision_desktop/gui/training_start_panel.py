"""The training dialog's "Start from" box: fine-tune the active model, EfficientNet-Lite0 or VGG16
transfer learning from ImageNet weights, or airbench from scratch, with a note on what fine-tuning
will do with the data's classes."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QButtonGroup, QGroupBox, QLabel, QRadioButton, QVBoxLayout, QWidget

from infinityvision_desktop.core.modelfile import ModelFileError, ModelMetadata, read_metadata
from infinityvision_desktop.core.training_config import FINE_TUNE, TrainConfig
from infinityvision_desktop.gui import theme

log = logging.getLogger(__name__)

# The starting points, named as core.training_config.preset() knows them.
BASE_FINE_TUNE = FINE_TUNE  # fine-tune the active model (a new head if the classes differ)
BASE_AIRBENCH = "airbench"  # architecture (a) from scratch
BASE_VGG16 = "vgg16"  # VGG16 transfer from ImageNet weights
BASE_LITE0 = "efficientnet-lite0"  # EfficientNet-Lite0 transfer from ImageNet weights (the bundled backbone)


def is_ensemble(metadata: ModelMetadata | None) -> bool:
    """Two models combined into one file (`infinityvision combine`): not something to fine-tune."""
    return bool(metadata and metadata.architecture.startswith("ensemble"))


class StartFromPanel(QGroupBox):
    """The starting point of a run. The dialog calls `retranslate_ui()` and `apply_scheme()`."""

    sig_kind_changed = Signal(str)
    """Another starting point was chosen: BASE_FINE_TUNE, BASE_LITE0, BASE_AIRBENCH or BASE_VGG16."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base_path: str | None = None
        self._base_metadata: ModelMetadata | None = None
        self.fine_tune_radio = QRadioButton(self)
        self.base_note = QLabel(self)
        self.base_note.setWordWrap(True)
        self.airbench_radio = QRadioButton(self)
        self.vgg_radio = QRadioButton(self)
        self.lite0_radio = QRadioButton(self)
        self.base_group = QButtonGroup(self)
        for button in (self.fine_tune_radio, self.lite0_radio, self.airbench_radio, self.vgg_radio):
            self.base_group.addButton(button)
        self.lite0_radio.setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fine_tune_radio)
        layout.addWidget(self.base_note)
        layout.addWidget(self.lite0_radio)
        layout.addWidget(self.airbench_radio)
        layout.addWidget(self.vgg_radio)
        self.base_group.buttonToggled.connect(self._on_base_group_button_toggled)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """The fixed texts; the fine-tune choice and its note are set by `update_note()`."""
        self.setTitle(self.tr("Start from"))
        self.airbench_radio.setText(self.tr("Train the fast airbench network from scratch"))
        self.vgg_radio.setText(self.tr("VGG16 transfer learning (ImageNet weights)"))
        self.lite0_radio.setText(
            self.tr("EfficientNet-Lite0 transfer learning (ImageNet weights; best for your own classes)")
        )

    def apply_scheme(self, colours: theme.Scheme) -> None:
        self.base_note.setStyleSheet(f"color: {colours.muted}; margin-left: 22px;")

    # --- the model to fine-tune ---

    @property
    def base_path(self) -> str | None:
        return self._base_path

    def set_base(
        self, path: str | os.PathLike | None, metadata: ModelMetadata | None = None, *, default: bool = False
    ) -> None:
        """The model "Fine-tune" starts from (its metadata read here when not given); None disables it.
        With `default`, a model makes fine-tuning the choice (the settings are untouched)."""
        self._base_path = os.fspath(path) if path is not None else None
        if self._base_path is not None and metadata is None:
            try:
                metadata = read_metadata(self._base_path)  # h5py only, no TensorFlow
            except ModelFileError as exc:
                log.info("no metadata for %s: %s", self._base_path, exc)
        self._base_metadata = metadata
        # an ensemble is two networks behind one softmax: it has no single body to fine-tune
        available = self._base_path is not None and not is_ensemble(metadata)
        self.fine_tune_radio.setEnabled(available)
        if available and default and not self.fine_tune_radio.isChecked():
            self.fine_tune_radio.setChecked(True)  # fine-tuning is the quick, useful default
        elif not available and self.fine_tune_radio.isChecked():
            self.lite0_radio.setChecked(True)

    def update_note(self, scan) -> None:
        """Name the model to fine-tune and say what happens to its output layer with the data of
        `scan` (a DatasetScan, or None before one)."""
        if self._base_path is None:
            self.fine_tune_radio.setText(self.tr("Fine-tune the active model"))
            self.base_note.setText(self.tr("No model is active."))
            return
        meta = self._base_metadata
        name = (meta.name if meta and meta.name else None) or Path(self._base_path).stem
        self.fine_tune_radio.setText(self.tr("Fine-tune {0}").format(name))
        if is_ensemble(meta):
            self.base_note.setText(
                self.tr(
                    "It combines two networks and cannot be fine-tuned as one: "
                    "start from EfficientNet-Lite0's ImageNet weights below."
                )
            )
        elif meta is None:
            self.base_note.setText(self.tr("Its class names are unknown: a new output layer is trained."))
        elif scan is None:
            self.base_note.setText(self.tr("{0} classes, {1}×{2} input").format(len(meta.labels), *meta.input_size))
        elif tuple(scan.labels) == tuple(meta.labels):
            self.base_note.setText(self.tr("Same classes as the data: its output layer is kept."))
        else:
            self.base_note.setText(self.tr("Its classes differ from the data's: a new output layer is trained."))

    # --- the choice ---

    def kind(self) -> str:
        if self.fine_tune_radio.isChecked():
            return BASE_FINE_TUNE
        if self.lite0_radio.isChecked():
            return BASE_LITE0
        return BASE_VGG16 if self.vgg_radio.isChecked() else BASE_AIRBENCH

    def set_kind(self, kind: str) -> None:
        {
            BASE_FINE_TUNE: self.fine_tune_radio,
            BASE_AIRBENCH: self.airbench_radio,
            BASE_VGG16: self.vgg_radio,
            BASE_LITE0: self.lite0_radio,
        }[kind].setChecked(True)

    def is_ready(self) -> bool:
        """False when fine-tuning is chosen but no model is active."""
        return self.kind() != BASE_FINE_TUNE or (self._base_path is not None and not is_ensemble(self._base_metadata))

    def config_fields(self) -> dict:
        """TrainConfig.arch and .base for the choice: a fine-tuned model keeps its own architecture."""
        kind = self.kind()
        base_arch = (self._base_metadata.architecture if self._base_metadata else "") or "airbench"
        fine_tuned_arch = next((a for a in ("vgg16", "efficientnet-lite0") if base_arch.startswith(a)), "airbench")
        arch = {
            BASE_FINE_TUNE: fine_tuned_arch,
            BASE_AIRBENCH: "airbench",
            BASE_VGG16: "vgg16",
            BASE_LITE0: "efficientnet-lite0",
        }[kind]
        return {"arch": arch, "base": self._base_path if kind == BASE_FINE_TUNE else None}

    def show_config(self, cfg: TrainConfig) -> None:
        """Choose what `cfg` starts from (a resumed run's)."""
        if cfg.base:
            self.set_base(cfg.base)
            self.set_kind(BASE_FINE_TUNE)
        else:
            self.set_kind({"vgg16": BASE_VGG16, "efficientnet-lite0": BASE_LITE0}.get(cfg.arch, BASE_AIRBENCH))

    def set_editable(self, editable: bool) -> None:
        for button in (self.fine_tune_radio, self.lite0_radio, self.airbench_radio, self.vgg_radio):
            button.setEnabled(editable)
        if editable and (self._base_path is None or is_ensemble(self._base_metadata)):
            self.fine_tune_radio.setEnabled(False)

    @Slot(object, bool)
    def _on_base_group_button_toggled(self, button, checked: bool) -> None:
        if checked:
            self.sig_kind_changed.emit(self.kind())
