import pickle

import numpy as np
import pytest

from anomaly_gui.detect.config import DetectionConfig
from anomaly_gui.detect.pipeline import run_detection
from anomaly_gui.errors import ModelFileError
from anomaly_gui.model.persistence import load_detector, save_detector
from anomaly_gui.recording import Channel, Recording
from anomaly_gui.tasks import NULL_TASK


def _rec(n=4000, channels=2, fs=100.0):
    rng = np.random.default_rng(0)
    t = np.arange(n) / fs
    x = np.stack([np.sin(2 * np.pi * 2 * t + k) for k in range(channels)], 1) + 0.05 * rng.standard_normal((n, channels))
    return Recording(x.astype(np.float32), fs, [Channel(f"c{i}") for i in range(channels)])


CFG = DetectionConfig(epochs=2, window=64, windows_per_epoch=512, train_stride=16, score_stride=16, smoothing=8)


def test_saved_model_scores_identically(tmp_path):
    rec = _rec()
    res = run_detection(rec, CFG)
    path = tmp_path / "model.pt"
    save_detector(path, res.detector)
    loaded = load_detector(path)
    np.testing.assert_array_equal(loaded.score_samples(rec.data), res.scores)
    again = run_detection(rec, CFG, detector=loaded)
    assert again.threshold == pytest.approx(res.threshold)
    assert [s.start_sample for s in again.segments] == [s.start_sample for s in res.segments]


def test_saved_model_checks_channels_and_rate(tmp_path):
    res = run_detection(_rec(), CFG)
    save_detector(tmp_path / "m.pt", res.detector)
    det = load_detector(tmp_path / "m.pt")
    with pytest.raises(ModelFileError, match=r"2 channel\(s\) \(.*\); the recording has 1 \(.*\)\. .*--channels"):
        run_detection(_rec(channels=1), CFG, detector=det)
    with pytest.raises(ModelFileError, match="Hz"):
        run_detection(_rec(fs=250.0), CFG, detector=det)


class _Payload:
    def __reduce__(self):
        return (print, ("code ran",))


def test_loading_never_unpickles_objects(tmp_path, capfd):
    import torch

    evil = tmp_path / "evil.pt"

    torch.save({"metadata_json": "{}", "state_dict": {}, "x": _Payload()}, evil)
    with pytest.raises(ModelFileError):
        load_detector(evil)
    assert "code ran" not in capfd.readouterr().out
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(pickle.dumps({"a": 1}) + b"junk")
    with pytest.raises(ModelFileError):
        load_detector(garbage)
    with pytest.raises(ModelFileError, match="does not exist"):
        load_detector(tmp_path / "missing.pt")


def test_a_model_that_cannot_be_written_leaves_nothing_and_says_where(tmp_path):
    res = run_detection(_rec(), CFG)
    path = tmp_path / "model.pt"
    save_detector(path, res.detector)
    before = path.read_bytes()
    with pytest.raises(ModelFileError, match="not saved. Could not write .*missing"):
        save_detector(tmp_path / "missing" / "model.pt", res.detector)
    (tmp_path / "locked").mkdir()
    with pytest.raises(ModelFileError):
        save_detector(tmp_path / "locked", res.detector)  # a folder is in the way
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locked", "model.pt"]  # no temporary files left


def test_saved_model_pairs_channels_by_name_when_a_file_stores_them_in_another_order(tmp_path):
    rec = _rec()
    res = run_detection(rec, CFG)
    save_detector(tmp_path / "m.pt", res.detector)
    swapped = Recording(np.ascontiguousarray(rec.data[:, ::-1]), rec.fs_hz, [Channel("c1"), Channel("c0")])
    again = run_detection(swapped, CFG, detector=load_detector(tmp_path / "m.pt"))
    assert "Saved model channels paired by name: c1, c0." in again.notices
    np.testing.assert_allclose(again.scores, res.scores, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(again.channel_scores, res.channel_scores[:, ::-1], rtol=1e-5, atol=1e-7)
    # Names that do not pair keep the positional order, as before.
    other = Recording(rec.data, rec.fs_hz, [Channel("x"), Channel("y")])
    plain = run_detection(other, CFG, detector=load_detector(tmp_path / "m.pt"))
    assert not any("paired" in n for n in plain.notices)
    np.testing.assert_allclose(plain.scores, res.scores, rtol=1e-5, atol=1e-7)


def test_sharp_view_weight_is_saved_and_a_model_without_one_scores_squared_errors_alone(tmp_path):
    rec = _rec()
    det = run_detection(rec, CFG).detector
    assert det.sharp_weight_.shape == (2,) and (det.sharp_weight_ > 0).all()
    save_detector(tmp_path / "m.pt", det)
    saved = load_detector(tmp_path / "m.pt")
    np.testing.assert_array_equal(saved.sharp_weight_, det.sharp_weight_)
    # a model file written before the sharp-change view: no weight in its extra state
    det.sharp_weight_ = None
    save_detector(tmp_path / "old.pt", det)
    old = load_detector(tmp_path / "old.pt")
    assert old.sharp_weight_ is None
    squared_only = old.score_channels(rec.data)
    np.testing.assert_array_equal(squared_only, old._scores(rec.data, NULL_TASK))
    assert (saved.score_channels(rec.data) >= squared_only).all()
    assert not np.array_equal(saved.score_channels(rec.data), squared_only)
