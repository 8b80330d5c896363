"""Opening files: File ▸ Open, the sampling-rate prompt, drag and drop, annotation markers."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from anomaly_gui.io import read_recording


def test_open_npy_asks_for_the_rate_and_shows_every_channel(drive, window, short_npy, answer_rate, messages,
                                                            curve_shows, qtbot):
    with qtbot.waitSignal(window.view.redrawn, timeout=20000):
        recording = drive.open_through_menu(short_npy)
    assert len(answer_rate) == 1 and short_npy.name in answer_rate[0]
    assert recording.fs_hz == 360.0
    assert recording.n_channels == 2
    assert len(window.view.channel_plots) == 2
    # The curve holds the visible range only (the first 10 s), decimated to the pixel width.
    i0, i1 = window.view.visible_samples()
    assert (i0, i1) == (0, 3601)
    curve_shows(window.view.channel_curves[1], recording.data[:, 1], i0, i1, 360.0,
                window.view.pixel_width())
    window.view.show_all()
    window.view.redraw_now()
    curve_shows(window.view.channel_curves[1], recording.data[:, 1], 0, recording.n_samples, 360.0,
                window.view.pixel_width())
    assert short_npy.name in window.windowTitle()
    info = window.file_info_label.text()
    assert "2 channel(s)" in info and "360 Hz" in info and "21,600 samples" in info
    assert window.panel.detect_button.isEnabled()
    assert messages.warnings == [] and messages.tracebacks == []


def test_cancelling_the_import_dialog_keeps_the_window_empty(drive, window, short_npy, import_answers, qtbot,
                                                            messages):
    import_answers.cancel = True
    drive.choose_file(short_npy)
    window.open_action.trigger()
    qtbot.waitUntil(lambda: not window.opener.is_busy, timeout=10000)
    assert window.document.recording is None
    assert messages.warnings == [] and messages.tracebacks == []


def test_wfdb_beats_are_markers_with_labels_only_when_zoomed_in(drive, window, short_wfdb, qtbot):
    recording = drive.open_through_menu(short_wfdb)
    expected = read_recording(short_wfdb).annotations
    assert len(expected) > 50
    markers = window.view.markers
    assert markers.count == len(expected)
    non_normal = sum(1 for label in expected.labels if label != "N")
    assert non_normal > 0
    # Initial view: the first ~10 s of a 60 s file, so the labels of non-N beats show.
    t0, t1 = window.view.x_range()
    assert t0 == 0.0 and abs(t1 - 10.0) < 1e-6
    qtbot.waitUntil(lambda: markers.visible_label_count > 0, timeout=5000)
    # the rhythm change at the start reads as its rhythm, the beats by their codes
    assert expected.labels[0] == "+" and expected.notes[0] == "(N"
    assert "(N" in markers.visible_labels and "V" in markers.visible_labels and "+" not in markers.visible_labels
    window.view.show_all()
    qtbot.waitUntil(lambda: markers.visible_label_count == 0, timeout=5000)
    assert window.view.channel_plots[0].getAxis("left").labelText.startswith(recording.channels[0].name)


def test_drop_a_file_on_the_window_opens_it(window, short_wfdb, qtbot):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(short_wfdb))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.document.recording_changed, timeout=20000):
        window.dropEvent(event)
    assert window.document.recording.display_name == short_wfdb.name
