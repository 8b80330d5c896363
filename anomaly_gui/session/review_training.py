""""Retrain with my review": fit the detector again on the data the reviewer called normal.

What is normal after a review (``training_mask``):

* samples of **accepted** segments are anomalies: left out of the training data;
* samples of **rejected** segments are false alarms: kept (they are normal), so the model
  learns them and stops flagging them;
* samples of **pending** segments were flagged but not judged: left out by default
  (``pending="exclude"``), since the model already found them unusual and nobody said they
  are normal; ``pending="include"`` trains on them;
* everything outside segments is normal, as before.

Training never sees a masked sample (``TrainingSource(kind="masked")`` of the detection
pipeline): sliding windows are taken inside each usable stretch, beat windows only around R
peaks whose whole beat window is usable, baselines are fitted on the usable stretches joined
end to end; the normalisation and the threshold come from the usable samples.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import DataError
from ..recording import Recording
from ..segments import SegmentDiff, carry_review_over, diff_segments
from ..tasks import NULL_TASK, TaskContext
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


def run_detection_masked(recording: Recording, config, mask: np.ndarray, ctx: TaskContext = NULL_TASK,
                         on_epoch: Callable | None = None, description: str = "recording minus reviewed anomalies"):
    """``run_detection`` trained only on samples where ``mask`` is True; scores every sample."""
    from ..detect.pipeline import TrainingSource, run_detection

    source = TrainingSource(kind="masked", mask=np.asarray(mask, bool), description=description)
    return run_detection(recording, config, source, ctx, on_epoch)


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
        detection={**result.config.to_dict(), "detected_threshold": result.threshold},
        detector=result.detector,
        training_description=result.source_description,
        min_length=result.config.min_duration_samples(session.fs_hz),
        description=description,
    )
