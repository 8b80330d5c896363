"""Keyboard-first review in the window: decide, label, annotate, move on; undo and redo each step."""

from __future__ import annotations

from PySide6.QtCore import Qt

from anomaly_gui.gui.panels.segment_model import COL_LABEL, COL_NOTE, COL_STATUS

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def state(session) -> list[tuple]:
    return [(s.id, s.start_sample, s.end_sample, s.status, s.label, s.note) for s in session.segment_list]


def visible(window, segment) -> bool:
    t0, t1 = window.view.x_range()
    fs = window.document.session.fs_hz
    return t0 <= segment.start_sample / fs and segment.end_sample / fs <= t1


def test_review_by_keys_then_undo_and_redo_every_step(reviewed, qtbot):
    w = reviewed
    session = w.document.session
    seg = session.segment
    assert session.labels == ["PVC", "APB", "VT run", "AF episode", "artefact/noise", "other"]  # ECG set
    table = w.table.view
    ids = [s.id for s in session.segment_list]
    w.table.select_row(0)
    assert w.review.current_id == ids[0] and visible(w, seg(ids[0]))
    states = [state(session)]

    qtbot.keyClick(table, Qt.Key.Key_1)
    assert seg(ids[0]).label == "PVC"
    states.append(state(session))
    qtbot.keyClick(table, Qt.Key.Key_A)  # accept; moves on to the next segment
    assert seg(ids[0]).status == "accepted" and w.review.current_id == ids[1]
    states.append(state(session))
    qtbot.keyClick(table, Qt.Key.Key_R)
    assert seg(ids[1]).status == "rejected" and w.review.current_id == ids[2]
    states.append(state(session))
    qtbot.keyClick(table, Qt.Key.Key_N)
    assert w.review.current_id == ids[3] and visible(w, seg(ids[3]))
    qtbot.keyClick(table, Qt.Key.Key_K)
    assert w.review.current_id == ids[2]
    qtbot.keyClick(table, Qt.Key.Key_Down)  # the table's own keys select too, and the view follows
    assert w.review.current_id == ids[3] and visible(w, seg(ids[3]))
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert w.review.current_id == ids[2]
    qtbot.keyClick(table, Qt.Key.Key_2)
    assert seg(ids[2]).label == "APB"
    states.append(state(session))
    qtbot.keyClick(table, Qt.Key.Key_A)
    qtbot.keyClick(table, Qt.Key.Key_P)
    assert w.review.current_id == ids[2] and seg(ids[2]).status == "accepted"
    states.append(state(session))
    qtbot.keyClick(table, Qt.Key.Key_U)  # back to pending
    assert seg(ids[2]).status == "pending"
    states.append(state(session))

    # E opens the note editor; Ctrl+Enter saves
    qtbot.keyClick(table, Qt.Key.Key_E)
    editor = w.review.note_editor
    assert editor is not None and editor.isVisible() and editor.segment_id == ids[2]
    qtbot.keyClicks(editor.editor, "aberrant beat, check V1")
    qtbot.keyClick(editor.editor, Qt.Key.Key_Return, CTRL)
    assert not editor.isVisible() and w.review.note_editor is None
    assert seg(ids[2]).note == "aberrant beat, check V1"
    states.append(state(session))
    # Enter opens it too; Esc leaves the note as it was
    qtbot.keyClick(table, Qt.Key.Key_Return)
    editor = w.review.note_editor
    assert editor is not None and editor.editor.toPlainText() == "aberrant beat, check V1"
    qtbot.keyClick(editor.editor, Qt.Key.Key_Escape)
    assert w.review.note_editor is None and state(session) == states[-1]

    # the table shows status, label and note of each row
    model = w.table.model
    rows = {sid: model.row_of(sid) for sid in ids[:3]}
    assert [model.index(rows[i], COL_STATUS).data() for i in ids[:3]] == ["accepted", "rejected", "pending"]
    assert [model.index(rows[i], COL_LABEL).data() for i in ids[:3]] == ["PVC", "", "APB"]
    assert model.index(rows[ids[2]], COL_NOTE).data() == "aberrant beat, check V1"
    assert w.windowTitle().startswith("Untitled*")

    undo, redo = w.review_actions.undo_action, w.review_actions.redo_action
    assert undo.text() == "Undo Edit note" and undo.isEnabled() and not redo.isEnabled()
    for expected in reversed(states[:-1]):
        qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)
        assert state(session) == expected
    assert not undo.isEnabled() and redo.text() == "Redo Label segment 'PVC'"
    for k, expected in enumerate(states[1:]):
        if k % 2:
            qtbot.keyClick(table, Qt.Key.Key_Y, CTRL)
        else:
            qtbot.keyClick(table, Qt.Key.Key_Z, CTRL | SHIFT)
        assert state(session) == expected
    assert not redo.isEnabled()
    # the overlays paint each segment in its status colour (0 pending, 1 accepted, 2 rejected)
    kinds = w.view.overlays[0].kinds
    assert list(kinds[:3]) == [1, 2, 0]


def test_keys_act_on_every_selected_row_and_typing_in_fields_is_not_a_shortcut(reviewed, qtbot):
    from PySide6.QtCore import QItemSelectionModel

    w = reviewed
    session = w.document.session
    ids = [s.id for s in session.segment_list]
    w.table.select_row(1)
    selection = w.table.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (2, 3):
        selection.select(w.table.proxy.index(row, 0), flags)
    qtbot.keyClick(w.table.view, Qt.Key.Key_R)
    assert [session.segment(i).status for i in ids[:5]] == ["pending", "rejected", "rejected", "rejected", "pending"]
    assert w.review_actions.undo_action.text() == "Undo Reject 3 segments"
    before = state(session)
    qtbot.keyClicks(w.table.text_filter, "ar")  # letters typed in a field stay there
    assert state(session) == before and w.table.text_filter.text() == "ar"
