"""Baseline detectors: they find an injected anomaly, keep the detector contract, and the
evaluation harness runs end to end on a small subset of the real data."""

import json

import numpy as np
import pytest

from anomaly_gui.detect.baselines import BASELINES
from anomaly_gui.detect.baselines import _base
from anomaly_gui.detect.baselines._base import windows_to_samples
from anomaly_gui.detect.baselines.discord import locate_pieces, plan
from anomaly_gui.detect.baselines.matrix_profile import matrix_profile
from anomaly_gui.detect.config import MODEL_KINDS, DetectionConfig
from anomaly_gui.detect.pipeline import TrainingSource, make_detector, run_detection
from anomaly_gui.detect.threshold import ScoreReference
from anomaly_gui.errors import Cancelled, DataError, ModelFileError
from anomaly_gui.recording import Channel, Recording
from anomaly_gui.tasks import SimpleTask

FS = 200.0
KEYS = sorted(BASELINES)


def small_config(key: str) -> DetectionConfig:
    return DetectionConfig(model=key, window=64, train_stride=8, score_stride=16, smoothing=16)


def _signal(n=12000, seed=0, channels=2):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FS
    base = np.stack([np.sin(2 * np.pi * 3 * t + k) for k in range(channels)], axis=1)
    return (base + 0.05 * rng.standard_normal(base.shape)).astype(np.float32)


def _with_burst(x, i0=8000, i1=8100, channel=1):
    y = x.copy()
    y[i0:i1, channel] += 2.5 * np.sign(np.sin(np.arange(i1 - i0) * 1.7)).astype(np.float32)
    return y


def _rec(x):
    return Recording(x, FS, [Channel(f"ch{i}") for i in range(x.shape[1])])


def test_every_baseline_is_a_model_kind_and_made_by_the_pipeline():
    assert set(KEYS) == {"zscore", "iqr", "iforest", "ocsvm", "glm", "discord"}
    assert set(KEYS) <= set(MODEL_KINDS)
    ecg_like = Recording(np.zeros((4000, 1), np.float32), 360.0, [Channel("MLII", "mV")])
    for key in KEYS:
        assert isinstance(make_detector(DetectionConfig(model=key), ecg_like), BASELINES[key])


@pytest.mark.parametrize("key", KEYS)
def test_baseline_finds_the_injected_burst(key):
    x = _with_burst(_signal())
    res = run_detection(_rec(x), small_config(key))
    peak = int(np.argmax(res.scores))
    assert 8000 - 16 <= peak < 8100 + 16, f"{key}: highest score at {peak}"
    assert any(s.start_sample < 8100 and s.end_sample > 8000 for s in res.segments), res.segments.to_records()
    assert int(np.argmax(res.channel_scores[peak])) == 1  # attributed to the channel with the burst


@pytest.mark.parametrize("key", KEYS)
def test_baseline_keeps_the_detector_contract(key):
    train, test = _signal(6000, seed=1), _with_burst(_signal(5000, seed=2), 3000, 3100)
    det = BASELINES[key](small_config(key))
    assert det.fit(train, FS, ["a", "b"]) is det
    assert (det.n_channels_, det.fs_hz_, det.channel_names_, det.history_) == (2, FS, ["a", "b"], [])
    channel_scores = det.score_channels(test)
    assert channel_scores.shape == (5000, 2) and channel_scores.dtype == np.float32
    assert np.isfinite(channel_scores).all()
    samples = det.score_samples(test)
    assert samples.shape == (5000,) and samples.dtype == np.float32
    np.testing.assert_allclose(samples, channel_scores.mean(axis=1), rtol=1e-6)
    reference = ScoreReference.from_scores(det.score_samples(train))
    assert np.isfinite(det.auto_threshold(reference, det.config))
    with pytest.raises(DataError):
        det.score_channels(test[:, :1])
    with pytest.raises(DataError):
        BASELINES[key](small_config(key)).fit(train[:100], FS)


@pytest.mark.parametrize("key", KEYS)
def test_baselines_cannot_be_saved_and_say_so(key, tmp_path):
    from anomaly_gui.model.persistence import save_detector

    res = run_detection(_rec(_signal(3000)), small_config(key))
    with pytest.raises(ModelFileError):
        save_detector(tmp_path / "model.pt", res.detector)


@pytest.mark.parametrize("key", ["zscore", "iqr", "glm"])
def test_extra_state_round_trips_through_json(key):
    x = _with_burst(_signal(6000), 3000, 3100)
    det = BASELINES[key](small_config(key)).fit(x, FS)
    state = json.loads(json.dumps(det.extra_state()))
    copy = BASELINES[key](small_config(key)).fit(_signal(3000, seed=5), FS)
    copy.scaler_ = det.scaler_
    copy.load_extra_state(state)
    np.testing.assert_array_equal(copy.score_channels(x), det.score_channels(x))


@pytest.mark.parametrize("key", ["iforest", "ocsvm", "discord"])
def test_unsaveable_state_raises_model_file_error(key):
    det = BASELINES[key](small_config(key)).fit(_signal(3000), FS)
    with pytest.raises(ModelFileError):
        det.extra_state()


@pytest.mark.parametrize("key", ["zscore", "iqr", "glm"])
def test_streamed_blocks_equal_one_pass(key, monkeypatch):
    x = _with_burst(_signal(9000))
    det = BASELINES[key](small_config(key)).fit(x, FS)
    whole = det.score_channels(x)
    monkeypatch.setattr(_base, "STREAM_CHUNK", 1000)
    np.testing.assert_allclose(det.score_channels(x), whole, rtol=1e-5, atol=1e-6)


def test_cancel_stops_scoring():
    det = BASELINES["iforest"](small_config("iforest")).fit(_signal(3000), FS)
    task = SimpleTask()
    task.cancel()
    with pytest.raises(Cancelled):
        det.score_channels(_signal(3000), task)


def test_same_seed_same_forest():
    x = _with_burst(_signal(6000), 3000, 3100)
    a = run_detection(_rec(x), small_config("iforest"))
    b = run_detection(_rec(x), small_config("iforest"))
    np.testing.assert_array_equal(a.scores, b.scores)


# -- matrix profile ------------------------------------------------------------------------
def _brute_force_profile(query, m, starts, reference, offset=None):
    """The definition: z-normalised distance to the nearest reference subsequence (stumpy's
    rules for constant subsequences; matches within ceil(m/4) of the own position skipped)."""

    def z(x, i):
        w = np.asarray(x[i : i + m], np.float64)
        s = w.std()
        return None if s < 1e-7 else (w - w.mean()) / s

    out = []
    for i in starts:
        zi, best = z(query, i), np.inf
        for j in range(len(reference) - m + 1):
            if offset is not None and abs(i - (j + offset)) <= int(np.ceil(m / 4)):
                continue
            zj = z(reference, j)
            if zi is None or zj is None:
                d = 0.0 if zi is None and zj is None else np.sqrt(m)
            else:
                d = np.linalg.norm(zi - zj)
            best = min(best, d)
        out.append(best)
    return np.array(out)


def test_matrix_profile_matches_the_definition():
    rng = np.random.default_rng(3)
    a = np.sin(np.arange(400) * 0.2) + 0.1 * rng.standard_normal(400)
    a[100:130] = 0.5  # a constant stretch
    b = np.sin(np.arange(300) * 0.2 + 1) + 0.1 * rng.standard_normal(300)
    m, starts = 20, np.arange(0, 381, 7)
    np.testing.assert_allclose(matrix_profile(a, m, starts, b), _brute_force_profile(a, m, starts, b), atol=1e-3)
    self_join = matrix_profile(a, m, starts, a, exclusion_offset=0)
    np.testing.assert_allclose(self_join, _brute_force_profile(a, m, starts, a, offset=0), atol=1e-3)
    part = matrix_profile(a, m, starts, a[150:350], exclusion_offset=150)
    np.testing.assert_allclose(part, _brute_force_profile(a, m, starts, a[150:350], offset=150), atol=1e-3)


def test_discord_plan_and_locate():
    assert plan(20_000, 20_000, 256, 64) == (1, 1)
    d, ref_stride = plan(650_000, 650_000, 256, 64)
    assert 2 <= d <= 16 and ref_stride == 1
    x = _signal(3000)
    np.testing.assert_array_equal(locate_pieces(x, x), np.arange(3000))
    np.testing.assert_array_equal(locate_pieces(x, x[1200:2000]), np.arange(1200, 2000))
    joined = np.concatenate([x[100:600], x[900:1500]])  # masked training: usable stretches joined
    np.testing.assert_array_equal(locate_pieces(x, joined), np.r_[100:600, 900:1500])
    assert np.isnan(locate_pieces(x, _signal(800, seed=9))).all()


def test_discord_trained_on_a_range_excludes_trivial_matches():
    x = _with_burst(_signal(12000))
    res = run_detection(_rec(x), small_config("discord"), TrainingSource(kind="range", range_s=(0.0, 20.0)))
    assert res.detector.plan_["self_join"]
    assert res.scores[:4000].min() > 0.1  # trivial self-matches would give zero distances
    assert 8000 - 16 <= int(np.argmax(res.scores)) < 8100 + 16


def test_discord_with_masked_training_excludes_trivial_matches():
    x = _with_burst(_signal(12000))
    mask = np.ones(len(x), bool)
    mask[7900:8200] = False  # the user excluded the burst from training
    res = run_detection(_rec(x), small_config("discord"), TrainingSource(kind="masked", mask=mask))
    assert res.detector.plan_["self_join"]
    assert res.scores[:4000].min() > 0.1
    assert 8000 - 16 <= int(np.argmax(res.scores)) < 8100 + 16


def test_windows_to_samples_averages_covering_windows():
    out = windows_to_samples(np.array([0, 2]), np.array([[1.0], [3.0]]), 4, 7)
    assert out[:, 0].tolist() == [1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0]


# -- the harness, end to end on real data --------------------------------------------------
def test_harness_quick_runs_end_to_end(shared_data, tmp_path, capsys):
    from anomaly_gui.evaluate.harness import main

    out = tmp_path / "results.json"
    args = ["--quick", "--detectors", "zscore,discord,ae", "--data", str(shared_data), "--out", str(out),
            "--skip", "ae:mitdb=covered by the beat tests,ae:cwru,ae:nab,ae:nab_self,ae:skab"]
    assert main(args) == 0
    report = json.loads(out.read_text())
    assert set(report["collections"]) == {"mitdb", "mitdb_reference", "cwru", "ucr", "nab", "nab_self", "skab"}
    assert {(s["detector"], s["collection"]) for s in report["skipped"]} == {
        ("ae", "mitdb"), ("ae", "cwru"), ("ae", "nab"), ("ae", "nab_self"), ("ae", "skab"),
        ("zscore", "mitdb_reference"), ("discord", "mitdb_reference"),
    }
    reference = report["collections"]["mitdb_reference"]["ae"]["summary"]
    assert reference["n"] == 2 and reference["errors"] == 0
    assert 0.0 <= reference["beat_auroc"] <= 1.0 and 0.5 <= reference["beat_auroc_perfect"] <= 1.0
    ucr = report["collections"]["ucr"]
    assert set(ucr) == {"zscore", "discord", "ae"}
    for key, result in ucr.items():
        item = next(iter(result["items"].values()))
        assert 0.0 <= item["auroc"] <= 1.0 and isinstance(item["top1_hit"], bool)
    mitdb = report["collections"]["mitdb"]["discord"]["summary"]
    assert mitdb["n"] == 1 and 0.0 <= mitdb["beat_auroc"] <= 1.0
    assert 0.0 <= report["collections"]["cwru"]["zscore"]["summary"]["pooled_auroc"] <= 1.0
    table = capsys.readouterr().out
    assert "beat AUROC" in table and "top-1" in table and "skip" in table


def test_harness_with_several_seeds_reports_means_and_each_run(shared_data, tmp_path, capsys):
    from anomaly_gui.evaluate.harness import main

    out = tmp_path / "seeds.json"
    assert main(["--quick", "--detectors", "iforest", "--collections", "nab", "--data", str(shared_data),
                 "--seeds", "0,1", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    result = report["collections"]["nab"]["iforest"]
    assert set(result["seeds"]) == {"0", "1"} and report["seed"] == [0, 1]
    runs = [result["seeds"][s]["summary"]["auroc"] for s in ("0", "1")]
    assert result["summary"]["auroc"] == pytest.approx(np.mean(runs))
    assert result["summary_sd"]["auroc"] == pytest.approx(np.std(runs))
    assert "means over seeds 0, 1" in capsys.readouterr().out
    assert main(["--quick", "--collections", "nab", "--data", str(shared_data), "--seeds", "a,b"]) == 1
