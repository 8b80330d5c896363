"""Scoring metrics with known answers: AUROC, AUC-PR, window and ECG beat scores, the UCR
top-1 rule and threshold efficiency (interval metrics are in ``ranges``)."""

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


def sample_auroc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """Per-sample AUROC of ``scores`` for the binary ``labels``; ``None`` without both classes."""
    y = np.asarray(labels).ravel() != 0
    s = np.asarray(scores, np.float64).ravel()
    if y.all() or not y.any():
        return None
    return auroc(s[~y], s[y])


def average_precision(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """Area under the precision-recall curve as average precision: ``Σ (R_k − R_{k−1}) P_k``
    over the distinct score levels from the highest down (tied scores enter together; the same
    value as scikit-learn's ``average_precision_score``). ``None`` without positives."""
    y = np.asarray(labels).ravel() != 0
    s = np.asarray(scores, np.float64).ravel()
    if not y.any():
        return None
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    last_of_level = np.flatnonzero(np.r_[s[1:] != s[:-1], True])
    tp = np.cumsum(y)[last_of_level]
    precision = tp / (last_of_level + 1.0)
    recall = tp / y.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def top1_hit(scores: np.ndarray, start: int, end: int, tolerance: int = 100) -> tuple[bool, int]:
    """The UCR archive / KDD Cup 2021 rule: is the single highest-scoring sample (the first
    one on ties) within ``tolerance`` samples of the labelled anomaly ``[start, end)``, i.e. in
    ``[start − tolerance, end − 1 + tolerance]``? Returns the verdict and the location."""
    location = int(np.argmax(np.asarray(scores)))
    return bool(start - tolerance <= location <= end - 1 + tolerance), location


def sweep_thresholds(scores: np.ndarray, n: int = 100) -> np.ndarray:
    """``n`` candidate thresholds: quantiles of ``scores`` at tail fractions log-spaced from 1
    down to 1e-4 (half of them in the top 1 %, where thresholds for rare anomalies lie)."""
    s = np.asarray(scores, np.float64).ravel()
    tail = np.geomspace(1.0, 1e-4, n)
    return np.unique(np.quantile(s, 1.0 - tail))


def threshold_efficiency(at_auto: float | None, sweep: list[float | None]) -> float | None:
    """The F1 (or other score) at the automatic threshold over the best one reachable: the best
    of the sweep and the automatic threshold itself, so 1 means the automatic threshold is as
    good as any. ``None`` when undefined or when no threshold scores above 0."""
    values = [v for v in sweep if v is not None]
    if at_auto is None:
        return None
    best = max(values + [at_auto])
    return None if best <= 0 else float(at_auto / best)
