"""The "Model" tab: how the active model learned, how it scores, what it is made of, and how it
compares with the other models the app knows.

Everything shown comes from values: the model's ModelMetadata (history, stages, evaluation),
a ModelSummary computed where the model lives (the inference worker's thread), and the
(name, test accuracy) pairs of the known models. Nothing here imports TensorFlow.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.core.evaluation import Evaluation
from infinityvision_desktop.core.modelfile import ModelMetadata
from infinityvision_desktop.core.summary import ModelSummary
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.i18n import decimal, file_size, number, percent
from infinityvision_desktop.gui.model_tables import LayerTableModel, ReportTableModel, report_table, title_label
from infinityvision_desktop.gui.widgets.evaluation_charts import ComparisonChart, ConfusionMatrixChart
from infinityvision_desktop.gui.widgets.training_charts import TrainingCurves

# ================================================================ the view


class ModelView(QWidget):
    """The active model's curves, confusion matrix, per-class report, summary and comparison.

    `follow(session)` shows the session's active model as it changes (or call `set_model` and
    `set_summary` directly); `set_known_models()` whenever the list of models changes.
    """

    sig_report_copied = Signal(str)
    """The report was put on the clipboard: "text" or "csv"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._metadata: ModelMetadata | None = None
        self._path: str | None = None
        self._summary: ModelSummary | None = None
        self._evaluation: Evaluation | None = None
        self._known_models: list[tuple[str, float | None]] = []
        self._known_active: str | None = None
        self._scheme = theme.scheme(self.palette())
        self._evaluation_error = False
        self._create_widgets()
        self._connect_signals()
        self.retranslate_ui()

    # ================================================================ construction

    def _create_widgets(self) -> None:
        self.title_label = title_label(self)
        self.details_label = QLabel(self)
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label.setStyleSheet(f"color: {self._scheme.muted};")

        # --- training ---
        self.training_box = training_box = QGroupBox(self)
        self.curves = TrainingCurves(training_box)
        self.curves.setMinimumHeight(280)
        QVBoxLayout(training_box).addWidget(self.curves)

        # --- evaluation ---
        self.evaluation_box = evaluation_box = QGroupBox(self)
        self.evaluation_label = QLabel(evaluation_box)
        self.evaluation_label.setWordWrap(True)
        self.confusion = ConfusionMatrixChart(evaluation_box)
        self.confusion.setMinimumSize(400, 380)
        self.report_model = ReportTableModel(self)
        self.report_table = report_table(self.report_model, evaluation_box)
        self.report_table.setMinimumWidth(360)
        self.copy_text_button = QPushButton(evaluation_box)
        self.copy_csv_button = QPushButton(evaluation_box)
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_text_button)
        copy_row.addWidget(self.copy_csv_button)
        report_column = QVBoxLayout()
        report_column.addWidget(self.report_table)
        report_column.addLayout(copy_row)
        report_column.addStretch(1)
        evaluation_grid = QGridLayout(evaluation_box)
        evaluation_grid.addWidget(self.evaluation_label, 0, 0, 1, 2)
        evaluation_grid.addWidget(self.confusion, 1, 0)
        evaluation_grid.addLayout(report_column, 1, 1)
        evaluation_grid.setColumnStretch(0, 3)
        evaluation_grid.setColumnStretch(1, 2)

        # --- summary (layers once the ModelSummary is known) ---
        self.summary_box = summary_box = QGroupBox(self)
        self.summary_label = QLabel(summary_box)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layer_model = LayerTableModel(self)
        self.layer_table = QTableView(summary_box)
        self.layer_table.setModel(self.layer_model)
        self.layer_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.layer_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.layer_table.setAlternatingRowColors(True)
        self.layer_table.verticalHeader().hide()
        self.layer_table.verticalHeader().setDefaultSectionSize(20)
        self.layer_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.layer_table.horizontalHeader().setStretchLastSection(True)
        self.layer_table.setMinimumHeight(220)
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.summary_label, 0, Qt.AlignmentFlag.AlignTop)
        summary_layout.addWidget(self.layer_table, 1)

        # --- comparison ---
        self.comparison_box = comparison_box = QGroupBox(self)
        self.comparison = ComparisonChart(comparison_box)
        self.comparison.setMinimumHeight(200)
        QVBoxLayout(comparison_box).addWidget(self.comparison)

        content = QWidget(self)
        grid = QGridLayout(content)
        grid.addWidget(self.title_label, 0, 0, 1, 2)
        grid.addWidget(self.details_label, 1, 0, 1, 2)
        grid.addWidget(training_box, 2, 0, 1, 2)
        grid.addWidget(evaluation_box, 3, 0, 1, 2)
        grid.addWidget(summary_box, 4, 0)
        grid.addWidget(comparison_box, 4, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(5, 1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def _connect_signals(self) -> None:
        self.copy_text_button.clicked.connect(self._on_copy_text_button_clicked)
        self.copy_csv_button.clicked.connect(self._on_copy_csv_button_clicked)

    def retranslate_ui(self) -> None:
        """Every text in the current language: at construction and on QEvent.LanguageChange."""
        self.training_box.setTitle(self.tr("Training"))
        self.evaluation_box.setTitle(self.tr("Evaluation"))
        self.summary_box.setTitle(self.tr("Architecture"))
        self.comparison_box.setTitle(self.tr("Comparison of models"))
        self.copy_text_button.setText(self.tr("Copy as Text"))
        self.copy_text_button.setToolTip(self.tr("Copy the per-class report as plain text (class names in English)"))
        self.copy_csv_button.setText(self.tr("Copy as CSV"))
        self.copy_csv_button.setToolTip(self.tr("Copy the per-class report as CSV (class names in English)"))
        self.report_table.setAccessibleName(self.tr("Per-class report"))
        self.layer_table.setAccessibleName(self.tr("Layers"))
        self.scroll_area.setAccessibleName(self.tr("Model"))
        self.report_model.retranslate()
        self.layer_model.retranslate()
        if self._metadata is not None:  # the texts made from the model, in the new language
            self.set_model(self._metadata, self._path, self._summary)
        else:
            self.clear()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        elif event.type() == QEvent.Type.PaletteChange:
            scheme = theme.scheme(self.palette())
            if scheme != self._scheme:
                self._scheme = scheme
                self.details_label.setStyleSheet(f"color: {scheme.muted};")
                self._style_evaluation_label()

    # ================================================================ public API

    def follow(self, session) -> None:
        """Show the active model of `session` (gui.session.ClassifySession), now and as it changes."""
        session.sig_model_ready.connect(self._on_session_model_ready)
        session.sig_model_summary.connect(self._on_session_model_summary)
        self._session = session

    @Slot(str, object)
    def _on_session_model_ready(self, path: str, metadata) -> None:
        self.set_model(metadata, path, self._session.summary)

    @Slot(str, object)
    def _on_session_model_summary(self, path: str, summary) -> None:
        self.set_summary(summary)

    def set_model(
        self, metadata: ModelMetadata, path: str | os.PathLike | None, summary: ModelSummary | None = None
    ) -> None:
        """Show a model: its metadata, file path and (if known yet) its ModelSummary."""
        self._metadata = metadata
        self._path = os.fspath(path) if path is not None else None
        self._summary = summary
        self.title_label.setText(self.model_name())
        self.details_label.setText(self._details_text())
        self._show_history()
        self._show_evaluation()
        self._show_summary()
        self._show_comparison()

    def set_summary(self, summary: ModelSummary | None) -> None:
        """The summary of the model shown (computed in the inference worker, after set_model)."""
        self._summary = summary
        self.details_label.setText(self._details_text())
        self._show_summary()

    def set_known_models(self, models: Sequence[tuple[str, float | None]], active: str | None = None) -> None:
        """Every model the app knows, as (name, test accuracy or None); `active` defaults to the
        shown model's name."""
        self._known_models = [(str(name), accuracy) for name, accuracy in models]
        self._known_active = active
        self._show_comparison()

    def clear(self) -> None:
        """No model: every section says so."""
        self._metadata = None
        self._path = None
        self._summary = None
        self._evaluation = None
        self.title_label.setText(self.tr("No model"))
        self.details_label.setText(self.tr("Open a model or train one to see how it learned and how it scores."))
        self.curves.show_message(self.tr("No model is active."))
        self.confusion.show_message(self.tr("No model is active."))
        self.evaluation_label.clear()
        self.report_model.set_evaluation(None)
        self._set_copy_enabled(False)
        self.summary_label.clear()
        self.layer_model.set_summary(None)
        self._show_comparison()

    def model_name(self) -> str:
        if self._metadata is None:
            return ""
        return self._metadata.name or (Path(self._path).stem if self._path else self.tr("Unnamed model"))

    def evaluation(self) -> Evaluation | None:
        """The evaluation shown (test split, else validation), or None."""
        return self._evaluation

    # ================================================================ sections

    def _details_text(self) -> str:
        meta = self._metadata
        if meta is None:
            return ""
        parts = []
        if meta.architecture:
            parts.append(meta.architecture)
        parts.append(self.tr("%n class(es)", "", len(meta.labels)))
        parts.append(self.tr("input {0}×{1}").format(*meta.input_size))
        size = self._summary.file_bytes if self._summary is not None else _file_size(self._path)
        if size is not None:
            parts.append(file_size(size))
        if meta.test_accuracy is not None:
            parts.append(self.tr("test accuracy {0}").format(percent(meta.test_accuracy)))
        provenance = meta.provenance or {}
        if provenance.get("created"):
            parts.append(self.tr("trained {0}").format(str(provenance["created"])[:16].replace("T", " ")))
        if provenance.get("data"):
            parts.append(self.tr("on {0}").format(Path(str(provenance["data"])).name))
        text = " · ".join(parts)
        if self._path:
            text += "\n" + self._path
        return text

    def _show_history(self) -> None:
        meta = self._metadata
        members = (meta.provenance or {}).get("ensemble")
        members = [m for m in members if isinstance(m, dict)] if isinstance(members, list) else []
        if not meta.history and members:
            # a combined model (infinityvision combine) was not trained as a whole: say what it holds
            lines = [self.tr("This model combines networks trained separately; it has no curves of its own:")]
            for member in members:
                # provenance is free-form JSON from a file: a dash for what is not a number
                accuracy, weight = member.get("test_accuracy"), member.get("weight")
                lines.append(
                    self.tr("{0}: test accuracy {1}, weight {2}").format(
                        str(member.get("architecture") or member.get("name") or "?"),
                        percent(accuracy) if _is_number(accuracy) else "–",
                        decimal(weight, 2) if _is_number(weight) else "–",
                    )
                )
            if meta.cascade:
                lines.append(
                    self.tr("Where the first is at least {0} sure, it answers alone and the second is not run.").format(
                        percent(meta.cascade["above"])
                    )
                )
            if meta.open_set:
                lines.append(
                    self.tr(
                        "Photos of 64 px and more are also shown to the ImageNet classifier at 224 px: its opinion "
                        "weighs the answer, and a photo it sees as none of the classes says what it looks like."
                    )
                )
            lines.append(self.tr("Each network's curves are in its own model file."))
            self.curves.show_message("\n".join(lines))
            return
        if not meta.history:
            self.curves.show_message(
                self.tr(
                    "This model has no training history stored.\n"
                    "Models trained in this app keep their accuracy and loss per epoch."
                )
            )
            return
        self.curves.set_history(meta.history, meta.stages)

    def _show_evaluation(self) -> None:
        meta = self._metadata
        stored, kind = (meta.evaluation, "test") if meta.evaluation else (meta.validation, "validation")
        self._evaluation = None
        if stored:
            try:
                self._evaluation = Evaluation.from_dict(stored)
            except ValueError as exc:
                self._no_evaluation(self.tr("The stored evaluation cannot be read: {0}").format(exc), error=True)
                return
        if self._evaluation is None:
            self._no_evaluation(
                self.tr(
                    "This model has no evaluation stored: evaluate it on held-out images "
                    "(infinityvision evaluate) or train it here."
                )
            )
            return
        ev = self._evaluation
        if kind == "test":
            text = self.tr("Accuracy {0} on %Ln test image(s) · macro F1 {1} · calibration error {2}", "", ev.n)
        else:
            text = self.tr(
                "Accuracy {0} on %Ln validation image(s) (no test split was stored) · "
                "macro F1 {1} · calibration error {2}",
                "",
                ev.n,
            )
        self.evaluation_label.setText(text.format(percent(ev.accuracy), decimal(ev.macro_f1, 3), decimal(ev.ece, 3)))
        self._evaluation_error = None
        self._style_evaluation_label()
        self.confusion.set_matrix(ev.labels, ev.confusion)
        self.report_model.set_evaluation(ev)
        self.report_table.show()
        self._fit_report_height()
        self._set_copy_enabled(True)

    def _no_evaluation(self, text: str, *, error: bool = False) -> None:
        self.evaluation_label.setText(text)
        self._evaluation_error = error
        self._style_evaluation_label()
        self.confusion.show_message(self.tr("No confusion matrix stored."))
        self.report_model.set_evaluation(None)
        self.report_table.hide()
        self._set_copy_enabled(False)

    def _show_summary(self) -> None:
        summary, meta = self._summary, self._metadata
        self.layer_model.set_summary(summary)
        self.layer_table.setVisible(summary is not None)
        if meta is None:
            self.summary_label.clear()
            return
        if summary is None:
            size = _file_size(self._path)
            text = self.tr("Input {0}×{1}").format(*meta.input_size)
            if size is not None:
                text += " · " + self.tr("file {0}").format(file_size(size))
            self.summary_label.setText(text + "\n" + self.tr("Layer details appear once the model is loaded."))
            return
        self.summary_label.setText(
            self.tr(
                "%n layer(s) · {0} parameters: {1} trainable, {2} frozen · input {3}×{4} · file {5}",
                "",
                len(summary.layers),
            ).format(
                number(summary.total_parameters),
                number(summary.trainable_parameters),
                number(summary.frozen_parameters),
                *summary.input_size,
                file_size(summary.file_bytes),
            )
        )

    def _show_comparison(self) -> None:
        models = list(self._known_models)
        active = self._known_active or (self.model_name() or None)
        if self._metadata is not None and active and all(name != active for name, _ in models):
            models.append((active, self._metadata.test_accuracy))  # the shown model is always compared
        self.comparison.set_models(models, active=active)

    def _fit_report_height(self) -> None:
        """As tall as its rows (up to 20), so the copy buttons sit right under the report."""
        rows = min(self.report_model.rowCount(), 20)
        header = self.report_table.horizontalHeader().sizeHint().height()
        self.report_table.setFixedHeight(header + rows * self.report_table.verticalHeader().defaultSectionSize() + 4)

    def _style_evaluation_label(self) -> None:
        """Plain for a score, muted when there is none, red when it could not be read."""
        kind = self._evaluation_error
        colour = "" if kind is None else self._scheme.error if kind else self._scheme.muted
        self.evaluation_label.setStyleSheet(f"color: {colour};" if colour else "")

    def _set_copy_enabled(self, enabled: bool) -> None:
        self.copy_text_button.setEnabled(enabled)
        self.copy_csv_button.setEnabled(enabled)

    # ================================================================ slots

    @Slot()
    def _on_copy_text_button_clicked(self) -> None:
        if self._evaluation is not None:
            QGuiApplication.clipboard().setText(self._evaluation.report_text())
            self.sig_report_copied.emit("text")

    @Slot()
    def _on_copy_csv_button_clicked(self) -> None:
        if self._evaluation is not None:
            QGuiApplication.clipboard().setText(self._evaluation.report_csv())
            self.sig_report_copied.emit("csv")


def _file_size(path: str | None) -> int | None:
    if not path:
        return None
    try:
        return os.path.getsize(path)
    except OSError:
        return None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
