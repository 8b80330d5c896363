"""EDF+ export read back with pyedflib: signals to quantisation, annotations, capacity, rates."""

import datetime as dt

import numpy as np
import pyedflib
import pytest

from anomaly_gui.io.export import ExportError
from anomaly_gui.io.export_edf import edf_number, write_edf
from anomaly_gui.recording import Channel, Recording
from anomaly_gui.segments import Segment


def _read(path):
    reader = pyedflib.EdfReader(str(path))
    try:
        signals = [reader.readSignal(i) for i in range(reader.signals_in_file)]
        return reader.getSignalHeaders(), signals, reader.readAnnotations(), reader.getStartdatetime()
    finally:
        reader.close()


def test_signals_and_segment_annotations_read_back(tmp_path, ecg_recording, reviewed_segments):
    rec = ecg_recording
    info = write_edf(tmp_path / "r.edf", rec, reviewed_segments)
    headers, signals, (onsets, durations, texts), start = _read(info.path)
    assert [h["label"] for h in headers] == ["MLII", "V1"]
    assert [h["dimension"] for h in headers] == ["mV", "mV"]
    assert all(h["sample_frequency"] == 360.0 for h in headers)
    assert start == dt.datetime(2000, 1, 1)  # the source states none: EDF still needs one
    for c, (sig, (lo, hi)) in enumerate(zip(signals, info.physical_ranges)):
        step = (hi - lo) / 65535
        assert len(sig) == info.padded_samples == rec.n_samples  # 60 s: whole records
        assert np.max(np.abs(sig - rec.data[:, c])) <= step * 1.01
        assert lo <= rec.data[:, c].min() and hi >= rec.data[:, c].max()
    assert len(onsets) == len(reviewed_segments)
    order = np.argsort(onsets, kind="stable")
    for k, seg in zip(order, reviewed_segments):
        assert onsets[k] == pytest.approx(seg.start_sample / 360.0, abs=1e-4)
        assert durations[k] == pytest.approx(seg.n_samples / 360.0, abs=1e-4)
        assert texts[k] == f"{seg.label or 'anomaly'} ({seg.status})"


def test_padding_start_time_and_fractional_rate(tmp_path):
    x = np.stack([np.linspace(-3, 5, 1001), np.full(1001, 2.0)], axis=1).astype(np.float32)
    rec = Recording(x, 250.5, [Channel("a very long channel name", "µV"), Channel("flat")],
                    start_time=dt.datetime(2021, 3, 4, 5, 6, 7))
    info = write_edf(tmp_path / "f.edf", rec, [Segment(10, 20, 1.0, label="x" * 60)])
    headers, signals, (onsets, durations, texts), start = _read(info.path)
    assert info.record_duration_s == 2.0 and headers[0]["sample_frequency"] == pytest.approx(250.5)
    assert headers[0]["label"] == "a very long chan" and headers[0]["dimension"] == "uV"
    assert start == dt.datetime(2021, 3, 4, 5, 6, 7)
    assert len(signals[0]) == info.padded_samples == 1002
    assert signals[0][-1] == pytest.approx(signals[0][1000], abs=1e-3)  # padded with the last value
    np.testing.assert_allclose(signals[1][:1001], 2.0, atol=1e-3)  # a flat channel survives
    assert len(texts[0]) == 40


def test_more_annotations_than_records_are_all_kept(tmp_path):
    rec = Recording(np.random.default_rng(0).standard_normal((3000, 1)).astype(np.float32), 100.0, [Channel("x")])
    segs = [Segment(k, k + 1, 1.0, status="accepted", label=f"e{k}") for k in range(2500)]
    info = write_edf(tmp_path / "many.edf", rec, segs)
    assert info.samples_per_record < 100  # 30 records of 1 s cannot hold 2500 annotations
    _, _, (onsets, _, texts), _ = _read(info.path)
    assert len(onsets) == 2500 and sorted(texts) == sorted(f"e{k} (accepted)" for k in range(2500))
    np.testing.assert_allclose(np.sort(onsets), np.arange(2500) / 100.0, atol=1e-4)


def test_refusals_and_header_numbers(tmp_path):
    x = np.zeros((100, 1), np.float32)
    x[5] = np.nan
    with pytest.raises(ExportError, match="NaN"):
        write_edf(tmp_path / "nan.edf", Recording(x, 10.0, [Channel("x")]))
    assert not (tmp_path / "nan.edf").exists() and list(tmp_path.iterdir()) == []
    assert edf_number(-3.6024156385911965, upward=False) == -3.60242  # the sign counts
    assert edf_number(4.364135623941457, upward=True) == 4.364136
    assert edf_number(123456.789, upward=True) == 123456.8
    with pytest.raises(ExportError):
        edf_number(1e12, upward=True)
