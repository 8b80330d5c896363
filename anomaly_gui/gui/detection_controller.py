"""Starts detection runs in the background and puts their results into the document."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..detect.config import DetectionConfig
from ..errors import DataError
from ..recording import Recording
from . import notifications
from .document import Document
from .workers import QtTaskContext, TaskRunner


def detect(recording: Recording, config: DetectionConfig, source, ctx: QtTaskContext):
    """The core pipeline with the worker's context (imports torch only now)."""
    import torch

    from ..detect.pipeline import run_detection

    # Leave one core to the GUI thread: with every core in torch's thread pool the event
    # loop starves and the window stutters while training.
    torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))
    return run_detection(recording, config, source, ctx, on_epoch=ctx.epoch_finished)


class DetectionController(QObject):
    """One detection at a time; its result replaces the previous one only when it succeeds.

    Signals
    -------
    notices_changed(list)
        Lines to show the user after a run (e.g. the reference was resampled).
    run_ended(str)
        "finished", "cancelled" or "failed".
    """

    notices_changed = Signal(list)
    run_ended = Signal(str)

    def __init__(self, document: Document, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._document = document
        self._parent_widget = parent_widget
        self._recording_at_start: Recording | None = None
        self.runner = TaskRunner("detection", self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        # A result computed for a file that is no longer shown is worthless.
        document.recording_changed.connect(lambda _rec: self.runner.cancel())

    @property
    def is_running(self) -> bool:
        return self.runner.is_running

    def start(self, config: DetectionConfig, kind: str, range_s: tuple[float, float] | None) -> bool:
        """Start a run on the current recording; False (and a message) when it cannot start."""
        from ..detect.pipeline import TrainingSource

        recording = self._document.recording
        try:
            if recording is None:
                raise DataError("Open a recording first (File ▸ Open…).")
            if kind == "reference" and self._document.reference is None:
                raise DataError(
                    "Choose a reference recording first (File ▸ Open reference… or the "
                    "Choose reference… button)."
                )
            source = TrainingSource(
                kind=kind,
                range_s=range_s if kind == "range" else None,
                reference=self._document.reference if kind == "reference" else None,
            )
        except Exception as exc:  # noqa: BLE001 - one route for every error
            notifications.report_error(exc, self._parent_widget, "Cannot start detection")
            return False
        self._recording_at_start = recording
        self.runner.start(lambda ctx: detect(recording, config, source, ctx))
        return True

    def cancel(self) -> None:
        self.runner.cancel()

    def _on_finished(self, result) -> None:
        if self._recording_at_start is not self._document.recording:
            return
        self._document.set_result(result)
        notices = list(result.notices)
        self.notices_changed.emit(notices)
        summary = f"Detection finished: {len(result.segments)} segment(s) flagged"
        train_s = result.timings.get("train_s", 0.0) + result.timings.get("score_s", 0.0)
        notifications.show_status(
            self._parent_widget, " · ".join([f"{summary} in {train_s:.1f} s", *notices]), 15000
        )
        self.run_ended.emit("finished")

    def _on_failed(self, exc: BaseException) -> None:
        notifications.report_error(exc, self._parent_widget, "Detection failed")
        self.run_ended.emit("failed")

    def _on_cancelled(self) -> None:
        notifications.show_status(self._parent_widget, "Detection cancelled")
        self.run_ended.emit("cancelled")
