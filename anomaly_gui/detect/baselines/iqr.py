"""Rolling interquartile-range rule (Tukey's fences on a trailing window)."""

from __future__ import annotations

import numpy as np

from ...tasks import TaskContext
from ._base import BaselineDetector, peak_hold
from .zscore import FIT_SAMPLES

FENCE_K = 1.5


def trailing_quartiles(x: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """First and third quartiles of the ``window`` samples before each sample (itself
    excluded), per column of ``x`` ``(n, ch)``; the first ``window`` samples, without a full
    history, use the quartiles of the first window."""
    import pandas as pd  # its rolling quantile is a sorted-window (skiplist) pass, O(n log w)

    frame = pd.DataFrame(np.asarray(x, np.float64)).shift(1)
    rolling = frame.rolling(window, min_periods=window)
    q1 = rolling.quantile(0.25).to_numpy()
    q3 = rolling.quantile(0.75).to_numpy()
    head = np.asarray(x[:window], np.float64)
    first_q1, first_q3 = np.quantile(head, 0.25, axis=0), np.quantile(head, 0.75, axis=0)
    # Only the first `window` rows lack history; in a streamed block they are context
    # that is cut off again, so the same fill serves both cases.
    missing = np.isnan(q1)
    q1 = np.where(missing, first_q1, q1)
    q3 = np.where(missing, first_q3, q3)
    return q1, q3


class RollingIQRDetector(BaselineDetector):
    """Distance outside the fences ``[Q1 − 1.5·IQR, Q3 + 1.5·IQR]`` of the trailing
    ``config.window`` samples, in IQR units (0 inside), per channel, held at its peak over
    ``config.smoothing`` samples.

    The IQR is floored at a tenth of its median on the training data. Fitted: ``iqr_floor_``.
    """

    key = "iqr"
    label = "rolling IQR"

    def _fit(self, data: np.ndarray, ctx: TaskContext) -> None:
        x = self.scaler_.transform(data[:FIT_SAMPLES])
        q1, q3 = trailing_quartiles(x, self.config.window)
        self.iqr_floor_ = np.maximum(0.1 * np.median(q3 - q1, axis=0), 1e-3)

    def _score(self, data: np.ndarray, ctx: TaskContext) -> np.ndarray:
        w, s = self.config.window, max(1, self.config.smoothing)

        def block(x: np.ndarray, at_start: bool) -> np.ndarray:
            q1, q3 = trailing_quartiles(x, w)
            iqr = np.maximum(q3 - q1, self.iqr_floor_)
            outside = np.maximum(np.maximum(q1 - FENCE_K * iqr - x, x - q3 - FENCE_K * iqr), 0.0)
            return peak_hold(outside / iqr, s)

        return self._stream(data, block, before=w + s, after=s, ctx=ctx)

    def extra_state(self) -> dict:
        return {"iqr_floor": self.iqr_floor_.tolist()}

    def load_extra_state(self, state: dict) -> None:
        self.iqr_floor_ = np.asarray(state["iqr_floor"], np.float64)
