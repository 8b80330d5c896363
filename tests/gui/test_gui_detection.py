"""Detection in the window: what is drawn and listed equals what the core found."""

from __future__ import annotations

import csv
import json

import numpy as np
from PySide6.QtCore import Qt

from anomaly_gui.detect.pipeline import TrainingSource, run_detection


def _expected_intervals_s(segments) -> np.ndarray:
    return segments.bounds().astype(np.float64) / segments.fs_hz


def _use_percentile(window, value: float = 90.0) -> None:
    # A fixed percentile flags segments even after only 2 epochs on 60 s.
    window.panel.set_threshold_mode("percentile", value)


def test_detect_draws_and_lists_the_core_segments(drive, window, short_wfdb, messages, curve_shows):
    recording = drive.open_through_menu(short_wfdb)
    _use_percentile(window)
    result = drive.detect(epochs=2)
    assert result is window.document.result
    assert result.config.epochs == 2 and result.config.threshold == "p90"
    segments = result.segments
    assert len(segments) > 0
    expected = _expected_intervals_s(segments)
    # Shaded on every channel plot and on the score track.
    assert len(window.view.overlays) == recording.n_channels + 1
    for overlay in window.view.overlays:
        np.testing.assert_allclose(overlay.intervals_s, expected)
    # One table row per segment, times in seconds.
    model = window.table.model
    assert window.table.row_count() == len(segments)
    for row, seg in enumerate(segments):
        assert float(model.index(row, 1).data(Qt.ItemDataRole.UserRole)) == seg.start_sample / recording.fs_hz
        assert float(model.index(row, 2).data(Qt.ItemDataRole.UserRole)) == seg.end_sample / recording.fs_hz
    # One score per sample, drawn from the visible range at the pixel width; the threshold
    # line at the result's threshold.
    i0, i1 = window.view.visible_samples()
    curve_shows(window.view.scores.track.curve, result.scores, i0, i1, recording.fs_hz,
                window.view.pixel_width())
    assert window.view.scores.track.threshold == result.threshold
    assert window.export_action.isEnabled()
    assert "Epoch" in window.panel.loss_plot.getPlotItem().getAxis("bottom").labelText
    assert len(window.panel.loss_plot.epochs) == 2
    assert messages.warnings == [] and messages.tracebacks == []

    # The worker check: a synchronous run with the same settings finds the same segments.
    direct = run_detection(recording, result.config, TrainingSource())
    np.testing.assert_array_equal(direct.segments.bounds(), segments.bounds())
    np.testing.assert_allclose(direct.scores, result.scores, rtol=1e-5, atol=1e-7)


def test_dragging_the_threshold_resegments(drive, window, short_npy, answer_rate, qtbot):
    recording = drive.open_through_menu(short_npy)
    _use_percentile(window)
    result = drive.detect(epochs=2)
    line = window.view.scores.track.threshold_line
    new_threshold = float(np.percentile(result.scores, 80))
    assert new_threshold < result.threshold
    line.setValue(new_threshold)
    line.sigPositionChangeFinished.emit(line)
    expected = result.resegment(new_threshold, recording.channel_names)
    assert not np.array_equal(expected.bounds(), result.segments.bounds())
    assert window.table.row_count() == len(expected)
    np.testing.assert_allclose(window.view.overlays[0].intervals_s, _expected_intervals_s(expected))
    assert window.document.threshold == new_threshold
    assert f"{new_threshold:.4g}" in window.table.summary.text()
    assert window.panel.progress_bar.format() == f"Done · {len(expected)} segment(s)"
    assert f"{len(expected)} segment(s) at threshold" in window.threshold_panel.count_label.text()
    # another recording: the threshold dock has nothing to show until the next detection
    drive.open_through_menu(short_npy)
    assert not window.threshold_panel.isEnabled()
    assert window.threshold_panel.count_label.text().startswith("No scores yet")
    assert window.threshold_panel.histogram.isHidden()


def test_clicking_a_row_zooms_to_the_segment_and_highlights_it(drive, window, short_wfdb, qtbot):
    drive.open_through_menu(short_wfdb)
    _use_percentile(window, 85.0)
    result = drive.detect(epochs=2)
    table = window.table
    table.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # longest first
    rect = table.view.visualRect(table.proxy.index(0, 1))
    with qtbot.waitSignal(table.segment_selected, timeout=2000) as blocker:
        qtbot.mouseClick(table.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    index = blocker.args[0]
    seg = result.segments[index]
    longest = max(s.n_samples for s in result.segments)
    assert seg.n_samples == longest
    fs = result.segments.fs_hz
    t0, t1 = window.view.x_range()
    assert t0 <= seg.start_sample / fs and t1 >= seg.end_sample / fs
    assert t1 - t0 >= 1.0 - 1e-9
    assert all(overlay.highlight == index for overlay in window.view.overlays)


def test_export_writes_the_shown_segments(drive, window, short_wfdb, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    drive.open_through_menu(short_wfdb)
    _use_percentile(window)
    result = drive.detect(epochs=2)
    csv_path, json_path = tmp_path / "segments.csv", tmp_path / "segments.json"
    for path in (csv_path, json_path):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, p=path, **k: (str(p), ""))
        window.export_action.trigger()
    doc = json.loads(json_path.read_text())
    assert len(doc["segments"]) == len(result.segments)
    assert doc["model_settings"]["epochs"] == 2
    assert doc["model_settings"]["training"] == "whole recording"
    rows = [r for r in csv.reader(line for line in csv_path.read_text().splitlines()
                                  if not line.startswith("#"))]
    assert len(rows) == len(result.segments) + 1


def test_a_baseline_detector_chosen_in_the_panel_runs_like_in_the_core(drive, window, short_wfdb, messages):
    recording = drive.open_through_menu(short_wfdb)
    combo = window.panel.model_combo
    combo.setCurrentIndex(combo.findData("iforest"))
    _use_percentile(window, 99.0)
    result = drive.detect(epochs=1)
    assert result.config.model == "iforest"
    assert window.table.row_count() == len(result.segments) > 0
    direct = run_detection(recording, result.config, TrainingSource())
    np.testing.assert_array_equal(direct.segments.bounds(), result.segments.bounds())
    assert messages.warnings == [] and messages.tracebacks == []
