"""The export command line and the helpers detect calls (--session-out, --report)."""

import csv
import json
import shutil

import numpy as np
import pytest

from anomaly_gui.session.cli_commands import export_main, write_report, write_session
from anomaly_gui.session.commands import CommandStack, SetLabel, SetNote, SetStatus
from anomaly_gui.session.project import open_project, save_project


@pytest.fixture(scope="module")
def reviewed_project(ecg_detection, ecg_source, tmp_path_factory):
    rec, result = ecg_detection
    folder = tmp_path_factory.mktemp("cli")
    path = write_session(folder / "r119", rec, result, ecg_source)
    session = open_project(path, load_model=False)
    stack = CommandStack(session)
    ids = [s.id for s in session.segment_list]
    stack.push(SetStatus(ids[:3], "accepted"))
    stack.push(SetLabel(ids[:2], "PVC"))
    stack.push(SetNote(ids[0], "first PVC, note with, comma"))
    stack.push(SetStatus(ids[3:5], "rejected"))
    save_project(session, path)
    return path, session


def test_write_session_saves_what_detection_found(ecg_detection, ecg_source, tmp_path):
    rec, result = ecg_detection
    path = write_session(tmp_path / "d.agproj", rec, result, ecg_source, None, "MLII,V1")
    opened = open_project(path)
    assert [(s.start_sample, s.end_sample) for s in opened.segment_list] == \
        [(s.start_sample, s.end_sample) for s in result.segments]
    assert opened.channel_spec == "MLII,V1" and opened.threshold == pytest.approx(result.threshold)
    np.testing.assert_array_equal(opened.scores, result.scores)


def test_write_report_of_a_fresh_detection(ecg_detection, tmp_path):
    rec, result = ecg_detection
    html = write_report(tmp_path / "r.html", rec, result, max_thumbnails=3).read_text()
    assert "training and validation loss" in html and "BeatAutoencoderDetector" in html
    assert "Highest-scoring flagged segments (not yet reviewed) — 3 of" in html
    assert html.count("data:image/png;base64,") == 1 + 3
    with pytest.raises(Exception, match="use .html or .pdf"):
        write_report(tmp_path / "r.txt", rec, result)


@pytest.mark.parametrize("fmt", ["csv", "json", "wfdb", "edf", "crops", "png", "svg", "html", "pdf"])
def test_export_every_format(reviewed_project, tmp_path, fmt, capsys):
    path, session = reviewed_project
    out = tmp_path / ("crops" if fmt == "crops" else f"out.{fmt if fmt != 'wfdb' else 'anom'}")
    argv = [str(path), "--format", fmt, "--out", str(out), "--status", "accepted", "--t0", "0", "--t1", "10"]
    assert export_main(argv) == 0
    assert "Exported 3 segment(s)" in capsys.readouterr().out
    if fmt == "csv":
        rows = [r for r in csv.reader(l for l in out.read_text().splitlines() if not l.startswith("#"))]
        assert rows[0][-3:] == ["status", "label", "note"] and len(rows) == 4
        assert rows[1][-3:] == ["accepted", "PVC", "first PVC, note with, comma"]
    elif fmt == "json":
        doc = json.loads(out.read_text())
        assert [s["status"] for s in doc["segments"]] == ["accepted"] * 3
    elif fmt == "wfdb":
        import wfdb

        ann = wfdb.rdann(str(tmp_path / "out"), "anom")
        assert ann.symbol == ["V", "V", '"'] and ann.fs == 360
    elif fmt == "crops":
        assert len(list(out.glob("segment_*.csv"))) == 3 and (out / "index.csv").is_file()
    else:
        assert out.stat().st_size > 1000


def test_edf_export_with_the_file_annotations(reviewed_project, tmp_path):
    import pyedflib

    path, session = reviewed_project
    out = tmp_path / "all.edf"
    assert export_main([str(path), "--format", "edf", "--out", str(out), "--file-annotations"]) == 0
    reader = pyedflib.EdfReader(str(out))
    try:
        onsets, _, texts = reader.readAnnotations()
    finally:
        reader.close()
    beats = session.recording.annotations
    assert len(texts) == len(session) + len(beats)
    assert sorted(t for t in texts if "(" not in t) == sorted(beats.labels)


def test_export_errors_are_one_line(reviewed_project, tmp_path, capsys):
    path, session = reviewed_project
    moved = tmp_path / "moved.agproj"
    shutil.copy(path, moved)
    source = session.source_path
    hidden = source.with_name("hidden.hea")
    source.rename(hidden)
    try:
        assert export_main([str(moved), "--format", "edf", "--out", str(tmp_path / "x.edf")]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "--source" in err and "r119.hea" in err
        assert export_main([str(moved), "--format", "csv", "--out", str(tmp_path / "x.csv")]) == 0  # no samples needed
    finally:
        hidden.rename(source)
    assert export_main([str(tmp_path / "none.agproj"), "--format", "csv", "--out", str(tmp_path / "y.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        export_main([str(path), "--format", "docx", "--out", "x"])
