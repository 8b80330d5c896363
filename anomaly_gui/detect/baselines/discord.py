"""Matrix-profile discords: a subsequence is anomalous when nothing in the training data looks
like it (Yeh et al. 2016; Keogh's time-series discords)."""

from __future__ import annotations

import numpy as np

from ...dsp.windows import window_starts
from ...tasks import TaskContext, sub
from ._base import BaselineDetector, windows_to_samples
from .matrix_profile import matrix_profile

# Work per channel at most, in multiply-adds (≈ 5–10 s on two cores). Beyond it the series
# are block-averaged by a factor d (the work falls as d²), and beyond d_max reference
# subsequences are thinned.
WORK_BUDGET = 6e10
# Shortest subsequence after downsampling, in samples.
MIN_SUBSEQUENCE = 16


def plan(n_query: int, n_ref: int, window: int, stride: int) -> tuple[int, int]:
    """``(d, ref_stride)``: the smallest block-averaging factor, then reference thinning,
    that keeps the join of ``n_query`` against ``n_ref`` samples within WORK_BUDGET."""

    def work(d: int, ref_stride: int = 1) -> float:
        m = window // d
        queries = n_query / d / max(1, stride // d)
        return queries * (n_ref / d / ref_stride) * (m + 16)  # products + running maximum

    d_max = max(1, window // MIN_SUBSEQUENCE)
    d = 1
    while d < d_max and work(d) > WORK_BUDGET:
        d += 1
    return d, max(1, int(np.ceil(work(d) / WORK_BUDGET)))


def block_mean(x: np.ndarray, d: int) -> np.ndarray:
    """Means of consecutive blocks of ``d`` samples (a trailing partial block dropped)."""
    if d == 1:
        return np.asarray(x, np.float64)
    k = len(x) // d
    return np.asarray(x[: k * d], np.float64).reshape(k, d).mean(axis=1)


# Rows that must agree before a place in the scored data counts as a copy of the training data.
MATCH_ROWS = 64


def _match_length(data: np.ndarray, start: int, part: np.ndarray, i: int) -> int:
    """How many rows ``data[start:]`` and ``part[i:]`` agree on from their first row."""
    length, step = 0, 4096
    while i + length < len(part) and start + length < len(data):
        a = data[start + length : start + length + step]
        b = part[i + length : i + length + len(a)]
        equal = np.all(a[: len(b)] == b, axis=1)
        if equal.all():
            length += len(equal)
        else:
            return length + int(np.argmin(equal))
    return length


def locate_pieces(data: np.ndarray, part: np.ndarray) -> np.ndarray:
    """Index in ``data`` of every row of ``part`` (float; NaN where unknown), for training
    data made of unchanged stretches of the scored data: the whole recording, a range of it,
    or its usable stretches joined end to end (masked training). All NaN for other data."""
    n, k = len(data), len(part)
    positions = np.full(k, np.nan)
    i = 0
    while i < k:
        need = min(MATCH_ROWS, k - i)
        candidates = np.flatnonzero(data[: n - need + 1, 0] == part[i, 0])
        for j in range(need):
            if candidates.size == 0:
                break
            candidates = candidates[np.all(data[candidates + j] == part[i + j], axis=1)]
        if candidates.size == 0:
            break  # not (or no longer) a copy of the scored data: the rest stays unknown
        lengths = [_match_length(data, int(c), part, i) for c in candidates[:16]]
        best = int(np.argmax(lengths))
        start, length = int(candidates[best]), lengths[best]
        positions[i : i + length] = start + np.arange(length)
        i += length
    return positions


def subsequence_positions(positions: np.ndarray, m: int, d: int) -> np.ndarray:
    """Where each length-``m`` subsequence of the ``d``-block-averaged training series lies in
    the equally averaged scored series (NaN unless it is one unchanged stretch there)."""
    n_sub = len(positions) // d - m + 1
    if n_sub <= 0:
        return np.zeros(0)
    first = positions[np.arange(n_sub) * d]
    last = positions[(np.arange(n_sub) + m) * d - 1]
    whole = last - first == m * d - 1
    return np.where(whole, first / d, np.nan)


class MatrixProfileDiscordDetector(BaselineDetector):
    """Per channel, the matrix-profile distance of each ``config.window``-sample subsequence
    to its nearest neighbour in the training data; a sample's score is the mean over the
    scored subsequences covering it.

    Scoring data that contains the training data unchanged (training on the whole recording,
    a range of it, or its usable stretches joined end to end) is a self-join: matches within
    ``ceil(m/4)`` of a subsequence's own position are excluded. Other data (a reference) is an
    AB-join against the training data.
    Every ``config.score_stride``-th subsequence is scored, exactly. Long series are block-
    averaged by the smallest factor ``d`` (subsequence ``window/d`` ≥ 16 points) that keeps the
    work within ``WORK_BUDGET`` per channel; a 30-min, 360 Hz ECG self-join uses ``d = 6``
    (60 Hz, about 10 s per channel on two cores). Fitted: ``train_`` (the training samples).
    Cannot be saved (its state is the training data itself).
    """

    key = "discord"
    label = "matrix-profile discord"

    def _fit(self, data: np.ndarray, ctx: TaskContext) -> None:
        self.train_ = np.array(data, np.float32, copy=True)

    def _score(self, data: np.ndarray, ctx: TaskContext) -> np.ndarray:
        cfg = self.config
        n = len(data)
        positions = locate_pieces(data, self.train_)
        d, ref_stride = plan(n, len(self.train_), cfg.window, cfg.score_stride)
        m = cfg.window // d
        stride = max(1, cfg.score_stride // d)
        ref_positions = subsequence_positions(positions, m, d)
        self_join = bool(np.isfinite(ref_positions).any())
        self.plan_ = {"downsample": d, "ref_stride": ref_stride, "subsequence": m, "self_join": self_join}
        out = np.empty((n, self.n_channels_), np.float32)
        for c in range(self.n_channels_):
            part = sub(ctx, c / self.n_channels_, (c + 1) / self.n_channels_)
            query = block_mean(data[:, c], d)
            reference = block_mean(self.train_[:, c], d)
            starts = window_starts(len(query), m, stride)
            profile = matrix_profile(
                query, m, starts, reference, ref_stride, ref_positions=ref_positions if self_join else None, ctx=part
            )
            out[:, c] = windows_to_samples(starts * d, profile[:, None], m * d, n)[:, 0]
        return out
