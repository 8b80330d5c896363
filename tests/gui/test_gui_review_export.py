"""File ▸ Export ▸ every format from the window, each read back with an independent library."""

from __future__ import annotations

import csv
import json

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from anomaly_gui.gui.dialogs import review_prompts


def reviewed_with_notes(window, qtbot) -> None:
    table = window.table.view
    window.table.select_row(0)
    for key in (Qt.Key.Key_1, Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_2):
        qtbot.keyClick(table, key)
    qtbot.keyClick(table, Qt.Key.Key_E)
    qtbot.keyClicks(window.review.note_editor.editor, "looks like noise")
    qtbot.keyClick(window.review.note_editor.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def export(window, qtbot, monkeypatch, action, path, timeout_ms: int = 60000) -> str:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(window.exporter.export_written, timeout=timeout_ms) as written:
        action.trigger()
    return written.args[0]


def test_every_export_through_the_menu(reviewed, qtbot, monkeypatch, tmp_path, messages):
    import pyedflib
    import wfdb

    w = reviewed
    reviewed_with_notes(w, qtbot)
    session = w.document.session
    segs = session.segment_list
    fs = session.fs_hz
    first, second, third = segs[0], segs[1], segs[2]
    assert (first.status, first.label) == ("accepted", "PVC")
    assert (second.status, third.label, third.note) == ("rejected", "APB", "looks like noise")

    # segments as CSV and JSON, with the review
    for name in ("segments.csv", "segments.json"):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, p=tmp_path / name, **k: (str(p), ""))
        w.export_action.trigger()
    rows = list(csv.DictReader(line for line in (tmp_path / "segments.csv").read_text().splitlines()
                               if not line.startswith("#")))
    assert len(rows) == len(segs)
    assert [(r["status"], r["label"], r["note"]) for r in rows[:3]] == [
        ("accepted", "PVC", ""), ("rejected", "", ""), ("pending", "APB", "looks like noise")]
    doc = json.loads((tmp_path / "segments.json").read_text())
    assert [s["start_sample"] for s in doc["segments"]] == [s.start_sample for s in segs]
    assert doc["segments"][2]["note"] == "looks like noise" and doc["threshold"] == session.threshold

    # EDF+ with the segments and the file's beat labels as annotations (written in the worker)
    out = export(w, qtbot, monkeypatch, w.exporter.edf_action, tmp_path / "review.edf")
    with pyedflib.EdfReader(out) as edf:
        onsets, durations, texts = edf.readAnnotations()
        assert edf.getSignalLabels() == w.document.recording.channel_names
    assert "PVC (accepted)" in texts and "APB (pending)" in texts
    k = list(texts).index("PVC (accepted)")
    assert abs(onsets[k] - first.start_sample / fs) < 1e-3 and abs(durations[k] - first.n_samples / fs) < 1e-3
    assert list(texts).count("V") == sum(1 for label in w.document.recording.annotations.labels if label == "V")

    # WFDB annotations beside the record
    out = export(w, qtbot, monkeypatch, w.exporter.wfdb_action, tmp_path / "rec119.anom")
    ann = wfdb.rdann(str(tmp_path / "rec119"), "anom")
    assert len(ann.sample) == len(segs)
    assert ann.aux_note[0].startswith("PVC (accepted)") and "looks like noise" in ann.aux_note[2]

    # cropped segments: format and context asked, folder chosen
    monkeypatch.setattr(review_prompts, "ask_crop_options", lambda parent: ("npy", 0.5))
    monkeypatch.setattr(review_prompts, "ask_directory", lambda parent, title, start: str(tmp_path))
    with qtbot.waitSignal(w.exporter.export_written, timeout=60000) as written:
        w.exporter.crops_action.trigger()
    index = list(csv.DictReader(open(written.args[0])))
    assert len(index) == len(segs) and index[0]["status"] == "accepted"
    crop = np.load(tmp_path / "119_60s_crops" / index[0]["file"])
    i0, i1 = int(index[0]["crop_start_sample"]), int(index[0]["crop_end_sample"])
    assert (i0, i1) == (max(0, first.start_sample - 180), first.end_sample + 180)  # 0.5 s at 360 Hz
    assert crop.shape == (i1 - i0, 2)
    np.testing.assert_array_equal(crop, w.document.recording.data[i0:i1])

    # the view as PNG and SVG
    out = export(w, qtbot, monkeypatch, w.exporter.png_action, tmp_path / "view.png")
    image = QImage(out)
    assert not image.isNull() and image.width() > 400
    out = export(w, qtbot, monkeypatch, w.exporter.svg_action, tmp_path / "view.svg")
    assert "<svg" in open(out).read(4000)

    # reports (worker): PDF and HTML with the segment table
    out = export(w, qtbot, monkeypatch, w.exporter.pdf_action, tmp_path / "report.pdf", 120000)
    assert open(out, "rb").read(5) == b"%PDF-"
    out = export(w, qtbot, monkeypatch, w.exporter.html_action, tmp_path / "report.html", 120000)
    html = open(out, encoding="utf-8").read()
    assert "<table" in html and "looks like noise" in html and "PVC" in html
    assert messages.warnings == [] and messages.tracebacks == []
    assert "Exported to" in w.statusBar().currentMessage()
