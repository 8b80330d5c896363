"""Flagged intervals: built from per-sample masks, merged, filtered; Qt-free and array-tested."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .errors import AnomalyGuiError


@dataclass(frozen=True)
class Segment:
    """A half-open interval ``[start_sample, end_sample)`` of the recording.

    ``score`` is the peak anomaly score inside the interval; ``channels`` names the
    channels that contribute most to it (attribution), strongest first.
    """

    start_sample: int
    end_sample: int
    score: float
    channels: tuple[str, ...] = ()
    status: str = "pending"
    label: str = ""
    note: str = ""
    # Stable identity for review commands and undo (-1: not assigned, e.g. fresh detection).
    id: int = -1

    @property
    def n_samples(self) -> int:
        return self.end_sample - self.start_sample

    def start_s(self, fs_hz: float) -> float:
        return self.start_sample / fs_hz

    def end_s(self, fs_hz: float) -> float:
        return self.end_sample / fs_hz

    def duration_s(self, fs_hz: float) -> float:
        return self.n_samples / fs_hz


@dataclass
class SegmentSet:
    """Segments of one recording, sorted by start, non-overlapping."""

    fs_hz: float
    segments: list[Segment] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.segments)

    def __iter__(self):
        return iter(self.segments)

    def __getitem__(self, i: int) -> Segment:
        return self.segments[i]

    def bounds(self) -> np.ndarray:
        """``(n, 2)`` int64 array of ``[start, end)`` sample bounds."""
        if not self.segments:
            return np.zeros((0, 2), np.int64)
        return np.array([(s.start_sample, s.end_sample) for s in self.segments], np.int64)

    def to_records(self) -> list[dict]:
        """One plain dict per segment, times in seconds and samples (export and JSON output)."""
        return [
            {
                "start_s": round(s.start_s(self.fs_hz), 6),
                "end_s": round(s.end_s(self.fs_hz), 6),
                "duration_s": round(s.duration_s(self.fs_hz), 6),
                "start_sample": int(s.start_sample),
                "end_sample": int(s.end_sample),
                "score": float(s.score),
                "channels": list(s.channels),
                "status": s.status,
                "label": s.label,
                "note": s.note,
            }
            for s in self.segments
        ]


def mask_to_intervals(mask: np.ndarray) -> np.ndarray:
    """``(n, 2)`` array of ``[start, end)`` runs of True in a 1-D boolean mask."""
    m = np.asarray(mask, dtype=bool).ravel()
    if m.size == 0:
        return np.zeros((0, 2), np.int64)
    edges = np.diff(m.astype(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return np.stack([starts, ends], axis=1).astype(np.int64)


def merge_intervals(intervals: np.ndarray, max_gap: int) -> np.ndarray:
    """Join sorted intervals separated by at most ``max_gap`` samples."""
    iv = np.asarray(intervals, np.int64).reshape(-1, 2)
    if len(iv) < 2:
        return iv.copy()
    gaps = iv[1:, 0] - iv[:-1, 1]
    new_group = np.concatenate([[True], gaps > max_gap])
    starts = iv[new_group, 0]
    ends = np.maximum.reduceat(iv[:, 1], np.flatnonzero(new_group))
    return np.stack([starts, ends], axis=1)


def filter_min_length(intervals: np.ndarray, min_length: int) -> np.ndarray:
    iv = np.asarray(intervals, np.int64).reshape(-1, 2)
    return iv[(iv[:, 1] - iv[:, 0]) >= min_length]


def segments_from_scores(
    scores: np.ndarray,
    threshold: float,
    fs_hz: float,
    min_duration_samples: int = 1,
    max_gap_samples: int = 0,
    channel_scores: np.ndarray | None = None,
    channel_names: list[str] | None = None,
) -> SegmentSet:
    """Flag ``scores > threshold``, merge runs closer than ``max_gap_samples``, drop runs
    shorter than ``min_duration_samples``, and describe each run as a ``Segment``.

    ``channel_scores`` ``(n, ch)`` gives per-channel attribution: a segment lists the
    channels whose peak within it is at least half the strongest channel's peak.
    """
    scores = np.asarray(scores, dtype=np.float32).ravel()
    intervals = mask_to_intervals(scores > threshold)
    intervals = merge_intervals(intervals, max_gap_samples)
    intervals = filter_min_length(intervals, max(1, min_duration_samples))
    segments = []
    for start, end in intervals:
        peak = float(np.nanmax(scores[start:end]))  # merged across a short gap: NaN inside
        names: tuple[str, ...] = ()
        if channel_names:
            if channel_scores is not None and channel_scores.shape[1] > 1:
                peaks = np.nanmax(channel_scores[start:end], axis=0)
                order = np.argsort(-peaks)
                strongest = peaks[order[0]]
                names = tuple(channel_names[i] for i in order if peaks[i] >= 0.5 * strongest)
            else:
                names = tuple(channel_names)
        segments.append(Segment(int(start), int(end), peak, names))
    return SegmentSet(fs_hz=fs_hz, segments=segments)


def with_review(segment: Segment, **changes) -> Segment:
    """A copy of ``segment`` with review fields (status, label, note) changed."""
    return replace(segment, **changes)


# -- editing: pure functions on sorted, non-overlapping half-open intervals --------------------

STATUSES = ("pending", "accepted", "rejected")


class SegmentEditError(AnomalyGuiError):
    """An edit would break the segment rules (order, overlap, bounds, empty segments)."""


def check_disjoint(bounds: np.ndarray, n_samples: int | None = None) -> None:
    """Raise ``SegmentEditError`` unless ``bounds`` ``(n, 2)`` are non-empty, sorted by start,
    non-overlapping (touching is allowed) and, when given, inside ``[0, n_samples]``."""
    b = np.asarray(bounds, np.int64).reshape(-1, 2)
    if len(b) == 0:
        return
    empty = np.flatnonzero(b[:, 1] <= b[:, 0])
    if empty.size:
        i = int(empty[0])
        raise SegmentEditError(f"Segment {i} [{b[i, 0]}, {b[i, 1]}) is empty or reversed.")
    bad = np.flatnonzero(b[1:, 0] < b[:-1, 1])
    if bad.size:
        i = int(bad[0])
        raise SegmentEditError(
            f"Segments {i} [{b[i, 0]}, {b[i, 1]}) and {i + 1} [{b[i + 1, 0]}, {b[i + 1, 1]}) overlap "
            "or are out of order."
        )
    if b[0, 0] < 0 or (n_samples is not None and b[-1, 1] > n_samples):
        raise SegmentEditError(f"Segments reach outside the recording (0 – {n_samples} samples).")


def insertion_index(bounds: np.ndarray, start: int, end: int) -> int:
    """Where ``[start, end)`` goes in sorted disjoint ``bounds``; raises if it overlaps one."""
    if end <= start:
        raise SegmentEditError(f"A segment needs end > start (got [{start}, {end})).")
    b = np.asarray(bounds, np.int64).reshape(-1, 2)
    i = int(np.searchsorted(b[:, 0], start, side="right")) if len(b) else 0
    if i > 0 and b[i - 1, 1] > start:
        raise SegmentEditError(f"[{start}, {end}) overlaps the segment [{b[i - 1, 0]}, {b[i - 1, 1]}).")
    if i < len(b) and b[i, 0] < end:
        raise SegmentEditError(f"[{start}, {end}) overlaps the segment [{b[i, 0]}, {b[i, 1]}).")
    return i


def clamp_boundary(
    bounds: np.ndarray, index: int, side: str, sample: int, n_samples: int | None = None
) -> int:
    """The boundary ``side`` (``"start"`` or ``"end"``) of segment ``index`` moved towards
    ``sample`` as far as allowed: at least one sample long, never over a neighbour, never
    outside ``[0, n_samples]``."""
    b = np.asarray(bounds, np.int64).reshape(-1, 2)
    start, end = int(b[index, 0]), int(b[index, 1])
    if side == "start":
        lo = int(b[index - 1, 1]) if index > 0 else 0
        return int(min(max(int(sample), lo), end - 1))
    if side == "end":
        hi = int(b[index + 1, 0]) if index + 1 < len(b) else (n_samples if n_samples is not None else None)
        value = max(int(sample), start + 1)
        return int(value if hi is None else min(value, hi))
    raise SegmentEditError(f"A boundary is 'start' or 'end', not '{side}'.")


def merge_span(bounds: np.ndarray, indices) -> tuple[int, int]:
    """``(i0, i1)``: the run of segment indices a merge of ``indices`` covers (every segment
    between the first and the last chosen one is swallowed too)."""
    idx = sorted({int(i) for i in indices})
    if len(idx) < 2:
        raise SegmentEditError("Choose at least two segments to merge.")
    n = len(np.asarray(bounds).reshape(-1, 2))
    if idx[0] < 0 or idx[-1] >= n:
        raise SegmentEditError("A segment to merge does not exist.")
    return idx[0], idx[-1] + 1


def peak_score(scores: np.ndarray | None, start: int, end: int, default: float = 0.0) -> float:
    """The highest score in ``[start, end)``, or ``default`` when no scores are known."""
    if scores is None or end <= start or start >= len(scores):
        return float(default)
    values = scores[max(0, start) : min(len(scores), end)]
    values = values[np.isfinite(values)]  # a gap in the recording has no scores
    return float(values.max()) if values.size else float(default)


def subtract_intervals(a: np.ndarray, b: np.ndarray, min_length: int = 1) -> np.ndarray:
    """The parts of sorted disjoint intervals ``a`` outside sorted disjoint intervals ``b``,
    keeping pieces at least ``min_length`` long."""
    a = np.asarray(a, np.int64).reshape(-1, 2)
    b = np.asarray(b, np.int64).reshape(-1, 2)
    if len(a) == 0 or len(b) == 0:
        return filter_min_length(a, min_length)
    out = []
    for start, end in a:
        j0 = int(np.searchsorted(b[:, 1], start, side="right"))
        j1 = int(np.searchsorted(b[:, 0], end, side="left"))
        cur = int(start)
        for bs, be in b[j0:j1]:
            if bs > cur:
                out.append((cur, int(bs)))
            cur = max(cur, int(be))
        if cur < end:
            out.append((cur, int(end)))
    return filter_min_length(np.array(out, np.int64).reshape(-1, 2), min_length)


def overlapping(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted disjoint intervals ``a`` and ``b``: boolean arrays telling which of ``a``
    overlap some of ``b`` and which of ``b`` overlap some of ``a`` (touching is no overlap)."""
    a = np.asarray(a, np.int64).reshape(-1, 2)
    b = np.asarray(b, np.int64).reshape(-1, 2)

    def hits(x, y):
        if len(x) == 0 or len(y) == 0:
            return np.zeros(len(x), bool)
        # the first y ending after x starts must also start before x ends
        j = np.searchsorted(y[:, 1], x[:, 0], side="right")
        ok = j < len(y)
        out = np.zeros(len(x), bool)
        out[ok] = y[j[ok], 0] < x[ok, 1]
        return out

    return hits(a, b), hits(b, a)


@dataclass(frozen=True)
class SegmentDiff:
    """How a new segment set relates to an old one, matched by overlap.

    ``kept``: new segments overlapping an old one; ``added``: new ones overlapping none;
    ``removed``: old ones no new segment overlaps.
    """

    kept: int
    added: int
    removed: int

    def describe(self) -> str:
        return f"{self.kept} kept, {self.added} added, {self.removed} removed"


def diff_segments(old: list[Segment], new: list[Segment]) -> SegmentDiff:
    old_b = SegmentSet(1.0, list(old)).bounds()
    new_b = SegmentSet(1.0, list(new)).bounds()
    old_hit, new_hit = overlapping(old_b, new_b)
    return SegmentDiff(int(new_hit.sum()), int((~new_hit).sum()), int((~old_hit).sum()))


def is_reviewed(segment: Segment) -> bool:
    """True when a person has touched the segment: a decision, a label or a note."""
    return segment.status != "pending" or bool(segment.label) or bool(segment.note)


def split_segment(segment: Segment, at: int, new_id: int = -1, scores: np.ndarray | None = None) -> tuple[Segment, Segment]:
    """``segment`` cut at sample ``at`` into ``[start, at)`` (keeps the id) and ``[at, end)``
    (``new_id``); both keep the review fields; scores are recomputed when ``scores`` is given."""
    at = int(at)
    if not segment.start_sample < at < segment.end_sample:
        raise SegmentEditError(
            f"Cannot split [{segment.start_sample}, {segment.end_sample}) at {at}: the cut must fall inside."
        )
    left = replace(segment, end_sample=at, score=peak_score(scores, segment.start_sample, at, segment.score))
    right = replace(segment, start_sample=at, id=new_id, score=peak_score(scores, at, segment.end_sample, segment.score))
    return left, right


def _join_unique(texts, sep: str) -> str:
    seen: list[str] = []
    for t in texts:
        if t and t not in seen:
            seen.append(t)
    return sep.join(seen)


def merge_segments(segments: list[Segment], new_id: int = -1) -> Segment:
    """One segment covering ``segments`` (sorted): the highest score, the union of channels,
    distinct labels joined with ``" / "`` and notes with a newline; the status is theirs when
    they agree, else ``"pending"`` (the merged segment needs a new decision)."""
    if not segments:
        raise SegmentEditError("Nothing to merge.")
    statuses = {s.status for s in segments}
    return Segment(
        start_sample=min(s.start_sample for s in segments),
        end_sample=max(s.end_sample for s in segments),
        score=max(float(s.score) for s in segments),
        channels=tuple(dict.fromkeys(c for s in segments for c in s.channels)),
        status=statuses.pop() if len(statuses) == 1 else "pending",
        label=_join_unique((s.label for s in segments), " / "),
        note=_join_unique((s.note for s in segments), "\n"),
        id=new_id,
    )


def carry_review_over(
    old: list[Segment], detected: list[Segment], min_length: int = 1, scores: np.ndarray | None = None
) -> list[Segment]:
    """The segments after a re-detection, losing no review work.

    Reviewed old segments (a decision, label or note) stay exactly as they are; detected
    segments are cut around them (pieces shorter than ``min_length`` dropped). Unreviewed
    old segments are replaced by the detected ones; a detected segment that overlaps an
    unreviewed old one inherits the old one's id (so selections follow it). Cut pieces take
    their peak from ``scores`` when given.
    """
    reviewed = [s for s in old if is_reviewed(s)]
    pending = [s for s in old if not is_reviewed(s)]
    rev_b = SegmentSet(1.0, reviewed).bounds()
    pend_b = SegmentSet(1.0, pending).bounds()
    out: list[Segment] = list(reviewed)
    used_ids: set[int] = set()
    for seg in detected:
        pieces = subtract_intervals(np.array([[seg.start_sample, seg.end_sample]]), rev_b, min_length)
        for start, end in pieces:
            piece = seg
            if (start, end) != (seg.start_sample, seg.end_sample):
                piece = replace(seg, start_sample=int(start), end_sample=int(end),
                                score=peak_score(scores, int(start), int(end), seg.score))
            j = int(np.searchsorted(pend_b[:, 1], start, side="right")) if len(pend_b) else 0
            if j < len(pend_b) and pend_b[j, 0] < end and pending[j].id not in used_ids and pending[j].id >= 0:
                used_ids.add(pending[j].id)
                piece = replace(piece, id=pending[j].id)
            out.append(piece)
    out.sort(key=lambda s: s.start_sample)
    return out
