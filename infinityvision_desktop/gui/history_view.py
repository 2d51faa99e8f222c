"""The History tab: every image ever classified, from the local history database.

`HistoryView` is the tab: it lays out the filters (gui.history_filters), the actions
(gui.history_toolbar), a message line, the table (gui.history_table) over its model
(gui.history_model) and the two settings (record on/off, forget after N days), and keeps them in
step. It records through a `HistoryWriter` running in its own thread, started with the window's
`start_worker`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QLocale, QTimer, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.core.history import HistoryFilter, HistoryRow, HistoryStore
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.history_filters import HistoryFilterBar
from infinityvision_desktop.gui.history_model import DATABASE_ERRORS, ENTRY_ROLE, HistoryModel
from infinityvision_desktop.gui.history_table import HistoryTable
from infinityvision_desktop.gui.history_toolbar import HistoryToolBar
from infinityvision_desktop.gui.history_writer import HistoryWriter, entries_from_results
from infinityvision_desktop.gui.settings import MAX_HISTORY_DAYS, Settings
from infinityvision_desktop.gui.widgets.message_banner import MessageBanner
from infinityvision_desktop.gui.workers import WorkerHandle

log = logging.getLogger(__name__)

REFRESH_DELAY_MS = 400  # while images are being classified, new entries appear at this pace at most


class HistoryView(QWidget):
    """The History tab. `start()` opens the database in the background; `record()` adds entries."""

    sig_open_requested = Signal(object, object)
    """Show an entry again in the Classify tab: its HistoryRow and stored thumbnail (RGB uint8) or None."""
    sig_store_ready = Signal()
    """The database is open and the first page shown, or it could not be opened (see message_text())."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._recording = settings.history_enabled
        self._writer: HistoryWriter | None = None
        self._writer_handle: WorkerHandle | None = None
        self._opened = False
        self._stale = False  # entries were written while the tab was hidden
        self._open_failed = False
        self._grand_total = 0
        self.model = HistoryModel(self)

        self._create_widgets()
        self._connect_signals()
        self.toolbar.set_total(self._grand_total)

    # ================================================================ construction

    def retranslate_ui(self) -> None:
        """Every text in the current language: at construction and on QEvent.LanguageChange."""
        self.filter_bar.retranslate_ui()
        self.toolbar.retranslate_ui()
        self.banner.retranslate_ui()
        self.table.setAccessibleName(self.tr("History entries"))
        self.record_check.setText(self.tr("Keep a history of classified images"))
        self.forget_label.setText(self.tr("Forget entries older than"))
        self.forget_spin.setSpecialValueText(self.tr("never"))
        self.forget_spin.setSuffix(self.tr(" days"))
        self.forget_spin.setToolTip(self.tr("Applied when InfinityVision starts. The image files are never touched."))
        self.model.retranslate()
        if self._open_failed:
            self.table.empty_text = self.tr("The history is not available.")
        elif not self._opened:
            self.table.empty_text = self.tr("Opening the history…")
        self._on_model_reloaded()  # the count, and the empty table's text once open
        self.table.fit_short_columns()
        self.table.viewport().update()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        elif event.type() == QEvent.Type.PaletteChange:
            scheme = theme.scheme(self.palette())
            self.model.set_scheme(scheme)
            self.count_label.setStyleSheet(f"color: {scheme.muted};")

    def _create_widgets(self) -> None:
        # Two rows, and the actions in a tool bar that folds what does not fit into a » menu: the
        # tab must not make the window wider than the Classify tab needs.
        self.filter_bar = HistoryFilterBar()
        bar, dates = self.filter_bar, self.filter_bar.date_range
        # the filter fields under the names tests have always used
        self.search_edit, self.class_combo, self.model_combo = bar.search_edit, bar.class_combo, bar.model_combo
        self.not_sure_check = bar.not_sure_check
        self.from_check, self.from_edit, self.to_check, self.to_edit = (
            dates.from_check,
            dates.from_edit,
            dates.to_check,
            dates.to_edit,
        )

        self.table = HistoryTable(self.model)
        self.toolbar = HistoryToolBar(self.table)
        actions = self.toolbar
        # the actions under the names tests have always used
        self.open_action, self.reveal_action, self.rename_action = (
            actions.open_action,
            actions.reveal_action,
            actions.rename_action,
        )
        self.delete_action, self.export_action, self.clear_action = (
            actions.delete_action,
            actions.export_action,
            actions.clear_action,
        )
        self.count_label = QLabel()
        self.count_label.setStyleSheet(f"color: {theme.scheme(self.palette()).muted};")
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.toolbar, 1)
        buttons.addWidget(dates)
        buttons.addSpacing(12)
        buttons.addWidget(self.count_label)

        self.banner = MessageBanner("history_banner")

        self.record_check = QCheckBox()
        self.record_check.setChecked(self._recording)
        self.forget_label = QLabel()
        self.forget_spin = QSpinBox()
        self.forget_label.setBuddy(self.forget_spin)  # the label names the box for screen readers
        self.forget_spin.setRange(0, MAX_HISTORY_DAYS)
        self.forget_spin.setValue(self._settings.history_forget_days)
        self.forget_spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        options = QHBoxLayout()
        options.addWidget(self.record_check)
        options.addSpacing(16)
        options.addWidget(self.forget_label)
        options.addWidget(self.forget_spin)
        options.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 6)
        layout.setSpacing(8)
        layout.addWidget(self.filter_bar)
        layout.addLayout(buttons)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addLayout(options)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self.retranslate_ui()

    def _connect_signals(self) -> None:
        self.export_action.triggered.connect(self._on_export_action_triggered)
        self.filter_bar.sig_changed.connect(self._on_filter_bar_changed)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)
        self.record_check.toggled.connect(self._on_record_check_toggled)
        self.forget_spin.valueChanged.connect(self._on_forget_spin_value_changed)
        self.model.sig_reloaded.connect(self._on_model_reloaded)
        self.toolbar.sig_open_requested.connect(self.sig_open_requested)
        self.toolbar.sig_message.connect(self._on_toolbar_message)
        self.toolbar.sig_store_changed.connect(self._on_toolbar_store_changed)

    # ================================================================ the database

    def start(self, start_worker: Callable[..., WorkerHandle], path: str | os.PathLike | None = None) -> None:
        """Open the history in a writer thread started with `start_worker` (MainWindow.start_worker)."""
        if self._writer is not None:
            return
        writer = HistoryWriter(path, forget_after_days=self._settings.history_forget_days)
        writer.sig_opened.connect(self._on_writer_opened)
        writer.sig_open_failed.connect(self._on_writer_open_failed)
        writer.sig_written.connect(self._on_writer_written)
        writer.sig_write_failed.connect(self._on_writer_write_failed)
        writer.sig_exported.connect(self._on_writer_exported)
        writer.sig_export_failed.connect(self._on_writer_export_failed)
        writer.sig_finished.connect(self._on_writer_finished)
        self._writer = writer
        self._writer_handle = start_worker(writer, name="history")

    @property
    def store(self) -> HistoryStore | None:
        return self.model.store()

    @property
    def is_open(self) -> bool:
        return self._opened

    @property
    def is_recording(self) -> bool:
        return self._recording

    def set_store(self, store: HistoryStore) -> None:
        """Show this store (start() does it once the writer has opened the database)."""
        self._opened = True
        self.table.empty_text = ""
        self.filter_bar.set_enabled(True)
        if store.damaged_path is not None:
            self.show_message(
                self.tr(
                    "The history file was damaged and could not be read, so it has been set aside as {0} and a new, "
                    "empty history was started."
                ).format(store.damaged_path.name),
                "warning",
                tooltip=str(store.damaged_path),
            )
        self._refresh_choices()
        self.model.set_store(store)
        self.sig_store_ready.emit()

    def set_busy(self, busy: bool) -> None:
        """The window started or finished classifying: the writer holds entries back meanwhile."""
        if self._writer is not None:
            self._writer.set_busy(busy)

    def record(self, rows: Sequence, results: Sequence, *, model_name: str, model_path: str | None) -> int:
        """Queue the answers in `rows` (ResultRows just updated from `results`, a batch of ImageResults)
        for the writer thread; returns how many were queued. Cheap: no disk, no image encoding here."""
        if self._writer is None or not self._recording:
            return 0
        entries = entries_from_results(rows, results, model_name=model_name, model_path=model_path)
        self._writer.record(entries)
        return len(entries)

    @Slot(object)
    def _on_writer_opened(self, store: HistoryStore) -> None:
        self.set_store(store)

    @Slot(str)
    def _on_writer_open_failed(self, reason: str) -> None:
        self._opened = False
        self._open_failed = True
        self.table.empty_text = self.tr("The history is not available.")
        self.show_message(self.tr("The history could not be opened: {0}").format(reason), "error")
        self.table.viewport().update()
        self.sig_store_ready.emit()

    @Slot(int)
    def _on_writer_written(self, count: int) -> None:
        if self.isVisible():
            if not self._refresh_timer.isActive():  # at most one refresh per interval, however many batches
                self._refresh_timer.start()
        else:
            self._stale = True

    @Slot(str)
    def _on_writer_write_failed(self, reason: str) -> None:
        self.show_message(self.tr("Some answers could not be added to the history: {0}").format(reason), "error")

    @Slot(str, int)
    def _on_writer_exported(self, path: str, count: int) -> None:
        self.show_message(self.tr("Exported %n entry(s) to {0}", "", count).format(path), "info")

    @Slot(str, str)
    def _on_writer_export_failed(self, path: str, reason: str) -> None:
        self.show_message(self.tr("Could not export to {0}: {1}").format(path, reason), "error")

    @Slot()
    def _on_writer_finished(self) -> None:
        self._writer = None
        self._writer_handle = None

    @Slot()
    def _on_refresh_timer_timeout(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Query again, keeping the selection and the rows loaded (new entries appear)."""
        self._stale = False
        if self.store is None:
            return
        self._refresh_choices()
        selected = self.table.selected_ids()
        current = self.table.currentIndex()
        current_id = current.data(ENTRY_ROLE).id if current.isValid() else None
        scroll = self.table.verticalScrollBar().value()
        self.model.reload(keep_loaded=True)
        self.table.select_ids(selected, current_id=current_id, scroll=False)
        self.table.verticalScrollBar().setValue(scroll)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._set_tab_warning(False)
        if self._stale:
            self.refresh()

    # ================================================================ filters

    def current_filters(self) -> HistoryFilter:
        return self.filter_bar.filters()

    def apply_filters(self) -> None:
        """Show the entries the filters match now, without waiting for a pause in typing."""
        self.filter_bar.apply()

    @Slot()
    def _on_filter_bar_changed(self) -> None:
        self.model.set_filters(self.filter_bar.filters())

    def _refresh_choices(self) -> None:
        """The class and model lists, from what the history holds; the current choice is kept."""
        store = self.store
        if store is None:
            return
        try:
            labels, models = store.labels(), store.models()
        except DATABASE_ERRORS:
            log.exception("history: reading classes and models failed")
            return
        if self.filter_bar.set_choices(labels, models):  # the chosen class or model is gone from the history
            self.model.set_filters(self.current_filters())

    # ================================================================ what the actions did

    def selected_entries(self) -> list[HistoryRow]:
        return self.table.selected_entries()

    @Slot(str, str)
    def _on_toolbar_message(self, text: str, kind: str) -> None:
        self.show_message(text, kind)

    @Slot()
    def _on_toolbar_store_changed(self) -> None:
        self._refresh_choices()
        self.model.reload(keep_loaded=True)

    @Slot()
    def _on_export_action_triggered(self) -> None:
        start = os.path.join(self._settings.last_folder or os.path.expanduser("~"), "infinityvision-history.csv")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export History"), start, self.tr("CSV files (*.csv)"))
        if not path:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        self.export_csv(path)

    def export_csv(self, path: str | os.PathLike) -> None:
        """Write the entries shown (filters and order as on screen); in the writer thread when there is one."""
        filters = self.model.filters()
        order_by, descending = self.model.order()
        if self._writer is not None:
            self._writer.export(path, filters, order_by=order_by, descending=descending)
            return
        if self.store is None:
            return
        try:
            count = self.store.export_csv(path, filters, order_by=order_by, descending=descending)
        except (OSError, *DATABASE_ERRORS) as exc:
            self._on_writer_export_failed(os.fspath(path), getattr(exc, "strerror", None) or str(exc))
            return
        self._on_writer_exported(os.fspath(path), count)

    # ================================================================ messages and state

    def show_message(self, text: str, kind: str = "info", *, tooltip: str = "") -> None:
        """A line above the table: kind is "info", "warning" or "error"."""
        self.banner.show_message(text, kind, tooltip=tooltip)
        if kind != "info" and not self.isVisible():
            self._set_tab_warning(True)

    def message_text(self) -> str:
        return self.banner.message()

    def _set_tab_warning(self, on: bool) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QTabWidget):
            parent = parent.parentWidget()
        if parent is None:
            return
        index = parent.indexOf(self)
        if index >= 0:
            parent.setTabIcon(
                index, self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning) if on else QIcon()
            )

    @Slot()
    def _on_model_reloaded(self) -> None:
        store = self.store
        filtered = self.model.filters() != HistoryFilter()
        shown = self.model.total_count()
        if store is not None:
            try:
                self._grand_total = store.count() if filtered else shown
            except DATABASE_ERRORS:
                self._grand_total = shown
        if not self._opened:
            text = ""
        elif not filtered:
            text = self.tr("%Ln entry(s)", "", shown)
        else:
            text = self.tr("{0} of %Ln entry(s)", "", self._grand_total).format(QLocale().toString(shown))
        self.count_label.setText(text)
        if self._opened:
            self.table.empty_text = (
                self.tr("No entries match.")
                if filtered and self._grand_total
                else self.tr("Images you classify will be listed here.")
            )
        self.toolbar.set_total(self._grand_total)

    def set_recording(self, enabled: bool) -> None:
        """Record classified images from now on, or not (Preferences change it too)."""
        self.record_check.setChecked(bool(enabled))  # the slot stores it

    def set_forget_days(self, days: int) -> None:
        """Forget entries older than this many days at start-up; 0: never (Preferences change it too)."""
        self.forget_spin.setValue(int(days))

    @Slot(bool)
    def _on_record_check_toggled(self, checked: bool) -> None:
        self._recording = checked
        self._settings.history_enabled = checked

    @Slot(int)
    def _on_forget_spin_value_changed(self, days: int) -> None:
        self._settings.history_forget_days = days
