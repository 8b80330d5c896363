"""The one route for errors and messages to the user.

Expected errors (``AnomalyGuiError``) become a one-line warning; ``Cancelled`` becomes a status
bar message; anything else (including ``sys.excepthook``, ``threading.excepthook`` and worker
failures) becomes one dialog with the traceback and versions. ``show_warning`` and
``show_traceback`` are module functions so tests can replace them; ``set_headless_sink`` sends
every message to one callable instead (screenshot mode: print a line and exit, never block).
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from ..errors import AnomalyGuiError, Cancelled

log = logging.getLogger(__name__)

_headless_sink: Callable[[str], None] | None = None


def set_headless_sink(sink: Callable[[str], None] | None) -> None:
    """Send every error to ``sink(one_line)`` instead of showing a dialog (None: dialogs again)."""
    global _headless_sink
    _headless_sink = sink


def one_line(exc: BaseException) -> str:
    """The message of an error on one line, as the CLI would print it."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, AnomalyGuiError):
        return text
    return f"unexpected {type(exc).__name__}: {text}"


def report_error(exc: BaseException, parent: QWidget | None = None, title: str = "Error") -> None:
    """Show ``exc`` to the user in the way its kind deserves; never raises."""
    try:
        if _headless_sink is not None:
            _headless_sink(one_line(exc))
        elif isinstance(exc, Cancelled):
            show_status(parent, str(exc))
        elif isinstance(exc, AnomalyGuiError):
            show_warning(parent, title, str(exc))
        else:
            log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
            show_traceback(parent, exc)
    except Exception:  # noqa: BLE001 - reporting must not raise into Qt's event loop
        log.exception("could not report an error")


def show_status(parent: QWidget | None, text: str, timeout_ms: int = 8000) -> None:
    """A transient message in the status bar of ``parent``'s main window."""
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, timeout_ms)


def show_warning(parent: QWidget | None, title: str, text: str) -> None:
    """One-line message for an expected error (tests replace this function)."""
    QMessageBox.warning(parent, title, text)


def show_traceback(parent: QWidget | None, exc: BaseException) -> None:
    """The dialog for unexpected errors (tests replace this function)."""
    from .dialogs.error_dialog import build_error_box

    build_error_box(parent, exc).exec()


class _ExceptionBridge(QObject):
    """Carries exceptions from any thread to the GUI thread (a queued signal)."""

    raised = Signal(object)

    def __init__(self, parent_widget: QWidget | None) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self.raised.connect(self._report)

    @Slot(object)
    def _report(self, exc: BaseException) -> None:
        report_error(exc, self._parent_widget)


def install_excepthooks(parent: QWidget | None) -> Callable[[], None]:
    """Route uncaught exceptions (main and other threads) to ``report_error``.

    Returns a function that restores the previous hooks.
    """
    bridge = _ExceptionBridge(parent)
    previous_sys, previous_threading = sys.excepthook, threading.excepthook

    def sys_hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            previous_sys(exc_type, exc, tb)
            return
        bridge.raised.emit(exc.with_traceback(tb) if exc is not None else exc_type())

    def threading_hook(args):
        if args.exc_value is not None:
            bridge.raised.emit(args.exc_value)

    sys.excepthook = sys_hook
    threading.excepthook = threading_hook

    def restore() -> None:
        sys.excepthook = previous_sys
        threading.excepthook = previous_threading

    return restore
