"""File ▸ Open recent: the last files and projects, reopened the way they were read."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu, QWidget

from . import notifications, settings

OpenEntry = Callable[[dict], None]


class RecentFilesMenu(QObject):
    """Fills ``menu`` from the settings each time it opens; ``open_entry(entry)`` opens one."""

    def __init__(self, menu: QMenu, window: QWidget, open_entry: OpenEntry) -> None:
        super().__init__(window)
        self.menu = menu
        self._window = window
        self._open_entry = open_entry
        menu.aboutToShow.connect(self.fill)
        self.fill()

    def follow(self, opener, projects) -> None:
        """Remember every recording ``opener`` reads (with its read options) and every project
        ``projects`` opens or saves."""
        opener.opened.connect(lambda _rec: settings.remember_recent(
            opener.path, opener.fs_hz, opener.channel_spec, opener.read_options))
        for signal in (projects.opened, projects.saved):
            signal.connect(settings.remember_recent)

    def fill(self) -> None:
        self.menu.clear()
        entries = settings.recent_files()
        for number, entry in enumerate(entries, start=1):
            path = Path(entry["path"])
            accel = f"&{number % 10}" if number <= 10 else ""
            action = self.menu.addAction(f"{accel} {path.name}   —   {path.parent}")
            action.setToolTip(str(path))
            action.setData(entry)
            action.triggered.connect(lambda _checked=False, e=entry: self.open(e))
        if not entries:
            self.menu.addAction("No recent files").setEnabled(False)
        self.menu.addSeparator()
        clear = self.menu.addAction("&Clear the list")
        clear.setEnabled(bool(entries))
        clear.triggered.connect(lambda: settings.forget_recent(None))

    def open(self, entry: dict) -> None:
        path = Path(entry["path"])
        if not path.exists():
            settings.forget_recent(str(path))
            notifications.show_warning(self._window, "File not found",
                                       f"{path} no longer exists; it was removed from the recent files.")
            return
        self._open_entry(entry)
