"""Projects in the window: save, save as, open (also by File ▸ Open or drop), unsaved-changes
questions, and recovery of sessions that a crash left behind.

Opening and recovering read the recording and the model in a worker; when the recording has
moved the user is asked where it is and the open is retried with that file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ..session.autosave import discard_recovery, find_recoverable, recover_with_stack
from ..session.project import PROJECT_SUFFIX, SourceChangedError, SourceMissingError, open_project, save_project
from . import file_dialogs, notifications, settings
from .channel_layout import ChannelLayout
from .dialogs import review_prompts
from .workers import TaskRunner

PROJECT_FILTER = f"Anomaly GUI project (*{PROJECT_SUFFIX})"


def is_project(path: str | Path) -> bool:
    return Path(path).suffix.lower() == PROJECT_SUFFIX


class ProjectManager(QObject):
    """Save/open/recover for one window's ``Document``.

    Signals
    -------
    saved(str)
        The project was written to this path.
    opened(str)
        A project (or a recovered session) is shown; the path it came from.
    """

    saved = Signal(str)
    opened = Signal(str)

    def __init__(self, document, view, window: QWidget) -> None:
        super().__init__(window)
        self.document = document
        self.view = view
        self.window = window
        self.runner = TaskRunner("project", self)
        self.runner.finished.connect(self._on_loaded)
        self.runner.failed.connect(self._on_failed)
        self._request: dict | None = None

    # -- saving -----------------------------------------------------------------------------
    def save(self) -> bool:
        """Save to the session's project file (asks for one the first time)."""
        session = self.document.session
        if session is None:
            notifications.show_status(self.window, "Nothing to save yet: run a detection first.")
            return False
        if session.project_path is None:
            return self.save_as()
        return self._save_to(session.project_path)

    def save_as(self) -> bool:
        session = self.document.session
        if session is None:
            notifications.show_status(self.window, "Nothing to save yet: run a detection first.")
            return False
        stem = Path(session.project_path).stem if session.project_path else (
            Path(session.source_path).stem if session.source_path else "review")
        path = file_dialogs.save_path(self.window, "Save project", f"{stem}{PROJECT_SUFFIX}", PROJECT_FILTER)
        return self._save_to(path) if path else False

    def _save_to(self, path) -> bool:
        session = self.document.session
        x0, x1 = self.view.x_range()
        session.set_view_state(x_range=[x0, x1], channels=self.view.channel_layout.to_dict())
        try:
            written = save_project(session, path)
        except Exception as exc:  # noqa: BLE001 - one route for every error
            notifications.report_error(exc, self.window, "Could not save the project")
            return False
        self.document.review.mark_saved()
        settings.remember_directory(written)
        notifications.show_status(self.window, f"Saved project {written}")
        self.saved.emit(str(written))
        return True

    def keep_changes(self) -> bool:
        """Before the session is closed: True when it may go (saved, discarded or unchanged)."""
        if not self.document.review.is_modified:
            return True
        answer = review_prompts.ask_unsaved(self.window, self.document.review.project_name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    # -- opening ----------------------------------------------------------------------------
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open project", settings.last_directory(), PROJECT_FILTER)
        if path:
            self.open(path)

    def open(self, path: str | Path, source_override: str | None = None, allow_changed: bool = False,
             ask: bool = True) -> None:
        """Open a project in the background (asks about unsaved work first)."""
        if ask and not self.keep_changes():
            return
        path = str(path)
        self._request = {"kind": "project", "path": path, "source": source_override, "allow_changed": allow_changed}
        notifications.show_status(self.window, f"Opening {Path(path).name}…", 30000)
        self.runner.start(lambda ctx: ("project", path, open_project(path, source_override,
                                                                     allow_changed_source=allow_changed), None))

    # -- recovery ---------------------------------------------------------------------------
    def recovery_folder(self) -> Path:
        review = self.document.review
        return review.recovery_dir if review.recovery_dir is not None else settings.recovery_dir()

    def offer_recovery(self) -> bool:
        """Offer each session a crash left behind (newest first); True when one is recovered."""
        for entry in find_recoverable(self.recovery_folder()):
            answer = review_prompts.ask_recovery(self.window, entry)
            if answer == "recover":
                if not self.keep_changes():
                    return False
                self.recover(entry)
                return True
            if answer == "discard":
                discard_recovery(entry)
                continue
            return False
        return False

    def recover(self, entry, source_override: str | None = None) -> None:
        self._request = {"kind": "recovery", "entry": entry, "source": source_override}
        notifications.show_status(self.window, "Recovering the unsaved session…", 30000)
        self.runner.start(lambda ctx: ("recovery", str(entry.folder), *recover_with_stack(entry, source_override)))

    # -- results ----------------------------------------------------------------------------
    def _on_loaded(self, loaded) -> None:
        kind, origin, session, stack = loaded
        key = Path(origin).name if kind == "recovery" else None
        self.document.show_session(session, stack, autosave_key=key)
        x_range = session.view_state.get("x_range")
        if x_range and len(x_range) == 2:
            self.view.set_x_range(float(x_range[0]), float(x_range[1]))
        layout = ChannelLayout.from_dict(session.view_state.get("channels") or {}, len(session.channel_names))
        if layout is not None:
            self.view.apply_channel_layout(layout)
        if session.source_path is not None:
            settings.remember_directory(session.source_path)
        if kind == "project":
            settings.remember_directory(origin)
        what = "Recovered the unsaved session" if kind == "recovery" else f"Opened {Path(origin).name}"
        notifications.show_status(self.window, " · ".join([what, *session.notices]), 15000)
        self.opened.emit(origin)

    def _on_failed(self, exc: BaseException) -> None:
        request = self._request or {}
        if isinstance(exc, SourceMissingError):
            new = review_prompts.ask_source_location(self.window, exc.expected_path)
            if new:
                self._retry(request, source=new)
                return
            notifications.show_status(self.window, "Opening was cancelled: the recording was not found.")
            return
        if isinstance(exc, SourceChangedError) and request.get("kind") == "project":
            if review_prompts.ask_open_changed_source(self.window, str(exc)):
                self._retry(request, allow_changed=True)
            return
        notifications.report_error(exc, self.window, "Could not open the project")

    def _retry(self, request: dict, source: str | None = None, allow_changed: bool = False) -> None:
        if request.get("kind") == "recovery":
            self.recover(request["entry"], source or request.get("source"))
        else:
            self.open(request["path"], source or request.get("source"),
                      allow_changed or request.get("allow_changed", False), ask=False)
