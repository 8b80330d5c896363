"""What the window shows: the recording, the reference, the detection result and its segments.

A small Qt-side state holder until the core ``Session`` exists; widgets listen to its signals
instead of to each other. Replacing a value only happens after the new one is valid, so an
error never loses what the user already had.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..recording import Recording
from ..segments import SegmentSet


class Document(QObject):
    """State of the window.

    Signals
    -------
    recording_changed(object)
        A new ``Recording`` is shown (previous results were cleared).
    reference_changed(object)
        The reference ``Recording`` for training (or None).
    result_changed(object)
        A new ``DetectionResult`` (or None when cleared).
    segments_changed(object)
        The current ``SegmentSet`` (after detection or a threshold change; None when cleared).
    """

    recording_changed = Signal(object)
    reference_changed = Signal(object)
    result_changed = Signal(object)
    segments_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.recording: Recording | None = None
        self.channel_spec: str | None = None
        self.reference: Recording | None = None
        self.result = None
        self.segments: SegmentSet | None = None
        self.threshold: float | None = None

    def set_recording(self, recording: Recording, channel_spec: str | None = None) -> None:
        self.recording = recording
        self.channel_spec = channel_spec
        self.result = None
        self.segments = None
        self.threshold = None
        self.recording_changed.emit(recording)
        self.result_changed.emit(None)
        self.segments_changed.emit(None)

    def set_reference(self, reference: Recording | None) -> None:
        self.reference = reference
        self.reference_changed.emit(reference)

    def set_result(self, result) -> None:
        """A finished ``DetectionResult`` for the current recording."""
        self.result = result
        self.threshold = float(result.threshold)
        self.segments = result.segments
        self.result_changed.emit(result)
        self.segments_changed.emit(self.segments)

    def set_threshold(self, threshold: float) -> None:
        """Re-segment the current scores at ``threshold`` (cheap: no rescoring)."""
        if self.result is None or self.recording is None:
            return
        self.threshold = float(threshold)
        self.segments = self.result.resegment(self.threshold, self.recording.channel_names)
        self.segments_changed.emit(self.segments)

    def export_settings(self) -> dict:
        """Model settings written next to exported segments."""
        if self.result is None:
            return {}
        return {**self.result.config.to_dict(), "training": self.result.source_description}
