"""What the window shows: the recording, the reference, the last detection and the review session.

Widgets listen to its signals (and to ``review``, the ``SessionController``) instead of to each
other. The segments, scores and threshold live in the Qt-free ``Session``; every change of them
is a command on its stack. Replacing a value only happens after the new one is valid, so an
error never loses what the user already had.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..recording import Recording
from ..segments import SegmentSet
from ..session.session import Session
from .label_sets import domain_for, labels_for
from .session_controller import SessionController


class Document(QObject):
    """State of the window.

    Signals
    -------
    recording_changed(object)
        A new ``Recording`` is shown (the previous session was closed).
    reference_changed(object)
        The reference ``Recording`` for training (or None).
    result_changed(object)
        A new ``DetectionResult`` (or None when cleared or when a project was opened).
    segments_changed(object)
        A new session's ``SegmentSet`` (None when cleared). Edits of a session come through
        ``review.segments_edited`` instead (one row, not the whole set).
    """

    recording_changed = Signal(object)
    reference_changed = Signal(object)
    result_changed = Signal(object)
    segments_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.recording: Recording | None = None
        self.channel_spec: str | None = None
        self.fs_override: float | None = None
        self.read_options: dict = {}
        self.reference: Recording | None = None
        self.result = None
        self.review = SessionController(self)

    # -- reading ----------------------------------------------------------------------------
    @property
    def session(self) -> Session | None:
        return self.review.session

    @property
    def segments(self) -> SegmentSet | None:
        session = self.review.session
        return session.segments if session is not None else None

    @property
    def threshold(self) -> float | None:
        session = self.review.session
        return session.threshold if session is not None else None

    # -- changing ---------------------------------------------------------------------------
    def set_recording(self, recording: Recording, channel_spec: str | None = None,
                      fs_override: float | None = None, read_options: dict | None = None) -> None:
        self.recording = recording
        self.channel_spec = channel_spec
        self.fs_override = fs_override
        self.read_options = dict(read_options or {})
        self.result = None
        self.review.clear()
        self.recording_changed.emit(recording)
        self.result_changed.emit(None)
        self.segments_changed.emit(None)

    def set_reference(self, reference: Recording | None) -> None:
        self.reference = reference
        self.reference_changed.emit(reference)

    def set_result(self, result) -> None:
        """A finished ``DetectionResult`` for the current recording: a new session, or, when
        one is open, an undoable re-detection that keeps the review."""
        session = self.review.session
        if session is not None and session.recording is self.recording:
            from ..session.review_training import replace_command

            if not self.review.push(replace_command(session, result, "Detect")):
                return
            self.result = result
            self.result_changed.emit(result)
            return
        session = Session.from_detection(self.recording, result, self.recording.source, self.fs_override,
                                         self.channel_spec, self.read_options)
        session.labels = labels_for(domain_for(type(result.detector).__name__, self.recording))
        self.result = result
        # A detection is work worth keeping: snapshot it for recovery at once.
        self.review.set_session(session, snapshot_now=True)
        self.result_changed.emit(result)
        self.segments_changed.emit(self.segments)

    def show_session(self, session: Session, stack=None, autosave_key: str | None = None) -> None:
        """Show an opened project or a recovered session (its recording attached)."""
        self.recording = session.recording
        self.channel_spec = session.channel_spec
        self.fs_override = session.fs_override
        self.read_options = dict(session.read_options)
        self.result = None
        self.review.clear()
        self.recording_changed.emit(self.recording)
        self.result_changed.emit(None)
        self.review.set_session(session, stack, autosave_key=autosave_key, snapshot_now=autosave_key is not None)
        self.segments_changed.emit(self.segments)

    def set_threshold(self, threshold: float) -> None:
        """Re-flag the current scores at ``threshold`` (an undoable command that keeps the review)."""
        session = self.review.session
        if session is None or session.scores is None:
            return
        from ..session.commands import rethreshold

        self.review.push(rethreshold(session, float(threshold)))

    def export_settings(self) -> dict:
        """Model settings written next to exported segments."""
        session = self.review.session
        if session is None:
            return {}
        return {**session.detection, "training": session.training_description}
