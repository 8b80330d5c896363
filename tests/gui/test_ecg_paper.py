"""ECG paper behind the leads: 40 ms × 0.1 mV squares within 200 ms × 0.5 mV ones."""

from __future__ import annotations

import numpy as np
import pytest

from anomaly_gui.gui.plot.grid import PAPER_MIN_PX, paper_lines


def test_paper_lines_are_multiples_of_the_square_and_vanish_when_too_dense():
    np.testing.assert_allclose(paper_lines(0.05, 0.5, 0.2, scale_px=100), [0.2, 0.4])
    np.testing.assert_allclose(paper_lines(-0.3, 0.3, 0.1, scale_px=50), [-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3])
    assert paper_lines(0, 3600, 0.04, scale_px=PAPER_MIN_PX / 0.04 * 0.99).size == 0
    assert paper_lines(0, 10, 0.04, scale_px=PAPER_MIN_PX / 0.04).size == 251


def test_leads_in_mv_get_paper_at_a_strip_width_and_the_view_menu_turns_it_off(drive, window, short_wfdb, qtbot):
    recording = drive.open_through_menu(short_wfdb)
    assert [c.unit for c in recording.channels] == ["mV", "mV"]
    view, grid = window.view, window.view.grid
    assert window.navigator.paper_action.isChecked()
    assert grid._paper == {id(p): 1.0 for p in view.channel_plots}
    view.set_x_range(0.0, 10.0)
    qtbot.waitUntil(lambda: view.x_range() == (0.0, 10.0))
    for plot in view.channel_plots:
        box = plot.getViewBox()
        (x0, x1), (y0, y1) = box.viewRange()
        rect = box.sceneBoundingRect()
        major, minor = grid._paper_lines(plot, rect, x0, x1, rect.width() / (x1 - x0), y0, y1,
                                         rect.height() / (y1 - y0))
        vertical = [line for line in major if line.x1() == line.x2()]
        assert len(vertical) == 51  # every 200 ms over 10 s, both ends included
        assert len(minor) > len(major)
    # The score plot keeps the usual grid; a whole hour would make the squares vanish.
    assert grid._paper_lines(view.scores.plot, rect, 0.0, 10.0, 90.0, 0.0, 1.0, 100.0) is None
    assert grid._paper_lines(view.channel_plots[0], rect, 0.0, 3600.0, 0.25, -2.0, 2.0, 40.0) is None
    window.grab()  # paints with paper
    window.navigator.paper_action.trigger()
    assert not view.ecg_paper and grid._paper == {}
    window.grab()


def test_channels_without_voltage_units_never_get_paper(drive, window, short_npy, answer_rate):
    drive.open_through_menu(short_npy)
    assert window.view.ecg_paper and window.view.grid._paper == {}


def test_standard_ecg_scale_makes_a_small_square_one_millimetre(drive, window, short_wfdb, short_npy, answer_rate,
                                                               qtbot, messages):
    drive.open_through_menu(short_wfdb)
    view = window.view
    screen = view.screen()
    px_per_mm_x, px_per_mm_y = screen.physicalDotsPerInchX() / 25.4, screen.physicalDotsPerInchY() / 25.4
    window.navigator.ecg_scale_action.trigger()
    t0, t1 = view.x_range()
    width_px = view.scores.plot.getViewBox().width()
    assert (t1 - t0) * 25.0 * px_per_mm_x == pytest.approx(width_px, rel=0.01)  # 25 mm/s
    for k, plot in enumerate(view.channel_plots):
        box = plot.getViewBox()
        y0, y1 = box.viewRange()[1]
        assert (y1 - y0) * 10.0 * px_per_mm_y == pytest.approx(box.height(), rel=0.01)  # 10 mm/mV
        assert not view.channel_layout.displays[k].auto_scale  # stays put while paging
    # Paging keeps both.
    scales = np.array([plot.getViewBox().viewRange()[1] for plot in view.channel_plots])
    window.navigator.page_forward_action.trigger()
    qtbot.waitUntil(lambda: view.x_range()[0] > t0)
    assert view.x_range()[1] - view.x_range()[0] == pytest.approx(t1 - t0)
    np.testing.assert_allclose([plot.getViewBox().viewRange()[1] for plot in view.channel_plots], scales, atol=1e-9)
    # A recording without leads in mV says why nothing happened.
    drive.open_through_menu(short_npy)
    before = view.x_range()
    window.navigator.ecg_scale_action.trigger()
    assert view.x_range() == before
    assert "No ECG lead in mV" in window.statusBar().currentMessage()
