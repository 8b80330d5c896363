"""Parquet and Feather tables (generated with pandas/pyarrow), and irregular timestamps."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from anomaly_gui.errors import MissingSamplingRateError, ReadError
from anomaly_gui.io import detect_format, read_recording


def _frame(n: int = 2000) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame({
        "timestamp": pd.date_range("2024-02-01 06:00", periods=n, freq="20ms"),
        "Accelerometer1RMS (g)": rng.normal(size=n),
        "Temperature": rng.normal(20, 1, size=n).astype(np.float32),
        "status": ["ok"] * n,
        "anomaly": ((np.arange(n) >= 500) & (np.arange(n) < 600)).astype(np.int8),
    })


@pytest.mark.filterwarnings("ignore:Feather V1 files are deprecated:DeprecationWarning")
@pytest.mark.parametrize("kind", ["parquet", "feather", "feather_v1", "arrow"])
def test_tables_follow_the_text_rules(tmp_path, kind):
    frame = _frame()
    path = tmp_path / f"log.{kind.split('_')[0]}"
    if kind == "parquet":
        frame.to_parquet(path)
    elif kind == "feather_v1":
        feather.write_feather(frame, path, version=1)
    else:
        feather.write_feather(frame, path)
    assert detect_format(path) == "columnar"
    rec = read_recording(path)
    assert rec.channel_names == ["Accelerometer1RMS", "Temperature"] and rec.channels[0].unit == "g"
    assert rec.fs_hz == 50.0 and rec.start_time == dt.datetime(2024, 2, 1, 6, 0)
    assert rec.meta["time_column"] == "timestamp" and rec.meta["skipped_columns"] == {"status": "not numeric"}
    assert rec.annotations.onset_samples.tolist() == [500] and rec.annotations.duration_samples.tolist() == [100]
    np.testing.assert_allclose(rec.data[:, 0], frame.iloc[:, 1].to_numpy(), rtol=1e-6)
    assert rec.meta["format"] == "columnar"


def test_pandas_index_and_missing_rate(tmp_path):
    path = tmp_path / "values.parquet"
    pd.DataFrame({"x": np.arange(10.0), "y": np.ones(10)}, index=np.arange(5, 15)).to_parquet(path)
    with pytest.raises(MissingSamplingRateError, match="values.parquet"):
        read_recording(path)
    rec = read_recording(path, fs_hz=2.0)
    assert rec.channel_names == ["x", "y"] and rec.meta["index_columns"] == ["__index_level_0__"]


def test_seconds_column_and_utc_timestamps(tmp_path):
    path = tmp_path / "utc.parquet"
    table = pa.table({
        "time": pa.array(pd.date_range("2024-01-01", periods=100, freq="1s", tz="Europe/Berlin")),
        "v": np.arange(100.0),
    })
    pq.write_table(table, path)
    rec = read_recording(path)
    assert rec.fs_hz == 1.0 and rec.start_time == dt.datetime(2023, 12, 31, 23, 0)  # UTC
    seconds = tmp_path / "seconds.feather"
    feather.write_feather(pd.DataFrame({"time_s": np.arange(50) / 1000.0, "v": np.ones(50)}), seconds)
    assert read_recording(seconds).fs_hz == 1000.0


def _irregular_frame(n: int = 1000) -> tuple[np.ndarray, pd.DataFrame]:
    rng = np.random.default_rng(8)
    t = np.cumsum(rng.uniform(0.05, 0.15, size=n))  # median step ≈ 0.1 s, ±50 %
    t -= t[0]
    return t, pd.DataFrame({"time_s": t, "v": 2.0 * t + 1.0, "label": (t > 50).astype(int)})


def test_irregular_timestamps_are_flagged_then_resampled(tmp_path):
    t, frame = _irregular_frame()
    path = tmp_path / "jitter.parquet"
    frame.to_parquet(path)
    rec = read_recording(path)
    assert rec.meta["irregular"] is True and rec.n_samples == len(t)
    assert any("timestamps are irregular" in w and "resample to a uniform rate?" in w for w in rec.meta["warnings"])
    uniform = read_recording(path, resample_irregular=True)
    step = 1.0 / uniform.fs_hz
    assert uniform.meta["resampled_irregular"]["rows"] == len(t)
    assert uniform.n_samples == int(np.floor(t[-1] / step + 1e-9)) + 1
    grid = np.arange(uniform.n_samples) * step
    np.testing.assert_allclose(uniform.data[:, 0], 2.0 * grid + 1.0, rtol=1e-5)  # linear stays exact
    onset = uniform.annotations.onset_samples[0]
    assert grid[onset] > 50 and grid[onset - 1] <= 50 + step
    assert not any("resample to a uniform rate?" in w for w in uniform.meta["warnings"])


def test_irregular_csv_resampled_at_a_given_rate(tmp_path):
    t, frame = _irregular_frame(300)
    path = tmp_path / "jitter.csv"
    frame.to_csv(path, index=False)
    flagged = read_recording(path)
    assert flagged.meta["irregular"] is True
    rec = read_recording(path, fs_hz=20.0, resample_irregular=True)
    assert rec.fs_hz == 20.0 and rec.n_samples == int(np.floor(t[-1] * 20 + 1e-9)) + 1
    np.testing.assert_allclose(rec.data[:, 0], 2.0 * np.arange(rec.n_samples) / 20 + 1.0, rtol=1e-5)


def test_a_few_gaps_are_not_irregular(tmp_path):
    stamps = pd.date_range("2024-01-01", periods=1000, freq="1s").delete([100, 500])  # 2 of 997 steps
    path = tmp_path / "gaps.csv"
    pd.DataFrame({"datetime": stamps, "v": np.arange(998.0)}).to_csv(path, index=False)
    rec = read_recording(path)
    assert "irregular" not in rec.meta and rec.meta["irregular_steps"] == 2
    assert "evenly spaced" in rec.meta["warnings"][0]
    assert read_recording(path, resample_irregular=True).n_samples == 998  # nothing to resample


def test_damaged_tables(tmp_path):
    path = tmp_path / "t.parquet"
    _frame(500).to_parquet(path)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(ReadError, match="cut.parquet.*not a readable Parquet file"):
        read_recording(cut)
    fake = tmp_path / "fake.feather"
    fake.write_bytes(b"ARROW1" + bytes(200))
    with pytest.raises(ReadError, match="fake.feather.*Feather"):
        read_recording(fake)
