"""Review commands on the Qt-free stack: do/undo/redo, merging, clean state, callbacks, rules."""

import numpy as np
import pytest

from anomaly_gui.segments import Segment, SegmentEditError, check_disjoint
from anomaly_gui.session.commands import (
    CommandStack,
    CreateSegment,
    DeleteSegment,
    MergeSegments,
    MoveBoundary,
    ReplaceSegments,
    SetLabel,
    SetLabels,
    SetNote,
    SetStatus,
    SplitSegment,
    rethreshold,
)
from session_helpers import make_session, state


def _stack(**kw):
    session = make_session(**kw)
    return session, CommandStack(session)


def test_every_command_undoes_and_redoes_exactly():
    session, stack = _stack()
    initial = state(session)
    commands = [
        SetStatus([0, 1], "accepted"),
        SetStatus(2, "rejected"),
        SetLabel([0], "PVC"),
        SetNote(1, "odd morphology"),
        MoveBoundary(0, "end", 250),
        MoveBoundary(3, "start", 3050),
        CreateSegment(500, 600, label="APB"),
        SplitSegment(2, 2200),
        MergeSegments([0, 1]),
        DeleteSegment([4]),
        SetLabels(["PVC", "APB", "custom"]),
    ]
    states = [initial]
    for cmd in commands:
        assert stack.push(cmd)
        states.append(state(session))
        check_disjoint(session.segments.bounds(), session.n_samples)
    assert stack.descriptions()[0] == "Accept 2 segments"
    for expected in reversed(states[:-1]):
        assert stack.undo()
        assert state(session) == expected
    assert not stack.can_undo and not stack.undo()
    for expected in states[1:]:
        assert stack.redo()
        assert state(session) == expected
    assert not stack.can_redo


def test_command_effects():
    session, stack = _stack()
    stack.push(MoveBoundary(0, "end", 250))
    seg = session.segment(0)
    assert (seg.start_sample, seg.end_sample) == (100, 250)
    assert seg.score == pytest.approx(0.249)  # recomputed from the ramp scores
    stack.push(MoveBoundary(0, "end", 5000))  # clamped at the next segment's start
    assert session.segment(0).end_sample == 1100
    assert not stack.push(MoveBoundary(0, "end", 5000))  # nothing left to move: not recorded
    stack.push(CreateSegment(5000, 5100, status="accepted", label="artefact"))
    new = session.segments_in(5000, 5100)[0]
    assert new.score == pytest.approx(5.099) and new.status == "accepted" and new.id == 5
    stack.push(SplitSegment(new.id, 5050))
    assert [(s.start_sample, s.end_sample) for s in session.segments_in(5000, 5100)] == [(5000, 5050), (5050, 5100)]
    stack.push(SetLabel([1, 2], "Flutter"))
    assert "Flutter" in session.labels
    stack.undo()
    assert "Flutter" not in session.labels
    stack.push(MergeSegments([1, 3]))  # swallows segment 2 between them
    merged = session.segment(1)
    assert (merged.start_sample, merged.end_sample, merged.score) == (1100, 3300, 4.0)
    assert [s.id for s in session.segment_list].count(2) == 0


def test_edits_that_break_the_rules_change_nothing():
    session, stack = _stack()
    before = state(session)
    with pytest.raises(SegmentEditError, match="overlaps"):
        stack.push(CreateSegment(150, 400))
    with pytest.raises(SegmentEditError):
        stack.push(SplitSegment(0, 100))
    with pytest.raises(SegmentEditError):
        stack.push(SetStatus(99, "accepted"))
    with pytest.raises(SegmentEditError):
        SetStatus(0, "maybe")
    with pytest.raises(SegmentEditError):
        MergeSegments([1])
    assert state(session) == before and not stack.can_undo


def test_consecutive_note_edits_merge_into_one_undo_step_until_saved():
    session, stack = _stack()
    for text in ("o", "od", "odd"):
        stack.push(SetNote(0, text))
    assert len(stack) == 1 and session.segment(0).note == "odd"
    stack.push(SetNote(1, "x"))  # another segment: a new step
    stack.push(SetNote(0, "odd!"))
    assert len(stack) == 3
    stack.set_clean()
    stack.push(SetNote(0, "odd!!"))  # not merged across a save point
    assert len(stack) == 4
    stack.undo()
    assert session.segment(0).note == "odd!" and stack.is_clean
    stack.undo()
    stack.undo()
    stack.undo()
    assert session.segment(0).note == "" and session.segment(1).note == ""


def test_clean_state_modified_flag_and_callbacks():
    session, stack = _stack()
    changed, kinds = [], []
    stack.changed.append(lambda: changed.append(stack.modified))
    session.on_change.append(lambda kind, payload: kinds.append((kind, payload)))
    assert stack.is_clean and not stack.modified
    stack.push(SetStatus(0, "accepted"))
    assert stack.modified and stack.undo_text == "Undo Accept segment" and stack.redo_text == "Redo"
    stack.set_clean()
    stack.undo()
    assert stack.modified and stack.redo_text == "Redo Accept segment"
    stack.redo()
    assert stack.is_clean
    stack.undo()
    stack.push(SetStatus(1, "rejected"))  # the saved state can no longer be reached
    assert stack.modified
    while stack.can_undo:
        stack.undo()
    assert stack.modified
    assert changed[0] is True and len(changed) >= 6
    assert kinds[0] == ("segments", {"removed": [0], "added": [0]})
    session.set_view_state(x_range=(0.0, 10.0), gains={"ch0": 2.0})
    assert kinds[-1][0] == "view" and kinds[-1][1]["x_range"] == (0.0, 10.0)


def test_random_edit_sequences_keep_segments_sorted_and_disjoint():
    rng = np.random.default_rng(3)
    session, stack = _stack(n_segments=30, n=40_000, spacing=1200, length=300)
    initial = state(session)
    history = [initial]
    for _ in range(300):
        ids = [s.id for s in session.segment_list]
        kind = rng.integers(8)
        i = int(rng.choice(ids)) if ids else None
        try:
            if kind == 0 and ids:
                cmd = SetStatus(i, str(rng.choice(["accepted", "rejected", "pending"])))
            elif kind == 1 and ids:
                cmd = MoveBoundary(i, str(rng.choice(["start", "end"])), int(rng.integers(0, 40_000)))
            elif kind == 2:
                a = int(rng.integers(0, 39_900))
                cmd = CreateSegment(a, a + int(rng.integers(1, 100)))
            elif kind == 3 and len(ids) > 5:
                cmd = DeleteSegment(i)
            elif kind == 4 and len(ids) > 2:
                cmd = MergeSegments(rng.choice(ids, 2, replace=False).tolist())
            elif kind == 5 and ids:
                seg = session.segment(i)
                cmd = SplitSegment(i, int(rng.integers(seg.start_sample, seg.end_sample + 1)))
            elif kind == 6 and ids:
                cmd = SetNote(i, f"n{rng.integers(5)}")
            elif ids:
                cmd = SetLabel(i, str(rng.choice(["PVC", "APB", ""])))
            else:
                continue
            if stack.push(cmd):
                history.append(state(session))
        except SegmentEditError:
            pass  # refused edits (overlap, cut at an edge) must leave the state unchanged
        assert state(session) == history[-1] or len(stack) < len(history) - 1
        check_disjoint(session.segments.bounds(), session.n_samples)
        assert len({s.id for s in session.segment_list}) == len(session)
    while stack.can_undo:
        stack.undo()
    assert state(session) == initial
    while stack.can_redo:
        stack.redo()
        check_disjoint(session.segments.bounds(), session.n_samples)


def test_replace_segments_keeps_review_swaps_fields_and_undoes():
    session, stack = _stack()
    stack.push(SetStatus(0, "accepted"))
    stack.push(SetNote(3, "keep me"))
    old_scores = session.scores
    new_scores = np.zeros(session.n_samples, np.float32)
    detected = [Segment(150, 400, 2.0), Segment(1150, 1250, 3.0), Segment(7000, 7100, 1.0)]
    cmd = ReplaceSegments(detected, scores=new_scores, threshold=0.9, description="Re-detect")
    stack.push(cmd)
    assert (cmd.diff.kept, cmd.diff.added, cmd.diff.removed) == (3, 2, 2)
    assert "Re-detect (3 kept, 2 added, 2 removed)" == cmd.description
    bounds = [(s.start_sample, s.end_sample, s.id, s.status) for s in session.segment_list]
    assert bounds == [(100, 300, 0, "accepted"), (300, 400, 5, "pending"), (1150, 1250, 1, "pending"),
                      (3100, 3300, 3, "pending"), (7000, 7100, 6, "pending")]
    assert session.segment(3).note == "keep me"
    assert session.scores is new_scores and session.threshold == 0.9
    stack.undo()
    assert session.scores is old_scores and session.threshold == 0.5 and len(session) == 5


def test_rethreshold_uses_the_session_scores():
    session, stack = _stack(n_segments=2)
    stack.push(SetStatus(0, "rejected"))
    stack.push(rethreshold(session, 9.0))
    # ramp scores exceed 9.0 from sample 9001 to the end; the rejected segment stays
    ends = [(s.start_sample, s.end_sample, s.status) for s in session.segment_list]
    assert ends == [(100, 300, "rejected"), (9001, 10_000, "pending")]
    assert session.threshold == 9.0
    stack.undo()
    assert session.threshold == 0.5 and len(session) == 2
