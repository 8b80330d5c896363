"""Fast min/max of any sample range, for fitting the y axis to what is visible.

Block minima and maxima are computed once per signal; a range query then touches at most two
partial blocks of raw samples plus the block table, so panning a 10-million-sample recording
costs microseconds instead of a pass over the data.
"""

from __future__ import annotations

import numpy as np

BLOCK = 1024


class BlockEnvelope:
    """Per-column min/max over ``[i0, i1)`` of a ``(n,)`` or ``(n, ch)`` array (kept by reference)."""

    def __init__(self, data: np.ndarray, block: int = BLOCK) -> None:
        self._data = data if data.ndim == 2 else data[:, None]
        self._block = block
        n_full = len(self._data) // block
        head = np.asarray(self._data[: n_full * block], dtype=np.float32)
        if n_full:
            blocks = head.reshape(n_full, block, self._data.shape[1])
            self._mins = blocks.min(axis=1)
            self._maxs = blocks.max(axis=1)
            if np.isnan(self._mins).any():  # NaN samples: ignore them rather than the block
                with _quiet_nan_warnings():
                    self._mins = np.nanmin(blocks, axis=1)
                    self._maxs = np.nanmax(blocks, axis=1)
        else:
            self._mins = self._maxs = np.zeros((0, self._data.shape[1]), np.float32)

    def range(self, i0: int, i1: int) -> tuple[np.ndarray, np.ndarray]:
        """Per-column (min, max) of samples ``[i0, i1)``; NaN where nothing finite is there."""
        n, b = len(self._data), self._block
        i0, i1 = max(0, int(i0)), min(n, int(i1))
        n_cols = self._data.shape[1]
        if i1 <= i0:
            return np.full(n_cols, np.nan), np.full(n_cols, np.nan)
        b0, b1 = -(-i0 // b), i1 // b  # whole blocks inside [i0, i1)
        parts_lo, parts_hi = [], []
        if b1 > b0:
            parts_lo.append(self._mins[b0:b1])
            parts_hi.append(self._maxs[b0:b1])
            edges = [(i0, b0 * b), (b1 * b, i1)]
        else:
            edges = [(i0, i1)]
        for e0, e1 in edges:
            if e1 > e0:
                chunk = np.asarray(self._data[e0:e1], dtype=np.float32)
                parts_lo.append(chunk)
                parts_hi.append(chunk)
        with np.errstate(all="ignore"), _quiet_nan_warnings():
            lo = np.nanmin(np.concatenate(parts_lo), axis=0)
            hi = np.nanmax(np.concatenate(parts_hi), axis=0)
        return lo, hi


class _quiet_nan_warnings:
    """All-NaN slices are a normal answer here (a channel of NaNs), not a warning."""

    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


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
