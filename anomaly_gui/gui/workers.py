"""One generic background worker and a runner per task kind.

A core function that takes a ``TaskContext`` runs in a ``QThread``; the runner turns its
progress, epochs, result, failure or cancellation into signals on the GUI thread. Workers never
touch widgets: the caller captures everything the function needs before ``start``.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from ..errors import Cancelled

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05
"""At most ~20 progress signals a second: a training loop reports every batch."""

_orphans: set[tuple[QThread, "Worker"]] = set()
"""Threads that outlived ``shutdown``'s timeout: kept referenced until they end, because a
QThread destroyed while running aborts the process."""


class QtTaskContext:
    """The ``TaskContext`` a worker hands to its core function (thread-safe).

    ``progress`` and ``epoch_finished`` are called from the worker thread and only emit
    signals; cancellation is a ``threading.Event`` so it works while the thread is busy.
    """

    def __init__(self, worker: "Worker") -> None:
        self._worker = worker
        self._cancel = threading.Event()
        self._last_emit = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        fraction = min(max(float(fraction), 0.0), 1.0)
        if fraction < 1.0 and now - self._last_emit < PROGRESS_INTERVAL_S:
            return
        self._last_emit = now
        self._worker.progress.emit(fraction, message)

    def epoch_finished(self, stats: object) -> None:
        """Pass as ``on_epoch`` to training: forwards ``EpochStats`` to the GUI."""
        self._worker.epoch_finished.emit(stats)


class Worker(QObject):
    """Runs ``function(ctx)`` once in the thread it was moved to.

    Signals
    -------
    progress(float, str)
        Fraction in [0, 1] and a short message, throttled.
    epoch_finished(object)
        One ``EpochStats`` per training epoch.
    finished(object)
        The function's return value.
    failed(object)
        The exception the function raised (not ``Cancelled``).
    cancelled()
        The function stopped because cancel was requested.
    done()
        Emitted last in every case; quits the thread.
    """

    progress = Signal(float, str)
    epoch_finished = Signal(object)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    done = Signal()

    def __init__(self, function: Callable[[QtTaskContext], Any], run_id: int) -> None:
        super().__init__()
        self.run_id = run_id
        self.context = QtTaskContext(self)
        self._function = function

    @Slot()
    def run(self) -> None:
        try:
            result = self._function(self.context)
        except Cancelled:
            self.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - every failure goes to the one error route
            self.failed.emit(exc)
        else:
            if self.context.cancel_requested:
                self.cancelled.emit()  # the user asked to stop; honour it even if it just finished
            else:
                self.finished.emit(result)
        finally:
            self._function = None  # drop references to recordings as soon as possible
            self.done.emit()


class TaskRunner(QObject):
    """Runs one kind of task at a time; starting a new run cancels the previous one.

    Results of a run that was cancelled or superseded are dropped (run ids), so a slow old
    run can never overwrite a newer result.

    Signals
    -------
    started(int)
        A run began (its id).
    progress(float, str)
    epoch_finished(object)
    finished(object)
    failed(object)
    cancelled()
    running_changed(bool)
        True when a run starts, False when the current run ends in any way.
    """

    started = Signal(int)
    progress = Signal(float, str)
    epoch_finished = Signal(object)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    running_changed = Signal(bool)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}_runner")
        self._name = name
        self._next_id = 0
        self._current: Worker | None = None
        self._threads: dict[int, tuple[QThread, Worker]] = {}

    @property
    def is_running(self) -> bool:
        return self._current is not None

    @property
    def active_thread_count(self) -> int:
        return len(self._threads)

    def start(self, function: Callable[[QtTaskContext], Any]) -> int:
        """Run ``function(ctx)`` in a new thread; cancel and forget the previous run."""
        self._abandon_current()
        self._next_id += 1
        run_id = self._next_id
        worker = Worker(function, run_id)
        thread = QThread()
        thread.setObjectName(f"{self._name}_thread_{run_id}")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.epoch_finished.connect(self._on_epoch)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        # Direct: quit() is thread-safe, and a queued call would wait for the GUI thread, which
        # may itself be blocked in shutdown() waiting for this thread.
        worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        thread.finished.connect(self._on_thread_finished)
        # Keep Python references until the thread has really ended: a QThread collected while
        # running aborts the process.
        self._threads[run_id] = (thread, worker)
        self._current = worker
        thread.start()
        self.started.emit(run_id)
        self.running_changed.emit(True)
        return run_id

    def cancel(self) -> None:
        """Ask the current run to stop; ``cancelled`` follows when it has."""
        if self._current is not None:
            self._current.context.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything, wait up to ``timeout_ms`` for the threads, disconnect.

        Returns True when every thread ended in time.
        """
        self._abandon_current()
        deadline = time.monotonic() + timeout_ms / 1000
        all_ended = True
        for run_id, (thread, worker) in list(self._threads.items()):
            worker.context.cancel()
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            _disconnect_all(worker)
            self._threads.pop(run_id, None)
            if not thread.wait(remaining):
                all_ended = False
                log.warning("%s did not stop within %d ms", thread.objectName(), timeout_ms)
                _keep_until_finished(thread, worker)
        return all_ended

    # -- slots: every one checks that its sender is the current run -------------------------
    def _is_current(self) -> bool:
        sender = self.sender()
        return sender is not None and self._current is not None and sender is self._current

    @Slot(float, str)
    def _on_progress(self, fraction: float, message: str) -> None:
        if self._is_current():
            self.progress.emit(fraction, message)

    @Slot(object)
    def _on_epoch(self, stats: object) -> None:
        if self._is_current():
            self.epoch_finished.emit(stats)

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        if self._is_current():
            self._current = None
            self.running_changed.emit(False)
            self.finished.emit(result)

    @Slot(object)
    def _on_failed(self, exc: object) -> None:
        if self._is_current():
            self._current = None
            self.running_changed.emit(False)
            self.failed.emit(exc)

    @Slot()
    def _on_cancelled(self) -> None:
        if self._is_current():
            self._current = None
            self.running_changed.emit(False)
            self.cancelled.emit()

    @Slot()
    def _on_thread_finished(self) -> None:
        for run_id, (thread, _worker) in list(self._threads.items()):
            if thread.isFinished():
                self._threads.pop(run_id, None)

    def _abandon_current(self) -> None:
        """Cancel the current run and stop listening to it (its thread finishes on its own)."""
        worker = self._current
        if worker is None:
            return
        worker.context.cancel()
        self._current = None
        self.running_changed.emit(False)


def _keep_until_finished(thread: QThread, worker: Worker) -> None:
    pair = (thread, worker)
    _orphans.add(pair)
    # Direct: the owner of the runner (and the GUI loop) may already be gone.
    thread.finished.connect(lambda: _orphans.discard(pair), Qt.ConnectionType.DirectConnection)


def _disconnect_all(worker: Worker) -> None:
    for signal in (worker.progress, worker.epoch_finished, worker.finished, worker.failed,
                   worker.cancelled):  # not done: it is what quits the thread
        try:
            signal.disconnect()
        except (RuntimeError, TypeError):
            pass
