"""Segment tables (CSV, JSON) with the review fields, read back with pandas and json."""

import json

import pandas as pd
import pytest

from anomaly_gui.io.export import (
    CSV_COLUMNS,
    ExportError,
    filter_segments,
    segment_text,
    segments_document,
    write_segments,
)

SETTINGS = {"model": "ae", "window": 256, "training": "whole recording"}


def test_csv_keeps_review_fields_through_quoting(tmp_path, ecg_recording, reviewed_segments):
    path = tmp_path / "s.csv"
    write_segments(path, reviewed_segments, ecg_recording, SETTINGS, 4.5)
    header = [l for l in path.read_text(encoding="utf-8").splitlines() if l.startswith("#")]
    assert header[0].startswith("# source_file:") and "# fs: 360.0" in header
    table = pd.read_csv(path, comment="#", keep_default_na=False)
    assert tuple(table.columns) == CSV_COLUMNS
    assert len(table) == len(reviewed_segments)
    for row, seg in zip(table.itertuples(), reviewed_segments):
        assert (row.start_sample, row.end_sample, row.status, row.label, row.note) == \
            (seg.start_sample, seg.end_sample, seg.status, seg.label, seg.note)
        assert row.start_s == pytest.approx(seg.start_sample / 360.0, abs=1e-6)
        assert row.channels == "MLII;V1"


def test_json_document_schema(tmp_path, ecg_recording, reviewed_segments):
    path = tmp_path / "s.json"
    write_segments(path, reviewed_segments, ecg_recording, SETTINGS, 4.5)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc == json.loads(json.dumps(segments_document(reviewed_segments, ecg_recording, SETTINGS, 4.5)))
    assert {"format", "format_version", "app_version", "source_file", "fs", "n_samples", "channels",
            "start_time", "threshold", "model_settings", "segments"} == set(doc)
    assert doc["format"] == "anomaly-gui-segments" and doc["format_version"] == 1
    first = doc["segments"][2]
    assert set(first) == {"start_s", "end_s", "duration_s", "start_sample", "end_sample", "score", "channels",
                          "status", "label", "note"}
    assert first["note"] == "Ärzte: check\nagain µV" and first["status"] == "pending"


def test_status_filter_and_annotation_text(reviewed_segments):
    counts = {st: len(filter_segments(reviewed_segments, st)) for st in ("all", "accepted", "rejected", "pending")}
    assert counts == {"all": 19, "accepted": 7, "rejected": 6, "pending": 6}
    assert filter_segments(reviewed_segments, "all") is reviewed_segments
    with pytest.raises(ExportError):
        filter_segments(reviewed_segments, "maybe")
    assert segment_text(reviewed_segments[0]) == "PVC (accepted)"
    assert segment_text(reviewed_segments[2]) == "anomaly (pending)"


def test_unknown_suffix_is_refused(tmp_path, ecg_recording, reviewed_segments):
    with pytest.raises(ExportError, match="use .csv or .json"):
        write_segments(tmp_path / "s.xlsx", reviewed_segments, ecg_recording, SETTINGS, 1.0)
