"""WFDB records: the seven MIT-BIH records, the WFDB-MAT record a103l, generated records."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pytest

from anomaly_gui.errors import ReadError
from anomaly_gui.io import detect_format, read_recording

wfdb = pytest.importorskip("wfdb")

# Beat counts from the manifest (non-beat codes such as + and ~ excluded).
MITDB_BEATS = {"100": 2273, "105": 2572, "106": 2027, "119": 1987, "208": 2955, "209": 3005, "233": 3079}


@pytest.mark.parametrize("record", sorted(MITDB_BEATS))
def test_mitdb_records(shared_data, record):
    rec = read_recording(shared_data / "mitdb" / f"{record}.hea")
    assert rec.data.shape == (650000, 2)
    assert rec.data.dtype == np.float32 and rec.data.flags.c_contiguous
    assert rec.fs_hz == 360.0
    assert rec.channel_names[0] == "MLII"
    assert [c.unit for c in rec.channels] == ["mV", "mV"]
    assert rec.meta["format"] == "wfdb" and rec.meta["storage_format"] == ["212"]
    assert rec.meta["beat_count"] == MITDB_BEATS[record]
    assert rec.annotations.source == "atr"
    assert len(rec.annotations) >= MITDB_BEATS[record]


def test_mitdb_119_matches_wfdb_and_keeps_every_annotation(shared_data):
    base = shared_data / "mitdb" / "119"
    rec = read_recording(base.with_suffix(".hea"))
    reference = wfdb.rdrecord(str(base))
    assert rec.channel_names == ["MLII", "V1"]
    np.testing.assert_allclose(rec.data[:5000], reference.p_signal[:5000], rtol=1e-6)
    ann = rec.annotations
    # 1987 beats + 103 rhythm changes (+) + 4 signal-quality changes (~)
    assert len(ann) == 2094 and rec.meta["beat_count"] == 1987
    assert ann.labels[:5] == ("+", "N", "V", "N", "N")
    assert ann.onset_samples[:3].tolist() == [32, 309, 503]
    assert ann.onset_samples.dtype == np.int64
    assert ann.notes[0] == "(N"  # the trailing NUL of the aux string is dropped
    assert ann.labels.count("V") == 444 and ann.labels.count("+") == 103
    assert rec.meta["comments"][1] == "Pronestyl"


def test_signal_quality_changes_say_noise_clean_or_unreadable(shared_data):
    # MIT-BIH 105 is noisy for long stretches; its ~ annotations carry the quality in their
    # subtype (0 clean, -1 unreadable, otherwise noise in some signals)
    base = shared_data / "mitdb" / "105"
    ann = read_recording(base.with_suffix(".hea")).annotations
    reference = wfdb.rdann(str(base), "atr")
    quality = [(n, int(st)) for s, n, st in zip(ann.labels, ann.notes, reference.subtype) if s == "~"]
    assert len(quality) == 88
    assert {n for n, st in quality if st == 0} == {"clean"}
    assert {n for n, st in quality if st < 0} == {"unreadable"}
    assert {n for n, st in quality if st > 0} == {"noise"}
    assert sum(n == "clean" for n, _ in quality) == 30


@pytest.mark.parametrize("suffix", [".dat", ".atr", ".hea"])
def test_any_file_of_the_record_opens_it(shared_data, suffix):
    path = shared_data / "mitdb" / f"208{suffix}"
    assert detect_format(path) == "wfdb"
    rec = read_recording(path)
    assert rec.source == path and rec.meta["record"] == "208"
    assert rec.n_samples == 650000


@pytest.mark.parametrize("suffix", [".mat", ".hea"])
def test_wfdb_mat_record_a103l(shared_data, suffix):
    path = shared_data / "formats" / "mat" / f"a103l{suffix}"
    assert detect_format(path) == "wfdb"
    rec = read_recording(path)
    reference = wfdb.rdrecord(str(path.with_suffix("")))
    assert rec.data.shape == (82500, 3)
    assert rec.fs_hz == 250.0
    assert rec.channel_names == ["II", "V", "PLETH"]
    assert [c.unit for c in rec.channels] == ["mV", "mV", "NU"]
    assert rec.meta["comments"] == ["Asystole", "False alarm"]
    assert len(rec.annotations) == 0
    np.testing.assert_allclose(rec.data, reference.p_signal, rtol=1e-6, equal_nan=True)


def test_fs_argument_overrides_header(shared_data):
    rec = read_recording(shared_data / "mitdb" / "100.hea", fs_hz=180.0)
    assert rec.fs_hz == 180.0 and rec.meta["fs_from_file_hz"] == 360.0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # inside wfdb.wrsamp (pandas 3)
def test_generated_record_with_start_time(tmp_path):
    signal = np.column_stack([np.sin(np.arange(1000) / 10), np.cos(np.arange(1000) / 10)])
    wfdb.wrsamp(
        "gen", fs=500, units=["mV", "mmHg"], sig_name=["ECG", "ABP"], p_signal=signal,
        fmt=["16", "16"], base_time=dt.time(8, 30, 0), base_date=dt.date(2020, 2, 1),
        write_dir=str(tmp_path),
    )
    rec = read_recording(tmp_path / "gen.dat")
    assert rec.start_time == dt.datetime(2020, 2, 1, 8, 30)
    assert rec.channel_names == ["ECG", "ABP"] and rec.fs_hz == 500.0
    np.testing.assert_allclose(rec.data, signal, atol=1e-3)
    assert len(rec.annotations) == 0


def _copy_record(shared_data, tmp_path, record="119", cut_dat_to=None):
    for suffix in (".hea", ".atr", ".dat"):
        source = shared_data / "mitdb" / f"{record}{suffix}"
        target = tmp_path / source.name
        if suffix == ".dat" and cut_dat_to is not None:
            target.write_bytes(source.read_bytes()[:cut_dat_to])
        else:
            shutil.copy(source, target)
    return tmp_path / f"{record}.hea"


def test_truncated_dat_is_reported(shared_data, tmp_path):
    header = _copy_record(shared_data, tmp_path, cut_dat_to=1_000_000)
    for path in (header, header.with_suffix(".dat")):
        with pytest.raises(ReadError, match=r"119\.dat.*truncated"):
            read_recording(path)


def test_truncated_wfdb_mat_is_reported(shared_data, tmp_path):
    source = shared_data / "formats" / "mat"
    shutil.copy(source / "a103l.hea", tmp_path)
    (tmp_path / "a103l.mat").write_bytes((source / "a103l.mat").read_bytes()[:200_000])
    with pytest.raises(ReadError, match=r"a103l\.mat.*truncated"):
        read_recording(tmp_path / "a103l.mat")


def test_missing_signal_file(shared_data, tmp_path):
    shutil.copy(shared_data / "mitdb" / "119.hea", tmp_path)
    with pytest.raises(ReadError, match=r"119\.dat.*missing"):
        read_recording(tmp_path / "119.hea")


def test_dat_without_header(shared_data, tmp_path):
    shutil.copy(shared_data / "mitdb" / "119.dat", tmp_path)
    with pytest.raises(ReadError, match=r"119\.dat.*119\.hea"):
        read_recording(tmp_path / "119.dat")


def test_corrupt_atr_still_opens_the_signal(shared_data, tmp_path):
    header = _copy_record(shared_data, tmp_path)
    header.with_suffix(".atr").write_bytes(b"\xff" * 7)
    rec = read_recording(header)
    assert rec.n_samples == 650000 and len(rec.annotations) == 0
    assert "119.atr" in rec.meta["warnings"][0]


def test_garbage_header(tmp_path):
    path = tmp_path / "junk.hea"
    path.write_bytes(b"\x00\x01\x02 not a header \xff\xfe")
    with pytest.raises(ReadError, match="junk.hea"):
        read_recording(path)
