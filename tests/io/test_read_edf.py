"""EDF/EDF+/BDF+: the real sample files against pyedflib, and generated files for the rules."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyedflib
import pytest

from anomaly_gui.errors import ChannelSelectionError, ReadError
from anomaly_gui.io import detect_format, list_channels, read_annotations, read_recording
from anomaly_gui.io import _common

from edf_files import EdfSpec, Signal, ramp_signal, write_edf

EDF = "formats/edf"
BDF = "formats/bdf/test_generator.bdf"


@pytest.mark.parametrize("name", ["test_subsecond.edf", "test_utf8.edf"])
def test_edf_plus_files_match_pyedflib(shared_data, name):
    path = shared_data / EDF / name
    assert detect_format(path) == "edf"
    rec = read_recording(path)
    reference = pyedflib.EdfReader(str(path))
    try:
        expected = reference.readSignal(0)
        onsets, _, texts = reference.readAnnotations()
    finally:
        reference.close()
    assert rec.channel_names == ["Fp1"] and rec.channels[0].unit == "uV"
    assert rec.fs_hz == 128.0 and rec.data.shape == (128 * 698, 1) and rec.data.dtype == np.float32
    np.testing.assert_allclose(rec.data[:, 0], expected, rtol=1e-6, atol=1e-4)
    assert rec.meta["edf_type"] == "EDF+C"
    assert list(rec.annotations.labels) == list(texts)
    np.testing.assert_array_equal(rec.annotations.onset_samples, np.round(onsets * 128).astype(np.int64))
    # The first record starts 0.3945312 s after the header's second: the sub-second start.
    assert rec.start_time == dt.datetime(2020, 1, 24, 4, 5, 56, 394531)


def test_subsecond_has_four_annotations_and_utf8_its_chinese_text(shared_data):
    assert len(read_recording(shared_data / EDF / "test_subsecond.edf").annotations) == 4
    labels = read_recording(shared_data / EDF / "test_utf8.edf").annotations.labels
    assert "中文测试八个字" in labels and len(labels) == 5


def test_annotation_only_file(shared_data):
    path = shared_data / EDF / "test_edfann.edf"
    with pytest.raises(ReadError, match="test_edfann.edf.*no signals, only annotations"):
        read_recording(path)
    ann = read_annotations(path)
    reference = pyedflib.EdfReader(str(path))
    try:
        onsets, durations, texts = reference.readAnnotations()
    finally:
        reference.close()
    assert len(ann) == 856 == len(texts)
    assert list(ann.labels) == list(texts)
    # No signals: onsets in milliseconds unless the caller names a rate.
    np.testing.assert_array_equal(ann.onset_samples, np.round(onsets * 1000))
    np.testing.assert_array_equal(ann.duration_samples, np.round(durations * 1000))
    at_100 = read_annotations(path, fs_hz=100.0)
    np.testing.assert_array_equal(at_100.onset_samples, np.round(onsets * 100))


def test_bdf_with_five_rates_opens_the_largest_group_and_lists_the_rest(shared_data):
    path = shared_data / BDF
    rec = read_recording(path)
    rates = {"sine 5Hz": 1000.0, "square 13Hz": 800.0, "ramp 7Hz": 500.0, "pink noise": 975.0, "white noise": 999.0}
    assert rec.meta["channel_rates"] == rates
    # Every group has one channel: the tie goes to the highest rate.
    assert rec.channel_names == ["sine 5Hz"] and rec.fs_hz == 1000.0
    assert set(rec.meta["skipped_channels"]) == set(rates) - {"sine 5Hz"}
    assert "800 Hz" in rec.meta["skipped_channels"]["square 13Hz"]
    assert any("not opened" in w for w in rec.meta["warnings"])
    assert rec.meta["edf_type"] == "BDF+C" and len(rec.annotations) == 0


@pytest.mark.parametrize("index", range(5))
def test_each_bdf_channel_matches_pyedflib(shared_data, index):
    path = shared_data / BDF
    reference = pyedflib.EdfReader(str(path))
    try:
        label, expected = reference.getLabel(index), reference.readSignal(index)
        rate = reference.getSampleFrequency(index)
    finally:
        reference.close()
    rec = read_recording(path, channels=[label])
    assert rec.fs_hz == rate and rec.data.shape == (len(expected), 1)
    np.testing.assert_allclose(rec.data[:, 0], expected, rtol=1e-6, atol=1e-3)


def test_bdf_channels_of_different_rates_need_a_resampling_rate(shared_data):
    path = shared_data / BDF
    with pytest.raises(ReadError, match=r"different sampling rates.*sine 5Hz 1000 Hz.*ramp 7Hz 500 Hz.*resample"):
        read_recording(path, channels=["sine 5Hz", "ramp 7Hz"])
    rec = read_recording(path, channels=["sine 5Hz", "ramp 7Hz"], resample_to_hz=1000)
    assert rec.data.shape == (30000, 2) and rec.fs_hz == 1000.0
    assert rec.meta["resampled_from_hz"] == {"ramp 7Hz": 500.0}
    with pytest.raises(ChannelSelectionError, match="No channel matches 'nope'"):
        read_recording(path, channels=["nope"])


def test_bdf_resampled_keeps_every_channel_and_the_waveform(shared_data):
    path = shared_data / BDF
    rec = read_recording(path, resample_to_hz=1000.0)
    assert rec.data.shape == (30000, 5) and "skipped_channels" not in rec.meta
    reference = pyedflib.EdfReader(str(path))
    try:
        square = reference.readSignal(1)  # 800 Hz
    finally:
        reference.close()
    t_800 = np.arange(len(square)) / 800.0
    t_1000 = np.arange(30000) / 1000.0
    middle = slice(1000, 29000)
    interpolated = np.interp(t_1000[middle], t_800, square)
    # A square wave resampled with an anti-alias filter rings at its edges: compare medians.
    assert np.median(np.abs(rec.data[middle, 1] - interpolated)) < 0.05 * np.ptp(square)


def test_list_channels_gives_each_rate(shared_data):
    infos = list_channels(shared_data / BDF)
    assert [(c.name, c.fs_hz, c.n_samples) for c in infos][:2] == [
        ("sine 5Hz", 1000.0, 30000), ("square 13Hz", 800.0, 24000)
    ]
    assert infos[0].unit == "uV" and len(infos) == 5
    text = list_channels(shared_data / "skab/valve1/0.csv")
    assert text[0].fs_hz == 1.0 and text[0].n_samples == 1147
    assert list_channels(shared_data / "ucr/001_UCR_Anomaly_DISTORTED1sddb40_35000_52000_52620.txt")[0].fs_hz is None


def test_generated_edf_values_units_and_start(tmp_path):
    a = ramp_signal("ECG I", 250, 10)
    b = Signal("ECG II", 250, -a.digital, physical=(-5.0, 5.0), unit="mV")
    path = write_edf(tmp_path / "two.edf", EdfSpec([a, b], n_records=10, startdate="03.02.99", starttime="10.20.30"))
    rec = read_recording(path)
    assert rec.channel_names == ["ECG I", "ECG II"] and [c.unit for c in rec.channels] == ["uV", "mV"]
    gain = 200.0 / 65535
    np.testing.assert_allclose(rec.data[:, 0], (a.digital + 32768) * gain - 100.0, rtol=1e-6, atol=1e-4)
    assert rec.start_time == dt.datetime(1999, 2, 3, 10, 20, 30)  # yy 85–99 → 19yy
    assert rec.meta["edf_type"] == "EDF" and len(rec.annotations) == 0


def test_edf_plus_discontinuous_joins_records_and_lists_gaps(tmp_path):
    signal = ramp_signal("EEG", 100, 4)
    spec = EdfSpec(
        [signal], n_records=4, plus="D", record_starts=[0.0, 1.0, 5.0, 6.0],
        annotations=[(0.5, 0.25, "spike"), (5.5, None, "after gap")],
    )
    rec = read_recording(write_edf(tmp_path / "disc.edf", spec))
    assert rec.data.shape == (400, 1) and rec.meta["edf_type"] == "EDF+D"
    (gap,) = rec.meta["gaps"]
    assert gap["sample"] == 200 and gap["start_s"] == 2.0 and gap["duration_s"] == 3.0
    assert list(rec.annotations.labels) == ["spike", "after gap"]
    np.testing.assert_array_equal(rec.annotations.onset_samples, [50, 250])  # 5.5 s → 2.5 s packed
    np.testing.assert_array_equal(rec.annotations.duration_samples, [25, 0])
    assert any("gap" in w for w in rec.meta["warnings"])


def test_truncated_edf_reads_complete_records_and_warns(tmp_path):
    path = write_edf(tmp_path / "whole.edf", EdfSpec([ramp_signal("x", 200, 10)], n_records=10))
    cut = tmp_path / "cut.edf"
    cut.write_bytes(path.read_bytes()[: 512 + 200 * 2 * 6 + 77])  # 6 records and a bit
    rec = read_recording(cut)
    assert rec.n_samples == 1200 and rec.meta["records_declared"] == 10
    assert any("truncated" in w and "10" in w and "6" in w for w in rec.meta["warnings"])


def test_bdf_24_bit_negative_values(tmp_path):
    digital = np.array([-(2**23), -1, 0, 1, 2**23 - 1] * 20)
    signal = Signal("x", 100, digital, physical=(-(2**23), 2**23 - 1))
    rec = read_recording(write_edf(tmp_path / "s.bdf", EdfSpec([signal], n_records=1, bdf=True)))
    np.testing.assert_array_equal(rec.data[:5, 0], np.array([-(2**23), -1, 0, 1, 2**23 - 1], np.float32))


def test_duplicate_labels_become_unique(tmp_path):
    signals = [ramp_signal("EEG", 10, 2), ramp_signal("EEG", 10, 2, scale=7)]
    rec = read_recording(write_edf(tmp_path / "dup.edf", EdfSpec(signals, n_records=2)))
    assert rec.channel_names == ["EEG", "EEG (2)"]


def test_large_recording_is_decoded_into_a_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(_common, "IN_MEMORY_LIMIT_BYTES", 1000)
    path = write_edf(tmp_path / "big.edf", EdfSpec([ramp_signal("x", 500, 4)], n_records=4))
    rec = read_recording(path)
    assert isinstance(rec.data, np.memmap) and rec.meta["decoded_to_temporary_file"]
    assert rec.data.shape == (2000, 1)
    in_memory = read_recording(path, fs_hz=None)  # same values either way
    np.testing.assert_array_equal(np.asarray(rec.data), np.asarray(in_memory.data))


def test_fs_override_and_generic_resampling_of_other_formats(shared_data):
    rec = read_recording(shared_data / "mitdb/100.hea", resample_to_hz=180.0, channels=["MLII"])
    assert rec.fs_hz == 180.0 and rec.channel_names == ["MLII"] and rec.n_samples == 325000
    original = read_recording(shared_data / "mitdb/100.hea")
    np.testing.assert_array_equal(rec.annotations.onset_samples, np.round(original.annotations.onset_samples / 2))


def test_read_annotations_of_other_formats_comes_from_the_recording(shared_data):
    ann = read_annotations(shared_data / "mitdb/100.hea")
    assert len(ann) == len(read_recording(shared_data / "mitdb/100.hea").annotations) > 2000
    edf = read_annotations(shared_data / EDF / "test_subsecond.edf")
    assert list(edf.labels) == ["XLSpike", "Clip Note", "XLEvent", "XLSpike"]
