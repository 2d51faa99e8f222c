"""The app's persistent settings: one small typed wrapper over QSettings.

Every key is read with a default and a type, so a settings file edited by hand or written by
an older version cannot hand the window a value of the wrong kind.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings

from infinityvision_desktop import APP_NAME, ORGANIZATION

MAX_RECENT_FILES = 10
MAX_HISTORY_DAYS = 36500  # "forget after" is capped at a century; 0 means never
SYSTEM = "system"  # follow the desktop (language from its locale, theme from its palette)
LANGUAGES = ("en", "uk")
THEMES = ("light", "dark")
# A "not sure" threshold of 0 would call everything sure and 1 nothing: the override stays inside.
MIN_THRESHOLD, MAX_THRESHOLD = 0.01, 0.99


class Settings:
    """Window state, folders, recent files, the active model, language, theme, the "not sure"
    threshold override and the History options. Pass a QSettings to use another store."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings(ORGANIZATION, APP_NAME)

    # --- window state ---

    @property
    def window_geometry(self) -> QByteArray:
        return self._bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._store.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._store.setValue("window/state", value)

    def splitter_state(self, name: str) -> QByteArray:
        return self._bytes(f"window/splitter/{name}")

    def set_splitter_state(self, name: str, value: QByteArray) -> None:
        self._store.setValue(f"window/splitter/{name}", value)

    # --- files ---

    @property
    def last_folder(self) -> str:
        """Where the last images or folder were opened from ('' if unknown or gone)."""
        return self._folder("files/last_folder")

    @last_folder.setter
    def last_folder(self, folder: str) -> None:
        self._store.setValue("files/last_folder", os.fspath(folder))

    @property
    def last_save_folder(self) -> str:
        """Where the last export was saved ('' if unknown or gone): exports go there again."""
        return self._folder("files/last_save_folder")

    @last_save_folder.setter
    def last_save_folder(self, folder: str) -> None:
        self._store.setValue("files/last_save_folder", os.fspath(folder))

    @property
    def recent_files(self) -> list[str]:
        value = self._store.value("files/recent", [], type=list)
        return [str(item) for item in value if item][:MAX_RECENT_FILES]

    def add_recent_file(self, path: str) -> None:
        path = os.path.abspath(os.fspath(path))
        recent = [path] + [item for item in self.recent_files if item != path]
        self._store.setValue("files/recent", recent[:MAX_RECENT_FILES])

    def clear_recent_files(self) -> None:
        self._store.remove("files/recent")

    # --- teach projects ---

    @property
    def recent_teach_projects(self) -> list[str]:
        """Teach project folders, the latest first (only those that still exist)."""
        value = self._store.value("teach/recent_projects", [], type=list)
        return [str(item) for item in value if item and os.path.isdir(str(item))][:MAX_RECENT_FILES]

    def add_recent_teach_project(self, folder: str) -> None:
        folder = os.path.abspath(os.fspath(folder))
        recent = [folder] + [item for item in self.recent_teach_projects if item != folder]
        self._store.setValue("teach/recent_projects", recent[:MAX_RECENT_FILES])

    # --- history ---

    @property
    def history_enabled(self) -> bool:
        """Record every classified image in the History (on unless turned off)."""
        return self._store.value("history/enabled", True, type=bool)

    @history_enabled.setter
    def history_enabled(self, enabled: bool) -> None:
        self._store.setValue("history/enabled", bool(enabled))

    @property
    def history_forget_days(self) -> int:
        """Entries older than this many days are forgotten when the app starts; 0: never."""
        try:
            days = int(self._store.value("history/forget_after_days", 0, type=int))
        except (TypeError, ValueError):  # a hand-edited "30 days"
            return 0
        return min(max(days, 0), MAX_HISTORY_DAYS)

    @history_forget_days.setter
    def history_forget_days(self, days: int) -> None:
        self._store.setValue("history/forget_after_days", min(max(int(days), 0), MAX_HISTORY_DAYS))

    # --- the model ---

    @property
    def active_model(self) -> str:
        """The model file last made active ('' if none was saved or the file is gone)."""
        path = self._store.value("model/active", "", type=str)
        return path if path and os.path.isfile(path) else ""

    @active_model.setter
    def active_model(self, path: str) -> None:
        self._store.setValue("model/active", os.path.abspath(os.fspath(path)) if path else "")

    @property
    def not_sure_threshold(self) -> float | None:
        """The user's own "not sure" threshold (a probability), or None to use each model's own."""
        if not self._store.value("classify/not_sure_override", False, type=bool):
            return None
        try:
            value = float(self._store.value("classify/not_sure_threshold", 0.5, type=float))
        except (TypeError, ValueError):
            return None
        return min(max(value, MIN_THRESHOLD), MAX_THRESHOLD)

    @not_sure_threshold.setter
    def not_sure_threshold(self, value: float | None) -> None:
        self._store.setValue("classify/not_sure_override", value is not None)
        if value is not None:
            self._store.setValue("classify/not_sure_threshold", min(max(float(value), MIN_THRESHOLD), MAX_THRESHOLD))

    # --- appearance ---

    @property
    def language(self) -> str:
        """'en', 'uk', or 'system' (the desktop's language when it is one of those, else English)."""
        value = self._store.value("appearance/language", SYSTEM, type=str)
        return value if value in LANGUAGES else SYSTEM

    @language.setter
    def language(self, value: str) -> None:
        self._store.setValue("appearance/language", value if value in LANGUAGES else SYSTEM)

    @property
    def theme(self) -> str:
        """'light', 'dark', or 'system': the window's palette, which the charts follow."""
        value = self._store.value("appearance/theme", SYSTEM, type=str)
        return value if value in THEMES else SYSTEM

    @theme.setter
    def theme(self, value: str) -> None:
        self._store.setValue("appearance/theme", value if value in THEMES else SYSTEM)

    def sync(self) -> None:
        self._store.sync()

    def _folder(self, key: str) -> str:
        folder = self._store.value(key, "", type=str)
        return folder if folder and os.path.isdir(folder) else ""

    def _bytes(self, key: str) -> QByteArray:
        value = self._store.value(key, QByteArray(), type=QByteArray)
        return value if isinstance(value, QByteArray) else QByteArray()
