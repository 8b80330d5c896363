"""Interval rules for review edits, tested on arrays (segments.py pure functions)."""

import numpy as np
import pytest

from anomaly_gui.segments import (
    Segment,
    SegmentEditError,
    carry_review_over,
    check_disjoint,
    clamp_boundary,
    diff_segments,
    insertion_index,
    merge_segments,
    merge_span,
    overlapping,
    peak_score,
    split_segment,
    subtract_intervals,
)

B = np.array([[10, 20], [30, 40], [40, 50], [70, 90]])


def test_check_disjoint_accepts_touching_and_rejects_overlap_order_empty_bounds():
    check_disjoint(B, n_samples=90)
    check_disjoint(np.zeros((0, 2)))
    with pytest.raises(SegmentEditError, match="overlap"):
        check_disjoint([[10, 20], [19, 25]])
    with pytest.raises(SegmentEditError, match="overlap"):
        check_disjoint([[30, 40], [10, 20]])
    with pytest.raises(SegmentEditError, match="empty"):
        check_disjoint([[10, 10]])
    with pytest.raises(SegmentEditError, match="outside"):
        check_disjoint(B, n_samples=80)
    with pytest.raises(SegmentEditError, match="outside"):
        check_disjoint([[-1, 5]])


def test_insertion_index_finds_the_gap_or_refuses_an_overlap():
    assert insertion_index(B, 0, 10) == 0
    assert insertion_index(B, 20, 30) == 1
    assert insertion_index(B, 50, 70) == 3
    assert insertion_index(B, 95, 99) == 4
    for start, end in [(15, 25), (5, 11), (45, 46), (60, 75), (89, 100)]:
        with pytest.raises(SegmentEditError):
            insertion_index(B, start, end)
    with pytest.raises(SegmentEditError):
        insertion_index(B, 60, 60)


def test_clamp_boundary_respects_neighbours_length_and_recording():
    assert clamp_boundary(B, 1, "start", 0) == 20  # previous segment ends at 20
    assert clamp_boundary(B, 1, "start", 25) == 25
    assert clamp_boundary(B, 1, "start", 45) == 39  # at least one sample long
    assert clamp_boundary(B, 1, "end", 60) == 40  # next one starts at 40 (touching)
    assert clamp_boundary(B, 3, "end", 500, n_samples=100) == 100
    assert clamp_boundary(B, 3, "end", 10) == 71
    assert clamp_boundary(B, 0, "start", -5) == 0
    with pytest.raises(SegmentEditError):
        clamp_boundary(B, 0, "middle", 5)


def test_merge_span_covers_everything_between_the_chosen():
    assert merge_span(B, [3, 1]) == (1, 4)
    with pytest.raises(SegmentEditError):
        merge_span(B, [2])
    with pytest.raises(SegmentEditError):
        merge_span(B, [1, 9])


def test_peak_score_and_its_default():
    scores = np.arange(100, dtype=np.float32)
    assert peak_score(scores, 10, 20) == 19.0
    assert peak_score(None, 10, 20, default=3.0) == 3.0
    assert peak_score(scores, 95, 200) == 99.0


def test_subtract_and_overlap_on_arrays():
    a = np.array([[0, 100], [150, 160]])
    b = np.array([[10, 20], [50, 60], [155, 170]])
    assert subtract_intervals(a, b).tolist() == [[0, 10], [20, 50], [60, 100], [150, 155]]
    assert subtract_intervals(a, b, min_length=6).tolist() == [[0, 10], [20, 50], [60, 100]]
    assert subtract_intervals(a, np.zeros((0, 2))).tolist() == a.tolist()
    a_hit, b_hit = overlapping(np.array([[0, 10], [20, 30], [40, 50]]), np.array([[10, 20], [25, 45]]))
    assert a_hit.tolist() == [False, True, True]  # touching [0,10)/[10,20) is no overlap
    assert b_hit.tolist() == [False, True]


def test_split_and_merge_keep_review_fields_and_scores():
    seg = Segment(10, 30, 5.0, ("a",), "accepted", "PVC", "wide", id=7)
    scores = np.arange(100, dtype=np.float32)
    left, right = split_segment(seg, 18, new_id=8, scores=scores)
    assert (left.start_sample, left.end_sample, left.id, left.score) == (10, 18, 7, 17.0)
    assert (right.start_sample, right.end_sample, right.id, right.score) == (18, 30, 8, 29.0)
    assert left.label == right.label == "PVC" and right.status == "accepted"
    for bad in (10, 30, 5):
        with pytest.raises(SegmentEditError):
            split_segment(seg, bad)
    other = Segment(40, 50, 9.0, ("b", "a"), "rejected", "noise", "look again", id=9)
    merged = merge_segments([seg, other], new_id=7)
    assert (merged.start_sample, merged.end_sample, merged.score, merged.id) == (10, 50, 9.0, 7)
    assert merged.channels == ("a", "b")
    assert merged.label == "PVC / noise" and merged.note == "wide\nlook again"
    assert merged.status == "pending"  # accepted + rejected: needs a new decision
    assert merge_segments([seg, seg.__class__(30, 31, 1.0, status="accepted")]).status == "accepted"


def test_diff_by_overlap():
    old = [Segment(0, 10, 1), Segment(20, 30, 1), Segment(40, 50, 1)]
    new = [Segment(5, 25, 1), Segment(60, 70, 1)]
    d = diff_segments(old, new)
    assert (d.kept, d.added, d.removed) == (1, 1, 1)
    assert d.describe() == "1 kept, 1 added, 1 removed"


def test_carry_review_over_keeps_reviewed_and_cuts_detected_around_them():
    old = [
        Segment(0, 100, 1, status="accepted", label="PVC", id=1),
        Segment(200, 300, 1, id=2),  # pending, untouched: replaceable
        Segment(400, 500, 1, note="checked", id=3),  # a note is review work
        Segment(600, 700, 1, id=4),
    ]
    detected = [Segment(50, 150, 2), Segment(250, 350, 3), Segment(380, 520, 4), Segment(900, 950, 5)]
    out = carry_review_over(old, detected, min_length=10, scores=np.arange(1000, dtype=np.float32))
    bounds = [(s.start_sample, s.end_sample, s.id) for s in out]
    assert bounds == [(0, 100, 1), (100, 150, -1), (250, 350, 2), (380, 400, -1), (400, 500, 3),
                      (500, 520, -1), (900, 950, -1)]
    assert out[1].score == 149.0  # a cut piece takes its own peak
    assert out[0].label == "PVC" and out[4].note == "checked"
    check_disjoint(np.array([[s.start_sample, s.end_sample] for s in out]))
