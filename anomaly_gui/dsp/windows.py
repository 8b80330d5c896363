"""Sliding windows over (n, ch) arrays and overlap-averaging back to samples."""

from __future__ import annotations

import numpy as np

from ..segments import mask_to_intervals


def window_starts(n_samples: int, window: int, stride: int) -> np.ndarray:
    """Start indices of windows of ``window`` samples every ``stride`` samples, with a last
    window aligned to the end so that every sample is covered."""
    if n_samples < window:
        return np.zeros(0, np.int64)
    starts = np.arange(0, n_samples - window + 1, stride, dtype=np.int64)
    if starts[-1] != n_samples - window:
        starts = np.append(starts, n_samples - window)
    return starts


def window_runs(mask: np.ndarray, window: int) -> np.ndarray:
    """``(k, 2)`` ``[start, end)`` runs of True in ``mask`` that hold at least one window of
    ``window`` samples."""
    runs = mask_to_intervals(mask)
    return runs[(runs[:, 1] - runs[:, 0]) >= window]


def masked_window_starts(mask: np.ndarray, window: int, stride: int) -> np.ndarray:
    """Window starts (as ``window_starts``) inside each run of True in ``mask``: no window
    touches a False sample."""
    parts = [a + window_starts(int(b - a), window, stride) for a, b in window_runs(mask, window)]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def gather_windows(data: np.ndarray, starts: np.ndarray, window: int) -> np.ndarray:
    """``(len(starts), ch, window)`` float32 copy of the windows of ``data`` ``(n, ch)``."""
    view = np.lib.stride_tricks.sliding_window_view(data, window, axis=0)  # (n-w+1, ch, w)
    return np.ascontiguousarray(view[starts], dtype=np.float32)


class OverlapAverager:
    """Accumulates per-window, per-sample values into a per-sample mean over covering windows."""

    def __init__(self, n_samples: int, n_channels: int) -> None:
        self.total = np.zeros((n_samples, n_channels), np.float32)
        self.count = np.zeros(n_samples, np.float32)

    def add(self, starts: np.ndarray, values: np.ndarray, stride: int | None = None) -> None:
        """Add ``values`` ``(len(starts), ch, window)`` of windows starting at ``starts``.

        When the starts are evenly spaced by ``stride`` and ``stride`` divides the window,
        the windows are added block by block (window/stride vectorised additions) instead
        of one by one; any other start is added individually.
        """
        starts = np.asarray(starts, np.int64)
        n_win, n_ch, window = values.shape
        if n_win == 0:
            return
        regular = 0
        if stride and window % stride == 0:
            expected = starts[0] + stride * np.arange(n_win)
            regular = int(np.argmin(np.append(starts == expected, False)))
        if regular >= 2:
            blocks = window // stride
            s0 = int(starts[0])
            span = (regular - 1) * stride + window
            total = self.total[s0 : s0 + span].reshape(-1, stride, n_ch)
            count = self.count[s0 : s0 + span].reshape(-1, stride)
            v = values[:regular].reshape(regular, n_ch, blocks, stride).transpose(0, 2, 3, 1)
            for j in range(blocks):
                total[j : j + regular] += v[:, j]
                count[j : j + regular] += 1.0
        else:
            regular = 0
        for start, v in zip(starts[regular:], values[regular:]):
            self.total[start : start + window] += v.T
            self.count[start : start + window] += 1.0

    def result(self) -> np.ndarray:
        """The per-sample means, computed in place: the averager is spent afterwards (on a
        24 h recording a second ``(n, ch)`` array would be a quarter of a gigabyte)."""
        np.maximum(self.count, 1.0, out=self.count)
        self.total /= self.count[:, None]
        self.count = np.ones(0, np.float32)
        return self.total
