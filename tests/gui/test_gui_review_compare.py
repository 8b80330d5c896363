"""Qt-free review helpers: segments against file annotations, and where the jump keys go."""

from __future__ import annotations

import numpy as np

from anomaly_gui.gui.review_jumps import next_by_time, review_span, score_order, segment_at, step_in_order
from anomaly_gui.segments import Segment
from anomaly_gui.session.compare import AnnotationIndex, agreement, is_non_normal


def _index():
    # unsorted on purpose: the index sorts once
    onsets = [500, 100, 150, 160, 900, 1200, 1210, 5000]
    labels = ["N", "V", "V", "N", "+", "A", "V", "F"]
    return AnnotationIndex(onsets, labels)


def test_labels_inside_segments_are_summarised_non_normal_first():
    index = _index()
    assert index.summary(100, 200) == "V ×2, N"
    assert index.summary(100, 150) == "V"  # end is exclusive
    assert index.summary(800, 1000) == "+"
    assert index.summary(1200, 1300) == "A, V"
    assert index.summary(2000, 3000) == ""
    assert index.labels_in(0, 10_000) == ["V", "V", "N", "N", "+", "A", "V", "F"]


def test_agreement_counts_segments_and_covered_non_normal_annotations():
    index = _index()
    assert [is_non_normal(x) for x in "NVA+~F"] == [False, True, True, False, False, True]
    bounds = np.array([[90, 200], [450, 600], [880, 950], [1190, 1220]])
    a = agreement(bounds, index)
    # non-normal: V@100, V@150, A@1200, V@1210, F@5000 -> 4 of 5 covered; 2 of 4 segments hold one
    assert (a.n_segments, a.segments_with_non_normal, a.n_non_normal, a.non_normal_covered) == (4, 2, 5, 4)
    assert a.describe() == ("2/4 segments contain a non-normal annotation · "
                            "4/5 non-normal annotations lie in a segment")
    assert agreement(np.zeros((0, 2)), index).non_normal_covered == 0


def test_a_tolerance_counts_annotations_just_outside_a_segment():
    index = AnnotationIndex([95, 130, 205, 400], ["V", "N", "V", "A"], tolerance_samples=10)
    assert index.summary(100, 200) == "V ×2, N"  # 95 and 205 are within 10 samples
    assert index.summary(100, 194) == "V, N"
    a = agreement(np.array([[100, 200], [390, 392]]), index)
    assert (a.segments_with_non_normal, a.non_normal_covered, a.n_non_normal) == (2, 3, 3)
    strict = agreement(np.array([[100, 200], [390, 392]]), AnnotationIndex([95, 130, 205, 400], ["V", "N", "V", "A"]))
    assert (strict.segments_with_non_normal, strict.non_normal_covered) == (0, 0)


def test_agreement_matches_a_brute_force_count_on_random_data():
    rng = np.random.default_rng(3)
    onsets = rng.integers(0, 100_000, 5000)
    labels = rng.choice(["N", "N", "N", "V", "A", "~"], 5000)
    index = AnnotationIndex(onsets, labels, tolerance_samples=7)
    starts = np.sort(rng.choice(np.arange(0, 100_000, 50), 300, replace=False))
    bounds = np.stack([starts, starts + rng.integers(1, 50, 300)], axis=1)
    a = agreement(bounds, index)
    abn = [o for o, lab in zip(onsets, labels) if lab in ("V", "A")]
    assert a.n_non_normal == len(abn)
    assert a.non_normal_covered == sum(any(s - 7 <= o < e + 7 for s, e in bounds) for o in abn)
    assert a.segments_with_non_normal == sum(any(s - 7 <= o < e + 7 for o in abn) for s, e in bounds)


def test_next_annotation_by_label_and_nearest():
    index = _index()
    v = [int(index.onsets[i]) for i in index.positions("V")]
    assert v == [100, 150, 1210]
    assert index.onsets[index.next_index("V", 100)] == 150  # strictly after
    assert index.onsets[index.next_index("V", 99)] == 100
    assert index.next_index("V", 1210) is None
    assert index.onsets[index.next_index("V", 1210, -1)] == 150
    assert index.next_index("V", 100, -1) is None
    assert index.next_index("Q", 0) is None
    assert index.onsets[index.nearest(1195, 10)] == 1200
    assert index.nearest(3000, 100) is None


def test_rhythm_and_signal_quality_changes_read_and_are_found_by_their_notes():
    from anomaly_gui.session.compare import annotation_text

    assert annotation_text("+", "(VT") == "(VT" and annotation_text("~", "noise") == "noise"
    assert annotation_text("V", "aberrant") == "V aberrant" and annotation_text("N") == "N"
    index = AnnotationIndex([10, 40, 70, 90, 120], ["+", "~", "+", "V", "~"],
                            notes=["(VT", "noise", "(N", "", "clean"])
    assert [int(index.onsets[i]) for i in index.positions("(VT")] == [10]
    assert [int(index.onsets[i]) for i in index.positions("+")] == [10, 70]  # the code still finds both
    assert index.onsets[index.next_index("noise", 0)] == 40
    assert index.summary(0, 100) == "V, + ×2, ~"  # summaries count codes: '+' is not a finding


def test_jumps_by_order_time_status_and_score():
    segs = [Segment(s, s + 10, score, id=i, status=st, label=lab)
            for i, (s, score, st, lab) in enumerate([(0, 1.0, "accepted", "PVC"), (100, 5.0, "pending", ""),
                                                     (200, 3.0, "rejected", "PVC"), (300, 9.0, "pending", ""),
                                                     (400, float("nan"), "pending", "")])]
    assert step_in_order([3, 1, 2], 1, 1) == 2 and step_in_order([3, 1, 2], 2, 1) is None
    assert step_in_order([3, 1, 2], None, 1) == 3 and step_in_order([3, 1, 2], None, -1) == 2
    pending = lambda s: s.status == "pending"  # noqa: E731
    assert next_by_time(segs, 100, 1, pending).id == 3
    assert next_by_time(segs, 300, -1, pending).id == 1
    assert next_by_time(segs, 400, 1, pending) is None
    assert next_by_time(segs, 200, -1, lambda s: s.label == "PVC").id == 0
    assert score_order(segs) == [3, 1, 2, 0, 4]  # NaN last
    assert segment_at(segs, 205).id == 2 and segment_at(segs, 215) is None


def test_review_span_keeps_a_usable_width_and_stays_inside():
    assert review_span(50.0, 50.5, 10.0, 1000.0) == (45.25, 55.25)  # current width kept, centred
    t0, t1 = review_span(50.0, 50.5, 1800.0, 3600.0)  # a 30-minute view zooms to 10 s
    assert (t0, t1) == (45.25, 55.25)
    assert review_span(0.1, 0.3, 10.0, 1000.0) == (0.0, 10.0)  # clamped at the start
    t0, t1 = review_span(100.0, 120.0, 10.0, 1000.0)  # a long segment gets three times its length
    assert t1 - t0 == 60.0 and t0 <= 100.0 and t1 >= 120.0
