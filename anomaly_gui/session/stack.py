"""The Qt-free undo stack (glue's ``CommandStack`` model) and the command base class.

A command computes a ``Patch`` the first time it runs and afterwards applies that patch or
its inverse, so undo and redo repeat exactly the same change.
"""

from __future__ import annotations

from typing import Callable

from .session import Patch, Session


class Command:
    """Base class: subclasses implement ``build(session) -> Patch`` and set ``description``."""

    description = "Edit"

    def __init__(self) -> None:
        self.patch: Patch | None = None

    def build(self, session: Session) -> Patch:
        raise NotImplementedError

    def do(self, session: Session) -> None:
        if self.patch is None:
            self.patch = self.build(session)
        session.apply(self.patch)

    def undo(self, session: Session) -> None:
        session.apply(self.patch.inverted())

    def merge_with(self, newer: "Command") -> bool:
        """Absorb ``newer`` (already done) into this command; True if it did."""
        return False

    @property
    def is_empty(self) -> bool:
        p = self.patch
        return p is not None and not p.removed and not p.added and not p.fields


class CommandStack:
    """Undo/redo for one session.

    ``changed``: callables run with no argument after every push, undo, redo, clean-state
    change or clear (menus, title bar). ``on_applied``: callables ``(op, command, patch,
    merged)`` run after each change of the session, ``op`` being ``"do"``, ``"undo"`` or
    ``"redo"`` and ``patch`` the change just applied (the autosave journals it).
    """

    def __init__(self, session: Session, limit: int | None = None) -> None:
        self.session = session
        self.limit = limit
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._clean: int | None = 0
        self.changed: list[Callable[[], None]] = []
        self.on_applied: list[Callable[[str, Command, Patch, bool], None]] = []

    # -- state -------------------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_text(self) -> str:
        return f"Undo {self._done[-1].description}" if self._done else "Undo"

    @property
    def redo_text(self) -> str:
        return f"Redo {self._undone[-1].description}" if self._undone else "Redo"

    @property
    def is_clean(self) -> bool:
        return self._clean == len(self._done)

    @property
    def modified(self) -> bool:
        return not self.is_clean

    def __len__(self) -> int:
        return len(self._done)

    def descriptions(self) -> list[str]:
        """What undo would take back, most recent last (a history panel)."""
        return [c.description for c in self._done]

    def set_clean(self) -> None:
        """Mark the current state as saved."""
        self._clean = len(self._done)
        self._emit_changed()

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self._clean = 0
        self._emit_changed()

    # -- changing ----------------------------------------------------------------------------
    def push(self, command: Command) -> bool:
        """Do ``command`` and record it; False (nothing recorded) when it changed nothing."""
        command.do(self.session)
        if command.is_empty:
            return False
        if self._undone:
            self._undone.clear()
            if self._clean is not None and self._clean > len(self._done):
                self._clean = None
        merged = bool(self._done) and self._clean != len(self._done) and self._done[-1].merge_with(command)
        if not merged:
            self._done.append(command)
            if self.limit is not None and len(self._done) > self.limit:
                del self._done[0]
                self._clean = None if self._clean in (None, 0) else self._clean - 1
        self._emit_applied("do", command, command.patch, merged)
        return True

    def undo(self) -> bool:
        if not self._done:
            return False
        command = self._done[-1]
        command.undo(self.session)
        self._undone.append(self._done.pop())
        self._emit_applied("undo", command, command.patch.inverted(), False)
        return True

    def redo(self) -> bool:
        if not self._undone:
            return False
        command = self._undone[-1]
        command.do(self.session)
        self._done.append(self._undone.pop())
        self._emit_applied("redo", command, command.patch, False)
        return True

    def _emit_applied(self, op: str, command: Command, patch: Patch, merged: bool) -> None:
        for callback in list(self.on_applied):
            callback(op, command, patch, merged)
        self._emit_changed()

    def _emit_changed(self) -> None:
        for callback in list(self.changed):
            callback()


class PatchCommand(Command):
    """A command that replays a recorded patch (journal recovery)."""

    def __init__(self, patch: Patch, description: str = "Edit") -> None:
        super().__init__()
        self.patch = patch
        self.description = description

    def merge_with(self, newer: Command) -> bool:
        return False

