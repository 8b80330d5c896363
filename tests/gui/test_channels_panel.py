"""The channel panel in the real window: tick boxes hide plots, buttons reorder and scale."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from anomaly_gui.recording import Channel, Recording


@pytest.fixture
def shown(window, qtbot):
    t = np.arange(60_000) / 500.0
    data = np.stack([np.sin(t), 2 * np.sin(3 * t), 0.1 * np.cos(t)], axis=1).astype(np.float32)
    recording = Recording(data=data, fs_hz=500.0,
                          channels=[Channel("I", "mV"), Channel("II", "mV"), Channel("Resp", "")])
    with qtbot.waitSignal(window.view.redrawn, timeout=5000):
        window.document.set_recording(recording)
    return window


def test_rows_follow_the_recording(shown):
    panel = shown.channels_panel
    assert [panel.list.item(r).text() for r in range(3)] == ["I (mV)", "II (mV)", "Resp"]
    assert all(panel.list.item(r).checkState() == Qt.CheckState.Checked for r in range(3))
    assert [panel.overview_combo.itemText(i) for i in range(3)] == ["I", "II", "Resp"]


def test_unticking_hides_the_plot(shown, qtbot):
    panel, view = shown.channels_panel, shown.view
    with qtbot.waitSignal(view.channels_changed, timeout=1000):
        panel.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert view.channel_plots[1] not in view.graphics.ci.items
    assert view.channel_layout.visible_order() == [0, 2]
    assert panel.list.item(1).checkState() == Qt.CheckState.Unchecked  # the row stays, unticked


def test_buttons_move_and_scale_the_selected_channel(shown, qtbot, drive):
    panel, view = shown.channels_panel, shown.view
    panel.select_channel(2)
    drive.click(panel.up_button)
    assert view.channel_layout.order == [0, 2, 1]
    assert panel.selected_channel() == 2 and panel.list.currentRow() == 1
    drive.click(panel.gain_up_button)
    assert not view.channel_layout.displays[2].auto_scale
    assert "×2 fixed scale" in panel.list.item(1).text()
    drive.click(panel.auto_button)
    assert view.channel_layout.displays[2].auto_scale
    panel.overview_combo.activated.emit(1)
    assert view.overview.channel == 1
