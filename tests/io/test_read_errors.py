"""Broken input of every kind ends in one typed error that names the file."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import scipy.io.wavfile

from anomaly_gui.errors import (
    DataError,
    MissingSamplingRateError,
    ReadError,
    UnsupportedFormatError,
)
from anomaly_gui.io import SUPPORTED_EXTENSIONS, read_recording

GARBAGE = bytes(np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8))


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="nothere.csv"):
        read_recording(tmp_path / "nothere.csv")


def test_folder(tmp_path):
    folder = tmp_path / "recordings.csv"
    folder.mkdir()
    with pytest.raises(ReadError, match="recordings.csv.*folder"):
        read_recording(folder)


@pytest.mark.parametrize("suffix", [*SUPPORTED_EXTENSIONS, ".bin", ""])
def test_empty_file_of_each_extension(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match=rf"empty{suffix}.*empty \(0 bytes\)"):
        read_recording(path, fs_hz=100.0)


@pytest.mark.parametrize(
    "suffix",
    [".mat", ".wav", ".npy", ".npz", ".hea", ".dat", ".atr", ".csv", ".edf", ".bdf", ".tdms",
     ".h5", ".parquet", ".feather"],
)
def test_garbage_bytes_with_a_known_extension(tmp_path, suffix):
    path = tmp_path / f"garbage{suffix}"
    path.write_bytes(GARBAGE)
    with pytest.raises(ReadError, match=f"garbage{suffix}") as info:
        read_recording(path, fs_hz=100.0)
    assert "Traceback" not in str(info.value)


def test_unknown_extension_with_binary_content(tmp_path):
    path = tmp_path / "capture.xyz"
    path.write_bytes(GARBAGE)
    with pytest.raises(UnsupportedFormatError, match=r"capture.xyz.*Supported: CSV.*WFDB.*MATLAB"):
        read_recording(path, fs_hz=100.0)


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"TDSh" + bytes(40), "TDMS index file"),
        (b"\x1f\x8b\x08" + bytes(40), "gzip"),
        (b"%PDF-1.7" + bytes(40), "PDF"),
    ],
)
def test_recognised_but_unsupported_formats_say_what_they_are(tmp_path, head, what):
    path = tmp_path / "thing.bin"
    path.write_bytes(head)
    with pytest.raises(UnsupportedFormatError, match=f"thing.bin.*{what}.*Supported"):
        read_recording(path)


def test_text_with_no_numbers(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("this is a note\nnothing numeric here\n")
    with pytest.raises(ReadError, match="notes.txt"):
        read_recording(path, fs_hz=1.0)


def test_truncated_npy(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.arange(10000, dtype=np.float64))
    path = tmp_path / "cut.npy"
    path.write_bytes(buffer.getvalue()[:5000])
    with pytest.raises(ReadError, match="cut.npy.*truncated"):
        read_recording(path, fs_hz=1.0)


def test_truncated_npz(tmp_path):
    source = tmp_path / "whole.npz"
    np.savez(source, data=np.arange(10000.0), fs=10.0)
    path = tmp_path / "cut.npz"
    path.write_bytes(source.read_bytes()[:3000])
    with pytest.raises(ReadError, match="cut.npz"):
        read_recording(path)


def test_zip_that_is_not_npz(tmp_path):
    path = tmp_path / "docs.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ReadError, match="docs.npz"):
        read_recording(path, fs_hz=1.0)


def test_zero_samples(tmp_path):
    npy = tmp_path / "none.npy"
    np.save(npy, np.zeros((0, 3), dtype=np.float32))
    wav = tmp_path / "none.wav"
    scipy.io.wavfile.write(wav, 100, np.zeros(0, dtype=np.int16))
    for path in (npy, wav):
        with pytest.raises(ReadError, match=path.name):
            read_recording(path, fs_hz=1.0)


def test_library_errors_are_wrapped_with_their_cause(tmp_path):
    path = tmp_path / "broken.mat"
    path.write_bytes(b"MATLAB 5.0 MAT-file" + GARBAGE)
    with pytest.raises(ReadError, match="broken.mat") as info:
        read_recording(path, fs_hz=1.0)
    assert info.value.__cause__ is not None


def test_missing_rate_names_the_file_and_the_option(shared_data):
    path = shared_data / "ucr/001_UCR_Anomaly_DISTORTED1sddb40_35000_52000_52620.txt"
    with pytest.raises(MissingSamplingRateError) as info:
        read_recording(path)
    message = str(info.value)
    assert path.name in message and "sampling rate" in message and "--fs" in message


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "fast"])
def test_invalid_fs_argument(tmp_path, bad):
    path = tmp_path / "x.csv"
    path.write_text("1\n2\n3\n")
    with pytest.raises(DataError, match="Sampling rate"):
        read_recording(path, fs_hz=bad)
