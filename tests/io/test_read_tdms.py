"""NI TDMS: the four npTDMS sample files against nptdms itself, and generated files."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from nptdms import ChannelObject, TdmsFile, TdmsWriter

from anomaly_gui.errors import MissingSamplingRateError, ReadError
from anomaly_gui.io import detect_format, list_channels, read_recording

TDMS = "formats/tdms"


def _reference(path, group: str, channel: str) -> np.ndarray:
    return TdmsFile.read(str(path))[group][channel][:]


def test_digital_input_opens_the_full_rate_group_and_lists_the_decimations(shared_data):
    path = shared_data / TDMS / "Digital_Input.tdms"
    rec = read_recording(path)
    full = "07/09/2012 06:58:23 PM - Digital Input - All Data/Dev1_port3_line7 - line 0"
    assert rec.channel_names == [full] and rec.data.shape == (20000, 1) and rec.fs_hz == 2000.0
    assert sorted(rec.meta["channel_rates"].values()) == [0.8, 40.0, 2000.0]
    skipped = rec.meta["skipped_channels"]
    assert len(skipped) == 2 and any("40 Hz" in reason for reason in skipped.values())
    assert rec.start_time == dt.datetime(2012, 7, 9, 23, 58, 24, 593732)
    group = "07/09/2012 06:58:23 PM - Digital Input - All Data"  # group names may hold "/"
    np.testing.assert_array_equal(rec.data[:, 0], _reference(path, group, "Dev1_port3_line7 - line 0"))


def test_digital_input_every_level_resampled(shared_data):
    path = shared_data / TDMS / "Digital_Input.tdms"
    rec = read_recording(path, resample_to_hz=2000.0)
    assert rec.data.shape == (20000, 3) and "skipped_channels" not in rec.meta
    infos = list_channels(path)
    assert [(i.fs_hz, i.n_samples) for i in infos] == [(2000.0, 20000), (40.0, 400), (0.8, 8)]


def test_big_endian(shared_data):
    path = shared_data / TDMS / "big_endian.tdms"
    assert detect_format(path) == "tdms"
    rec = read_recording(path)
    assert rec.channel_names == ["Measured Data/Amplitude sweep", "Measured Data/Phase sweep"]
    assert rec.data.shape == (3500, 2) and rec.fs_hz == 1000.0
    assert rec.start_time is None  # wf_start_time is LabVIEW's zero: relative time
    np.testing.assert_allclose(rec.data[:, 1], _reference(path, "Measured Data", "Phase sweep"), rtol=1e-6)


def test_raw1_daqmx_scaled_with_units(shared_data):
    path = shared_data / TDMS / "raw1.tdms"
    rec = read_recording(path)
    assert rec.data.shape == (2000, 7) and rec.fs_hz == 50000.0
    assert {c.unit for c in rec.channels} == {"Volts"}
    assert rec.channel_names[0] == "Layer Data/First  Channel"
    np.testing.assert_allclose(rec.data[:, 0], _reference(path, "Layer Data", "First  Channel"), rtol=1e-6)


def test_raw_timestamps_file_is_a_plain_signal_with_a_start(shared_data):
    # Its channel holds float64 values; the "raw timestamp" is its wf_start_time property.
    rec = read_recording(shared_data / TDMS / "raw_timestamps.tdms")
    assert rec.data.shape == (128, 1) and rec.fs_hz == 1000.0
    assert rec.start_time == dt.datetime(2024, 1, 24, 1, 48, 43, 68614)


def _write(path, *channels: ChannelObject):
    with TdmsWriter(str(path)) as writer:
        writer.write_segment(list(channels))
    return path


def test_timestamp_channel_is_the_time_axis(tmp_path):
    stamps = np.datetime64("2024-03-01T12:00:00") + np.arange(100) * np.timedelta64(5, "ms")
    path = _write(
        tmp_path / "logged.tdms",
        ChannelObject("log", "time", stamps),
        ChannelObject("log", "pressure", np.linspace(0, 1, 100), properties={"unit_string": "bar"}),
        ChannelObject("log", "note", ["x"] * 100),
    )
    rec = read_recording(path)
    assert rec.channel_names == ["log/pressure"] and rec.channels[0].unit == "bar"
    assert rec.fs_hz == 200.0 and rec.start_time == dt.datetime(2024, 3, 1, 12, 0)
    assert rec.meta["skipped_channels"] == {"log/time": "timestamps, used as the time axis", "log/note": "text"}


def test_only_timestamps_is_a_read_error(tmp_path):
    stamps = np.datetime64("2024-03-01T12:00:00") + np.arange(10) * np.timedelta64(1, "s")
    path = _write(tmp_path / "stamps.tdms", ChannelObject("g", "t", stamps))
    with pytest.raises(ReadError, match=r"stamps.tdms.*no numeric channels.*g/t \(timestamps"):
        read_recording(path)


def test_no_increment_needs_a_rate_and_lengths_group(tmp_path):
    path = _write(
        tmp_path / "bare.tdms",
        ChannelObject("g", "a", np.arange(50.0)),
        ChannelObject("g", "b", np.arange(50.0) * 2),
        ChannelObject("g", "short", np.arange(20.0)),
    )
    with pytest.raises(MissingSamplingRateError, match="bare.tdms"):
        read_recording(path)
    rec = read_recording(path, fs_hz=10.0)
    assert rec.channel_names == ["g/a", "g/b"] and rec.fs_hz == 10.0
    assert rec.meta["skipped_channels"] == {"g/short": "20 samples, not 50"}
    both = read_recording(path, fs_hz=10.0, channels=["g/a", "g/short"])
    assert both.data.shape == (20, 2) and any("cut to the shortest" in w for w in both.meta["warnings"])


def test_truncated_tdms_reads_what_is_there_and_warns(shared_data, tmp_path):
    raw = (shared_data / TDMS / "Digital_Input.tdms").read_bytes()
    path = tmp_path / "cut.tdms"
    path.write_bytes(raw[: len(raw) // 2])
    rec = read_recording(path)
    assert 0 < rec.n_samples < 20000
    assert any("truncated" in w for w in rec.meta["warnings"])
