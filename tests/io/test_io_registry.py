"""The registry: format sniffing, the dialog filter, and what importing anomaly_gui.io costs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from anomaly_gui.io import FILE_DIALOG_FILTER, FORMATS, SUPPORTED_EXTENSIONS, detect_format, read_recording


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("mitdb/100.hea", "wfdb"),
        ("mitdb/100.dat", "wfdb"),
        ("mitdb/100.atr", "wfdb"),
        ("formats/mat/a103l.mat", "wfdb"),
        ("cwru/12k_DE/B007_0.mat", "matlab"),
        ("formats/wav/SC4001E0-PSG.wav", "wav"),
        ("ucr/001_UCR_Anomaly_DISTORTED1sddb40_35000_52000_52620.txt", "text"),
        ("ucr/001_UCR_Anomaly_DISTORTED1sddb40_35000_52000_52620.out", "text"),
        ("skab/valve1/0.csv", "text"),
        ("formats/edf/test_subsecond.edf", "edf"),
        ("formats/edf/test_edfann.edf", "edf"),
        ("formats/bdf/test_generator.bdf", "edf"),
        ("formats/tdms/raw1.tdms", "tdms"),
        ("formats/tdms/big_endian.tdms", "tdms"),
    ],
)
def test_detect_real_files(shared_data, relative, expected):
    assert detect_format(shared_data / relative) == expected


def test_magic_bytes_win_over_the_extension(tmp_path):
    path = tmp_path / "mislabelled.csv"
    with open(path, "wb") as fh:
        np.save(fh, np.arange(5.0))
    assert detect_format(path) == "npy"
    assert read_recording(path, fs_hz=1.0).meta["format"] == "npy"


def test_wav_content_under_another_name(shared_data, tmp_path):
    path = tmp_path / "psg.bin"
    path.write_bytes((shared_data / "formats/wav/SC4001E0-PSG.wav").read_bytes())
    assert read_recording(path).n_channels == 7


def test_text_content_with_an_unknown_extension(tmp_path):
    path = tmp_path / "logger.log"
    path.write_text("t,x\n0.0,1\n0.5,2\n1.0,3\n")
    assert detect_format(path) == "text"
    assert read_recording(path).fs_hz == 2.0


def test_supported_extensions_and_dialog_filter():
    for ext in (".csv", ".tsv", ".txt", ".out", ".npy", ".npz", ".wav", ".hea", ".dat", ".atr", ".mat",
                ".edf", ".bdf", ".tdms", ".h5", ".hdf5", ".parquet", ".feather", ".arrow"):
        assert ext in SUPPORTED_EXTENSIONS
        assert f"*{ext}" in FILE_DIALOG_FILTER.split(";;")[0]
    assert isinstance(FILE_DIALOG_FILTER, str)
    assert FILE_DIALOG_FILTER.startswith("Recordings (")
    assert FILE_DIALOG_FILTER.endswith(";;All files (*)")
    assert set(FORMATS) == {"text", "npy", "npz", "wav", "wfdb", "matlab", "edf", "tdms", "hdf5", "columnar"}
    for label in ("EDF/BDF recordings (*.edf *.bdf", "NI TDMS files (*.tdms)", "HDF5 files (*.h5",
                  "Parquet/Feather tables (*.parquet"):
        assert label in FILE_DIALOG_FILTER


def _run_isolated(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_io_stays_light():
    heavy = _run_isolated(
        """
        import sys
        import anomaly_gui.io
        roots = {name.split(".")[0] for name in sys.modules}
        heavy = {"pandas", "scipy", "wfdb", "soundfile", "torch", "PySide6", "pyqtgraph",
                 "h5py", "nptdms", "pyarrow", "pyedflib"}
        print(sorted(roots & heavy))
        """
    )
    assert heavy == "[]"


def test_every_reader_imports_without_qt():
    out = _run_isolated(
        """
        import importlib, importlib.abc, sys

        class BlockQt(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6"):
                    raise ImportError(f"{name} is blocked in core modules")
                return None

        sys.meta_path.insert(0, BlockQt())
        from anomaly_gui.io import FORMATS
        for spec in FORMATS.values():
            importlib.import_module(f"anomaly_gui.io.{spec.module}")
        print("ok")
        """
    )
    assert out == "ok"
