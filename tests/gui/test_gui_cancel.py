"""Cancel mid-training and closing the window mid-run: no hang, no lost state."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt


def _start_long_training(drive, window, qtbot) -> None:
    window.panel.epochs_spin.setValue(1000)
    with qtbot.waitSignal(window.detection.runner.progress, timeout=30000):
        drive.click(window.panel.detect_button)
    assert window.detection.is_running
    assert not window.panel.detect_button.isEnabled()
    assert window.panel.cancel_button.isEnabled()


def test_cancel_keeps_the_previous_result_and_detect_works_again(drive, window, short_npy, answer_rate, qtbot, messages):
    drive.open_through_menu(short_npy)
    window.panel.set_threshold_mode("percentile", 90.0)
    first = drive.detect(epochs=1)
    rows = window.table.row_count()

    _start_long_training(drive, window, qtbot)
    with qtbot.waitSignal(window.detection.runner.cancelled, timeout=10000):
        qtbot.mouseClick(window.panel.cancel_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in window.statusBar().currentMessage().lower()
    assert window.panel.detect_button.isEnabled()
    assert not window.panel.cancel_button.isEnabled()
    assert window.panel.epochs_spin.isEnabled()
    assert window.document.result is first  # the previous result is kept
    assert window.table.row_count() == rows
    assert messages.warnings == [] and messages.tracebacks == []

    second = drive.detect(epochs=2)
    assert second is window.document.result and second is not first
    assert second.config.epochs == 2
    qtbot.waitUntil(lambda: window.detection.runner.active_thread_count == 0, timeout=10000)


def test_closing_the_window_while_training_stops_the_thread(drive, window, short_npy, answer_rate, qtbot):
    drive.open_through_menu(short_npy)
    _start_long_training(drive, window, qtbot)
    runner = window.detection.runner
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 10
    assert runner.active_thread_count == 0
    assert not runner.is_running
