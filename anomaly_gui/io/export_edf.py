"""EDF+ export: the signals as 16-bit EDF+C plus the segments as annotations (EDFbrowser).

Each channel is stored with its own physical range (the data's minimum and maximum, rounded
outwards to the 8 characters EDF allows) over digital -32768…32767, so a value comes back to
within one quantisation step ``(physical_max - physical_min) / 65535``. The last data record
is padded with the channel's last value (EDF stores whole records); ``EdfExportInfo`` gives
the padded length. Each segment becomes an annotation: onset and duration in seconds, text
``label (status)`` (``anomaly`` when unlabelled), cut to the 40 characters edflib stores.
Notes are not written (EDF+ has no room for them); the CSV/JSON exports and the project keep them.
"""

from __future__ import annotations

import datetime as _dt
import math
import warnings
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from ..recording import Recording
from ..segments import Segment
from .export import ExportError, atomic_output, segment_text

MAX_ANNOTATION_CHARS = 40  # edflib's limit for one annotation text
MAX_ANNOTATION_SIGNALS = 64  # edflib's limit
DIGITAL_MIN, DIGITAL_MAX = -32768, 32767
DEFAULT_START = _dt.datetime(2000, 1, 1)  # EDF needs a start; used when the source has none
_BLOCK_RECORDS = 256


@dataclass(frozen=True)
class EdfExportInfo:
    path: Path
    record_duration_s: float
    samples_per_record: int
    n_records: int
    n_annotations: int
    physical_ranges: list[tuple[float, float]]

    @property
    def padded_samples(self) -> int:
        return self.samples_per_record * self.n_records


def edf_number(value: float, upward: bool) -> float:
    """``value`` rounded outwards (down for minima, up for maxima) to at most 8 characters."""
    for decimals in range(7, -1, -1):
        scale = 10.0**decimals
        v = (math.ceil(value * scale) if upward else math.floor(value * scale)) / scale
        text = f"{v:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{v:.0f}"
        if len(text) <= 8:
            return float(text)
    raise ExportError(f"The value {value:g} is too large for an EDF header (8 characters).")


def _ascii(text: str, limit: int) -> str:
    out = text.replace("µ", "u").replace("μ", "u").encode("ascii", "replace").decode("ascii")
    return out[:limit]


def _physical_ranges(recording: Recording) -> list[tuple[float, float]]:
    lo = np.full(recording.n_channels, np.inf)
    hi = np.full(recording.n_channels, -np.inf)
    step = 1 << 20
    for i0 in range(0, recording.n_samples, step):
        block = recording.chunk(i0, i0 + step)
        if not np.isfinite(block).all():
            raise ExportError("EDF cannot store NaN or infinite values; clean or interpolate them first.")
        lo = np.minimum(lo, block.min(axis=0))
        hi = np.maximum(hi, block.max(axis=0))
    ranges = []
    for a, b in zip(lo, hi):
        a, b = float(a), float(b)
        if b - a < 1e-6 * max(1.0, abs(a)):  # a flat channel still needs a range
            a, b = a - 1.0, b + 1.0
        ranges.append((edf_number(a, upward=False), edf_number(b, upward=True)))
    return ranges


def _record_duration(fs_hz: float) -> Fraction:
    """One second, or the shortest whole number of seconds holding a whole number of samples."""
    frac = Fraction(fs_hz).limit_denominator(1000)
    if abs(float(frac) - fs_hz) > 1e-9 * fs_hz or frac.denominator > 60:
        raise ExportError(f"A sampling rate of {fs_hz!r} Hz cannot be written to EDF exactly.")
    return Fraction(frac.denominator)


def write_edf(
    path: str | Path,
    recording: Recording,
    segments: Iterable[Segment] = (),
    *,
    text: Callable[[Segment], str] = segment_text,
    extra_annotations: Iterable[tuple[float, float, str]] = (),
    patient_code: str = "",
    recording_note: str = "anomaly-gui export",
) -> EdfExportInfo:
    """Write ``recording`` as 16-bit EDF+C at ``path`` with one annotation per segment.

    ``extra_annotations``: more ``(onset_s, duration_s, text)`` (e.g. the file's own events).
    Raises ``ExportError`` for NaN/inf data or a rate EDF cannot hold.
    """
    import pyedflib

    path = Path(path)
    fs = float(recording.fs_hz)
    segs = list(segments)
    annotations = [(s.start_sample / fs, s.n_samples / fs, text(s)) for s in segs] + list(extra_annotations)
    ranges = _physical_ranges(recording)
    duration = _record_duration(fs)
    spr = int(fs * duration)
    n_records = max(1, math.ceil(recording.n_samples / spr))
    # edflib stores one annotation per record and annotation signal: shorten the records when
    # there are more annotations than 64 signals hold.
    while math.ceil(len(annotations) / n_records) > MAX_ANNOTATION_SIGNALS - 1:
        for k in (2, 5):  # record lengths stay short decimals (8-character header field)
            if spr % k == 0:
                spr //= k
                duration /= k
                break
        else:
            raise ExportError(
                f"{len(annotations)} annotations do not fit an EDF+ file of {recording.duration_s:.1f} s."
            )
        n_records = max(1, math.ceil(recording.n_samples / spr))
    n_annotation_signals = max(1, min(MAX_ANNOTATION_SIGNALS, math.ceil(len(annotations) / n_records) + 1))
    headers = [
        {
            "label": _ascii(ch.name, 16) or f"ch{i}",
            "dimension": _ascii(ch.unit, 8),
            "sample_frequency": fs,
            "physical_min": lo,
            "physical_max": hi,
            "digital_min": DIGITAL_MIN,
            "digital_max": DIGITAL_MAX,
            "transducer": "",
            "prefilter": "",
        }
        for i, (ch, (lo, hi)) in enumerate(zip(recording.channels, ranges))
    ]
    start = recording.start_time or DEFAULT_START
    if start.tzinfo is not None:
        start = start.replace(tzinfo=None)
    with atomic_output(path) as tmp:
        writer = pyedflib.EdfWriter(str(tmp), recording.n_channels, pyedflib.FILETYPE_EDFPLUS)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # header-length warnings: we cut fields ourselves
                writer.setSignalHeaders(headers)
                writer.setDatarecordDuration(float(duration))
                writer.set_number_of_annotation_signals(n_annotation_signals)
                writer.setStartdatetime(start)
                writer.setPatientCode(_ascii(patient_code, 20))
                writer.setRecordingAdditional(_ascii(recording_note, 30))
            for onset, dur, label in annotations:
                writer.writeAnnotation(float(onset), float(dur), _ascii(label, MAX_ANNOTATION_CHARS))
            block = spr * _BLOCK_RECORDS
            for i0 in range(0, n_records * spr, block):
                data = recording.chunk(i0, i0 + block).astype(np.float64)
                want = min(block, n_records * spr - i0)
                if len(data) < want:
                    data = np.concatenate([data, np.repeat(data[-1:], want - len(data), axis=0)])
                writer.writeSamples([np.ascontiguousarray(data[:, c]) for c in range(recording.n_channels)])
        finally:
            writer.close()
    return EdfExportInfo(path, float(duration), spr, n_records, len(annotations), ranges)
