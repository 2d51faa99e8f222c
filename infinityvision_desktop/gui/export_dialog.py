"""Model > Export Model…: the active model as .keras, .h5 or TensorFlow Lite (float32 or int8).

The export itself (core.export: loading the file, converting, checking the TFLite model
against the Keras one, writing the model and its JSON) runs in an `ExportWorker`; the dialog
stays responsive and says what it is doing, then what it wrote or why it could not.

TensorFlow Lite conversion runs in a child process (the app's own `export` command): the
converter's C++ passes hold Python's GIL for up to half a second at a time, which in a thread
would freeze the window (bench/bench_features_gui.py measured 554 ms). A child process also
makes Cancel immediate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop.core import atomic
from infinityvision_desktop.core.export import FORMATS, sidecar_path
from infinityvision_desktop.gui import theme
from infinityvision_desktop.gui.i18n import file_size, percent
from infinityvision_desktop.gui.workers import Worker


class ExportWorker(Worker):
    """Exports a model file in its own thread (TensorFlow is imported there)."""

    sig_stage = Signal(str)
    """The export reached a stage: "load", "sample", "convert", "check" or "write"."""
    sig_exported = Signal(object)
    """The files are written: the core.export.ExportResult."""
    sig_failed = Signal(str)
    """Nothing usable was written: the reason, naming the file."""
    sig_cancelled = Signal()
    """The user cancelled a TensorFlow Lite conversion; nothing was written."""

    def __init__(self, source: str, out: str, fmt: str, sample: str | None) -> None:
        super().__init__()
        self.source, self.out, self.fmt, self.sample = source, out, fmt, sample
        self._process: subprocess.Popen | None = None

    def work(self) -> None:
        if self.fmt.startswith("tflite"):
            self._export_in_child_process()
            return
        from infinityvision_desktop.core.export import ExportError, export_model

        try:
            result = export_model(self.source, self.out, fmt=self.fmt, sample=self.sample, on_stage=self.sig_stage.emit)
        except ExportError as exc:
            self.sig_failed.emit(str(exc))
            return
        self.sig_exported.emit(result)

    def request_stop(self) -> None:
        super().request_stop()
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()  # the converter cannot be interrupted any other way; nothing is half-written

    def _export_in_child_process(self) -> None:
        from infinityvision_desktop.core.export import ExportResult

        command = [
            *export_command(),
            "--model",
            self.source,
            "--out",
            self.out,
            "--format",
            self.fmt,
            "--progress-lines",
        ]
        if self.sample:
            command += ["--sample", self.sample]
        package_root = str(Path(__file__).resolve().parents[2])  # this copy of the app, not another install
        env = {
            **os.environ,
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
        }
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )  # no console window on Windows
        if self.should_stop():
            self._process.kill()
        result = None
        for line in self._process.stdout:
            kind, _, rest = line.strip().partition(" ")
            if kind == "stage":
                self.sig_stage.emit(rest)
            elif kind == "result":
                result = ExportResult(**json.loads(rest))
        errors = self._process.stderr.read()
        code = self._process.wait()
        if self.should_stop() and code != 0:
            out = Path(self.out)
            for target in (out, sidecar_path(out)):  # a write the kill interrupted
                for leftover in atomic.temp_files(target, self._process.pid):
                    if leftover.is_dir():
                        shutil.rmtree(leftover, ignore_errors=True)
                    else:
                        leftover.unlink(missing_ok=True)
            self.sig_cancelled.emit()
            return
        if code == 0 and result is not None:
            self.sig_exported.emit(result)
            return
        reasons = [
            line.removeprefix("infinityvision: ") for line in errors.splitlines() if line.startswith("infinityvision: ")
        ]
        self.sig_failed.emit(
            reasons[-1]
            if reasons
            else f"the export process ended with code {code}: {_last_line(errors) or 'no message'}"
        )


def export_command() -> list[str]:
    """How to run the app's command line: the frozen executable itself, or this Python with the package."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "export"]
    return [sys.executable, "-m", "infinityvision_desktop", "export"]


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


class ExportDialog(theme.FollowsLanguageAndPalette, QDialog):
    """Choose a format, a file and (for int8) sample images; export in the background."""

    sig_exported = Signal(object)
    """An export finished: its ExportResult."""
    sig_failed = Signal(str)
    """An export failed: the reason shown."""
    sig_cancelled = Signal()
    """The user cancelled an export."""

    def __init__(self, start_worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(560)
        self._start_worker = start_worker
        self._model_path: str | None = None
        self._model_name = ""
        self._worker: ExportWorker | None = None
        # what the status line says, kept so that a change of language or theme can say it again
        self._status: tuple = ("",)
        self._scheme = theme.scheme(self.palette())
        self._create_widgets()
        self._connect_signals()
        self.retranslate_ui()
        self._apply_scheme()

    def _create_widgets(self) -> None:
        self.model_label = QLabel(self)
        self.model_label.setWordWrap(True)
        self.format_combo = QComboBox(self)
        for fmt in ("keras", "h5", "tflite", "tflite-int8"):
            self.format_combo.addItem(fmt, fmt)  # texts set by retranslate_ui()
        self.path_edit = QLineEdit(self)
        self.path_button = QPushButton(self)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.path_button)
        self.sample_edit = QLineEdit(self)
        self.sample_button = QPushButton(self)
        sample_row = QHBoxLayout()
        sample_row.addWidget(self.sample_edit, 1)
        sample_row.addWidget(self.sample_button)
        self.sample_hint = QLabel(self)
        self.sample_hint.setWordWrap(True)
        # room for the longest hint (three lines in Ukrainian at the dialog's width): a hint that
        # grows when the format changes would otherwise overlap the row above until a resize
        self.sample_hint.setMinimumHeight(self.sample_hint.fontMetrics().lineSpacing() * 3 + 4)
        self.format_label, self.path_label, self.sample_label = QLabel(self), QLabel(self), QLabel(self)
        self.format_label.setBuddy(self.format_combo)
        self.path_label.setBuddy(self.path_edit)
        self.sample_label.setBuddy(self.sample_edit)
        form = QFormLayout()
        form.addRow(self.format_label, self.format_combo)
        form.addRow(self.path_label, path_row)
        form.addRow(self.sample_label, sample_row)
        form.addRow("", self.sample_hint)

        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 0)  # busy: a conversion has no steps to count
        self.progress_bar.hide()
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button.hide()
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.model_label)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress_bar)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def retranslate_ui(self) -> None:
        """Every text in the current language, the status line included."""
        self.setWindowTitle(self.tr("Export Model"))
        texts = {
            "keras": self.tr("Keras (.keras)"),
            "h5": self.tr("Keras HDF5 (.h5)"),
            "tflite": self.tr("TensorFlow Lite, float32 (.tflite)"),
            "tflite-int8": self.tr("TensorFlow Lite, int8 quantized (.tflite, about 4x smaller)"),
        }
        for index in range(self.format_combo.count()):
            self.format_combo.setItemText(index, texts[self.format_combo.itemData(index)])
        self.format_combo.setAccessibleName(self.tr("Format"))
        self.path_button.setText(self.tr("Browse…"))
        self.path_button.setToolTip(self.tr("Choose where to save the exported model"))
        self.path_button.setAccessibleName(self.tr("Choose where to save"))
        self.path_edit.setAccessibleName(self.tr("Save as"))
        self.sample_edit.setPlaceholderText(self.tr("a folder of typical images (searched recursively)"))
        self.sample_edit.setAccessibleName(self.tr("Sample images"))
        self.sample_button.setText(self.tr("Browse…"))
        self.sample_button.setToolTip(self.tr("Choose a folder of sample images"))
        self.sample_button.setAccessibleName(self.tr("Choose sample images"))
        self.format_label.setText(self.tr("&Format:"))
        self.path_label.setText(self.tr("&Save as:"))
        self.sample_label.setText(self.tr("Sample &images:"))
        self.progress_bar.setAccessibleName(self.tr("Export progress"))
        self.status_label.setAccessibleName(self.tr("Export status"))
        self.export_button.setText(self.tr("Export"))
        self.cancel_button.setText(self.tr("Cancel Export"))
        if self._model_path is not None:
            self._show_model()
        self._show_sample_hint()
        self._show_status()

    def _apply_scheme(self) -> None:
        self._scheme = theme.scheme(self.palette())
        self.sample_hint.setStyleSheet(f"color: {self._scheme.muted};")
        self._show_status()

    def _show_model(self) -> None:
        self.model_label.setText(
            self.tr("Model: {0}\n{1}").format(self._model_name or Path(self._model_path).stem, self._model_path)
        )

    def _set_status(self, *status) -> None:
        self._status = status
        self._show_status()

    def _show_status(self) -> None:
        """The status line from what the export has reached (`self._status`), in its colour."""
        kind, *args = self._status
        stages = {
            "load": self.tr("Loading the model…"),
            "sample": self.tr("Reading the sample images…"),
            "convert": self.tr("Converting (int8 calibration takes a little longer)…"),
            "check": self.tr("Checking the export against the Keras model…"),
            "write": self.tr("Writing the files…"),
        }
        colour = ""
        if kind == "starting":
            text = self.tr("Starting…")
        elif kind == "stage":
            text = stages.get(args[0], args[0])
        elif kind == "cancelling":
            text = self.tr("Cancelling…")
        elif kind == "cancelled":
            text, colour = self.tr("Export cancelled."), self._scheme.muted
        elif kind == "no_path":
            text, colour = self.tr("Choose where to save the exported model."), self._scheme.error
        elif kind == "no_sample":
            text = self.tr("int8 needs sample images: choose a folder of typical images to calibrate on.")
            colour = self._scheme.error
        elif kind == "failed":
            text, colour = self.tr("Export failed: {0}").format(args[0]), self._scheme.error
        elif kind == "exported":
            text = self._exported_text(args[0])
        else:
            text = ""
        self.status_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.status_label.setText(text)

    def _exported_text(self, result) -> str:
        text = self.tr("Wrote {0} ({1}) and {2}.").format(
            result.model_path, file_size(result.size_bytes), Path(result.sidecar_path).name
        )
        if result.calibration_images:
            text += " " + self.tr("int8 was calibrated on %n sample image(s).", "", result.calibration_images)
        if result.checked:
            text += " " + self.tr(
                "Its top class agrees with the Keras model's on {0} of %n sample image(s).", "", result.checked
            ).format(percent(result.agreement))
        return text

    def _connect_signals(self) -> None:
        self.format_combo.currentIndexChanged.connect(self._on_format_combo_changed)
        self.path_button.clicked.connect(self._on_path_button_clicked)
        self.sample_button.clicked.connect(self._on_sample_button_clicked)
        self.export_button.clicked.connect(self.export)
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons.rejected.connect(self.hide)

    # ================================================================ public API

    def set_model(self, path: str, name: str = "") -> None:
        """The model file to export (the active one)."""
        self._model_path, self._model_name = path, name
        self._show_model()
        if not self.path_edit.text():
            folder = os.path.expanduser("~")
            self.path_edit.setText(os.path.join(folder, Path(path).stem + FORMATS[self.format()]))
        self._on_format_combo_changed()

    def format(self) -> str:
        return self.format_combo.currentData()

    def set_format(self, fmt: str) -> None:
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))

    def is_exporting(self) -> bool:
        return self._worker is not None

    def cancel(self) -> None:
        """Stop a TensorFlow Lite export under way (Keras files take a moment and are not interrupted)."""
        if self._worker is not None:
            self._worker.request_stop()
            self._set_status("cancelling")

    def export(self) -> None:
        """Check the choices, then export in a worker."""
        if self._worker is not None or self._model_path is None:
            return
        out = self.path_edit.text().strip()
        sample = self.sample_edit.text().strip() or None
        fmt = self.format()
        if not out:
            self._set_status("no_path")
            return
        if fmt == "tflite-int8" and sample is None:
            self._set_status("no_sample")
            return
        worker = ExportWorker(self._model_path, out, fmt, sample if fmt.startswith("tflite") else None)
        worker.sig_stage.connect(self._on_worker_stage)
        worker.sig_exported.connect(self._on_worker_exported)
        worker.sig_failed.connect(self._on_worker_failed)
        worker.sig_cancelled.connect(self._on_worker_cancelled)
        self._worker = worker
        self.export_button.setEnabled(False)
        self.cancel_button.setVisible(fmt.startswith("tflite"))
        self.progress_bar.show()
        self._set_status("starting")
        handle = self._start_worker(worker, name="export")
        handle.sig_done.connect(self._on_handle_done)

    # ================================================================ slots

    @Slot()
    def _on_format_combo_changed(self) -> None:
        fmt = self.format()
        text = self.path_edit.text().strip()
        if text:
            stem, _ = os.path.splitext(text)
            if fmt == "tflite-int8" and not stem.endswith("-int8"):
                stem += "-int8"
            elif fmt != "tflite-int8" and stem.endswith("-int8"):
                stem = stem[:-5]
            self.path_edit.setText(stem + FORMATS[fmt])
        tflite = fmt.startswith("tflite")
        self.sample_edit.setEnabled(tflite)
        self.sample_button.setEnabled(tflite)
        self._show_sample_hint()

    def _show_sample_hint(self) -> None:
        fmt = self.format()
        if fmt == "tflite-int8":
            self.sample_hint.setText(
                self.tr(
                    "Needed: int8 is calibrated on up to 200 of these images; 100 others "
                    "check that the export answers like the Keras model."
                )
            )
        elif fmt.startswith("tflite"):
            self.sample_hint.setText(
                self.tr("Optional: up to 100 of these images check that the export answers like the Keras model.")
            )
        else:
            self.sample_hint.setText(self.tr("Not needed: a Keras file is the model itself, labels included."))

    @Slot()
    def _on_path_button_clicked(self) -> None:
        suffix = FORMATS[self.format()]
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export Model"), self.path_edit.text(), self.tr("Model files (*{0})").format(suffix)
        )
        if path:
            self.path_edit.setText(path if path.lower().endswith(suffix) else path + suffix)

    @Slot()
    def _on_sample_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Sample Images"), self.sample_edit.text())
        if folder:
            self.sample_edit.setText(folder)

    @Slot(str)
    def _on_worker_stage(self, stage: str) -> None:
        self._set_status("stage", stage)

    @Slot(object)
    def _on_worker_exported(self, result) -> None:
        self._set_status("exported", result)
        self.sig_exported.emit(result)

    @Slot(str)
    def _on_worker_failed(self, reason: str) -> None:
        self._set_status("failed", reason)
        self.sig_failed.emit(reason)

    @Slot()
    def _on_worker_cancelled(self) -> None:
        self._set_status("cancelled")
        self.sig_cancelled.emit()

    @Slot()
    def _on_handle_done(self) -> None:
        self._worker = None
        self.export_button.setEnabled(True)
        self.cancel_button.hide()
        self.progress_bar.hide()
