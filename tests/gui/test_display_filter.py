"""View ▸ Display filter…: what is drawn and read by the cursors, never the recorded samples."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QDialogButtonBox

from anomaly_gui.dsp.filters import DisplayFilter, filter_signal
from anomaly_gui.gui.dialogs.display_filter import DisplayFilterDialog


@pytest.fixture
def answer_filter(qtbot, monkeypatch):
    """Answer View ▸ Display filter… through the real dialog: ``adjust(dialog)`` sets it up, then
    OK. Returns the list of dialogs shown."""
    shown = []

    def install(adjust):
        def ask(parent, fs_hz, current):
            dialog = DisplayFilterDialog(parent, fs_hz, current)
            shown.append(dialog)
            adjust(dialog)
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
            return dialog.result_filter

        monkeypatch.setattr("anomaly_gui.gui.navigation.ask_display_filter", ask)
        return shown

    return install


def _wait_drawn(qtbot, view):
    qtbot.waitUntil(lambda: not view.signal_source.is_building and not view.signal_source.transforming,
                    timeout=20000)
    view.redraw_now()


def test_an_ecg_preset_draws_the_filtered_signal_and_the_cursors_read_it(drive, window, short_wfdb, qtbot,
                                                                         answer_filter, curve_shows):
    recording = drive.open_through_menu(short_wfdb)
    raw = np.array(recording.data)
    view = window.view

    def monitoring_with_hum_notch(dialog):
        dialog.preset.setCurrentText("ECG monitoring (0.5–40 Hz)")
        dialog.notch.setCurrentText("60 Hz")

    answer_filter(monitoring_with_hum_notch)
    window.navigator.filter_action.trigger()
    chosen = DisplayFilter(highpass_hz=0.5, lowpass_hz=40.0, notch_hz=60.0)
    assert view.display_filter == chosen
    _wait_drawn(qtbot, view)
    expected = filter_signal(raw, recording.fs_hz, chosen)
    # The worker's result is the synchronous one, and it is what the curves draw.
    np.testing.assert_array_equal(view.signal_source.data, expected)
    view.set_x_range(10.0, 20.0)
    qtbot.waitUntil(lambda: view.x_range() == (10.0, 20.0))
    view.redraw_now()
    i0, i1 = view.visible_samples()
    for k, curve in enumerate(view.channel_curves):
        curve_shows(curve, expected[:, k], i0, i1, recording.fs_hz, view.pixel_width())
    assert "Display filter: HP 0.5 Hz · LP 40 Hz · notch 60 Hz" in view.header.text()
    # The beat markers sit on the filtered first lead.
    t, y = view.markers._normal.getData()
    np.testing.assert_allclose(y, expected[np.round(t * recording.fs_hz).astype(int), 0], rtol=1e-6)
    # The cursor readout gives the filtered value under cursor A.
    window.navigator.cursors_action.trigger()
    view.cursors.set_positions(12.0, 12.5)
    a = expected[int(round(12.0 * recording.fs_hz)), 0]
    assert f"A {a:.4g}" in view.cursors.readout(view.channel_plots[0]).replace("−", "-")
    # The recording itself (detection, exports) is untouched.
    np.testing.assert_array_equal(window.document.recording.data, raw)

    # Off again: the recorded samples are drawn; the dialog offers the last filter next time.
    answer_filter(lambda dialog: dialog.preset.setCurrentText("Off"))
    window.navigator.filter_action.trigger()
    assert not view.display_filter.is_active
    _wait_drawn(qtbot, view)
    for k, curve in enumerate(view.channel_curves):
        curve_shows(curve, raw[:, k], i0, i1, recording.fs_hz, view.pixel_width())
    assert "Display filter" not in view.header.text()
    offered = answer_filter(lambda dialog: None)
    window.navigator.filter_action.trigger()
    assert offered[-1].filter() == chosen and view.display_filter == chosen


def test_the_dialog_refuses_corners_the_rate_cannot_have(qtbot):
    dialog = DisplayFilterDialog(None, 360.0, DisplayFilter())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.preset.currentText() == "Off" and ok.isEnabled()
    dialog.preset.setCurrentText("ECG diagnostic (0.05–150 Hz)")
    assert dialog.filter() == DisplayFilter(0.05, 150.0) and ok.isEnabled()
    dialog.highpass.setValue(160.0)
    assert not ok.isEnabled() and "must be below the low-pass" in dialog.error.text()
    assert dialog.preset.currentText() == "Custom"
    dialog.highpass.setValue(1.0)
    assert ok.isEnabled() and dialog.error.text() == ""
    # Spin boxes stop at half the rate; a preset beyond it (150 Hz at 250 Hz) is explained.
    low_rate = DisplayFilterDialog(None, 250.0, DisplayFilter())
    qtbot.addWidget(low_rate)
    assert low_rate.lowpass.maximum() == 125.0
    low_rate.preset.setCurrentText("ECG diagnostic (0.05–150 Hz)")
    low_rate.lowpass_on.setChecked(True)
    assert low_rate.filter().lowpass_hz <= 125.0


def test_a_new_recording_opens_unfiltered(drive, window, short_wfdb, short_npy, answer_rate, qtbot, answer_filter):
    drive.open_through_menu(short_wfdb)
    answer_filter(lambda dialog: dialog.preset.setCurrentText("Baseline wander off (0.5 Hz high-pass)"))
    window.navigator.filter_action.trigger()
    assert window.view.display_filter.is_active
    recording = drive.open_through_menu(short_npy)
    view = window.view
    assert not view.display_filter.is_active
    _wait_drawn(qtbot, view)
    assert view.signal_source.data is recording.data
