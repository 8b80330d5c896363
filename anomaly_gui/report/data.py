"""What a report shows, gathered from a session or a fresh detection result (no drawing here)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import __version__
from ..recording import Recording
from ..segments import STATUSES, Segment

DEFAULT_MAX_THUMBNAILS = 48


@dataclass
class ReportData:
    """Everything a report needs. ``recording`` (and ``scores``) may be None: the report then
    has no thumbnails."""

    title: str
    source: str
    fs_hz: float
    n_samples: int
    channels: list[tuple[str, str]]
    start_time: _dt.datetime | None
    settings: dict
    threshold: float | None
    training: str
    model: dict
    history: list[dict]
    segments: list[Segment]
    recording: Recording | None = None
    scores: np.ndarray | None = None
    context_s: float = 1.0
    max_thumbnails: int = DEFAULT_MAX_THUMBNAILS
    signal: list[tuple[str, str]] = field(default_factory=list)
    """Heart rate or vibration indicators of the whole recording (``report.signal``)."""
    generated_at: str = field(
        default_factory=lambda: _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    )
    app_version: str = __version__

    @property
    def threshold_text(self) -> str:
        """The threshold, and whether the review moved it from what the detection chose."""
        if self.threshold is None:
            return "—"
        text = f"{self.threshold:.6g}"
        detected = self.settings.get("detected_threshold")
        if detected is not None and abs(float(detected) - self.threshold) > 1e-9 * max(1.0, abs(self.threshold)):
            rule = self.settings.get("threshold", "auto")
            text += f" (set during review; the detection's rule '{rule}' gave {float(detected):.6g})"
        return text

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.fs_hz

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for s in self.segments:
            out[s.status] = out.get(s.status, 0) + 1
        return out

    def thumbnail_segments(self) -> tuple[str, list[tuple[int, Segment]]]:
        """A heading and the ``(index, segment)`` pairs to draw: the accepted segments; when
        nothing is reviewed yet (a fresh detection), the highest-scoring flagged ones."""
        indexed = list(enumerate(self.segments))
        accepted = [(i, s) for i, s in indexed if s.status == "accepted"]
        if accepted:
            chosen, heading = accepted, "Accepted segments"
        elif all(s.status == "pending" for s in self.segments):
            chosen = sorted(indexed, key=lambda p: -float(np.nan_to_num(p[1].score, nan=-np.inf)))
            heading = "Highest-scoring flagged segments (not yet reviewed)"
        else:
            return "Accepted segments", []
        if len(chosen) > self.max_thumbnails:
            heading += f" — {self.max_thumbnails} of {len(chosen)} shown"
            chosen = chosen[: self.max_thumbnails]
        return heading, sorted(chosen, key=lambda p: p[0])


def display_value(value) -> str:
    """A value as a report shows it (floats to four significant digits)."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def model_summary(detector: Any, settings: dict, kind: str = "") -> dict:
    """Model facts for a report: network, windowing, size, epochs trained, best losses."""
    out: dict[str, Any] = {}
    kind = kind or (type(detector).__name__ if detector is not None else "")
    if kind:
        out["detector"] = kind
    for key in ("model", "windowing", "window", "latent_dim", "width", "epochs", "learning_rate", "seed"):
        if key in settings:
            out[key] = settings[key]
    try:
        out["parameters"] = int(sum(p.numel() for p in detector.net_.parameters()))
    except Exception:  # no detector, a baseline without a network, or a stand-in
        pass
    if detector is not None and getattr(detector, "channel_names_", None):
        out["channels"] = ", ".join(detector.channel_names_)
    return out


def report_from_session(session, *, title: str | None = None, context_s: float = 1.0,
                        max_thumbnails: int = DEFAULT_MAX_THUMBNAILS) -> ReportData:
    """Report content for a review session (its segments with their review state)."""
    rec = session.recording
    source = str(session.source_path) if session.source_path else (rec.display_name if rec else "recording")
    history = session.training_history
    model = model_summary(session.detector, session.detection, session.detector_kind)
    if history:
        model["epochs_trained"] = len(history)
        model["best_val_loss"] = min(h["val_loss"] for h in history)
    channels = [(c.name, c.unit) for c in rec.channels] if rec else [(n, "") for n in session.channel_names]
    if rec is not None:
        from .signal import signal_rows

        signal = signal_rows(rec)
    else:
        signal = []
    return ReportData(
        title=title or f"Anomaly review — {source.split('/')[-1]}",
        source=source,
        fs_hz=session.fs_hz,
        n_samples=session.n_samples,
        channels=channels,
        start_time=rec.start_time if rec else None,
        settings={k: v for k, v in session.detection.items()},
        threshold=session.threshold,
        training=session.training_description,
        model=model,
        history=history,
        segments=list(session.segment_list),
        recording=rec,
        scores=session.scores,
        context_s=context_s,
        max_thumbnails=max_thumbnails,
        signal=signal,
    )


def report_from_result(recording: Recording, result, *, title: str | None = None, context_s: float = 1.0,
                       max_thumbnails: int = DEFAULT_MAX_THUMBNAILS) -> ReportData:
    """Report content for a fresh ``DetectionResult`` (every segment pending)."""
    from ..session.session import Session

    return report_from_session(Session.from_detection(recording, result),
                               title=title or f"Anomaly detection — {recording.display_name}",
                               context_s=context_s, max_thumbnails=max_thumbnails)
