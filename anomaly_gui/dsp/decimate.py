"""Min–max display decimation: a pyramid of block extremes, and the per-pixel envelope of a range.

A viewer that hands millions of samples to the plotting library spends its time in the
library; one that reads the visible samples at every pan spends it in the disk. The pyramid
holds, per channel, the minimum and maximum of every block of ``block`` samples (level 0) and
of every ``factor`` blocks of the level below (levels 1, 2, …). Any range ``[i0, i1)`` is then
drawn from at most ~2 points per pixel column taken from the coarsest level that still has a
block per pixel, so the cost of a redraw depends on the screen width, not on the recording.

Peaks survive: every bin's minimum and maximum are exact extremes of the samples in it, so a
single-sample spike stays visible at any zoom.

NaN samples: block and bin extremes ignore NaN (``fmin``/``fmax``), so an isolated NaN does
not hide a block; a block or bin with no finite sample is NaN, which the view draws as a gap.
Short ranges come back as raw samples, NaN included (gaps stay gaps).

Numpy only; no Qt.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass

import numpy as np

from ..tasks import NULL_TASK, TaskContext

DEFAULT_BLOCK = 64
"""Samples per level-0 block: level 0 costs 2/64 of the data (min and max), every level above
a quarter of the one below."""
DEFAULT_FACTOR = 4
RAW_FACTOR = 4
"""Ranges of at most ``RAW_FACTOR × n_pixels`` samples are returned as raw samples."""
PREVIEW_RAW_LIMIT = 1 << 20
"""Without a pyramid, ranges up to this many samples are still binned exactly from raw data;
longer ones get a strided preview (see ``envelopes``)."""
PREVIEW_BATCH = 64
"""Strided preview samples read between two releases of memmap pages."""
RELEASE_ALIGN = 2 << 20
"""Memmap pages are unmapped in windows of this alignment (a multiple of the page size)."""
CHUNK_BYTES = 16 << 20
"""Bytes of raw data read per step while building: memory stays bounded on any file size."""


@dataclass(frozen=True)
class MinMaxPyramid:
    """Block minima and maxima of every channel at every level.

    ``mins[k]`` and ``maxs[k]`` are ``(n_channels, n_blocks_k)`` float32 arrays; a level-k
    block holds ``block × factor**k`` samples. Only whole blocks are stored: the samples after
    the last whole block of a level are read from the raw data when needed.
    """

    block: int
    factor: int
    n_samples: int
    mins: tuple[np.ndarray, ...]
    maxs: tuple[np.ndarray, ...]

    @property
    def n_levels(self) -> int:
        return len(self.mins)

    @property
    def n_channels(self) -> int:
        return int(self.mins[0].shape[0]) if self.mins else 0

    @property
    def nbytes(self) -> int:
        return int(sum(a.nbytes for a in self.mins) + sum(a.nbytes for a in self.maxs))

    def block_size(self, level: int) -> int:
        """Samples per block at ``level``."""
        return self.block * self.factor**level


def build_pyramid(
    data: np.ndarray,
    block: int = DEFAULT_BLOCK,
    factor: int = DEFAULT_FACTOR,
    ctx: TaskContext = NULL_TASK,
) -> MinMaxPyramid:
    """Build the min–max pyramid of ``data`` (``(n,)`` or ``(n, ch)``, any float dtype).

    Reads the data in chunks of about ``CHUNK_BYTES`` (a memmap is never loaded whole), reports
    progress and honours cancellation per chunk. After each chunk of a memmap, its pages are
    released from this process (they stay in the OS file cache), so the resident memory of a
    viewer does not grow by the size of the file it has looked at once.
    """
    if block < 1 or factor < 2:
        raise ValueError("block must be >= 1 and factor >= 2")
    data2 = _as_2d(data)
    n, n_ch = data2.shape
    n_blocks = n // block
    mins0 = np.empty((n_ch, n_blocks), np.float32)
    maxs0 = np.empty((n_ch, n_blocks), np.float32)
    rows = max(block, (CHUNK_BYTES // max(1, n_ch * data2.itemsize)) // block * block)
    end = n_blocks * block
    for r0 in range(0, end, rows):
        ctx.check_cancelled()
        r1 = min(end, r0 + rows)
        # Channels first and contiguous: reducing a contiguous last axis is several times
        # faster than reducing the middle axis of (blocks, block, channels).
        chunk = np.ascontiguousarray(np.asarray(data2[r0:r1], dtype=np.float32).T)
        chunk = chunk.reshape(n_ch, (r1 - r0) // block, block)
        np.fmin.reduce(chunk, axis=2, out=mins0[:, r0 // block : r1 // block])
        np.fmax.reduce(chunk, axis=2, out=maxs0[:, r0 // block : r1 // block])
        _release_pages(data2, r0, r1)
        ctx.progress(r1 / max(end, 1), "Building the overview")
    mins, maxs = [mins0], [maxs0]
    while mins[-1].shape[1] >= 2 * factor:
        m = mins[-1].shape[1] // factor * factor
        mins.append(np.fmin.reduce(mins[-1][:, :m].reshape(n_ch, -1, factor), axis=2))
        maxs.append(np.fmax.reduce(maxs[-1][:, :m].reshape(n_ch, -1, factor), axis=2))
    if n_blocks == 0:
        mins, maxs = [], []
    ctx.progress(1.0, "Overview ready")
    return MinMaxPyramid(block, factor, n, tuple(mins), tuple(maxs))


def minmax_bins(
    pyramid: MinMaxPyramid | None,
    data: np.ndarray,
    i0: int,
    i1: int,
    n_bins: int,
    channels: list[int] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split ``[i0, i1)`` into at most ``n_bins`` contiguous bins and give each bin's extremes.

    Returns
    -------
    edges
        ``(m + 1,)`` int64 sample indices, ``edges[0] == i0`` and ``edges[-1] == i1``; bin j
        holds samples ``[edges[j], edges[j+1])``.
    lo, hi
        ``(len(channels), m)`` float32: the exact NaN-ignoring min and max of each bin.

    With a pyramid, interior edges fall on block boundaries of the coarsest level that still
    has at least one block per bin; without one (or when bins are shorter than a block), the
    bins are cut from raw samples.
    """
    data2 = _as_2d(data)
    cols = list(range(data2.shape[1])) if channels is None else list(channels)
    i0, i1 = max(0, int(i0)), min(len(data2), int(i1))
    n = i1 - i0
    if n <= 0 or n_bins < 1:
        empty = np.zeros((len(cols), 0), np.float32)
        return np.array([i0], np.int64), empty, empty.copy()
    n_bins = min(int(n_bins), n)
    level = _level_for(pyramid, n / n_bins)
    if level is not None:
        size = pyramid.block_size(level)
        c0, c1 = -(-i0 // size), i1 // size
        nb = c1 - c0
        if nb < max(1, n_bins - 2):  # only for one or two bins straddling block edges
            edges = i0 + (np.arange(n_bins + 1, dtype=np.int64) * n) // n_bins
            parts = [_range_extremes(pyramid, data2, int(a), int(b), cols, level)
                     for a, b in zip(edges[:-1], edges[1:])]
            return edges, np.stack([p[0] for p in parts], 1), np.stack([p[1] for p in parts], 1)
        m = min(n_bins, nb)
        offsets = (np.arange(m, dtype=np.int64) * nb) // m
        lo = np.fmin.reduceat(pyramid.mins[level][cols, c0:c1], offsets, axis=1)
        hi = np.fmax.reduceat(pyramid.maxs[level][cols, c0:c1], offsets, axis=1)
        edges = np.concatenate([[i0], (c0 + offsets[1:]) * size, [i1]]).astype(np.int64)
        for a, b, j in ((i0, c0 * size, 0), (c1 * size, i1, m - 1)):
            if b > a:  # a partial block at either end: exact extremes from finer levels
                part_lo, part_hi = _range_extremes(pyramid, data2, a, b, cols, level - 1)
                lo[:, j] = np.fmin(lo[:, j], part_lo)
                hi[:, j] = np.fmax(hi[:, j], part_hi)
        return edges, lo, hi
    raw = _raw_rows(data2, i0, i1, cols)
    edges = i0 + (np.arange(n_bins + 1, dtype=np.int64) * n) // n_bins
    starts = edges[:-1] - i0
    return edges, np.fmin.reduceat(raw, starts, axis=1), np.fmax.reduceat(raw, starts, axis=1)


def envelopes(
    pyramid: MinMaxPyramid | None,
    data: np.ndarray,
    i0: int,
    i1: int,
    n_pixels: int,
    channels: list[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Points to draw samples ``[i0, i1)`` of several channels on ``n_pixels`` columns.

    Returns ``(x_index, y)``: ``x_index`` float64 sample positions, ``y`` ``(len(channels), m)``
    float32. Ranges of at most ``RAW_FACTOR × n_pixels`` samples are raw samples (``x_index``
    the sample indices); longer ones are one (min, max) pair per pixel bin, both placed at the
    bin's centre, at most ``2 × n_pixels`` points.

    Without a pyramid (still being built), ranges longer than ``PREVIEW_RAW_LIMIT`` samples
    come back as ``2 × n_pixels`` evenly strided raw samples: a quick preview that may miss
    peaks, to be replaced once the pyramid exists.
    """
    data2 = _as_2d(data)
    cols = list(range(data2.shape[1])) if channels is None else list(channels)
    n_pixels = max(1, int(n_pixels))
    i0, i1 = max(0, int(i0)), min(len(data2), int(i1))
    n = i1 - i0
    if n <= 0:
        return np.zeros(0), np.zeros((len(cols), 0), np.float32)
    if n <= RAW_FACTOR * n_pixels:
        return np.arange(i0, i1, dtype=np.float64), _raw_rows(data2, i0, i1, cols)
    if pyramid is None and n > PREVIEW_RAW_LIMIT:
        index = np.linspace(i0, i1 - 1, 2 * n_pixels).astype(np.int64)
        return index.astype(np.float64), _strided_rows(data2, index, cols)
    edges, lo, hi = minmax_bins(pyramid, data2, i0, i1, n_pixels, cols)
    centres = (edges[:-1] + edges[1:] - 1) * 0.5
    x = np.repeat(centres, 2)
    # (min, max) in every bin: the max-to-next-min diagonals also fill the pixel columns that
    # uneven bins (whole pyramid blocks) leave without a bin centre. Alternating the order
    # paints fewer pixels but leaves such columns as white stripes in a dense trace.
    y = np.empty((len(cols), lo.shape[1], 2), np.float32)
    y[:, :, 0], y[:, :, 1] = lo, hi
    return x, y.reshape(len(cols), -1)


def envelope(
    pyramid: MinMaxPyramid | None,
    data: np.ndarray,
    i0: int,
    i1: int,
    n_pixels: int,
    channel: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """``envelopes`` for one channel: ``(x_index, y)``, both 1-D."""
    x, y = envelopes(pyramid, data, i0, i1, n_pixels, [channel])
    return x, y[0]


def range_extremes(
    pyramid: MinMaxPyramid | None, data: np.ndarray, i0: int, i1: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel NaN-ignoring (min, max) of samples ``[i0, i1)``; NaN where none is finite.

    With a pyramid this reads at most a few blocks per level and ``2 × block`` raw samples,
    whatever the length of the range.
    """
    data2 = _as_2d(data)
    cols = list(range(data2.shape[1]))
    i0, i1 = max(0, int(i0)), min(len(data2), int(i1))
    top = pyramid.n_levels - 1 if pyramid is not None else -1
    return _range_extremes(pyramid, data2, i0, i1, cols, top)


# -- helpers ----------------------------------------------------------------------------------
def _as_2d(data: np.ndarray) -> np.ndarray:
    return data[:, None] if data.ndim == 1 else data


def _level_for(pyramid: MinMaxPyramid | None, samples_per_bin: float) -> int | None:
    """The coarsest level whose blocks still fit in one bin (None: not even level 0)."""
    if pyramid is None or pyramid.n_levels == 0 or samples_per_bin < pyramid.block:
        return None
    level = int(np.floor(np.log(samples_per_bin / pyramid.block) / np.log(pyramid.factor) + 1e-9))
    level = min(level, pyramid.n_levels - 1)
    while level > 0 and pyramid.block_size(level) > samples_per_bin:  # float rounding guard
        level -= 1
    return level


def _raw_rows(data2: np.ndarray, i0: int, i1: int, cols: list[int]) -> np.ndarray:
    """Samples ``[i0, i1)`` of ``cols`` as a ``(len(cols), n)`` float32 array (a copy)."""
    # One contiguous read of the rows, then the columns: reading column by column from a
    # wide (n, ch) memmap would pull the same cache lines once per channel.
    rows = np.asarray(data2[i0:i1], dtype=np.float32)
    out = np.ascontiguousarray(rows[:, cols].T)
    # Paging through a memmap would otherwise leave every page it ever showed resident.
    _release_pages(data2, i0, i1)
    return out


def _strided_rows(data2: np.ndarray, index: np.ndarray, cols: list[int]) -> np.ndarray:
    """Rows ``index`` (sorted) of ``cols`` as ``(len(cols), len(index))`` float32.

    Every read of a memmap maps a whole fault-around window (~64 kB) around the sample: a
    preview of a 24 h file would map ~200 MB at once. Reading in batches and unmapping each
    batch's span keeps that to a few MB.
    """
    out = np.empty((len(cols), len(index)), np.float32)
    for b0 in range(0, len(index), PREVIEW_BATCH):
        part = index[b0 : b0 + PREVIEW_BATCH]
        out[:, b0 : b0 + len(part)] = np.asarray(data2[part], dtype=np.float32)[:, cols].T
        _release_pages(data2, int(part[0]), int(part[-1]) + 1)
    return out


def _range_extremes(
    pyramid: MinMaxPyramid | None,
    data2: np.ndarray,
    i0: int,
    i1: int,
    cols: list[int],
    level: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Extremes of ``[i0, i1)`` from whole blocks of ``level`` and finer levels for the ends."""
    lo = np.full(len(cols), np.nan, np.float32)
    hi = np.full(len(cols), np.nan, np.float32)
    if i1 <= i0:
        return lo, hi
    if pyramid is None or level < 0 or pyramid.n_levels == 0:
        raw = _raw_rows(data2, i0, i1, cols)
        with np.errstate(invalid="ignore"):
            return np.fmin.reduce(raw, axis=1), np.fmax.reduce(raw, axis=1)
    level = min(level, pyramid.n_levels - 1)
    size = pyramid.block_size(level)
    c0, c1 = -(-i0 // size), i1 // size
    if c1 <= c0:
        return _range_extremes(pyramid, data2, i0, i1, cols, level - 1)
    lo = np.fmin.reduce(pyramid.mins[level][cols, c0:c1], axis=1)
    hi = np.fmax.reduce(pyramid.maxs[level][cols, c0:c1], axis=1)
    for a, b in ((i0, c0 * size), (c1 * size, i1)):
        if b > a:
            part_lo, part_hi = _range_extremes(pyramid, data2, a, b, cols, level - 1)
            lo, hi = np.fmin(lo, part_lo), np.fmax(hi, part_hi)
    return lo, hi


def _release_pages(data2: np.ndarray, r0: int, r1: int) -> None:
    """Unmap rows ``[r0, r1)`` of a file-backed memmap, and the ``RELEASE_ALIGN`` window around.

    Clean file pages cost nothing to drop (they stay in the OS cache and come back on the next
    read), but while mapped they count as the viewer's resident memory. Reading even one row
    can map a whole large folio around it (2 MB measured on Linux 6.x), hence the aligned
    window: unmapping more than was read is harmless for a shared mapping, the next read
    faults the pages back in. Best effort: anything that is not a plain memmap, a private
    (copy-on-write) mapping, or a platform without ``madvise`` is left alone.
    """
    mm = getattr(data2, "_mmap", None)
    advice = getattr(mmap, "MADV_DONTNEED", None)
    if mm is None or advice is None or not hasattr(mm, "madvise") or r1 <= r0:
        return
    if getattr(data2, "mode", None) == "c":
        return  # a private (copy-on-write) mapping would lose its changes
    try:
        base = np.frombuffer(mm, np.uint8).__array_interface__["data"][0]
        start = data2[r0:r1].__array_interface__["data"][0] - base
        stop = data2[r1 - 1 :r1].__array_interface__["data"][0] - base + data2.strides[0]
        first = start // RELEASE_ALIGN * RELEASE_ALIGN
        last = min(-(-stop // RELEASE_ALIGN) * RELEASE_ALIGN, len(mm) // mmap.PAGESIZE * mmap.PAGESIZE)
        if last > first:
            mm.madvise(advice, first, last - first)
    except (ValueError, OSError, TypeError, BufferError):
        pass
