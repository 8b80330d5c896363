"""Reports (self-contained HTML, PDF) and overview images (PNG, SVG, PDF)."""

import base64
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np
import pytest

from anomaly_gui.io.export import ExportError
from anomaly_gui.report import write_report
from anomaly_gui.report.data import ReportData, report_from_session
from anomaly_gui.report.overview import render_overview_png
from anomaly_gui.session.session import Session

HISTORY = [{"epoch": e, "n_epochs": 3, "train_loss": 1.0 / e, "val_loss": 1.2 / e, "elapsed_s": e * 0.5}
           for e in (1, 2, 3)]


def _session(ecg_recording, reviewed_segments, note=None):
    segs = list(reviewed_segments)
    if note is not None:
        segs[0] = replace(segs[0], note=note)
    scores = np.zeros(ecg_recording.n_samples, np.float32)
    for s in segs:
        scores[s.start_sample : s.end_sample] = s.score
    session = Session(ecg_recording.fs_hz, ecg_recording.n_samples, recording=ecg_recording,
                      source_path="/data/mitdb/119.hea", detection={"model": "ae", "windowing": "beats", "epochs": 3},
                      threshold=4.0, scores=scores, segments=segs, training_description="whole recording")
    session.saved_history = HISTORY
    session.saved_detector_kind = "BeatAutoencoderDetector"
    return session


def test_html_report_is_self_contained_and_escaped(tmp_path, ecg_recording, reviewed_segments):
    session = _session(ecg_recording, reviewed_segments, note="<script>alert(1)</script> & more")
    data = report_from_session(session)
    text = write_report(tmp_path / "r.html", data).read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in text
    assert not re.search(r'(src|href)="(?!data:)', text), "the report refers to an outside file"
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    n_accepted = sum(s.status == "accepted" for s in reviewed_segments)
    assert len(images) == 1 + n_accepted  # the training curve and one thumbnail per accepted segment
    assert all(base64.b64decode(b)[:8] == b"\x89PNG\r\n\x1a\n" for b in images)
    assert text.count("<tr><td class=num>") == len(reviewed_segments)
    assert "BeatAutoencoderDetector" in text and "7 accepted, 6 rejected, 6 pending" in text
    assert "Ärzte: check\nagain µV" in text


def test_pdf_report_pages(tmp_path, ecg_recording, reviewed_segments):
    data = report_from_session(_session(ecg_recording, reviewed_segments))
    raw = write_report(tmp_path / "r.pdf", data).read_bytes()
    assert raw.startswith(b"%PDF-") and raw.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type /Page\b(?!s)", raw))
    assert pages == 1 + 1 + 2  # summary, one table page (19 rows), 7 thumbnails at 6 a page


def test_report_without_recording_or_history(tmp_path, reviewed_segments):
    data = ReportData(title="t", source="x", fs_hz=360.0, n_samples=21600, channels=[("MLII", "mV")],
                      start_time=None, settings={}, threshold=None, training="", model={}, history=[],
                      segments=list(reviewed_segments))
    text = write_report(tmp_path / "plain.html", data).read_text(encoding="utf-8")
    assert "base64" not in text and "No model information" in text
    assert write_report(tmp_path / "plain.pdf", data).read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ExportError, match="use .html or .pdf"):
        write_report(tmp_path / "r.docx", data)


def test_unreviewed_results_show_the_highest_scores(reviewed_segments):
    segs = [replace(s, status="pending") for s in reviewed_segments]
    data = ReportData(title="t", source="x", fs_hz=360.0, n_samples=21600, channels=[], start_time=None,
                      settings={}, threshold=None, training="", model={}, history=[], segments=segs, max_thumbnails=4)
    heading, chosen = data.thumbnail_segments()
    assert "not yet reviewed" in heading and "4 of 19" in heading
    assert [i for i, _ in chosen] == [15, 16, 17, 18]  # scores grow with the index


def test_overview_images(tmp_path, ecg_recording, reviewed_segments):
    session = _session(ecg_recording, reviewed_segments)
    png = render_overview_png(session, tmp_path / "o.png", 0, 20)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = render_overview_png(session, tmp_path / "o.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert render_overview_png(session, tmp_path / "o.pdf", 5, 6).read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ExportError):
        render_overview_png(session, tmp_path / "o.bmp")
    with pytest.raises(Exception, match="empty"):
        render_overview_png(session, tmp_path / "e.png", 30, 10)


def test_a_threshold_moved_during_review_is_reported_as_such(tmp_path, ecg_recording):
    from anomaly_gui.detect.config import DetectionConfig
    from anomaly_gui.detect.pipeline import run_detection
    from anomaly_gui.session.commands import CommandStack, rethreshold

    result = run_detection(ecg_recording, DetectionConfig(epochs=1))
    session = Session.from_detection(ecg_recording, result)
    fresh = write_report(tmp_path / "fresh.html", report_from_session(session)).read_text(encoding="utf-8")
    assert f"{result.threshold:.6g}" in fresh and "set during review" not in fresh
    CommandStack(session).push(rethreshold(session, result.threshold * 1.5))
    moved = write_report(tmp_path / "moved.html", report_from_session(session)).read_text(encoding="utf-8")
    assert (f"{result.threshold * 1.5:.6g} (set during review; the detection&#x27;s rule &#x27;auto&#x27; "
            f"gave {result.threshold:.6g})") in moved


def test_ecg_report_gives_the_heart_rate_of_the_lead(tmp_path, ecg_recording, reviewed_segments):
    data = report_from_session(_session(ecg_recording, reviewed_segments))
    ann = ecg_recording.annotations
    beats = ann.onset_samples[np.isin(np.array(ann.labels), ["N", "V"])]
    annotated = np.median(60.0 * ecg_recording.fs_hz / np.diff(beats))
    [(label, text)] = data.signal
    assert label == "Heart rate (MLII)"
    median = float(re.match(r"median (\d+) bpm", text).group(1))
    assert abs(median - annotated) <= 1.0
    html_text = write_report(tmp_path / "r.html", data).read_text(encoding="utf-8")
    assert "<h2>Signal</h2>" in html_text and "Heart rate (MLII)" in html_text
    assert "kurtosis" not in html_text  # beats are not vibration


def test_vibration_report_gives_rms_and_kurtosis_of_the_recording_and_of_each_segment(tmp_path, shared_data):
    from anomaly_gui.io import read_recording
    from anomaly_gui.segments import Segment

    rec = read_recording(shared_data / "cwru" / "12k_DE" / "OR007@6_0.mat", fs_hz=12000, channels="DE")
    segment = Segment(24000, 36000, 9.0, ("X130_DE_time",), "accepted", "bearing fault", "", id=0)
    session = Session(rec.fs_hz, rec.n_samples, recording=rec, source_path="OR007@6_0.mat", detection={"model": "ae"},
                      threshold=1.0, scores=np.zeros(rec.n_samples, np.float32), segments=[segment],
                      training_description="reference Normal_0.mat")
    data = report_from_session(session)
    [(label, text)] = data.signal
    assert label == "X130_DE_time" and "kurtosis 7.65" in text  # as CWRU's own figures give it
    html_text = write_report(tmp_path / "r.html", data).read_text(encoding="utf-8")
    assert "X130_DE_time: RMS 0.6" in html_text and html_text.count("kurtosis") == 2
    assert write_report(tmp_path / "r.pdf", data).read_bytes()[:5] == b"%PDF-"
