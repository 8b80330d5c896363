"""Min–max pyramid and envelopes: exact extremes, peaks kept, bounded points, NaN, memmaps."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from anomaly_gui.dsp import decimate
from anomaly_gui.dsp.decimate import (
    PREVIEW_RAW_LIMIT,
    RAW_FACTOR,
    build_pyramid,
    envelope,
    envelopes,
    minmax_bins,
    range_extremes,
)
from anomaly_gui.errors import Cancelled
from anomaly_gui.tasks import SimpleTask


def _brute_bins(data: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo = np.array([np.nanmin(data[a:b], axis=0) for a, b in zip(edges[:-1], edges[1:])]).T
    hi = np.array([np.nanmax(data[a:b], axis=0) for a, b in zip(edges[:-1], edges[1:])]).T
    return lo, hi


@pytest.fixture(scope="module")
def random_data() -> np.ndarray:
    rng = np.random.default_rng(1)
    return rng.standard_normal((1_000_003, 3)).astype(np.float32)


def test_pyramid_levels_hold_block_extremes(random_data):
    pyr = build_pyramid(random_data, block=64, factor=4)
    assert pyr.n_channels == 3 and pyr.n_samples == len(random_data)
    for level in range(pyr.n_levels):
        size = pyr.block_size(level)
        n_blocks = len(random_data) // size
        assert pyr.mins[level].shape == (3, n_blocks)
        blocks = random_data[: n_blocks * size].reshape(n_blocks, size, 3)
        np.testing.assert_array_equal(pyr.mins[level], blocks.min(axis=1).T)
        np.testing.assert_array_equal(pyr.maxs[level], blocks.max(axis=1).T)
    assert pyr.nbytes < random_data.nbytes / 10


@pytest.mark.parametrize(
    "i0, i1, n_bins",
    [
        (0, 1_000_003, 1600),  # whole recording: coarse level, tail after the last block
        (12_345, 987_654, 1000),  # unaligned ends on both sides
        (500_000, 500_000 + 64 * 1600, 1600),  # exactly one level-0 block per bin
        (777, 777 + 63 * 1600, 1600),  # bins shorter than a block: raw bins
        (1, 10_001, 1600),  # short range
        (999_000, 1_000_003, 3),  # few bins
        (10, 10_000_000, 7),  # i1 beyond the end is clipped
        (123_456, 123_456 + 3 * 64 * 4**3 + 17, 2),
    ],
)
def test_bins_equal_brute_force_min_max(random_data, i0, i1, n_bins):
    pyr = build_pyramid(random_data)
    edges, lo, hi = minmax_bins(pyr, random_data, i0, i1, n_bins)
    assert edges[0] == i0 and edges[-1] == min(i1, len(random_data))
    assert np.all(np.diff(edges) > 0)
    assert lo.shape == hi.shape == (3, len(edges) - 1)
    assert len(edges) - 1 <= n_bins
    want_lo, want_hi = _brute_bins(random_data, edges)
    np.testing.assert_array_equal(lo, want_lo)
    np.testing.assert_array_equal(hi, want_hi)


def test_random_ranges_against_brute_force(random_data):
    rng = np.random.default_rng(7)
    pyr = build_pyramid(random_data[:, 1])
    for _ in range(60):
        i0 = int(rng.integers(0, len(random_data) - 2))
        i1 = int(rng.integers(i0 + 1, len(random_data) + 1))
        n_bins = int(rng.integers(1, 2500))
        edges, lo, hi = minmax_bins(pyr, random_data[:, 1], i0, i1, n_bins)
        want_lo, want_hi = _brute_bins(random_data[:, 1], edges)
        np.testing.assert_array_equal(lo[0], want_lo)
        np.testing.assert_array_equal(hi[0], want_hi)
        lo_all, hi_all = range_extremes(pyr, random_data[:, 1], i0, i1)
        assert lo_all[0] == random_data[i0:i1, 1].min() and hi_all[0] == random_data[i0:i1, 1].max()


def test_single_sample_spike_survives_full_zoom_out():
    data = np.zeros(10_000_000, np.float32)
    data[6_543_210] = 5.0
    data[1_234_567] = -3.0
    pyr = build_pyramid(data)
    x, y = envelope(pyr, data, 0, len(data), 1500)
    assert len(x) == len(y) <= 2 * 1500
    assert y.max() == 5.0 and y.min() == -3.0
    spike_x = x[np.argmax(y)]
    assert abs(spike_x - 6_543_210) < len(data) / 1500  # drawn in the right pixel column


def test_envelope_is_bounded_raw_when_short_and_interleaved(random_data):
    pyr = build_pyramid(random_data)
    for n_pixels in (200, 1600):
        for span in (10, RAW_FACTOR * n_pixels, RAW_FACTOR * n_pixels + 1, 100_000, 1_000_003):
            x, y = envelopes(pyr, random_data, 0, span, n_pixels, [0, 2])
            assert y.shape[0] == 2 and y.shape[1] == len(x)
            if span <= RAW_FACTOR * n_pixels:
                np.testing.assert_array_equal(x, np.arange(span))
                np.testing.assert_array_equal(y, random_data[:span, [0, 2]].T)
            else:
                assert len(x) <= 2 * n_pixels
                assert np.all(y[:, 0::2] <= y[:, 1::2])  # (min, max) per bin
                assert np.all(np.diff(x) >= 0)
                assert y.max() == random_data[:span, [0, 2]].max()


def test_nan_samples_are_ignored_and_nan_gaps_stay_gaps():
    data = np.arange(100_000, dtype=np.float32)
    data[5] = np.nan  # isolated: ignored by its block and bin
    data[40_000:60_000] = np.nan  # a gap: bins inside it are NaN
    pyr = build_pyramid(data)
    edges, lo, hi = minmax_bins(pyr, data, 0, len(data), 100)
    assert lo[0, 0] == 0.0 and hi[0, 0] == edges[1] - 1
    inside = (edges[:-1] >= 40_000) & (edges[1:] <= 60_000)
    assert inside.sum() > 10
    assert np.all(np.isnan(lo[0, inside])) and np.all(np.isnan(hi[0, inside]))
    assert np.all(np.isfinite(lo[0, ~inside]))
    x, y = envelope(pyr, data, 0, 20, 100)  # raw: the NaN sample stays NaN
    assert np.isnan(y[5]) and np.isfinite(y[4])
    assert range_extremes(pyr, data, 40_000, 60_000)[0][0] != range_extremes(pyr, data, 40_000, 60_000)[0][0]


def test_without_pyramid_short_ranges_are_exact_and_long_ones_a_bounded_preview(random_data):
    edges, lo, _hi = minmax_bins(None, random_data, 100, 200_100, 800)
    np.testing.assert_array_equal(lo, _brute_bins(random_data, edges)[0])
    long = np.zeros(PREVIEW_RAW_LIMIT * 3, np.float32)
    x, y = envelopes(None, long, 0, len(long), 500)
    assert len(x) == y.shape[1] == 1000


def test_builds_from_a_memmap_in_chunks_and_cancels(tmp_path, monkeypatch):
    monkeypatch.setattr(decimate, "CHUNK_BYTES", 1 << 20)
    data = np.random.default_rng(3).standard_normal((2_000_000, 2)).astype(np.float32)
    path = tmp_path / "rec.npy"
    np.save(path, data)
    mapped = np.load(path, mmap_mode="r")
    fractions = []
    pyr = build_pyramid(mapped, ctx=SimpleTask(lambda f, _m: fractions.append(f)))
    np.testing.assert_array_equal(pyr.maxs[0], build_pyramid(data).maxs[0])
    assert len(fractions) > 2 and fractions[-1] == 1.0
    np.testing.assert_array_equal(np.asarray(mapped[:10]), data[:10])  # pages come back
    task = SimpleTask()
    task.cancel()
    with pytest.raises(Cancelled):
        build_pyramid(mapped, ctx=task)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_memmap_pass_and_paging_do_not_stay_resident(tmp_path):
    path = tmp_path / "big.npy"
    np.save(path, np.ones((16_000_000, 2), np.float32))  # 128 MB
    mapped = np.load(path, mmap_mode="r")
    before = _rss_bytes()
    pyramid = build_pyramid(mapped)
    assert _rss_bytes() - before < 32 << 20
    rng = np.random.default_rng(5)
    for span in (1_000_000, 20_000, 3_000):  # paging at several zooms: edges read raw rows
        for i0 in rng.integers(0, len(mapped) - span, 40):
            envelopes(pyramid, mapped, int(i0), int(i0) + span, 1500)
    assert _rss_bytes() - before < 32 << 20


def test_decimate_imports_without_qt(import_without_qt):
    out = import_without_qt(["anomaly_gui.dsp.decimate", "anomaly_gui.dsp.timefmt"], timeout=60)
    assert out.returncode == 0, out.stderr
