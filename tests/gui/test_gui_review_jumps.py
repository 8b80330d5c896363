"""Jumping by status, label, score rank and file annotation; filters; label sets; the shortcut list."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSettings, Qt

from anomaly_gui.gui import label_sets
from anomaly_gui.recording import Channel, Recording

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def centre(window) -> float:
    t0, t1 = window.view.x_range()
    return (t0 + t1) / 2


def test_jump_by_score_status_label_and_file_annotation(reviewed, qtbot):
    w = reviewed
    session = w.document.session
    table = w.table.view
    by_score = sorted(session.segment_list, key=lambda s: (-s.score, s.start_sample))
    qtbot.keyClick(table, Qt.Key.Key_N, SHIFT)
    assert w.review.current_id == by_score[0].id
    qtbot.keyClick(table, Qt.Key.Key_N, SHIFT)
    assert w.review.current_id == by_score[1].id
    qtbot.keyClick(table, Qt.Key.Key_P, SHIFT)
    assert w.review.current_id == by_score[0].id

    # decide the first three, then Ctrl+Right goes to the next pending one in time
    ids = [s.id for s in session.segment_list]
    w.table.select_row(0)
    for key in (Qt.Key.Key_1, Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_A):
        qtbot.keyClick(table, key)
    w.review.select(ids[0])
    qtbot.keyClick(table, Qt.Key.Key_Right, CTRL)
    assert w.review.current_id == ids[3]
    qtbot.keyClick(table, Qt.Key.Key_Left, CTRL)
    assert w.review.current_id == ids[3]  # nothing pending before: stays, says so
    assert "No pending segment" in w.statusBar().currentMessage()

    # Ctrl+Shift+Right: the next segment with the current one's label
    w.review.select(ids[5])
    qtbot.keyClick(table, Qt.Key.Key_1)
    w.review.select(ids[0])
    qtbot.keyClick(table, Qt.Key.Key_Right, CTRL | SHIFT)
    assert w.review.current_id == ids[5]

    # Alt+Right / Alt+Left: the next / previous file annotation labelled as in the find field
    ann = w.document.recording.annotations
    fs = w.document.recording.fs_hz
    v_times = np.sort(ann.onset_samples[np.array(ann.labels) == "V"]) / fs
    assert len(v_times) >= 3
    w.view.set_x_range(0.0, 10.0)
    w.review.editor.show_marker(None)
    w.jumps.find_field.setText("V")
    start = centre(w)
    expected = v_times[v_times * fs > round(start * fs)]
    qtbot.keyClick(table, Qt.Key.Key_Right, ALT)
    assert abs(centre(w) - expected[0]) < 1e-6 and w.editor.marker_s == expected[0]
    qtbot.keyClick(table, Qt.Key.Key_Right, ALT)
    assert abs(centre(w) - expected[1]) < 1e-6
    qtbot.keyClick(table, Qt.Key.Key_Left, ALT)
    assert abs(centre(w) - expected[0]) < 1e-6
    assert "'V' at" in w.statusBar().currentMessage()

    # an empty field takes the label of the annotation under the mouse
    w.jumps.find_field.clear()
    w.editor.mouse_time_s = float(v_times[-1]) + 0.01
    qtbot.keyClick(table, Qt.Key.Key_Left, ALT)
    assert w.jumps.find_field.text() == "V"


def test_filters_and_sorting_by_status_label_and_score(reviewed, qtbot):
    w = reviewed
    session = w.document.session
    table = w.table
    table.select_row(0)
    for key in (Qt.Key.Key_2, Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_2, Qt.Key.Key_R):
        qtbot.keyClick(table.view, key)
    table.status_filter.setCurrentIndex(table.status_filter.findData("rejected"))
    assert table.row_count() == 2
    assert {session.segment(table.id_at_row(r)).status for r in range(2)} == {"rejected"}
    table.label_filter.setCurrentIndex(table.label_filter.findData("APB"))
    assert table.row_count() == 1
    assert "1 shown" in table.summary.text()
    table.status_filter.setCurrentIndex(0)
    assert table.row_count() == 2
    table.label_filter.setCurrentIndex(0)
    assert table.row_count() == len(session)
    table.view.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # peak score
    scores = [session.segment(table.id_at_row(r)).score for r in range(table.row_count())]
    assert scores == sorted(scores, reverse=True)
    table.view.sortByColumn(5, Qt.SortOrder.AscendingOrder)  # status: pending, accepted, rejected
    statuses = [session.segment(table.id_at_row(r)).status for r in range(table.row_count())]
    assert statuses == sorted(statuses, key=["pending", "accepted", "rejected"].index)
    # the annotations column and the agreement line compare with the file's beat labels
    assert "non-normal annotation" in table.agreement_label.text() and table.agreement_label.isVisible()
    column = [table.model.index(r, 7).data() for r in range(table.model.rowCount())]
    assert any("V" in text for text in column)


def test_label_sets_follow_the_domain_and_can_be_edited(reviewed, qtbot, monkeypatch):
    w = reviewed
    session = w.document.session
    rng = np.random.default_rng(0)
    vibration = Recording(rng.standard_normal((5000, 1)).astype(np.float32), 10_000.0, [Channel("acc", "g")])
    assert label_sets.domain_for("AutoencoderDetector", vibration) == "vibration"
    assert label_sets.labels_for("vibration")[:2] == ["bearing fault", "impact"]
    assert label_sets.domain_for("BeatAutoencoderDetector") == "ecg"

    from anomaly_gui.gui.dialogs import label_set

    asked = []

    def edit(parent, labels, defaults, domain_name):
        asked.append((list(labels), domain_name))
        return ["V beat", "SV beat", "noise"]

    monkeypatch.setattr(label_set, "edit_label_set", edit)
    w.label_set_action.trigger()
    assert asked == [(list(label_sets.DEFAULT_LABEL_SETS["ecg"]), "ECG")]
    assert session.labels == ["V beat", "SV beat", "noise"]
    assert QSettings().value("review/labels/ecg") == ["V beat", "SV beat", "noise"]
    assert label_sets.labels_for("ecg") == ["V beat", "SV beat", "noise"]
    w.table.select_row(0)
    qtbot.keyClick(w.table.view, Qt.Key.Key_2)
    assert session.segment(w.review.current_id).label == "SV beat"
    assert [a.text() for a in w.review_actions.label_menu.actions()[:3]] == ["V beat", "SV beat", "noise"]
    qtbot.keyClick(w.table.view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(w.table.view, Qt.Key.Key_Z, CTRL)
    assert session.labels == list(label_sets.DEFAULT_LABEL_SETS["ecg"])  # the label set edit is undoable


def test_help_lists_the_keyboard_shortcuts(reviewed, qtbot):
    w = reviewed
    qtbot.keyClick(w.table.view, Qt.Key.Key_F1)
    dialog = w.shortcuts_dialog
    assert dialog.isVisible()
    rows = {(dialog.table.item(r, 1).text(), dialog.table.item(r, 2).text())
            for r in range(dialog.table.rowCount())}
    for expected in [("Accept", "A"), ("Reject", "R"), ("Back to pending", "U"),
                     ("Edit note (Ctrl+Enter saves)", "E, Enter"), ("Export segments (CSV or JSON)", "Ctrl+E"),
                     ("Next segment", "N, J"), ("Previous segment", "P, K"), ("Next pending", "Ctrl+Right"),
                     ("Next by score (descending)", "Shift+N"), ("Next file annotation with the label", "Alt+Right"),
                     ("Split at cursor", "X"), ("Merge selected", "Ctrl+M"), ("Delete segment", "Del"),
                     ("Undo", "Ctrl+Z"), ("Redo", "Ctrl+Shift+Z, Ctrl+Y"),
                     ("Save project", "Ctrl+S"), ("Open project", "Ctrl+Shift+O"), ("PVC", "1"),
                     ("Import with options", "Ctrl+I")]:
        assert expected in rows, expected
    assert not any(text == "Label 7" for text, _keys in rows)  # only the labels the set has
    dialog.close()
