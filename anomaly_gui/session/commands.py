"""Undoable review edits on a ``Session`` and the Qt-free stack that runs them (glue's model).

A command computes a ``Patch`` the first time it runs (from the session as it is then) and
from then on applies that patch or its inverse, so redo after undo repeats exactly the same
change. The GUI maps gestures to commands and pushes them on the ``CommandStack`` (defined in
``stack.py``, importable from here); the autosave journals what the stack reports through
``on_applied``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..segments import (
    STATUSES,
    Segment,
    SegmentDiff,
    SegmentEditError,
    carry_review_over,
    clamp_boundary,
    diff_segments,
    merge_segments,
    peak_score,
    segments_from_scores,
    split_segment,
)
from .session import Patch, Session
from .stack import Command, CommandStack, PatchCommand

__all__ = [
    "Command", "CommandStack", "PatchCommand", "SetStatus", "SetLabel", "SetNote", "SetLabels", "MoveBoundary",
    "CreateSegment", "DeleteSegment", "MergeSegments", "SplitSegment", "ReplaceSegments", "rethreshold",
]

_UNSET = object()


def _changed(session: Session, ids, **changes) -> Patch:
    old, new = [], []
    for i in dict.fromkeys(ids):
        seg = session.segment(i)
        upd = replace(seg, **changes)
        if upd != seg:
            old.append(seg)
            new.append(upd)
    return Patch(tuple(old), tuple(new))


def _plural(n: int) -> str:
    return "segment" if n == 1 else f"{n} segments"


class SetStatus(Command):
    """Accept, reject or reset to pending one or more segments."""

    def __init__(self, ids, status: str) -> None:
        super().__init__()
        if status not in STATUSES:
            raise SegmentEditError(f"Unknown status '{status}'; use one of {', '.join(STATUSES)}.")
        self.ids = [int(i) for i in ([ids] if isinstance(ids, (int, np.integer)) else ids)]
        self.status = status
        verb = {"accepted": "Accept", "rejected": "Reject", "pending": "Reset"}[status]
        self.description = f"{verb} {_plural(len(self.ids))}"

    def build(self, session: Session) -> Patch:
        return _changed(session, self.ids, status=self.status)


class SetLabel(Command):
    """Label one or more segments; a label not in the session's label set is added to it."""

    def __init__(self, ids, label: str) -> None:
        super().__init__()
        self.ids = [int(i) for i in ([ids] if isinstance(ids, (int, np.integer)) else ids)]
        self.label = str(label).strip()
        self.description = f"Label {_plural(len(self.ids))} '{self.label}'" if self.label else "Clear label"

    def build(self, session: Session) -> Patch:
        patch = _changed(session, self.ids, label=self.label)
        if self.label and self.label not in session.labels:
            patch = Patch(patch.removed, patch.added, {"labels": (list(session.labels), session.labels + [self.label])})
        return patch


class SetNote(Command):
    """Write a segment's note; consecutive note edits of one segment merge into one undo step."""

    def __init__(self, segment_id: int, note: str) -> None:
        super().__init__()
        self.segment_id = int(segment_id)
        self.note = str(note)
        self.description = "Edit note"

    def build(self, session: Session) -> Patch:
        return _changed(session, [self.segment_id], note=self.note)

    def merge_with(self, newer: Command) -> bool:
        if not (isinstance(newer, SetNote) and newer.segment_id == self.segment_id):
            return False
        if not self.patch.added or not newer.patch.added:
            return False
        self.patch = Patch(self.patch.removed, newer.patch.added)
        self.note = newer.note
        return True


class SetLabels(Command):
    """Replace the label set offered for segments (labels already used stay on segments)."""

    def __init__(self, labels) -> None:
        super().__init__()
        self.labels = list(dict.fromkeys(str(x).strip() for x in labels if str(x).strip()))
        self.description = "Edit labels"

    def build(self, session: Session) -> Patch:
        if self.labels == session.labels:
            return Patch()
        return Patch(fields={"labels": (list(session.labels), list(self.labels))})


class MoveBoundary(Command):
    """Move a segment's start or end; clamped to the recording and its neighbours, at least
    one sample long; the score is recomputed from the session's scores when it has them."""

    def __init__(self, segment_id: int, side: str, sample: int) -> None:
        super().__init__()
        if side not in ("start", "end"):
            raise SegmentEditError(f"A boundary is 'start' or 'end', not '{side}'.")
        self.segment_id = int(segment_id)
        self.side = side
        self.sample = int(sample)
        self.description = f"Move segment {side}"

    def build(self, session: Session) -> Patch:
        seg = session.segment(self.segment_id)
        prev, nxt = session.neighbours(self.segment_id)
        rows = [(p.start_sample, p.end_sample) for p in (prev, seg, nxt) if p is not None]
        value = clamp_boundary(np.array(rows), 1 if prev is not None else 0, self.side, self.sample, session.n_samples)
        start, end = (value, seg.end_sample) if self.side == "start" else (seg.start_sample, value)
        if (start, end) == (seg.start_sample, seg.end_sample):
            return Patch()
        moved = replace(seg, start_sample=start, end_sample=end, score=peak_score(session.scores, start, end, seg.score))
        return Patch((seg,), (moved,))


class CreateSegment(Command):
    """A new segment ``[start, end)`` drawn by the user (accepted by default: the user
    marked it); its score is the peak of the session's scores there (0 without scores)."""

    def __init__(self, start_sample: int, end_sample: int, status: str = "accepted", label: str = "",
                 note: str = "", channels: tuple[str, ...] = ()) -> None:
        super().__init__()
        if status not in STATUSES:
            raise SegmentEditError(f"Unknown status '{status}'.")
        self.start, self.end = int(start_sample), int(end_sample)
        self.fields = dict(status=status, label=str(label).strip(), note=str(note), channels=tuple(channels))
        self.description = "Add segment"

    def build(self, session: Session) -> Patch:
        start, end = max(0, self.start), min(session.n_samples, self.end)
        if end <= start:
            raise SegmentEditError(f"The new segment [{self.start}, {self.end}) is empty inside the recording.")
        clash = session.segments_in(start, end)
        if clash:
            c = clash[0]
            raise SegmentEditError(
                f"The new segment {start / session.fs_hz:.3f}–{end / session.fs_hz:.3f} s overlaps the segment "
                f"at {c.start_sample / session.fs_hz:.3f}–{c.end_sample / session.fs_hz:.3f} s."
            )
        seg = Segment(start, end, peak_score(session.scores, start, end), id=session.new_id(), **self.fields)
        fields = {}
        if seg.label and seg.label not in session.labels:
            fields["labels"] = (list(session.labels), session.labels + [seg.label])
        return Patch((), (seg,), fields)


class DeleteSegment(Command):
    def __init__(self, ids) -> None:
        super().__init__()
        self.ids = [int(i) for i in ([ids] if isinstance(ids, (int, np.integer)) else ids)]
        self.description = f"Delete {_plural(len(self.ids))}"

    def build(self, session: Session) -> Patch:
        return Patch(tuple(session.segment(i) for i in dict.fromkeys(self.ids)), ())


class MergeSegments(Command):
    """Merge the chosen segments (and any between them) into one that keeps the first id,
    the highest score and the joined labels and notes."""

    def __init__(self, ids) -> None:
        super().__init__()
        self.ids = [int(i) for i in ids]
        if len(set(self.ids)) < 2:
            raise SegmentEditError("Choose at least two segments to merge.")
        self.description = f"Merge {len(set(self.ids))} segments"

    def build(self, session: Session) -> Patch:
        idx = sorted(session.index_of(i) for i in set(self.ids))
        parts = session.segment_list[idx[0] : idx[-1] + 1]
        merged = merge_segments(parts, new_id=parts[0].id)
        return Patch(tuple(parts), (merged,))


class SplitSegment(Command):
    """Cut a segment in two at a sample; the right part gets a new id."""

    def __init__(self, segment_id: int, at_sample: int) -> None:
        super().__init__()
        self.segment_id = int(segment_id)
        self.at = int(at_sample)
        self.description = "Split segment"

    def build(self, session: Session) -> Patch:
        seg = session.segment(self.segment_id)
        left, right = split_segment(seg, self.at, -1, session.scores)
        return Patch((seg,), (left, replace(right, id=session.new_id())))


class ReplaceSegments(Command):
    """Swap in the segments of a new detection (new threshold, re-detection, retraining with
    the review) without losing review work: reviewed segments stay, detected ones are cut
    around them (``keep_review=True``, see ``carry_review_over``). ``diff`` summarises the
    change (kept/added/removed, matched by overlap). Scores, threshold, detection settings and
    detector are swapped too when given.
    """

    def __init__(self, segments, *, scores=_UNSET, channel_scores=_UNSET, threshold=_UNSET, detection=_UNSET,
                 detector=_UNSET, training_description=_UNSET, keep_review: bool = True, min_length: int = 1,
                 description: str = "Replace segments") -> None:
        super().__init__()
        self.new_segments = list(segments)
        self.changes = {
            k: v
            for k, v in dict(scores=scores, channel_scores=channel_scores, threshold=threshold, detection=detection,
                             detector=detector, training_description=training_description).items()
            if v is not _UNSET
        }
        if "scores" in self.changes and self.changes["scores"] is not None:
            self.changes["scores"] = np.asarray(self.changes["scores"], np.float32)
        self.keep_review = keep_review
        self.min_length = min_length
        self.base_description = description
        self.description = description
        self.diff: SegmentDiff | None = None

    def build(self, session: Session) -> Patch:
        old = list(session.segment_list)
        scores = self.changes.get("scores", session.scores)
        detected = [replace(s, id=-1) for s in self.new_segments]
        new = carry_review_over(old, detected, self.min_length, scores) if self.keep_review else detected
        old_ids = {s.id for s in old}
        new = [s if s.id in old_ids and s.id >= 0 else replace(s, id=session.new_id()) for s in new]
        # segments identical to an old one are left in place (a smaller patch, same result)
        by_id = {s.id: s for s in old}
        unchanged = {s.id for s in new if by_id.get(s.id) == s}
        self.diff = diff_segments(old, new)
        self.description = f"{self.base_description} ({self.diff.describe()})"
        fields = {}
        for name, value in self.changes.items():
            current = getattr(session, name)
            if value is not current:
                fields[name] = (current, value)
        return Patch(
            tuple(s for s in old if s.id not in unchanged),
            tuple(s for s in new if s.id not in unchanged),
            fields,
        )


def rethreshold(session: Session, threshold: float, channel_names: list[str] | None = None) -> ReplaceSegments:
    """The command that re-flags the session's scores at ``threshold`` (e.g. the user dragged
    the threshold line), with the minimum duration and merge gap of its detection settings."""
    from ..detect.config import DetectionConfig

    if session.scores is None:
        raise SegmentEditError("This session has no scores to threshold.")
    config = DetectionConfig.from_dict(session.detection) if session.detection else DetectionConfig()
    segs = segments_from_scores(
        session.scores,
        float(threshold),
        session.fs_hz,
        min_duration_samples=config.min_duration_samples(session.fs_hz),
        max_gap_samples=config.merge_gap_samples(session.fs_hz),
        channel_scores=session.channel_scores,
        channel_names=channel_names or session.channel_names,
    )
    return ReplaceSegments(
        segs.segments, threshold=float(threshold), min_length=config.min_duration_samples(session.fs_hz),
        description=f"Threshold {threshold:.4g}",
    )
