"""What the threshold dock needs of a review session: its scores, the automatic threshold and
a count of the segments any threshold would flag (after detection, re-detection, retraining,
undo, and for opened or recovered projects alike)."""

from __future__ import annotations

from typing import Callable


def panel_inputs(session) -> tuple | None:
    """``(scores, auto_threshold, threshold, count)`` for ``ThresholdPanel.set_result``, or None
    when the session has no scores."""
    if session is None or session.scores is None or session.threshold is None:
        return None
    from ..detect.config import DetectionConfig
    from ..segments import segments_from_scores

    config = DetectionConfig.from_dict(session.detection) if session.detection else DetectionConfig()
    auto = float(session.threshold)
    detector = session.detector
    try:
        auto = float(detector.auto_threshold(detector.score_reference_, config))
    except (AttributeError, TypeError, ValueError):  # no model loaded: the saved threshold stands in
        pass
    scores, fs = session.scores, session.fs_hz
    min_length, gap = config.min_duration_samples(fs), config.merge_gap_samples(fs)
    count: Callable[[float], int] = lambda t: len(segments_from_scores(scores, t, fs, min_length, gap))  # noqa: E731
    return scores, auto, float(session.threshold), count
