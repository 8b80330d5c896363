"""Project files: round trip, zip layout, atomic save, moved or changed sources, damage."""

import json
import os
import shutil
import zipfile

import numpy as np
import pytest

from anomaly_gui.session.commands import CommandStack, CreateSegment, SetLabel, SetNote, SetStatus
from anomaly_gui.session.project import (
    ProjectFileError,
    SourceChangedError,
    SourceMissingError,
    open_project,
    read_project_document,
    save_project,
)
from anomaly_gui.session.session import Session
from session_helpers import FS, make_session, state, synthetic_recording


def _npy_source(tmp_path, n=10_000):
    path = tmp_path / "data" / "signal.npy"
    path.parent.mkdir()
    np.save(path, synthetic_recording(n).data)
    return path


def _edited(source):
    session = make_session(source=source)
    stack = CommandStack(session)
    stack.push(SetStatus([0, 1], "accepted"))
    stack.push(SetLabel(0, "PVC"))
    stack.push(SetNote(1, "Ünïcode note\nsecond line"))
    stack.push(CreateSegment(9500, 9600, label="artefact"))
    session.set_view_state(x_range=[1.5, 9.0], channel_order=["ch1", "ch0"], gains={"ch0": 2.5})
    return session


def test_round_trip_keeps_everything_and_reloads_the_recording(tmp_path):
    source = _npy_source(tmp_path)
    session = _edited(source)
    path = save_project(session, tmp_path / "review")
    assert path.name == "review.agproj" and session.project_path == path
    with zipfile.ZipFile(path) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        assert infos["scores.npy"].compress_type == zipfile.ZIP_STORED
        assert zf.testzip() is None
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left
    opened = open_project(path)
    assert state(opened) == state(session)
    assert opened.labels == session.labels and "artefact" in opened.labels
    assert opened.view_state == {"x_range": [1.5, 9.0], "channel_order": ["ch1", "ch0"], "gains": {"ch0": 2.5}}
    assert opened.scores.dtype == np.float32
    np.testing.assert_array_equal(opened.scores, session.scores)
    assert opened.threshold == 0.5 and opened.detection == {"model": "ae", "window": 64}
    assert opened.recording.n_samples == 10_000 and opened.fs_override == FS
    assert opened.next_id == session.next_id and opened.notices == []
    doc = read_project_document(path)
    assert doc["format"] == "anomaly-gui-project" and doc["format_version"] == 1
    assert doc["source"]["relative_path"] == "data/signal.npy"
    assert doc["source"]["size"] == source.stat().st_size
    assert set(doc["segments"][0]) == {"id", "start_sample", "end_sample", "score", "channels", "status", "label", "note"}


def test_moved_source_raises_with_the_expected_path_then_opens_with_an_override(tmp_path):
    source = _npy_source(tmp_path)
    path = save_project(_edited(source), tmp_path / "p.agproj")
    elsewhere = tmp_path / "elsewhere.npy"
    source.rename(elsewhere)
    with pytest.raises(SourceMissingError) as info:
        open_project(path)
    assert info.value.expected_path == source and "signal.npy" in str(info.value)
    opened = open_project(path, source_override=elsewhere)
    assert opened.source_path == elsewhere.resolve() and opened.recording is not None
    assert any("found at" in n for n in opened.notices)
    no_signal = open_project(path, load_recording=False)  # segments without the recording
    assert no_signal.recording is None and len(no_signal) == 6


def test_project_and_source_moved_together_are_found_by_relative_path(tmp_path):
    source = _npy_source(tmp_path)
    save_project(_edited(source), tmp_path / "p.agproj")
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    shutil.move(str(tmp_path), moved)
    try:
        opened = open_project(moved / "p.agproj")
        assert opened.source_path == (moved / "data" / "signal.npy").resolve()
    finally:
        shutil.move(str(moved), tmp_path)


def test_a_different_file_at_the_source_path_is_refused(tmp_path):
    source = _npy_source(tmp_path)
    path = save_project(_edited(source), tmp_path / "p.agproj")
    np.save(source, synthetic_recording(12_000).data)
    with pytest.raises(SourceChangedError, match="different file"):
        open_project(path)
    with pytest.raises(ProjectFileError, match="expects 10000"):
        open_project(path, allow_changed_source=True)


def test_damaged_foreign_and_newer_files_give_one_line_errors(tmp_path):
    bad = tmp_path / "bad.agproj"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ProjectFileError, match="not an anomaly-gui project"):
        open_project(bad)
    with pytest.raises(ProjectFileError, match="does not exist"):
        open_project(tmp_path / "missing.agproj")
    session = make_session()
    path = save_project(session, tmp_path / "ok.agproj")
    doc = read_project_document(path)
    for change, message in [({"format_version": 99}, "newer"), ({"format": "other"}, "not an anomaly-gui"),
                            ({"segments": [{"start_sample": 5, "end_sample": 2}]}, "damaged")]:
        with zipfile.ZipFile(path) as zf:
            scores = zf.read("scores.npy")
        target = tmp_path / "edited.agproj"
        with zipfile.ZipFile(target, "w") as zf:
            zf.writestr("project.json", json.dumps({**doc, **change}))
            zf.writestr("scores.npy", scores)
        with pytest.raises(ProjectFileError, match=message):
            open_project(target)


def test_a_failed_save_keeps_the_previous_project(tmp_path, monkeypatch):
    session = make_session()
    path = save_project(session, tmp_path / "keep.agproj")
    before = path.read_bytes()

    def fail(*args, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ProjectFileError, match="No space left"):
        save_project(session, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.agproj"]


def test_detection_result_with_model_round_trips(tmp_path, ecg_detection, ecg_source):
    rec, result = ecg_detection
    session = Session.from_detection(rec, result, ecg_source)
    path = save_project(session, tmp_path / "ecg.agproj")
    with zipfile.ZipFile(path) as zf:
        assert {"project.json", "scores.npy", "model.pt"} <= set(zf.namelist())
    opened = open_project(path)
    assert state(opened) == state(session)
    assert type(opened.detector).__name__ == "BeatAutoencoderDetector"
    assert opened.training_history == session.training_history and len(opened.training_history) >= 1
    np.testing.assert_allclose(opened.detector.score_samples(rec.data), result.scores, rtol=1e-5, atol=1e-5)
    light = open_project(path, load_model=False)
    assert light.detector is None and light.detector_kind == "BeatAutoencoderDetector"
    assert light.training_history == session.training_history


def test_import_choices_are_saved_and_the_source_is_read_with_them(tmp_path, shared_data):
    from anomaly_gui.io import read_recording

    source = shared_data / "formats" / "bdf" / "test_generator.bdf"
    options = {"channels": ["ramp 7Hz", "sine 5Hz"], "resample_to_hz": 500.0, "units": "ramp 7Hz=V"}
    rec = read_recording(source, **options)
    session = Session(rec.fs_hz, rec.n_samples, recording=rec, source_path=source, read_options=options)
    path = save_project(session, tmp_path / "mixed.agproj")
    assert read_project_document(path)["source"]["read_options"] == options
    opened = open_project(path)
    assert opened.read_options == options
    assert opened.recording.channel_names == ["ramp 7Hz", "sine 5Hz"] and opened.recording.fs_hz == 500.0
    assert [c.unit for c in opened.recording.channels] == ["V", "uV"]
    np.testing.assert_array_equal(opened.recording.data, rec.data)
