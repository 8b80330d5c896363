"""Range-based and event-level precision/recall of flagged intervals against labelled ones.

Intervals are ``(k, 2)`` int arrays of half-open ``[start, end)`` sample ranges, sorted and
non-overlapping (as ``mask_to_intervals`` and the segmenter produce them).

Range-based precision and recall follow Tatbul et al., *Precision and Recall for Time Series*
(NeurIPS 2018) with a flat positional bias and the reciprocal cardinality factor:

- recall of a real range R: ``α·[R overlaps any prediction] + (1 − α)·γ(R)·|R ∩ ∪P| / |R|``
  with ``γ = 1`` when at most one predicted range overlaps R, else ``1 / (their number)``;
  recall is the mean over real ranges; ``α = 0`` by default (overlap only);
- precision of a predicted range P: ``γ(P)·|P ∩ ∪R| / |P|``; precision is the mean over
  predicted ranges.

Event-level: a real event counts as found when any flagged interval overlaps it (recall = found
events / events); a flagged interval counts as correct when it overlaps any real event
(precision = correct intervals / flagged intervals). Nothing is point-adjusted.
Precision with nothing flagged is 0; recall and F1 without any real range are ``None``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..segments import mask_to_intervals


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 (``None`` where undefined) with the counts behind them."""

    precision: float | None
    recall: float | None
    f1: float | None
    n_real: int
    n_flagged: int

    def to_dict(self) -> dict:
        return asdict(self)


def as_intervals(intervals) -> np.ndarray:
    iv = np.asarray(intervals, np.int64).reshape(-1, 2)
    iv = iv[iv[:, 1] > iv[:, 0]]
    return iv[np.argsort(iv[:, 0], kind="stable")]


def labels_to_intervals(labels: np.ndarray) -> np.ndarray:
    """Runs of nonzero labels as intervals."""
    return mask_to_intervals(np.asarray(labels) != 0)


def intervals_to_mask(intervals, n: int) -> np.ndarray:
    """Boolean mask of length ``n`` that is True inside the intervals (clipped to ``[0, n)``)."""
    mask = np.zeros(n + 1, np.int64)
    iv = np.clip(as_intervals(intervals), 0, n)
    np.add.at(mask, iv[:, 0], 1)
    np.add.at(mask, iv[:, 1], -1)
    return np.cumsum(mask[:n]) > 0


def clip_intervals(intervals, start: int, end: int) -> np.ndarray:
    """Intervals cut to ``[start, end)`` and shifted so that ``start`` becomes 0."""
    iv = np.clip(as_intervals(intervals), start, end) - start
    return iv[iv[:, 1] > iv[:, 0]]


def overlap_pairs(a, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)`` of overlapping intervals ``a[i]``, ``b[j]`` and their overlaps."""
    a, b = as_intervals(a), as_intervals(b)
    if len(a) == 0 or len(b) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    lo = np.searchsorted(b[:, 1], a[:, 0], side="right")
    hi = np.searchsorted(b[:, 0], a[:, 1], side="left")
    counts = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(len(a)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    j = np.repeat(lo, counts) + offsets
    overlap = np.minimum(a[i, 1], b[j, 1]) - np.maximum(a[i, 0], b[j, 0])
    keep = overlap > 0
    return i[keep], j[keep], overlap[keep]


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2.0 * p * r / (p + r)


def range_prf(real, flagged, alpha: float = 0.0) -> PRF:
    """Range-based precision, recall and F1 (Tatbul et al. 2018, flat bias, reciprocal γ)."""
    real, flagged = as_intervals(real), as_intervals(flagged)
    i, j, overlap = overlap_pairs(real, flagged)
    recall = None
    if len(real):
        covered = np.bincount(i, weights=overlap, minlength=len(real))
        n_over = np.bincount(i, minlength=len(real))
        gamma = np.where(n_over > 1, 1.0 / np.maximum(n_over, 1), 1.0)
        per_real = alpha * (n_over > 0) + (1.0 - alpha) * gamma * covered / (real[:, 1] - real[:, 0])
        recall = float(per_real.mean())
    precision = 0.0
    if len(flagged):
        covered = np.bincount(j, weights=overlap, minlength=len(flagged))
        n_over = np.bincount(j, minlength=len(flagged))
        gamma = np.where(n_over > 1, 1.0 / np.maximum(n_over, 1), 1.0)
        precision = float(np.mean(gamma * covered / (flagged[:, 1] - flagged[:, 0])))
    elif not len(real):
        precision = None
    return PRF(precision, recall, _f1(precision, recall), len(real), len(flagged))


def event_prf(real, flagged) -> PRF:
    """Event-level precision (flagged intervals touching an event), recall (events touched by
    a flagged interval) and F1."""
    real, flagged = as_intervals(real), as_intervals(flagged)
    i, j, _ = overlap_pairs(real, flagged)
    recall = float(len(np.unique(i)) / len(real)) if len(real) else None
    if len(flagged):
        precision = float(len(np.unique(j)) / len(flagged))
    else:
        precision = 0.0 if len(real) else None
    return PRF(precision, recall, _f1(precision, recall), len(real), len(flagged))
