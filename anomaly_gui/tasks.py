"""Progress reporting and cancellation for long-running core functions.

Core functions take a ``TaskContext``; the CLI passes a text context, the GUI
one that emits Qt signals, tests a fake. Nothing here imports Qt.
"""

from __future__ import annotations

import threading
from typing import Protocol

from .errors import Cancelled


class TaskContext(Protocol):
    def progress(self, fraction: float, message: str = "") -> None:
        """Report overall progress in [0, 1] with a short message."""

    def check_cancelled(self) -> None:
        """Raise ``Cancelled`` if the user asked to stop."""


class SimpleTask:
    """A thread-safe context: a cancel flag and an optional progress callback."""

    def __init__(self, on_progress=None) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def progress(self, fraction: float, message: str = "") -> None:
        if self._on_progress is not None:
            self._on_progress(min(max(float(fraction), 0.0), 1.0), message)

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


class SubTask:
    """Maps the progress of a sub-step onto the range [start, stop] of its parent."""

    def __init__(self, parent: TaskContext, start: float, stop: float) -> None:
        self._parent = parent
        self._start = start
        self._span = stop - start

    def progress(self, fraction: float, message: str = "") -> None:
        self._parent.progress(self._start + self._span * min(max(fraction, 0.0), 1.0), message)

    def check_cancelled(self) -> None:
        self._parent.check_cancelled()


def sub(ctx: TaskContext, start: float, stop: float) -> SubTask:
    """Return a context whose progress fills [start, stop] of ``ctx``."""
    return SubTask(ctx, start, stop)


class _NullTask:
    """A context that reports nowhere and is never cancelled."""

    def progress(self, fraction: float, message: str = "") -> None:
        pass

    def check_cancelled(self) -> None:
        pass


NULL_TASK: TaskContext = _NullTask()
