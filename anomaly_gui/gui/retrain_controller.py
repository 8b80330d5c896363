""""Retrain with my review": fit the detector again on what the reviewer called normal, in a
worker, then swap the new detection in as one undoable command that keeps the review."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..errors import DataError
from ..session.session import Session
from . import notifications
from .workers import QtTaskContext, TaskRunner


def review_copy(session: Session) -> Session:
    """What the worker reads: the segments as they are now (the user may go on editing)."""
    return Session(session.fs_hz, session.n_samples, recording=session.recording,
                   detection=dict(session.detection), segments=list(session.segment_list),
                   channel_names=list(session.channel_names), labels=list(session.labels))


def retrain(session: Session, ctx: QtTaskContext):
    """The core retraining with the worker's context (imports torch only now)."""
    import torch

    from ..session.review_training import retrain_with_review

    torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))  # one core stays with the GUI
    return retrain_with_review(session, ctx, on_epoch=ctx.epoch_finished)


class RetrainController(QObject):
    """One retraining at a time for the window's session.

    Signals
    -------
    retrained(object)
        The ``SegmentDiff`` of the applied change (kept/added/removed).
    run_ended(str)
        "finished", "cancelled" or "failed".
    """

    retrained = Signal(object)
    run_ended = Signal(str)

    def __init__(self, document, window: QWidget) -> None:
        super().__init__(window)
        self.document = document
        self.window = window
        self.runner = TaskRunner("retrain", self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self._session_at_start: Session | None = None
        document.review.session_replaced.connect(lambda _s: self.runner.cancel())

    @property
    def is_running(self) -> bool:
        return self.runner.is_running

    def start(self) -> bool:
        session = self.document.session
        try:
            if session is None:
                raise DataError("Run a detection first: retraining learns from your review of its segments.")
            if session.recording is None:
                raise DataError("The recording is not loaded; retraining needs its samples.")
        except DataError as exc:
            notifications.report_error(exc, self.window, "Cannot retrain")
            return False
        self._session_at_start = session
        copy = review_copy(session)
        self.runner.start(lambda ctx: retrain(copy, ctx))
        return True

    def cancel(self) -> None:
        self.runner.cancel()

    def _on_finished(self, outcome) -> None:
        from ..session.review_training import replace_command

        result, _preview = outcome
        session = self.document.session
        if session is None or session is not self._session_at_start:
            return
        command = replace_command(session, result)  # against the review as it is now
        if not self.document.review.push(command):
            self.run_ended.emit("failed")
            return
        text = f"Retrained with your review: {command.diff.describe()} (Ctrl+Z undoes it)"
        notifications.show_status(self.window, text, 20000)
        self.retrained.emit(command.diff)
        self.run_ended.emit("finished")

    def _on_failed(self, exc: BaseException) -> None:
        notifications.report_error(exc, self.window, "Retraining failed")
        self.run_ended.emit("failed")

    def _on_cancelled(self) -> None:
        notifications.show_status(self.window, "Retraining cancelled")
        self.run_ended.emit("cancelled")


def connect_bar(controller: RetrainController, bar) -> None:
    """Show ``controller``'s runs on a ``ReviewBar`` (progress, Cancel, the outcome)."""
    runner = controller.runner
    bar.retrain_requested.connect(controller.start)
    bar.cancel_requested.connect(controller.cancel)
    runner.running_changed.connect(bar.set_running)
    runner.progress.connect(bar.show_progress)
    controller.retrained.connect(lambda diff: bar.show_message(
        f"Retrained with your review: {diff.describe()}. Ctrl+Z undoes it."))

    def ended(how: str) -> None:
        if how != "finished":
            bar.show_message(f"Retraining {how}.")

    controller.run_ended.connect(ended)
    controller.document.review.session_replaced.connect(lambda s: bar.set_session_loaded(s is not None))
