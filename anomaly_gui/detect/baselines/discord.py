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


def locate(data: np.ndarray, part: np.ndarray) -> int | None:
    """Index at which ``part`` occurs unchanged inside ``data`` (both ``(n, ch)``), or None."""
    n, k = len(data), len(part)
    if k == 0 or k > n:
        return None
    candidates = np.flatnonzero(data[: n - k + 1, 0] == part[0, 0])
    for j in range(1, min(k, 64)):
        if candidates.size <= 1:
            break
        candidates = candidates[data[candidates + j, 0] == part[j, 0]]
    for c in candidates[:16]:
        if np.array_equal(data[c : c + k], part):
            return int(c)
    return None


class MatrixProfileDiscordDetector(BaselineDetector):
    """Per channel, the matrix-profile distance of each ``config.window``-sample subsequence
    to its nearest neighbour in the training data; a sample's score is the mean over the
    scored subsequences covering it.

    Scoring data that contains the training data unchanged (training on the whole recording
    or on a range of it) is a self-join: matches within ``ceil(m/4)`` of a subsequence's own
    position are excluded. Other data (a reference) is an AB-join against the training data.
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
        offset = locate(data, self.train_)
        d, ref_stride = plan(n, len(self.train_), cfg.window, cfg.score_stride)
        m = cfg.window // d
        stride = max(1, cfg.score_stride // d)
        self.plan_ = {"downsample": d, "ref_stride": ref_stride, "subsequence": m, "self_join": offset is not None}
        out = np.empty((n, self.n_channels_), np.float32)
        for c in range(self.n_channels_):
            part = sub(ctx, c / self.n_channels_, (c + 1) / self.n_channels_)
            query = block_mean(data[:, c], d)
            reference = block_mean(self.train_[:, c], d)
            starts = window_starts(len(query), m, stride)
            profile = matrix_profile(
                query, m, starts, reference, ref_stride,
                exclusion_offset=None if offset is None else offset / d, ctx=part,
            )
            out[:, c] = windows_to_samples(starts * d, profile[:, None], m * d, n)[:, 0]
        return out
