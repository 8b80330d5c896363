"""The y range a plot shows for data extremes: a little padding, room for labels, flat signals.

The extremes themselves come from the min–max pyramid (``dsp.decimate``) of the visible range.
"""

from __future__ import annotations

import numpy as np


def padded_range(
    lo: float, hi: float, pad_fraction: float = 0.05, top_fraction: float | None = None
) -> tuple[float, float] | None:
    """``[lo, hi]`` widened by ``pad_fraction`` (``top_fraction`` above, if given); a flat
    signal gets ±1 or ±10 %; None when there is nothing finite."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return None
    span = hi - lo
    if span <= 0:
        pad = max(abs(lo) * 0.1, 1.0)
        return lo - pad, hi + pad
    top = pad_fraction if top_fraction is None else top_fraction
    return lo - span * pad_fraction, hi + span * top
