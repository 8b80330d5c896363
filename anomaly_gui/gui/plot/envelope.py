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


FILL_KEEP_FRACTION = 0.55
"""A y range is kept while the visible data fill at least this share of it (and fit in it)."""


def follow_range(
    current: tuple[float, float] | None, lo: float, hi: float, top_fraction: float | None = None
) -> tuple[float, float] | None:
    """The y range to show for visible extremes ``[lo, hi]``, given the ``current`` one.

    The current range stays while the data fit inside it and fill at least
    ``FILL_KEEP_FRACTION`` of it: paging through a stationary signal does not make the axis
    jitter (nor re-render every axis on every frame); a new range is ``padded_range``.
    None when nothing is finite.
    """
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return None
    if current is not None:
        c_lo, c_hi = current
        span = c_hi - c_lo
        if span > 0 and c_lo <= lo and hi <= c_hi and (hi - lo) >= FILL_KEEP_FRACTION * span:
            return current
    return padded_range(lo, hi, top_fraction=top_fraction)
