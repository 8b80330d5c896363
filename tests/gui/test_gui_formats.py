"""Every kind of file the readers know opens in the window through File ▸ Open."""

from __future__ import annotations

import numpy as np
import pytest

SHARED = [
    ("formats/bdf/test_generator.bdf", 30000, None),
    ("formats/edf/test_subsecond.edf", None, None),
    ("formats/tdms/raw1.tdms", 2000, None),
    ("formats/wav/SC4001E0-PSG.wav", 79500, None),
    ("formats/mat/a103l.hea", 82500, None),
    ("mitdb/119.hea", 650000, None),
    ("cwru/12k_DE/B007_0.mat", 122571, 12000.0),
    ("skab/valve1/0.csv", 1147, None),
]


@pytest.mark.parametrize("relative, n_samples, rate", SHARED)
def test_shared_samples_open_in_the_window(relative, n_samples, rate, drive, window, shared_data, import_answers,
                                           messages):
    import_answers.rate = rate
    recording = drive.open_through_menu(shared_data / relative)
    assert recording.n_samples > 0 and (n_samples is None or recording.n_samples == n_samples)
    assert len(window.view.channel_plots) == recording.n_channels
    assert (rate is not None) == bool(import_answers.asked)  # asked only when the file lacks the rate
    assert messages.warnings == [] and messages.tracebacks == []


def test_generated_tables_and_arrays_open_in_the_window(drive, window, tmp_path, import_answers, messages):
    h5py = pytest.importorskip("h5py")
    pa = pytest.importorskip("pyarrow")
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    t = np.arange(3000) / 500.0
    x = np.sin(2 * np.pi * 7 * t).astype(np.float32)
    table = pa.table({"time": t, "accel": x})
    pq.write_table(table, tmp_path / "run.parquet")
    feather.write_feather(table, tmp_path / "run.feather")
    np.save(tmp_path / "run.npy", x)
    np.savez(tmp_path / "run.npz", accel=x)
    with h5py.File(tmp_path / "run.h5", "w") as f:
        f["accel"] = x
        f["accel"].attrs["fs"] = 500.0
    import_answers.rate = 500.0
    for name in ("run.parquet", "run.feather", "run.npy", "run.npz", "run.h5"):
        recording = drive.open_through_menu(tmp_path / name)
        assert recording.n_samples == 3000 and recording.fs_hz == pytest.approx(500.0), name
        np.testing.assert_allclose(recording.data[:, 0], x, rtol=1e-6)
    assert messages.warnings == [] and messages.tracebacks == []
