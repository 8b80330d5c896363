"""Editing segments on the plots: draw one, drag its edge, split, merge, delete, re-threshold;
every edit is one undoable command."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QPointF, Qt

CTRL = Qt.KeyboardModifier.ControlModifier


def state(session) -> list[tuple]:
    return [(s.id, s.start_sample, s.end_sample, s.status, s.label, s.note) for s in session.segment_list]


def widest_gap(session, t0: float, t1: float) -> tuple[float, float]:
    """The longest stretch of [t0, t1] seconds without a segment."""
    fs = session.fs_hz
    edges = [t0] + [v for s in session.segment_list if s.end_sample / fs > t0 and s.start_sample / fs < t1
                    for v in (s.start_sample / fs, s.end_sample / fs)] + [t1]
    gaps = [(a, b) for a, b in zip(edges[::2], edges[1::2])]
    return max(gaps, key=lambda g: g[1] - g[0])


def test_draw_drag_split_merge_delete_and_undo(reviewed, qtbot):
    w = reviewed
    session, view, editor = w.document.session, w.view, w.editor
    fs = session.fs_hz
    view.set_x_range(20.0, 30.0)
    gap0, gap1 = widest_gap(session, 20.0, 30.0)
    assert gap1 - gap0 > 0.6
    a, b = gap0 + 0.1, gap0 + 0.4
    states = [state(session)]

    # S: add mode; a drag across the top plot creates an accepted segment on release
    qtbot.keyClick(w.table.view, Qt.Key.Key_S)
    assert editor.add_mode and w.review_actions.add_mode_action.isChecked()
    box = view.channel_plots[0].getViewBox()
    y = float(np.mean(box.viewRange()[1]))
    viewport = view.graphics.viewport()

    def at(t: float):
        return view.graphics.mapFromScene(box.mapViewToScene(QPointF(t, y)))

    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=at(a))
    qtbot.mouseMove(viewport, at((a + b) / 2))
    qtbot.mouseMove(viewport, at(b))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=at(b))
    new = [s for s in session.segment_list if s.id not in {x[0] for x in states[0]}]
    assert len(new) == 1
    created = new[0]
    pixel = box.viewPixelSize()[0] * fs
    assert abs(created.start_sample - a * fs) <= pixel + 1 and abs(created.end_sample - b * fs) <= pixel + 1
    assert created.status == "accepted" and w.review.current_id == created.id
    assert w.review_actions.undo_action.text() == "Undo Add segment"
    states.append(state(session))
    qtbot.keyClick(w.table.view, Qt.Key.Key_Escape)
    assert not editor.add_mode

    # the selected segment has draggable edges on every plot; releasing one moves that boundary
    regions = editor.edit_regions
    assert len(regions) == len(view.channel_plots) + 1 and all(r.isVisible() for r in regions)
    assert np.allclose(regions[0].getRegion(), (created.start_sample / fs, created.end_sample / fs))
    new_end = created.end_sample / fs + 0.15
    regions[1].lines[1].setValue(new_end)
    assert np.isclose(regions[0].getRegion()[1], new_end)  # the other plots follow while dragging
    regions[1].sigRegionChangeFinished.emit(regions[1])
    moved = session.segment(created.id)
    assert moved.start_sample == created.start_sample and moved.end_sample == round(new_end * fs)
    assert w.review_actions.undo_action.text() == "Undo Move segment end"
    states.append(state(session))

    # X: split at the mouse (it was last over the plot at b, inside the segment now)
    qtbot.keyClick(w.table.view, Qt.Key.Key_X)
    left = session.segment(created.id)
    right = [s for s in session.segment_list if s.start_sample == left.end_sample][0]
    assert abs(left.end_sample - b * fs) <= pixel + 1 and right.end_sample == moved.end_sample
    states.append(state(session))

    # select both halves, Ctrl+M merges them back into one
    w.table.select_id(left.id)
    row = w.table.proxy_row_of(right.id)
    w.table.view.selectionModel().select(w.table.proxy.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                         | QItemSelectionModel.SelectionFlag.Rows)
    assert sorted(w.table.selected_ids()) == sorted([left.id, right.id])
    qtbot.keyClick(w.table.view, Qt.Key.Key_M, CTRL)
    merged = session.segment(created.id)
    assert (merged.start_sample, merged.end_sample) == (moved.start_sample, moved.end_sample)
    assert len(session) == len(states[1])
    states.append(state(session))

    # Delete removes it
    qtbot.keyClick(w.table.view, Qt.Key.Key_Delete)
    assert created.id not in {s.id for s in session.segment_list}
    assert state(session) == states[0]
    states.append(state(session))

    for expected in reversed(states[:-1]):
        qtbot.keyClick(w.table.view, Qt.Key.Key_Z, CTRL)
        assert state(session) == expected
    for expected in states[1:]:
        qtbot.keyClick(w.table.view, Qt.Key.Key_Y, CTRL)
        assert state(session) == expected


def test_a_drawn_segment_that_overlaps_says_why_and_changes_nothing(reviewed, qtbot):
    w = reviewed
    session = w.document.session
    before = state(session)
    first = session.segment_list[0]
    fs = session.fs_hz
    w.editor.set_add_mode(True)
    w.editor.begin_draw(first.start_sample / fs - 0.05)
    w.editor.finish_draw(first.end_sample / fs + 0.05)
    assert state(session) == before
    assert "overlaps" in w.statusBar().currentMessage()
    assert not w.review_actions.undo_action.isEnabled()


def test_dragging_the_threshold_keeps_the_review_and_is_undoable(reviewed, qtbot):
    w = reviewed
    session = w.document.session
    w.table.select_row(0)
    first = w.review.current_id
    qtbot.keyClick(w.table.view, Qt.Key.Key_3)
    qtbot.keyClick(w.table.view, Qt.Key.Key_A)
    reviewed_segment = session.segment(first)
    before, old_threshold = state(session), session.threshold
    line = w.view.scores.track.threshold_line
    new_threshold = float(reviewed_segment.score) * 1.5  # above the reviewed segment's peak
    line.setValue(new_threshold)
    line.sigPositionChangeFinished.emit(line)
    assert session.threshold == new_threshold and state(session) != before
    assert session.segment(first) == reviewed_segment  # the accepted, labelled segment stays
    assert w.review_actions.undo_action.text().startswith(f"Undo Threshold {new_threshold:.4g}")
    assert f"threshold {new_threshold:.4g}" in w.table.summary.text()
    qtbot.keyClick(w.table.view, Qt.Key.Key_Z, CTRL)
    assert state(session) == before and session.threshold == old_threshold
    assert w.view.scores.track.threshold == old_threshold
    qtbot.keyClick(w.table.view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert session.threshold == new_threshold and w.view.scores.track.threshold == new_threshold
