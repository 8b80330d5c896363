"""What the window's Analysis dock shows — the spectrum of a selection against normal data, its
spectrogram, condition-indicator trends of a channel, an ECG lead's heart rate, and each of them
as a table for export — as plain functions on a ``Recording``, run in a worker.

The comparison ("normal") spectrum comes from the reference recording when there is one, else
from the stretches of the recording that no segment flags; it uses the same segment duration
as the selection's, so both have the same frequency resolution and their amplitudes per bin
compare (the RMS per bin of broadband vibration grows with the bin width).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dsp.spectra import DEFAULT_SEGMENT, Spectrum, Trends, amplitude_spectrum, envelope, spectral_peaks, trends
from .dsp.timefmt import format_duration
from .dsp.windows import window_runs
from .errors import DataError
from .recording import Recording, match_channels
from .segments import mask_to_intervals
from .tasks import NULL_TASK, TaskContext

SPECTRUM_KINDS = ("spectrum", "envelope")  # a SpectrumRequest's kind; "spectrogram" is its own function
# Samples of a selection at most (its middle part beyond): a whole day at 360 Hz is 31 M.
MAX_SELECTION_SAMPLES = 1 << 22
# Samples of normal data at most for the comparison spectrum.
MAX_NORMAL_SAMPLES = 1 << 22


@dataclass(frozen=True)
class SpectrumRequest:
    """The spectrum of ``channel`` over samples ``[i0, i1)`` (``kind``: "spectrum" or
    "envelope"; ``band_hz`` for the envelope, None for its default band)."""

    channel: int
    i0: int
    i1: int
    kind: str = "spectrum"
    band_hz: tuple[float, float] | None = None


@dataclass(frozen=True)
class SpectrumComparison:
    selection: Spectrum
    normal: Spectrum | None
    normal_source: str  # what the normal spectrum was computed from, or why there is none
    peaks: list[tuple[float, float]]  # the selection's largest peaks, (Hz, amplitude)
    request: SpectrumRequest


def _spectrum_of(x: np.ndarray, fs_hz: float, request: SpectrumRequest, segment: int) -> Spectrum:
    if request.kind == "envelope":
        x = envelope(x, fs_hz, request.band_hz)
    return amplitude_spectrum(x, fs_hz, segment)


def _pooled(spectra: list[Spectrum]) -> Spectrum:
    """One Welch estimate from several stretches: their powers averaged, weighted by how many
    segments each averaged."""
    weights = np.array([s.n_averages for s in spectra], float)
    power = sum(w * s.amplitude**2 for w, s in zip(weights, spectra)) / weights.sum()
    first = spectra[0]
    return Spectrum(first.freqs_hz, np.sqrt(power), first.segment, int(weights.sum()))


def normal_stretches(n_samples: int, flagged: np.ndarray, min_length: int, limit: int) -> np.ndarray:
    """``(k, 2)`` sample intervals outside ``flagged`` of at least ``min_length`` samples,
    longest first, cut so that together they hold at most ``limit`` samples."""
    free = np.ones(n_samples, bool)
    for a, b in np.asarray(flagged, np.int64).reshape(-1, 2):
        free[max(0, a) : max(0, b)] = False
    runs = window_runs(free, min_length)
    runs = runs[np.argsort(runs[:, 0] - runs[:, 1], kind="stable")]
    out, total = [], 0
    for a, b in runs:
        take = min(int(b - a), limit - total)
        if take < min_length:
            break
        out.append((int(a), int(a) + take))
        total += take
    return np.array(out, np.int64).reshape(-1, 2)


def compare_spectra(
    recording: Recording,
    request: SpectrumRequest,
    flagged: np.ndarray | None = None,
    reference: Recording | None = None,
    ctx: TaskContext = NULL_TASK,
) -> SpectrumComparison:
    """The selection's spectrum and a normal one to compare it with (see the module)."""
    if request.kind not in SPECTRUM_KINDS:
        raise DataError(f"Unknown spectrum kind '{request.kind}'.")
    fs = recording.fs_hz
    i0, i1 = max(0, request.i0), min(recording.n_samples, request.i1)
    if i1 - i0 > MAX_SELECTION_SAMPLES:
        middle = (i0 + i1) // 2
        i0, i1 = middle - MAX_SELECTION_SAMPLES // 2, middle + MAX_SELECTION_SAMPLES // 2
    if i1 - i0 < 16:
        raise DataError(f"The selection holds {max(0, i1 - i0)} samples; a spectrum needs at least 16.")
    segment = min(DEFAULT_SEGMENT, i1 - i0)
    selection = _spectrum_of(recording.data[i0:i1, request.channel], fs, request, segment)
    ctx.check_cancelled()
    ctx.progress(0.4, "Selection spectrum")
    normal, source = _normal_spectrum(recording, request, segment, flagged, reference, ctx)
    peaks = spectral_peaks(selection, 0, 5, min_hz=fs / segment)
    analysed = SpectrumRequest(request.channel, i0, i1, request.kind, request.band_hz)
    return SpectrumComparison(selection, normal, source, peaks, analysed)


def _normal_spectrum(recording, request, segment, flagged, reference, ctx) -> tuple[Spectrum | None, str]:
    if reference is not None:
        name = recording.channel_names[request.channel]
        order = match_channels(reference.channel_names, [name])
        if order is None and reference.n_channels == recording.n_channels:
            order = [request.channel]
        if order is None:
            return None, f"the reference {reference.display_name} has no channel {name}"
        ref_segment = max(16, int(round(segment * reference.fs_hz / recording.fs_hz)))
        n = min(reference.n_samples, MAX_NORMAL_SAMPLES)
        if n < ref_segment:
            return None, f"the reference {reference.display_name} is shorter than the selection"
        try:
            spectrum = _spectrum_of(reference.data[:n, order[0]], reference.fs_hz, request, ref_segment)
        except DataError as exc:
            return None, f"the reference {reference.display_name}: {exc}"
        return spectrum, f"reference {reference.display_name}"
    stretches = normal_stretches(
        recording.n_samples,
        np.vstack([np.asarray(flagged if flagged is not None else [], np.int64).reshape(-1, 2), [[request.i0, request.i1]]]),
        segment, MAX_NORMAL_SAMPLES,
    )
    if not len(stretches):
        return None, "no unflagged stretch as long as the selection"
    spectra = []
    for a, b in stretches:
        ctx.check_cancelled()
        spectra.append(_spectrum_of(recording.data[a:b, request.channel], recording.fs_hz, request, segment))
    seconds = float((stretches[:, 1] - stretches[:, 0]).sum()) / recording.fs_hz
    return _pooled(spectra), f"{format_duration(seconds)} of unflagged recording"


def channel_trends(recording: Recording, channel: int, block: int) -> Trends:
    """``dsp.spectra.trends`` of one channel of ``recording``."""
    return trends(recording.data[:, channel : channel + 1], recording.fs_hz, block)


# Heartbeats are detected in stretches of this length (with some overlap at both ends), so a
# day-long record reports progress and can be cancelled.
HEART_RATE_CHUNK_S = 600.0
HEART_RATE_OVERLAP_S = 5.0
REFRACTORY_S = 0.25


@dataclass(frozen=True)
class HeartRate:
    """``bpm`` at ``times_s`` (each beat after the first, from the recording's start)."""

    times_s: np.ndarray
    bpm: np.ndarray
    n_beats: int

    def per_minute(self) -> tuple[np.ndarray, np.ndarray]:
        """The median heart rate of each minute that has beats, at the minute's middle: the
        trend a Holter report plots (beat-to-beat values of a day blur into a band)."""
        ok = np.isfinite(self.bpm)
        minutes = np.floor(self.times_s[ok] / 60.0).astype(np.int64)
        if minutes.size == 0:
            return np.zeros(0), np.zeros(0)
        keys, starts = np.unique(minutes, return_index=True)
        bpm = self.bpm[ok]
        medians = np.array([np.median(part) for part in np.split(bpm, starts[1:])])
        return keys * 60.0 + 30.0, medians


def heart_rate(recording: Recording, channel: int, ctx: TaskContext = NULL_TASK) -> HeartRate:
    """Instantaneous heart rate of one ECG lead over the whole recording, from R peaks
    (``dsp.ecg.detect_r_peaks``) found stretch by stretch. The interval across a gap (NaN, a
    lead off) gives no rate (NaN)."""
    from .dsp.ecg import detect_r_peaks, heart_rate_bpm

    fs, n = recording.fs_hz, recording.n_samples
    chunk = max(1, int(HEART_RATE_CHUNK_S * fs))
    pad = int(HEART_RATE_OVERLAP_S * fs)
    found, gap_starts = [], []
    for a in range(0, n, chunk):
        ctx.check_cancelled()
        lo, hi = max(0, a - pad), min(n, a + chunk + pad)
        lead = np.asarray(recording.data[lo:hi, channel])
        peaks = detect_r_peaks(lead, fs, REFRACTORY_S) + lo
        found.append(peaks[(peaks >= a) & (peaks < a + chunk)])
        # Where gaps begin (one continued from the previous stretch "begins" at ``a``: inside
        # the same gap, so between the same two beats).
        gap_starts.append(a + mask_to_intervals(~np.isfinite(lead[a - lo : a - lo + chunk]))[:, 0])
        ctx.progress(min(1.0, (a + chunk) / n), "Detecting heartbeats")
    peaks = np.concatenate(found) if found else np.zeros(0, np.int64)
    if len(peaks) > 1:  # a beat found on both sides of a stretch boundary counts once
        keep = np.concatenate([[True], np.diff(peaks) >= REFRACTORY_S * fs])
        peaks = peaks[keep]
    bpm = heart_rate_bpm(peaks, fs)
    starts = np.concatenate(gap_starts) if gap_starts else np.zeros(0, np.int64)
    if len(starts) and len(peaks) > 1:
        across = np.searchsorted(starts, peaks[:-1], "right") < np.searchsorted(starts, peaks[1:], "left")
        bpm[across] = np.nan
    return HeartRate(peaks[1:] / fs, bpm, int(len(peaks)))


# Columns of a spectrogram at most: about one per pixel of the dock's plot.
MAX_SPECTROGRAM_COLUMNS = 800


@dataclass(frozen=True)
class Spectrogram:
    """``power_db`` ``(n_freqs, n_times)``: 10·log10 of the power per bin (unit²) at
    ``freqs_hz`` and at ``times_s`` (segment centres, from the recording's start)."""

    times_s: np.ndarray
    freqs_hz: np.ndarray
    power_db: np.ndarray
    segment: int
    request: SpectrumRequest


def spectrogram(recording: Recording, request: SpectrumRequest) -> Spectrogram:
    """Short-time spectrum of one channel over ``[i0, i1)`` (its middle part when longer than
    ``MAX_SELECTION_SAMPLES``): Hann segments, half overlapping, long enough that at most
    ``MAX_SPECTROGRAM_COLUMNS`` of them cover the selection."""
    from scipy.signal import spectrogram as short_time

    i0, i1 = max(0, request.i0), min(recording.n_samples, request.i1)
    if i1 - i0 > MAX_SELECTION_SAMPLES:
        middle = (i0 + i1) // 2
        i0, i1 = middle - MAX_SELECTION_SAMPLES // 2, middle + MAX_SELECTION_SAMPLES // 2
    n = i1 - i0
    if n < 64:
        raise DataError(f"The selection holds {max(0, n)} samples; a spectrogram needs at least 64.")
    x = np.asarray(recording.data[i0:i1, request.channel], np.float64)
    if not np.all(np.isfinite(x)):
        raise DataError("The selection contains NaN or infinite values; a spectrogram cannot be computed.")
    wanted = max(64, 2 * n // MAX_SPECTROGRAM_COLUMNS)
    segment = int(min(n, 1 << int(np.ceil(np.log2(wanted)))))
    freqs, times, power = short_time(x, fs=recording.fs_hz, window="hann", nperseg=segment,
                                     noverlap=segment // 2, detrend="constant", scaling="spectrum")
    floor = np.finfo(np.float64).tiny
    return Spectrogram(times + i0 / recording.fs_hz, freqs, 10.0 * np.log10(np.maximum(power, floor)), segment,
                       SpectrumRequest(request.channel, i0, i1, "spectrogram"))


def result_table(result, channel_name: str, fs_hz: float) -> tuple[list[str], list[np.ndarray], dict]:
    """Header, columns and ``# key: value`` comments of a computed analysis (for
    ``io.export.write_table_csv``): a spectrum with its normal one where their bins agree,
    trends, heart rate, or a spectrogram (one row per frequency, one column per time)."""
    if isinstance(result, SpectrumComparison):
        sel, normal, request = result.selection, result.normal, result.request
        header, columns = ["freq_hz", f"{channel_name}_selection"], [sel.freqs_hz, sel.amplitude[:, 0]]
        n = len(sel.freqs_hz)
        if normal is not None and len(normal.freqs_hz) >= n and np.allclose(normal.freqs_hz[:n], sel.freqs_hz):
            header.append(f"{channel_name}_normal")
            columns.append(normal.amplitude[:n, 0])
        comments = {
            "kind": request.kind, "band_hz": request.band_hz, "start_s": request.i0 / fs_hz,
            "end_s": request.i1 / fs_hz, "segment": sel.segment, "n_averages": sel.n_averages,
            "normal": result.normal_source, "amplitude": "RMS per frequency bin, in the channel's unit",
        }
        return header, columns, comments
    if isinstance(result, Trends):
        header = ["time_s", *(f"{channel_name}_{name}" for name in Trends.INDICATORS)]
        columns = [result.times_s, *(getattr(result, name)[:, 0] for name in Trends.INDICATORS)]
        return header, columns, {"block_samples": result.block, "block_s": result.block / fs_hz}
    if isinstance(result, HeartRate):
        return ["time_s", "heart_rate_bpm"], [result.times_s, result.bpm], {"lead": channel_name, "beats": result.n_beats}
    if isinstance(result, Spectrogram):
        header = ["freq_hz", *(f"{t:.6g}" for t in result.times_s)]
        comments = {"columns": "time from the recording's start (s)", "values": "power per bin (dB)",
                    "segment": result.segment}
        return header, [result.freqs_hz, result.power_db], comments
    raise DataError(f"Nothing to export from {type(result).__name__}.")
