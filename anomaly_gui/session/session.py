"""The user's work on one recording, Qt-free: source, detection, scores, reviewed segments.

Every edit of the segments and of the detection fields goes through ``Session.apply`` with a
``Patch`` (built by the commands in ``commands.py``), so undo, redo, the autosave journal and
the GUI all see the same changes. Listeners are plain callables ``on_change(kind, payload)``:

=============== ==============================================================
kind       payload
=============== ==============================================================
segments   ``{"removed": [ids], "added": [ids]}`` (ids of segments taken out/put in)
labels     the new label list
threshold  the new threshold (float or None)
detection  the new detection settings dict
scores     the new scores array (float32, may be None)
channel_scores  the new per-channel scores (in memory only, may be None)
detector   the new fitted detector (or None)
view       the view-state dict after the update
recording  the recording just attached
=============== ==============================================================
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..recording import Recording
from ..segments import STATUSES, Segment, SegmentEditError, SegmentSet, check_disjoint

DEFAULT_LABELS = ("PVC", "APB", "artefact", "noise", "other")

# Fields a patch may change besides the segments (attribute names of Session).
PATCH_FIELDS = ("labels", "threshold", "detection", "scores", "channel_scores", "detector", "training_description")
_BINARY_FIELDS = ("scores", "channel_scores", "detector")
# Patches that change fewer segments than this are applied in place; more rebuild the list.
_INCREMENTAL_LIMIT = 32


@dataclass(frozen=True, eq=False)
class Patch:
    """One change of a session: segments taken out, segments put in, and fields changed.

    ``fields`` maps a name in ``PATCH_FIELDS`` to ``(old, new)``. A patch and its
    ``inverted()`` undo each other exactly.
    """

    removed: tuple[Segment, ...] = ()
    added: tuple[Segment, ...] = ()
    fields: dict = field(default_factory=dict)

    def inverted(self) -> "Patch":
        return Patch(self.added, self.removed, {k: (new, old) for k, (old, new) in self.fields.items()})

    @property
    def is_json(self) -> bool:
        """True when the patch holds nothing but JSON-able values (no arrays, no models)."""
        return not any(k in _BINARY_FIELDS for k in self.fields)

    def to_json(self) -> dict:
        if not self.is_json:
            raise ValueError("This patch holds arrays or a model; it cannot be written as JSON.")
        return {
            "removed": [segment_to_dict(s) for s in self.removed],
            "added": [segment_to_dict(s) for s in self.added],
            "fields": {k: [old, new] for k, (old, new) in self.fields.items()},
        }

    @classmethod
    def from_json(cls, d: dict) -> "Patch":
        return cls(
            tuple(segment_from_dict(s) for s in d.get("removed", [])),
            tuple(segment_from_dict(s) for s in d.get("added", [])),
            {k: (v[0], v[1]) for k, v in d.get("fields", {}).items()},
        )


def segment_to_dict(s: Segment) -> dict:
    """A segment as stored in project files and journals (samples, not seconds)."""
    return {
        "id": int(s.id),
        "start_sample": int(s.start_sample),
        "end_sample": int(s.end_sample),
        "score": float(s.score) if np.isfinite(s.score) else None,
        "channels": list(s.channels),
        "status": s.status,
        "label": s.label,
        "note": s.note,
    }


def segment_from_dict(d: dict) -> Segment:
    status = str(d.get("status", "pending"))
    if status not in STATUSES:
        raise SegmentEditError(f"Unknown segment status '{status}'.")
    score = d.get("score")
    return Segment(
        start_sample=int(d["start_sample"]),
        end_sample=int(d["end_sample"]),
        score=float("nan") if score is None else float(score),
        channels=tuple(str(c) for c in d.get("channels", ())),
        status=status,
        label=str(d.get("label", "")),
        note=str(d.get("note", "")),
        id=int(d.get("id", -1)),
    )


def _start(s: Segment) -> int:
    return s.start_sample


class Session:
    """Everything a user did with one recording (the recording itself is reloaded, not saved).

    Parameters
    ----------
    fs_hz, n_samples
        Rate and length of the (selected channels of the) recording.
    source_path, fs_override, channel_spec, read_options
        How to reload the recording: ``read_recording(source_path, fs_hz=fs_override,
        **read_options)`` (the import choices: dataset, time column, units, channels,
        resampling), then ``parse_channel_spec(channel_spec, ...)``.
    detection
        ``DetectionConfig.to_dict()`` of the run (plus any extra keys), or {}.
    threshold, scores
        The flagging threshold and the float32 per-sample scores (either may be None).
    segments
        The segments with their review state; ids of -1 are assigned here.
    """

    def __init__(
        self,
        fs_hz: float,
        n_samples: int,
        *,
        recording: Recording | None = None,
        source_path: str | Path | None = None,
        fs_override: float | None = None,
        channel_spec: str | None = None,
        read_options: dict | None = None,
        channel_names: list[str] | None = None,
        detection: dict | None = None,
        threshold: float | None = None,
        scores: np.ndarray | None = None,
        segments: list[Segment] | SegmentSet | None = None,
        labels: list[str] | tuple[str, ...] = DEFAULT_LABELS,
        view_state: dict | None = None,
        detector: Any = None,
        training_description: str = "",
    ) -> None:
        self.fs_hz = float(fs_hz)
        self.n_samples = int(n_samples)
        self.recording = recording
        self.source_path = Path(source_path).resolve() if source_path else None
        self.fs_override = fs_override
        self.channel_spec = channel_spec
        self.read_options: dict = dict(read_options or {})
        self.channel_names = list(channel_names if channel_names is not None else (recording.channel_names if recording else []))
        self.detection: dict = dict(detection or {})
        self.threshold = None if threshold is None else float(threshold)
        self.scores = None if scores is None else np.asarray(scores, np.float32)
        if self.scores is not None and len(self.scores) != self.n_samples:
            raise SegmentEditError(f"{len(self.scores)} scores for a recording of {self.n_samples} samples.")
        self.channel_scores: np.ndarray | None = None  # in memory only (attribution on re-thresholding)
        self.labels: list[str] = list(labels)
        self.view_state: dict = dict(view_state or {})
        self.detector = detector
        self.training_description = training_description
        # What a report needs of the model when the model itself is not loaded (or absent).
        self.saved_history: list[dict] = []
        self.saved_detector_kind: str = ""
        self.project_path: Path | None = None
        self.notices: list[str] = []
        self.on_change: list[Callable[[str, Any], None]] = []
        self._next_id = 0
        self._segments: list[Segment] = []
        self._by_id: dict[int, Segment] = {}
        self._set_all(list(segments or []))

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_detection(
        cls,
        recording: Recording,
        result,
        source_path: str | Path | None = None,
        fs_override: float | None = None,
        channel_spec: str | None = None,
        read_options: dict | None = None,
    ) -> "Session":
        """A session for a fresh ``DetectionResult`` on ``recording``."""
        session = cls(
            recording.fs_hz,
            recording.n_samples,
            recording=recording,
            source_path=source_path if source_path is not None else recording.source,
            fs_override=fs_override,
            channel_spec=channel_spec,
            read_options=read_options,
            detection={**result.config.to_dict(), "detected_threshold": result.threshold},
            threshold=result.threshold,
            scores=result.scores,
            segments=result.segments,
            detector=result.detector,
            training_description=result.source_description,
        )
        # Kept in memory so re-thresholding attributes channels as the detection did.
        session.channel_scores = getattr(result, "channel_scores", None)
        return session

    def _set_all(self, segments: list[Segment]) -> None:
        segs = sorted(segments, key=_start)
        check_disjoint(SegmentSet(self.fs_hz, segs).bounds(), self.n_samples)
        out = []
        used = {s.id for s in segs if s.id >= 0}
        if len(used) != sum(1 for s in segs if s.id >= 0):
            raise SegmentEditError("Two segments share one id.")
        self._next_id = max(used, default=-1) + 1
        for s in segs:
            if s.status not in STATUSES:
                raise SegmentEditError(f"Unknown segment status '{s.status}'.")
            out.append(s if s.id >= 0 else replace(s, id=self.new_id()))
        self._segments = out
        self._by_id = {s.id: s for s in out}

    # -- reading -----------------------------------------------------------------------------
    @property
    def segments(self) -> SegmentSet:
        """The segments, sorted and non-overlapping (a fresh SegmentSet; edit with commands)."""
        return SegmentSet(self.fs_hz, list(self._segments))

    @property
    def segment_list(self) -> list[Segment]:
        """The internal sorted list (do not modify)."""
        return self._segments

    def __len__(self) -> int:
        return len(self._segments)

    def segment(self, segment_id: int) -> Segment:
        try:
            return self._by_id[segment_id]
        except KeyError:
            raise SegmentEditError(f"There is no segment with id {segment_id}.") from None

    def index_of(self, segment_id: int) -> int:
        """Position of a segment in the sorted list (a binary search by start)."""
        seg = self.segment(segment_id)
        i = bisect.bisect_left(self._segments, seg.start_sample, key=_start)
        if i < len(self._segments) and self._segments[i].id == segment_id:
            return i
        raise SegmentEditError(f"Segment {segment_id} is not where it should be.")  # pragma: no cover

    def neighbours(self, segment_id: int) -> tuple[Segment | None, Segment | None]:
        i = self.index_of(segment_id)
        prev = self._segments[i - 1] if i > 0 else None
        nxt = self._segments[i + 1] if i + 1 < len(self._segments) else None
        return prev, nxt

    def segments_in(self, i0: int, i1: int) -> list[Segment]:
        """Segments overlapping samples ``[i0, i1)`` (e.g. the visible range)."""
        lo = bisect.bisect_right(self._segments, i0, key=lambda s: s.end_sample)
        hi = bisect.bisect_left(self._segments, i1, key=_start)
        return self._segments[lo:hi]

    @property
    def training_history(self) -> list[dict]:
        """Per-epoch training statistics (epoch, n_epochs, train_loss, val_loss, elapsed_s)."""
        history = getattr(self.detector, "history_", None) if self.detector is not None else None
        if history:
            return [dict(h.__dict__) for h in history]
        return list(self.saved_history)

    @property
    def detector_kind(self) -> str:
        """Class name of the detector ("" before any detection)."""
        return type(self.detector).__name__ if self.detector is not None else self.saved_detector_kind

    def new_id(self) -> int:
        i = self._next_id
        self._next_id += 1
        return i

    @property
    def next_id(self) -> int:
        return self._next_id

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for s in self._segments:
            out[s.status] += 1
        return out

    # -- changing ----------------------------------------------------------------------------
    def apply(self, patch: Patch) -> None:
        """Apply ``patch`` atomically (all of it or, on an error, none of it) and notify."""
        for s in patch.removed:
            if self._by_id.get(s.id) != s:
                raise SegmentEditError(f"Segment {s.id} changed since this edit was made; cannot apply it.")
        for s in patch.added:
            if s.id < 0:
                raise SegmentEditError("A segment to add has no id.")
            if s.status not in STATUSES:
                raise SegmentEditError(f"Unknown segment status '{s.status}'.")
        for name, (_, new) in patch.fields.items():
            if name not in PATCH_FIELDS:
                raise SegmentEditError(f"A patch cannot change '{name}'.")
            if name in ("scores", "channel_scores") and new is not None and len(new) != self.n_samples:
                raise SegmentEditError(f"{len(new)} scores for a recording of {self.n_samples} samples.")
        if patch.removed or patch.added:
            if len(patch.removed) + len(patch.added) <= _INCREMENTAL_LIMIT:
                self._apply_small(patch)
            else:
                self._apply_large(patch)
        for name, (_, new) in patch.fields.items():
            setattr(self, name, list(new) if name == "labels" else new)
        if patch.removed or patch.added:
            self._emit("segments", {"removed": [s.id for s in patch.removed], "added": [s.id for s in patch.added]})
        for name, (_, new) in patch.fields.items():
            if name == "training_description":
                self._emit("detection", self.detection)
            else:
                self._emit(name, new)

    def _apply_small(self, patch: Patch) -> None:
        backup = list(self._segments)
        try:
            for s in patch.removed:
                del self._segments[self.index_of(s.id)]
                del self._by_id[s.id]
            for s in patch.added:
                if s.id in self._by_id:
                    raise SegmentEditError(f"Segment id {s.id} is already in use.")
                if s.end_sample <= s.start_sample or s.start_sample < 0 or s.end_sample > self.n_samples:
                    raise SegmentEditError(
                        f"Segment [{s.start_sample}, {s.end_sample}) is empty or outside the recording."
                    )
                i = bisect.bisect_right(self._segments, s.start_sample, key=_start)
                if (i > 0 and self._segments[i - 1].end_sample > s.start_sample) or (
                    i < len(self._segments) and self._segments[i].start_sample < s.end_sample
                ):
                    raise SegmentEditError(
                        f"Segment [{s.start_sample}, {s.end_sample}) would overlap another segment."
                    )
                self._segments.insert(i, s)
                self._by_id[s.id] = s
        except SegmentEditError:
            self._segments = backup
            self._by_id = {s.id: s for s in backup}
            raise
        self._next_id = max(self._next_id, max((s.id for s in patch.added), default=-1) + 1)

    def _apply_large(self, patch: Patch) -> None:
        gone = {s.id for s in patch.removed}
        kept = [s for s in self._segments if s.id not in gone]
        ids = {s.id for s in kept}
        for s in patch.added:
            if s.id in ids:
                raise SegmentEditError(f"Segment id {s.id} is already in use.")
            ids.add(s.id)
        merged = sorted(kept + list(patch.added), key=_start)
        check_disjoint(SegmentSet(self.fs_hz, merged).bounds(), self.n_samples)
        self._segments = merged
        self._by_id = {s.id: s for s in merged}
        self._next_id = max(self._next_id, max((s.id for s in patch.added), default=-1) + 1)

    def set_view_state(self, **updates) -> None:
        """Update the view state (x-range, channel order/visibility/gain …); not undoable."""
        self.view_state.update(updates)
        self._emit("view", dict(self.view_state))

    def attach_recording(self, recording: Recording) -> None:
        """Attach the reloaded recording (it must match the saved rate and length)."""
        if recording.n_samples != self.n_samples or abs(recording.fs_hz - self.fs_hz) > 1e-9 * self.fs_hz:
            raise SegmentEditError(
                f"The recording has {recording.n_samples} samples at {recording.fs_hz:g} Hz; the session "
                f"expects {self.n_samples} at {self.fs_hz:g} Hz."
            )
        self.recording = recording
        if not self.channel_names:
            self.channel_names = recording.channel_names
        self._emit("recording", recording)

    def _emit(self, kind: str, payload: Any) -> None:
        for callback in list(self.on_change):
            callback(kind, payload)
