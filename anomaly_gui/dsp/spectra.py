"""Spectra, envelope spectra and condition-indicator trends, as vibration analysis reads them.

- ``amplitude_spectrum``: Welch average of Hann-windowed segments, scaled so that a sinusoid of
  RMS value A shows a peak of height A (the amplitude spectrum of vibration analysers).
- ``envelope_spectrum``: the spectrum of the amplitude envelope (band-pass, Hilbert magnitude)
  where bearing defects show: each impact of a rolling element on a defect excites a structural
  resonance, and the envelope of that resonance repeats at the defect frequency.
- ``trends``: RMS, peak, crest factor and kurtosis per block of samples (kurtosis 3 for
  Gaussian vibration, higher when impacts appear).

Qt-free; every function takes ``(n,)`` or ``(n, ch)`` samples and returns one column per channel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError

# Welch segment length at most (samples): 1.5 Hz resolution at 12 kHz, 0.04 Hz at 360 Hz.
DEFAULT_SEGMENT = 8192
# Samples read per step when computing trends over long (memory-mapped) recordings.
TREND_CHUNK = 1 << 20


@dataclass(frozen=True)
class Spectrum:
    """``amplitude`` ``(n_freqs, ch)`` in the signal's unit (RMS per bin) at ``freqs_hz``."""

    freqs_hz: np.ndarray
    amplitude: np.ndarray
    segment: int  # Welch segment length in samples (the resolution is fs / segment)
    n_averages: int


@dataclass(frozen=True)
class Trends:
    """Per block of ``block`` samples: ``times_s`` (block centres from the recording's start)
    and ``(n_blocks, ch)`` arrays of the indicators."""

    times_s: np.ndarray
    rms: np.ndarray
    peak: np.ndarray
    crest_factor: np.ndarray
    kurtosis: np.ndarray
    block: int

    INDICATORS = ("rms", "peak", "crest_factor", "kurtosis")


def _as_2d(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    return x[:, None] if x.ndim == 1 else x


def _check_rate(fs_hz: float) -> None:
    if not np.isfinite(fs_hz) or fs_hz <= 0:
        raise DataError(f"A spectrum needs a positive sampling rate, got {fs_hz}.")


def amplitude_spectrum(x: np.ndarray, fs_hz: float, segment: int = DEFAULT_SEGMENT) -> Spectrum:
    """Welch amplitude spectrum of ``x`` (mean removed; Hann segments of ``segment`` samples or
    the whole signal if shorter, half overlapping)."""
    from scipy.signal import welch

    _check_rate(fs_hz)
    x = _as_2d(x)
    n = len(x)
    if n < 16:
        raise DataError(f"A spectrum needs at least 16 samples; the selection has {n}.")
    if not np.all(np.isfinite(x)):
        raise DataError("The selection contains NaN or infinite values; a spectrum cannot be computed.")
    nperseg = int(min(n, max(16, segment)))
    freqs, power = welch(
        np.asarray(x, np.float64), fs=fs_hz, window="hann", nperseg=nperseg, noverlap=nperseg // 2,
        detrend="constant", scaling="spectrum", axis=0,
    )
    n_averages = 1 + (n - nperseg) // (nperseg - nperseg // 2)
    return Spectrum(freqs, np.sqrt(power), nperseg, int(n_averages))


def default_envelope_band(fs_hz: float) -> tuple[float, float]:
    """A band above the running-speed harmonics and below Nyquist: fs/8 … 0.4 fs (1.5–4.8 kHz
    at 12 kHz), where the resonances that bearing impacts excite usually lie."""
    return fs_hz / 8.0, 0.4 * fs_hz


def envelope(x: np.ndarray, fs_hz: float, band_hz: tuple[float, float] | None = None) -> np.ndarray:
    """``(n, ch)`` amplitude envelope of ``x`` band-passed to ``band_hz`` (4th-order
    Butterworth, zero phase) — the magnitude of its analytic signal."""
    from scipy.signal import butter, hilbert, sosfiltfilt

    _check_rate(fs_hz)
    lo, hi = band_hz if band_hz is not None else default_envelope_band(fs_hz)
    nyquist = fs_hz / 2.0
    if not 0.0 < lo < hi < nyquist:
        raise DataError(
            f"The envelope band {lo:g}–{hi:g} Hz must lie between 0 and half the sampling rate ({nyquist:g} Hz)."
        )
    x = np.asarray(_as_2d(x), np.float64)
    sos = butter(4, [lo, hi], btype="bandpass", fs=fs_hz, output="sos")
    if len(x) <= 3 * (2 * len(sos) + 1):
        raise DataError(f"The selection ({len(x)} samples) is too short to band-pass for an envelope.")
    return np.abs(hilbert(sosfiltfilt(sos, x, axis=0), axis=0))


def envelope_spectrum(
    x: np.ndarray, fs_hz: float, band_hz: tuple[float, float] | None = None, segment: int = DEFAULT_SEGMENT
) -> Spectrum:
    """Amplitude spectrum of ``envelope(x, fs_hz, band_hz)``: bearing defect frequencies and
    their harmonics appear as peaks (the mean of the envelope is removed)."""
    return amplitude_spectrum(envelope(x, fs_hz, band_hz), fs_hz, segment)


def trends(x: np.ndarray, fs_hz: float, block: int) -> Trends:
    """RMS, peak (largest absolute value), crest factor (peak / RMS) and kurtosis (4th standardised
    moment; 3 for Gaussian noise) of each whole block of ``block`` samples, per channel. The
    mean of each block is removed first (an offset is not vibration). Reads ``x`` in chunks, so
    a memory-mapped recording of hours is never copied whole."""
    _check_rate(fs_hz)
    x = _as_2d(x)
    block = int(block)
    if block < 4:
        raise DataError(f"Trend blocks need at least 4 samples, got {block}.")
    n_blocks = len(x) // block
    if n_blocks < 1:
        raise DataError(f"The recording ({len(x)} samples) is shorter than one trend block ({block}).")
    n_ch = x.shape[1]
    rms, peak, kurt = (np.empty((n_blocks, n_ch)) for _ in range(3))
    per_chunk = max(1, TREND_CHUNK // block)
    for b0 in range(0, n_blocks, per_chunk):
        b1 = min(n_blocks, b0 + per_chunk)
        chunk = np.asarray(x[b0 * block : b1 * block], np.float64).reshape(b1 - b0, block, n_ch)
        centred = chunk - chunk.mean(axis=1, keepdims=True)
        var = np.mean(centred**2, axis=1)
        rms[b0:b1] = np.sqrt(var)
        peak[b0:b1] = np.max(np.abs(centred), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            kurt[b0:b1] = np.where(var > 0, np.mean(centred**4, axis=1) / var**2, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        crest = np.where(rms > 0, peak / rms, np.nan)
    times = (np.arange(n_blocks) + 0.5) * block / fs_hz
    return Trends(times, rms, peak, crest, kurt, block)


def indicators(x: np.ndarray) -> dict[str, np.ndarray]:
    """``rms``, ``peak``, ``crest_factor`` and ``kurtosis`` of all of ``x`` per channel (as
    ``trends`` defines them, over one block), in two passes of ``TREND_CHUNK`` samples: the
    mean, then the moments about it (a long recording is never copied whole)."""
    x = _as_2d(x)
    n = len(x)
    if n < 4:
        raise DataError(f"Indicators need at least 4 samples; there are {n}.")
    total = np.zeros(x.shape[1])
    for i0 in range(0, n, TREND_CHUNK):
        total += np.asarray(x[i0 : i0 + TREND_CHUNK], np.float64).sum(axis=0)
    mean = total / n
    m2, m4, peak = np.zeros_like(mean), np.zeros_like(mean), np.zeros_like(mean)
    for i0 in range(0, n, TREND_CHUNK):
        centred = np.asarray(x[i0 : i0 + TREND_CHUNK], np.float64) - mean
        squared = centred**2
        m2 += squared.sum(axis=0)
        m4 += (squared**2).sum(axis=0)
        peak = np.maximum(peak, np.abs(centred).max(axis=0))
    var, m4 = m2 / n, m4 / n
    rms = np.sqrt(var)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "rms": rms,
            "peak": peak,
            "crest_factor": np.where(rms > 0, peak / rms, np.nan),
            "kurtosis": np.where(var > 0, m4 / var**2, np.nan),
        }


def trend_block(n_samples: int, fs_hz: float, target_blocks: int = 600) -> int:
    """A block length for ``trends``: about ``target_blocks`` blocks over the recording, but
    at least 0.1 s and 256 samples (shorter blocks hold too few impacts for a steady kurtosis)."""
    return int(max(256, round(0.1 * fs_hz), n_samples // max(1, target_blocks)))


def spectral_peaks(spectrum: Spectrum, channel: int = 0, n: int = 5, min_hz: float = 0.0) -> list[tuple[float, float]]:
    """The ``n`` largest local maxima of one channel's spectrum above ``min_hz``, as
    ``(frequency_hz, amplitude)``, largest first (peaks at least three bins apart)."""
    from scipy.signal import find_peaks

    a = spectrum.amplitude[:, channel]
    found, _ = find_peaks(a, distance=3)
    found = found[spectrum.freqs_hz[found] > min_hz]
    best = found[np.argsort(a[found])[::-1][:n]]
    return [(float(spectrum.freqs_hz[i]), float(a[i])) for i in best]
