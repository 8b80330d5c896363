"""Generated sessions for the session tests (a helper module, not a test file)."""

from __future__ import annotations

import numpy as np

from anomaly_gui.detect.config import DetectionConfig
from anomaly_gui.recording import Channel, Recording
from anomaly_gui.segments import Segment
from anomaly_gui.session.session import Session

FS = 100.0
FAST_BEATS = DetectionConfig(epochs=2, windows_per_epoch=512, latent_dim=8, width=8, batch_size=64)
FAST_SLIDING = DetectionConfig(
    windowing="sliding", window=64, epochs=2, windows_per_epoch=512, train_stride=8, score_stride=16,
    smoothing=16, latent_dim=8, width=8, batch_size=64,
)


def synthetic_recording(n: int = 6000, fs: float = FS, channels: int = 2, seed: int = 0) -> Recording:
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    x = np.stack([np.sin(2 * np.pi * 2 * t + k) for k in range(channels)], axis=1)
    x = (x + 0.05 * rng.standard_normal(x.shape)).astype(np.float32)
    return Recording(x, fs, [Channel(f"ch{k}", "V") for k in range(channels)])


def ramp_scores(n: int) -> np.ndarray:
    """Scores equal to the sample index / 1000: the peak of any range is known exactly."""
    return (np.arange(n) / 1000.0).astype(np.float32)


def make_session(n_segments: int = 5, n: int = 10_000, spacing: int = 1000, length: int = 200,
                 source=None, with_scores: bool = True) -> Session:
    """Segments ``[k*spacing + 100, +length)``, all pending; scores a ramp."""
    segs = [Segment(k * spacing + 100, k * spacing + 100 + length, 1.0 + k, ("ch0",)) for k in range(n_segments)]
    return Session(
        FS, n, source_path=source, fs_override=FS if source else None,
        scores=ramp_scores(n) if with_scores else None, segments=segs, channel_names=["ch0", "ch1"],
        detection={"model": "ae", "window": 64}, threshold=0.5,
    )


def state(session: Session) -> list[tuple]:
    """The segments as comparable tuples (ids included)."""
    return [(s.id, s.start_sample, s.end_sample, s.score, s.status, s.label, s.note) for s in session.segment_list]
