"""Write small EDF/EDF+/BDF files for tests (header by hand, records with numpy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class Signal:
    label: str
    samples_per_record: int
    digital: np.ndarray  # all samples, n_records × samples_per_record of them
    physical: tuple[float, float] = (-100.0, 100.0)
    unit: str = "uV"


@dataclass
class EdfSpec:
    signals: list[Signal]
    n_records: int
    record_duration: float = 1.0
    bdf: bool = False
    plus: str = ""  # "", "C" or "D"
    record_starts: list[float] | None = None  # EDF+: time-keeping onset of each record
    annotations: list[tuple[float, float | None, str]] = field(default_factory=list)
    annotation_bytes: int = 120  # per record, for the annotation signal
    startdate: str = "24.01.20"
    starttime: str = "04.05.56"
    declared_records: int | None = None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.8g}"


def _field(value: object, width: int) -> bytes:
    raw = value if isinstance(value, bytes) else str(value).encode("ascii")
    return raw.ljust(width)[:width]


def _tal(onset: float, duration: float | None, texts: list[str]) -> bytes:
    head = f"{onset:+g}".encode()
    if duration is not None:
        head += b"\x15" + f"{duration:g}".encode()
    return head + b"\x14" + b"".join(t.encode("utf-8") + b"\x14" for t in texts) + b"\x00"


def write_edf(path: Path, spec: EdfSpec) -> Path:
    bps = 3 if spec.bdf else 2
    dmin, dmax = (-(2**23), 2**23 - 1) if spec.bdf else (-32768, 32767)
    signals = list(spec.signals)
    label = "BDF Annotations" if spec.bdf else "EDF Annotations"
    with_annotations = bool(spec.plus)
    ann_samples = spec.annotation_bytes // bps
    n = len(signals) + (1 if with_annotations else 0)
    reserved = f"{'BDF' if spec.bdf else 'EDF'}+{spec.plus}" if spec.plus else ""
    declared = spec.n_records if spec.declared_records is None else spec.declared_records
    header = b"".join([
        b"\xffBIOSEMI" if spec.bdf else _field("0", 8),
        _field("X X X X", 80), _field("Startdate 24-JAN-2020 X X X", 80),
        _field(spec.startdate, 8), _field(spec.starttime, 8), _field(256 * (n + 1), 8),
        _field(reserved, 44), _field(declared, 8), _field(f"{spec.record_duration:g}", 8),
        _field(n, 4),
    ])
    labels = [s.label for s in signals] + ([label] if with_annotations else [])
    counts = [s.samples_per_record for s in signals] + ([ann_samples] if with_annotations else [])
    phys = [s.physical for s in signals] + ([(-1, 1)] if with_annotations else [])
    units = [s.unit for s in signals] + ([""] if with_annotations else [])
    columns = [
        [_field(x, 16) for x in labels], [_field("", 80)] * n, [_field(u, 8) for u in units],
        [_field(_number(p[0]), 8) for p in phys], [_field(_number(p[1]), 8) for p in phys],
        [_field(dmin, 8)] * n, [_field(dmax, 8)] * n, [_field("", 80)] * n,
        [_field(c, 8) for c in counts], [_field("", 32)] * n,
    ]
    header += b"".join(b"".join(col) for col in columns)
    starts = spec.record_starts or [k * spec.record_duration for k in range(spec.n_records)]
    body = bytearray()
    for k in range(spec.n_records):
        for s in signals:
            chunk = np.asarray(s.digital[k * s.samples_per_record : (k + 1) * s.samples_per_record])
            body += _encode(chunk, spec.bdf)
        if with_annotations:
            tals = _tal(starts[k], None, [""])  # time-keeping: "+t\x14\x14\x00"
            for onset, duration, text in spec.annotations:
                if starts[k] <= onset < starts[k] + spec.record_duration or (k == 0 and onset < starts[0]):
                    tals += _tal(onset, duration, [text])
            body += tals.ljust(ann_samples * bps, b"\x00")
    path.write_bytes(header + bytes(body))
    return path


def _encode(values: np.ndarray, bdf: bool) -> bytes:
    if not bdf:
        return values.astype("<i2").tobytes()
    v = values.astype(np.int64) & 0xFFFFFF
    return np.stack([v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF], axis=1).astype(np.uint8).tobytes()


def ramp_signal(label: str, per_record: int, n_records: int, scale: int = 100, bdf: bool = False) -> Signal:
    n = per_record * n_records
    digital = ((np.arange(n) * scale) % 20000 - 10000).astype(np.int64)
    if bdf:
        digital *= 256
    return Signal(label, per_record, digital)
