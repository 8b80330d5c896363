"""The import dialog: what the file does not say, chosen with a preview, through the window."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt


def _tick_only(dialog, names):
    for i in range(dialog.channel_list.count()):
        item = dialog.channel_list.item(i)
        wanted = item.data(Qt.ItemDataRole.UserRole) in names
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)


def test_import_mat_with_rate_and_one_channel(drive, window, shared_data, import_answers, qtbot, messages):
    path = shared_data / "cwru" / "12k_DE" / "IR007_0.mat"
    import_answers.rate = 12000.0
    seen = {}

    def adjust(dialog):
        seen["note"] = dialog.rate_note.text()
        seen["channels"] = [dialog.channel_list.item(i).text() for i in range(dialog.channel_list.count())]
        _tick_only(dialog, {"X105_DE_time"})

    import_answers.adjust = adjust
    drive.choose_file(path)
    with qtbot.waitSignal(window.document.recording_changed, timeout=20000):
        window.import_action.trigger()
    rec = window.document.recording
    assert import_answers.asked == [""]  # opened on request, not because something failed
    assert seen["note"] == "not stated in the file"
    assert [c.split()[0] for c in seen["channels"]] == ["X105_DE_time", "X105_FE_time", "X105_BA_time"]
    assert rec.fs_hz == 12000.0 and rec.channel_names == ["X105_DE_time"] and rec.n_samples == 121265
    dialog = import_answers.dialogs[0]
    preview = dialog.preview.recording  # the preview showed the first 10 s of what opened
    assert preview.n_samples == 20000 and preview.channel_names == ["X105_DE_time"]
    np.testing.assert_array_equal(preview.data[:, 0], rec.data[:20000, 0])
    assert messages.warnings == [] and messages.tracebacks == []


def test_a_file_with_several_arrays_asks_which_one(drive, window, tmp_path, import_answers, qtbot, messages):
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "runs.h5"
    with h5py.File(path, "w") as f:
        f["run1/accel"] = np.sin(np.arange(5000) / 10).astype("f4")
        f["run2/accel"] = np.cos(np.arange(3000) / 10).astype("f4")
        f["run2/accel"].attrs["fs"] = 2000.0
    import_answers.rate = None

    def adjust(dialog):
        assert dialog.open_button.isEnabled() is False
        assert "Choose which array" in dialog.problem_label.text()
        dialog.dataset_combo.setCurrentIndex(dialog.dataset_combo.findData("/run2/accel"))

    import_answers.adjust = adjust
    with qtbot.waitSignal(window.document.recording_changed, timeout=20000):
        drive.open_through_menu(path)
    rec = window.document.recording
    assert "holds 2 arrays" in import_answers.asked[0]
    assert rec.n_samples == 3000 and rec.fs_hz == 2000.0
    assert messages.warnings == [] and messages.tracebacks == []


def test_time_column_chosen_in_the_dialog_gives_the_rate(drive, window, tmp_path, import_answers, qtbot):
    path = tmp_path / "pump.csv"
    path.write_text("elapsed_at;pressure\n" + "".join(f"{i * 0.01:.2f};{np.sin(i / 9):.4f}\n" for i in range(3000)))
    import_answers.rate = None
    seen = {}

    def adjust(dialog):
        seen["raw"] = dialog.raw_text.toPlainText().splitlines()[:2]
        dialog.rate_check.setChecked(False)  # it was ticked because the file states no rate
        dialog.time_combo.setCurrentText("elapsed_at")

    import_answers.adjust = adjust
    drive.choose_file(path)
    with qtbot.waitSignal(window.document.recording_changed, timeout=20000):
        window.import_action.trigger()
    rec = window.document.recording
    assert seen["raw"] == ["elapsed_at;pressure", "0.00;0.0000"]
    assert rec.fs_hz == pytest.approx(100.0) and rec.channel_names == ["pressure"]
    assert window.opener.read_options == {"time_column": "elapsed_at"}


def test_mixed_rates_open_together_when_resampled(drive, window, shared_data, import_answers, qtbot, messages):
    path = shared_data / "formats" / "bdf" / "test_generator.bdf"
    import_answers.rate = None

    def adjust(dialog):
        assert dialog.channel_list.count() == 5
        _tick_only(dialog, {"sine 5Hz", "ramp 7Hz"})  # 1000 Hz and 500 Hz
        dialog.resample_check.setChecked(True)
        dialog.resample_spin.setValue(500.0)

    import_answers.adjust = adjust
    drive.choose_file(path)
    with qtbot.waitSignal(window.document.recording_changed, timeout=20000):
        window.import_action.trigger()
    rec = window.document.recording
    assert rec.channel_names == ["sine 5Hz", "ramp 7Hz"] and rec.fs_hz == 500.0
    assert messages.warnings == [] and messages.tracebacks == []


def test_a_problem_with_the_choices_keeps_open_disabled(qtbot, shared_data):
    from anomaly_gui.gui.dialogs.import_dialog import ImportDialog

    dialog = ImportDialog(shared_data / "skab" / "valve1" / "0.csv")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.open_button.isEnabled(), timeout=20000)
    dialog.time_combo.setCurrentText("Current")
    qtbot.waitUntil(lambda: "cannot be the time column" in dialog.problem_label.text(), timeout=20000)
    assert not dialog.open_button.isEnabled()
    dialog.time_combo.setCurrentText("Automatic")
    qtbot.waitUntil(dialog.open_button.isEnabled, timeout=20000)
    assert dialog.problem_label.text() == ""


def test_recent_files_reopen_the_way_they_were_read(drive, window, shared_data, short_wfdb, tmp_path,
                                                     import_answers, qtbot, messages):
    mat = shared_data / "cwru" / "12k_DE" / "IR007_0.mat"
    import_answers.rate = 12000.0
    import_answers.adjust = lambda dialog: _tick_only(dialog, {"X105_FE_time"})
    drive.open_through_menu(mat)
    drive.open_through_menu(short_wfdb)
    window.recent.fill()
    texts = [a.text() for a in window.recent.menu.actions() if a.data()]
    assert texts[0].startswith("&1 " + short_wfdb.name) and texts[1].startswith("&2 " + mat.name)
    asked = len(import_answers.asked)
    with qtbot.waitSignal(window.document.recording_changed, timeout=20000):
        [a for a in window.recent.menu.actions() if a.data()][1].trigger()
    rec = window.document.recording
    assert len(import_answers.asked) == asked  # nothing asked again
    assert rec.fs_hz == 12000.0 and rec.channel_names == ["X105_FE_time"]

    gone = tmp_path / "gone.npy"
    np.save(gone, np.zeros((100, 1), np.float32))
    import_answers.rate, import_answers.adjust = 100.0, None
    drive.open_through_menu(gone)
    gone.unlink()
    window.recent.fill()
    [a for a in window.recent.menu.actions() if a.data()][0].trigger()
    assert messages.warnings and "no longer exists" in messages.warnings[-1][1]
    window.recent.fill()
    assert all(a.data()["path"] != str(gone.resolve()) for a in window.recent.menu.actions() if a.data())
