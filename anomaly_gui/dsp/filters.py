"""Display filters: high-pass, low-pass and a power-line notch, zero-phase, as EEG/ECG viewers
offer them (baseline wander off an ECG, 50/60 Hz hum, a vibration resonance band).

They change what is drawn and measured by the cursors, never the recorded samples that
detection, spectra and exports read. ``filter_signal`` works through a long recording in
overlapping chunks, so a day-long file is filtered with bounded extra memory beyond its output
and can be cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError
from ..segments import mask_to_intervals
from ..tasks import NULL_TASK, TaskContext

HIGHPASS_ORDER = 2
LOWPASS_ORDER = 4
NOTCH_Q = 30.0
CHUNK_SAMPLES = 1 << 20
# Each chunk is filtered with this many time constants of its lowest corner on either side, so
# the joins match a filter run over the whole signal (the response has decayed below 1e-4).
SETTLING_TIME_CONSTANTS = 12.0


@dataclass(frozen=True)
class DisplayFilter:
    """Corner frequencies in Hz; ``None`` leaves that stage out.

    ``highpass_hz``: Butterworth, order 2 (twice over, forward and back); ``lowpass_hz``:
    Butterworth, order 4; ``notch_hz``: an IIR notch of quality 30 at the power-line frequency.
    """

    highpass_hz: float | None = None
    lowpass_hz: float | None = None
    notch_hz: float | None = None

    @property
    def is_active(self) -> bool:
        return any(v is not None for v in (self.highpass_hz, self.lowpass_hz, self.notch_hz))

    def describe(self) -> str:
        """``"HP 0.5 Hz · LP 40 Hz · notch 50 Hz"``; ``"none"`` when inactive."""
        parts = []
        if self.highpass_hz is not None:
            parts.append(f"HP {self.highpass_hz:g} Hz")
        if self.lowpass_hz is not None:
            parts.append(f"LP {self.lowpass_hz:g} Hz")
        if self.notch_hz is not None:
            parts.append(f"notch {self.notch_hz:g} Hz")
        return " · ".join(parts) if parts else "none"

    def check(self, fs_hz: float) -> None:
        """Raise ``DataError`` for corners this sampling rate cannot have."""
        nyquist = fs_hz / 2.0
        for name, value in (("High-pass", self.highpass_hz), ("Low-pass", self.lowpass_hz), ("Notch", self.notch_hz)):
            if value is None:
                continue
            if not np.isfinite(value) or value <= 0:
                raise DataError(f"{name} frequency must be above 0 Hz, got {value:g}.")
            if value >= nyquist:
                raise DataError(
                    f"{name} frequency {value:g} Hz is not below half the sampling rate ({nyquist:g} Hz)."
                )
        if self.highpass_hz is not None and self.lowpass_hz is not None and self.highpass_hz >= self.lowpass_hz:
            raise DataError(
                f"The high-pass frequency ({self.highpass_hz:g} Hz) must be below the low-pass "
                f"frequency ({self.lowpass_hz:g} Hz)."
            )

    def sos(self, fs_hz: float) -> np.ndarray:
        """The second-order sections of the whole cascade at ``fs_hz``."""
        from scipy.signal import butter, iirnotch, tf2sos

        self.check(fs_hz)
        stages = []
        if self.highpass_hz is not None:
            stages.append(butter(HIGHPASS_ORDER, self.highpass_hz, btype="highpass", fs=fs_hz, output="sos"))
        if self.lowpass_hz is not None:
            stages.append(butter(LOWPASS_ORDER, self.lowpass_hz, btype="lowpass", fs=fs_hz, output="sos"))
        if self.notch_hz is not None:
            b, a = iirnotch(self.notch_hz, NOTCH_Q, fs=fs_hz)
            stages.append(tf2sos(b, a))
        return np.concatenate(stages, axis=0) if stages else np.zeros((0, 6))

    def settling_samples(self, fs_hz: float) -> int:
        """Samples for the slowest stage's response to decay (the chunk overlap)."""
        tau = []
        if self.highpass_hz is not None:
            tau.append(1.0 / (2 * np.pi * self.highpass_hz))
        if self.lowpass_hz is not None:
            tau.append(1.0 / (2 * np.pi * self.lowpass_hz))
        if self.notch_hz is not None:
            # The notch's poles sit at a radius decaying with half its bandwidth f0 / Q.
            tau.append(NOTCH_Q / (np.pi * self.notch_hz))
        return int(np.ceil(SETTLING_TIME_CONSTANTS * max(tau, default=0.0) * fs_hz)) + 1


def filter_signal(
    data: np.ndarray, fs_hz: float, display_filter: DisplayFilter, ctx: TaskContext = NULL_TASK
) -> np.ndarray:
    """``data`` (``(n,)`` or ``(n, ch)``, may be memory-mapped) filtered forward and backward
    (no phase shift, no delay) as float32 of the same shape. NaN stretches stay NaN and do not
    spread: each finite stretch is filtered on its own."""
    sos = display_filter.sos(fs_hz)
    x = np.asarray(data)
    out = np.empty(x.shape, np.float32)
    if len(sos) == 0 or len(x) == 0:
        out[...] = x
        return out
    pad = display_filter.settling_samples(fs_hz)
    n = len(x)
    for i0 in range(0, n, CHUNK_SAMPLES):
        ctx.check_cancelled()
        i1 = min(n, i0 + CHUNK_SAMPLES)
        a, b = max(0, i0 - pad), min(n, i1 + pad)
        block = np.asarray(x[a:b], np.float64)
        if np.isfinite(block).all():
            filtered = _filtfilt(sos, block)
        else:
            filtered = _filtfilt_finite_runs(sos, block)
        out[i0:i1] = filtered[i0 - a : i0 - a + (i1 - i0)]
        ctx.progress(i1 / n, "Filtering")
    return out


def _filtfilt(sos: np.ndarray, block: np.ndarray) -> np.ndarray:
    from scipy.signal import sosfiltfilt

    # Too short for scipy's default edge padding: leave a stretch that short as it is.
    if len(block) <= 3 * (2 * len(sos) + 1):
        return block
    return sosfiltfilt(sos, block, axis=0)


def _filtfilt_finite_runs(sos: np.ndarray, block: np.ndarray) -> np.ndarray:
    out = np.full(block.shape, np.nan)
    columns = block.reshape(len(block), -1)
    result = out.reshape(len(block), -1)
    for c in range(columns.shape[1]):
        for s, e in mask_to_intervals(np.isfinite(columns[:, c])):
            result[s:e, c] = _filtfilt(sos, columns[s:e, c])
    return out
