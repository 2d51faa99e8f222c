"""Ukrainian and English: finished translations in step with the sources, nothing left in English
in a Ukrainian window (built in Ukrainian, or switched while it runs), class names translated in
the GUI only, and the language taken from the desktop's locale."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gui_helpers import MODEL_TIMEOUT_MS, OFFSCREEN_NOISE, WORK_TIMEOUT_MS, open_feature_views, write_images
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication
from ui_walk import PLACEHOLDER, TRANSLATIONS, shown_texts, source_pattern, ts_messages

from infinityvision_desktop.core.labels import CIFAR10_LABELS
from infinityvision_desktop.core.predictor import Prediction
from infinityvision_desktop.gui import i18n
from infinityvision_desktop.gui.main_window import MainWindow
from infinityvision_desktop.gui.widgets.probability_chart import ProbabilityChart
from infinityvision_desktop.gui.widgets.results_table import Column

pytestmark = [pytest.mark.gui, OFFSCREEN_NOISE]

sys.path.insert(0, str(TRANSLATIONS))
import update as translations_tool  # noqa: E402  resources/translations/update.py

UKRAINIAN_CLASSES = ("літак", "автомобіль", "птах", "кіт", "олень", "собака", "жаба", "кінь", "корабель", "вантажівка")

# Latin-script words a Ukrainian window may show: names of products, formats and methods, keys,
# and the language chooser's "English" (each language is offered under its own name).
ALLOWED_WORDS = {
    "infinityvision",
    "tensorflow",
    "keras",
    "pyside6",
    "python",
    "qt",
    "cifar-10",
    "cifar10",
    "csv",
    "png",
    "svg",
    "imagenet",
    "vgg16",
    "airbench",
    "adam",
    "sgd",
    "bfloat16",
    "float32",
    "avx-512",
    "amx",
    "bf16",
    "cutout",
    "tar",
    "ctrl",
    "shift",
    "alt",
    "tab",
    "esc",
    "del",
    "ins",
    "delete",
    "enter",
    "english",
    "lite",
    "tflite",
    "int8",
    "hdf5",
    "grad-cam",
    "efficientnet-lite0",
}


# ---------------------------------------------------------------- the .ts files


@pytest.mark.parametrize("language", ["uk", "en"])
def test_every_message_in_the_ts_file_is_translated(language):
    messages = ts_messages(language)
    assert len(messages) > (400 if language == "uk" else 10)
    unfinished = [
        m["source"]
        for m in messages
        if m["type"] in ("unfinished", "vanished", "obsolete") or not all(text.strip() for text in m["translations"])
    ]
    assert not unfinished, f"{len(unfinished)} unfinished in infinityvision_{language}.ts: {unfinished[:10]}"


@pytest.mark.parametrize("language", ["uk", "en"])
def test_translations_keep_every_placeholder_of_their_source(language):
    """A translation that loses {1} or %n would show a wrong or empty value; one that adds {2} would crash."""
    wrong = []
    for message in ts_messages(language):
        expected = sorted(PLACEHOLDER.findall(message["source"]))
        for text in message["translations"]:
            if sorted(PLACEHOLDER.findall(text)) != expected:
                wrong.append((message["source"], text))
    assert not wrong, wrong[:5]


def test_ukrainian_plurals_have_three_forms():
    numerus = [m for m in ts_messages("uk") if m["numerus"]]
    assert numerus and all(len(m["translations"]) == 3 for m in numerus)


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_ts_files_hold_every_string_of_the_sources(language, tmp_path):
    """lupdate over the GUI sources adds nothing: no string was added to the code without a translation."""
    ts = tmp_path / f"infinityvision_{language}.ts"
    shutil.copyfile(translations_tool.ts_path(language), ts)
    translations_tool.lupdate(language, ts)
    new = [m["source"] for m in ts_messages(language, ts) if m["type"] == "unfinished"]
    assert not new, (
        "strings in the sources without a translation (run resources/translations/update.py and "
        "translate them): " + "; ".join(new[:10])
    )


@pytest.mark.parametrize("language", ["uk", "en"])
def test_the_committed_qm_files_are_compiled_from_the_ts_files(language, tmp_path):
    """The app loads the .qm files (it never runs lrelease): they must say what the .ts files say."""
    compiled = tmp_path / "fresh.qm"
    translations_tool.lrelease(translations_tool.ts_path(language), compiled)
    assert compiled.read_bytes() == translations_tool.qm_path(language).read_bytes(), (
        "run: python resources/translations/update.py --release"
    )


# ---------------------------------------------------------------- a Ukrainian window, walked


def _normalise(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def _english_sources() -> tuple[set[str], list[re.Pattern]]:
    """Source strings whose Ukrainian differs from the English: seeing one in Ukrainian is a miss."""
    exact, patterns = set(), []
    for message in ts_messages("uk"):
        source = message["source"]
        if all(text == source for text in message["translations"]):
            continue  # "{0}, {1}", "F1", " %": the same in both languages
        if not PLACEHOLDER.search(source):
            exact.add(_normalise(source))
        pattern = source_pattern(source)
        if pattern is not None:
            patterns.append(pattern)
    return exact, patterns


def _latin_words(text: str, allowed: set[str]) -> list[str]:
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # paths
    text = re.sub(r"\S+\.(png|jpe?g|h5|keras|csv|svg|tar\.gz|tgz|tar)\b\)?", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"infinityvision \w+|--[\w-]+", " ", text)  # a command line, as typed in a terminal
    words = re.findall(r"[A-Za-z][A-Za-z0-9_\-]*[A-Za-z0-9]", text)
    return [word for word in words if len(re.sub(r"[^A-Za-z]", "", word)) >= 3 and word.lower() not in allowed]


def english_left(roots, allowed: set[str]) -> list[str]:
    exact, patterns = _english_sources()
    problems = []
    for shown in shown_texts(roots):
        # whole lines too: a message may hold "; " itself ("true class: {0}; the model said: {1}")
        segments = {shown.text, *re.split(r" · |\n+|; ", shown.text), *re.split(r"\n+", shown.text)}
        for segment in segments:
            segment = _normalise(segment)
            if segment and (segment in exact or any(pattern.match(segment) for pattern in patterns)):
                problems.append(f"{shown.where}: {shown.text!r}")
                break
        else:
            if not shown.data:
                words = _latin_words(shown.text, allowed)
                if words:
                    problems.append(f"{shown.where}: English words {words} in {shown.text!r}")
    return problems


def populate(window: MainWindow, qtbot, dropper, tmp_path) -> list:
    """Images classified, the History and Model tabs filled, the heatmap on, an evaluation shown in
    the Evaluation tab, every dialog open (Export Model's too): the windows to walk."""
    paths = write_images(tmp_path / "photos", 4)
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    qtbot.waitUntil(lambda: window.active_summary is not None, timeout=MODEL_TIMEOUT_MS)
    window.tabs.setCurrentWidget(window.history_view)
    qtbot.waitUntil(lambda: window.history_view.model.rowCount() == 4, timeout=WORK_TIMEOUT_MS)
    window.tabs.setCurrentWidget(window.model_view)
    window.tabs.setCurrentWidget(window.classify_view)
    window.recent_menu.aboutToShow.emit()
    feature_windows = open_feature_views(window, qtbot, tmp_path)
    for action in (window.train_action, window.preferences_action, window.about_action, window.help_action):
        action.trigger()
    return [
        window,
        window.training_dialog,
        window.preferences_dialog,
        window.about_dialog,
        window.help_dialog,
        *feature_windows,
    ]


def data_words(window: MainWindow) -> set[str]:
    """Words that come from data, not from the interface: model names and the architecture."""
    provenance = window.active_metadata.provenance or {}
    texts = [
        window.active_metadata.name,
        window.active_metadata.architecture,
        os.path.basename(provenance.get("data", "")),
        *(name for name, _ in window.model_view._known_models),
    ]
    explanation = window.features.explain.shown()
    if explanation is not None:
        texts.append(explanation.layer)  # the heatmap's tooltip names the model's layer
    return {word.lower() for text in texts if text for word in re.findall(r"[A-Za-z0-9_\-]+", text)}


def switch_language(qtbot, language: str, windows) -> None:
    i18n.install(language)
    qtbot.waitUntil(lambda: all(w.windowTitle() != "" for w in windows), timeout=5_000)
    QApplication.processEvents()  # every top-level window has its LanguageChange event
    qtbot.wait(50)


@pytest.mark.parametrize("how", ["built in Ukrainian", "switched to Ukrainian while running"])
def test_no_english_is_left_in_a_ukrainian_window_and_its_dialogs(
    how, make_window, tiny_model_path, qtbot, dropper, tmp_path
):
    if how == "built in Ukrainian":
        i18n.install("uk")
    window = make_window(tiny_model_path)
    windows = populate(window, qtbot, dropper, tmp_path)
    allowed = ALLOWED_WORDS | data_words(window)
    if how != "built in Ukrainian":
        before = english_left(windows, allowed)
        assert len(before) > 150, "the walk must find the English interface before the switch"
        found = "\n".join(before)
        for english in (
            "Evaluation",
            "images classified correctly",
            "true class:",
            "Show All Mistakes",  # the tab
            "Where the model saw",
            "Opacity",  # the heatmap controls
            "Export Model",
            "Cancel Export",
            "Sample images",
        ):  # the Export dialog
            assert english in found, f"the walk must reach {english!r}"
        switch_language(qtbot, "uk", windows)
    assert window.file_menu.title() == "&Файл"
    evaluation = window.features.evaluation_view
    assert window.tabs.tabText(window.tabs.indexOf(evaluation)) == "Оцінювання"
    assert evaluation.summary_label.text().startswith("Точність ")
    assert window.features.explain.panel.status_label.text().startswith("Що вказує на «")
    assert window.features.export_dialog.windowTitle() == "Експорт моделі"
    left = english_left(windows, allowed)
    assert not left, f"{len(left)} texts still in English:\n" + "\n".join(left[:40])


def test_no_english_is_left_in_an_empty_ukrainian_window_without_a_model(make_window, qtbot, tmp_path):
    """The first thing a user may see: no images yet, and no model where the app looked for one."""
    i18n.install("uk")
    window = make_window(tmp_path / "no-model.h5", wait=False)
    qtbot.waitUntil(lambda: window.model_problem != "", timeout=10_000)
    title, text = window.image_view.hint()
    assert title == "Перетягніть сюди фото або теки" and "Немає доступної моделі" in text
    assert window.model_label.text().startswith("Немає моделі")
    window.about_action.trigger()
    left = english_left([window, window.about_dialog], ALLOWED_WORDS | {"no-model"})
    assert not left, "\n".join(left)


def test_the_language_switches_back_to_english_while_running(window, qtbot):
    switch_language(qtbot, "uk", [window])
    assert window.tabs.tabText(0) == "Класифікація"
    switch_language(qtbot, "en", [window])
    assert [window.tabs.tabText(i) for i in range(3)] == ["Classify", "History", "Model"]
    assert window.open_action.text() == "&Open Images…"
    assert window.chart.display_names() == tuple(window.active_metadata.labels)


# ---------------------------------------------------------------- class names


def cifar_prediction(index: int = 3, confidence: float = 0.9, not_sure: bool = False) -> Prediction:
    rest = (1 - confidence) / 9
    probabilities = tuple(confidence if i == index else rest for i in range(10))
    return Prediction(labels=CIFAR10_LABELS, probabilities=probabilities, index=index, not_sure=not_sure)


def test_the_probability_chart_names_the_classes_in_ukrainian_and_follows_a_switch(qtbot):
    chart = ProbabilityChart()
    qtbot.addWidget(chart)
    chart.resize(420, 320)
    chart.show()
    chart.show_prediction(cifar_prediction())
    assert chart.display_names() == CIFAR10_LABELS
    i18n.install("uk")
    qtbot.waitUntil(lambda: chart.display_names() == UKRAINIAN_CLASSES, timeout=5_000)
    assert chart.labels() == CIFAR10_LABELS  # the model's labels are untouched
    chart.canvas.draw()
    renderer = chart.canvas.get_renderer()
    longest = max(chart._names, key=lambda name: name.get_window_extent(renderer).width)
    assert longest.get_window_extent(renderer).x0 >= 0, "the longest Ukrainian class name is cut off on the left"


def test_class_names_are_ukrainian_on_screen_and_english_in_the_csv(window, qtbot, dropper, tmp_path):
    i18n.install("uk")
    qtbot.waitUntil(lambda: window.file_menu.title() == "&Файл", timeout=5_000)
    paths = write_images(tmp_path / "photos", 4)  # cat, dog, frog, ship
    with qtbot.waitSignal(window.sig_work_finished, timeout=WORK_TIMEOUT_MS):
        dropper.drop(window, paths)
    english = {"cat": "кіт", "dog": "собака", "frog": "жаба", "ship": "корабель"}
    for view_row in range(4):
        window.results_table.selectRow(view_row)
        row = window.results_model.row(window.results_table.current_key())
        shown = window.results_model.index_of(row.key, Column.CLASS).data()
        assert shown == english[row.prediction.label]
        assert window.answer_label.text().startswith(f"{shown}, ")
    assert window.status_label.text() == "Класифіковано: 4, пропущено: 0"
    target = tmp_path / "answers.csv"
    assert window.export_csv(target)
    with open(target, encoding="utf-8-sig", newline="") as handle:
        labels = {record["label"] for record in csv.DictReader(handle)}
    assert labels <= set(english)  # the file keeps the model's English labels


def test_not_sure_answers_read_naturally_in_both_languages(window, qtbot):
    prediction = cifar_prediction(index=5, confidence=0.41, not_sure=True)
    assert window.answer_text(prediction) == "Not sure: looks most like a dog (41%)"
    assert window.answer_text(cifar_prediction(index=0, confidence=0.4, not_sure=True)).startswith(
        "Not sure: looks most like an airplane"
    )
    i18n.install("uk")
    assert window.answer_text(prediction) == "Невпевнено: найбільше схоже, що це собака (41%)"
    assert window.answer_text(cifar_prediction(index=9, confidence=0.97)) == "вантажівка, 97%"


@pytest.mark.parametrize(
    "count, text",
    [(1, "1 запис"), (3, "3 записи"), (5, "5 записів"), (21, "21 запис"), (12, "12 записів"), (1234, "1 234 записи")],
)
def test_ukrainian_counts_take_the_right_plural_form(qapp, count, text):
    i18n.install("uk")
    shown = QCoreApplication.translate("HistoryView", "%Ln entry(s)", "", count)
    assert shown.replace("\u00a0", " ").replace("\u202f", " ") == text
    i18n.install("en")
    assert QCoreApplication.translate("HistoryView", "%Ln entry(s)", "", count) == (
        "1 entry" if count == 1 else f"{count:,} entries"
    )


# ---------------------------------------------------------------- the desktop's language

LOCALE_PROBE = r"""
import json, sys
from PySide6.QtCore import QSettings
from infinityvision_desktop.gui import i18n
from infinityvision_desktop.gui.app import create_application
from infinityvision_desktop.gui.main_window import MainWindow
from infinityvision_desktop.gui.settings import Settings
app = create_application()
settings = Settings(QSettings(sys.argv[1], QSettings.Format.IniFormat))
installed = i18n.install(settings.language, app)   # "system" unless Preferences chose one
window = MainWindow(model_path=None, settings=settings)
print(json.dumps({"system": i18n.system_language(), "installed": installed, "menu": window.file_menu.title()}))
window.close()
"""


@pytest.mark.parametrize(
    "locale, expected, menu",
    [("uk_UA.UTF-8", "uk", "&Файл"), ("en_GB.UTF-8", "en", "&File"), ("de_DE.UTF-8", "en", "&File")],
)
def test_the_language_follows_the_desktops_locale(locale, expected, menu, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LANG": locale, "LC_ALL": locale, "LANGUAGE": ""}
    done = subprocess.run(
        [sys.executable, "-c", LOCALE_PROBE, str(tmp_path / "settings.ini")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"system": expected, "installed": expected, "menu": menu}


def test_a_language_chosen_in_preferences_wins_over_the_desktops(tmp_path):
    from PySide6.QtCore import QSettings

    from infinityvision_desktop.gui.settings import Settings

    Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)).language = "en"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LANG": "uk_UA.UTF-8", "LC_ALL": "uk_UA.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-c", LOCALE_PROBE, str(tmp_path / "settings.ini")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"system": "uk", "installed": "en", "menu": "&File"}


def test_dates_and_numbers_follow_the_language(qapp):
    i18n.install("uk")
    assert QLocale().language() == QLocale.Language.Ukrainian
    assert i18n.percent(0.9122) == "91,2%" and i18n.number(10000).replace("\u00a0", " ") == "10 000"
    assert i18n.file_size(18_529_995) == "18,5 МБ"
    i18n.install("en")
    assert i18n.percent(0.9122) == "91.2%" and i18n.number(10000) == "10,000"
    assert i18n.file_size(18_529_995) == "18.5 MB"
