"""Beat-synchronous autoencoder for ECG: one window per detected heartbeat.

A sliding-window model sees beats at every phase and learns them all, ectopic ones included;
centring each window on its R peak makes every window one beat, so the network models the
patient's dominant beat and scores each beat by how far it departs from it. Premature beats
that look normal in shape (supraventricular) are caught by a rhythm term: the RR interval
before the beat against the local median RR.
"""

from __future__ import annotations

import copy
from typing import Callable

import numpy as np

from ..dsp.ecg import detect_r_peaks
from ..dsp.normalise import ChannelScaler
from ..errors import DataError
from ..tasks import NULL_TASK, TaskContext, sub
from .config import DetectionConfig

BEFORE_S = 0.25
AFTER_S = 0.45
BEAT_POINTS = 128
ONSET_S = 0.06
OFFSET_S = 0.40
TYPICAL_FRACTION = 0.5
"""Share of a record's detected beats the network trains on: those nearest its median beat."""
RHYTHM_SPAN = 64
"""Beats around each beat whose median RR interval is its expected RR (about a minute)."""


def beat_windows(data: np.ndarray, peaks: np.ndarray, fs_hz: float) -> np.ndarray:
    """``(n_beats, ch, BEAT_POINTS)`` windows from ``peaks - BEFORE_S`` to ``peaks + AFTER_S``,
    linearly interpolated to a fixed number of points (so models work at any rate), each with
    its own median removed (baseline wander)."""
    offsets = np.linspace(-BEFORE_S * fs_hz, AFTER_S * fs_hz, BEAT_POINTS)
    pos = np.clip(peaks[:, None] + offsets[None, :], 0, len(data) - 1.000001)
    lo = np.floor(pos).astype(np.int64)
    frac = (pos - lo).astype(np.float32)[:, None, :]
    x = np.asarray(data, np.float32)
    left = x[lo].transpose(0, 2, 1)
    right = x[lo + 1].transpose(0, 2, 1)
    with np.errstate(invalid="ignore"):  # a beat beside a gap (inf) gets NaN, and is left out
        w = left + (right - left) * frac
        return (w - np.median(w, axis=2, keepdims=True)).astype(np.float32)


def paint_beats(peaks: np.ndarray, values: np.ndarray, n_samples: int, fs_hz: float, background) -> np.ndarray:
    """``(n_samples, *values.shape[1:])`` float32 samples where each beat's value covers its own
    samples, from QRS onset (``ONSET_S`` before the R peak) to the end of its T wave
    (``OFFSET_S`` after), never past the midpoint to a neighbouring beat; ``background``
    elsewhere."""
    peaks = np.asarray(peaks, np.int64)
    values = np.asarray(values, np.float32)
    out = np.empty((n_samples,) + values.shape[1:], np.float32)
    out[:] = background
    mid = (peaks[1:] + peaks[:-1]) // 2
    lo = np.maximum(peaks - int(round(ONSET_S * fs_hz)), np.concatenate([[0], mid]))
    hi = np.minimum(peaks + int(round(OFFSET_S * fs_hz)) + 1, np.concatenate([mid, [n_samples]]))
    for k in range(len(peaks)):
        out[lo[k] : hi[k]] = values[k]
    return out


def beats_inside(mask: np.ndarray, peaks: np.ndarray, fs_hz: float) -> np.ndarray:
    """Which beats' windows (``BEFORE_S`` … ``AFTER_S`` around each peak) lie wholly where
    ``mask`` is True."""
    m = np.asarray(mask, bool)
    excluded_before = np.concatenate([[0], np.cumsum(~m)])
    lo = np.clip(peaks - int(np.ceil(BEFORE_S * fs_hz)), 0, len(m))
    hi = np.clip(peaks + int(np.ceil(AFTER_S * fs_hz)) + 1, 0, len(m))
    return (excluded_before[hi] - excluded_before[lo]) == 0


def typical_beats(beats: np.ndarray, fraction: float = TYPICAL_FRACTION) -> np.ndarray:
    """Which beats ``(n, ch, points)`` are nearest (mean squared distance) to the record's
    median beat: the ``fraction`` of them most like the dominant morphology.

    The point-wise median beat is the dominant beat as long as it makes up more than half of
    the record, however alike the ectopic beats are among themselves; a network trained on all
    beats of a record in bigeminy would learn the ectopic beat as well as the normal one."""
    template = np.median(beats, axis=0)
    distance = np.mean((beats - template) ** 2, axis=(1, 2))
    return distance <= np.quantile(distance, fraction)


def typical_halves(beats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the typical beats (``typical_beats``) in two interleaved halves, every other
    one in time order: a model trained on a record learns the first, and the score statistics
    come from the second, so they describe how normal beats the network has not seen score.
    Taken the same way whenever a model meets the record again (a saved model scoring it),
    the statistics come from the same beats."""
    typical = np.flatnonzero(typical_beats(beats))
    return typical[::2], typical[1::2]


def _rr_intervals(peaks: np.ndarray, fs_hz: float, span: int) -> tuple[np.ndarray, np.ndarray]:
    """RR intervals (s) and the expected RR of each: the median over ``span`` intervals around it."""
    from scipy.ndimage import median_filter

    rr = np.diff(peaks.astype(np.float64)) / fs_hz
    return rr, median_filter(rr, size=min(len(rr), span) | 1, mode="nearest")


def rhythm_scores(peaks: np.ndarray, fs_hz: float, span: int = RHYTHM_SPAN) -> np.ndarray:
    """Prematurity of each beat: ``max(0, 1 - RR_before / median RR of its neighbours)`` plus
    the same for a pause after it (compensatory pause), so 0 for a regular beat. The median
    over ``span`` beats is long enough that a run of premature beats (supraventricular
    tachycardia, tens of beats) stays premature against it."""
    if len(peaks) < 3:
        return np.zeros(len(peaks))
    rr, local = _rr_intervals(peaks, fs_hz, span)
    before = np.concatenate([[local[0]], rr])
    after = np.concatenate([rr, [local[-1]]])
    ref_before = np.concatenate([[local[0]], local])
    ref_after = np.concatenate([local, [local[-1]]])
    early = np.maximum(0.0, 1.0 - before / ref_before)
    pause = np.maximum(0.0, after / ref_after - 1.0)
    return early + 0.5 * np.minimum(pause, 1.0)


def rr_variability(peaks: np.ndarray, fs_hz: float, keep: np.ndarray | None = None, span: int = RHYTHM_SPAN) -> float:
    """Beat-to-beat variability of the rhythm: the robust spread (MAD as a standard deviation)
    of ``1 - RR_before / expected RR`` over the beats (those where ``keep`` is True).

    Taken on the signed deviation, not on the prematurity score, which is 0 for every beat
    that comes late: the MAD of a variable that is 0 for most beats is far below the real
    variability and would make a beat 5 % early look like an ectopic beat."""
    if len(peaks) < 3:
        return 1.0
    rr, local = _rr_intervals(peaks, fs_hz, span)
    deviation = 1.0 - rr / local  # of beats 1 … n-1 (beat 0 has no RR before it)
    if keep is not None:
        deviation = deviation[np.asarray(keep, bool)[1:]]
    if deviation.size < 2:
        return 1.0
    spread = 1.4826 * float(np.median(np.abs(deviation - np.median(deviation))))
    return spread if spread > 1e-6 else max(float(np.std(deviation)), 1e-6)


def _robust_centre_spread(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column median and MAD (as a standard deviation; the std where the MAD is 0)."""
    centre = np.median(x, axis=0)
    spread = np.median(np.abs(x - centre), axis=0) * 1.4826
    spread = np.where(spread > 1e-9, spread, np.std(x, axis=0))
    return centre, np.where(spread > 1e-9, spread, 1.0)


class BeatAutoencoderDetector:
    """Conv AE/VAE on R-peak-centred beats (robustly trained); per-sample scores are the score
    of the beat each sample belongs to. Same contract as ``AutoencoderDetector``."""

    def __init__(self, config: DetectionConfig | None = None) -> None:
        self.config = config or DetectionConfig()

    def fit(
        self,
        data: np.ndarray,
        fs_hz: float,
        channel_names: list[str] | None = None,
        ctx: TaskContext = NULL_TASK,
        on_epoch: Callable | None = None,
        peaks: np.ndarray | None = None,
        training_mask: np.ndarray | None = None,
    ) -> "BeatAutoencoderDetector":
        """Learn the beats of ``data``: those at ``peaks`` (e.g. annotated normal beats of
        reference recordings) or, by default, half of the beats the R-peak detector finds that
        are most like the record's median beat (``typical_halves``); with ``training_mask``
        only beats lying wholly where it is True."""
        self._fit(data, fs_hz, channel_names, ctx, on_epoch, peaks, training_mask)
        return self

    def _fit(
        self, data, fs_hz, channel_names, ctx, on_epoch, peaks, training_mask
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``fit``, returning what scoring ``data`` would (``beat_scores``): the detected beats
        are found, cut and scored once, for the training set and for the score statistics."""
        import torch

        from ..model.networks import build_network
        from ..model.training import TrainingSettings, train_network

        cfg = self.config
        data = np.asarray(data, np.float32)
        ctx.progress(0.0, "Detecting heartbeats")
        detected = detect_r_peaks(data[:, 0], fs_hz)
        keep = self._usable(detected, fs_hz, training_mask)
        if peaks is not None:
            peaks = np.asarray(peaks, np.int64)
            peaks = peaks[self._usable(peaks, fs_hz, training_mask)]
        n_training = int(keep.sum()) if peaks is None else len(peaks)
        if n_training < 20:
            raise DataError(
                f"Only {n_training} usable heartbeats were found in the training data; "
                "beat-synchronous detection needs at least 20. Use sliding windows for non-ECG signals."
            )
        self.scaler_ = ChannelScaler.fit(data if training_mask is None else data[training_mask])
        scaled = self.scaler_.transform(data)
        beats = beat_windows(scaled, detected, fs_hz)
        if peaks is None:
            training = beats[np.flatnonzero(keep)[typical_halves(beats[keep])[0]]]
        else:
            training = beat_windows(scaled, peaks, fs_hz)
        torch.manual_seed(cfg.seed)
        self.net_ = build_network(cfg.model, data.shape[1], BEAT_POINTS, cfg.latent_dim, cfg.width)
        settings = TrainingSettings.from_config(cfg, default_keep_fraction=0.5)
        self.history_ = train_network(self.net_, training, settings, sub(ctx, 0.05, 0.95), on_epoch)
        self.n_training_beats_ = len(training)
        self.n_channels_ = int(data.shape[1])
        self.fs_hz_ = float(fs_hz)
        self.channel_names_ = list(channel_names or [f"ch{i}" for i in range(data.shape[1])])
        errors = self._errors(beats, sub(ctx, 0.95, 1.0))
        rhythm = rhythm_scores(detected, fs_hz)
        self._set_score_statistics(detected, beats, errors, rhythm, keep)
        return detected, errors, rhythm

    @staticmethod
    def _usable(peaks: np.ndarray, fs_hz: float, training_mask: np.ndarray | None) -> np.ndarray:
        """Which beats lie wholly where ``training_mask`` is True (all without one)."""
        return np.ones(len(peaks), bool) if training_mask is None else beats_inside(training_mask, peaks, fs_hz)

    def _fit_score_statistics(
        self, data: np.ndarray, ctx: TaskContext = NULL_TASK, training_mask: np.ndarray | None = None
    ) -> None:
        peaks, beats, errors, rhythm = self._scored_beats(data, ctx)
        self._set_score_statistics(peaks, beats, errors, rhythm, self._usable(peaks, self.fs_hz_, training_mask))

    def _set_score_statistics(
        self, peaks: np.ndarray, beats: np.ndarray, errors: np.ndarray, rhythm: np.ndarray, keep: np.ndarray
    ) -> None:
        # Statistics of the beats of a recording (where ``keep``) that turn errors into robust
        # z-scores, "how many spreads from this recording's dominant beat". The shape
        # statistics come from the typical beats (``typical_beats``): over all beats, a record
        # in bigeminy has two modes of error and their MAD is several times the spread of the
        # normal beats, which hides the ectopic ones. Of those, from the half a network
        # trained on the record does not learn (``typical_halves``): the beats it learns
        # reconstruct better than the record's other normal beats.
        if keep.sum() < 3:
            raise DataError("Too few heartbeats were found to score this recording.")
        typical = np.flatnonzero(keep)[typical_halves(beats[keep])[1]]
        self.shape_centre_, self.shape_spread_ = _robust_centre_spread(np.log(np.maximum(errors[typical], 1e-12)))
        self.rhythm_centre_ = np.array([np.median(rhythm[keep])])
        self.rhythm_spread_ = np.array([rr_variability(peaks, self.fs_hz_, keep)])

    def adapted_to(
        self, data: np.ndarray, fs_hz: float, ctx: TaskContext = NULL_TASK, training_mask: np.ndarray | None = None
    ) -> "BeatAutoencoderDetector":
        """A copy that keeps the learnt beat shapes but takes its amplitude normalisation, rate
        and score statistics from ``data`` (where ``training_mask`` is True): a reference model
        of other people's beats, adapted so that this patient's own typical beat (e.g. a bundle
        branch block) scores as typical."""
        adapted = copy.copy(self)
        adapted.fs_hz_ = float(fs_hz)
        data = np.asarray(data, np.float32)
        adapted.scaler_ = ChannelScaler.fit(data if training_mask is None else data[training_mask])
        adapted._fit_score_statistics(data, ctx, training_mask)
        return adapted

    def extra_state(self) -> dict:
        """Fitted statistics beyond the network and scaler (saved in model files)."""
        return {
            "shape_centre": self.shape_centre_.tolist(),
            "shape_spread": self.shape_spread_.tolist(),
            "rhythm_centre": self.rhythm_centre_.tolist(),
            "rhythm_spread": self.rhythm_spread_.tolist(),
        }

    def load_extra_state(self, state: dict) -> None:
        for key in ("shape_centre", "shape_spread", "rhythm_centre", "rhythm_spread"):
            setattr(self, key + "_", np.asarray(state[key], np.float64))

    def auto_threshold(self, reference, config: DetectionConfig) -> float:
        """Beat scores are robust z-scores: the automatic threshold is a fixed number of robust
        spreads (``config.beat_threshold_z``), which holds however many ectopic beats the
        training data had (the statistics come from the beats most like the median beat)."""
        return float(config.beat_threshold_z)

    def beat_scores(self, data: np.ndarray, ctx: TaskContext = NULL_TASK) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """R-peak positions, per-beat per-channel shape errors ``(n_beats, ch)`` and rhythm scores."""
        peaks, _beats, errors, rhythm = self._scored_beats(data, ctx)
        return peaks, errors, rhythm

    def _scored_beats(self, data: np.ndarray, ctx: TaskContext) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``beat_scores`` with the beat windows ``(n_beats, ch, BEAT_POINTS)`` themselves."""
        data = np.asarray(data, np.float32)
        peaks = detect_r_peaks(data[:, 0], self.fs_hz_)
        beats = beat_windows(self.scaler_.transform(data), peaks, self.fs_hz_)
        return peaks, beats, self._errors(beats, ctx), rhythm_scores(peaks, self.fs_hz_)

    def _errors(self, beats: np.ndarray, ctx: TaskContext) -> np.ndarray:
        """``(n_beats, ch)`` mean squared reconstruction error of each beat window."""
        import torch

        errors = np.empty((len(beats), beats.shape[1]), np.float64)
        self.net_.eval()
        with torch.inference_mode():
            for b in range(0, len(beats), 1024):
                ctx.check_cancelled()
                w = torch.from_numpy(beats[b : b + 1024])
                errors[b : b + 1024] = torch.mean((self.net_(w) - w) ** 2, dim=2).numpy()
                ctx.progress(min(1.0, (b + 1024) / len(beats)), "Scoring beats")
        return errors

    def score_beats(self, data: np.ndarray, ctx: TaskContext = NULL_TASK) -> tuple[np.ndarray, np.ndarray]:
        """R-peak positions and ``(n_beats, ch)`` beat scores: the robust z-score of the beat's
        shape error per channel plus the positive part of its rhythm z-score."""
        peaks, errors, rhythm = self.beat_scores(data, ctx)
        return peaks, self._z_scores(errors, rhythm)

    def _z_scores(self, errors: np.ndarray, rhythm: np.ndarray) -> np.ndarray:
        if len(errors) == 0:
            return np.zeros((0, self.n_channels_))
        shape_z = (np.log(np.maximum(errors, 1e-12)) - self.shape_centre_) / self.shape_spread_
        rhythm_z = (rhythm[:, None] - self.rhythm_centre_) / self.rhythm_spread_
        return shape_z + np.maximum(0.0, rhythm_z)

    def score_channels(self, data: np.ndarray, ctx: TaskContext = NULL_TASK) -> np.ndarray:
        """``(n, ch)`` per-sample scores: each beat's score covers its own samples
        (``paint_beats``), so a normal beat next to an ectopic one keeps its own score.
        Samples between beats take the lowest beat score."""
        return self._painted(*self.score_beats(data, ctx), len(data))

    def _painted(self, peaks: np.ndarray, scores: np.ndarray, n_samples: int) -> np.ndarray:
        background = scores.min(axis=0) if len(peaks) else 0.0
        return paint_beats(peaks, scores.reshape(len(peaks), self.n_channels_), n_samples, self.fs_hz_, background)

    def score_samples(self, data: np.ndarray, ctx: TaskContext = NULL_TASK) -> np.ndarray:
        return self.score_channels(data, ctx).mean(axis=1)


def train_on_annotated_beats(
    recordings: list, config: DetectionConfig, labels: tuple[str, ...] = ("N",), ctx: TaskContext = NULL_TASK
) -> BeatAutoencoderDetector:
    """A beat model of the beats annotated with one of ``labels`` (normal beats) in
    ``recordings``: the same channels and rate in each, beats at their annotated positions.
    This is how a reference model of other people's normal beats is made (the bundled ECG
    reference, a user's own); applied to a recording, it is adapted to it (``adapted_to``)."""
    from .threshold import ScoreReference

    if not recordings:
        raise DataError("No reference recordings were given.")
    first = recordings[0]
    pieces, peaks, offset = [], [], 0
    for rec in recordings:
        if rec.fs_hz != first.fs_hz or rec.n_channels != first.n_channels:
            raise DataError(
                f"{rec.display_name} has {rec.n_channels} channel(s) at {rec.fs_hz:g} Hz; the first reference "
                f"has {first.n_channels} at {first.fs_hz:g} Hz."
            )
        annotated = np.isin(np.asarray(rec.annotations.labels), list(labels))
        pieces.append(np.asarray(rec.data, np.float32))
        peaks.append(np.asarray(rec.annotations.onset_samples)[annotated] + offset)
        offset += rec.n_samples
    data = np.concatenate(pieces)
    detector = BeatAutoencoderDetector(config)
    detected, errors, rhythm = detector._fit(data, first.fs_hz, first.channel_names, ctx, None, np.concatenate(peaks), None)
    painted = detector._painted(detected, detector._z_scores(errors, rhythm), len(data))
    detector.score_reference_ = ScoreReference.from_scores(painted.mean(axis=1))
    return detector
