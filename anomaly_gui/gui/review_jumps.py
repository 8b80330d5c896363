"""Where the review keys go: next segment by table order, time, status, label or score rank.

Plain functions on sorted segment lists (no Qt), like ``viewport``; the GUI maps keys to them.
"""

from __future__ import annotations

import bisect
from typing import Callable, Sequence

from ..segments import Segment


def step_in_order(order: Sequence[int], current: int | None, step: int) -> int | None:
    """The id ``step`` places after ``current`` in ``order`` (ids as the table shows them);
    the first (or last, for a negative step) when ``current`` is not there; None at the ends."""
    if not order:
        return None
    try:
        i = order.index(current) if current is not None else None
    except ValueError:
        i = None
    if i is None:
        return order[0] if step > 0 else order[-1]
    j = i + step
    return order[j] if 0 <= j < len(order) else None


def next_by_time(segments: Sequence[Segment], ref_sample: int, direction: int,
                 accept: Callable[[Segment], bool] = lambda s: True) -> Segment | None:
    """The first segment (sorted by start) starting strictly after ``ref_sample`` (direction
    +1) or strictly before it (-1) for which ``accept`` is true."""
    if direction >= 0:
        i = bisect.bisect_right(segments, ref_sample, key=lambda s: s.start_sample)
        for seg in segments[i:]:
            if accept(seg):
                return seg
        return None
    i = bisect.bisect_left(segments, ref_sample, key=lambda s: s.start_sample) - 1
    while i >= 0:
        if accept(segments[i]):
            return segments[i]
        i -= 1
    return None


def score_order(segments: Sequence[Segment]) -> list[int]:
    """Segment ids by descending score (NaN last; ties by start)."""
    def key(s: Segment):
        score = s.score if s.score == s.score else float("-inf")
        return (-score, s.start_sample)

    return [s.id for s in sorted(segments, key=key)]


def segment_at(segments: Sequence[Segment], sample: int) -> Segment | None:
    """The segment containing ``sample`` (``start <= sample < end``), or None."""
    i = bisect.bisect_right(segments, sample, key=lambda s: s.start_sample) - 1
    if i >= 0 and segments[i].start_sample <= sample < segments[i].end_sample:
        return segments[i]
    return None


def review_span(start_s: float, end_s: float, current_span_s: float, duration_s: float,
                max_kept_span_s: float = 120.0, default_span_s: float = 10.0) -> tuple[float, float]:
    """The window that shows a segment with context: the current width when the segment fits
    in it three times over and the width is not wider than ``max_kept_span_s``, else
    ``default_span_s`` (or three segment lengths, whichever is longer), centred on the segment
    and kept inside the recording."""
    length = max(0.0, end_s - start_s)
    span = current_span_s
    if not (3 * length <= span <= max_kept_span_s):
        span = max(default_span_s, 3 * length, 1.0)
    span = min(span, duration_s) if duration_s > 0 else span
    centre = (start_s + end_s) / 2
    t0 = min(max(centre - span / 2, 0.0), max(0.0, duration_s - span))
    return t0, t0 + span
