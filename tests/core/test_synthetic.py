"""Training with synthetic anomalies to repair: the corruption itself, and what it buys on a
real series whose anomaly a plain autoencoder reproduces."""

import numpy as np

from anomaly_gui.model.synthetic import corrupt


def test_corrupt_changes_one_stretch_of_one_channel_of_about_the_asked_share():
    rng = np.random.default_rng(0)
    t = np.linspace(0, 8 * np.pi, 128, dtype=np.float32)
    windows = np.stack([np.stack([np.sin(t + k), np.cos(t + k)]) for k in range(2000)]).astype(np.float32)
    out = corrupt(windows, np.random.default_rng(1), 0.5)
    assert out.shape == windows.shape and out.dtype == np.float32
    assert np.array_equal(windows[0], np.stack([np.sin(t), np.cos(t)]))  # the input is left alone
    changed = np.any(out != windows, axis=2)  # (n, ch)
    assert 0.45 < changed.any(axis=1).mean() < 0.55
    assert changed.sum(axis=1).max() == 1  # never both channels of a window
    for i in np.flatnonzero(changed.any(axis=1))[:200]:
        ch = int(np.flatnonzero(changed[i])[0])
        idx = np.flatnonzero(out[i, ch] != windows[i, ch])
        assert idx[-1] - idx[0] + 1 <= 64  # within one stretch of at most half the window
    assert np.array_equal(corrupt(windows, rng, 0.0), windows)


def test_autoencoder_finds_a_smooth_distortion_it_would_otherwise_reproduce(shared_data):
    # UCR 001 (a Holter ECG): the anomaly is a large, smooth wave in place of two beats, which
    # a network trained only on clean windows reconstructs almost perfectly.
    from anomaly_gui.detect.config import DetectionConfig
    from anomaly_gui.evaluate.datasets import load_ucr
    from anomaly_gui.evaluate.runs import score_series

    series = next(s for s in load_ucr(shared_data) if "DISTORTED1sddb40" in s.name)
    out, _ = score_series(series, DetectionConfig(), ucr=True)
    assert out["top1_hit"], f"top score at {out['top1_location']}, anomaly at {series.anomalies[0]}"
