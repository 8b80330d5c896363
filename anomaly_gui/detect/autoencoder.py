"""Convolutional autoencoder / VAE detectors with the scikit-learn-like detector contract."""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..dsp.normalise import ChannelScaler
from ..dsp.windows import OverlapAverager, gather_windows, masked_window_starts, window_runs, window_starts
from ..errors import DataError
from ..model.inference import WindowErrors
from ..tasks import NULL_TASK, TaskContext, sub
from .config import DetectionConfig

# Training windows kept in memory at most; more are thinned evenly (a 24 h record would
# otherwise build gigabytes of overlapping windows for a model that sees 8k per epoch).
MAX_TRAIN_WINDOWS = 65536
# Samples scored per chunk: bounds memory on hours-long recordings.
SCORE_CHUNK = 1 << 18
# Windows per epoch, at least, when the model scores the recording it trains on (drawn with
# replacement from fewer): there its training errors are the scores themselves, so training a
# short recording hard opens no gap between them (the gap that sets a threshold from a short
# reference too low), and the network learns the recording instead of its mean shape.
OWN_RECORDING_MIN_WINDOWS = 1024
# Training samples scored at most to calibrate the sharp-change view (evenly spread stretches
# of longer training data): a few seconds at the scoring speed.
CALIBRATION_SAMPLES = 1 << 21
# The quantile of each view's training scores that the calibration matches.
CALIBRATION_QUANTILE = 0.999


class AutoencoderDetector:
    """Learns to reconstruct windows of normal data, and to repair synthetic anomalies pasted
    into a share of them (``config.synthetic_anomalies``, see ``model.synthetic``).

    A sample's score per channel: in each window covering it, the larger of two views of the
    reconstruction error there — the squared error (in units of the training data's spread) and
    the squared change of the error from the sample before, times ``sharp_weight_`` — averaged
    over those windows, then smoothed. ``sharp_weight_`` brings the second view, averaged and
    smoothed alone, to the first's level on the training data (their 99.9th percentiles). The
    first view is dominated by what the network reconstructs least exactly in normal data,
    often the height of large peaks; the second by short, sharp deviations (a dropout, a spike,
    a notch) that normal data never shows, which a smooth reconstruction error of similar size
    hides among the peaks. Higher = more anomalous.

    Fitted attributes: ``scaler_``, ``net_``, ``history_``, ``n_channels_``, ``fs_hz_``,
    ``channel_names_``, ``sharp_weight_`` (per channel; ``None`` in model files saved before
    the second view existed: they score with the squared error alone, as when they were saved).
    """

    def __init__(self, config: DetectionConfig | None = None) -> None:
        self.config = config or DetectionConfig()

    # -- fitting -------------------------------------------------------------------------
    def fit(
        self,
        data: np.ndarray,
        fs_hz: float,
        channel_names: list[str] | None = None,
        ctx: TaskContext = NULL_TASK,
        on_epoch: Callable | None = None,
        training_mask: np.ndarray | None = None,
        own_recording: bool = False,
    ) -> "AutoencoderDetector":
        """Learn to reconstruct windows of ``data``; with ``training_mask`` only windows lying
        wholly where it is True (e.g. outside segments the user marked as anomalies).
        ``own_recording``: ``data`` is the recording the model will score (see
        ``OWN_RECORDING_MIN_WINDOWS``)."""
        import torch

        from ..model.networks import build_network
        from ..model.training import TrainingSettings, train_network

        cfg = self.config
        data = np.asarray(data, np.float32)
        if data.ndim == 1:
            data = data[:, None]
        if len(data) < cfg.window * 2:
            raise DataError(
                f"The training data has {len(data)} samples ({len(data) / fs_hz:.3g} s); at least "
                f"{2 * cfg.window} samples (two windows) are needed to train."
            )
        ctx.progress(0.0, "Preparing training windows")
        if training_mask is None:
            self.scaler_ = ChannelScaler.fit(data)
            starts = window_starts(len(data), cfg.window, cfg.train_stride)
        else:
            self.scaler_ = ChannelScaler.fit(data[training_mask])
            starts = masked_window_starts(training_mask, cfg.window, cfg.train_stride)
            if len(starts) < 4:
                raise DataError(
                    f"Only {len(starts)} training window(s) of {cfg.window} samples lie outside the "
                    "excluded segments and gaps; exclude fewer segments or train on a reference."
                )
        x = self.scaler_.transform(data)
        if len(starts) > MAX_TRAIN_WINDOWS:
            starts = starts[np.linspace(0, len(starts) - 1, MAX_TRAIN_WINDOWS).astype(np.int64)]
        windows = gather_windows(x, starts, cfg.window)
        torch.manual_seed(cfg.seed)
        self.net_ = build_network(cfg.model, data.shape[1], cfg.window, cfg.latent_dim, cfg.width)
        settings = TrainingSettings.from_config(
            cfg, default_keep_fraction=1.0, synthetic_fraction=cfg.synthetic_anomalies,
            min_windows_per_epoch=OWN_RECORDING_MIN_WINDOWS if own_recording else 0,
        )
        self.history_ = train_network(self.net_, windows, settings, sub(ctx, 0.0, 0.95), on_epoch)
        self.n_channels_ = int(data.shape[1])
        self.fs_hz_ = float(fs_hz)
        self.channel_names_ = list(channel_names or [f"ch{i}" for i in range(data.shape[1])])
        self.sharp_weight_ = self._calibrate_sharp_view(data, training_mask, sub(ctx, 0.95, 1.0))
        return self

    def _calibrate_sharp_view(self, data: np.ndarray, training_mask: np.ndarray | None, ctx: TaskContext) -> np.ndarray:
        """Per channel, the factor that brings the sharp-change view's 99.9th percentile on the
        training data to the squared error's (0 where the training data shows no change)."""
        window = self.config.window
        runs = window_runs(np.ones(len(data), bool) if training_mask is None else training_mask, window)
        total = int((runs[:, 1] - runs[:, 0]).sum())
        if total > CALIBRATION_SAMPLES:
            # Evenly spread stretches of 64 windows, about CALIBRATION_SAMPLES in all.
            block = 64 * window
            step = block * -(-total // CALIBRATION_SAMPLES)
            runs = np.array([
                (a + s, min(b, a + s + block))
                for a, b in runs
                for s in window_starts(int(b - a), min(block, int(b - a)), step)
            ])
        views = np.concatenate([
            self._scores(data[a:b], sub(ctx, i / len(runs), (i + 1) / len(runs)), both_views=True)
            for i, (a, b) in enumerate(runs)
        ])
        level = np.quantile(views, CALIBRATION_QUANTILE, axis=0)
        squared, change = level[: self.n_channels_], level[self.n_channels_ :]
        return np.where(change > 0, squared / np.maximum(change, 1e-30), 0.0).astype(np.float32)

    # -- scoring -------------------------------------------------------------------------
    def score_channels(self, data: np.ndarray, ctx: TaskContext = NULL_TASK) -> np.ndarray:
        """``(n, ch)`` float32 per-channel scores, one per input sample; streamed in chunks."""
        return self._scores(data, ctx, sharp_weight=self.sharp_weight_)

    def _scores(
        self, data: np.ndarray, ctx: TaskContext, sharp_weight: np.ndarray | None = None, both_views: bool = False
    ) -> np.ndarray:
        """Per-element errors (``WindowErrors``) averaged over the windows covering each sample
        and smoothed: ``(n, ch)``, or ``(n, 2 ch)`` with ``both_views``."""
        import torch

        cfg = self.config
        n = len(data)
        if n < cfg.window:
            raise DataError(
                f"The recording has {n} samples; scoring needs at least one window of {cfg.window}."
            )
        if data.ndim != 2 or data.shape[1] != self.n_channels_:
            raise DataError(
                f"The model was trained on {self.n_channels_} channel(s); the data has "
                f"{data.shape[1] if data.ndim == 2 else 1}."
            )
        stride = cfg.score_stride
        averager = OverlapAverager(n, self.n_channels_ * (2 if both_views else 1))
        all_starts = window_starts(n, cfg.window, stride)
        per_chunk = max(1, SCORE_CHUNK // stride)
        self.net_.eval()
        window_errors = WindowErrors(
            self.net_, len(all_starts), cfg.scoring_precision == "auto", sharp_weight, both_views
        )
        for c0 in range(0, len(all_starts), per_chunk):
            ctx.check_cancelled()
            starts = all_starts[c0 : c0 + per_chunk]
            i0, i1 = int(starts[0]), int(starts[-1]) + cfg.window
            x = self.scaler_.transform(data[i0:i1])
            averager.add(starts, window_errors(torch.from_numpy(gather_windows(x, starts - i0, cfg.window))), stride)
            ctx.progress(min(1.0, (c0 + len(starts)) / len(all_starts)), "Scoring")
        self.scoring_precision_ = window_errors.precision
        result = averager.result()
        if cfg.smoothing > 1:
            from scipy.ndimage import uniform_filter1d

            # A squared error of one sample is noisy (chi-square-like); its local mean over a
            # fraction of a window is what tells a changed waveform from a noisy sample.
            uniform_filter1d(result, size=cfg.smoothing, axis=0, output=result, mode="nearest")
        return result

    def score_samples(self, data: np.ndarray, ctx: TaskContext = NULL_TASK) -> np.ndarray:
        """``(n,)`` float32 scores: the mean of the per-channel scores."""
        return self.score_channels(data, ctx).mean(axis=1)

    def auto_threshold(self, reference, config: DetectionConfig) -> float:
        """The level a normal sample exceeds with probability ``config.threshold_risk``, from
        the extreme-value fit of the training scores' tail; a robust level when those scores
        are the scored recording's own (``ScoreReference.automatic_level``)."""
        return reference.automatic_level(config)

    def extra_state(self) -> dict:
        """Fitted values beyond the network and scaler (saved in model files)."""
        return {} if self.sharp_weight_ is None else {"sharp_weight": self.sharp_weight_.tolist()}

    def load_extra_state(self, state: dict) -> None:
        weight = state.get("sharp_weight")
        self.sharp_weight_ = None if weight is None else np.asarray(weight, np.float32)

