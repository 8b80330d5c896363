"""The window's review session: a Qt-free ``Session``, its ``CommandStack`` and its ``Autosave``.

Every edit is a command pushed here; the session's change callbacks become Qt signals, so
widgets follow the session and never each other. Undo/redo, the title's '*' and the autosave
journal all come from the one stack. A timer asks the autosave every half second whether its
debounced snapshot is due.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ..errors import AnomalyGuiError
from ..segments import SegmentEditError
from ..session.autosave import Autosave
from ..session.session import Session
from ..session.stack import Command, CommandStack
from . import notifications, settings

AUTOSAVE_DELAY_S = 2.0
AUTOSAVE_TICK_MS = 500


class SessionController(QObject):
    """Holds the current session (or None) and runs every edit of it.

    Signals
    -------
    session_replaced(object)
        A new ``Session`` is shown (None: no session).
    segments_edited(object)
        ``{"removed": ids, "added": ids}`` after the segments changed.
    scores_changed(object)
        The session's scores were swapped (re-detection, retraining, their undo).
    threshold_changed(object)
        The threshold changed (float or None).
    labels_changed(list)
        The label set changed.
    stack_changed()
        Undo/redo availability or texts, or the saved state, changed.
    command_pushed(object)
        A command was done (not undo/redo), e.g. to show what it changed.
    """

    session_replaced = Signal(object)
    segments_edited = Signal(object)
    scores_changed = Signal(object)
    threshold_changed = Signal(object)
    labels_changed = Signal(list)
    stack_changed = Signal()
    command_pushed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session: Session | None = None
        self.stack: CommandStack | None = None
        self.autosave: Autosave | None = None
        self.recovery_dir: Path | None = None
        """Where autosave writes (None: ``settings.recovery_dir()``)."""
        self._autosave_warned = False
        self._timer = QTimer(self)
        self._timer.setInterval(AUTOSAVE_TICK_MS)
        self._timer.timeout.connect(self.tick)

    # -- state ------------------------------------------------------------------------------
    @property
    def is_modified(self) -> bool:
        """Unsaved work: edits since the last save, or a session never saved at all."""
        if self.session is None or self.stack is None:
            return False
        return self.stack.modified or self.session.project_path is None

    @property
    def project_name(self) -> str:
        if self.session is None or self.session.project_path is None:
            return "Untitled"
        return Path(self.session.project_path).stem

    # -- replacing the session ----------------------------------------------------------------
    def set_session(self, session: Session, stack: CommandStack | None = None, *,
                    autosave_key: str | None = None, snapshot_now: bool = False) -> None:
        """Show ``session`` (with ``stack``, e.g. a recovered one); autosave starts. The old
        session's recovery files are removed (the caller asked about unsaved work first)."""
        self._close_current(keep_recovery=False)
        self.session = session
        self.stack = stack if stack is not None else CommandStack(session)
        session.on_change.append(self._on_session_change)
        self.stack.changed.append(self._on_stack_changed)
        folder = self.recovery_dir if self.recovery_dir is not None else settings.recovery_dir()
        self.autosave = Autosave(session, self.stack, folder, delay_s=AUTOSAVE_DELAY_S, key=autosave_key)
        self.autosave.on_error.append(self._on_autosave_error)
        self._autosave_warned = False
        if snapshot_now:
            self._write_snapshot()
        self._timer.start()
        self.session_replaced.emit(session)
        self.stack_changed.emit()

    def clear(self, keep_recovery: bool = False) -> None:
        """Close the session (its recovery files go unless ``keep_recovery``)."""
        if self.session is None:
            return
        self._close_current(keep_recovery)
        self.session_replaced.emit(None)
        self.stack_changed.emit()

    def _close_current(self, keep_recovery: bool) -> None:
        self._timer.stop()
        if self.autosave is not None:
            self.autosave.close(keep_files=keep_recovery)
        if self.session is not None and self._on_session_change in self.session.on_change:
            self.session.on_change.remove(self._on_session_change)
        if self.stack is not None and self._on_stack_changed in self.stack.changed:
            self.stack.changed.remove(self._on_stack_changed)
        self.session = self.stack = self.autosave = None

    def shutdown(self, keep_recovery: bool = False) -> None:
        """The window closes: stop the timer, remove recovery files unless ``keep_recovery``."""
        self._close_current(keep_recovery)

    # -- editing ----------------------------------------------------------------------------
    def push(self, command: Command) -> bool:
        """Do ``command``; False (and a message) when it cannot be done or changed nothing."""
        if self.stack is None:
            notifications.show_status(self._widget(), "Nothing to edit yet: run a detection or open a project.")
            return False
        try:
            done = self.stack.push(command)
        except SegmentEditError as exc:  # a gesture that does not fit: say so, no dialog
            notifications.show_status(self._widget(), str(exc), 10000)
            return False
        except Exception as exc:  # noqa: BLE001 - one route for every error
            notifications.report_error(exc, self._widget(), "Cannot apply the edit")
            return False
        if done:
            self.command_pushed.emit(command)
        return done

    def undo(self) -> bool:
        return self._step("undo")

    def redo(self) -> bool:
        return self._step("redo")

    def _step(self, op: str) -> bool:
        if self.stack is None:
            return False
        text = self.stack.undo_text if op == "undo" else self.stack.redo_text
        try:
            done = self.stack.undo() if op == "undo" else self.stack.redo()
        except Exception as exc:  # noqa: BLE001
            notifications.report_error(exc, self._widget(), f"Cannot {op}")
            return False
        if done:
            notifications.show_status(self._widget(), text, 4000)
        return done

    # -- saving -----------------------------------------------------------------------------
    def mark_saved(self) -> None:
        """The session was just saved as a project: clean stack, no recovery files needed."""
        if self.stack is None:
            return
        self.autosave.saved()
        self.stack.set_clean()  # emits stack_changed through the stack's callback

    def tick(self) -> None:
        """The timer: write the autosave snapshot when edits have paused long enough."""
        if self.autosave is not None:
            self.autosave.flush_if_due()

    def flush_autosave(self) -> None:
        """Write the snapshot now (tests, or before something risky)."""
        if self.autosave is not None:
            self._write_snapshot()

    def _write_snapshot(self) -> None:
        try:
            self.autosave.flush()
        except (OSError, AnomalyGuiError) as exc:
            self._on_autosave_error(exc)

    # -- callbacks --------------------------------------------------------------------------
    def _on_session_change(self, kind: str, payload) -> None:
        if kind == "segments":
            self.segments_edited.emit(payload)
        elif kind == "scores":
            self.scores_changed.emit(payload)
        elif kind == "threshold":
            self.threshold_changed.emit(payload)
        elif kind == "labels":
            self.labels_changed.emit(list(payload))

    def _on_stack_changed(self) -> None:
        self.stack_changed.emit()

    def _on_autosave_error(self, exc: Exception) -> None:
        if not self._autosave_warned:  # once per session: the next write tries again anyway
            self._autosave_warned = True
            notifications.show_status(self._widget(), f"Autosave failed: {exc}", 15000)

    def _widget(self):
        parent = self.parent()
        while parent is not None and not hasattr(parent, "window"):
            parent = parent.parent()
        return parent
