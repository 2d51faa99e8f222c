"""Edit > Preferences…: language, theme, the "not sure" threshold and the History options.

The dialog only reads and writes Settings; OK and Apply emit `sig_applied`, and the main window
brings the app in line (`MainWindow.apply_settings()`): the language and the theme switch at
once, without a restart, and this dialog retranslates itself with the rest.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.gui import i18n
from infinityvision_desktop.gui.settings import MAX_HISTORY_DAYS, MAX_THRESHOLD, MIN_THRESHOLD, SYSTEM, Settings

DEFAULT_THRESHOLD_PERCENT = 50


class PreferencesDialog(QDialog):
    """The app's settings in one dialog. Call `load()` before showing it; keep a reference."""

    sig_applied = Signal()
    """OK or Apply was pressed: the settings hold the dialog's values now."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._model_threshold: float | None = None
        self._create_widgets()
        self._connect_signals()
        self.retranslate_ui()
        self.load()

    # ================================================================ construction

    def _create_widgets(self) -> None:
        self.appearance_box = QGroupBox(self)
        self.language_combo = QComboBox(self.appearance_box)
        self.theme_combo = QComboBox(self.appearance_box)
        for value in (SYSTEM, "light", "dark"):
            self.theme_combo.addItem("", value)  # texts: retranslate_ui()
        appearance = QFormLayout(self.appearance_box)
        self.language_label = QLabel(self.appearance_box)
        self.theme_label = QLabel(self.appearance_box)
        self.language_label.setBuddy(self.language_combo)
        self.theme_label.setBuddy(self.theme_combo)
        appearance.addRow(self.language_label, self.language_combo)
        appearance.addRow(self.theme_label, self.theme_combo)

        self.answers_box = QGroupBox(self)
        self.threshold_check = QCheckBox(self.answers_box)
        self.threshold_spin = QSpinBox(self.answers_box)
        self.threshold_spin.setRange(round(MIN_THRESHOLD * 100), round(MAX_THRESHOLD * 100))
        self.threshold_note = QLabel(self.answers_box)
        self.threshold_note.setWordWrap(True)
        self.threshold_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, in light and dark
        threshold_row = QHBoxLayout()
        threshold_row.addWidget(self.threshold_check)
        threshold_row.addWidget(self.threshold_spin)
        threshold_row.addStretch(1)
        answers = QVBoxLayout(self.answers_box)
        answers.addLayout(threshold_row)
        answers.addWidget(self.threshold_note)

        self.history_box = QGroupBox(self)
        self.record_check = QCheckBox(self.history_box)
        self.forget_label = QLabel(self.history_box)
        self.forget_spin = QSpinBox(self.history_box)
        self.forget_spin.setRange(0, MAX_HISTORY_DAYS)
        self.forget_label.setBuddy(self.forget_spin)
        forget_row = QHBoxLayout()
        forget_row.addWidget(self.forget_label)
        forget_row.addWidget(self.forget_spin)
        forget_row.addStretch(1)
        history = QVBoxLayout(self.history_box)
        history.addWidget(self.record_check)
        history.addLayout(forget_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply,
            self,
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.appearance_box)
        layout.addWidget(self.answers_box)
        layout.addWidget(self.history_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self._on_apply_button_clicked)
        self.threshold_check.toggled.connect(self._on_threshold_check_toggled)

    def retranslate_ui(self) -> None:
        """Every text in the current language: at construction and on QEvent.LanguageChange."""
        self.setWindowTitle(self.tr("Preferences"))
        self.appearance_box.setTitle(self.tr("Appearance"))
        self.language_label.setText(self.tr("&Language:"))
        self.language_combo.setAccessibleName(self.tr("Language"))
        self.language_combo.setToolTip(self.tr("The language of the interface; it changes at once"))
        chosen = self.language_combo.currentData()
        self.language_combo.clear()
        for value, text in i18n.language_choices():
            self.language_combo.addItem(text, value)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(chosen)))
        self.theme_label.setText(self.tr("&Theme:"))
        self.theme_combo.setAccessibleName(self.tr("Theme"))
        self.theme_combo.setToolTip(self.tr("Light or dark windows and charts, or as the desktop is set"))
        for index, text in enumerate((self.tr("System"), self.tr("Light"), self.tr("Dark"))):
            self.theme_combo.setItemText(index, text)
        self.answers_box.setTitle(self.tr("Answers"))
        self.threshold_check.setText(self.tr('Call an answer "not sure" below'))
        self.threshold_spin.setSuffix(self.tr(" %"))
        self.threshold_spin.setAccessibleName(self.tr('"Not sure" threshold'))
        self.threshold_spin.setToolTip(self.tr('Answers less confident than this are shown as "not sure"'))
        self._update_threshold_note()
        self.history_box.setTitle(self.tr("History"))
        self.record_check.setText(self.tr("Keep a history of classified images"))
        self.forget_label.setText(self.tr("&Forget entries older than"))
        self.forget_spin.setSpecialValueText(self.tr("never"))
        self.forget_spin.setSuffix(self.tr(" days"))
        self.forget_spin.setToolTip(self.tr("Applied when InfinityVision starts. The image files are never touched."))
        self.adjustSize()  # another language, other text widths

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()

    # ================================================================ public API

    def load(self, *, model_threshold: float | None = None) -> None:
        """Show the stored settings; `model_threshold` is the active model's own "not sure" threshold."""
        settings = self._settings
        self._model_threshold = model_threshold
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(settings.language)))
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(settings.theme)))
        override = settings.not_sure_threshold
        shown = override if override is not None else model_threshold
        self.threshold_spin.setValue(round(shown * 100) if shown is not None else DEFAULT_THRESHOLD_PERCENT)
        self.threshold_check.setChecked(override is not None)
        self.threshold_spin.setEnabled(override is not None)
        self.record_check.setChecked(settings.history_enabled)
        self.forget_spin.setValue(settings.history_forget_days)
        self._update_threshold_note()

    def apply(self) -> None:
        """Store the dialog's values and tell the window (sig_applied)."""
        settings = self._settings
        settings.language = self.language_combo.currentData()
        settings.theme = self.theme_combo.currentData()
        settings.not_sure_threshold = self.threshold_spin.value() / 100 if self.threshold_check.isChecked() else None
        settings.history_enabled = self.record_check.isChecked()
        settings.history_forget_days = self.forget_spin.value()
        settings.sync()
        self.sig_applied.emit()

    # ================================================================ slots

    @Slot()
    def _on_buttons_accepted(self) -> None:
        self.apply()
        self.accept()

    @Slot()
    def _on_apply_button_clicked(self) -> None:
        self.apply()

    @Slot(bool)
    def _on_threshold_check_toggled(self, checked: bool) -> None:
        self.threshold_spin.setEnabled(checked)
        self._update_threshold_note()

    def _update_threshold_note(self) -> None:
        if self._model_threshold is None:
            own = self.tr("No model is loaded: each model brings its own threshold, set when it was calibrated.")
        else:
            own = self.tr("The active model's own threshold, set when it was calibrated: {0}%.").format(
                round(self._model_threshold * 100)
            )
        if not self.threshold_check.isChecked():
            own += " " + self.tr("It is used while this box is not ticked.")
        self.threshold_note.setText(own)
