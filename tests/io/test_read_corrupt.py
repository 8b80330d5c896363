"""Damaged copies of real and generated files of every new format: one typed error naming the
file, or (EDF/BDF/TDMS cut short) the complete part with a warning; never a crash or a hang."""

from __future__ import annotations

import shutil

import h5py
import numpy as np
import pandas as pd
import pyarrow.feather as feather
import pytest

from anomaly_gui.errors import AnomalyGuiError, ReadError
from anomaly_gui.io import read_recording

REAL = [
    "formats/edf/test_subsecond.edf",
    "formats/edf/test_utf8.edf",
    "formats/edf/test_edfann.edf",
    "formats/bdf/test_generator.bdf",
    "formats/tdms/Digital_Input.tdms",
    "formats/tdms/big_endian.tdms",
    "formats/tdms/raw1.tdms",
    "formats/tdms/raw_timestamps.tdms",
]
GENERATED = ["signal.h5", "packed.h5", "v73.mat", "table.parquet", "table.feather"]
# Formats whose reader keeps the complete part of a cut file (and says so).
READS_WHAT_IS_COMPLETE = (".edf", ".bdf", ".tdms")


@pytest.fixture(scope="module")
def samples(shared_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("whole")
    for relative in REAL:
        shutil.copy(shared_data / relative, folder)
    rng = np.random.default_rng(1)
    with h5py.File(folder / "signal.h5", "w") as f:
        f.create_dataset("x", data=rng.normal(size=(20000, 2)).astype(np.float32)).attrs["fs"] = 100.0
    with h5py.File(folder / "packed.h5", "w") as f:
        dset = f.create_dataset("x", data=rng.normal(size=(2, 20000)), compression="gzip", chunks=(2, 1000))
        dset.attrs["fs"] = 100.0
    with h5py.File(folder / "v73.mat", "w", userblock_size=512) as f:
        f.create_dataset("sig", data=rng.normal(size=(1, 20000))).attrs["MATLAB_class"] = np.bytes_("double")
        f.create_dataset("fs", data=[[100.0]]).attrs["MATLAB_class"] = np.bytes_("double")
    with open(folder / "v73.mat", "r+b") as fh:
        fh.write(b"MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .".ljust(116) + bytes(8) + b"\x00\x02IM")
    frame = pd.DataFrame({"time": pd.date_range("2024-01-01", periods=3000, freq="10ms"), "v": rng.normal(size=3000)})
    frame.to_parquet(folder / "table.parquet")
    feather.write_feather(frame, folder / "table.feather")
    return folder


ALL = [r.rsplit("/", 1)[-1] for r in REAL] + GENERATED


def _expect_error_naming(path, **kwargs) -> AnomalyGuiError:
    with pytest.raises(ReadError) as info:
        read_recording(path, **kwargs)
    assert path.name in str(info.value)
    return info.value


@pytest.mark.parametrize("name", ALL)
def test_truncated_to_half(samples, tmp_path, name):
    raw = (samples / name).read_bytes()
    path = tmp_path / f"half_{name}"
    path.write_bytes(raw[: len(raw) // 2])
    if path.suffix in READS_WHAT_IS_COMPLETE and name != "test_edfann.edf":
        try:
            rec = read_recording(path)
        except ReadError as exc:  # raw1.tdms: LabVIEW wrote its rate into the part that is gone
            assert path.name in str(exc) and "truncated" in str(exc)
            return
        assert rec.n_samples > 0 and any("truncated" in w for w in rec.meta["warnings"])
        assert np.isfinite(np.asarray(rec.data)).all()
    else:
        error = _expect_error_naming(path)
        assert "truncated" in str(error)


@pytest.mark.parametrize("name", ALL)
def test_truncated_to_100_bytes(samples, tmp_path, name):
    path = tmp_path / f"stub_{name}"
    path.write_bytes((samples / name).read_bytes()[:100])
    _expect_error_naming(path, fs_hz=100.0)


@pytest.mark.parametrize("name", ALL)
def test_empty_copy(samples, tmp_path, name):
    path = tmp_path / f"empty_{name}"
    path.write_bytes(b"")
    error = _expect_error_naming(path)
    assert "empty (0 bytes)" in str(error)


@pytest.mark.parametrize("name", ALL)
def test_random_header_bytes(samples, tmp_path, name):
    raw = (samples / name).read_bytes()
    rng = np.random.default_rng(sum(name.encode()))
    for attempt in range(6):
        damaged = bytearray(raw)
        for _ in range(4):
            damaged[int(rng.integers(0, min(1024, len(raw))))] = int(rng.integers(0, 256))
        path = tmp_path / f"flip{attempt}_{name}"
        path.write_bytes(bytes(damaged))
        try:
            rec = read_recording(path, fs_hz=None)
        except ReadError as exc:
            assert path.name in str(exc)
            continue
        except AnomalyGuiError:
            continue  # e.g. a damaged channel name no longer matches: still a typed error
        assert rec.data.ndim == 2 and rec.n_samples > 0 and rec.data.dtype == np.float32


@pytest.mark.parametrize(
    ("name", "wrong"),
    [
        ("test_subsecond.edf", ".tdms"),
        ("test_generator.bdf", ".h5"),
        ("raw1.tdms", ".edf"),
        ("signal.h5", ".parquet"),
        ("v73.mat", ".h5"),
        ("table.parquet", ".feather"),
        ("table.feather", ".edf"),
    ],
)
def test_wrong_extension_is_read_by_content(samples, tmp_path, name, wrong):
    path = tmp_path / f"renamed{wrong}"
    shutil.copy(samples / name, path)
    expected = read_recording(samples / name)
    rec = read_recording(path)
    assert rec.meta["format"] == expected.meta["format"]
    np.testing.assert_array_equal(np.asarray(rec.data), np.asarray(expected.data))


@pytest.mark.parametrize(
    ("offset", "value", "problem"),
    [
        (252, b"abcd", "number of signals.*not a whole number"),
        (252, b"0   ", "declares 0 signals"),
        (184, b"999     ", "header bytes.*damaged"),
        (236, b"-5      ", "declares -5 records"),
        (244, b"x.y     ", "duration of a data record.*not a number"),
        (168, b"99.99.99", None),  # a bad start date only loses the start time
        # Signal fields of a 2-signal header: label 256, …, physical min 464, digital min 496,
        # digital max 512, samples per record 688 (signal 1 first).
        (464, b"8711x   ", "physical minimum of signal 1 .'Fp1'.' is not a number"),
        (496, b"32767   ", "digital minimum 32767 not below"),
        (512, b"99999   ", "digital range.*16-bit"),
        (688, b"0       ", "0 samples per data record"),
        (236, b"100000  ", None),  # more records than the file holds: read what is there
    ],
)
def test_targeted_edf_header_damage(shared_data, tmp_path, offset, value, problem):
    raw = bytearray((shared_data / "formats/edf/test_subsecond.edf").read_bytes())
    raw[offset : offset + len(value)] = value
    path = tmp_path / "damaged.edf"
    path.write_bytes(bytes(raw))
    if problem is None:
        rec = read_recording(path)
        assert rec.meta.get("warnings")
    else:
        with pytest.raises(ReadError, match=f"damaged.edf.*{problem}"):
            read_recording(path)
