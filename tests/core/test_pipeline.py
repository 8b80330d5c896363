"""The detection pipeline on generated signals with a known anomaly, and its failure modes."""

import dataclasses

import numpy as np
import pytest

from anomaly_gui.detect.config import DetectionConfig
from anomaly_gui.detect.pipeline import TrainingSource, run_detection
from anomaly_gui.errors import Cancelled, DataError
from anomaly_gui.recording import Channel, Recording, match_channels
from anomaly_gui.tasks import SimpleTask

FS = 200.0
FAST = DetectionConfig(epochs=4, windows_per_epoch=2048, window=64, train_stride=8, score_stride=16, smoothing=16)


def _periodic(n, seed=0, channels=2, fs=FS):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    base = np.stack([np.sin(2 * np.pi * 3 * t + k) for k in range(channels)], axis=1)
    return (base + 0.05 * rng.standard_normal(base.shape)).astype(np.float32)


def _with_burst(x, i0, i1, channel=1):
    y = x.copy()
    y[i0:i1, channel] += 2.5 * np.sign(np.sin(np.arange(i1 - i0) * 1.7)).astype(np.float32)
    return y


def _rec(x, name="synthetic.npy", fs=FS):
    return Recording(x, fs, [Channel(f"ch{i}") for i in range(x.shape[1])])


def test_flags_the_injected_burst_and_attributes_its_channel():
    x = _with_burst(_periodic(12000), 8000, 8100)
    res = run_detection(_rec(x), FAST)
    assert res.scores.shape == (12000,) and res.scores.dtype == np.float32
    assert res.channel_scores.shape == (12000, 2)
    hits = [s for s in res.segments if s.start_sample < 8100 and s.end_sample > 8000]
    assert hits, f"burst not flagged; segments: {res.segments.to_records()}"
    assert hits[0].channels[0] == "ch1"
    flagged = sum(s.n_samples for s in res.segments)
    assert flagged < 0.05 * len(x), "the automatic threshold flags far too much of a normal signal"


def test_reference_training_and_resampling_notice():
    # The same waveform at twice the rate: it must be resampled to the target's rate.
    reference = _rec(_periodic(24000, seed=3, fs=2 * FS), fs=2 * FS)
    target = _rec(_with_burst(_periodic(6000, seed=4), 3000, 3100))
    res = run_detection(target, FAST, TrainingSource(kind="reference", reference=reference))
    assert any("resampled" in n for n in res.notices)
    assert any(s.start_sample < 3100 and s.end_sample > 3000 for s in res.segments)


def test_reference_channels_pair_by_name_not_position():
    # The reference lists its channels in another order and has one more; paired by position,
    # the channels' phase relation would be reversed and every window would look anomalous.
    x = _periodic(20000, seed=3, channels=3)
    reference = Recording(x[:, [1, 2, 0]], FS, [Channel(n) for n in ("X097_FE_time", "X097_BA_time", "X097_DE_time")])
    target = Recording(
        _with_burst(_periodic(6000, seed=4), 3000, 3100)[:, :2], FS, [Channel("X105_DE_time"), Channel("X105_FE_time")]
    )
    res = run_detection(target, FAST, TrainingSource(kind="reference", reference=reference))
    assert "Reference channels paired by name: X097_DE_time for X105_DE_time, X097_FE_time for X105_FE_time." in res.notices
    assert any(s.start_sample < 3100 and s.end_sample > 3000 for s in res.segments)
    assert sum(s.n_samples for s in res.segments) < 0.1 * target.n_samples
    # The same reference recorded at twice the rate: paired, then resampled.
    fast = _periodic(40000, seed=3, channels=3, fs=2 * FS)
    reference = Recording(fast[:, [1, 2, 0]], 2 * FS, [Channel(n) for n in ("X097_FE_time", "X097_BA_time", "X097_DE_time")])
    res = run_detection(target, FAST, TrainingSource(kind="reference", reference=reference))
    assert any("resampled" in n for n in res.notices) and any("paired by name" in n for n in res.notices)
    assert res.detector.n_channels_ == 2
    assert sum(s.n_samples for s in res.segments) < 0.1 * target.n_samples


def test_match_channels_rules():
    cwru = ["X105_DE_time", "X105_FE_time", "X105_BA_time"]
    assert match_channels(["X097_DE_time", "X097_FE_time"], cwru[:2]) == [0, 1]
    assert match_channels(["X097_DE_time", "X097_FE_time"], cwru) is None  # no BA in the reference
    assert match_channels(["X097_DE_time"], ["X105_DE_time"]) == [0]
    assert match_channels(["MLII", "V5"], ["v5", "mlii"]) == [1, 0]
    assert match_channels(["MLII", "V5"], ["MLII", "V1"]) is None  # V1 is another lead, not V5
    assert match_channels(["Dev1/ai0", "Dev1/ai1"], ["Dev2/ai1", "Dev2/ai0"]) == [1, 0]
    assert match_channels(["a", "A"], ["a"]) == [0]
    assert match_channels(["ch0"], ["ch1"]) is None


def test_same_seed_same_result_and_vae_runs():
    x = _with_burst(_periodic(6000), 4000, 4100)
    a = run_detection(_rec(x), FAST)
    b = run_detection(_rec(x), FAST)
    np.testing.assert_array_equal(a.scores, b.scores)
    vae = run_detection(_rec(x), dataclasses.replace(FAST, model="vae"))
    assert np.isfinite(vae.scores).all()
    assert any(s.start_sample < 4100 and s.end_sample > 4000 for s in vae.segments)


def test_train_range_uses_only_that_range():
    x = _with_burst(_periodic(10000), 7000, 7100)
    res = run_detection(_rec(x), FAST, TrainingSource(kind="range", range_s=(0.0, 25.0)))
    assert "range" in res.source_description
    assert any(s.start_sample < 7100 and s.end_sample > 7000 for s in res.segments)
    with pytest.raises(DataError, match="training range"):
        run_detection(_rec(x), FAST, TrainingSource(kind="range", range_s=(1.0, 1.1)))


def test_trained_on_itself_the_automatic_threshold_finds_frequent_anomalies():
    # Twelve bursts, 6 % of the recording, trained on the recording itself: the bursts are in
    # the training scores, so a level from their upper tail would sit among them.
    x = _periodic(20000)
    bursts = [(1000 + 1500 * k, 1100 + 1500 * k) for k in range(12)]
    for i0, i1 in bursts:
        x = _with_burst(x, i0, i1)
    res = run_detection(_rec(x), FAST)
    assert res.detector.score_reference_.may_hold_anomalies
    found = [any(s.start_sample < i1 and s.end_sample > i0 for s in res.segments) for i0, i1 in bursts]
    assert sum(found) >= 10, f"{sum(found)} of 12 bursts flagged"
    assert res.threshold < res.detector.score_reference_.exceedance_level(FAST.threshold_risk)
    flagged = sum(s.n_samples for s in res.segments)
    assert flagged < 0.2 * len(x)
    # A reference known to be normal keeps the extreme-value rule.
    clean = run_detection(_rec(x), FAST, TrainingSource(kind="reference", reference=_rec(_periodic(20000, seed=5))))
    assert not clean.detector.score_reference_.may_hold_anomalies


def test_short_training_data_is_drawn_up_to_the_minimum_windows_per_epoch():
    from anomaly_gui.model.networks import build_network
    from anomaly_gui.model.training import TrainingSettings, train_network

    windows = np.random.default_rng(0).standard_normal((40, 1, 64)).astype(np.float32)
    batches = []
    task = SimpleTask(on_progress=lambda fraction, message: batches.append(message))
    for minimum, per_epoch in ((0, 1), (512, 4)):  # 36 training windows, batches of 128
        batches.clear()
        settings = TrainingSettings(epochs=2, patience=5, min_windows_per_epoch=minimum)
        train_network(build_network("ae", 1, 64, 8, 8), windows, settings, task)
        assert len(batches) == 2 * per_epoch


def test_short_training_data_gets_a_notice_and_long_data_none():
    x = _with_burst(_periodic(10000), 7000, 7100)
    short = run_detection(_rec(x), FAST, TrainingSource(kind="range", range_s=(0.0, 3.0)))  # 600 samples
    assert [n for n in short.notices if "training data is short: 600 samples, 9.4 windows of 64" in n]
    whole = run_detection(_rec(x), FAST)  # 10,000 samples: 156 windows
    assert not [n for n in whole.notices if "short" in n]


def test_too_short_and_channel_mismatch_are_clear_errors():
    with pytest.raises(DataError, match="too short|at least"):
        run_detection(_rec(_periodic(100)), FAST)
    ref = _rec(_periodic(5000, channels=1))
    with pytest.raises(DataError, match=r"1 channel\(s\) \(ch0\) and the recording 2 \(ch0, ch1\).*--channels"):
        run_detection(_rec(_periodic(5000)), FAST, TrainingSource(kind="reference", reference=ref))
    # Channels of the same count whose names do not pair train by position, and say so.
    other = Recording(_periodic(5000, seed=2), FS, [Channel("left"), Channel("right")])
    res = run_detection(_rec(_periodic(5000)), FAST, TrainingSource(kind="reference", reference=other))
    assert "Reference channels paired by position: left for ch0, right for ch1." in res.notices


def test_cancel_stops_training_within_a_batch():
    task = SimpleTask()
    seen = []

    def on_progress(fraction, message):
        seen.append(fraction)
        if len(seen) == 3:
            task.cancel()

    task._on_progress = on_progress
    with pytest.raises(Cancelled):
        run_detection(_rec(_periodic(8000)), dataclasses.replace(FAST, epochs=50), ctx=task)
    assert len(seen) <= 4


def test_a_heartbeat_model_on_a_recording_that_is_no_ecg_says_so(shared_data):
    from anomaly_gui.detect.pipeline import run_saved_model
    from anomaly_gui.io import read_recording
    from anomaly_gui.model.persistence import load_detector
    from anomaly_gui.resources import DEMO_RECORDING, ECG_REFERENCE_MODEL

    vibration = read_recording(shared_data / "cwru" / "12k_DE" / "IR007_0.mat", fs_hz=12000.0).select_channels([0])
    result = run_saved_model(vibration, load_detector(ECG_REFERENCE_MODEL))
    assert any("does not look like an ECG" in line for line in result.notices)
    ecg = run_saved_model(read_recording(DEMO_RECORDING), load_detector(ECG_REFERENCE_MODEL), "p99")
    assert not any("does not look like an ECG" in line for line in ecg.notices)
    assert ecg.config.threshold == "p99" and ecg.channel_scores.shape[1] == 2


def test_which_channels_are_ecg_leads(shared_data):
    from anomaly_gui.detect.pipeline import ecg_leads, looks_like_ecg, pick_ecg_lead
    from anomaly_gui.io import read_recording

    mitdb = read_recording(shared_data / "mitdb" / "119.hea")
    assert ecg_leads(mitdb) == [0, 1] and looks_like_ecg(mitdb) and pick_ecg_lead(mitdb) == 0
    # EEG in µV (an EDF of Fp1) is not an ECG, nor a 5 Hz test sine in µV.
    for name in ("edf/test_subsecond.edf", "bdf/test_generator.bdf"):
        assert not looks_like_ecg(read_recording(shared_data / "formats" / name))
    # A polysomnogram: the ECG is the fourth channel, beside EEG, EOG and chin EMG in the same units.
    x = np.zeros((1000, 5), np.float32)
    psg = Recording(x, 256.0, [Channel("EEG Fpz-Cz", "uV"), Channel("C3-A2", "mV"), Channel("EOG horizontal", "uV"),
                               Channel("ECG", "uV"), Channel("EMG chin", "uV")])
    assert ecg_leads(psg) == [3] and looks_like_ecg(psg) and pick_ecg_lead(psg) == 3
    # Unnamed channels in mV (a CSV whose units the user stated) are taken as leads.
    assert looks_like_ecg(Recording(x[:, :1], 360.0, [Channel("ch0", "mV")]))
    assert not looks_like_ecg(Recording(x[:, :1], 50.0, [Channel("ECG", "mV")]))  # too slow for beats


@pytest.mark.parametrize("model", ["ae", "vae"])
def test_a_short_drop_between_peaks_of_varying_height_scores_highest(shared_data, model):
    # UCR 135 (InternalBleeding16): 1,200 training samples, six cycles whose peaks differ in
    # height; in the rest one 12-sample drop on a downslope. The network reconstructs the
    # peaks' heights only roughly, so their squared error is as large as the drop's; the
    # change of the error from sample to sample is what sets the drop apart.
    from anomaly_gui.evaluate.datasets import load_ucr
    from anomaly_gui.evaluate.runs import score_series

    series = next(s for s in load_ucr(shared_data) if s.name.startswith("135_"))
    out, res = score_series(series, DetectionConfig(model=model), ucr=True)
    assert out["top1_hit"], out["top1_location"]
    assert out["auroc"] > 0.95
    (a0, a1), = series.anomalies
    assert any(s.start_sample < a1 and s.end_sample > a0 for s in res.segments)


def test_long_training_data_calibrates_the_sharp_view_on_spread_stretches(monkeypatch):
    import anomaly_gui.detect.autoencoder as autoencoder

    x = _periodic(40000)
    full = run_detection(_rec(x), FAST).detector
    scored = []
    original = autoencoder.AutoencoderDetector._scores

    def counting(self, data, ctx, sharp_weight=None, both_views=False):
        if both_views:
            scored.append(len(data))
        return original(self, data, ctx, sharp_weight, both_views)

    monkeypatch.setattr(autoencoder, "CALIBRATION_SAMPLES", 8000)
    monkeypatch.setattr(autoencoder.AutoencoderDetector, "_scores", counting)
    spread = run_detection(_rec(x), FAST).detector
    assert len(scored) >= 2 and 8000 <= sum(scored) <= 8000 + 2 * 64 * FAST.window
    # the same network (same seed and data): a steady signal gives about the same weight from a
    # sample of it (weights of other signals range over hundreds)
    np.testing.assert_allclose(spread.sharp_weight_, full.sharp_weight_, rtol=0.5)
