"""Fixtures for the session tests: a 60 s crop of MIT-BIH 119 written as its own WFDB record
(a real source file to reload), and one quick detection on it shared by the module tests."""

from pathlib import Path

import pytest

from session_helpers import FAST_BEATS


@pytest.fixture(scope="session")
def ecg_source(shared_data, tmp_path_factory) -> Path:
    """``r119.hea``: the first 60 s of mitdb/119 as a WFDB record in a temporary folder."""
    import wfdb

    rec = wfdb.rdrecord(str(shared_data / "mitdb" / "119"), sampto=360 * 60, physical=False)
    folder = tmp_path_factory.mktemp("ecg")
    wfdb.wrsamp("r119", fs=360, units=rec.units, sig_name=rec.sig_name, d_signal=rec.d_signal,
                fmt=rec.fmt, adc_gain=rec.adc_gain, baseline=rec.baseline, write_dir=str(folder))
    return folder / "r119.hea"


@pytest.fixture(scope="session")
def ecg_detection(ecg_source):
    """``(recording, result)``: beat-synchronous detection with two epochs on the 60 s crop."""
    from anomaly_gui.detect.pipeline import run_detection
    from anomaly_gui.io import read_recording

    rec = read_recording(ecg_source)
    return rec, run_detection(rec, FAST_BEATS)

