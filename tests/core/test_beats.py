"""Beat-synchronous detection on real ECG: the demo excerpt of MIT-BIH 119 (bigeminy)."""

import dataclasses

import numpy as np
import pytest

from anomaly_gui.detect.beats import (
    BeatAutoencoderDetector,
    rhythm_scores,
    rr_variability,
    typical_beats,
    typical_halves,
)
from anomaly_gui.detect.config import DetectionConfig
from anomaly_gui.detect.pipeline import choose_windowing, run_detection
from anomaly_gui.evaluate.metrics import auroc, beat_scores
from anomaly_gui.io import read_recording
from anomaly_gui.model.persistence import load_detector, save_detector
from anomaly_gui.recording import Channel, Recording
from anomaly_gui.resources import DEMO_RECORDING


@pytest.fixture(scope="module")
def demo_result():
    rec = read_recording(DEMO_RECORDING)
    return rec, run_detection(rec, DetectionConfig(epochs=12))


def test_ecg_files_get_beat_windows_and_others_sliding():
    ecg = read_recording(DEMO_RECORDING)
    assert choose_windowing(DetectionConfig(), ecg) == "beats"
    vib = Recording(np.zeros((1000, 1), np.float32), 12000.0, [Channel("X105_DE_time")])
    assert choose_windowing(DetectionConfig(), vib) == "sliding"
    assert choose_windowing(DetectionConfig(windowing="sliding"), ecg) == "sliding"


def test_ventricular_beats_score_above_normal_ones_trained_without_labels(demo_result):
    rec, res = demo_result
    assert isinstance(res.detector, BeatAutoencoderDetector)
    labels = np.array(rec.annotations.labels)
    scores = beat_scores(res.scores, rec.annotations.onset_samples, rec.fs_hz)
    normal, ventricular = scores[labels == "N"], scores[labels == "V"]
    assert len(ventricular) > 40
    assert auroc(normal, ventricular) > 0.95
    # The automatic threshold flags most PVCs and few normal beats.
    assert np.mean(ventricular > res.threshold) > 0.8
    assert np.mean(normal > res.threshold) < 0.1


def test_beat_model_round_trips(demo_result, tmp_path):
    rec, res = demo_result
    save_detector(tmp_path / "beats.pt", res.detector)
    loaded = load_detector(tmp_path / "beats.pt")
    assert isinstance(loaded, BeatAutoencoderDetector)
    np.testing.assert_allclose(loaded.score_samples(rec.data), res.scores, rtol=1e-5, atol=1e-5)
    again = run_detection(rec, res.config, detector=loaded)
    assert again.threshold == res.threshold
    assert len(again.segments) == len(res.segments)


def test_rhythm_score_marks_premature_beats():
    peaks = np.arange(0, 20000, 360)
    early = peaks.copy()
    early[10] -= 120  # a third of a beat early
    scores = rhythm_scores(early, 360.0)
    assert scores[10] > 0.3
    assert np.all(np.delete(scores, [10, 11]) < 0.05)


def test_rhythm_score_keeps_a_run_of_premature_beats_premature():
    # 30 s at 60/min, then a 20-beat run at 120/min, then 60/min again
    rr = np.r_[np.full(30, 1.0), np.full(20, 0.5), np.full(30, 1.0)]
    peaks = np.round(np.cumsum(rr) * 360.0).astype(np.int64)
    scores = rhythm_scores(peaks, 360.0)
    assert np.all(scores[31:50] > 0.4)  # every beat of the run, not only its first
    assert np.all(scores[:30] < 0.05) and np.all(scores[52:] < 0.05)


def test_rhythm_variability_is_the_spread_of_the_signed_rr_deviation():
    # Sinus rhythm whose RR varies by a known 4 % (normal): half the beats come late, and the
    # prematurity score is 0 for them, but the variability must still be about 4 %.
    rng = np.random.default_rng(1)
    rr = 0.8 * (1.0 + 0.04 * rng.standard_normal(2000))
    peaks = np.round(np.cumsum(rr) * 360.0).astype(np.int64)
    assert rr_variability(peaks, 360.0) == pytest.approx(0.04, rel=0.15)
    prematurity = rhythm_scores(peaks, 360.0)
    mad = 1.4826 * np.median(np.abs(prematurity - np.median(prematurity)))
    assert mad < 0.7 * rr_variability(peaks, 360.0)  # what a MAD of the clipped score would give
    # ``keep`` restricts it to some beats: a strictly regular stretch has almost none.
    regular = np.r_[np.zeros(1000, bool), np.ones(1000, bool)]
    peaks2 = np.round(np.cumsum(np.r_[rr[:1000], np.full(1000, 0.8)]) * 360.0).astype(np.int64)
    assert rr_variability(peaks2, 360.0, keep=regular) < 0.01


def test_shape_statistics_describe_the_dominant_beats_with_frequent_ectopy(shared_data):
    # Robust z-scores of MIT-BIH 208 (first 5 min: 46 % ventricular and fusion beats): the
    # centre and spread of the errors must be those of the normal beats, or the ectopic ones
    # stop standing out.
    rec = read_recording(shared_data / "mitdb" / "208.hea")
    rec = rec.crop(0, rec.time_to_index(300.0))
    det = BeatAutoencoderDetector(DetectionConfig(epochs=12)).fit(np.asarray(rec.data), rec.fs_hz)
    peaks, errors, _ = det.beat_scores(np.asarray(rec.data))
    labels = np.array(rec.annotations.labels)
    nearest = np.abs(rec.annotations.onset_samples[:, None] - peaks[None, :]).argmin(axis=1)
    log_errors = np.log(errors)
    normal = log_errors[nearest[labels == "N"]]
    ectopic = np.isin(labels, ["V", "F"])
    assert ectopic.sum() > 0.4 * (ectopic.sum() + len(normal))

    def mad(x):
        return 1.4826 * np.median(np.abs(x - np.median(x, axis=0)), axis=0)

    assert np.all(det.shape_spread_ < 0.7 * mad(log_errors))  # all beats: two modes
    assert np.all(det.shape_spread_ < 1.5 * mad(normal))
    assert np.all(np.abs(det.shape_centre_ - np.median(normal, axis=0)) < mad(normal))


def test_typical_beats_are_those_of_the_dominant_morphology():
    rng = np.random.default_rng(0)
    t = np.linspace(-1, 1, 64)
    normal = np.exp(-((t / 0.1) ** 2))
    ectopic = -1.5 * np.exp(-((t / 0.3) ** 2))  # wide, inverted: a ventricular beat
    kinds = rng.random(200) < 0.45  # bigeminy-like: 45 % ectopic beats, all alike
    beats = np.where(kinds[:, None], ectopic, normal)[:, None, :] + 0.05 * rng.standard_normal((200, 1, 64))
    chosen = typical_beats(beats.astype(np.float32), 0.5)
    assert chosen.sum() == 100 and not np.any(chosen & kinds)


def test_too_few_beats_is_a_clear_error():
    flat = np.zeros((360 * 20, 1), np.float32)
    with pytest.raises(Exception, match="heartbeats"):
        BeatAutoencoderDetector(dataclasses.replace(DetectionConfig(), epochs=1)).fit(flat, 360.0)


def test_typical_halves_interleave_the_typical_beats():
    rng = np.random.default_rng(3)
    beats = rng.standard_normal((41, 1, 32)).astype(np.float32)
    learn, held_out = typical_halves(beats)
    typical = np.flatnonzero(typical_beats(beats))
    assert np.array_equal(np.sort(np.r_[learn, held_out]), typical)
    assert len(learn) - len(held_out) in (0, 1) and np.all(np.diff(learn) > 0) and np.all(np.diff(held_out) > 0)
    assert np.all(learn[: len(held_out)] < held_out)  # alternate in time order


def test_normal_beats_of_a_clean_record_stay_below_the_threshold(shared_data):
    # MIT-BIH 100 (30 min, 2239 of its 2273 beats normal): the statistics come from typical
    # beats the network did not learn, so the record's other normal beats are not false
    # alarms (taken from the beats it learnt, 2-3 % of them were over the threshold).
    rec = read_recording(shared_data / "mitdb" / "100.hea")
    res = run_detection(rec, DetectionConfig(model="vae"))
    peaks, scores = res.detector.score_beats(np.asarray(rec.data))
    onsets = rec.annotations.onset_samples[np.array(rec.annotations.labels) == "N"]
    own = scores.mean(axis=1)[np.abs(onsets[:, None] - peaks[None, :]).argmin(axis=1)]  # each beat's own score
    assert len(own) > 2000
    assert np.mean(own > res.threshold) < 0.01


def test_a_model_of_few_heartbeats_says_so(demo_result):
    rec, res = demo_result  # 5 min: no notice
    assert res.detector.n_training_beats_ >= 50 and not any("which is few" in n for n in res.notices)
    short = rec.crop(0, rec.time_to_index(60.0))  # about 70 beats: it learns a quarter of them
    res = run_detection(short, DetectionConfig(epochs=2))
    assert res.detector.n_training_beats_ < 25
    assert any("heartbeats, which is few" in n for n in res.notices)
