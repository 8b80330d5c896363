"""Window features for the feature-based baselines, and a detector base that uses them.

Nine numbers per window and channel: mean, standard deviation, minimum, maximum, peak-to-peak,
skewness, excess kurtosis, RMS of the first difference, and the fraction of the (mean-removed)
spectral energy in the strongest frequency bin. Each channel gets its own model; the score of a
sample is the mean score of the windows covering it.
"""

from __future__ import annotations

import numpy as np

from ...dsp.windows import window_starts
from ...tasks import TaskContext, sub
from ._base import BaselineDetector, windows_to_samples

FEATURE_NAMES = ("mean", "std", "min", "max", "ptp", "skew", "kurtosis", "diff_rms", "dominant_fraction")
# Training windows per channel at most; more are thinned evenly.
MAX_TRAIN_WINDOWS = 65536
# Windows whose features are computed at once (memory: WINDOW_BATCH × window floats).
WINDOW_BATCH = 8192


def window_features(windows: np.ndarray) -> np.ndarray:
    """``(k, 9)`` features of ``windows`` ``(k, w)`` (see ``FEATURE_NAMES``)."""
    w = np.asarray(windows, np.float64)
    mean = w.mean(axis=1)
    centred = w - mean[:, None]
    var = np.mean(centred**2, axis=1)
    std = np.sqrt(var)
    flat = std < 1e-8
    safe = np.where(flat, 1.0, std)
    skew = np.where(flat, 0.0, np.mean(centred**3, axis=1) / safe**3)
    kurt = np.where(flat, 0.0, np.mean(centred**4, axis=1) / safe**4 - 3.0)
    lo, hi = w.min(axis=1), w.max(axis=1)
    diff_rms = np.sqrt(np.mean(np.diff(w, axis=1) ** 2, axis=1))
    power = np.abs(np.fft.rfft(centred, axis=1))[:, 1:] ** 2
    total = power.sum(axis=1)
    dominant = np.where(total > 0, power.max(axis=1) / np.where(total > 0, total, 1.0), 0.0)
    return np.stack([mean, std, lo, hi, hi - lo, skew, kurt, diff_rms, dominant], axis=1)


def channel_features(x: np.ndarray, starts: np.ndarray, window: int, ctx: TaskContext) -> np.ndarray:
    """``(k, 9)`` features of the windows of the 1-D signal ``x`` starting at ``starts``."""
    view = np.lib.stride_tricks.sliding_window_view(x, window)
    out = np.empty((len(starts), len(FEATURE_NAMES)))
    for b in range(0, len(starts), WINDOW_BATCH):
        ctx.check_cancelled()
        out[b : b + WINDOW_BATCH] = window_features(view[starts[b : b + WINDOW_BATCH]])
        ctx.progress(min(1.0, (b + WINDOW_BATCH) / len(starts)), "Window features")
    return out


class FeatureModelDetector(BaselineDetector):
    """Base of ``iforest`` and ``ocsvm``: one model per channel on standardised window features.

    Subclasses implement ``_make_model(n_train)`` (an unfitted scikit-learn estimator),
    ``_train_rows(k)`` (which training windows to keep) and ``_window_scores(model, f)``
    (higher = more anomalous). Fitted: ``models_``, ``feature_mean_``, ``feature_scale_``.
    """

    def _fit(self, data: np.ndarray, ctx: TaskContext) -> None:
        cfg = self.config
        x = self.scaler_.transform(data)
        starts = window_starts(len(x), cfg.window, cfg.train_stride)
        if len(starts) > MAX_TRAIN_WINDOWS:
            starts = starts[np.linspace(0, len(starts) - 1, MAX_TRAIN_WINDOWS).astype(np.int64)]
        self.models_, means, scales = [], [], []
        n_ch = x.shape[1]
        for c in range(n_ch):
            part = sub(ctx, c / n_ch, (c + 1) / n_ch)
            f = channel_features(x[:, c], starts, cfg.window, sub(part, 0.0, 0.5))
            mean, scale = f.mean(axis=0), f.std(axis=0)
            scale = np.where(scale > 1e-9, scale, 1.0)
            f = (f - mean) / scale
            part.progress(0.5, f"Fitting {self.label} ({self.channel_names_[c]})")
            model = self._make_model(len(f))
            model.fit(f[self._train_rows(len(f))])
            self.models_.append(model)
            means.append(mean)
            scales.append(scale)
        self.feature_mean_, self.feature_scale_ = np.array(means), np.array(scales)

    def _score(self, data: np.ndarray, ctx: TaskContext) -> np.ndarray:
        cfg = self.config
        n = len(data)
        starts = window_starts(n, cfg.window, cfg.score_stride)
        values = np.empty((len(starts), self.n_channels_))
        # Windows are scored in slices of the data so a memmap is read piecewise.
        for b in range(0, len(starts), WINDOW_BATCH):
            ctx.check_cancelled()
            s = starts[b : b + WINDOW_BATCH]
            i0, i1 = int(s[0]), int(s[-1]) + cfg.window
            x = self.scaler_.transform(data[i0:i1])
            for c, model in enumerate(self.models_):
                view = np.lib.stride_tricks.sliding_window_view(x[:, c], cfg.window)
                f = (window_features(view[s - i0]) - self.feature_mean_[c]) / self.feature_scale_[c]
                values[b : b + WINDOW_BATCH, c] = self._window_scores(model, f)
            ctx.progress(min(1.0, (b + WINDOW_BATCH) / len(starts)), "Scoring windows")
        return windows_to_samples(starts, values, cfg.window, n)

    def _make_model(self, n_train: int):
        raise NotImplementedError

    def _train_rows(self, k: int) -> np.ndarray:
        return np.arange(k)

    def _window_scores(self, model, features: np.ndarray) -> np.ndarray:
        raise NotImplementedError
