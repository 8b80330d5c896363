"""The EDF/EDF+/BDF/BDF+ header: 256 ASCII bytes, then 256 per signal, parsed and checked.

Every problem becomes a ``ReadError`` naming the file and the field, so a damaged header
never reaches numpy as a wrong shape or offset.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError
from ._common import read_head

EDF_MAGIC = b"0       "
BDF_MAGIC = b"\xffBIOSEMI"
ANNOTATION_LABELS = ("EDF Annotations", "BDF Annotations")

# Per-signal fields: (name for messages, width in bytes), in header order.
_SIGNAL_FIELDS = (
    ("label", 16), ("transducer", 80), ("physical dimension", 8), ("physical minimum", 8),
    ("physical maximum", 8), ("digital minimum", 8), ("digital maximum", 8),
    ("prefiltering", 80), ("samples per record", 8), ("reserved", 32),
)
_MAX_SIGNALS = 4096
_STARTDATE_YEAR = re.compile(r"Startdate\s+\d{1,2}-[A-Za-z]{3}-(\d{4})")


@dataclass(frozen=True)
class EdfSignal:
    """One signal of the header; ``offset`` is its first sample within a data record."""

    index: int
    label: str
    unit: str
    transducer: str
    prefiltering: str
    physical_min: float
    physical_max: float
    digital_min: int
    digital_max: int
    samples_per_record: int
    offset: int

    @property
    def is_annotation(self) -> bool:
        return self.label in ANNOTATION_LABELS

    @property
    def gain(self) -> float:
        return (self.physical_max - self.physical_min) / (self.digital_max - self.digital_min)

    @property
    def baseline(self) -> float:
        """Physical value = digital × gain + baseline."""
        return self.physical_min - self.digital_min * self.gain


@dataclass(frozen=True)
class EdfHeader:
    bdf: bool
    kind: str  # "EDF", "EDF+C", "EDF+D", "BDF", "BDF+C", "BDF+D"
    start_time: _dt.datetime | None
    header_bytes: int
    records_declared: int  # -1: unknown (the recorder never closed the file)
    n_records: int  # complete records that are read
    record_duration_s: float
    signals: tuple[EdfSignal, ...]
    samples_per_record: int  # all signals together
    warnings: tuple[str, ...]

    @property
    def bytes_per_sample(self) -> int:
        return 3 if self.bdf else 2

    @property
    def record_bytes(self) -> int:
        return self.samples_per_record * self.bytes_per_sample

    @property
    def plus(self) -> bool:
        return "+" in self.kind

    @property
    def discontinuous(self) -> bool:
        return self.kind.endswith("+D")

    @property
    def ordinary(self) -> list[EdfSignal]:
        return [s for s in self.signals if not s.is_annotation]

    @property
    def annotation_signals(self) -> list[EdfSignal]:
        return [s for s in self.signals if s.is_annotation]

    def rate_hz(self, signal: EdfSignal) -> float | None:
        if self.record_duration_s <= 0:
            return None
        return float(f"{signal.samples_per_record / self.record_duration_s:.12g}")


def read_header(path: Path) -> EdfHeader:
    """Parse and check the header of ``path``; ``ReadError`` for anything inconsistent.

    A file shorter than its header declares (the recorder stopped, a copy was cut) is read
    up to its last complete data record, with a warning; one with no complete record is a
    ``ReadError``.
    """
    size = path.stat().st_size
    head = read_head(path, 256)
    bdf = head.startswith(BDF_MAGIC)
    if not (bdf or head.startswith(EDF_MAGIC)):
        raise ReadError(
            f"'{path.name}' is not an EDF/BDF file: it does not start with the EDF version "
            "'0' or BDF's '\\xffBIOSEMI'."
        )
    if len(head) < 256:
        raise ReadError(f"'{path.name}' is truncated: its 256-byte EDF header is cut at {len(head)} bytes.")
    fmt = "BDF" if bdf else "EDF"
    n_signals = _integer(path, head[252:256], "number of signals")
    if not 0 < n_signals <= _MAX_SIGNALS:
        raise ReadError(f"'{path.name}': the {fmt} header declares {n_signals} signals.")
    header_bytes = _integer(path, head[184:192], "header size")
    if header_bytes != 256 * (n_signals + 1):
        raise ReadError(
            f"'{path.name}': the {fmt} header declares {header_bytes} header bytes, but "
            f"{n_signals} signals need {256 * (n_signals + 1)}; the header is damaged."
        )
    full = read_head(path, header_bytes)
    if len(full) < header_bytes:
        raise ReadError(
            f"'{path.name}' is truncated: its {fmt} header needs {header_bytes} bytes, the file "
            f"has {len(full)}."
        )
    reserved = _text(head[192:236])
    kind = fmt
    if reserved.startswith(("EDF+C", "BDF+C")):
        kind += "+C"
    elif reserved.startswith(("EDF+D", "BDF+D")):
        kind += "+D"
    warnings: list[str] = []
    start = _start_time(head, kind, warnings)
    records_declared = _integer(path, head[236:244], "number of data records")
    duration = _number(path, head[244:252], "duration of a data record")
    if duration < 0 or records_declared < -1:
        raise ReadError(
            f"'{path.name}': the {fmt} header declares {records_declared} records of {duration} s."
        )
    signals = _signals(path, full[256:header_bytes], n_signals, bdf)
    samples_per_record = sum(s.samples_per_record for s in signals)
    record_bytes = samples_per_record * (3 if bdf else 2)
    available = (size - header_bytes) // record_bytes
    n_records = records_declared if records_declared >= 0 else available
    if records_declared == -1:
        warnings.append(
            f"the header leaves the number of records open (-1); {available} complete records "
            "found in the file"
        )
    elif available < records_declared:
        if available == 0:
            raise ReadError(
                f"'{path.name}' is truncated: the header promises {records_declared} data "
                f"records of {record_bytes} bytes, the file holds no complete one."
            )
        warnings.append(
            f"the file is truncated: the header promises {records_declared} data records "
            f"({records_declared * duration:g} s), the file holds {available} complete ones "
            f"({available * duration:g} s); only those are read"
        )
        n_records = available
    elif available > records_declared and records_declared > 0:
        extra = size - header_bytes - records_declared * record_bytes
        warnings.append(f"{extra} bytes after the last declared data record are ignored")
    if n_records == 0:
        raise ReadError(f"'{path.name}' holds no data records.")
    return EdfHeader(
        bdf=bdf, kind=kind, start_time=start, header_bytes=header_bytes,
        records_declared=records_declared, n_records=n_records, record_duration_s=duration,
        signals=tuple(signals), samples_per_record=samples_per_record, warnings=tuple(warnings),
    )


def _text(raw: bytes) -> str:
    return raw.decode("latin-1").strip()


def _integer(path: Path, raw: bytes, field: str) -> int:
    text = _text(raw)
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)  # some writers put "1.0" in integer fields
        except ValueError:
            value = float("nan")
        if value == value and value == int(value):
            return int(value)
        raise ReadError(f"'{path.name}': the EDF header field '{field}' is not a whole number: {text!r}.") from None


def _number(path: Path, raw: bytes, field: str) -> float:
    text = _text(raw).replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        raise ReadError(f"'{path.name}': the EDF header field '{field}' is not a number: {text!r}.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ReadError(f"'{path.name}': the EDF header field '{field}' is not finite: {text!r}.")
    return value


def _signals(path: Path, raw: bytes, n: int, bdf: bool) -> list[EdfSignal]:
    fields: dict[str, list[bytes]] = {}
    position = 0
    for name, width in _SIGNAL_FIELDS:
        fields[name] = [raw[position + i * width : position + (i + 1) * width] for i in range(n)]
        position += n * width
    signals = []
    offset = 0
    digital_range = (-(2**23), 2**23 - 1) if bdf else (-(2**15), 2**15 - 1)
    for i in range(n):
        label = _text(fields["label"][i])
        what = f"signal {i + 1} ('{label}')"
        count = _integer(path, fields["samples per record"][i], f"samples per record of {what}")
        if count <= 0:
            raise ReadError(f"'{path.name}': {what} declares {count} samples per data record.")
        signal = EdfSignal(
            index=i, label=label, unit=_text(fields["physical dimension"][i]),
            transducer=_text(fields["transducer"][i]), prefiltering=_text(fields["prefiltering"][i]),
            physical_min=_number(path, fields["physical minimum"][i], f"physical minimum of {what}"),
            physical_max=_number(path, fields["physical maximum"][i], f"physical maximum of {what}"),
            digital_min=_integer(path, fields["digital minimum"][i], f"digital minimum of {what}"),
            digital_max=_integer(path, fields["digital maximum"][i], f"digital maximum of {what}"),
            samples_per_record=count, offset=offset,
        )
        offset += count
        if not signal.is_annotation:
            low, high = digital_range
            if signal.digital_min >= signal.digital_max:
                raise ReadError(
                    f"'{path.name}': {what} has digital minimum {signal.digital_min} not below "
                    f"its maximum {signal.digital_max}; its values cannot be scaled."
                )
            if signal.digital_min < low or signal.digital_max > high:
                raise ReadError(
                    f"'{path.name}': {what} has a digital range {signal.digital_min}…"
                    f"{signal.digital_max} beyond what {'24' if bdf else '16'}-bit samples hold."
                )
        signals.append(signal)
    return signals


def _start_time(head: bytes, kind: str, warnings: list[str]) -> _dt.datetime | None:
    date, clock = _text(head[168:176]), _text(head[176:184])
    try:
        day, month, yy = (int(x) for x in date.split("."))
        hour, minute, second = (int(x) for x in clock.split("."))
        year = 1900 + yy if yy >= 85 else 2000 + yy  # EDF's clipping-date rule
        found = _STARTDATE_YEAR.search(_text(head[88:168])) if "+" in kind else None
        if found and int(found.group(1)) % 100 == yy:
            year = int(found.group(1))  # EDF+ states the full year there (needed after 2084)
        return _dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        warnings.append(f"start date/time {date!r} {clock!r} is not valid; the start time is unknown")
        return None
