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


class Settings:
    """Window state, last folder and recent files. Pass a QSettings to use another store."""

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
        folder = self._store.value("files/last_folder", "", type=str)
        return folder if folder and os.path.isdir(folder) else ""

    @last_folder.setter
    def last_folder(self, folder: str) -> None:
        self._store.setValue("files/last_folder", os.fspath(folder))

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

    def sync(self) -> None:
        self._store.sync()

    def _bytes(self, key: str) -> QByteArray:
        value = self._store.value(key, QByteArray(), type=QByteArray)
        return value if isinstance(value, QByteArray) else QByteArray()
