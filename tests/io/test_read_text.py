"""Text tables: real UCR/NAB/SKAB/TimeEval files and generated layouts."""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np
import pytest

from anomaly_gui.errors import MissingSamplingRateError, ReadError
from anomaly_gui.io import read_recording

UCR = "ucr/001_UCR_Anomaly_DISTORTED1sddb40_35000_52000_52620"
KDD_TEST = "ucr/aeon_KDD-TSAD_135/135_UCR_Anomaly_InternalBleeding16_TEST.csv"


# --- real files -------------------------------------------------------------------------


def test_ucr_txt_is_one_channel_and_needs_fs(shared_data):
    path = shared_data / f"{UCR}.txt"
    with pytest.raises(MissingSamplingRateError, match=r"001_UCR.*\.txt.*--fs"):
        read_recording(path)
    rec = read_recording(path, fs_hz=250.0)
    expected = np.loadtxt(path)
    assert rec.data.shape == (79795, 1)
    assert rec.data.dtype == np.float32 and rec.data.flags.c_contiguous
    assert rec.fs_hz == 250.0
    assert rec.channel_names == ["ch0"]
    np.testing.assert_allclose(rec.data[:, 0], expected, rtol=1e-6)
    assert rec.meta["format"] == "text" and rec.meta["fs_source"] == "argument"
    assert rec.source == path


def test_ucr_out_has_value_and_label_columns(shared_data):
    path = shared_data / f"{UCR}.out"
    rec = read_recording(path, fs_hz=250.0)
    expected = np.loadtxt(path, delimiter=",")
    assert rec.data.shape == (79795, 2)
    assert rec.meta["header"] is False and rec.meta["delimiter"] == ","
    np.testing.assert_allclose(rec.data, expected.astype(np.float32))
    assert np.flatnonzero(rec.data[:, 1])[[0, -1]].tolist() == [52000, 52619]


def test_timeeval_timestamp_is_a_sample_index_not_a_rate(shared_data):
    path = shared_data / KDD_TEST
    with pytest.raises(MissingSamplingRateError, match="timestamp.*counts samples"):
        read_recording(path)
    rec = read_recording(path, fs_hz=100.0)
    assert rec.data.shape == (7501, 1)
    assert rec.channel_names == ["value"]
    assert rec.meta["index_columns"] == ["timestamp"]
    assert rec.data[0, 0] == pytest.approx(63.73215)
    # is_anomaly is ground truth: an annotation, never a channel fed to a detector
    assert rec.meta["label_columns"] == ["is_anomaly"]
    assert rec.annotations.onset_samples.tolist() == [4187]
    assert rec.annotations.duration_samples.tolist() == [12]
    assert rec.annotations.labels == ("is_anomaly",)


@pytest.mark.parametrize(
    ("name", "rows", "step_s", "start"),
    [
        ("artificialWithAnomaly/art_daily_jumpsup.csv", 4032, 300, dt.datetime(2014, 4, 1)),
        ("realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv", 4032, 300, dt.datetime(2014, 4, 10, 0, 4)),
        ("realKnownCause/ambient_temperature_system_failure.csv", 7267, 3600, dt.datetime(2013, 7, 4)),
        ("realKnownCause/nyc_taxi.csv", 10320, 1800, dt.datetime(2014, 7, 1)),
    ],
)
def test_nab_clock_timestamps_give_rate_and_start(shared_data, name, rows, step_s, start):
    path = shared_data / "nab" / "data" / name
    rec = read_recording(path)
    assert rec.data.shape == (rows, 1)
    assert rec.fs_hz == pytest.approx(1.0 / step_s, rel=1e-12)
    assert rec.start_time == start
    assert rec.channel_names == ["value"]
    assert rec.meta["time_column"] == "timestamp" and rec.meta["time_kind"] == "clock"
    assert rec.meta["fs_source"] == "file"
    with open(path, newline="") as fh:
        first_rows = list(csv.reader(fh))[1:3]
    np.testing.assert_allclose(rec.data[:2, 0], [float(r[1]) for r in first_rows], rtol=1e-6)


def test_nab_fs_argument_overrides_the_file(shared_data):
    rec = read_recording(shared_data / "nab/data/realKnownCause/nyc_taxi.csv", fs_hz=2.0)
    assert rec.fs_hz == 2.0
    assert rec.meta["fs_from_file_hz"] == pytest.approx(1 / 1800)


def test_skab_semicolons_datetime_and_label_columns(shared_data):
    rec = read_recording(shared_data / "skab/valve1/0.csv")
    assert rec.meta["delimiter"] == ";"
    assert rec.data.shape == (1147, 8)
    assert rec.channel_names[:3] == ["Accelerometer1RMS", "Accelerometer2RMS", "Current"]
    assert rec.channel_names[-1] == "Volume Flow RateRMS"
    assert rec.fs_hz == pytest.approx(1.0)
    assert rec.start_time == dt.datetime(2020, 3, 9, 10, 14, 33)
    assert rec.data[0, 0] == pytest.approx(0.0265878)
    assert rec.meta["label_columns"] == ["anomaly", "changepoint"]
    ann = rec.annotations
    anomaly = [d for d, lab in zip(ann.duration_samples, ann.labels) if lab == "anomaly"]
    assert sum(anomaly) == 401
    assert ann.labels.count("changepoint") == 4


def test_skab_anomaly_free_has_eight_channels_and_no_labels(shared_data):
    rec = read_recording(shared_data / "skab/anomaly-free/anomaly-free.csv")
    assert rec.data.shape == (9405, 8)
    assert len(rec.annotations) == 0 and "label_columns" not in rec.meta


# --- generated layouts ------------------------------------------------------------------


def test_header_and_time_in_seconds_give_exact_rate(tmp_path):
    t = np.arange(500) / 250.0
    path = tmp_path / "run.csv"
    lines = ["time,ecg (mV),resp"] + [f"{ti:.6f},{np.sin(ti):.6f},{i}" for i, ti in enumerate(t)]
    path.write_text("\n".join(lines) + "\n")
    rec = read_recording(path)
    assert rec.fs_hz == 250.0
    assert rec.channel_names == ["ecg", "resp"]
    assert [c.unit for c in rec.channels] == ["mV", ""]
    assert rec.meta["time_column"] == "time" and rec.meta["time_kind"] == "seconds"
    assert rec.meta["t0_s"] == 0.0
    assert rec.data.shape == (500, 2)
    assert rec.start_time is None


def test_time_in_milliseconds(tmp_path):
    path = tmp_path / "ms.csv"
    path.write_text("time_ms,x\n" + "".join(f"{i * 2},{i}\n" for i in range(100)))
    assert read_recording(path).fs_hz == 500.0


def test_unnamed_regular_first_column_is_time(tmp_path):
    path = tmp_path / "noheader.csv"
    path.write_text("".join(f"{i * 0.01:.2f},{np.cos(i):.4f},{i % 7}\n" for i in range(1, 300)))
    rec = read_recording(path)
    assert rec.fs_hz == pytest.approx(100.0)
    assert rec.channel_names == ["ch1", "ch2"]
    assert rec.meta["header"] is False


def test_rising_irregular_first_column_is_data_not_time(tmp_path):
    rng = np.random.default_rng(0)
    values = np.cumsum(rng.uniform(0.1, 5.0, 200))
    path = tmp_path / "ramp.csv"
    path.write_text("".join(f"{v:.4f},{i}\n" for i, v in enumerate(values)))
    with pytest.raises(MissingSamplingRateError):
        read_recording(path)
    assert read_recording(path, fs_hz=10).n_channels == 2


def test_tsv(tmp_path):
    path = tmp_path / "table.tsv"
    path.write_text("a\tb\tc\n" + "".join(f"{i}.5\t{-i}\t{i * i}\n" for i in range(50)))
    rec = read_recording(path, fs_hz=10.0)
    assert rec.meta["delimiter"] == "\t"
    assert rec.channel_names == ["a", "b", "c"]
    assert rec.data[3].tolist() == [3.5, -3.0, 9.0]


def test_semicolon_and_decimal_comma(tmp_path):
    path = tmp_path / "euro.csv"
    path.write_text("Zeit;Druck [bar];Temp\n0,000;1,25;20,5\n0,010;1,50;20,6\n0,020;-1,75;20,7\n")
    rec = read_recording(path)
    assert rec.meta["decimal"] == "," and rec.meta["delimiter"] == ";"
    assert rec.channel_names == ["Druck", "Temp"]  # "Zeit" is German for time
    assert rec.channels[0].unit == "bar"
    np.testing.assert_allclose(rec.data[:, 0], [1.25, 1.5, -1.75])
    assert rec.fs_hz == pytest.approx(100.0)


def test_no_header_whitespace_columns(tmp_path):
    path = tmp_path / "cols.txt"
    path.write_text("".join(f"  {np.sin(i):.5f}   {np.cos(i):.5f}\n" for i in range(100)))
    rec = read_recording(path, fs_hz=1000.0)
    assert rec.meta["delimiter"] == "whitespace"
    assert rec.data.shape == (100, 2) and rec.channel_names == ["ch0", "ch1"]
    assert rec.data[1, 0] == pytest.approx(np.sin(1), abs=1e-5)


def test_comments_text_columns_and_nan(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "# exported by a logger\n# second comment\n"
        "timestamp,state,value,empty\n"
        "2021-05-01T10:00:00,ok,1.0,\n"
        "2021-05-01T10:00:02,ok,nan,\n"
        "2021-05-01T10:00:04,bad,3.0,\n"
    )
    rec = read_recording(path)
    assert rec.fs_hz == pytest.approx(0.5)
    assert rec.start_time == dt.datetime(2021, 5, 1, 10, 0, 0)
    assert rec.channel_names == ["value"]
    assert rec.meta["skipped_columns"] == {"state": "not numeric", "empty": "empty"}
    assert np.isnan(rec.data[1, 0])  # NaN passes through; detection rejects it later


def test_pandas_index_column_is_dropped(tmp_path):
    path = tmp_path / "frame.csv"
    path.write_text(",x,y\n" + "".join(f"{i},{i * 0.5},{-i}\n" for i in range(20)))
    rec = read_recording(path, fs_hz=5.0)
    assert rec.channel_names == ["x", "y"]
    assert rec.meta["index_columns"] == ["(unnamed)"]


def test_irregular_clock_steps_are_reported(tmp_path):
    stamps = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10]
    path = tmp_path / "gaps.csv"
    path.write_text("datetime,v\n" + "".join(f"2020-01-01 00:00:{s:02d},{s}\n" for s in stamps))
    rec = read_recording(path)
    assert rec.fs_hz == 1.0
    assert rec.meta["irregular_steps"] == 1
    assert "evenly spaced" in rec.meta["warnings"][0]


def test_text_without_numbers_is_a_read_error(tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("name,colour\nalpha,red\nbeta,blue\n")
    with pytest.raises(ReadError, match="words.csv.*no numeric"):
        read_recording(path, fs_hz=1.0)


def test_header_only_is_a_read_error(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("time,value\n")
    with pytest.raises(ReadError, match="header.csv"):
        read_recording(path, fs_hz=1.0)


def test_ragged_rows_are_a_read_error(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6,7,8\n")
    with pytest.raises(ReadError, match="ragged.csv"):
        read_recording(path, fs_hz=1.0)


def test_header_naming_a_rising_first_column_keeps_it_as_data(tmp_path):
    path = tmp_path / "counter.csv"
    path.write_text("count,value\n" + "".join(f"{i * 10},{i % 3}\n" for i in range(50)))
    with pytest.raises(MissingSamplingRateError):
        read_recording(path)
    assert read_recording(path, fs_hz=1.0).channel_names == ["count", "value"]


def test_latin1_header(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("Temp (°C);Druck\n1;2\n3;4\n".encode("latin-1"))
    rec = read_recording(path, fs_hz=1.0)
    assert rec.channels[0] == rec.channels[0].__class__("Temp", "°C")
    assert rec.meta["encoding"] == "latin-1"


def test_dotted_dates_are_day_first(tmp_path):
    path = tmp_path / "messwerte.csv"
    path.write_text("Datum;Wert\n01.02.2020 10:00;1,5\n01.02.2020 11:00;2,5\n01.02.2020 12:00;3,5\n")
    rec = read_recording(path)
    assert rec.start_time == dt.datetime(2020, 2, 1, 10, 0)
    assert rec.fs_hz == pytest.approx(1 / 3600)
    assert rec.data[:, 0].tolist() == [1.5, 2.5, 3.5]


def test_integer_time_without_a_unit_is_an_index(tmp_path):
    """Whole numbers 0, 1, 2 under 'time' may be samples or seconds: ask rather than guess."""
    path = tmp_path / "ambiguous.csv"
    path.write_text("time,v\n0,1\n1,2\n2,3\n")
    with pytest.raises(MissingSamplingRateError, match="counts samples"):
        read_recording(path)
    seconds = tmp_path / "seconds.csv"
    seconds.write_text("time (s),v\n0,1\n1,2\n2,3\n")
    assert read_recording(seconds).fs_hz == 1.0


def test_a_few_bad_values_become_nan_with_a_warning(tmp_path):
    rows = [f"{i};{i},5" for i in range(30)]
    rows[7] = "7;ERR"
    path = tmp_path / "glitch.csv"
    path.write_text("n;Wert\n" + "\n".join(rows) + "\n")
    rec = read_recording(path, fs_hz=1.0)
    assert rec.meta["decimal"] == ","
    assert rec.channel_names == ["Wert"]
    assert np.isnan(rec.data[7, 0]) and rec.data[8, 0] == 8.5
    assert "1 non-numeric value" in rec.meta["warnings"][0]


# --- choices the file does not make: time column, units, first rows ---------------------


def test_chosen_time_column_gives_the_rate(tmp_path):
    path = tmp_path / "elapsed.csv"
    path.write_text("elapsed_at,x\n" + "".join(f"{i * 0.004:.3f},{i % 5}\n" for i in range(500)))
    with pytest.raises(MissingSamplingRateError):  # 'elapsed_at' is not a name the rules know
        read_recording(path)
    rec = read_recording(path, time_column="elapsed_at")
    assert rec.fs_hz == pytest.approx(250.0)
    assert rec.channel_names == ["x"]
    assert read_recording(path, time_column="0").fs_hz == pytest.approx(250.0)  # by index


def test_time_column_none_reads_every_column_as_data(shared_data):
    path = shared_data / "nab/data/realKnownCause/nyc_taxi.csv"
    auto = read_recording(path)
    assert auto.channel_names == ["value"]
    # The timestamps are text: with no time column they are skipped as a channel, and
    # the rate must come from the user.
    with pytest.raises(MissingSamplingRateError):
        read_recording(path, time_column="none")
    rec = read_recording(path, fs_hz=1 / 1800, time_column="none")
    assert rec.channel_names == ["value"] and "timestamp" in rec.meta["skipped_columns"]


def test_a_column_that_is_not_time_is_refused_with_its_name(shared_data):
    path = shared_data / "skab/valve1/0.csv"
    with pytest.raises(ReadError, match="'Current' cannot be the time column"):
        read_recording(path, time_column="Current")
    with pytest.raises(ReadError, match="Time column: No channel matches 'nope'"):
        read_recording(path, time_column="nope")


def test_time_column_applies_to_tables_only(shared_data):
    with pytest.raises(ReadError, match="time column applies to text"):
        read_recording(shared_data / "mitdb/119.hea", time_column="0")


def test_units_for_all_or_per_channel(shared_data):
    path = shared_data / "skab/valve1/0.csv"
    assert set(c.unit for c in read_recording(path, units="g").channels) == {"g"}
    rec = read_recording(path, units="Accelerometer1RMS=g,Current=A")
    assert [c.unit for c in rec.channels[:3]] == ["g", "", "A"]
    with pytest.raises(Exception, match="No channel matches 'Pressure2'"):
        read_recording(path, units="Pressure2=bar")


def test_max_rows_reads_the_head_of_a_table(shared_data):
    path = shared_data / "skab/valve1/0.csv"
    head = read_recording(path, max_rows=100)
    full = read_recording(path)
    assert head.n_samples == 100 and head.channel_names == full.channel_names
    np.testing.assert_array_equal(head.data, full.data[:100])
