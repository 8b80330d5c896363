"""MATLAB .mat files: the eight CWRU files and generated v4/v5 files."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.io

from anomaly_gui.errors import MissingSamplingRateError, ReadError
from anomaly_gui.io import ChoiceRequiredError, detect_format, read_recording

# file, CWRU number, samples, has a base (BA) accelerometer
CWRU = [
    ("12k_DE/IR007_0.mat", 105, 121265, True),
    ("12k_DE/B007_0.mat", 118, 122571, True),
    ("12k_DE/OR007@6_0.mat", 130, 121991, True),
    ("12k_DE/IR021_0.mat", 209, 122136, True),
    ("12k_DE/B021_0.mat", 222, 121991, True),
    ("12k_DE/OR021@6_0.mat", 234, 122426, True),
    ("48k_DE/IR007_0.mat", 109, 243938, False),
    ("Normal/Normal_0.mat", 97, 243938, False),
]


@pytest.mark.parametrize(("name", "number", "n_samples", "has_ba"), CWRU)
def test_cwru_files(shared_data, name, number, n_samples, has_ba):
    path = shared_data / "cwru" / name
    assert detect_format(path) == "matlab"
    with pytest.raises(MissingSamplingRateError, match=r"\.mat.*--fs.*CWRU"):
        read_recording(path)
    rec = read_recording(path, fs_hz=12000.0)
    prefix = f"X{number:03d}"
    expected = [f"{prefix}_DE_time", f"{prefix}_FE_time"] + ([f"{prefix}_BA_time"] if has_ba else [])
    assert rec.channel_names == expected
    assert rec.data.shape == (n_samples, len(expected))
    assert rec.data.dtype == np.float32 and rec.data.flags.c_contiguous
    assert rec.fs_hz == 12000.0 and rec.meta["format"] == "matlab"
    assert set(rec.meta["scalars"]) == {f"{prefix}RPM"}
    assert "skipped" not in rec.meta
    reference = scipy.io.loadmat(path)
    np.testing.assert_allclose(rec.data[:, 0], reference[f"{prefix}_DE_time"][:, 0], rtol=1e-6)


def test_cwru_rpm_goes_to_meta_not_channels(shared_data):
    rec = read_recording(shared_data / "cwru/Normal/Normal_0.mat", fs_hz=48000.0)
    assert rec.meta["scalars"] == {"X097RPM": 1796.0}
    assert "X097RPM" not in rec.channel_names


def test_rate_key_multicolumn_and_skipped_values(tmp_path):
    path = tmp_path / "rig.mat"
    rng = np.random.default_rng(4)
    scipy.io.savemat(path, {
        "Fs": 2000.0,
        "accel": rng.normal(size=(1000, 3)),
        "temp": rng.normal(size=(1, 1000)),
        "short": np.arange(10.0),
        "note": "bench test",
        "info": {"operator": "x", "gain": 2.0},
        "cells": np.array([[1.0], "a"], dtype=object),
    })
    rec = read_recording(path)
    assert rec.fs_hz == 2000.0 and rec.meta["fs_source"] == "file"
    assert rec.channel_names == ["accel[0]", "accel[1]", "accel[2]", "temp"]
    assert rec.data.shape == (1000, 4)
    skipped = rec.meta["skipped"]
    assert set(skipped) == {"short", "note", "info", "cells"}
    assert "10 samples" in skipped["short"]
    assert rec.meta["scalars"] == {"Fs": 2000.0}


def test_wide_2d_array_is_channels_by_samples(tmp_path):
    path = tmp_path / "wide.mat"
    scipy.io.savemat(path, {"val": np.arange(3000, dtype=np.int16).reshape(3, 1000), "sr": 100})
    rec = read_recording(path)
    assert rec.data.shape == (1000, 3) and rec.fs_hz == 100.0
    assert rec.data[1].tolist() == [1.0, 1001.0, 2001.0]


def test_most_common_length_wins_and_tie_goes_to_longer(tmp_path):
    path = tmp_path / "mixed.mat"
    scipy.io.savemat(path, {"a": np.zeros(50), "b": np.ones(80), "c": np.ones(80), "d": np.zeros(50)})
    rec = read_recording(path, fs_hz=1.0)
    assert rec.channel_names == ["b", "c"] and rec.n_samples == 80
    assert set(rec.meta["skipped"]) == {"a", "d"}


def test_time_vector_gives_the_rate(tmp_path):
    path = tmp_path / "timed.mat"
    t = np.arange(400) / 200.0
    scipy.io.savemat(path, {"t": t, "x": np.sin(t)})
    rec = read_recording(path)
    assert rec.fs_hz == pytest.approx(200.0)
    assert rec.channel_names == ["x"] and rec.meta["time_variable"] == "t"


def test_matlab_v4_file(tmp_path):
    path = tmp_path / "old.mat"
    scipy.io.savemat(path, {"sig": np.arange(100.0).reshape(100, 1), "fs": 10.0}, format="4")
    assert detect_format(path) == "matlab"
    rec = read_recording(path)
    assert rec.fs_hz == 10.0 and rec.data[99, 0] == 99.0


def test_v73_header_without_hdf5_data_is_a_read_error(tmp_path):
    header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan 1 2024 HDF5 schema 1.00 ."
    path = tmp_path / "new.mat"
    path.write_bytes(header.ljust(512, b" ") + b"\x89HDF\r\n\x1a\n" + bytes(100))
    with pytest.raises(ReadError, match="new.mat.*MATLAB v7.3.*(truncated or corrupt)"):
        read_recording(path, fs_hz=1.0)


def test_only_scalars_is_a_read_error(tmp_path):
    path = tmp_path / "scalars.mat"
    scipy.io.savemat(path, {"fs": 100.0, "gain": 2.0})
    with pytest.raises(ReadError, match="scalars.mat.*no numeric signal"):
        read_recording(path)


def test_truncated_cwru_file(shared_data, tmp_path):
    path = tmp_path / "cut.mat"
    path.write_bytes((shared_data / "cwru/12k_DE/B007_0.mat").read_bytes()[:1_000_000])
    with pytest.raises(ReadError, match="cut.mat"):
        read_recording(path, fs_hz=12000.0)


def write_v73(path, variables: dict, extra=None):
    """A MATLAB v7.3-style file: HDF5 behind a 512-byte header, arrays stored transposed."""
    import h5py

    with h5py.File(path, "w", userblock_size=512) as f:
        for name, value in variables.items():
            value = np.atleast_2d(np.asarray(value))
            cls = {"f": "double", "i": "int16", "b": "logical", "U": "char"}[value.dtype.kind]
            if cls == "char":
                stored = np.array([[ord(c)] for c in str(value.reshape(-1)[0])], dtype=np.uint16)
            else:
                stored = value.T.astype(np.uint8) if cls == "logical" else value.T
            dset = f.create_dataset(name, data=stored)
            dset.attrs["MATLAB_class"] = np.bytes_(cls)
        if extra:
            extra(f)
    text = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 ."
    with open(path, "r+b") as fh:
        fh.write(text.ljust(116) + bytes(8) + b"\x00\x02IM")
    return path


def test_v73_cwru_like_vectors_are_all_channels(tmp_path, monkeypatch):
    import anomaly_gui.io.matlab as matlab_module

    monkeypatch.setattr(matlab_module, "_BLOCK_ROWS", 1000)  # lazy arrays read in many blocks
    rng = np.random.default_rng(3)
    de, fe = rng.normal(size=(12001, 1)), rng.normal(size=(12001, 1))

    def struct(f):
        f.create_group("info").attrs["MATLAB_class"] = np.bytes_("struct")

    path = write_v73(tmp_path / "X100.mat", {
        "X100_DE_time": de, "X100_FE_time": fe, "X100RPM": np.array([[1797.0]]), "note": np.array(["rig A"]),
    }, extra=struct)
    assert detect_format(path) == "matlab"
    with pytest.raises(MissingSamplingRateError, match="CWRU"):
        read_recording(path)
    rec = read_recording(path, fs_hz=12000.0)
    assert rec.channel_names == ["X100_DE_time", "X100_FE_time"] and rec.data.shape == (12001, 2)
    np.testing.assert_allclose(rec.data, np.hstack([de, fe]).astype(np.float32))
    assert rec.meta["mat_version"] == "7.3" and rec.meta["scalars"] == {"X100RPM": 1797.0}
    assert rec.meta["skipped"] == {"note": "text", "info": "struct (not read)"}


def test_v73_wide_matrix_and_rate(tmp_path):
    val = np.arange(3 * 5000, dtype=np.int16).reshape(3, 5000)  # MATLAB: 3×5000, channels × samples
    path = write_v73(tmp_path / "wide.mat", {"val": val, "fs": np.array([[250.0]])})
    rec = read_recording(path)
    assert rec.data.shape == (5000, 3) and rec.fs_hz == 250.0
    assert rec.data[1].tolist() == [1.0, 5001.0, 10001.0]
    assert rec.channel_names == ["val[0]", "val[1]", "val[2]"]


def test_v73_several_matrices_need_a_choice(tmp_path):
    rng = np.random.default_rng(5)
    path = write_v73(tmp_path / "two.mat", {
        "train": rng.normal(size=(6000, 3)), "test": rng.normal(size=(5000, 3)), "fs": np.array([[100.0]]),
    })
    with pytest.raises(ChoiceRequiredError) as info:
        read_recording(path)
    assert [c.path for c in info.value.choices] == ["test", "train"]
    assert info.value.choices[1].shape == (6000, 3)
    rec = read_recording(path, dataset="train")
    assert rec.data.shape == (6000, 3) and rec.meta["dataset"] == "train" and rec.fs_hz == 100.0


def test_v5_several_matrices_need_a_choice_but_vectors_do_not(tmp_path):
    path = tmp_path / "imu.mat"
    scipy.io.savemat(path, {"acc": np.zeros((100, 3)), "gyro": np.ones((100, 3)), "fs": 50.0})
    with pytest.raises(ChoiceRequiredError, match=r"imu.mat.*acc \(100×3 float64\).*gyro"):
        read_recording(path)
    assert read_recording(path, dataset="gyro").channel_names == ["gyro[0]", "gyro[1]", "gyro[2]"]
    with pytest.raises(ReadError, match="imu.mat.*'fs'"):
        read_recording(path, dataset="fs")


def test_truncated_v73_file(tmp_path):
    path = write_v73(tmp_path / "whole.mat", {"x": np.zeros((50000, 1)), "fs": np.array([[1.0]])})
    cut = tmp_path / "cut.mat"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ReadError, match="cut.mat.*MATLAB v7.3.*truncated"):
        read_recording(cut)
