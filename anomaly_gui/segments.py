"""Flagged intervals: built from per-sample masks, merged, filtered; Qt-free and array-tested."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np


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
        peak = float(np.max(scores[start:end]))
        names: tuple[str, ...] = ()
        if channel_names:
            if channel_scores is not None and channel_scores.shape[1] > 1:
                peaks = np.max(channel_scores[start:end], axis=0)
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
