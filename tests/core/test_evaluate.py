"""Evaluation metrics on small hand-made cases with known answers."""

import numpy as np
import pytest

from anomaly_gui.detect.config import DetectionConfig
from anomaly_gui.detect.pipeline import segment
from anomaly_gui.evaluate.metrics import (
    average_precision,
    sample_auroc,
    sweep_thresholds,
    threshold_efficiency,
    top1_hit,
)
from anomaly_gui.evaluate.ranges import (
    clip_intervals,
    event_prf,
    intervals_to_mask,
    labels_to_intervals,
    overlap_pairs,
    range_prf,
)
from anomaly_gui.evaluate.runs import _overlapping, flagged_intervals


# -- range-based precision / recall (Tatbul et al. 2018, flat bias, reciprocal γ) -----------
def test_range_prf_half_overlap():
    r = range_prf([[10, 20]], [[15, 25]])
    assert (r.precision, r.recall, r.f1) == (0.5, 0.5, 0.5)


def test_range_prf_fragmented_prediction_pays_cardinality():
    # Two flagged pieces cover 4 of 10 samples; γ = 1/2 halves the overlap reward.
    r = range_prf([[0, 10]], [[0, 2], [4, 6]])
    assert r.recall == pytest.approx(0.2)
    assert r.precision == pytest.approx(1.0)
    assert r.f1 == pytest.approx(1 / 3)


def test_range_prf_one_prediction_across_two_events():
    r = range_prf([[0, 10], [20, 30]], [[5, 25]])
    assert r.recall == pytest.approx(0.5)  # each event half covered
    assert r.precision == pytest.approx(0.25)  # 10 of 20 samples correct, γ = 1/2
    assert r.f1 == pytest.approx(1 / 3)


def test_range_prf_existence_weight_and_edge_cases():
    assert range_prf([[0, 10], [20, 30]], [[5, 6]], alpha=1.0).recall == pytest.approx(0.5)
    assert range_prf([[0, 10], [20, 30]], [[5, 6]], alpha=0.0).recall == pytest.approx(0.05)
    nothing = range_prf([[0, 10]], [])
    assert (nothing.precision, nothing.recall, nothing.f1) == (0.0, 0.0, 0.0)
    no_events = range_prf([], [[0, 5]])
    assert no_events.precision == 0.0 and no_events.recall is None and no_events.f1 is None
    perfect = range_prf([[3, 7], [9, 12]], [[3, 7], [9, 12]])
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    # Half-open intervals: touching is not overlapping.
    assert range_prf([[0, 10]], [[10, 12]]).f1 == 0.0


def test_event_prf_counts_events_and_segments():
    r = event_prf([[0, 10], [20, 30], [40, 50]], [[5, 6], [12, 15], [45, 60]])
    assert r.recall == pytest.approx(2 / 3) and r.precision == pytest.approx(2 / 3)
    assert r.f1 == pytest.approx(2 / 3)
    assert (r.n_real, r.n_flagged) == (3, 3)
    # One long segment over every event: recall 1, precision 1 (no point adjustment involved).
    assert event_prf([[0, 10], [20, 30]], [[0, 30]]).f1 == 1.0
    assert event_prf([], []).f1 is None


def test_flagging_everything_fools_event_f1_but_not_range_f1():
    # Why threshold efficiency uses the range-based F1: one segment over the whole series
    # touches every event, so its segment-counting event precision is perfect.
    assert event_prf([[100, 110], [500, 520]], [[0, 1000]]).f1 == 1.0
    everything = range_prf([[100, 110], [500, 520]], [[0, 1000]])
    assert everything.recall == 1.0 and everything.precision == pytest.approx(0.5 * 30 / 1000)


def test_overlap_pairs_and_interval_helpers():
    i, j, ov = overlap_pairs([[0, 10], [20, 30]], [[5, 25], [28, 40]])
    assert list(zip(i.tolist(), j.tolist(), ov.tolist())) == [(0, 0, 5), (1, 0, 5), (1, 1, 2)]
    mask = intervals_to_mask([[2, 4], [6, 7]], 8)
    assert mask.tolist() == [False, False, True, True, False, False, True, False]
    assert labels_to_intervals(mask).tolist() == [[2, 4], [6, 7]]
    assert clip_intervals([[0, 5], [8, 20], [30, 40]], 3, 25).tolist() == [[0, 2], [5, 17]]
    assert _overlapping(np.array([[0, 3], [5, 9], [2, 6]]), np.array([[4, 6]])).tolist() == [False, True, True]


# -- UCR top-1 rule ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "location, hit",
    [(900, True), (899, False), (1000, True), (1109, True), (1110, False), (5, False)],
)
def test_top1_hit_edges_at_100_samples(location, hit):
    scores = np.zeros(3000)
    scores[location] = 1.0
    assert top1_hit(scores, 1000, 1010) == (hit, location)


def test_top1_hit_takes_the_first_maximum():
    scores = np.zeros(3000)
    scores[[500, 1005]] = 1.0
    assert top1_hit(scores, 1000, 1010) == (False, 500)


# -- AUC-PR / AUROC ------------------------------------------------------------------------
def test_average_precision_perfect_reversed_and_ties():
    labels = np.array([0, 0, 0, 1, 1])
    assert average_precision(labels, [0.1, 0.2, 0.3, 0.8, 0.9]) == pytest.approx(1.0)
    # Positives ranked 4th and 5th: (1/2)(1/4) + (1/2)(2/5).
    assert average_precision(labels, [0.9, 0.8, 0.7, 0.2, 0.1]) == pytest.approx(0.325)
    assert average_precision(labels, np.ones(5)) == pytest.approx(0.4)  # all tied: prevalence
    assert average_precision(np.zeros(4), [1, 2, 3, 4]) is None


def test_average_precision_matches_scikit_learn():
    from sklearn.metrics import average_precision_score

    rng = np.random.default_rng(1)
    labels = rng.random(500) < 0.1
    scores = np.round(rng.random(500) + labels * 0.5, 1)  # rounded: many ties
    assert average_precision(labels, scores) == pytest.approx(average_precision_score(labels, scores))


def test_sample_auroc():
    assert sample_auroc([0, 0, 1], [0.1, 0.2, 0.9]) == 1.0
    assert sample_auroc([0, 0, 1], [0.9, 0.2, 0.1]) == 0.0
    assert sample_auroc([0, 0, 0], [1, 2, 3]) is None


# -- threshold sweep and efficiency --------------------------------------------------------
def test_sweep_thresholds_are_sorted_quantiles_dense_in_the_tail():
    s = np.arange(100_000, dtype=float)
    levels = sweep_thresholds(s)
    assert len(levels) == 100 and np.all(np.diff(levels) > 0)
    assert levels[0] == 0.0 and levels[-1] <= s.max()
    assert np.sum(levels > np.quantile(s, 0.99)) >= 45


def test_threshold_efficiency():
    assert threshold_efficiency(0.8, [0.5, 0.8, 0.6]) == 1.0
    assert threshold_efficiency(0.9, [0.5, 0.8]) == 1.0  # the automatic level beats the sweep
    assert threshold_efficiency(0.4, [0.8, None]) == 0.5
    assert threshold_efficiency(None, [0.8]) is None
    assert threshold_efficiency(0.0, [0.0, None]) is None


def test_efficiency_is_one_when_the_automatic_threshold_is_best():
    scores = np.zeros(5000, np.float32)
    scores[2000:2300] = 10.0
    scores[4000:4010] = 3.0  # a short bump the min-duration rule drops anyway
    config = DetectionConfig(model="zscore", window=64)
    real = [[2000, 2300]]
    auto = event_prf(real, flagged_intervals(scores, 5.0, config, 1.0)).f1
    sweep = [event_prf(real, flagged_intervals(scores, t, config, 1.0)).f1 for t in sweep_thresholds(scores)]
    assert auto == 1.0 and threshold_efficiency(auto, sweep) == 1.0


def test_flagged_intervals_equal_the_segmenters():
    rng = np.random.default_rng(0)
    scores = np.convolve(rng.standard_normal(20_000), np.ones(30) / 30, "same").astype(np.float32)
    config = DetectionConfig(model="zscore", window=64)
    for threshold in (0.1, 0.2, 0.35):
        expected = segment(scores, None, threshold, 100.0, config, []).bounds()
        np.testing.assert_array_equal(flagged_intervals(scores, threshold, config, 100.0), expected)


def test_own_beat_auroc_matches_each_annotation_to_its_own_detected_beat():
    from types import SimpleNamespace

    from anomaly_gui.evaluate.runs import _own_beat_auroc

    fs = 100.0
    peaks = np.arange(10, 1000, 50)  # detected beats every 0.5 s
    scores = np.where(np.arange(len(peaks)) % 4 == 3, 9.0, 1.0)[:, None]  # every 4th beat abnormal

    class Beats:
        def score_beats(self, data):
            return peaks, scores

    rec = SimpleNamespace(data=np.zeros((1000, 1)), fs_hz=fs)
    beats = peaks + 3  # annotated a few samples off the detected peak
    abnormal = np.arange(len(peaks)) % 4 == 3
    assert _own_beat_auroc(Beats(), rec, beats, abnormal) == 1.0
    # a window maximum would give the beat before each abnormal one its neighbour's score;
    # the own-beat score does not, and detectors without beats get no value
    assert _own_beat_auroc(object(), rec, beats, abnormal) is None
    far = beats.copy()
    far[abnormal] += 22  # over 0.15 s from every detected beat: left out, one class remains
    assert _own_beat_auroc(Beats(), rec, far, abnormal) is None


def test_perfect_classifier_auroc_counts_normal_beats_whose_window_reaches_an_ectopic_beat():
    from types import SimpleNamespace

    from anomaly_gui.evaluate.runs import _perfect_classifier_auroc

    class Beats:
        def score_beats(self, data):
            raise AssertionError("the perfect classifier needs no scores")

    rec = SimpleNamespace(n_samples=800, fs_hz=100.0)
    beats = np.array([100, 200, 300, 340, 500, 600, 700])
    abnormal = np.array([False, False, False, True, False, False, True])
    # The ectopic beat at 340 starts (its QRS onset, 0.06 s before the peak) inside the
    # −0.25 … +0.45 s window of the normal beat at 300, which ties with both ectopic beats;
    # the one at 700 starts after the window of the beat at 600 ends (645).
    assert _perfect_classifier_auroc(Beats(), rec, beats, abnormal) == pytest.approx(9 / 10)
    assert _perfect_classifier_auroc(object(), rec, beats, abnormal) is None
    assert _perfect_classifier_auroc(Beats(), rec, beats, np.zeros(7, bool)) is None


def test_annotated_noise_runs_from_noise_to_clean_and_around_isolated_artefacts():
    from anomaly_gui.evaluate.datasets import annotated_noise
    from anomaly_gui.recording import Annotations, Channel, Recording

    onsets = [100, 150, 300, 400, 420, 600, 900]
    labels = ("~", "~", "~", "|", "N", "~", "~")
    notes = ("noise", "unreadable", "clean", "", "", "clean", "noise")
    rec = Recording(np.zeros((1000, 1), np.float32), 100.0, [Channel("MLII", "mV")],
                    annotations=Annotations(onset_samples=np.array(onsets), labels=labels, notes=notes))
    # noise from 100 (still noisy at 150) to the clean change at 300; the artefact at 400
    # with the beat window (-0.25 ... +0.45 s); a clean change while clean does nothing;
    # noise from 900 to the end
    assert annotated_noise(rec, 0.25, 0.45).tolist() == [[100, 300], [375, 446], [900, 1000]]
    quiet = Recording(np.zeros((10, 1), np.float32), 100.0, [Channel("MLII", "mV")])
    assert annotated_noise(quiet, 0.25, 0.45).shape == (0, 2)


def test_nab_self_trains_on_each_whole_series_and_scores_after_the_probation(shared_data):
    from anomaly_gui.evaluate.datasets import NAB_PROBATION, load_nab, load_nab_self

    given, itself = load_nab(shared_data), load_nab_self(shared_data)
    assert [s.name for s in itself] == [s.name for s in given] and len(itself) >= 5
    for a, b in zip(given, itself):
        assert a.train == "range" and a.train_samples == int(NAB_PROBATION * a.recording.n_samples)
        assert b.train == "whole" and b.train_samples == 0
        assert b.evaluate_from == a.evaluate_from > 0
        np.testing.assert_array_equal(b.anomalies, a.anomalies)
