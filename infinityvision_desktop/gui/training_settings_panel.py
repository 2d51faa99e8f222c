"""The training dialog's settings under "Advanced": epochs, batch size, learning rates, augmentation,
early stopping, the validation share and mixed precision, with the defaults of the starting point
(core.training_config.preset, which `infinityvision train` uses too)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.core.training_config import TrainConfig, preset
from infinityvision_desktop.gui.training_start_panel import BASE_AIRBENCH, BASE_FINE_TUNE, BASE_LITE0


class TrainingSettingsPanel(QWidget):
    """A collapsible form of the hyper-parameters, by their TrainConfig names. Choosing another
    starting point applies its preset unless the user has changed the fields. The dialog calls
    `retranslate_ui()`."""

    sig_plan_changed = Signal()
    """The epochs of a stage changed: the run's plan is another one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._applied_defaults: dict | None = None
        self._kind = BASE_AIRBENCH
        self.advanced_button = QToolButton(self)
        self.advanced_button.setCheckable(True)
        self.advanced_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_button.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_button.setAutoRaise(True)
        self.advanced_widget = QWidget(self)
        self._create_fields(self.advanced_widget)
        self.advanced_widget.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.advanced_button)
        layout.addWidget(self.advanced_widget)

        self.advanced_button.toggled.connect(self._on_advanced_button_toggled)
        self.head_epochs_spin.valueChanged.connect(self._on_epochs_changed)
        self.epochs_spin.valueChanged.connect(self._on_epochs_changed)
        self.retranslate_ui()

    def _create_fields(self, container: QWidget) -> None:
        def spin(minimum: int, maximum: int, step: int = 1, suffix: str = "") -> QSpinBox:
            box = QSpinBox(container)
            box.setRange(minimum, maximum)
            box.setSingleStep(step)
            if suffix:
                box.setSuffix(suffix)
            return box

        def real(minimum: float, maximum: float, decimals: int, step: float) -> QDoubleSpinBox:
            box = QDoubleSpinBox(container)
            box.setRange(minimum, maximum)
            box.setDecimals(decimals)
            box.setSingleStep(step)
            return box

        self.head_epochs_spin = spin(0, 100)
        self.epochs_spin = spin(1, 500)
        self.batch_size_spin = spin(8, 2048, 8)
        self.head_lr_spin = real(1e-5, 1.0, 5, 1e-4)
        self.lr_spin = real(1e-4, 10.0, 4, 0.01)
        self.unfreeze_spin = spin(0, 5)
        self.input_size_spin = spin(32, 224, 16)
        self.flip_check = QCheckBox(container)
        self.translate_spin = spin(0, 16, 1)
        self.cutout_spin = spin(0, 24, 1)
        self.smoothing_spin = real(0.0, 0.5, 2, 0.05)
        self.patience_spin = spin(0, 100)
        self.val_share_spin = spin(0, 50, 1)
        self.precision_combo = QComboBox(container)
        self.precision_combo.addItem("", None)  # Auto, On, Off: texts set by retranslate_ui()
        self.precision_combo.addItem("", True)
        self.precision_combo.addItem("", False)

        self.advanced_form = form = QFormLayout(container)
        form.setContentsMargins(12, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a long caption goes above its field
        self.epochs_caption = QLabel(container)
        # each row's caption is a QLabel whose buddy is the field: screen readers name the field by it
        for field in (
            self.head_epochs_spin,
            self.epochs_spin,
            self.batch_size_spin,
            self.head_lr_spin,
            self.lr_spin,
            self.unfreeze_spin,
            self.input_size_spin,
            self.flip_check,
            self.translate_spin,
            self.cutout_spin,
            self.smoothing_spin,
            self.patience_spin,
            self.val_share_spin,
            self.precision_combo,
        ):
            caption = self.epochs_caption if field is self.epochs_spin else QLabel(container)
            caption.setBuddy(field)
            form.addRow(caption, field)

    def retranslate_ui(self) -> None:
        self.advanced_button.setText(self.tr("Advanced: training settings"))
        for spin in (self.input_size_spin, self.translate_spin, self.cutout_spin):
            spin.setSuffix(self.tr(" px"))
        self.val_share_spin.setSuffix(self.tr(" %"))
        self.patience_spin.setSpecialValueText(self.tr("off"))
        self.flip_check.setText(self.tr("Random left-right flips"))
        self.precision_combo.setItemText(0, self.tr("Auto"))
        self.precision_combo.setItemText(1, self.tr("On (bfloat16)"))
        self.precision_combo.setItemText(2, self.tr("Off (float32)"))
        self.precision_combo.setToolTip(
            self.tr(
                "bfloat16 trains faster where the CPU computes it natively "
                "(AVX-512 BF16 or AMX); Auto uses it only there"
            )
        )
        self.head_epochs_spin.setToolTip(self.tr("Stage 1: only the new output layer learns; the base stays frozen"))
        self.epochs_spin.setToolTip(self.tr("Stage 2 when fine-tuning (the top blocks learn too), or the whole run"))
        self.unfreeze_spin.setToolTip(self.tr("How many of the top blocks learn in stage 2"))
        self.translate_spin.setToolTip(self.tr("Random shifts of up to this many pixels"))
        self.cutout_spin.setToolTip(self.tr("Blank out a random square of this size (0: off)"))
        self.patience_spin.setToolTip(self.tr("Stop when validation accuracy has not improved for this many epochs"))
        self.val_share_spin.setToolTip(
            self.tr("Share of the training images held out to pick the best epoch and calibrate")
        )
        captions = {
            self.head_epochs_spin: self.tr("Head epochs (stage 1):"),
            self.batch_size_spin: self.tr("Batch size:"),
            self.head_lr_spin: self.tr("Head learning rate (Adam):"),
            self.lr_spin: self.tr("Learning rate (SGD, peak):"),
            self.unfreeze_spin: self.tr("Blocks to unfreeze:"),
            self.input_size_spin: self.tr("Input size:"),
            self.flip_check: self.tr("Augmentation:"),
            self.translate_spin: self.tr("Translate:"),
            self.cutout_spin: self.tr("Cutout:"),
            self.smoothing_spin: self.tr("Label smoothing:"),
            self.patience_spin: self.tr("Early-stopping patience:"),
            self.val_share_spin: self.tr("Validation share:"),
            self.precision_combo: self.tr("Mixed precision:"),
        }
        for field, caption in captions.items():
            self.advanced_form.labelForField(field).setText(caption)
        self.show_kind(self._kind)  # the epochs caption

    # --- the values ---

    def set_hyper_parameters(self, **values) -> None:
        """Set fields by their TrainConfig names (epochs=2, batch_size=16, mixed_precision=False, ...)."""
        setters = {
            "head_epochs": self.head_epochs_spin.setValue,
            "epochs": self.epochs_spin.setValue,
            "batch_size": self.batch_size_spin.setValue,
            "head_learning_rate": self.head_lr_spin.setValue,
            "learning_rate": self.lr_spin.setValue,
            "unfreeze_blocks": self.unfreeze_spin.setValue,
            "input_size": lambda v: self.input_size_spin.setValue(int(v or 32)),
            "flip": self.flip_check.setChecked,
            "translate": self.translate_spin.setValue,
            "cutout": self.cutout_spin.setValue,
            "label_smoothing": self.smoothing_spin.setValue,
            "patience": self.patience_spin.setValue,
            "val_share": lambda v: self.val_share_spin.setValue(round(float(v) * 100)),
            "mixed_precision": lambda v: self.precision_combo.setCurrentIndex(self.precision_combo.findData(v)),
        }
        for key, value in values.items():
            if key not in setters:
                raise KeyError(f"not a hyper-parameter of the dialog: {key}")
            setters[key](value)

    def hyper_values(self) -> dict:
        """The fields by their TrainConfig names."""
        return {
            "head_epochs": self.head_epochs_spin.value(),
            "epochs": self.epochs_spin.value(),
            "batch_size": self.batch_size_spin.value(),
            "head_learning_rate": self.head_lr_spin.value(),
            "learning_rate": self.lr_spin.value(),
            "unfreeze_blocks": self.unfreeze_spin.value(),
            "input_size": self.input_size_spin.value(),
            "flip": self.flip_check.isChecked(),
            "translate": self.translate_spin.value(),
            "cutout": self.cutout_spin.value(),
            "label_smoothing": round(self.smoothing_spin.value(), 4),
            "patience": self.patience_spin.value(),
            "val_share": self.val_share_spin.value() / 100,
            "mixed_precision": self.precision_combo.currentData(),
        }

    def config_fields(self, kind: str) -> dict:
        """The TrainConfig fields for starting point `kind`: the form's, and the preset's for the
        ones it does not show. A fine-tuned model keeps its input size, a network trained from
        scratch has no head stage."""
        defaults = preset(kind)
        fields = {**defaults, **self.hyper_values()}
        if kind == BASE_FINE_TUNE:
            fields["input_size"] = None
        if kind == BASE_AIRBENCH:
            fields["head_epochs"] = 0
        if kind == BASE_LITE0:  # a size chosen above the backbone's reaches it as it is, not scaled down
            fields["backbone_size"] = max(fields["input_size"], defaults["backbone_size"])
        return fields

    def show_config(self, cfg: TrainConfig) -> None:
        """Fill the fields from `cfg` (a resumed run's)."""
        self.set_hyper_parameters(
            head_epochs=cfg.head_epochs,
            epochs=cfg.epochs,
            batch_size=cfg.batch_size,
            head_learning_rate=cfg.head_learning_rate,
            learning_rate=cfg.learning_rate,
            unfreeze_blocks=cfg.unfreeze_blocks,
            input_size=cfg.input_size or 32,
            flip=cfg.flip,
            translate=cfg.translate,
            cutout=cfg.cutout,
            label_smoothing=cfg.label_smoothing,
            patience=cfg.patience,
            val_share=cfg.val_share,
            mixed_precision=cfg.mixed_precision,
        )

    def held_out_percent(self) -> int:
        """The validation share in percent, as the user set it."""
        return self.val_share_spin.value()

    def is_untouched(self) -> bool:
        """True while the fields hold the defaults last applied (the user has changed nothing)."""
        return self._applied_defaults is None or self.hyper_values() == self._applied_defaults

    def apply_defaults(self, kind: str, *, force: bool = False) -> None:
        """Switch the settings to `kind`'s defaults unless the user has changed them."""
        if not force and not self.is_untouched():
            return
        shown = self.hyper_values()
        defaults = {name: value for name, value in preset(kind).items() if name in shown}
        defaults["mixed_precision"] = self.precision_combo.currentData()
        self.set_hyper_parameters(**defaults)
        self._applied_defaults = self.hyper_values()

    def show_kind(self, kind: str) -> None:
        """Enable the fields that apply to starting point `kind`."""
        self._kind = kind
        fine_tuning = kind != BASE_AIRBENCH
        self.head_epochs_spin.setEnabled(fine_tuning)
        self.unfreeze_spin.setEnabled(fine_tuning)
        self.head_lr_spin.setEnabled(fine_tuning)
        self.input_size_spin.setEnabled(kind != BASE_FINE_TUNE)
        self.epochs_caption.setText(self.tr("Fine-tune epochs (stage 2):") if fine_tuning else self.tr("Epochs:"))

    def set_editable(self, editable: bool) -> None:
        self.advanced_widget.setEnabled(editable)

    @Slot(bool)
    def _on_advanced_button_toggled(self, expanded: bool) -> None:
        self.advanced_widget.setVisible(expanded)
        self.advanced_button.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)

    @Slot()
    def _on_epochs_changed(self) -> None:
        self.sig_plan_changed.emit()
