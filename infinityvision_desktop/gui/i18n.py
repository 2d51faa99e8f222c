"""The app's languages: which one to use, installing its translators, and class names for display.

English and Ukrainian. The language follows the desktop's locale unless the user picks one in
Preferences; `install()` can be called again at any time: Qt then sends every widget a
LanguageChange event and each one sets its texts again (their `retranslate_ui()` methods).

Class names are translated for display only: the core, the CLI, CSV exports, the History
database and model files keep the English labels a model was trained with.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QTabWidget, QToolButton

from infinityvision_desktop import paths
from infinityvision_desktop.gui.settings import LANGUAGES, SYSTEM

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"  # the language of the source strings, and the fallback
# Shown in the language chooser in their own language, whatever the interface language is.
NATIVE_NAMES = {"en": "English", "uk": "Українська"}
CLASS_NAMES_CONTEXT = "ClassNames"

# Kept for the life of the process: Qt asks the installed translators for every string.
_installed: list[QTranslator] = []
_current = DEFAULT_LANGUAGE
_names: dict[str, str] | None = None  # the class names in the current language, built on first use


def translations_dir() -> Path:
    """The .qm files, in a source checkout and in a PyInstaller bundle alike."""
    return paths.resources_dir() / "translations"


def system_language() -> str:
    """The first of the desktop's preferred languages the app has, else English."""
    for name in QLocale.system().uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def resolve(setting: str | None) -> str:
    """A Settings.language value ('en', 'uk' or 'system') as the language to use."""
    return setting if setting in LANGUAGES else system_language()


def current_language() -> str:
    """The language installed last ('en' until install() is called)."""
    return _current


def installed() -> bool:
    """Whether install() has put the app's own translator in place."""
    return any(
        not translator.isEmpty() and translator.filePath().endswith(".qm") and "infinityvision" in translator.filePath()
        for translator in _installed
    )


def install(language: str, app: QCoreApplication | None = None) -> str:
    """Use `language` ('en', 'uk' or 'system') from now on; returns the language installed.

    The previous translators are removed first. Qt's own strings (standard buttons, the
    context menus of text fields) come from Qt's qtbase translations.
    """
    global _current, _names
    app = app or QCoreApplication.instance()
    code = resolve(language)
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in (("qtbase", qt_folder), ("infinityvision", str(translations_dir()))):
        translator = QTranslator(app)
        if translator.load(f"{name}_{code}", folder):
            app.installTranslator(translator)
            _installed.append(translator)
        elif name == "infinityvision" and code != DEFAULT_LANGUAGE:
            log.warning("no %s translation in %s: the interface stays in English", code, folder)
    # Dates and numbers formatted with QLocale() follow the language; the desktop's own regional
    # formats are kept when they are in that language already.
    system = QLocale.system()
    same = system.name().split("_")[0] == code
    QLocale.setDefault(system if same else QLocale(code))
    _current = code
    _names = None
    return code


def class_name(label: str) -> str:
    """A class label as shown to the user: CIFAR-10's ten names are translated, others are kept."""
    global _names
    if _names is None:  # asked for every table cell painted: translated once per language
        _names = _class_names()
    return _names.get(label, label)


def with_article(label: str) -> str:
    """'a dog', 'an airplane' in English; other languages have no articles to add."""
    name = class_name(label)
    if _current != "en":
        return name
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def retranslate_tab_bar(tabs: QTabWidget) -> None:
    """The accessible names Qt gives a tab bar's scroll buttons, in the current language.

    QTabBar names them once, when it is built, and not again on a language change: ask Qt's
    own translation (its "QTabBar" context, in qtbase_*.qm) for them again.
    """
    translate = QCoreApplication.translate
    for name, text in (("ScrollLeftButton", "Scroll Left"), ("ScrollRightButton", "Scroll Right")):
        button = tabs.tabBar().findChild(QToolButton, name)
        if button is not None:
            button.setAccessibleName(translate("QTabBar", text))


def number(value: int | float) -> str:
    """A whole number as the interface language writes it: 10,000 in English, 10 000 in Ukrainian."""
    return QLocale().toString(float(value), "f", 0)


def decimal(value: float, places: int) -> str:
    """0.912 in English, 0,912 in Ukrainian."""
    return QLocale().toString(float(value), "f", places)


def percent(share: float, places: int = 1) -> str:
    """A share (0.912) as a percentage: 91.2% in English, 91,2% in Ukrainian."""
    return decimal(share * 100, places) + "%"


def file_size(count: int | None) -> str:
    """'18.5 MB' in English, '18,5 МБ' in Ukrainian (decimal units, as file managers show them)."""
    if count is None:
        return "?"
    translate = QCoreApplication.translate
    units = (
        (translate("Units", "{0} GB"), 1e9),
        (translate("Units", "{0} MB"), 1e6),
        (translate("Units", "{0} kB"), 1e3),
    )
    for unit, scale in units:
        if count >= scale:
            return unit.format(decimal(count / scale, 1))
    return translate("Units", "{0} B").format(number(count))


def _class_names() -> dict[str, str]:
    # Literal calls, so lupdate finds each name.
    translate = QCoreApplication.translate
    return {
        "airplane": translate("ClassNames", "airplane"),
        "automobile": translate("ClassNames", "automobile"),
        "bird": translate("ClassNames", "bird"),
        "cat": translate("ClassNames", "cat"),
        "deer": translate("ClassNames", "deer"),
        "dog": translate("ClassNames", "dog"),
        "frog": translate("ClassNames", "frog"),
        "horse": translate("ClassNames", "horse"),
        "ship": translate("ClassNames", "ship"),
        "truck": translate("ClassNames", "truck"),
    }


def language_choices() -> list[tuple[str, str]]:
    """(setting value, text) for the Preferences' language list; 'System' is in the current language."""
    system = QCoreApplication.translate("Preferences", "System ({0})").format(NATIVE_NAMES[system_language()])
    return [(SYSTEM, system)] + [(code, NATIVE_NAMES[code]) for code in LANGUAGES]
