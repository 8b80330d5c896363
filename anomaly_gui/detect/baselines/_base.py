"""What every baseline detector shares: validation, scaling, fitted attributes, streaming.

A baseline follows the same contract as ``AutoencoderDetector``: ``fit`` on ``(n, ch)`` float32
samples returns ``self``; ``score_channels`` gives one float32 score per input sample and
channel (higher = more anomalous); ``score_samples`` is their mean over channels (the same
combination the pipeline uses); ``auto_threshold`` is the extreme-value rule of the training
scores. Baselines have no network, so ``save_detector`` cannot write them yet: reading ``net_``
raises ``ModelFileError`` with a one-line reason.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ...dsp.normalise import ChannelScaler
from ...errors import DataError, ModelFileError
from ...tasks import NULL_TASK, TaskContext
from ..config import DetectionConfig

# Samples per streamed block: bounds memory on hours-long recordings.
STREAM_CHUNK = 1 << 20


class BaselineDetector:
    """Base of the classical detectors (``zscore``, ``iqr``, ``iforest``, ``ocsvm``, ``glm``,
    ``discord``). Subclasses implement ``_fit(x, ctx)`` and ``_score(x, ctx)`` on data already
    scaled by the robust per-channel ``scaler_`` fitted on the training data.

    Fitted attributes: ``scaler_``, ``n_channels_``, ``fs_hz_``, ``channel_names_``,
    ``history_`` (always empty: nothing is trained by epochs) and the subclass's own.
    """

    key = ""
    label = ""
    #: Minimum training length in windows of ``config.window`` samples.
    min_train_windows = 2

    def __init__(self, config: DetectionConfig | None = None) -> None:
        self.config = config or DetectionConfig(model=self.key)

    # -- contract ------------------------------------------------------------------------
    def fit(
        self,
        data: np.ndarray,
        fs_hz: float,
        channel_names: list[str] | None = None,
        ctx: TaskContext = NULL_TASK,
        on_epoch: Callable | None = None,
    ) -> "BaselineDetector":
        """Learn the normal behaviour of ``data`` ``(n, ch)``; ``on_epoch`` is never called."""
        data = _as_2d(data)
        need = self.min_train_windows * self.config.window
        if len(data) < need:
            raise DataError(
                f"The training data has {len(data)} samples ({len(data) / fs_hz:.3g} s); the "
                f"{self.label} baseline needs at least {need} ({self.min_train_windows} windows "
                f"of {self.config.window})."
            )
        ctx.progress(0.0, f"Fitting {self.label}")
        self.scaler_ = ChannelScaler.fit(data)
        self.n_channels_ = int(data.shape[1])
        self.fs_hz_ = float(fs_hz)
        self.channel_names_ = list(channel_names or [f"ch{i}" for i in range(data.shape[1])])
        self.history_: list = []
        self._fit(data, ctx)
        ctx.progress(1.0, f"{self.label} fitted")
        return self

    def score_channels(self, data: np.ndarray, ctx: TaskContext = NULL_TASK) -> np.ndarray:
        """``(n, ch)`` float32 per-channel scores, one per input sample."""
        data = _as_2d(data)
        if data.shape[1] != self.n_channels_:
            raise DataError(
                f"The model was trained on {self.n_channels_} channel(s); the data has {data.shape[1]}."
            )
        if len(data) < self.config.window:
            raise DataError(
                f"The recording has {len(data)} samples; scoring needs at least one window of "
                f"{self.config.window}."
            )
        out = np.asarray(self._score(data, ctx), np.float32)
        return np.nan_to_num(out, nan=0.0, posinf=np.finfo(np.float32).max)

    def score_samples(self, data: np.ndarray, ctx: TaskContext = NULL_TASK) -> np.ndarray:
        """``(n,)`` float32 scores: the mean of the per-channel scores."""
        return self.score_channels(data, ctx).mean(axis=1)

    def auto_threshold(self, reference, config: DetectionConfig) -> float:
        """The autoencoders' rule (``ScoreReference.automatic_level``)."""
        return reference.automatic_level(config)

    def extra_state(self) -> dict:
        """JSON-able fitted state beyond the scaler (model files)."""
        raise ModelFileError(f"The {self.label} baseline cannot be saved to a model file; fit it again instead.")

    def load_extra_state(self, state: dict) -> None:
        raise ModelFileError(f"The {self.label} baseline cannot be loaded from a model file.")

    @property
    def net_(self):
        # Model files store a network's state_dict; baselines have none, so saving stops here
        # with a typed error instead of an AttributeError deep in persistence.
        raise ModelFileError(
            f"Model files hold trained networks; the {self.label} baseline has none and cannot "
            "be saved yet. Fit it again on the same data instead."
        )

    # -- for subclasses ------------------------------------------------------------------
    def _fit(self, data: np.ndarray, ctx: TaskContext) -> None:
        raise NotImplementedError

    def _score(self, data: np.ndarray, ctx: TaskContext) -> np.ndarray:
        raise NotImplementedError

    def _stream(
        self,
        data: np.ndarray,
        fn: Callable[[np.ndarray, bool], np.ndarray],
        before: int,
        after: int,
        ctx: TaskContext,
        chunk: int | None = None,
        message: str = "Scoring",
    ) -> np.ndarray:
        """Apply ``fn(scaled block, at_start) -> (len, ch)`` block by block with ``before``
        samples of history and ``after`` of look-ahead, so the result equals one call on the
        whole array whenever ``fn``'s output at a sample depends on at most that context."""
        n = len(data)
        chunk = chunk or STREAM_CHUNK
        out = np.empty((n, self.n_channels_), np.float32)
        for i0 in range(0, n, chunk):
            ctx.check_cancelled()
            i1 = min(n, i0 + chunk)
            a, b = max(0, i0 - before), min(n, i1 + after)
            block = fn(self.scaler_.transform(data[a:b]), a == 0)
            out[i0:i1] = block[i0 - a : i1 - a]
            ctx.progress(i1 / n, message)
        return out


def _as_2d(data: np.ndarray) -> np.ndarray:
    data = np.asarray(data, np.float32)
    if data.ndim == 1:
        data = data[:, None]
    if data.ndim != 2:
        raise DataError(f"Expected samples × channels, got an array of shape {data.shape}.")
    return data


def robust_spread(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """MAD scaled to a Gaussian standard deviation; the standard deviation where the MAD is 0."""
    x = np.asarray(x, np.float64)
    centre = np.median(x, axis=axis, keepdims=True)
    mad = np.median(np.abs(x - centre), axis=axis) * 1.4826
    return np.where(mad > 1e-12, mad, np.std(x, axis=axis))


def peak_hold(scores: np.ndarray, width: int) -> np.ndarray:
    """Centred running maximum over ``width`` samples (axis 0).

    A single outlying sample becomes a run of ``width`` flagged samples, which the
    segmenter's minimum duration (a quarter window by default) then keeps.
    """
    if width <= 1:
        return scores
    from scipy.ndimage import maximum_filter1d

    return maximum_filter1d(scores, size=width, axis=0, mode="nearest")


def windows_to_samples(starts: np.ndarray, values: np.ndarray, window: int, n: int) -> np.ndarray:
    """Per-sample mean of ``values`` ``(k, ch)`` over every window ``[start, start + window)``
    covering the sample (samples no window covers get the nearest covered value)."""
    starts = np.asarray(starts, np.int64)
    values = np.asarray(values, np.float64).reshape(len(starts), -1)
    ends = np.minimum(starts + window, n)
    total = np.zeros((n + 1, values.shape[1]))
    count = np.zeros(n + 1)
    np.add.at(total, starts, values)
    np.add.at(total, ends, -values)
    np.add.at(count, starts, 1.0)
    np.add.at(count, ends, -1.0)
    total = np.cumsum(total[:n], axis=0)
    count = np.cumsum(count[:n])
    covered = count > 0.5
    out = np.zeros((n, values.shape[1]))
    out[covered] = total[covered] / count[covered, None]
    if not covered.all() and covered.any():
        idx = np.flatnonzero(covered)
        nearest = idx[np.clip(np.searchsorted(idx, np.arange(n)), 0, len(idx) - 1)]
        out[~covered] = out[nearest[~covered]]
    return out.astype(np.float32)
