"""Help > About (versions, and where the active model comes from) and Help > InfinityVision Help.

The versions of TensorFlow and Keras come from their installed package metadata
(importlib.metadata), never from importing them: the About box must not pay TensorFlow's
seconds-long import on the GUI thread, nor start it before the model worker does.
"""

from __future__ import annotations

import html
import os
import platform
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import PySide6
from PySide6.QtCore import QEvent, Qt, QTimer, Slot, qVersion
from PySide6.QtGui import QAction, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from infinityvision_desktop import APP_NAME, __version__
from infinityvision_desktop.gui import i18n

# Distribution names TensorFlow is published under, most usual first.
TENSORFLOW_DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel", "tf-nightly")


def package_version(*names: str) -> str:
    """The installed version of the first distribution found among `names`, or '' (metadata only)."""
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return ""


def library_versions() -> dict[str, str]:
    """Name -> version of the app and what it runs on; '' for a package that is not installed."""
    return {
        APP_NAME: __version__,
        "TensorFlow": package_version(*TENSORFLOW_DISTRIBUTIONS),
        "Keras": package_version("keras"),
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "Python": platform.python_version(),
    }


def training_command(provenance: dict) -> str:
    """The command a model was trained with, rebuilt from its stored settings ('' if unknown)."""
    trained_by = str(provenance.get("trained_by") or "")
    config = provenance.get("config") if isinstance(provenance.get("config"), dict) else {}
    members = provenance.get("ensemble")
    if isinstance(members, list) and provenance.get("combined_by"):  # two models combined into one
        made = [
            training_command(m.get("provenance") or {}) or str(m.get("name") or "?")
            for m in members
            if isinstance(m, dict)
        ]
        return "; ".join(made) + f"; then {provenance['combined_by']}"
    if not trained_by:
        return ""
    parts = [trained_by]
    for option, key in (
        ("--data", "data"),
        ("--base", "base"),
        ("--arch", "arch"),
        ("--widths", "widths"),
        ("--epochs", "epochs"),
        ("--batch-size", "batch_size"),
    ):
        value = config.get(key)
        if value not in (None, ""):
            parts.append(f"{option} {value}")
    return " ".join(parts)


class AboutDialog(QDialog):
    """Versions of the app, TensorFlow, Keras, Qt and Python, and the active model's provenance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model_path: str | None = None
        self._metadata = None
        self._versions = library_versions()
        self._create_widgets()
        self.retranslate_ui()

    def _create_widgets(self) -> None:
        self.title_label = QLabel(self)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title_label.setFont(font)
        self.description_label = QLabel(self)
        self.description_label.setWordWrap(True)

        self.versions_box = QGroupBox(self)
        self.versions_form = QFormLayout(self.versions_box)
        self.version_labels: dict[str, QLabel] = {}
        for name in self._versions:
            value = QLabel(self.versions_box)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.versions_form.addRow(name, value)
            self.version_labels[name] = value

        self.model_box = QGroupBox(self)
        self.model_form = QFormLayout(self.model_box)
        self.model_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.model_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for key in (
            "name",
            "file",
            "architecture",
            "pretrained",
            "accuracy",
            "created",
            "command",
            "data",
            "images",
            "time",
        ):
            caption, value = QLabel(self.model_box), QLabel(self.model_box)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.model_form.addRow(caption, value)
            self.model_labels[key] = (caption, value)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(self)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.description_label)
        layout.addWidget(self.versions_box)
        layout.addWidget(self.model_box)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def retranslate_ui(self) -> None:
        """Every text in the current language: at construction and on QEvent.LanguageChange."""
        self.setWindowTitle(self.tr("About InfinityVision"))
        self.title_label.setText(f"{APP_NAME} {__version__}")
        self.description_label.setText(
            self.tr(
                "Tells what is in a photo among the ten CIFAR-10 classes, and how sure it is; shows how the model "
                "learned, and retrains it on your own pictures."
            )
        )
        self.versions_box.setTitle(self.tr("Versions"))
        for name, value in self._versions.items():
            self.version_labels[name].setText(value or self.tr("not installed"))
        self.model_box.setTitle(self.tr("Active model"))
        self.copy_button.setText(self.tr("&Copy"))
        self.copy_button.setToolTip(self.tr("Copy the versions and the model's provenance, for a bug report"))
        self._show_model()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()

    def follow(self, session) -> None:
        """Show the active model of `session` (gui.session.ClassifySession), now and as it changes."""
        session.sig_model_ready.connect(self.set_model)
        self.set_model(session.model_path, session.metadata)

    def set_model(self, path: str | os.PathLike | None, model_metadata) -> None:
        """The active model's file and its core.modelfile.ModelMetadata (None: no model)."""
        self._model_path = os.fspath(path) if path is not None else None
        self._metadata = model_metadata
        self._show_model()

    def model_rows(self) -> dict[str, str]:
        """The model section as shown: caption -> value (rows without a value are hidden)."""
        return {caption.text(): value.text() for caption, value in self.model_labels.values() if not value.isHidden()}

    def versions(self) -> dict[str, str]:
        return dict(self._versions)

    def _show_model(self) -> None:
        meta = self._metadata
        captions = {
            "name": self.tr("Name:"),
            "file": self.tr("File:"),
            "architecture": self.tr("Architecture:"),
            "accuracy": self.tr("Test accuracy:"),
            "created": self.tr("Date trained:"),
            "command": self.tr("Trained by:"),
            "data": self.tr("Data:"),
            "images": self.tr("Training images:"),
            "time": self.tr("Training time:"),
            "pretrained": self.tr("Pretrained weights:"),
        }
        values = dict.fromkeys(captions, "")
        if meta is None:
            values["name"] = self.tr("No model is loaded.")
        else:
            provenance = meta.provenance if isinstance(meta.provenance, dict) else {}
            values["name"] = meta.name or (Path(self._model_path).stem if self._model_path else "")
            values["file"] = self._model_path or ""
            values["architecture"] = meta.architecture or self.tr("unknown")
            backbone = provenance.get("backbone")
            if isinstance(backbone, dict) and backbone.get("weights"):
                # the ImageNet weights' source and license, as the license asks to credit them
                values["pretrained"] = self.tr("{0}; license: {1}").format(
                    backbone["weights"], backbone.get("license", "?")
                )
            values["accuracy"] = (
                self.tr("{0} on the test split").format(i18n.percent(meta.test_accuracy, 2))
                if meta.test_accuracy is not None
                else self.tr("not evaluated")
            )
            created = str(provenance.get("created") or "")
            values["created"] = created[:16].replace("T", " ") if created else self.tr("unknown")
            values["command"] = training_command(provenance) or self.tr("unknown")
            values["data"] = str(provenance.get("data") or "")
            if isinstance(provenance.get("train_images"), int):
                values["images"] = self.tr("{0} (and {1} held out for validation)").format(
                    i18n.number(provenance["train_images"]), i18n.number(provenance.get("validation_images") or 0)
                )
            if isinstance(provenance.get("seconds"), int | float):
                values["time"] = self.tr("{0} min").format(i18n.decimal(provenance["seconds"] / 60, 1))
        for key, (caption, value) in self.model_labels.items():
            caption.setText(captions[key])
            value.setText(values[key])
            caption.setVisible(bool(values[key]))
            value.setVisible(bool(values[key]))

    def report_text(self) -> str:
        lines = [f"{name} {version or '-'}" for name, version in self._versions.items()]
        lines += [f"{caption} {value}" for caption, value in self.model_rows().items()]
        return "\n".join(lines)

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())


class HelpDialog(QDialog):
    """How to use the app, and its keyboard shortcuts as the actions have them on this platform."""

    def __init__(self, actions: Sequence[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = list(actions)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 560)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("InfinityVision Help"))
        self.browser.setAccessibleName(self.tr("Help"))
        self.browser.setHtml(self.help_html())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            # after the main window's own event, which gives the actions their new texts
            QTimer.singleShot(0, self, self.retranslate_ui)

    def shortcuts(self) -> list[tuple[str, str]]:
        """(what, keys) for every action with a shortcut, and for the keys of the lists."""
        rows = []
        for act in self._actions:
            keys = ", ".join(
                key.toString(QKeySequence.SequenceFormat.NativeText) for key in act.shortcuts() if _typed(key)
            )
            if keys:
                rows.append((_plain(act.text()), keys))
        rows += [
            (self.tr("Open a History entry in the Classify tab"), self.tr("Return")),
            (self.tr("Rename a History entry"), "F2"),
            (self.tr("Next or previous tab"), "Ctrl+Tab, Ctrl+Shift+Tab"),
            (self.tr("Open a menu"), self.tr("Alt + the underlined letter")),
        ]
        return rows

    def help_html(self) -> str:
        paragraphs = [
            (
                self.tr("Classify"),
                self.tr(
                    "Drop photos or folders anywhere on the window, open them from the File menu, or paste an image. "
                    'Each image gets an answer ("cat, 97%"), or "not sure" when the model\'s confidence is below '
                    "its threshold, and a chart of every class. Unreadable files stay in the list with the reason."
                ),
            ),
            (
                self.tr("History"),
                self.tr(
                    "Every classified image is remembered on this computer: search, filter, rename, forget entries, "
                    "export them. Preferences turn this off or forget old entries."
                ),
            ),
            (
                self.tr("Model"),
                self.tr(
                    "How the active model learned and how it scores. Model › Train / Fine-tune… teaches it your own "
                    "classes; Model › Open Model… switches to another model file."
                ),
            ),
        ]
        parts = [f"<h2>{html.escape(title)}</h2><p>{html.escape(text)}</p>" for title, text in paragraphs]
        rows = "".join(
            f"<tr><td>{html.escape(what)}</td><td style='padding-left:16px'><b>{html.escape(keys)}</b></td></tr>"
            for what, keys in self.shortcuts()
        )
        shortcuts_title = self.tr("Keyboard shortcuts")
        parts.append(f"<h2>{html.escape(shortcuts_title)}</h2><table>{rows}</table>")
        return "".join(parts)


def _typed(sequence: QKeySequence) -> bool:
    """A combination typed on an ordinary keyboard: not the dedicated Open, Save or Help keys of some
    keyboards, which QKeySequence.StandardKey lists too."""
    combination = sequence[0]
    key = combination.key()
    return (
        combination.keyboardModifiers() != Qt.KeyboardModifier.NoModifier
        or Qt.Key.Key_F1.value <= key.value <= Qt.Key.Key_F35.value
        or key in (Qt.Key.Key_Delete, Qt.Key.Key_Escape, Qt.Key.Key_Insert, Qt.Key.Key_Return, Qt.Key.Key_Backspace)
    )


def _plain(text: str) -> str:
    """A menu text without its mnemonic '&' and trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")
