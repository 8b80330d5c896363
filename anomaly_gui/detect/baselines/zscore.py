"""Rolling Z-score: how many local standard deviations a sample lies from the local mean."""

from __future__ import annotations

import numpy as np

from ...tasks import TaskContext
from ._base import BaselineDetector, peak_hold

# Training samples the floor statistics are computed from (a contiguous prefix).
FIT_SAMPLES = 2_000_000


def trailing_mean_std(x: np.ndarray, window: int, at_start: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of the ``window`` samples *before* each sample (the sample
    itself excluded, so an outlier does not hide itself), per column of ``x`` ``(n, ch)``.

    The first ``window`` samples of the data (``at_start``) have no full history; they use the
    statistics of the first window instead (of a streamed block's first samples, which are
    context and cut off again, whatever history they have)."""
    x = np.asarray(x, np.float64)
    n = len(x)
    c1 = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x, axis=0)])
    c2 = np.vstack([np.zeros((1, x.shape[1])), np.cumsum(x * x, axis=0)])
    hi = np.arange(n)
    lo = np.maximum(0, hi - window)
    if at_start:
        hi = np.where(hi < window, min(window, n), hi)
    count = np.maximum(hi - lo, 1)[:, None]
    mean = (c1[hi] - c1[lo]) / count
    var = (c2[hi] - c2[lo]) / count - mean * mean
    return mean, np.sqrt(np.maximum(var, 0.0))


class RollingZScoreDetector(BaselineDetector):
    """``|x − mean| / std`` over the trailing ``config.window`` samples, per channel, held at
    its peak over ``config.smoothing`` samples.

    The local standard deviation is floored at a tenth of its median on the training data, so
    flat stretches do not turn tiny wiggles into huge scores. Fitted: ``std_floor_`` (per channel,
    in the units of the robustly scaled signal).
    """

    key = "zscore"
    label = "rolling Z-score"

    def _fit(self, data: np.ndarray, ctx: TaskContext) -> None:
        x = self.scaler_.transform(data[:FIT_SAMPLES])
        _, std = trailing_mean_std(x, self.config.window)
        self.std_floor_ = np.maximum(0.1 * np.median(std, axis=0), 1e-3)

    def _score(self, data: np.ndarray, ctx: TaskContext) -> np.ndarray:
        w, s = self.config.window, max(1, self.config.smoothing)

        def block(x: np.ndarray, at_start: bool) -> np.ndarray:
            mean, std = trailing_mean_std(x, w, at_start)
            z = np.abs(x - mean) / np.maximum(std, self.std_floor_)
            return peak_hold(z, s)

        return self._stream(data, block, before=w + s, after=s, ctx=ctx)

    def extra_state(self) -> dict:
        return {"std_floor": self.std_floor_.tolist()}

    def load_extra_state(self, state: dict) -> None:
        self.std_floor_ = np.asarray(state["std_floor"], np.float64)
