"""The signal view draws from the min–max pyramid: bounded points, peaks kept, overview, channels,
cursors, background pyramid builds."""

from __future__ import annotations

import numpy as np
import pytest

from anomaly_gui.dsp.decimate import build_pyramid
from anomaly_gui.gui.plot import pyramid_source
from anomaly_gui.gui.plot.signal_view import SignalView
from anomaly_gui.recording import Channel, Recording

FS = 1000.0


@pytest.fixture
def view(qtbot):
    v = SignalView()
    qtbot.addWidget(v)
    v.resize(1200, 700)
    v.show()
    qtbot.waitExposed(v)
    return v


def _sine(n: int, channels: int = 2) -> Recording:
    t = np.arange(n) / FS
    data = np.stack([np.sin(2 * np.pi * (k + 1) * t) * (k + 1) for k in range(channels)], axis=1)
    return Recording(data=data.astype(np.float32), fs_hz=FS,
                     channels=[Channel(f"ch{k}", "mV") for k in range(channels)])


def _show(view, qtbot, recording: Recording) -> None:
    with qtbot.waitSignal(view.redrawn, timeout=5000):
        view.set_recording(recording)


def test_ten_million_samples_at_full_zoom_out_draw_a_few_thousand_points_and_keep_the_spike(view, qtbot):
    data = np.zeros((10_000_000, 1), np.float32)
    data[7_654_321, 0] = 9.0  # one sample
    data[1_000_000, 0] = -4.0
    recording = Recording(data=data, fs_hz=FS, channels=[Channel("x", "g")])
    assert data.size > pyramid_source.BACKGROUND_VALUES  # the pyramid is built in a worker
    with qtbot.waitSignal(view.signal_source.pyramid_ready, timeout=20000):
        view.set_recording(recording)
    with qtbot.waitSignal(view.redrawn, timeout=5000):
        view.show_all()
    x, y = view.channel_curves[0].getData()
    assert len(y) <= 2 * view.pixel_width() <= 4000
    assert y.max() == 9.0 and y.min() == -4.0
    assert abs(x[np.argmax(y)] - 7_654.321) <= recording.duration_s / view.pixel_width()
    ymin, ymax = view.channel_plots[0].getViewBox().viewRange()[1]
    assert ymin < -4.0 and ymax > 9.0  # the y axis fits the spike


def test_background_pyramid_equals_the_synchronous_one(view, qtbot):
    data = np.random.default_rng(2).standard_normal((3_000_000, 2)).astype(np.float32)
    recording = Recording(data=data, fs_hz=FS, channels=[Channel("a"), Channel("b")])
    with qtbot.waitSignal(view.signal_source.pyramid_ready, timeout=20000):
        view.set_recording(recording)
    threaded = view.signal_source.pyramid
    direct = build_pyramid(data)
    assert threaded.n_levels == direct.n_levels
    for a, b in zip(threaded.mins + threaded.maxs, direct.mins + direct.maxs):
        np.testing.assert_array_equal(a, b)


def test_before_the_pyramid_exists_a_preview_is_drawn(view, qtbot):
    recording = _sine(6_000_000, channels=1)
    with qtbot.waitSignal(view.redrawn, timeout=5000):
        view.set_recording(recording)
        view.show_all()
    if view.signal_source.pyramid is None:  # the worker may already be done on a fast machine
        x, y = view.channel_curves[0].getData()
        assert 0 < len(y) <= 2 * view.pixel_width()
        # The pyramid's arrival is handled by the event loop, so this redraw is still to come.
        with qtbot.waitSignal(view.redrawn, timeout=20000):
            pass
    assert view.signal_source.pyramid is not None
    _x, y = view.channel_curves[0].getData()
    assert y.max() == recording.data[:, 0].max()


def test_every_zoom_level_is_bounded_and_exact(view, qtbot, curve_shows):
    recording = _sine(2_000_000, channels=3)
    _show(view, qtbot, recording)
    for t0, t1 in ((0.0, 2000.0), (100.0, 400.0), (500.0, 510.0), (700.0, 701.0), (10.0, 10.05)):
        with qtbot.waitSignal(view.redrawn, timeout=2000):
            view.set_x_range(t0, t1)
        i0, i1 = view.visible_samples()
        for k in range(3):
            curve_shows(view.channel_curves[k], recording.data[:, k], i0, i1, FS, view.pixel_width())


def test_the_overview_rectangle_follows_the_view_and_drives_it(view, qtbot):
    _show(view, qtbot, _sine(600_000))
    view.set_x_range(120.0, 130.0)
    assert view.overview.viewport_region.getRegion() == pytest.approx((120.0, 130.0))
    with qtbot.waitSignal(view.x_range_changed, timeout=2000):
        view.overview.viewport_region.setRegion((300.0, 330.0))  # what a drag does
    assert view.x_range() == pytest.approx((300.0, 330.0))
    x, _y = view.overview.signal_curve.getData()
    assert x[0] < 1.0 and x[-1] > 599.0  # the strip shows the whole recording


def test_hiding_and_moving_channels(view, qtbot):
    _show(view, qtbot, _sine(100_000, channels=3))
    layout_items = view.graphics.ci.items
    view.set_channel_visible(1, False)
    assert view.channel_plots[1] not in layout_items and view.channel_plots[1].scene() is None
    assert view.channel_layout.visible_order() == [0, 2]
    view.set_channel_visible(1, True)
    view.move_channel(2, -2)
    assert view.channel_layout.visible_order() == [2, 0, 1]
    rows = sorted((view.graphics.ci.layout.itemAt(r, 0).geometry().top(), r) for r in range(4))
    top_item = view.graphics.ci.layout.itemAt(rows[0][1], 0)
    assert top_item is view.channel_plots[2]
    assert view.scores.plot in view.graphics.ci.items


def test_gain_fixes_the_scale_and_fit_releases_it(view, qtbot):
    _show(view, qtbot, _sine(100_000, channels=1))
    box = view.channel_plots[0].getViewBox()
    lo, hi = box.viewRange()[1]
    view.scale_channel_gain(0, 2.0)
    lo2, hi2 = box.viewRange()[1]
    assert (hi2 - lo2) == pytest.approx((hi - lo) / 2)
    with qtbot.waitSignal(view.redrawn, timeout=2000):
        view.set_x_range(50.0, 50.02)  # a tiny piece of the sine: auto-scale would zoom in
    assert box.viewRange()[1] == pytest.approx([lo2, hi2])
    view.auto_scale_channel(0)
    assert box.viewRange()[1][1] - box.viewRange()[1][0] < (hi2 - lo2) / 2


def test_cursors_report_delta_t_and_amplitude(view, qtbot):
    _show(view, qtbot, _sine(100_000, channels=2))
    view.set_cursors_active(True)
    with qtbot.waitSignal(view.cursors.moved, timeout=1000):
        view.cursors.set_positions(1.25, 2.07)
    assert view.cursors.delta_t_s == pytest.approx(0.82)
    text = view.header.text()
    assert view.header.isVisible()
    assert "Δt 820 ms" in text and "1.22 Hz" in text and "73.2 bpm" in text  # mV: a heart rate
    readout = view.cursors.readout(view.channel_plots[1])
    a, b = (float(view.recording.data[round(t * FS), 1]) for t in (1.25, 2.07))  # the samples under A and B
    assert b == pytest.approx(2 * np.sin(2 * np.pi * 2 * 2.07), abs=1e-5)
    assert readout == f"A {a:.4g} · B {b:.4g} · Δ {b - a:.4g} mV"
    # Every plot carries both lines, at the same place.
    for plot in [view.channel_plots[0], view.channel_plots[1], view.scores.plot]:
        lines = [item for item in plot.items if item in sum((p[1] for p in view.cursors._pairs), [])]
        assert sorted(line.value() for line in lines) == pytest.approx([1.25, 2.07])
    view.set_cursors_active(False)
    assert not view.header.isVisible()
    assert view.cursors.readout(view.channel_plots[1]) is None  # no hidden items left behind


def test_scores_get_the_same_treatment(view, qtbot, curve_shows):
    recording = _sine(1_000_000, channels=1)
    _show(view, qtbot, recording)
    scores = np.abs(recording.data[:, 0]) * 3
    scores[654_321] = 50.0
    view.set_scores(scores, threshold=2.0)
    view.show_all()
    view.redraw_now()
    curve_shows(view.scores.track.curve, scores, 0, len(scores), FS, view.pixel_width())
    _x, y = view.overview.score_curve.getData()
    assert len(y) <= 2 * view.overview.width()


def test_nan_gaps_stay_gaps(view, qtbot):
    recording = _sine(200_000, channels=1)
    recording.data[50_000:120_000, 0] = np.nan
    _show(view, qtbot, recording)
    view.show_all()
    view.redraw_now()
    _x, y = view.channel_curves[0].getData()
    assert np.isnan(y).any() and np.isfinite(y).any()


def test_y_range_follows_with_hysteresis():
    from anomaly_gui.gui.plot.envelope import follow_range

    assert follow_range(None, 0.0, 10.0) == pytest.approx((-0.5, 10.5))
    assert follow_range((-0.5, 10.5), 1.0, 9.0) == (-0.5, 10.5)  # fits and fills: kept
    assert follow_range((-0.5, 10.5), 0.0, 11.0) == pytest.approx((-0.55, 11.55))  # outside
    assert follow_range((-0.5, 10.5), 4.0, 6.0) == pytest.approx((3.9, 6.1))  # too small a part
    assert follow_range((0.0, 1.0), np.nan, np.nan) is None


def test_value_axis_thins_labels_on_short_plots(qtbot):
    from anomaly_gui.gui.plot.value_axis import MIN_LABEL_SPACING_PX, ValueAxisItem

    axis = ValueAxisItem("left")
    short = axis.tickValues(-50.0, 50.0, 40.0)
    assert len(short[0][1]) <= 40.0 // MIN_LABEL_SPACING_PX and 0.0 in short[0][1]
    tall = axis.tickValues(-50.0, 50.0, 400.0)
    assert len(tall[0][1]) >= 3
    edge = axis.tickValues(0.0, 100.0, 400.0)[0][1]
    assert 0.0 not in edge and 100.0 not in edge  # no label half outside the plot


def test_cursors_give_no_heart_rate_on_eeg(view, qtbot):
    data = _sine(100_000, channels=1).data
    _show(view, qtbot, Recording(data=data, fs_hz=FS, channels=[Channel("Fp1", "uV")]))
    view.set_cursors_active(True)
    with qtbot.waitSignal(view.cursors.moved, timeout=1000):
        view.cursors.set_positions(1.25, 2.07)
    assert "1.22 Hz" in view.header.text() and "bpm" not in view.header.text()
    assert view.grid._paper == {}  # nor ECG paper
