"""Starts detection runs in the background and puts their results into the document."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..detect.config import DetectionConfig
from ..errors import DataError
from ..recording import Recording
from . import notifications
from .document import Document
from .workers import QtTaskContext, TaskRunner


def detect(recording: Recording, config: DetectionConfig, source, ctx: QtTaskContext, model_file: str | None = None):
    """The core pipeline with the worker's context (imports torch only now); with
    ``model_file`` that model scores the recording, untrained, at ``config``'s threshold."""
    import torch

    from ..detect.pipeline import run_detection, run_saved_model

    # Leave one core to the GUI thread: with every core in torch's thread pool the event
    # loop starves and the window stutters while training.
    torch.set_num_threads(max(1, (os.cpu_count() or 2) - 1))
    if model_file is not None:
        from ..model.persistence import load_detector

        return run_saved_model(recording, load_detector(model_file), config.threshold, ctx)
    return run_detection(recording, config, source, ctx, on_epoch=ctx.epoch_finished)


MAX_KEPT_RESULTS = 6


class DetectionController(QObject):
    """One detection at a time; its result replaces the previous one only when it succeeds.

    A run started with a ``track`` name does not touch the review: its result comes out as
    ``track_ready`` (another score track). Results are kept per recording and settings, so
    asking again for a model that already ran (as the main result or as a track) reuses its
    scores instead of training again.

    Signals
    -------
    notices_changed(list)
        Lines to show the user after a run (e.g. the reference was resampled).
    run_ended(str)
        "finished", "track", "cancelled" or "failed".
    track_ready(str, object)
        The name and the ``DetectionResult`` of a run started as a score track.
    """

    notices_changed = Signal(list)
    run_ended = Signal(str)
    track_ready = Signal(str, object)

    def __init__(self, document: Document, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._document = document
        self._parent_widget = parent_widget
        self._recording_at_start: Recording | None = None
        self._track: str | None = None
        self._key: str = ""
        self._results: dict[str, object] = {}  # settings key -> DetectionResult, this recording
        self.runner = TaskRunner("detection", self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        # A result computed for a file that is no longer shown is worthless.
        document.recording_changed.connect(self._forget_recording)

    @property
    def is_running(self) -> bool:
        return self.runner.is_running

    def start(self, config: DetectionConfig, kind: str, range_s: tuple[float, float] | None,
              track: str | None = None, model_file: str | None = None) -> bool:
        """Start a run on the current recording (as the score track ``track`` when given);
        False (and a message) when it cannot start. ``kind`` "saved" scores with
        ``model_file``, "ecg_reference" with the bundled ECG model, neither trains."""
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
            if kind == "saved" and not model_file:
                raise DataError("Choose a model file first (Choose model file… or Detection ▸ Open model…).")
            if kind == "ecg_reference":
                from ..resources import ECG_REFERENCE_MODEL

                model_file = str(ECG_REFERENCE_MODEL)
            elif kind != "saved":
                model_file = None
            source = TrainingSource(
                kind=kind if model_file is None else "whole",
                range_s=range_s if kind == "range" else None,
                reference=self._document.reference if kind == "reference" else None,
            )
        except Exception as exc:  # noqa: BLE001 - one route for every error
            notifications.report_error(exc, self._parent_widget, "Cannot start detection")
            return False
        self._recording_at_start, self._track = recording, track
        self._key = json.dumps([config.to_dict(), kind, source.range_s, id(source.reference), model_file],
                               sort_keys=True)
        if self._key in self._results:  # computed before: no need to train and score again
            self._on_finished(self._results[self._key])
            return True
        self.runner.start(lambda ctx: detect(recording, config, source, ctx, model_file))
        return True

    def _forget_recording(self, _recording) -> None:
        self.runner.cancel()
        self._results.clear()

    def cancel(self) -> None:
        self.runner.cancel()

    def _on_finished(self, result) -> None:
        if self._recording_at_start is not self._document.recording:
            return
        self._results[self._key] = result
        while len(self._results) > MAX_KEPT_RESULTS:  # each holds per-sample scores: keep a few
            del self._results[next(iter(self._results))]
        if self._track is not None:
            self.track_ready.emit(self._track, result)
            notifications.show_status(self._parent_widget, f"Score track added: {self._track}", 10000)
            self.run_ended.emit("track")
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
