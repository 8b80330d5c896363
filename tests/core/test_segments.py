import numpy as np

from anomaly_gui.segments import (
    filter_min_length,
    mask_to_intervals,
    merge_intervals,
    segments_from_scores,
)


def test_mask_to_intervals_finds_runs_including_edges():
    mask = np.array([1, 1, 0, 0, 1, 0, 1, 1, 1], bool)
    assert mask_to_intervals(mask).tolist() == [[0, 2], [4, 5], [6, 9]]
    assert mask_to_intervals(np.zeros(5, bool)).shape == (0, 2)
    assert mask_to_intervals(np.ones(3, bool)).tolist() == [[0, 3]]


def test_merge_joins_gaps_up_to_max_gap_only():
    iv = np.array([[0, 2], [4, 5], [9, 12]])
    assert merge_intervals(iv, 2).tolist() == [[0, 5], [9, 12]]
    assert merge_intervals(iv, 1).tolist() == iv.tolist()
    assert merge_intervals(iv, 4).tolist() == [[0, 12]]


def test_min_length_drops_short_runs():
    iv = np.array([[0, 2], [4, 5], [9, 12]])
    assert filter_min_length(iv, 3).tolist() == [[9, 12]]


def test_segments_from_scores_peak_and_attribution():
    scores = np.zeros(100, np.float32)
    scores[10:20] = 5.0
    scores[15] = 9.0
    scores[60:62] = 3.0  # too short
    per_channel = np.zeros((100, 3), np.float32)
    per_channel[10:20, 1] = 10.0
    per_channel[10:20, 2] = 6.0  # above half of the strongest
    per_channel[10:20, 0] = 1.0  # below half
    segs = segments_from_scores(
        scores, 1.0, fs_hz=10.0, min_duration_samples=5, max_gap_samples=0,
        channel_scores=per_channel, channel_names=["a", "b", "c"],
    )
    assert len(segs) == 1
    s = segs[0]
    assert (s.start_sample, s.end_sample) == (10, 20)
    assert s.score == 9.0
    assert s.channels == ("b", "c")
    rec = segs.to_records()[0]
    assert rec["start_s"] == 1.0 and rec["end_s"] == 2.0 and rec["duration_s"] == 1.0
