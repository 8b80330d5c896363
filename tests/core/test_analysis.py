"""The Analysis dock's computations without the window: normal stretches, spectrum
comparison, and the heart rate of a whole record."""

import numpy as np
import pytest

from anomaly_gui import analysis
from anomaly_gui.analysis import SpectrumRequest, compare_spectra, heart_rate, normal_stretches, spectrogram
from anomaly_gui.evaluate.metrics import BEAT_SYMBOLS
from anomaly_gui.errors import DataError
from anomaly_gui.io import read_recording
from anomaly_gui.recording import Channel, Recording


def test_normal_stretches_skip_flagged_samples_longest_first_within_the_limit():
    flagged = np.array([[100, 200], [700, 750]])
    np.testing.assert_array_equal(normal_stretches(1000, flagged, 50, 10_000), [[200, 700], [750, 1000], [0, 100]])
    np.testing.assert_array_equal(normal_stretches(1000, flagged, 150, 10_000), [[200, 700], [750, 1000]])
    np.testing.assert_array_equal(normal_stretches(1000, flagged, 50, 600), [[200, 700], [750, 850]])
    assert normal_stretches(1000, np.array([[0, 1000]]), 10, 100).shape == (0, 2)


def test_a_tone_in_the_selection_stands_out_of_the_unflagged_rest():
    fs = 2000.0
    rng = np.random.default_rng(0)
    x = 0.1 * rng.standard_normal(40_000)
    x[10_000:14_000] += np.sin(2 * np.pi * 250 * np.arange(4000) / fs)
    rec = Recording(x[:, None].astype(np.float32), fs, [Channel("acc", "g")])
    result = compare_spectra(rec, SpectrumRequest(0, 10_000, 14_000), flagged=np.array([[30_000, 31_000]]))
    assert result.peaks[0][0] == pytest.approx(250.0, abs=fs / result.selection.segment)
    assert result.normal is not None and result.normal.segment == result.selection.segment == 4000
    assert result.normal_source == "17.50 s of unflagged recording"  # (40000 - 4000 - 1000) / 2000 Hz
    at_tone = np.argmin(np.abs(result.selection.freqs_hz - 250))
    assert result.selection.amplitude[at_tone, 0] > 20 * result.normal.amplitude[at_tone, 0]


def test_heart_rate_of_a_whole_record_matches_its_annotated_beats(shared_data, monkeypatch):
    rec = read_recording(shared_data / "mitdb" / "119.hea")
    labels = np.array(rec.annotations.labels)
    beats = rec.annotations.onset_samples[np.isin(labels, sorted(BEAT_SYMBOLS))]
    hr = heart_rate(rec, 0)
    assert abs(hr.n_beats - len(beats)) <= 3
    annotated = 60.0 * rec.fs_hz / np.diff(beats)
    assert np.median(hr.bpm) == pytest.approx(np.median(annotated), abs=1.0)
    assert hr.times_s.shape == hr.bpm.shape == (hr.n_beats - 1,)
    # Stretch by stretch, as for a day-long record: the same beats.
    monkeypatch.setattr(analysis, "HEART_RATE_CHUNK_S", 60.0)
    chunked = heart_rate(rec, 0)
    assert abs(chunked.n_beats - hr.n_beats) <= 2
    assert np.median(chunked.bpm) == pytest.approx(np.median(hr.bpm), abs=0.5)


@pytest.mark.parametrize("chunk_s", [None, 30.0])
def test_no_heart_rate_across_a_lead_off_gap(shared_data, monkeypatch, chunk_s):
    if chunk_s is not None:  # the gap spans stretch boundaries
        monkeypatch.setattr(analysis, "HEART_RATE_CHUNK_S", chunk_s)
    rec = read_recording(shared_data / "mitdb" / "100.hea")
    fs = rec.fs_hz
    data = np.array(rec.data[: int(300 * fs)])
    data[int(95 * fs) : int(125 * fs), 0] = np.nan
    hr = heart_rate(Recording(data, fs, rec.channels), 0)
    ok = np.isfinite(hr.bpm)
    assert (~ok).sum() == 1  # the one interval across the 30 s gap
    gap_end = hr.times_s[~ok][0]
    assert 125.0 <= gap_end < 127.0
    assert 60 < np.median(hr.bpm[ok]) < 90 and hr.bpm[ok].min() > 40


def test_the_spectrogram_follows_a_tone_that_changes_its_frequency():
    fs = 2000.0
    t = np.arange(int(20 * fs)) / fs
    x = np.where(t < 10, np.sin(2 * np.pi * 100 * t), np.sin(2 * np.pi * 300 * t))
    rec = Recording(x[:, None].astype(np.float32), fs, [Channel("acc", "g")])
    result = spectrogram(rec, SpectrumRequest(0, int(2 * fs), int(18 * fs)))
    assert result.power_db.shape == (len(result.freqs_hz), len(result.times_s)) and len(result.times_s) <= 800
    assert result.times_s[0] > 2.0 and result.times_s[-1] < 18.0  # times from the recording's start
    strongest = result.freqs_hz[np.argmax(result.power_db, axis=0)]
    resolution = fs / result.segment
    early, late = result.times_s < 9.5, result.times_s > 10.5
    assert np.all(np.abs(strongest[early] - 100) <= resolution) and np.all(np.abs(strongest[late] - 300) <= resolution)
    with pytest.raises(DataError, match="at least 64"):
        spectrogram(rec, SpectrumRequest(0, 0, 10))


def test_every_analysis_exports_as_a_table(tmp_path):
    from anomaly_gui.analysis import channel_trends, result_table
    from anomaly_gui.io.export import write_table_csv

    fs = 2000.0
    rng = np.random.default_rng(2)
    rec = Recording(rng.standard_normal((40_000, 1)).astype(np.float32), fs, [Channel("acc", "g")])
    results = {
        "spectrum": compare_spectra(rec, SpectrumRequest(0, 0, 8000)),
        "trends": channel_trends(rec, 0, 2000),
        "spectrogram": spectrogram(rec, SpectrumRequest(0, 0, 8000)),
    }
    for name, result in results.items():
        header, columns, comments = result_table(result, "acc", fs)
        path = tmp_path / f"{name}.csv"
        write_table_csv(path, header, columns, comments)
        lines = path.read_text().splitlines()
        body = [line for line in lines if not line.startswith("#")]
        assert body[0].split(",") == header
        table = np.loadtxt(body[1:], delimiter=",", ndmin=2)
        assert table.shape[1] == len(header)
    spectrum_header = result_table(results["spectrum"], "acc", fs)[0]
    assert spectrum_header == ["freq_hz", "acc_selection", "acc_normal"]  # the same bins, side by side


def test_per_minute_heart_rate_is_the_median_of_each_minute():
    from anomaly_gui.analysis import HeartRate

    times = np.array([10.0, 20.0, 50.0, 70.0, 100.0, 200.0])
    bpm = np.array([60.0, 80.0, 70.0, 100.0, np.nan, 90.0])
    centres, medians = HeartRate(times, bpm, 7).per_minute()
    np.testing.assert_array_equal(centres, [30.0, 90.0, 210.0])  # the minute with no beat is left out
    np.testing.assert_array_equal(medians, [70.0, 100.0, 90.0])
