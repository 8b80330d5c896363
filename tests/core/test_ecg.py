import numpy as np
import pytest

from anomaly_gui.dsp.ecg import detect_r_peaks, heart_rate_bpm
from anomaly_gui.evaluate.metrics import BEAT_SYMBOLS
from anomaly_gui.io import read_recording


@pytest.mark.parametrize("record", ["100", "208"])
def test_r_peaks_match_annotated_beats(shared_data, record):
    rec = read_recording(shared_data / "mitdb" / f"{record}.hea")
    beats = np.array([s for s, c in zip(rec.annotations.onset_samples, rec.annotations.labels) if c in BEAT_SYMBOLS])
    peaks = detect_r_peaks(rec.data[:, 0], rec.fs_hz)
    tol = int(0.15 * rec.fs_hz)
    nearest = np.abs(peaks[np.clip(np.searchsorted(peaks, beats), 0, len(peaks) - 1)] - beats)
    before = np.abs(peaks[np.clip(np.searchsorted(peaks, beats) - 1, 0, len(peaks) - 1)] - beats)
    sensitivity = np.mean(np.minimum(nearest, before) <= tol)
    positive_predictivity = min(1.0, len(beats) / len(peaks)) if len(peaks) else 0.0
    assert sensitivity > 0.98
    assert positive_predictivity > 0.98


def test_heart_rate_of_a_regular_train():
    peaks = np.arange(0, 3600, 360)  # one beat a second at 360 Hz
    assert np.allclose(heart_rate_bpm(peaks, 360.0), 60.0)
    assert detect_r_peaks(np.zeros(100), 360.0).size == 0
