"""Rate conversion with anti-alias filtering."""

from __future__ import annotations

from fractions import Fraction

import numpy as np


def resample_to(data: np.ndarray, fs_from: float, fs_to: float) -> np.ndarray:
    """Polyphase resampling of ``data`` ``(n, ch)`` from ``fs_from`` to ``fs_to`` Hz."""
    if abs(fs_from - fs_to) <= 1e-9 * fs_to:
        return np.asarray(data, dtype=np.float32)
    from scipy.signal import resample_poly

    ratio = Fraction(fs_to / fs_from).limit_denominator(1000)
    up, down = ratio.numerator, ratio.denominator
    out = resample_poly(np.asarray(data, dtype=np.float64), up, down, axis=0)
    return out.astype(np.float32)
