"""WFDB records (PhysioNet): any of ``.hea``, ``.dat``, ``.atr`` or a WFDB ``.mat`` opens it.

Signals are read in physical units (``p_signal``) with ``wfdb.rdrecord``; invalid samples
arrive as NaN. The signal files' sizes are checked against the header first, so a truncated
``.dat`` is reported as such. Beat/rhythm annotations come from ``<record>.atr`` when it
exists; every annotation is kept (beats, rhythm ``+`` with its ``aux_note``, quality ``~``
noted ``noise``, ``clean`` or ``unreadable`` from its subtype…), and ``meta["beat_count"]``
counts the beats among them.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import warnings
from pathlib import Path

import numpy as np

from ..errors import ReadError
from ..recording import Annotations, Channel, Recording
from ._common import make_recording, resolve_rate

# Bytes per sample of the uncompressed WFDB storage formats (212: 2 samples in 3 bytes, …).
_BYTES_PER_SAMPLE = {
    "8": 1.0, "16": 2.0, "24": 3.0, "32": 4.0, "61": 2.0, "80": 1.0, "160": 2.0,
    "212": 1.5, "310": 4 / 3, "311": 4 / 3,
}
# Annotation codes that mark a beat (WFDB's isqrs): every symbol but these is a beat.
_NON_BEAT_SYMBOLS = frozenset('+~|x!"[]@^`\'{}()sTptu=*D')


def record_base(path: Path) -> Path:
    """The record path (no extension) that any of the record's files stands for."""
    return path.with_suffix("")


def read_wfdb(path: Path, fs_hz: float | None = None) -> Recording:
    """Read the WFDB record that ``path`` (``.hea``/``.dat``/``.atr``/``.mat``) belongs to."""
    with _quiet_library():
        import wfdb  # its import builds pandas tables with deprecated calls

    base = record_base(path)
    header_path = base.with_suffix(".hea")
    if not header_path.is_file():
        raise ReadError(f"'{path.name}' needs its WFDB header '{header_path.name}' next to it.")
    try:
        with _quiet_library():
            header = wfdb.rdheader(str(base))
    except Exception as exc:  # noqa: BLE001 - wfdb raises many kinds for a bad header
        needed = "" if path == header_path else f" (needed to read '{path.name}')"
        raise ReadError(
            f"'{header_path.name}' is not a valid WFDB header{needed}: {exc}"
        ) from exc
    if not getattr(header, "n_sig", 0):
        raise ReadError(f"'{header_path.name}' describes no signals (annotation-only record).")
    _check_signal_files(header, base.parent, header_path.name)

    try:
        with _quiet_library():
            record = wfdb.rdrecord(str(base), physical=True, return_res=32)
    except Exception as exc:  # noqa: BLE001
        raise ReadError(f"WFDB record '{base.name}' could not be read: {exc}") from exc
    signal = record.p_signal
    if signal is None or signal.size == 0:
        raise ReadError(f"WFDB record '{base.name}' holds no samples.")
    expected = getattr(header, "sig_len", None)
    if expected and signal.shape[0] < expected:
        raise ReadError(
            f"WFDB record '{base.name}' is truncated: the header promises {expected} samples, "
            f"the signal file holds {signal.shape[0]}."
        )

    meta: dict = {
        "record": base.name,
        "signal_files": sorted(set(record.file_name or [])),
        "storage_format": sorted(set(record.fmt or [])),
    }
    if record.comments:
        meta["comments"] = list(record.comments)
    start_time = _start_time(record, meta)
    rate = resolve_rate(path, float(record.fs) if record.fs else None, fs_hz, meta)
    channels = [
        Channel(str(name), str(unit or ""))
        for name, unit in zip(record.sig_name, record.units or [""] * len(record.sig_name))
    ]
    annotations = _read_atr(base, meta)
    return make_recording(
        path, signal, rate, channels, "wfdb",
        annotations=annotations, start_time=start_time, meta=meta,
    )


@contextlib.contextmanager
def _quiet_library():
    """wfdb 4.3 trips pandas' deprecation warnings internally; they mean nothing to users."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        yield


def _check_signal_files(header, folder: Path, header_name: str) -> None:
    """Every signal file exists and is as long as the header says (uncompressed formats)."""
    files = getattr(header, "file_name", None)
    if not files:
        return  # multi-segment record: wfdb checks the segments itself
    per_file: dict[str, list[int]] = {}
    for i, name in enumerate(files):
        per_file.setdefault(name, []).append(i)
    for name, signals in per_file.items():
        file_path = folder / name
        if not file_path.is_file():
            raise ReadError(f"Signal file '{name}' named in '{header_name}' is missing.")
        fmt = str(header.fmt[signals[0]])
        if fmt not in _BYTES_PER_SAMPLE or not header.sig_len:
            continue
        frame = sum(int(header.samps_per_frame[i] or 1) for i in signals)
        offset = int(header.byte_offset[signals[0]] or 0)
        needed = offset + math.ceil(header.sig_len * frame * _BYTES_PER_SAMPLE[fmt])
        have = file_path.stat().st_size
        if have < needed:
            raise ReadError(
                f"Signal file '{name}' is truncated: '{header_name}' promises {header.sig_len} "
                f"samples ({needed} bytes), the file has {have} bytes."
            )


def _start_time(record, meta: dict) -> _dt.datetime | None:
    base_time = getattr(record, "base_time", None)
    base_date = getattr(record, "base_date", None)
    if base_time is not None and base_date is not None:
        return _dt.datetime.combine(base_date, base_time)
    if base_time is not None:
        meta["base_time"] = base_time.isoformat()  # a time of day without a date
    return None


def _read_atr(base: Path, meta: dict) -> Annotations:
    if not base.with_suffix(".atr").is_file():
        return Annotations()
    with _quiet_library():
        import wfdb

    try:
        with _quiet_library():
            ann = wfdb.rdann(str(base), "atr")
    except Exception as exc:  # noqa: BLE001 - the signal is still usable without them
        meta["warnings"] = [f"annotations '{base.name}.atr' could not be read: {exc}"]
        return Annotations()
    symbols = tuple(str(s) for s in ann.symbol)
    notes = [str(n or "").rstrip("\x00") for n in (ann.aux_note or [""] * len(symbols))]
    subtypes = ann.subtype if ann.subtype is not None else [0] * len(symbols)
    for i, (symbol, subtype) in enumerate(zip(symbols, subtypes)):
        if symbol == "~" and not notes[i]:
            notes[i] = signal_quality_note(int(subtype))
    meta["beat_count"] = sum(s not in _NON_BEAT_SYMBOLS for s in symbols)
    return Annotations(
        onset_samples=np.asarray(ann.sample, dtype=np.int64),
        labels=symbols,
        notes=tuple(notes),
        source="atr",
    )


def signal_quality_note(subtype: int) -> str:
    """What a signal-quality change (``~``) says, from its subtype: from here on the signals
    are ``clean`` (0), ``unreadable`` (-1) or ``noise`` in some of them (any other value)."""
    return "clean" if subtype == 0 else "unreadable" if subtype < 0 else "noise"
