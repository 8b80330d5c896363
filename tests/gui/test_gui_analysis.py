"""The Analysis dock: spectra of a selection against normal data, and trends, on CWRU bearings."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from anomaly_gui.analysis import SpectrumRequest, compare_spectra
from anomaly_gui.io import read_recording

BPFO_HZ = 3.5848 * 1796 / 60  # SKF 6205 outer-race defect frequency at 0 hp


@pytest.fixture(scope="module")
def bearing_wavs(shared_data, tmp_path_factory):
    """Drive-end channels as WAV files (which state their rate): an outer-race fault at 12 kHz
    and the healthy run at 48 kHz."""
    from scipy.io import wavfile

    out = tmp_path_factory.mktemp("bearing")
    paths = []
    for folder, name, fs in (("12k_DE", "OR007@6_0", 12000), ("Normal", "Normal_0", 48000)):
        rec = read_recording(shared_data / "cwru" / folder / f"{name}.mat", fs_hz=fs, channels="DE")
        path = out / f"{name.replace('@', '_')}.wav"
        wavfile.write(path, fs, np.asarray(rec.data[:, 0], np.float32))
        paths.append(path)
    return paths


def _finish(qtbot, window, change):
    with qtbot.waitSignal(window.analysis.runner.finished, timeout=20000) as blocker:
        change()
    return blocker.args[0]


def test_envelope_spectrum_of_the_view_against_the_reference_and_trends(drive, window, bearing_wavs, qtbot, messages):
    fault, healthy = bearing_wavs
    recording = drive.open_through_menu(fault)
    panel = window.analysis_panel
    window.analysis_dock.raise_()
    qtbot.waitUntil(window.analysis_dock.isVisible)
    panel.source_combo.setCurrentIndex(panel.source_combo.findData("view"))
    _kind, _channel, result = _finish(qtbot, window, lambda: panel.kind_combo.setCurrentIndex(
        panel.kind_combo.findData("envelope")))
    assert result.request.kind == "envelope" and (result.request.i0, result.request.i1) == (0, recording.n_samples)
    assert panel.band_hz() == (1500.0, 4800.0)
    resolution = recording.fs_hz / result.selection.segment
    assert abs(result.peaks[0][0] - BPFO_HZ) <= resolution
    np.testing.assert_allclose(panel.selection_curve.yData, result.selection.amplitude[1:, 0])
    assert panel.spectrum_plot.plotItem.ctrl.logYCheck.isChecked()  # drawn on a log axis
    # The readout under the pointer gives the frequency and the amplitude (not its logarithm).
    box = panel.spectrum_plot.plotItem.vb
    k = int(np.argmax(result.selection.amplitude[1:, 0]))
    scene_point = box.mapViewToScene(pg.Point(result.selection.freqs_hz[1 + k], -1.0))
    panel._on_spectrum_hover(scene_point)
    assert panel.readout.text() == f"{result.selection.freqs_hz[1 + k]:.4g} Hz: {result.selection.amplitude[1 + k, 0]:.4g}"
    # The whole recording is the selection, so nothing unflagged is left to compare with.
    assert result.normal is None and "No normal spectrum" in panel.status.text()
    assert "Peaks: 106.9 Hz" in panel.status.text()

    # A double-click near the largest peak marks it and its harmonics; the second harmonic of
    # BPFO is a peak of the envelope spectrum too.
    class DoubleClick:
        def __init__(self, point):
            self.point = point

        def double(self):
            return True

        def scenePos(self):  # noqa: N802 - pyqtgraph's event API
            return self.point

    peak_hz = result.peaks[0][0]
    panel._on_spectrum_clicked(DoubleClick(box.mapViewToScene(pg.Point(peak_hz + 2 * box.viewPixelSize()[0], -1.0))))
    assert panel.harmonic_box.value() == pytest.approx(peak_hz, abs=0.01)
    lines = [line for line in panel.harmonic_lines if line.isVisible()]
    assert [line.value() for line in lines[:2]] == pytest.approx([peak_hz, 2 * peak_hz], abs=0.01)
    assert any(abs(f - 2 * peak_hz) <= 2 * resolution for f, _a in result.peaks)
    panel.harmonic_box.setValue(0.0)
    assert not any(line.isVisible() for line in panel.harmonic_lines) and panel.harmonic_box.text() == "off"

    # With the healthy run as reference (at 48 kHz), the normal spectrum comes from it, at the
    # selection's resolution.
    kind, _channel, result = _finish(qtbot, window, lambda: window.reference_opener.open(str(healthy)))
    assert result.normal is not None and result.normal_source == f"reference {healthy.name}"
    assert result.normal.freqs_hz[1] == pytest.approx(result.selection.freqs_hz[1])
    fault_peak = result.selection.amplitude[np.abs(result.selection.freqs_hz - BPFO_HZ) <= resolution, 0].max()
    healthy_there = result.normal.amplitude[np.abs(result.normal.freqs_hz - BPFO_HZ) <= resolution, 0].max()
    assert fault_peak > 10 * healthy_there
    assert f"normal: reference {healthy.name}" in panel.legend.text()

    # The spectrogram of the same view: one column per segment, colours over 60 dB.
    kind, _channel, grams = _finish(qtbot, window, lambda: panel.kind_combo.setCurrentIndex(
        panel.kind_combo.findData("spectrogram")))
    assert kind == "spectrogram" and panel.stack.currentWidget() is panel.spectrogram
    assert panel.spectrogram.image.image.shape == grams.power_db.shape
    assert panel.spectrogram.image.levels[1] - panel.spectrogram.image.levels[0] == pytest.approx(60.0)
    gram_box = panel.spectrogram.plotItem.vb
    panel._on_spectrogram_hover(gram_box.mapViewToScene(pg.Point(5.0, 3000.0)))
    assert panel.readout.text().endswith(" dB") and " Hz: " in panel.readout.text()
    assert not panel.harmonic_box.isVisible() and panel.source_combo.isVisible()
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("envelope"))

    # The same computation without the window.
    direct = compare_spectra(recording, SpectrumRequest(0, 0, recording.n_samples, "envelope", (1500.0, 4800.0)),
                             None, window.document.reference)
    np.testing.assert_allclose(direct.selection.amplitude, result.selection.amplitude)

    # Trends of the whole recording; a click on a trend centres the view there.
    kind, channel, trends = _finish(qtbot, window, lambda: panel.kind_combo.setCurrentIndex(
        panel.kind_combo.findData("trends")))
    assert kind == "trends" and channel == 0
    assert panel.stack.currentWidget() is panel.trends
    # Drawn on the page (the dock's clear() on a new recording must not empty the layout).
    assert panel.trends.kurtosis_curve.scene() is panel.trends.scene()
    tx, ty = panel.trends.kurtosis_curve.getData()
    assert len(tx) == len(trends.times_s) >= 50 and np.all(ty > 4)  # impacts throughout
    window.navigator.set_window_width(1.0)
    panel.time_requested.emit(6.0)
    t0, t1 = window.view.x_range()
    assert (t0 + t1) / 2 == pytest.approx(6.0)
    assert messages.warnings == [] and messages.tracebacks == []


def test_current_segment_mode_asks_for_a_segment_then_uses_it(drive, window, bearing_wavs, qtbot):
    fault, _healthy = bearing_wavs
    recording = drive.open_through_menu(fault)
    panel = window.analysis_panel
    window.analysis_dock.raise_()
    qtbot.waitUntil(window.analysis_dock.isVisible)
    assert panel.source() == "view"  # what works at once, before any detection
    panel.source_combo.setCurrentIndex(panel.source_combo.findData("segment"))
    qtbot.waitUntil(lambda: "Select a segment" in panel.status.text(), timeout=5000)
    window.panel.set_threshold_mode("percentile", 99.9)  # few detected segments
    panel.band_lo.setValue(1000.0)
    drive.detect(epochs=1)
    assert panel.band_lo.value() == 1000.0  # a detection on the same recording keeps the choices
    # A segment drawn by the user becomes current; its spectrum is shown against the
    # unflagged rest of the recording.
    fs = recording.fs_hz
    _kind, _channel, result = _finish(qtbot, window, lambda: window.review.create_segment(2.0, 3.0))
    assert (result.request.i0, result.request.i1) == (int(2 * fs), int(3 * fs))
    assert result.normal is not None and "s of unflagged recording" in result.normal_source
    assert "segment 2.000–3.000 s" in panel.legend.text() and "s of unflagged recording" in panel.legend.text()


def test_heart_rate_of_an_ecg_and_none_for_other_signals(drive, window, short_wfdb, short_npy, answer_rate, qtbot,
                                                          monkeypatch):
    recording = drive.open_through_menu(short_wfdb)
    panel = window.analysis_panel
    window.analysis_dock.raise_()
    qtbot.waitUntil(window.analysis_dock.isVisible)
    assert panel.channel_combo.currentText() == "MLII"
    monkeypatch.setattr("anomaly_gui.analysis.HEART_RATE_CHUNK_S", 10.0)  # six stretches, as in a long record
    shown = []
    window.analysis.runner.progress.connect(lambda _f, _m: shown.append(panel.status.text()))
    kind, channel, hr = _finish(qtbot, window, lambda: panel.kind_combo.setCurrentIndex(
        panel.kind_combo.findData("heart_rate")))
    assert any(text.startswith("Detecting heartbeats…") and text.endswith("%") for text in shown)
    assert kind == "heart_rate" and channel == 0
    labels = np.array(recording.annotations.labels)
    assert abs(hr.n_beats - int(np.isin(labels, ["N", "V"]).sum())) <= 2
    assert panel.heart_rate.curve.scene() is panel.heart_rate.scene()
    x, y = panel.heart_rate.curve.xData, panel.heart_rate.curve.yData  # as given, not as drawn
    assert len(x) == hr.n_beats - 1 and 40 < np.median(y) < 120
    assert f"{hr.n_beats} beats; median" in panel.status.text()
    # A recording without ECG leads offers no heart rate: the trends take its place.
    drive.open_through_menu(short_npy)
    assert panel.kind_combo.findData("heart_rate") == -1
    assert panel.kind() == "trends" and panel.stack.currentWidget() is panel.trends


def test_a_series_sampled_every_half_hour_gets_a_band_in_its_own_units(drive, window, shared_data, qtbot):
    recording = drive.open_through_menu(shared_data / "nab" / "data" / "realKnownCause" / "nyc_taxi.csv")
    assert recording.fs_hz == pytest.approx(1 / 1800)  # a value every 30 minutes
    panel = window.analysis_panel
    window.analysis_dock.raise_()
    qtbot.waitUntil(window.analysis_dock.isVisible)
    panel.source_combo.setCurrentIndex(panel.source_combo.findData("view"))
    window.view.show_all()
    _kind, _channel, result = _finish(qtbot, window, lambda: panel.kind_combo.setCurrentIndex(
        panel.kind_combo.findData("envelope")))
    lo, hi = panel.band_hz()
    assert lo == pytest.approx(recording.fs_hz / 8, rel=1e-3) and hi == pytest.approx(0.4 * recording.fs_hz, rel=1e-3)
    # The daily cycle of taxi demand is the strongest line of the plain spectrum.
    _kind, _channel, result = _finish(qtbot, window, lambda: panel.kind_combo.setCurrentIndex(
        panel.kind_combo.findData("spectrum")))
    assert result.peaks[0][0] == pytest.approx(1 / 86400, rel=0.05)


def test_what_the_data_does_not_allow_is_said_in_the_dock(drive, window, bearing_wavs, qtbot, messages):
    fault, _healthy = bearing_wavs
    drive.open_through_menu(fault)
    panel = window.analysis_panel
    window.analysis_dock.raise_()
    qtbot.waitUntil(window.analysis_dock.isVisible)
    panel.source_combo.setCurrentIndex(panel.source_combo.findData("view"))
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("envelope"))
    with qtbot.waitSignal(window.analysis.runner.failed, timeout=20000):
        panel.band_lo.setValue(5000.0)  # above the band's upper edge
        panel.band_lo.editingFinished.emit()
    assert "Cannot compute: The envelope band 5000–4800 Hz" in panel.status.text()
    assert messages.warnings == [] and messages.tracebacks == []  # no dialog for it


def test_export_saves_the_shown_spectrum_as_csv_and_the_plot_as_png(drive, window, bearing_wavs, qtbot,
                                                                    monkeypatch, tmp_path, messages):
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QFileDialog

    fault, healthy = bearing_wavs
    drive.open_through_menu(fault)
    panel = window.analysis_panel
    window.analysis_dock.raise_()
    qtbot.waitUntil(window.analysis_dock.isVisible)
    assert not panel.export_button.isEnabled()  # nothing computed yet
    _finish(qtbot, window, lambda: window.reference_opener.open(str(healthy)))
    _kind, _channel, result = _finish(qtbot, window, lambda: panel.kind_combo.setCurrentIndex(
        panel.kind_combo.findData("envelope")))
    qtbot.waitUntil(panel.export_button.isEnabled)
    table, picture = tmp_path / "envelope.csv", tmp_path / "envelope.png"
    for path in (table, picture):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, p=path, **k: (str(p), ""))
        drive.click(panel.export_button)
    lines = table.read_text().splitlines()
    assert "# kind: envelope" in lines and any(line.startswith("# normal: reference") for line in lines)
    body = [line for line in lines if not line.startswith("#")]
    assert body[0] == "freq_hz,ch0_selection,ch0_normal"
    values = np.loadtxt(body[1:], delimiter=",")
    np.testing.assert_allclose(values[:, 1], result.selection.amplitude[:, 0], rtol=1e-6)
    image = QImage(str(picture))
    assert not image.isNull() and image.width() == panel.stack.currentWidget().width()
    assert messages.warnings == [] and messages.tracebacks == []
