"""Scoring metrics with known answers: AUROC, window scores, ECG beat scores."""

from __future__ import annotations

import numpy as np

# AAMI EC57 grouping of MIT-BIH beat symbols.
AAMI_NORMAL = frozenset("NLRej")
AAMI_SVEB = frozenset("AaJS")
AAMI_VEB = frozenset("VE")
AAMI_FUSION = frozenset("F")
AAMI_UNKNOWN = frozenset("/fQ")
BEAT_SYMBOLS = AAMI_NORMAL | AAMI_SVEB | AAMI_VEB | AAMI_FUSION | AAMI_UNKNOWN


def auroc(negatives: np.ndarray, positives: np.ndarray) -> float:
    """Area under the ROC curve: the probability that a random positive outscores a random
    negative, ties counting half (Mann–Whitney U)."""
    from scipy.stats import rankdata

    neg = np.asarray(negatives, np.float64).ravel()
    pos = np.asarray(positives, np.float64).ravel()
    if neg.size == 0 or pos.size == 0:
        raise ValueError("AUROC needs at least one negative and one positive")
    ranks = rankdata(np.concatenate([neg, pos]))
    u = ranks[neg.size :].sum() - pos.size * (pos.size + 1) / 2.0
    return float(u / (neg.size * pos.size))


def window_means(scores: np.ndarray, window: int) -> np.ndarray:
    """Mean score of consecutive non-overlapping windows (a trailing partial window dropped)."""
    s = np.asarray(scores, np.float64).ravel()
    m = len(s) // window
    return s[: m * window].reshape(m, window).mean(axis=1)


def beat_scores(
    scores: np.ndarray, beat_samples: np.ndarray, fs_hz: float, before_s: float = 0.25, after_s: float = 0.45
) -> np.ndarray:
    """The maximum score within ``[beat - before_s, beat + after_s]`` of each beat."""
    s = np.asarray(scores)
    lo = np.clip(np.asarray(beat_samples) - int(round(before_s * fs_hz)), 0, len(s) - 1)
    hi = np.clip(np.asarray(beat_samples) + int(round(after_s * fs_hz)) + 1, 1, len(s))
    return np.array([s[a:b].max() if b > a else s[a] for a, b in zip(lo, hi)], np.float64)
