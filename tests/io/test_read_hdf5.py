"""HDF5 files generated with h5py: choosing the dataset, rate, names, orientation, memory."""

from __future__ import annotations

import datetime as dt

import h5py
import numpy as np
import pytest

from anomaly_gui.errors import MissingSamplingRateError, ReadError
from anomaly_gui.io import ChoiceRequiredError, DatasetChoice, detect_format, list_channels, read_recording
from anomaly_gui.io import hdf5 as hdf5_module

RNG = np.random.default_rng(11)


def test_single_dataset_with_root_rate_is_memory_mapped(tmp_path):
    path = tmp_path / "log.h5"
    data = RNG.normal(size=(5000, 3)).astype(np.float32)
    with h5py.File(path, "w") as f:
        f.attrs["sampling_rate"] = 2000.0
        dset = f.create_dataset("acc", data=data)
        dset.attrs["channels"] = np.array([b"x", b"y", b"z"])
        dset.attrs["units"] = "g"
        dset.attrs["start_time"] = "2024-05-01T08:30:00"
    assert detect_format(path) == "hdf5"
    rec = read_recording(path)
    assert rec.channel_names == ["x", "y", "z"] and [c.unit for c in rec.channels] == ["g"] * 3
    assert rec.fs_hz == 2000.0 and rec.start_time == dt.datetime(2024, 5, 1, 8, 30)
    assert isinstance(rec.data, np.memmap) and rec.meta["memory_mapped"]
    np.testing.assert_array_equal(rec.data, data)


def test_several_datasets_need_a_choice(tmp_path):
    path = tmp_path / "runs.hdf5"
    with h5py.File(path, "w") as f:
        f.create_dataset("run1/accel", data=RNG.normal(size=(4000, 3)))
        f.create_dataset("run2/accel", data=RNG.normal(size=(3000, 2)))
        f["run1"].attrs["fs"] = 1000.0
        f.create_dataset("run2/Fs", data=500.0)  # a rate as a scalar dataset next to it
    with pytest.raises(ChoiceRequiredError) as info:
        read_recording(path)
    error = info.value
    assert isinstance(error, ReadError) and "runs.hdf5" in str(error) and "--dataset" in str(error)
    assert error.choices == [
        DatasetChoice("/run1/accel", (4000, 3), "float64"),
        DatasetChoice("/run2/accel", (3000, 2), "float64"),
    ]
    assert str(error.choices[0]) == "/run1/accel (4000×3 float64)"
    first = read_recording(path, dataset="run1/accel")
    assert first.data.shape == (4000, 3) and first.fs_hz == 1000.0
    second = read_recording(path, dataset="/run2/accel")
    assert second.fs_hz == 500.0 and second.meta["rate_from"] == "dataset /run2/Fs"
    with pytest.raises(ChoiceRequiredError, match="no signal array 'run3'"):
        read_recording(path, dataset="run3")


def test_compressed_channels_by_samples_read_in_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(hdf5_module, "_BLOCK_ELEMENTS", 3000)  # many blocks
    path = tmp_path / "packed.h5"
    data = RNG.normal(size=(4, 10007))
    with h5py.File(path, "w") as f:
        group = f.create_group("daq")
        group.attrs["dt"] = 1e-4
        dset = group.create_dataset("signals", data=data, compression="gzip", chunks=(4, 1000))
        dset.attrs["channel_names"] = "a, b, c, d"
    rec = read_recording(path)
    assert rec.data.shape == (10007, 4) and rec.fs_hz == pytest.approx(10000.0)
    assert rec.channel_names == ["a", "b", "c", "d"] and rec.meta["transposed"]
    assert not isinstance(rec.data, np.memmap)
    np.testing.assert_allclose(rec.data, data.T.astype(np.float32))


def test_group_of_vectors_is_one_recording(tmp_path):
    path = tmp_path / "vectors.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("ch/left", data=np.arange(100, dtype=np.int16))
        f.create_dataset("ch/right", data=-np.arange(100, dtype=np.int16))
        f.create_dataset("ch/time", data=np.arange(100) / 50.0)
    rec = read_recording(path)
    assert rec.channel_names == ["left", "right"] and rec.fs_hz == 50.0
    assert rec.data[10].tolist() == [10.0, -10.0]
    assert [c.name for c in list_channels(path)] == ["left", "right"]
    assert read_recording(path, dataset="ch").n_channels == 2


def test_missing_rate_and_non_numeric_datasets(tmp_path):
    path = tmp_path / "bare.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=np.arange(10.0))
        f.create_dataset("label", data=np.array([b"a", b"b"]))
    with pytest.raises(MissingSamplingRateError, match="bare.h5"):
        read_recording(path)
    assert read_recording(path, fs_hz=4.0).n_samples == 10
    with pytest.raises(ReadError, match="bare.h5.*'/label'.*numeric"):
        read_recording(path, dataset="label", fs_hz=1.0)
    text_only = tmp_path / "text.h5"
    with h5py.File(text_only, "w") as f:
        f.create_dataset("names", data=np.array([b"a", b"b"]))
    with pytest.raises(ReadError, match="text.h5.*no numeric 1-D or 2-D dataset"):
        read_recording(text_only, fs_hz=1.0)


def test_user_block_and_dataset_keyword_for_other_formats(tmp_path, shared_data):
    path = tmp_path / "blocked.h5"
    with h5py.File(path, "w", userblock_size=1024) as f:
        f.create_dataset("x", data=np.arange(64.0)).attrs["fs"] = 8.0
    assert detect_format(path) == "hdf5"
    assert read_recording(path).n_samples == 64
    with pytest.raises(ReadError, match="0.csv.*single signal"):
        read_recording(shared_data / "skab/valve1/0.csv", dataset="x")


def test_wrong_channel_name_count_is_ignored_with_a_warning(tmp_path):
    path = tmp_path / "names.h5"
    with h5py.File(path, "w") as f:
        dset = f.create_dataset("x", data=np.zeros((10, 2)))
        dset.attrs["channels"] = ["only one"]
        dset.attrs["fs"] = 1.0
    rec = read_recording(path)
    assert rec.channel_names == ["ch0", "ch1"] and "names ignored" in rec.meta["warnings"][0]
