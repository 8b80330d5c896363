"""Plot pieces on synthetic data: envelopes, many segments, initial range, y following the view."""

from __future__ import annotations


import numpy as np
import pytest

from anomaly_gui.dsp.decimate import build_pyramid, range_extremes
from anomaly_gui.gui.plot.signal_view import SignalView
from anomaly_gui.recording import Channel, Recording
from anomaly_gui.segments import Segment, SegmentSet


def test_range_extremes_match_numpy_on_random_ranges():
    rng = np.random.default_rng(0)
    data = rng.standard_normal((50_000, 3)).astype(np.float32)
    data[1234, 1] = np.nan
    pyramid = build_pyramid(data, block=16)
    for _ in range(200):
        i0 = int(rng.integers(0, len(data)))
        i1 = int(rng.integers(i0 + 1, len(data) + 1))
        lo, hi = range_extremes(pyramid, data, i0, i1)
        np.testing.assert_array_equal(lo, np.nanmin(data[i0:i1], axis=0))
        np.testing.assert_array_equal(hi, np.nanmax(data[i0:i1], axis=0))


@pytest.fixture
def view(qtbot):
    v = SignalView()
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    return v


def _recording(n: int, fs: float, channels: int = 2) -> Recording:
    t = np.arange(n) / fs
    data = np.stack([np.sin(2 * np.pi * (k + 1) * t) * (k + 1) for k in range(channels)], axis=1)
    return Recording(data=data.astype(np.float32), fs_hz=fs,
                     channels=[Channel(f"acc{k}", "g") for k in range(channels)])


def test_two_thousand_segments_are_one_item_per_plot_and_stay_fast(view, qtbot):
    fs, n = 10_000.0, 2_000_000
    recording = _recording(n, fs)
    view.set_recording(recording)
    starts = np.arange(2000) * 900 + 100
    segments = SegmentSet(fs, [Segment(int(s), int(s) + 300, 1.0) for s in starts])
    view.set_scores(np.abs(recording.data[:, 0]), 0.5)
    view.set_segments(segments)
    assert len(view.overlays) == 3
    for overlay in view.overlays:
        assert overlay.intervals_s.shape == (2000, 2)
    view.show_all()
    assert not view.graphics.grab().isNull()  # paints 2,000 intervals per plot (timed in bench/review_gui.py)


def test_short_file_shows_whole_long_file_first_ten_seconds(view):
    view.set_recording(_recording(12_000, 1000.0))
    assert view.x_range() == (0.0, 12.0)
    view.set_recording(_recording(600_000, 1000.0, channels=3))
    assert view.x_range() == (0.0, 10.0)
    assert len(view.channel_plots) == 3
    assert view.channel_plots[2].getAxis("left").labelText == "acc2 (g)"


def test_y_axis_follows_the_visible_data(view, qtbot):
    fs = 1000.0
    data = np.zeros((100_000, 1), np.float32)
    data[50_000:60_000, 0] = 100.0  # a step only in [50 s, 60 s)
    view.set_recording(Recording(data=data, fs_hz=fs, channels=[Channel("x")]))
    view.set_x_range(0.0, 10.0)
    qtbot.waitUntil(lambda: view.channel_plots[0].getViewBox().viewRange()[1][1] < 50, timeout=2000)
    view.set_x_range(45.0, 65.0)
    qtbot.waitUntil(lambda: view.channel_plots[0].getViewBox().viewRange()[1][1] >= 100, timeout=2000)


def test_envelope_lines_stay_connected_keep_extremes_and_gaps():
    from anomaly_gui.gui.plot.stack_plots import column_lines

    rng = np.random.default_rng(4)
    lo = np.cumsum(rng.normal(0, 3, 400)).astype(np.float32)
    hi = lo + rng.uniform(0, 2, 400).astype(np.float32)
    lo[200:210] = hi[200:210] = np.nan  # a gap in the recording
    y = np.stack([lo, hi], 1).reshape(-1)
    lines = column_lines(y).reshape(-1, 2)
    assert np.nanmin(lines) == np.nanmin(lo) and np.nanmax(lines) == np.nanmax(hi)
    assert np.all((lines[:, 0] <= lo) | np.isnan(lo)) and np.all((lines[:, 1] >= hi) | np.isnan(hi))
    ok = ~np.isnan(lines[1:, 0]) & ~np.isnan(lines[:-1, 0])
    # every line reaches its left neighbour's range: no vertical break in the trace
    assert np.all((lines[1:, 0] <= lines[:-1, 1])[ok] & (lines[1:, 1] >= lines[:-1, 0])[ok])
    assert np.isnan(lines[200:210]).all()
