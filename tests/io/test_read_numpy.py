"""NumPy .npy/.npz files, generated in tmp_path."""

from __future__ import annotations

import numpy as np
import pytest

from anomaly_gui.errors import MissingSamplingRateError, ReadError
from anomaly_gui.io import read_recording


def test_npy_1d_is_one_channel_and_needs_fs(tmp_path):
    path = tmp_path / "signal.npy"
    np.save(path, np.linspace(-1, 1, 1000, dtype=np.float32))
    with pytest.raises(MissingSamplingRateError, match="signal.npy"):
        read_recording(path)
    rec = read_recording(path, fs_hz=500.0)
    assert rec.data.shape == (1000, 1)
    assert rec.fs_hz == 500.0 and rec.channel_names == ["ch0"]
    assert rec.meta["format"] == "npy"


def test_npy_float32_is_memory_mapped_not_copied(tmp_path):
    path = tmp_path / "big.npy"
    np.save(path, np.arange(40000, dtype=np.float32).reshape(10000, 4))
    rec = read_recording(path, fs_hz=1.0)
    assert isinstance(rec.data, np.memmap)
    assert rec.meta["memory_mapped"] is True
    assert not rec.data.flags.writeable
    assert rec.data[9999, 3] == 39999.0


def test_npy_float64_samples_by_channels_is_converted(tmp_path):
    path = tmp_path / "f64.npy"
    array = np.random.default_rng(1).normal(size=(300, 3))
    np.save(path, array)
    rec = read_recording(path, fs_hz=100.0)
    assert rec.data.dtype == np.float32 and rec.data.flags.c_contiguous
    assert rec.data.shape == (300, 3)
    np.testing.assert_allclose(rec.data, array.astype(np.float32))
    assert rec.meta["memory_mapped"] is False


def test_npy_few_rows_many_columns_is_channels_by_samples(tmp_path):
    path = tmp_path / "wide.npy"
    array = np.vstack([np.arange(1000), -np.arange(1000)]).astype(np.int16)
    np.save(path, array)
    rec = read_recording(path, fs_hz=1.0)
    assert rec.data.shape == (1000, 2)
    assert rec.meta["transposed"] is True
    assert rec.data[10].tolist() == [10.0, -10.0]
    assert rec.data.flags.c_contiguous


def test_npy_tall_array_is_not_transposed(tmp_path):
    path = tmp_path / "tall.npy"
    np.save(path, np.zeros((100, 80)))  # 80 columns: more than 64, still samples × channels
    assert read_recording(path, fs_hz=1.0).data.shape == (100, 80)


def test_npy_object_array_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "objects.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(ReadError, match="objects.npy.*(pickle|objects)"):
        read_recording(path, fs_hz=1.0)


def test_npy_3d_is_refused_with_its_shape(tmp_path):
    path = tmp_path / "cube.npy"
    np.save(path, np.zeros((4, 5, 6)))
    with pytest.raises(ReadError, match=r"cube.npy.*\(4, 5, 6\)"):
        read_recording(path, fs_hz=1.0)


def test_npy_complex_is_refused(tmp_path):
    path = tmp_path / "iq.npy"
    np.save(path, np.ones(10, dtype=np.complex64))
    with pytest.raises(ReadError, match="iq.npy.*complex"):
        read_recording(path, fs_hz=1.0)


def test_npz_with_fs_and_channel_names(tmp_path):
    path = tmp_path / "session.npz"
    data = np.random.default_rng(2).normal(size=(3, 2000))  # channels × samples
    np.savez(path, meta_matrix=np.eye(3), data=data, fs=np.float64(128.0),
             channels=np.array(["Fz", "Cz", "Pz"]), units=np.array(["uV", "uV", "uV"]))
    rec = read_recording(path)
    assert rec.fs_hz == 128.0 and rec.meta["fs_source"] == "file"
    assert rec.data.shape == (2000, 3)
    assert rec.channel_names == ["Fz", "Cz", "Pz"]
    assert rec.channels[0].unit == "uV"
    assert rec.meta["array"] == "data"
    np.testing.assert_allclose(rec.data[:, 1], data[1].astype(np.float32))
    assert "meta_matrix" in rec.meta["other_arrays"]


def test_npz_first_numeric_array_and_compressed(tmp_path):
    path = tmp_path / "packed.npz"
    np.savez_compressed(path, label=np.array("run 1"), accel=np.arange(50.0), sampling_rate=25)
    rec = read_recording(path)
    assert rec.meta["array"] == "accel"
    assert rec.fs_hz == 25.0
    assert rec.data.shape == (50, 1)


def test_npz_fs_argument_overrides(tmp_path):
    path = tmp_path / "o.npz"
    np.savez(path, x=np.arange(10.0), fs_hz=10.0)
    rec = read_recording(path, fs_hz=20.0)
    assert rec.fs_hz == 20.0 and rec.meta["fs_from_file_hz"] == 10.0


def test_npz_mismatched_names_are_ignored_with_a_warning(tmp_path):
    path = tmp_path / "names.npz"
    np.savez(path, signal=np.zeros((10, 2)), channel_names=np.array(["only one"]), fs=1.0)
    rec = read_recording(path)
    assert rec.channel_names == ["ch0", "ch1"]
    assert "names ignored" in rec.meta["warnings"][0]


def test_npz_without_numeric_arrays(tmp_path):
    path = tmp_path / "words.npz"
    np.savez(path, names=np.array(["a", "b"]), fs=5.0)
    with pytest.raises(ReadError, match="words.npz.*no numeric"):
        read_recording(path)
