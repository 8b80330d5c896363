"""Display filters: known signals, chunk joins, gaps, bad corners, and a real ECG's baseline."""

import numpy as np
import pytest

from anomaly_gui.dsp import filters
from anomaly_gui.dsp.filters import DisplayFilter, filter_signal
from anomaly_gui.errors import Cancelled, DataError
from anomaly_gui.io import read_recording


def _amplitude(x: np.ndarray, f_hz: float, fs: float) -> float:
    """Amplitude of the ``f_hz`` component (an integer number of cycles fits ``x``)."""
    t = np.arange(len(x)) / fs
    return float(2 * abs(np.mean(x * np.exp(-2j * np.pi * f_hz * t))))


def test_each_stage_removes_its_band_and_keeps_the_rest():
    fs = 500.0
    t = np.arange(int(20 * fs)) / fs
    wander, qrs_band, hum, high = (np.sin(2 * np.pi * f * t) for f in (0.1, 10.0, 50.0, 150.0))
    x = (3 * wander + qrs_band + 0.5 * hum + 0.5 * high).astype(np.float32)
    y = filter_signal(x, fs, DisplayFilter(highpass_hz=0.5, lowpass_hz=100.0, notch_hz=50.0))
    assert y.dtype == np.float32 and y.shape == x.shape
    core = slice(int(2 * fs), int(18 * fs))  # away from the ends
    assert _amplitude(y[core], 0.1, fs) < 0.15  # 3 -> < 0.15
    assert _amplitude(y[core], 10.0, fs) == pytest.approx(1.0, abs=0.02)
    assert _amplitude(y[core], 50.0, fs) < 0.01
    assert _amplitude(y[core], 150.0, fs) < 0.05
    # Forward and backward: no delay, so the 10 Hz wave stays in phase with the original.
    assert np.corrcoef(y[core], qrs_band[core])[0, 1] > 0.99


def test_chunks_join_as_if_filtered_in_one_pass(monkeypatch):
    from scipy.signal import sosfiltfilt

    fs = 360.0
    rng = np.random.default_rng(1)
    x = np.cumsum(rng.standard_normal((30_000, 2)), axis=0).astype(np.float32)
    flt = DisplayFilter(highpass_hz=0.5, lowpass_hz=40.0, notch_hz=60.0)
    whole = sosfiltfilt(flt.sos(fs), x.astype(np.float64), axis=0)
    monkeypatch.setattr(filters, "CHUNK_SAMPLES", 4096)
    chunked = filter_signal(x, fs, flt)
    assert np.abs(chunked - whole).max() < 1e-3 * np.abs(whole).max()


def test_gaps_stay_gaps_and_do_not_spread():
    fs = 100.0
    x = np.sin(2 * np.pi * 5 * np.arange(4000) / fs).astype(np.float32)[:, None].repeat(2, axis=1)
    x[1000:1100, 0] = np.nan
    y = filter_signal(x, fs, DisplayFilter(highpass_hz=1.0))
    assert np.isnan(y[1000:1100, 0]).all()
    assert np.isfinite(y[:1000, 0]).all() and np.isfinite(y[1100:, 0]).all()
    assert np.isfinite(y[:, 1]).all()


def test_an_inactive_filter_copies_and_describes_itself():
    x = np.arange(10, dtype=np.float64)
    flt = DisplayFilter()
    assert not flt.is_active and flt.describe() == "none"
    y = filter_signal(x, 10.0, flt)
    assert y.dtype == np.float32 and np.array_equal(y, x)
    assert DisplayFilter(0.5, 40.0, 50.0).describe() == "HP 0.5 Hz · LP 40 Hz · notch 50 Hz"


@pytest.mark.parametrize(
    "flt, message",
    [
        (DisplayFilter(lowpass_hz=200.0), "not below half the sampling rate"),
        (DisplayFilter(notch_hz=250.0), "not below half the sampling rate"),
        (DisplayFilter(highpass_hz=40.0, lowpass_hz=10.0), "must be below the low-pass"),
        (DisplayFilter(highpass_hz=0.0), "above 0 Hz"),
        (DisplayFilter(highpass_hz=float("nan")), "above 0 Hz"),
    ],
)
def test_corners_the_rate_cannot_have_are_refused(flt, message):
    with pytest.raises(DataError, match=message):
        filter_signal(np.zeros(1000), 360.0, flt)


def test_cancel_stops_between_chunks(monkeypatch):
    class CancelAfterFirst:
        calls = 0

        def check_cancelled(self):
            self.calls += 1
            if self.calls > 1:
                raise Cancelled("cancelled")

        def progress(self, fraction, message=""):
            pass

    monkeypatch.setattr(filters, "CHUNK_SAMPLES", 1000)
    with pytest.raises(Cancelled):
        filter_signal(np.zeros(5000), 100.0, DisplayFilter(highpass_hz=1.0), CancelAfterFirst())


def test_high_pass_takes_the_baseline_off_a_real_ecg_and_keeps_its_r_waves(shared_data):
    rec = read_recording(shared_data / "mitdb" / "105.hea")  # noisy, with baseline wander
    fs = rec.fs_hz
    lead = np.asarray(rec.data[:, 0])
    y = filter_signal(lead, fs, DisplayFilter(highpass_hz=0.5, lowpass_hz=40.0))
    # The baseline: the mean of each 3 s (a few beats), which wanders by 0.1 mV in this record.
    block = int(3 * fs)
    usable = len(lead) // block * block
    raw_baseline = lead[:usable].reshape(-1, block).mean(axis=1)
    new_baseline = y[:usable].reshape(-1, block).mean(axis=1)
    assert np.std(raw_baseline) > 0.05
    assert np.std(new_baseline) < 0.25 * np.std(raw_baseline)
    second = int(fs)
    beats = rec.annotations.onset_samples[(rec.annotations.onset_samples > second)
                                          & (rec.annotations.onset_samples < len(lead) - second)]
    beats = beats[[s in "NV" for s in np.asarray(rec.annotations.labels)[np.searchsorted(
        rec.annotations.onset_samples, beats)]]]
    # Each beat's QRS height (peak to trough within ±60 ms) keeps most of its size.
    half = int(0.06 * fs)
    raw_qrs = np.array([np.ptp(lead[b - half : b + half]) for b in beats])
    new_qrs = np.array([np.ptp(y[b - half : b + half]) for b in beats])
    assert np.median(new_qrs / raw_qrs) == pytest.approx(1.0, abs=0.15)
