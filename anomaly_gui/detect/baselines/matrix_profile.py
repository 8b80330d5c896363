"""Exact matrix-profile values by blocked matrix products (no JIT compilation).

The matrix profile of a subsequence is the z-normalised Euclidean distance to its nearest
neighbour among the subsequences of a reference series (Yeh et al. 2016). ``stumpy.stump``
computes it for every subsequence; its numba kernels cost 30–90 s of compilation in each new
process on two cores, longer than the whole computation a detector needs. Here the profile is
computed for a chosen subset of query subsequences (every ``stride``-th) against every reference
subsequence with float32 BLAS products of z-normalised rows, which gives the same values as
``stumpy.stump`` at those positions (tests check it), including its rules for constant
subsequences and the self-join exclusion zone of ``ceil(m / 4)``.
"""

from __future__ import annotations

import numpy as np

from ...tasks import NULL_TASK, TaskContext

QUERY_BLOCK = 1024
REF_BLOCK = 8192
# Subsequences whose standard deviation is below this are constant (stumpy's threshold).
CONSTANT_STD = 1e-7


def subsequence_stats(x: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of every length-``m`` subsequence of the 1-D ``x``."""
    x = np.asarray(x, np.float64)
    shift = float(np.mean(x)) if x.size else 0.0
    y = x - shift  # centring keeps the running sums well conditioned
    c1 = np.concatenate([[0.0], np.cumsum(y)])
    c2 = np.concatenate([[0.0], np.cumsum(y * y)])
    mean = (c1[m:] - c1[:-m]) / m
    var = (c2[m:] - c2[:-m]) / m - mean * mean
    # Running sums lose the variance of very flat stretches; recompute those directly.
    small = var < 1e-6 * max(1.0, float(np.max(np.abs(y))) ** 2)
    if small.any():
        view = np.lib.stride_tricks.sliding_window_view(y, m)
        idx = np.flatnonzero(small)
        for b in range(0, len(idx), 65536):
            part = idx[b : b + 65536]
            var[part] = view[part].var(axis=1)
    return mean + shift, np.sqrt(np.maximum(var, 0.0))


def _znormalised(x: np.ndarray, starts: np.ndarray, m: int, mean: np.ndarray, std: np.ndarray):
    rows = np.lib.stride_tricks.sliding_window_view(np.asarray(x, np.float64), m)[starts]
    const = std[starts] < CONSTANT_STD
    scale = np.where(const, 1.0, std[starts])
    z = (rows - mean[starts, None]) / scale[:, None]
    z[const] = 0.0
    return z.astype(np.float32), const


def matrix_profile(
    query: np.ndarray,
    m: int,
    query_starts: np.ndarray,
    reference: np.ndarray,
    ref_stride: int = 1,
    exclusion_offset: float | None = None,
    ctx: TaskContext = NULL_TASK,
    ref_positions: np.ndarray | None = None,
) -> np.ndarray:
    """Distances from the query subsequences starting at ``query_starts`` to their nearest
    neighbours among the subsequences of ``reference`` (every ``ref_stride``-th start).

    ``exclusion_offset`` ``o``: the reference is a stretch of the query series beginning at
    query index ``o`` (``0`` for a self-join), so matches within ``ceil(m / 4)`` of the query's
    own position are trivial and skipped (stumpy's exclusion zone); ``None``: an AB-join, nothing
    skipped. ``ref_positions`` generalises it: the query index of each reference subsequence
    (NaN where it has none), e.g. for a reference joined from several stretches of the query.
    A query whose every candidate is excluded gets the largest possible distance ``2·√m``.
    """
    query_starts = np.asarray(query_starts, np.int64)
    q_mean, q_std = subsequence_stats(query, m)
    r_mean, r_std = subsequence_stats(reference, m)
    zq, q_const = _znormalised(query, query_starts, m, q_mean, q_std)
    ref_starts = np.arange(0, len(reference) - m + 1, max(1, int(ref_stride)), dtype=np.int64)
    best = np.full(len(query_starts), -np.inf)
    excl = int(np.ceil(m / 4))
    if exclusion_offset is not None:
        ref_positions = np.arange(len(reference) - m + 1) + float(exclusion_offset)
    query_pos = query_starts.astype(np.float64)
    n_blocks = -(-len(ref_starts) // REF_BLOCK)
    for rb in range(n_blocks):
        ctx.check_cancelled()
        r_idx = ref_starts[rb * REF_BLOCK : (rb + 1) * REF_BLOCK]
        zr, r_const = _znormalised(reference, r_idx, m, r_mean, r_std)
        for qb in range(0, len(query_starts), QUERY_BLOCK):
            q_idx = query_starts[qb : qb + QUERY_BLOCK]
            corr = zq[qb : qb + QUERY_BLOCK] @ zr.T
            corr *= np.float32(1.0 / m)
            qc = q_const[qb : qb + QUERY_BLOCK]
            if qc.any() or r_const.any():
                # stumpy's rule: two constant subsequences are at distance 0, a constant and a
                # non-constant one at √m (a correlation of 1/2).
                corr[qc, :] = 0.5
                corr[:, r_const] = 0.5
                corr[np.ix_(qc, r_const)] = 1.0
            if ref_positions is not None:
                r_pos = ref_positions[r_idx]
                known = np.isfinite(r_pos)
                if known.any() and q_idx[0] - excl <= r_pos[known].max() and r_pos[known].min() <= q_idx[-1] + excl:
                    with np.errstate(invalid="ignore"):
                        near = np.abs(query_pos[qb : qb + QUERY_BLOCK, None] - r_pos[None, :]) <= excl
                    corr[near] = -np.inf
            np.maximum(best[qb : qb + QUERY_BLOCK], corr.max(axis=1), out=best[qb : qb + QUERY_BLOCK])
        ctx.progress((rb + 1) / n_blocks, "Matrix profile")
    best = np.minimum(best, 1.0)
    distance = np.sqrt(np.maximum(2.0 * m * (1.0 - best), 0.0))
    distance[~np.isfinite(best)] = 2.0 * np.sqrt(m)
    return distance
