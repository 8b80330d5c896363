"""ECG helpers: QRS (R-peak) detection and heart rate."""

from __future__ import annotations

import numpy as np


def detect_r_peaks(ecg: np.ndarray, fs_hz: float, refractory_s: float = 0.25) -> np.ndarray:
    """Sample indices of QRS complexes in a single-lead ECG (Pan–Tompkins-style).

    Band-pass 5–18 Hz, differentiate, square, integrate over 120 ms; peaks of that energy above
    an adaptive threshold (a fraction of a running high percentile, so amplitude changes over
    hours are followed) at least ``refractory_s`` apart. Each detection is then moved to the
    largest absolute deviation from the local median of the filtered signal within ±60 ms,
    which lands on the R (or dominant S) wave for either QRS polarity. Gaps (NaN, inf) are
    skipped: each finite stretch is searched on its own.
    """
    from scipy.ndimage import maximum_filter1d, median_filter
    from scipy.signal import butter, find_peaks, sosfiltfilt

    x = np.asarray(ecg, np.float64).ravel()
    finite = np.isfinite(x)
    if not finite.all():
        from ..segments import mask_to_intervals

        found = [detect_r_peaks(x[a:b], fs_hz, refractory_s) + a for a, b in mask_to_intervals(finite)]
        return np.concatenate(found).astype(np.int64) if found else np.zeros(0, np.int64)
    if x.size < int(2 * fs_hz):
        return np.zeros(0, np.int64)
    high = min(18.0, 0.45 * fs_hz)
    sos = butter(2, [5.0, high], btype="band", fs=fs_hz, output="sos")
    filtered = sosfiltfilt(sos, x)
    energy = np.gradient(filtered) ** 2
    width = max(1, int(round(0.12 * fs_hz)))
    energy = np.convolve(energy, np.ones(width) / width, mode="same")
    # Adaptive level: 12 % of the running maximum over 2 s windows, smoothed by a median
    # over 10 s, so one huge artefact raises the level only locally.
    step = max(1, int(fs_hz // 10))
    coarse = maximum_filter1d(energy, size=int(2 * fs_hz))[::step]
    coarse = median_filter(coarse, size=max(1, int(10 * fs_hz / step)) | 1, mode="nearest")
    level = 0.12 * np.interp(np.arange(x.size), np.arange(coarse.size) * step, coarse)
    peaks, _ = find_peaks(energy - level, height=0.0, distance=max(1, int(refractory_s * fs_hz)))
    half = max(1, int(round(0.06 * fs_hz)))
    baseline = median_filter(filtered[:: max(1, step // 4)], size=31, mode="nearest")
    baseline = np.interp(np.arange(x.size), np.arange(baseline.size) * max(1, step // 4), baseline)
    dev = np.abs(filtered - baseline)
    # Each detection moves to the largest deviation within ±half of it (the window clipped at
    # the ends; a tie goes to the earliest sample), for all peaks at once.
    offsets = np.arange(-half, half + 1)
    around = peaks[:, None] + offsets[None, :]
    inside = (around >= 0) & (around < x.size)
    values = np.where(inside, dev[np.clip(around, 0, x.size - 1)], -np.inf)
    refined = around[np.arange(len(peaks)), np.argmax(values, axis=1)]
    return np.unique(refined).astype(np.int64)


def heart_rate_bpm(r_peaks: np.ndarray, fs_hz: float) -> np.ndarray:
    """Instantaneous heart rate at each beat after the first (beats per minute)."""
    rr = np.diff(np.asarray(r_peaks, np.float64)) / fs_hz
    with np.errstate(divide="ignore"):
        return np.where(rr > 0, 60.0 / rr, np.nan)
