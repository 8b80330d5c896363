"""Retrain with the review: what is excluded, that training never sees it, and the result."""

import numpy as np
import pytest

from anomaly_gui.dsp.windows import masked_window_starts
from anomaly_gui.errors import DataError
from anomaly_gui.recording import Channel, Recording
from anomaly_gui.segments import Segment
from anomaly_gui.session.commands import CommandStack, SetLabel, SetStatus
from anomaly_gui.session.review_training import (
    preview_diff,
    replace_command,
    retrain_with_review,
    run_detection_masked,
    training_mask,
)
from anomaly_gui.session.session import Session
from session_helpers import FAST_SLIDING


def test_mask_excludes_accepted_and_pending_keeps_rejected():
    segs = [Segment(10, 20, 1, status="accepted"), Segment(30, 40, 1, status="rejected"),
            Segment(50, 60, 1, status="pending")]
    m = training_mask(segs, 100)
    assert not m[10:20].any() and m[30:40].all() and not m[50:60].any() and m.sum() == 80
    m = training_mask(segs, 100, pending="include")
    assert m[50:60].all() and m.sum() == 90
    m = training_mask(segs, 100, margin_samples=5)
    assert not m[5:25].any() and m[4] and m[25]
    with pytest.raises(DataError):
        training_mask(segs, 100, pending="maybe")
    starts = masked_window_starts(m, 15, 5)
    assert starts.tolist() == [25, 30, 65, 70, 75, 80, 85]
    assert all(m[s : s + 15].all() for s in starts)


def test_sliding_training_windows_never_touch_excluded_samples(monkeypatch):
    import anomaly_gui.model.training as training

    n = 4000
    index = np.arange(n, dtype=np.float32)
    rec = Recording(np.stack([index, np.sin(index / 5)], axis=1), 200.0, [Channel("idx"), Channel("sin")])
    mask = np.ones(n, bool)
    mask[1000:1300] = False
    mask[2000:2010] = False  # a gap shorter than a window still splits the stretch
    seen = {}
    real = training.train_network

    def spy(net, windows, settings, ctx, on_epoch=None):
        seen["windows"] = windows
        return real(net, windows, settings, ctx, on_epoch)

    monkeypatch.setattr(training, "train_network", spy)
    result = run_detection_masked(rec, FAST_SLIDING, mask)
    det = result.detector
    # undo the scaling of channel 0 to get back the sample index of every window sample
    idx = np.rint(seen["windows"][:, 0, :] * det.scaler_.scale[0] + det.scaler_.centre[0]).astype(int)
    assert mask[idx].all(), "a training window contains excluded samples"
    assert (np.diff(idx, axis=1) == 1).all(), "a training window spans a gap"
    assert idx.min() == 0 and idx.max() == n - 1
    np.testing.assert_allclose(det.scaler_.centre[0], np.median(index[mask]), rtol=1e-6)
    assert result.scores.shape == (n,) and result.source_description.startswith("recording minus")


def test_beat_training_skips_beats_that_overlap_excluded_samples(monkeypatch, ecg_detection):
    import anomaly_gui.detect.beats as beats

    rec, result = ecg_detection
    n = rec.n_samples
    mask = training_mask(result.segments, n)  # every flagged (pending) segment excluded
    mask[: n // 3] = False
    import anomaly_gui.model.training as training

    cut, trained = {}, []
    real_windows, real_train = beats.beat_windows, training.train_network

    def spy_windows(data, peaks, fs_hz):
        windows = real_windows(data, peaks, fs_hz)
        cut.update({w.tobytes(): int(p) for w, p in zip(windows, peaks)})
        return windows

    def spy_train(net, windows, *args, **kwargs):
        trained.extend(cut[w.tobytes()] for w in windows)  # the peak of every training beat
        return real_train(net, windows, *args, **kwargs)

    monkeypatch.setattr(beats, "beat_windows", spy_windows)
    monkeypatch.setattr(training, "train_network", spy_train)
    cfg = result.config
    retrained = run_detection_masked(rec, cfg, mask)
    before, after = int(np.ceil(beats.BEFORE_S * rec.fs_hz)), int(np.ceil(beats.AFTER_S * rec.fs_hz))

    def inside(p):
        return mask[max(0, p - before) : p + after + 1].all()

    assert all(inside(p) for p in trained)
    assert not all(inside(p) for p in cut.values())  # the beats detected include excluded ones
    assert sum(inside(p) for p in cut.values()) >= 20  # usable beats
    assert len(trained) >= 5  # a quarter of the usable beats: half of the typical half
    assert retrained.threshold == pytest.approx(cfg.beat_threshold_z)


def test_retrain_with_review_keeps_the_review_and_undoes(ecg_detection, ecg_source):
    rec, result = ecg_detection
    session = Session.from_detection(rec, result, ecg_source)
    stack = CommandStack(session)
    ids = [s.id for s in session.segment_list]
    stack.push(SetStatus(ids[:4], "accepted"))
    stack.push(SetLabel(ids[:4], "PVC"))
    stack.push(SetStatus(ids[4:6], "rejected"))
    reviewed = [s for s in session.segment_list if s.status != "pending"]
    old_scores = session.scores
    new, diff = retrain_with_review(session)
    assert new.detector is not result.detector and new.scores.shape == old_scores.shape
    assert diff == preview_diff(session, new)
    cmd = replace_command(session, new)
    stack.push(cmd)
    assert cmd.diff == diff and "Retrain with review" in stack.undo_text
    for seg in reviewed:
        assert session.segment(seg.id) == seg  # nothing the reviewer did is lost
    assert session.scores is new.scores and session.detector is new.detector
    stack.undo()
    assert session.scores is old_scores and session.detector is result.detector


def test_baselines_retrain_on_joined_stretches_and_save_without_a_model(tmp_path):
    from dataclasses import replace

    from anomaly_gui.session.project import open_project, save_project
    from session_helpers import synthetic_recording

    rec = synthetic_recording(6000)
    config = replace(FAST_SLIDING, model="zscore")
    mask = np.ones(rec.n_samples, bool)
    mask[2000:2500] = False
    result = run_detection_masked(rec, config, mask)
    assert result.scores.shape == (6000,) and type(result.detector).__name__ != "AutoencoderDetector"
    session = Session.from_detection(rec, result)
    path = save_project(session, tmp_path / "baseline.agproj")  # a baseline has no model file
    opened = open_project(path, load_recording=False)
    assert opened.detector is None and opened.detector_kind == type(result.detector).__name__
