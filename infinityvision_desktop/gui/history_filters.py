"""The History tab's filter fields: a search of file names, one class, one model, "not sure" answers
only, and a date range; together they make the core.history.HistoryFilter the table shows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QDate, QLocale, QTimer, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QWidget

from infinityvision_desktop.core.history import HistoryFilter
from infinityvision_desktop.gui.i18n import class_name

SEARCH_DELAY_MS = 150  # typing "cat" queries once, not three times


class HistoryFilterBar(QWidget):
    """Search, class, model and "not sure" in a row; its `date_range` is laid out by the tab, on the
    row below. Disabled until the history is open. The tab calls `retranslate_ui()`."""

    sig_changed = Signal()
    """The filters changed (a search once typing pauses): `filters()` is what to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(120)
        self.class_combo = QComboBox()
        self.class_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_combo = QComboBox()
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.class_combo.addItem("", None)  # "All classes": its text is set by retranslate_ui()
        self.model_combo.addItem("", None)
        self.not_sure_check = QCheckBox()
        self.date_range = DateRangeFilter()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.search_edit, 1)
        layout.addWidget(self.class_combo)
        layout.addWidget(self.model_combo)
        layout.addWidget(self.not_sure_check)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self._search_timer.timeout.connect(self.apply)
        self.class_combo.currentIndexChanged.connect(self.apply)
        self.model_combo.currentIndexChanged.connect(self.apply)
        self.not_sure_check.toggled.connect(self.apply)
        self.date_range.sig_changed.connect(self.apply)
        self.set_enabled(False)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.search_edit.setPlaceholderText(self.tr("Search file names"))
        self.search_edit.setAccessibleName(self.tr("Search file names"))
        self.class_combo.setToolTip(self.tr("Show one class only"))
        self.class_combo.setAccessibleName(self.tr("Class"))
        self.model_combo.setToolTip(self.tr("Show one model's answers only"))
        self.model_combo.setAccessibleName(self.tr("Model"))
        self.class_combo.setItemText(0, self.tr("All classes"))
        self.model_combo.setItemText(0, self.tr("All models"))
        for combo in (self.class_combo, self.model_combo):
            for index in range(1, combo.count()):
                combo.setItemText(index, self._choice_text(combo, combo.itemData(index)))
        self.not_sure_check.setText(self.tr("Not sure only"))
        self.date_range.retranslate_ui()

    def filters(self) -> HistoryFilter:
        since, until = self.date_range.span()
        return HistoryFilter(
            text=self.search_edit.text().strip() or None,
            label=self.class_combo.currentData(),
            model=self.model_combo.currentData(),
            not_sure=True if self.not_sure_check.isChecked() else None,
            since=since,
            until=until,
        )

    @Slot()
    def apply(self) -> None:
        """Announce the filters now (a search still waiting for a pause in typing included)."""
        self._search_timer.stop()
        self.sig_changed.emit()

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.search_edit, self.class_combo, self.model_combo, self.not_sure_check):
            widget.setEnabled(enabled)
        self.date_range.set_enabled(enabled)

    def set_choices(self, labels: Sequence[str], models: Sequence[str]) -> bool:
        """The classes and models the history holds, offered in the lists; the current choice is kept.
        Returns True when the chosen class or model is no longer there (the filters changed)."""
        vanished = False
        for combo, values, every in (
            (self.class_combo, labels, self.tr("All classes")),
            (self.model_combo, models, self.tr("All models")),
        ):
            chosen = combo.currentData()
            if [combo.itemData(i) for i in range(1, combo.count())] == list(values):
                continue
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(every, None)
            for value in values:
                combo.addItem(self._choice_text(combo, value), value)
            position = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(position, 0))
            combo.blockSignals(False)
            vanished = vanished or (chosen is not None and position < 0)
        return vanished

    def _choice_text(self, combo: QComboBox, value: str | None) -> str:
        """A class (translated for display; filtering keeps the stored label) or a model name."""
        if not value:
            return self.tr("(unnamed)")
        return class_name(value) if combo is self.class_combo else value

    @Slot(str)
    def _on_search_edit_text_changed(self, text: str) -> None:
        self._search_timer.start()  # restarted by each key: one query once typing pauses


class DateRangeFilter(QWidget):
    """From and to dates, each with a check box that turns it on; the "to" day counts whole."""

    sig_changed = Signal()
    """A date or its check box changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        today = QDate.currentDate()
        self.from_check = QCheckBox()
        self.from_edit = self._date_edit(today.addDays(-7))
        self.to_check = QCheckBox()
        self.to_edit = self._date_edit(today)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for widget in (self.from_check, self.from_edit, self.to_check, self.to_edit):
            layout.addWidget(widget)
        self.from_check.toggled.connect(self._on_date_check_toggled)
        self.to_check.toggled.connect(self._on_date_check_toggled)
        self.from_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self.to_edit.dateChanged.connect(self._on_date_edit_date_changed)

    @staticmethod
    def _date_edit(date: QDate) -> QDateEdit:
        edit = QDateEdit(date)
        edit.setCalendarPopup(True)
        edit.setEnabled(False)
        return edit

    def retranslate_ui(self) -> None:
        self.from_check.setText(self.tr("From"))
        self.from_edit.setAccessibleName(self.tr("From date"))
        self.to_check.setText(self.tr("to"))
        self.to_edit.setAccessibleName(self.tr("To date"))
        date_format = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
        for edit in (self.from_edit, self.to_edit):
            edit.setLocale(QLocale())
            edit.setDisplayFormat(date_format)

    def span(self) -> tuple[datetime | None, datetime | None]:
        """The start of the "from" day and of the day after "to", as aware datetimes; None when off."""
        since = _local_midnight(self.from_edit.date()) if self.from_check.isChecked() else None
        until = _local_midnight(self.to_edit.date().addDays(1)) if self.to_check.isChecked() else None
        return since, until

    def set_enabled(self, enabled: bool) -> None:
        self.from_check.setEnabled(enabled)
        self.to_check.setEnabled(enabled)
        self.from_edit.setEnabled(enabled and self.from_check.isChecked())
        self.to_edit.setEnabled(enabled and self.to_check.isChecked())

    @Slot(QDate)
    def _on_date_edit_date_changed(self, date: QDate) -> None:
        self.sig_changed.emit()

    @Slot(bool)
    def _on_date_check_toggled(self, checked: bool) -> None:
        self.from_edit.setEnabled(self.from_check.isChecked())
        self.to_edit.setEnabled(self.to_check.isChecked())
        self.sig_changed.emit()


def _local_midnight(date: QDate) -> datetime:
    """The start of a local calendar day, as an aware datetime (the store compares in UTC)."""
    return datetime(date.year(), date.month(), date.day()).astimezone()
