"""Navigation: paging arithmetic, keys on the real window, go-to-time, window width, time axis."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PySide6.QtCore import Qt

from anomaly_gui.gui import viewport
from anomaly_gui.gui.channel_layout import ChannelLayout
from anomaly_gui.recording import Channel, Recording

DURATION_S = 100.0


# -- Qt-free arithmetic -----------------------------------------------------------------------
def test_paging_arithmetic():
    assert viewport.page((0.0, 10.0), 1, DURATION_S) == (10.0, 20.0)
    assert viewport.page((10.0, 20.0), -1, DURATION_S) == (0.0, 10.0)
    assert viewport.page((85.0, 95.0), 1, DURATION_S) == (90.0, 100.0)  # stops at the end
    assert viewport.page((3.0, 13.0), -1, DURATION_S) == (0.0, 10.0)  # and at the start
    assert viewport.step((0.0, 10.0), 0.1, DURATION_S) == (1.0, 11.0)
    assert viewport.to_end((0.0, 10.0), DURATION_S) == (90.0, 100.0)
    assert viewport.to_start((40.0, 70.0), DURATION_S) == (0.0, 30.0)
    assert viewport.zoom((0.0, 10.0), 2.0, DURATION_S) == (2.5, 7.5)
    assert viewport.zoom((0.0, 10.0), 0.5, DURATION_S) == (0.0, 20.0)  # widened, kept inside
    assert viewport.zoom((0.0, 10.0), 100.0, DURATION_S, min_span_s=1.0) == (4.5, 5.5)
    assert viewport.zoom((0.0, 10.0), 2.0, DURATION_S, centre_s=2.0) == (1.0, 6.0)
    assert viewport.with_width((50.0, 60.0), 30.0, DURATION_S) == (50.0, 80.0)
    assert viewport.with_width((80.0, 90.0), 30.0, DURATION_S) == (70.0, 100.0)
    assert viewport.with_width((50.0, 60.0), None, DURATION_S) == (0.0, 100.0)
    assert viewport.with_width((0.0, 10.0), 1800.0, DURATION_S) == (0.0, 100.0)
    assert viewport.centred_on(50.0, 10.0, DURATION_S) == (45.0, 55.0)
    assert viewport.centred_on(99.0, 10.0, DURATION_S) == (90.0, 100.0)
    assert viewport.width_label(60.0, 3600.0) == "1 min"
    assert viewport.width_label(1806.0, 1806.0) == "Whole"  # not "30 min"
    assert viewport.width_label(42.0, 3600.0) is None


def test_channel_layout_rules():
    layout = ChannelLayout.for_channels(3)
    assert layout.move(2, -1) and layout.order == [0, 2, 1]
    assert not layout.move(0, -1)  # already on top
    layout.set_visible(2, False)
    assert layout.visible_order() == [0, 1]
    layout.scale_gain(1, 2.0, (-4.0, 4.0))
    assert layout.displays[1].y_range() == (-2.0, 2.0)
    layout.scale_gain(1, 2.0, (-9.0, 9.0))  # already fixed: the reference range stays
    assert layout.displays[1].y_range() == (-1.0, 1.0)
    layout.set_auto_scale(1)
    assert layout.displays[1].y_range() is None and layout.displays[1].gain == 1.0


# -- the real window --------------------------------------------------------------------------
def _recording(start_time=None) -> Recording:
    fs = 100.0
    t = np.arange(int(DURATION_S * fs)) / fs
    data = np.stack([np.sin(2 * np.pi * t), 0.5 * np.cos(2 * np.pi * 3 * t)], axis=1).astype(np.float32)
    return Recording(data=data, fs_hz=fs, channels=[Channel("ECG", "mV"), Channel("Resp", "a.u.")],
                     start_time=start_time)


@pytest.fixture
def shown(window, qtbot):
    """The window showing a 100 s recording, focus in the plots, first screen [0, 10] s."""
    with qtbot.waitSignal(window.view.redrawn, timeout=5000):
        window.document.set_recording(_recording(dt.datetime(2024, 3, 5, 23, 59, 0)))
    window.activateWindow()
    qtbot.waitActive(window)
    window.view.setFocus()
    qtbot.waitUntil(lambda: window.view.graphics.hasFocus(), timeout=2000)
    assert window.view.x_range() == (0.0, 10.0)
    return window


def _press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    with qtbot.waitSignal(window.view.x_range_changed, timeout=2000):
        qtbot.keyClick(window.view.graphics, key, modifier)
    return window.view.x_range()


def test_paging_keys_land_on_the_right_time(shown, qtbot):
    assert _press(qtbot, shown, Qt.Key.Key_PageDown) == (10.0, 20.0)
    assert _press(qtbot, shown, Qt.Key.Key_PageDown) == (20.0, 30.0)
    assert _press(qtbot, shown, Qt.Key.Key_PageUp) == (10.0, 20.0)
    assert _press(qtbot, shown, Qt.Key.Key_Right) == pytest.approx((11.0, 21.0))
    assert _press(qtbot, shown, Qt.Key.Key_Left) == pytest.approx((10.0, 20.0))
    assert _press(qtbot, shown, Qt.Key.Key_End) == (90.0, 100.0)
    assert _press(qtbot, shown, Qt.Key.Key_Home) == (0.0, 10.0)
    assert _press(qtbot, shown, Qt.Key.Key_Plus) == (2.5, 7.5)
    assert _press(qtbot, shown, Qt.Key.Key_Minus) == (0.0, 10.0)


def test_window_width_selector_and_position_label(shown, qtbot):
    nav = shown.navigator
    assert nav.width_combo.currentText() == "10 s"
    with qtbot.waitSignal(shown.view.redrawn, timeout=2000):
        nav.width_combo.activated.emit(nav.width_combo.findText("1 min"))
    assert shown.view.x_range() == (0.0, 60.0)
    assert nav.width_combo.currentText() == "1 min"
    nav.width_combo.activated.emit(nav.width_combo.findText("Whole"))
    assert shown.view.x_range() == (0.0, DURATION_S)
    shown.view.set_x_range(10.0, 52.0)
    assert nav.width_combo.currentText() == "Custom"
    assert "0:00:10.0 – 0:00:52.0" in nav.position_label.text()


def test_go_to_time_dialog_parses_and_centres(shown, qtbot, monkeypatch):
    from anomaly_gui.gui import navigation
    from anomaly_gui.gui.dialogs.go_to_time import GoToTimeDialog

    dialog = GoToTimeDialog(shown, duration_s=4 * 3600.0)
    qtbot.addWidget(dialog)
    dialog.edit.setText("01:02:03.5")
    dialog.accept()
    assert dialog.time_s == 3723.5
    dialog.edit.setText("9:00:00")
    dialog.time_s = None
    dialog.accept()
    assert dialog.time_s is None and "outside the recording" in dialog.error.text()

    asked = []
    monkeypatch.setattr(navigation, "ask_time", lambda *args: asked.append(args) or 42.0)
    shown.navigator.go_to_action.trigger()
    assert asked and shown.view.x_range() == (37.0, 47.0)


def test_go_to_clock_time(shown, qtbot):
    from anomaly_gui.gui.dialogs.go_to_time import CLOCK, GoToTimeDialog

    rec = shown.view.recording
    dialog = GoToTimeDialog(shown, rec.duration_s, 0.0, rec.start_time, clock=True)
    qtbot.addWidget(dialog)
    assert dialog.mode.currentText() == CLOCK
    dialog.edit.setText("00:00:30")  # after midnight: the recording started at 23:59:00
    dialog.accept()
    assert dialog.time_s == pytest.approx(90.0)


def test_clock_time_axis_toggle(shown, qtbot):
    axis = shown.view.scores.plot.getAxis("bottom")
    assert axis.tickStrings([65.0], 1.0, 5.0) == ["0:01:05"]
    assert shown.navigator.clock_action.isEnabled()
    shown.navigator.clock_action.setChecked(True)
    assert axis.tickStrings([65.0], 1.0, 5.0) == ["00:00:05"]  # 23:59:00 + 65 s, past midnight
    assert "Clock time" in shown.view.scores.plot.getAxis("bottom").labelText
    assert "23:59:00.0 – 23:59:10.0" in shown.navigator.position_label.text()
    majors = axis.tickValues(0.0, 100.0, 800)[0]
    assert all(abs((v + 23 * 3600 + 59 * 60) % majors[0]) < 1e-6 for v in majors[1])


def test_clock_time_is_disabled_without_a_start_time(window, qtbot):
    with qtbot.waitSignal(window.view.redrawn, timeout=5000):
        window.document.set_recording(_recording(None))
    assert not window.navigator.clock_action.isEnabled()


def test_wheel_pans_and_ctrl_wheel_zooms(shown, qtbot):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    viewport_widget = shown.view.graphics.viewport()
    centre = viewport_widget.rect().center()

    def wheel(delta: int, modifiers=Qt.KeyboardModifier.NoModifier):
        event = QWheelEvent(QPointF(centre), QPointF(viewport_widget.mapToGlobal(centre)), QPoint(0, 0),
                            QPoint(0, delta), Qt.MouseButton.NoButton, modifiers,
                            Qt.ScrollPhase.NoScrollPhase, False)
        with qtbot.waitSignal(shown.view.x_range_changed, timeout=2000):
            QApplication.sendEvent(viewport_widget, event)

    wheel(-120)  # one notch down: 10 % later
    assert shown.view.x_range() == pytest.approx((1.0, 11.0))
    wheel(120, Qt.KeyboardModifier.ControlModifier)
    t0, t1 = shown.view.x_range()
    assert t1 - t0 < 10.0
