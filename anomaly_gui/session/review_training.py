""""Retrain with my review": fit the detector again on the data the reviewer called normal.

What is normal after a review (``training_mask``):

* samples of **accepted** segments are anomalies: left out of the training data;
* samples of **rejected** segments are false alarms: kept (they are normal), so the model
  learns them and stops flagging them;
* samples of **pending** segments were flagged but not judged: left out by default
  (``pending="exclude"``), since the model already found them unusual and nobody said they
  are normal; ``pending="include"`` trains on them;
* everything outside segments is normal, as before.

Training never sees a masked sample: sliding windows are taken inside each usable stretch
(stretches shorter than one window are dropped, no window spans a gap), beat windows only
around R peaks whose whole beat window is usable; other detectors (the baselines) are fitted
on the usable stretches of at least one window joined end to end. The normalisation is fitted on the usable
samples, the threshold on the scores of the usable samples. The detector classes and the
training loop are reused as they are; only the choice of training windows differs from
``detect.pipeline.run_detection``, which this module does not change.
"""

from __future__ import annotations

import math
import time
from typing import Callable

import numpy as np

from ..errors import DataError
from ..recording import Recording, check_finite
from ..segments import SegmentDiff, carry_review_over, diff_segments, mask_to_intervals
from ..tasks import NULL_TASK, TaskContext, sub
from .commands import ReplaceSegments
from .session import Session

PENDING_CHOICES = ("exclude", "include")


def training_mask(segments, n_samples: int, *, pending: str = "exclude", margin_samples: int = 0) -> np.ndarray:
    """Boolean ``(n_samples,)``: True where a sample may be used to learn what is normal.

    ``segments``: an iterable of ``Segment`` (a session's, a ``SegmentSet``).
    ``margin_samples`` widens each excluded segment on both sides.
    """
    if pending not in PENDING_CHOICES:
        raise DataError(f"pending must be one of {', '.join(PENDING_CHOICES)}, not '{pending}'.")
    excluded = {"accepted"} | ({"pending"} if pending == "exclude" else set())
    mask = np.ones(int(n_samples), bool)
    for s in segments:
        if s.status in excluded:
            mask[max(0, s.start_sample - margin_samples) : min(n_samples, s.end_sample + margin_samples)] = False
    return mask


def usable_stretches(mask: np.ndarray, min_length: int) -> np.ndarray:
    """``(k, 2)`` ``[start, end)`` runs of True at least ``min_length`` long."""
    runs = mask_to_intervals(mask)
    return runs[(runs[:, 1] - runs[:, 0]) >= min_length]


def _training_settings(cfg, keep_default: float):
    from ..model.training import TrainingSettings

    return TrainingSettings(
        epochs=cfg.epochs,
        batch_size=cfg.batch_size,
        learning_rate=cfg.learning_rate,
        windows_per_epoch=cfg.windows_per_epoch,
        patience=cfg.patience,
        kl_weight=cfg.kl_weight,
        seed=cfg.seed,
        keep_fraction=keep_default if cfg.keep_fraction is None else cfg.keep_fraction,
    )


def _fit_sliding(det, data: np.ndarray, fs_hz: float, names: list[str], mask: np.ndarray,
                 ctx: TaskContext, on_epoch: Callable | None):
    import torch

    from ..detect.autoencoder import MAX_TRAIN_WINDOWS
    from ..dsp.normalise import ChannelScaler
    from ..dsp.windows import gather_windows, window_starts
    from ..model.networks import build_network
    from ..model.training import train_network

    cfg = det.config
    stretches = usable_stretches(mask, cfg.window)
    starts = [a + window_starts(int(b - a), cfg.window, cfg.train_stride) for a, b in stretches]
    starts = np.concatenate(starts) if starts else np.zeros(0, np.int64)
    if len(starts) < 4:
        raise DataError(
            f"After leaving out the reviewed anomalies only {len(starts)} training window(s) of "
            f"{cfg.window} samples remain; review fewer segments as anomalies or use a reference."
        )
    ctx.progress(0.0, "Preparing training windows")
    det.scaler_ = ChannelScaler.fit(np.asarray(data, np.float32)[mask])
    x = det.scaler_.transform(data)
    if len(starts) > MAX_TRAIN_WINDOWS:
        starts = starts[np.linspace(0, len(starts) - 1, MAX_TRAIN_WINDOWS).astype(np.int64)]
    windows = gather_windows(x, starts, cfg.window)
    torch.manual_seed(cfg.seed)
    det.net_ = build_network(cfg.model, data.shape[1], cfg.window, cfg.latent_dim, cfg.width)
    det.history_ = train_network(det.net_, windows, _training_settings(cfg, 1.0), ctx, on_epoch)
    det.n_channels_, det.fs_hz_, det.channel_names_ = int(data.shape[1]), float(fs_hz), list(names)
    return det


def _fit_beats(det, data: np.ndarray, fs_hz: float, names: list[str], mask: np.ndarray,
               ctx: TaskContext, on_epoch: Callable | None):
    import torch

    from ..detect.beats import AFTER_S, BEAT_POINTS, BEFORE_S, _robust_centre_spread, beat_windows, rhythm_scores
    from ..dsp.ecg import detect_r_peaks
    from ..dsp.normalise import ChannelScaler
    from ..model.networks import build_network
    from ..model.training import train_network

    cfg = det.config
    data = np.asarray(data, np.float32)
    ctx.progress(0.0, "Detecting heartbeats")
    peaks = detect_r_peaks(data[:, 0], fs_hz)
    before, after = int(math.ceil(BEFORE_S * fs_hz)), int(math.ceil(AFTER_S * fs_hz))
    bad = np.concatenate([[0], np.cumsum(~mask)])
    lo = np.clip(peaks - before, 0, len(mask))
    hi = np.clip(peaks + after + 1, 0, len(mask))
    keep = (bad[hi] - bad[lo]) == 0
    if keep.sum() < 20:
        raise DataError(
            f"After leaving out the reviewed anomalies only {int(keep.sum())} whole heartbeats remain; "
            "beat-synchronous training needs at least 20."
        )
    det.scaler_ = ChannelScaler.fit(data[mask])
    x = det.scaler_.transform(data)
    beats = beat_windows(x, peaks[keep], fs_hz)
    torch.manual_seed(cfg.seed)
    det.net_ = build_network(cfg.model, data.shape[1], BEAT_POINTS, cfg.latent_dim, cfg.width)
    det.history_ = train_network(det.net_, beats, _training_settings(cfg, 0.5), sub(ctx, 0.05, 0.95), on_epoch)
    det.n_channels_, det.fs_hz_, det.channel_names_ = int(data.shape[1]), float(fs_hz), list(names)
    # reference statistics of the training beats, per channel as BeatAutoencoderDetector.fit does
    errors = _per_channel_errors(det.net_, beats)
    det.shape_centre_, det.shape_spread_ = _robust_centre_spread(np.log(np.maximum(errors, 1e-12)))
    rhythm = rhythm_scores(peaks, fs_hz)[keep]
    det.rhythm_centre_, det.rhythm_spread_ = _robust_centre_spread(rhythm[:, None])
    return det


def _per_channel_errors(net, beats: np.ndarray) -> np.ndarray:
    import torch

    out = np.empty((len(beats), beats.shape[1]), np.float64)
    net.eval()
    with torch.inference_mode():
        for b in range(0, len(beats), 1024):
            w = torch.from_numpy(beats[b : b + 1024])
            out[b : b + 1024] = torch.mean((net(w) - w) ** 2, dim=2).numpy()
    return out


def _fit_concatenated(det, data: np.ndarray, fs_hz: float, names: list[str], mask: np.ndarray,
                      ctx: TaskContext, on_epoch: Callable | None):
    """Any other detector (the baselines): fitted on the usable stretches of at least one
    window, joined end to end (their features are local, so the joins matter little)."""
    window = int(det.config.window)
    stretches = usable_stretches(mask, window)
    if len(stretches) == 0:
        raise DataError(f"After leaving out the reviewed anomalies no stretch of {window} samples remains.")
    joined = np.concatenate([data[a:b] for a, b in stretches])
    return det.fit(joined, fs_hz, names, ctx, on_epoch)


def run_detection_masked(recording: Recording, config, mask: np.ndarray, ctx: TaskContext = NULL_TASK,
                         on_epoch: Callable | None = None, description: str = "recording minus reviewed anomalies"):
    """``run_detection`` trained only on samples where ``mask`` is True; scores every sample.

    Progress: training 0–80 %, scoring 80–100 %. Returns a ``DetectionResult``.
    """
    from ..detect.autoencoder import AutoencoderDetector
    from ..detect.beats import BeatAutoencoderDetector
    from ..detect.pipeline import DetectionResult, make_detector, segment
    from ..detect.threshold import ScoreReference, resolve_threshold

    check_finite(recording)
    mask = np.asarray(mask, bool)
    if mask.shape != (recording.n_samples,):
        raise DataError(f"The training mask has {mask.shape} entries for {recording.n_samples} samples.")
    det = make_detector(config, recording)
    started = time.perf_counter()
    data = np.asarray(recording.data, np.float32)
    fit = {AutoencoderDetector: _fit_sliding, BeatAutoencoderDetector: _fit_beats}.get(type(det), _fit_concatenated)
    fit(det, data, recording.fs_hz, recording.channel_names, mask, sub(ctx, 0.0, 0.8), on_epoch)
    train_s = time.perf_counter() - started
    started = time.perf_counter()
    channel_scores = det.score_channels(data, sub(ctx, 0.8, 1.0))
    scores = channel_scores.mean(axis=1)
    det.score_reference_ = ScoreReference.from_scores(scores[mask])
    threshold = resolve_threshold(config.threshold, det.score_reference_, det.auto_threshold(det.score_reference_, config))
    segs = segment(scores, channel_scores, threshold, recording.fs_hz, config, recording.channel_names)
    ctx.progress(1.0, f"{len(segs)} segment(s) flagged")
    return DetectionResult(
        scores=scores, channel_scores=channel_scores, threshold=threshold, segments=segs, detector=det,
        config=config, source_description=description,
        timings={"train_s": train_s, "score_s": time.perf_counter() - started},
        notices=[f"Trained on {100 * mask.mean():.1f} % of the recording (reviewed anomalies left out)."],
    )


def retrain_with_review(session: Session, ctx: TaskContext = NULL_TASK, *, pending: str = "exclude",
                        on_epoch: Callable | None = None, config=None):
    """Retrain on the session's recording with its review as training mask.

    Returns ``(result, diff)``: the new ``DetectionResult`` and how the session's segments
    would change if it is applied with ``replace_command(session, result)`` (reviewed segments
    always stay; ``SegmentDiff`` counts kept/added/removed by overlap).
    """
    from ..detect.config import DetectionConfig

    if session.recording is None:
        raise DataError("The recording is not loaded; retraining needs its samples.")
    config = config or (DetectionConfig.from_dict(session.detection) if session.detection else DetectionConfig())
    mask = training_mask(session.segment_list, session.n_samples, pending=pending)
    result = run_detection_masked(session.recording, config, mask, ctx, on_epoch)
    diff = preview_diff(session, result)
    return result, diff


def preview_diff(session: Session, result) -> SegmentDiff:
    """How ``replace_command(session, result)`` would change the segments."""
    old = list(session.segment_list)
    new = carry_review_over(old, list(result.segments), result.config.min_duration_samples(session.fs_hz), result.scores)
    return diff_segments(old, new)


def replace_command(session: Session, result, description: str = "Retrain with review") -> ReplaceSegments:
    """The undoable command that swaps a new detection into the session, keeping the review."""
    return ReplaceSegments(
        result.segments.segments,
        scores=result.scores,
        channel_scores=result.channel_scores,
        threshold=result.threshold,
        detection=result.config.to_dict(),
        detector=result.detector,
        training_description=result.source_description,
        min_length=result.config.min_duration_samples(session.fs_hz),
        description=description,
    )
