"""Synthetic anomalies for training an autoencoder to repair them (outlier exposure).

A network trained only to reproduce normal windows also reproduces many abnormal ones: a
large smooth excursion or a flat stretch is easy to reconstruct. Trained to map a window with
a synthetic anomaly pasted into it back to the clean window, it learns to put the normal signal
where the anomaly was, so real anomalies of similar kinds leave a large reconstruction error.
The kinds are generic (no data set in mind): a smooth bump, a burst of noise, a flat stretch, a
stretch scaled up or down, each over a random part of one channel of the window.
"""

from __future__ import annotations

import numpy as np

KINDS = ("bump", "noise", "flat", "scale")


def corrupt(windows: np.ndarray, rng: np.random.Generator, fraction: float) -> np.ndarray:
    """A copy of ``windows`` ``(n, ch, w)`` where about ``fraction`` of them carry one
    synthetic anomaly over 1/16 … 1/2 of one channel; the rest are unchanged. Sizes are relative
    to each window's own spread (at least 0.1 of the training data's unit spread)."""
    out = np.array(windows, np.float32, copy=True)
    n, n_ch, w = out.shape
    chosen = np.flatnonzero(rng.random(n) < fraction)
    for i in chosen:
        ch = int(rng.integers(n_ch))
        row = out[i, ch]
        length = int(rng.integers(max(2, w // 16), max(3, w // 2) + 1))
        start = int(rng.integers(0, w - length + 1))
        seg = row[start : start + length]
        spread = max(float(np.std(row)), 0.1)
        kind = KINDS[int(rng.integers(len(KINDS)))]
        if kind == "bump":
            sign = 1.0 if rng.random() < 0.5 else -1.0
            seg += sign * rng.uniform(1.0, 4.0) * spread * np.hanning(length).astype(np.float32)
        elif kind == "noise":
            seg += rng.normal(0.0, rng.uniform(0.5, 2.0) * spread, length).astype(np.float32)
        elif kind == "flat":
            seg[:] = seg[0]
        else:
            factor = rng.uniform(0.2, 0.5) if rng.random() < 0.5 else rng.uniform(2.0, 3.0)
            centre = float(seg.mean())
            seg[:] = centre + (seg - centre) * factor
    return out
