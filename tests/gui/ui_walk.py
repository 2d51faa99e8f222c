"""Walk a window's widgets the way a user meets them: every text shown or spoken, every control.

`shown_texts()` gathers what a user can read or hear: labels, buttons, titles, tooltips, status
tips, accessible names, placeholders, menus and their actions, tab titles, table headers and
cells, combo box items, spin box suffixes, painted hints, and the texts drawn in matplotlib
figures. `controls()` lists the interactive widgets a keyboard user has to reach.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractListModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QWidget,
)

TRANSLATIONS = Path(__file__).resolve().parents[2] / "resources" / "translations"


@dataclass(frozen=True)
class Shown:
    where: str  # e.g. "QLabel 'answer_label' text"
    text: str
    data: bool = False  # a table cell: names of files and models are data, not interface text


def _name(widget) -> str:
    return f"{type(widget).__name__} {widget.objectName()!r}" if widget.objectName() else type(widget).__name__


def all_widgets(roots) -> list[QWidget]:
    seen: list[QWidget] = []
    for root in roots:
        seen.append(root)
        seen.extend(root.findChildren(QWidget))
    return seen


def _action_texts(action: QAction, where: str, out: list[Shown]) -> None:
    if action.isSeparator():
        return
    for kind, text in (
        ("text", action.text()),
        ("iconText", action.iconText()),
        ("toolTip", action.toolTip()),
        ("statusTip", action.statusTip()),
    ):
        if text:
            out.append(Shown(f"{where} action {kind}", text))
    if action.menu() is not None:
        _menu_texts(action.menu(), where, out)


def _menu_texts(menu: QMenu, where: str, out: list[Shown]) -> None:
    if menu.title():
        out.append(Shown(f"{where} menu title", menu.title()))
    for action in menu.actions():
        _action_texts(action, f"{where} › {menu.title()}", out)


def _column_count(model) -> int:
    # QAbstractListModel makes columnCount() private (PySide6 refuses the call): a list has one column
    return 1 if isinstance(model, QAbstractListModel) else model.columnCount()


def shown_texts(roots) -> list[Shown]:
    out: list[Shown] = []
    for widget in all_widgets(roots):
        where = _name(widget)
        if widget.isWindow() and widget.windowTitle():
            out.append(Shown(f"{where} windowTitle", widget.windowTitle()))
        for kind, text in (
            ("toolTip", widget.toolTip()),
            ("statusTip", widget.statusTip()),
            ("accessibleName", widget.accessibleName()),
            ("accessibleDescription", widget.accessibleDescription()),
        ):
            if text:
                out.append(Shown(f"{where} {kind}", text))
        if isinstance(widget, QLabel) and widget.text():
            out.append(Shown(f"{where} text", re.sub(r"<[^>]+>", " ", widget.text())))
        if isinstance(widget, QAbstractButton) and widget.text():
            out.append(Shown(f"{where} text", widget.text()))
        if isinstance(widget, QGroupBox) and widget.title():
            out.append(Shown(f"{where} title", widget.title()))
        if isinstance(widget, QLineEdit) and widget.placeholderText():
            out.append(Shown(f"{where} placeholder", widget.placeholderText()))
        if isinstance(widget, QComboBox):
            out += [Shown(f"{where} item", widget.itemText(i)) for i in range(widget.count())]
        if isinstance(widget, QAbstractSpinBox):
            for kind in ("prefix", "suffix", "specialValueText"):
                text = getattr(widget, kind)() if hasattr(widget, kind) else ""
                if text.strip():
                    out.append(Shown(f"{where} {kind}", text))
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                out.append(Shown(f"{where} tab", widget.tabText(i)))
                if widget.tabToolTip(i):
                    out.append(Shown(f"{where} tab toolTip", widget.tabToolTip(i)))
        if isinstance(widget, QTextEdit) and widget.toPlainText():
            out.append(Shown(f"{where} document", widget.toPlainText()))
        if isinstance(widget, QMainWindow):
            for action in widget.menuBar().actions():
                _action_texts(action, f"{where} menu bar", out)
        if isinstance(widget, QToolBar | QMenu):
            if isinstance(widget, QToolBar) and widget.windowTitle():
                out.append(Shown(f"{where} windowTitle", widget.windowTitle()))
            for action in widget.actions():
                _action_texts(action, where, out)
        else:
            for action in widget.actions():  # context-menu actions and the like
                _action_texts(action, where, out)
        if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView) and widget.model() is not None:
            model = widget.model()
            for column in range(_column_count(model)):
                header = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                if header:
                    out.append(Shown(f"{where} header", str(header)))
            for row in range(min(model.rowCount(), 50)):
                for column in range(_column_count(model)):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.index(row, column).data(role)
                        if isinstance(value, str) and value:
                            out.append(Shown(f"{where} cell {row},{column}", value, data=True))
        # painted, not held by a child widget
        if hasattr(widget, "hint") and callable(widget.hint):
            out += [Shown(f"{where} painted hint", text) for text in widget.hint() if text]
        if type(widget).__name__ == "DropOverlay":
            out.append(Shown(f"{where} painted text", widget.text))
        if getattr(widget, "empty_text", ""):
            out.append(Shown(f"{where} empty text", widget.empty_text))
        figure = getattr(widget, "figure", None)
        if figure is not None and hasattr(figure, "findobj"):
            from matplotlib.text import Text

            out += [
                Shown(f"{where} chart text", text.get_text())
                for text in figure.findobj(Text)
                if text.get_text().strip()
            ]
    return out


def _buddy_names(widgets) -> set[int]:
    return {id(label.buddy()) for label in widgets if isinstance(label, QLabel) and label.buddy() is not None}


INTERACTIVE = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QAbstractSpinBox,
    QAbstractSlider,
    QAbstractItemView,
    QTabBar,
    QTextEdit,
    QPlainTextEdit,
)


def controls(roots) -> list[QWidget]:
    """The interactive widgets, without the parts Qt builds inside compound ones (a spin box's line
    edit, a tab bar's scroll buttons, a table's headers and scroll bars, a calendar's internals)."""
    found = []
    for widget in all_widgets(roots):
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QHeaderView | QScrollBar):
            continue
        if widget.objectName().startswith("qt_"):
            continue
        parent, internal = widget.parentWidget(), False
        while parent is not None:
            if (
                isinstance(parent, INTERACTIVE + (QCalendarWidget,))
                and not isinstance(parent, QTabBar)
                or (isinstance(parent, QTabBar) and isinstance(widget, QAbstractButton))
            ):
                internal = True
                break
            parent = parent.parentWidget()
        if not internal:
            found.append(widget)
    return found


def spoken_name(widget: QWidget, widgets) -> str:
    """What a screen reader announces as the control's name: its accessible name, its own text, or
    the label that names it (a QLabel whose buddy it is)."""
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return widget.text()
    for label in widgets:
        if isinstance(label, QLabel) and label.buddy() is widget and label.text():
            return label.text()
    if isinstance(widget, QTabBar) and isinstance(widget.parentWidget(), QTabWidget):
        return widget.parentWidget().accessibleName()
    return ""


# ---------------------------------------------------------------- the .ts files


def ts_messages(language: str, path: Path | None = None) -> list[dict]:
    """Every message of infinityvision_<language>.ts (or of `path`): context, source, numerus, translations,
    and the translation's type ("unfinished", "vanished", "obsolete" or "")."""
    root = ET.parse(path or TRANSLATIONS / f"infinityvision_{language}.ts").getroot()
    messages = []
    for context in root.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [form.text or "" for form in translation.findall("numerusform")]
            messages.append(
                {
                    "context": name,
                    "source": message.findtext("source"),
                    "numerus": message.get("numerus") == "yes",
                    "translations": forms if forms else [translation.text or ""],
                    "type": translation.get("type", ""),
                }
            )
    return messages


PLACEHOLDER = re.compile(r"\{\d+(?::[^}]*)?\}|%L?n")


def source_pattern(source: str) -> re.Pattern | None:
    """A regex matching `source` with its placeholders filled in, or None if it has too little fixed text."""
    plain = source.replace("&", "")
    parts = PLACEHOLDER.split(plain)
    if sum(len(re.sub(r"[^A-Za-z]", "", part)) for part in parts) < 2:
        return None
    return re.compile("^" + ".+?".join(re.escape(part) for part in parts) + "$", re.DOTALL)
