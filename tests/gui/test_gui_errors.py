"""Errors take one route: a one-line message, no traceback dialog, nothing the user had is lost."""

from __future__ import annotations

import numpy as np
import pytest

from anomaly_gui.gui import notifications


def _open_failing(drive, window, qtbot, path) -> None:
    drive.choose_file(path)
    with qtbot.waitSignal(window.opener.runner.failed, timeout=10000):
        window.open_action.trigger()


@pytest.mark.parametrize("kind", ["empty", "unknown"])
def test_unreadable_file_gives_one_message_and_keeps_the_open_file(drive, window, short_wfdb, qtbot, tmp_path, messages, kind):
    recording = drive.open_through_menu(short_wfdb)
    if kind == "empty":
        bad = tmp_path / "empty.csv"
        bad.write_bytes(b"")
    else:
        bad = tmp_path / "mystery.xyz"
        bad.write_bytes(bytes(range(256)) * 8)
    _open_failing(drive, window, qtbot, bad)
    assert len(messages.warnings) == 1
    title, text = messages.warnings[0]
    assert bad.name in text and "\n" not in text.strip()
    assert messages.tracebacks == []
    assert window.document.recording is recording
    assert short_wfdb.name in window.windowTitle()
    assert window.panel.detect_button.isEnabled()


def test_a_gap_of_nan_is_left_out_and_said_and_a_recording_of_nan_fails_with_a_message(
        drive, window, tmp_path, answer_rate, qtbot, messages):
    data = np.random.default_rng(0).standard_normal((4000, 1)).astype(np.float32)
    data[1234:1300, 0] = np.nan
    path = tmp_path / "with_nan.npy"
    np.save(path, data)
    drive.open_through_menu(path)
    result = drive.detect(epochs=1)
    assert np.isnan(result.scores[1234:1300]).all() and np.isfinite(result.scores[:1234]).all()
    assert "1 gap(s) of NaN or infinite values" in window.statusBar().currentMessage()
    assert messages.warnings == [] and messages.tracebacks == []

    np.save(path, np.full((4000, 1), np.nan, np.float32))
    drive.open_through_menu(path)
    window.panel.epochs_spin.setValue(1)
    with qtbot.waitSignal(window.detection.runner.failed, timeout=30000):
        drive.click(window.panel.detect_button)
    assert len(messages.warnings) == 1
    assert "NaN" in messages.warnings[0][1]
    assert messages.tracebacks == []
    assert window.panel.detect_button.isEnabled()
    assert window.document.recording is not None and window.document.result is None


def test_unexpected_errors_get_the_traceback_dialog(window, messages):
    notifications.report_error(ZeroDivisionError("boom"), window)
    assert len(messages.tracebacks) == 1 and messages.warnings == []


def test_reference_with_another_rate_is_resampled_and_the_notice_shown(drive, window, short_wfdb, tmp_path,
                                                                       import_answers, qtbot, messages):
    from anomaly_gui.io import read_recording

    drive.open_through_menu(short_wfdb)
    reference = read_recording(short_wfdb).data[: 360 * 20]
    ref_path = tmp_path / "healthy.npy"
    np.save(ref_path, np.ascontiguousarray(reference[::2]))  # half the samples → 180 Hz
    import_answers.rate = 180.0
    drive.choose_file(ref_path)
    with qtbot.waitSignal(window.document.reference_changed, timeout=10000):
        window.open_reference_action.trigger()
    assert window.panel.training_kind() == "reference"
    assert "healthy.npy" in window.panel.reference_label.text()
    assert "180 Hz" in window.panel.reference_label.text()
    result = drive.detect(epochs=1)
    assert result.source_description == "reference healthy.npy"
    assert any("resampled" in n for n in result.notices)
    assert "resampled" in window.panel.message_label.text()
    assert "resampled" in window.statusBar().currentMessage()
    assert messages.warnings == [] and messages.tracebacks == []


def test_uncaught_exceptions_of_any_thread_reach_the_traceback_dialog(window, qtbot, messages):
    import sys
    import threading

    restore = notifications.install_excepthooks(window)
    try:
        try:
            raise KeyError("in a slot")
        except KeyError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)

        def fail_in_thread():
            raise RuntimeError("in a thread")

        thread = threading.Thread(target=fail_in_thread)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: len(messages.tracebacks) == 2, timeout=5000)
    finally:
        restore()
    assert {type(e) for e in messages.tracebacks} == {KeyError, RuntimeError}
    assert messages.warnings == []


def test_save_screenshot_writes_a_png(window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    out = tmp_path / "window"  # no suffix: the PNG filter's suffix is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PNG image (*.png)"))
    window.screenshot_action.trigger()
    assert (tmp_path / "window.png").stat().st_size > 1000


def test_a_bug_in_the_worker_gets_the_traceback_dialog_and_detect_stays_usable(drive, window, short_wfdb, monkeypatch, qtbot, messages):
    from anomaly_gui.gui import detection_controller

    drive.open_through_menu(short_wfdb)

    def broken(recording, config, source, ctx, model_file=None):
        return 1 / 0

    monkeypatch.setattr(detection_controller, "detect", broken)
    with qtbot.waitSignal(window.detection.runner.failed, timeout=10000):
        drive.click(window.panel.detect_button)
    assert len(messages.tracebacks) == 1 and isinstance(messages.tracebacks[0], ZeroDivisionError)
    assert messages.warnings == []
    assert window.panel.detect_button.isEnabled()


def test_the_error_dialog_carries_traceback_and_versions(window):
    from anomaly_gui.gui.dialogs.error_dialog import build_error_box

    try:
        raise ValueError("unexpected thing")
    except ValueError as exc:
        box = build_error_box(window, exc)
    assert "ValueError: unexpected thing" in box.text()
    details = box.detailedText()
    assert "Traceback" in details and "anomaly_gui" in details and "PySide6" in details
    box.deleteLater()
