"""Retrain with my review: in the worker, applied as one undoable command that keeps the review;
the threaded result equals the synchronous one."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from anomaly_gui.gui.retrain_controller import review_copy
from anomaly_gui.session.review_training import retrain_with_review

CTRL = Qt.KeyboardModifier.ControlModifier


def state(session) -> list[tuple]:
    return [(s.id, s.start_sample, s.end_sample, s.status, s.label, s.note) for s in session.segment_list]


def test_retrain_with_the_review_button_then_undo(reviewed, qtbot, messages):
    w = reviewed
    session = w.document.session
    table = w.table.view
    w.table.select_row(0)
    for key in (Qt.Key.Key_1, Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_R, Qt.Key.Key_6):
        qtbot.keyClick(table, key)
    reviewed_segments = [s for s in session.segment_list if s.status != "pending" or s.label]
    assert len(reviewed_segments) == 4
    before, old_scores, old_threshold = state(session), session.scores, session.threshold
    frozen = review_copy(session)
    bar = w.review_bar
    assert bar.retrain_button.isEnabled() and not bar.progress.isVisibleTo(bar)

    with qtbot.waitSignal(w.retrain.run_ended, timeout=120000) as ended:
        qtbot.mouseClick(bar.retrain_button, Qt.MouseButton.LeftButton)
        assert bar.progress.isVisibleTo(bar) and bar.cancel_button.isVisibleTo(bar)
        assert not bar.retrain_button.isEnabled() and w.cancel_retrain_action.isEnabled()
    assert ended.args == ["finished"] and messages.warnings == [] and messages.tracebacks == []
    assert not bar.progress.isVisibleTo(bar) and bar.retrain_button.isEnabled()
    assert session.scores is not old_scores and session.training_description.startswith("recording minus")
    for seg in reviewed_segments:  # the review is kept exactly
        assert session.segment(seg.id) == seg
    undo_text = w.review_actions.undo_action.text()
    assert undo_text.startswith("Undo Retrain with review (") and "kept" in undo_text
    assert "Retrained with your review:" in bar.message.text() and "kept" in w.statusBar().currentMessage()
    after = state(session)

    # the worker's result equals the synchronous one on the same review
    result, diff = retrain_with_review(frozen)
    np.testing.assert_allclose(session.scores, result.scores, rtol=1e-5, atol=1e-6)
    assert session.threshold == result.threshold
    assert f"at threshold {result.threshold:.4g}" in w.threshold_panel.count_label.text()

    qtbot.keyClick(table, Qt.Key.Key_Z, CTRL)
    assert state(session) == before and session.scores is old_scores and session.threshold == old_threshold
    assert w.view.scores.track.threshold == old_threshold
    qtbot.keyClick(table, Qt.Key.Key_Y, CTRL)
    assert state(session) == after


def test_retraining_can_be_cancelled(reviewed, qtbot):
    w = reviewed
    before = state(w.document.session)
    with qtbot.waitSignal(w.retrain.run_ended, timeout=60000) as ended:
        w.retrain_action.trigger()
        qtbot.mouseClick(w.review_bar.cancel_button, Qt.MouseButton.LeftButton)
    assert ended.args == ["cancelled"]
    assert state(w.document.session) == before and not w.review_actions.undo_action.isEnabled()
    assert w.review_bar.message.text() == "Retraining cancelled."
