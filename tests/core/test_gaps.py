"""Recordings with gaps (NaN or inf: a lead off, a sensor dropout) are scored around them."""

import numpy as np
import pytest

from anomaly_gui.detect.config import DetectionConfig
from anomaly_gui.detect.pipeline import TrainingSource, run_detection
from anomaly_gui.dsp.ecg import detect_r_peaks
from anomaly_gui.errors import DataError
from anomaly_gui.evaluate.metrics import auroc, beat_scores
from anomaly_gui.io import read_recording
from anomaly_gui.recording import Channel, Recording, finite_samples
from anomaly_gui.resources import DEMO_RECORDING
from anomaly_gui.segments import peak_score

FS = 200.0
FAST = DetectionConfig(epochs=4, windows_per_epoch=2048, window=64, train_stride=8, score_stride=16, smoothing=16)


def _periodic(n, seed=0, channels=2):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FS
    base = np.stack([np.sin(2 * np.pi * 3 * t + k) for k in range(channels)], axis=1)
    return (base + 0.05 * rng.standard_normal(base.shape)).astype(np.float32)


def _rec(x):
    return Recording(x, FS, [Channel(f"ch{i}") for i in range(x.shape[1])])


def _overlaps(segments, mask) -> bool:
    return any(mask[s.start_sample : s.end_sample].any() for s in segments)


@pytest.fixture(scope="module")
def ecg_with_gaps():
    """The demo ECG (5 min of MIT-BIH 119, bigeminy) with both leads off for 20 s and V1 off
    for half a second."""
    rec = read_recording(DEMO_RECORDING)
    data = np.array(rec.data)
    fs = rec.fs_hz
    data[int(60 * fs) : int(80 * fs), :] = np.nan
    data[int(150 * fs) : int(150.5 * fs), 1] = np.inf
    gapped = Recording(data, fs, rec.channels, annotations=rec.annotations)
    return gapped, run_detection(gapped, DetectionConfig(epochs=12))


def test_an_ecg_with_leads_off_is_trained_and_scored_around_the_gaps(ecg_with_gaps):
    rec, res = ecg_with_gaps
    gap = ~np.isfinite(rec.data).all(axis=1)
    assert np.array_equal(np.isnan(res.scores), gap)
    assert not _overlaps(res.segments, gap)
    assert any("2 gap(s) of NaN or infinite values (20.5 s in all, the first at 60.000 s)" in n for n in res.notices)
    # The beats away from the gaps are judged as well as in a recording without any.
    onsets, labels = rec.annotations.onset_samples, np.array(rec.annotations.labels)
    half = int(0.5 * rec.fs_hz)
    clear = np.array([not gap[max(0, o - half) : o + half].any() for o in onsets])
    scores = beat_scores(res.scores, onsets, rec.fs_hz)
    normal, ventricular = scores[clear & (labels == "N")], scores[clear & (labels == "V")]
    assert len(ventricular) > 40 and np.isfinite(scores[clear]).all()
    assert auroc(normal, ventricular) > 0.95
    assert np.mean(ventricular > res.threshold) > 0.8


def test_r_peaks_are_found_on_either_side_of_a_gap():
    rec = read_recording(DEMO_RECORDING)
    lead = np.array(rec.data[:, 0])
    everywhere = detect_r_peaks(lead, rec.fs_hz)
    g0, g1 = int(60 * rec.fs_hz), int(80 * rec.fs_hz)
    lead[g0:g1] = np.nan
    around = detect_r_peaks(lead, rec.fs_hz)
    assert not ((around >= g0) & (around < g1)).any()
    margin = int(2 * rec.fs_hz)  # the filters see less context next to the gap
    far = everywhere[(everywhere < g0 - margin) | (everywhere >= g1 + margin)]
    assert np.isin(far, around).mean() > 0.99


def test_sliding_windows_and_baselines_flag_a_burst_and_never_a_gap():
    x = _periodic(8000)
    x[5000:5200, 1] += 2.5 * np.sign(np.sin(np.arange(200) * 1.7)).astype(np.float32)
    x[2000:2600, :] = np.nan
    rec = _rec(x)
    gap = ~np.isfinite(x).all(axis=1)
    for config in (FAST, DetectionConfig(model="iforest", window=64, score_stride=16, smoothing=16)):
        res = run_detection(rec, config)
        assert np.array_equal(np.isnan(res.scores), gap), config.model
        assert not _overlaps(res.segments, gap), config.model
        burst = np.zeros(len(x), bool)
        burst[5000:5200] = True
        assert _overlaps(res.segments, burst), config.model


def test_a_reference_and_a_training_range_with_gaps_train_on_what_is_there():
    x = _periodic(8000, seed=1)
    x[3000:3150, 0] = np.nan
    ref = _periodic(6000, seed=2)
    ref[1000:1500, :] = np.nan
    res = run_detection(_rec(x), FAST, TrainingSource(kind="reference", reference=_rec(ref)))
    assert "The reference's gaps of NaN or infinite values were left out of training." in res.notices
    assert np.isfinite(res.threshold) and np.isnan(res.scores[3000:3150]).all()
    res = run_detection(_rec(x), FAST, TrainingSource(kind="range", range_s=(0.0, 20.0)))
    assert np.isfinite(res.threshold) and np.isfinite(res.scores[:3000]).all()


def test_gaps_that_leave_nothing_to_score_are_clear_errors():
    with pytest.raises(DataError, match="Every sample of .* is NaN or infinite"):
        run_detection(_rec(np.full((1000, 2), np.nan, np.float32)), FAST)
    x = _periodic(4000)
    x[::50] = np.nan  # no stretch of one 64-sample window
    with pytest.raises(DataError, match="window"):
        run_detection(_rec(x), FAST)


def test_finite_samples_and_peak_scores_of_gaps():
    x = _periodic(100)
    assert finite_samples(_rec(x)) is None
    x[10:20, 1] = np.nan
    mask = finite_samples(_rec(x))
    assert mask.sum() == 90 and not mask[10:20].any()
    scores = np.arange(10, dtype=np.float32)
    scores[3:6] = np.nan
    assert peak_score(scores, 2, 7) == 6.0
    assert peak_score(scores, 3, 6, default=-1.0) == -1.0
