"""EDF, EDF+ (continuous and discontinuous), BDF and BDF+ files, read with our own parser.

The data records are memory-mapped with numpy and decoded channel by channel, a block of
records at a time, straight into the float32 ``(n, ch)`` result (physical units:
digital × gain + baseline from the header's physical/digital minimum and maximum). Nothing
else holds the whole signal, so opening costs one pass over the file and one float32 array
(decoded into an unlinked temporary file above ~1 GB, see ``allocate_float32``).

Rules
-----
* Channels with different sampling rates: see ``_select`` (the largest group of one rate
  opens by default, the others are listed in ``meta["skipped_channels"]``;
  ``channels=`` / ``resample_to_hz=`` choose). ``meta["channel_rates"]`` lists all signals.
* EDF+ annotations ("EDF Annotations" / "BDF Annotations" signals, TAL format) become
  ``Annotations`` (onset and duration in samples of the opened rate; each text of a TAL is
  one annotation). The time-keeping TAL that starts each record is not an annotation; the
  first one gives the sub-second start (``start_time`` = header start + that onset), and
  onsets count from it, as in pyedflib. Annotations outside the recording are dropped with
  a warning.
* EDF+D (discontinuous): records are laid out back to back, never padded; each gap is
  listed in ``meta["gaps"]`` (``sample``: index of the first sample after it, ``start_s``
  and ``duration_s`` in file time) and summarised in ``meta["warnings"]``. Padding with NaN
  would give true time positions, but the detectors refuse NaN and a long pause would
  inflate the array; annotation onsets are mapped onto the packed layout.
* Truncated file (header promises more records than the file holds): the complete records
  are read and ``meta["warnings"]`` says what is missing; no complete record → ``ReadError``.
* An EDF+ file with only annotation signals is a ``ReadError`` here; ``read_edf_annotations``
  reads its annotations.
"""

from __future__ import annotations

import bisect
import datetime as _dt
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import ReadError
from ..recording import Annotations, Channel, Recording
from ._common import ChannelInfo, add_warning, make_recording, resolve_rate, unique_names
from ._edf_header import EdfHeader, EdfSignal, read_header
from ._select import assemble, check_resample_rate, select_channels

_BLOCK_SAMPLES = 1 << 20  # per channel and decoding step: bounds the temporaries to a few MB
_DEFAULT_ANNOTATION_ONLY_RATE_HZ = 1000.0


def read_edf(
    path: Path,
    fs_hz: float | None = None,
    *,
    channels: Sequence[str] | None = None,
    resample_to_hz: float | None = None,
) -> Recording:
    """Read an EDF/EDF+/BDF/BDF+ file (rules in the module docstring)."""
    resample_to_hz = check_resample_rate(resample_to_hz)
    header = read_header(path)
    meta = _base_meta(header)
    signals = header.ordinary
    if not signals:
        n = len(_AnnotationReader(path, header).read_all()[1])
        raise ReadError(
            f"'{path.name}' has no signals, only annotations ({n}); open the recording they "
            "belong to and load them from this file as annotations."
        )
    if header.record_duration_s <= 0:
        raise ReadError(f"'{path.name}' declares data records of {header.record_duration_s} s.")
    infos = _channel_infos(header)
    selection = select_channels(path, infos, channels, resample_to_hz, meta)
    rate = resolve_rate(path, selection.fs_hz, fs_hz if resample_to_hz is None else None, meta)
    chosen = [signals[i] for i in selection.indices]

    records = _records(path, header)
    data = assemble(selection, infos, lambda idx, out: _decode(records, header, [signals[i] for i in idx], out), meta)
    del records

    annotations, starts = _read_annotations(path, header, meta)
    file_rate = selection.fs_hz  # annotations belong to samples: index = file time × file rate
    start_time = header.start_time
    if starts is not None and start_time is not None and starts[0]:
        start_time = start_time + _dt.timedelta(seconds=float(starts[0]))
    layout = _Layout(header, starts, meta)
    recording_annotations = _to_samples(annotations, layout, file_rate, data.shape[0], meta)
    units = [s.unit for s in chosen]
    names = [infos[i].name for i in selection.indices]
    meta["prefiltering"] = {n: s.prefiltering for n, s in zip(names, chosen) if s.prefiltering}
    if not meta["prefiltering"]:
        del meta["prefiltering"]
    return make_recording(
        path, data, rate, [Channel(n, u) for n, u in zip(names, units)], "edf",
        annotations=recording_annotations, start_time=start_time, meta=meta,
    )


def list_edf_channels(path: Path, fs_hz: float | None = None) -> list[ChannelInfo]:
    """The ordinary signals of ``path`` with their own rates and lengths (nothing decoded)."""
    header = read_header(path)
    if not header.ordinary:
        raise ReadError(f"'{path.name}' has no signals, only annotations.")
    return _channel_infos(header)


def read_edf_annotations(path: Path, fs_hz: float | None = None) -> Annotations:
    """The EDF+ annotations of ``path`` in samples at ``fs_hz``.

    ``fs_hz`` defaults to the rate ``read_edf`` would open; a file with no ordinary signals
    (annotation-only, e.g. sleep scoring for another file) has none, so its onsets are given
    at 1000 Hz (milliseconds) unless ``fs_hz`` names the rate of the recording they belong to.
    """
    header = read_header(path)
    meta: dict = {}
    if fs_hz is None:
        if header.ordinary and header.record_duration_s > 0:
            fs_hz = select_channels(path, _channel_infos(header), None, None, {}).fs_hz
        else:
            fs_hz = _DEFAULT_ANNOTATION_ONLY_RATE_HZ
    annotations, starts = _read_annotations(path, header, meta)
    layout = _Layout(header, starts, meta)
    return _to_samples(annotations, layout, float(fs_hz), None, meta)


def _base_meta(header: EdfHeader) -> dict:
    meta: dict = {
        "edf_type": header.kind,
        "n_records": header.n_records,
        "record_duration_s": header.record_duration_s,
    }
    if header.records_declared != header.n_records:
        meta["records_declared"] = header.records_declared
    if header.warnings:
        meta["warnings"] = list(header.warnings)
    labels = [s.label for s in header.annotation_signals]
    if labels:
        meta["annotation_signals"] = labels
    return meta


def _channel_infos(header: EdfHeader) -> list[ChannelInfo]:
    signals = header.ordinary
    names = unique_names([s.label for s in signals])
    return [
        ChannelInfo(name, s.unit, header.rate_hz(s), s.samples_per_record * header.n_records)
        for name, s in zip(names, signals)
    ]


def _records(path: Path, header: EdfHeader) -> np.memmap:
    """The data records as a read-only memmap: int16 samples (EDF) or raw bytes (BDF)."""
    if header.bdf:
        shape = (header.n_records, header.record_bytes)
        return np.memmap(path, dtype=np.uint8, mode="r", offset=header.header_bytes, shape=shape)
    shape = (header.n_records, header.samples_per_record)
    return np.memmap(path, dtype="<i2", mode="r", offset=header.header_bytes, shape=shape)


def _decode(records: np.memmap, header: EdfHeader, signals: list[EdfSignal], out: np.ndarray) -> None:
    """Physical values of ``signals`` (one rate) into the columns of ``out``, block by block."""
    n_out = out.shape[0]
    for column, signal in enumerate(signals):
        per_record = signal.samples_per_record
        step = max(1, _BLOCK_SAMPLES // per_record)
        gain, baseline = signal.gain, signal.baseline
        for r0 in range(0, header.n_records, step):
            i0 = r0 * per_record
            if i0 >= n_out:
                break
            r1 = min(r0 + step, header.n_records)
            digital = _digital_block(records, header, signal, r0, r1)
            values = digital * gain + baseline  # float64: exact for 24-bit integers
            i1 = min(i0 + values.size, n_out)
            out[i0:i1, column] = values[: i1 - i0]
            _release(records, header, r0, r1)


def _release(records: np.memmap, header: EdfHeader, r0: int, r1: int) -> None:
    """Let go of the file pages of records ``[r0, r1)`` once decoded: they stay in the OS
    cache but leave this process's resident memory, so decoding a 24 h file never holds the
    file's samples and the decoded ones at once."""
    import mmap

    mapping = getattr(records, "_mmap", None)
    if mapping is None or not hasattr(mapping, "madvise") or not hasattr(mmap, "MADV_DONTNEED"):
        return
    page = mmap.PAGESIZE
    delta = header.header_bytes % mmap.ALLOCATIONGRANULARITY  # where the records start in the map
    start = delta + r0 * header.record_bytes
    stop = delta + r1 * header.record_bytes
    first = (start // page) * page
    if stop > first:
        try:
            mapping.madvise(mmap.MADV_DONTNEED, first, stop - first)
        except (OSError, ValueError):  # advice only
            pass


def _digital_block(records: np.memmap, header: EdfHeader, signal: EdfSignal, r0: int, r1: int) -> np.ndarray:
    start, stop = signal.offset, signal.offset + signal.samples_per_record
    if not header.bdf:
        return records[r0:r1, start:stop].reshape(-1)
    raw = np.asarray(records[r0:r1, 3 * start : 3 * stop]).reshape(-1, 3).astype(np.int32)
    value = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
    return (value << 8) >> 8  # sign-extend 24 to 32 bits


class _AnnotationReader:
    """TALs of the annotation signals, record by record."""

    def __init__(self, path: Path, header: EdfHeader) -> None:
        self.path, self.header = path, header

    def read_all(self) -> tuple[list[float] | None, list[tuple[float, float | None, str]], int]:
        """Record start times (from the first annotation signal), annotations, bad TAL count.

        Most records of a long file hold only their time-keeping TAL (``+t\\x14\\x14\\x00``,
        two 0x14 bytes): only records with more are parsed in full, so a 24-hour file with
        86,400 one-second records costs a numpy pass, not 86,400 Python parses. EDF+D needs
        every record's start, read from the first TAL alone.
        """
        header = self.header
        signals = header.annotation_signals
        if not signals:
            return None, [], 0
        records = np.memmap(
            self.path, dtype=np.uint8, mode="r", offset=header.header_bytes,
            shape=(header.n_records, header.record_bytes),
        )
        bps = header.bytes_per_sample
        starts: list[float] = [float("nan")] * header.n_records
        annotations: list[tuple[float, float | None, str]] = []
        bad = 0
        for number, signal in enumerate(signals):
            first, last = bps * signal.offset, bps * (signal.offset + signal.samples_per_record)
            block = np.ascontiguousarray(records[:, first:last])
            separators = np.count_nonzero(block == 0x14, axis=1)
            busy = separators > (2 if number == 0 else 0)
            if number == 0:
                busy[0] = True
                if header.discontinuous:
                    for record in np.flatnonzero(~busy):
                        starts[record] = _first_onset(block[record].tobytes())
            for record in np.flatnonzero(busy):
                tals, n_bad = _parse_tals(block[record].tobytes())
                bad += n_bad
                if number == 0 and tals and not any(tals[0][2]):
                    starts[record] = tals[0][0]
                    tals = tals[1:]
                for onset, duration, texts in tals:
                    annotations += [(onset, duration, text) for text in texts if text]
        if not header.discontinuous:  # EDF+C: records follow each other by definition
            t0 = starts[0] if starts[0] == starts[0] else 0.0
            starts = [t0 + k * header.record_duration_s for k in range(header.n_records)]
        return starts, annotations, bad


def _first_onset(block: bytes) -> float:
    head = block.split(b"\x14", 1)[0]
    try:
        return float(head) if head[:1] in (b"+", b"-") else float("nan")
    except ValueError:
        return float("nan")


def _parse_tals(block: bytes) -> tuple[list[tuple[float, float | None, list[str]]], int]:
    """``+onset[\\x15duration]\\x14text\\x14…\\x14\\x00`` items of one record; count of bad ones."""
    tals, bad = [], 0
    for raw in block.split(b"\x14\x00"):
        raw = raw.strip(b"\x00")
        if not raw:
            continue
        head, *texts = raw.split(b"\x14")
        onset_text, _, duration_text = head.partition(b"\x15")
        try:
            if onset_text[:1] not in (b"+", b"-"):
                raise ValueError
            onset = float(onset_text)
            duration = float(duration_text) if duration_text else None
        except ValueError:
            bad += 1
            continue
        tals.append((onset, duration, [t.decode("utf-8", errors="replace") for t in texts]))
    return tals, bad


def _read_annotations(path: Path, header: EdfHeader, meta: dict):
    starts, annotations, bad = _AnnotationReader(path, header).read_all()
    if bad:
        add_warning(meta, f"{bad} malformed annotation(s) in the annotation signal were skipped")
    if starts is not None and header.plus:
        known = [s for s in starts if s == s]
        if len(known) < len(starts):
            add_warning(meta, f"{len(starts) - len(known)} data record(s) lack their start-time annotation")
        starts = _fill_starts(starts, header.record_duration_s)
    else:
        starts = None
    return annotations, starts


def _fill_starts(starts: list[float], duration: float) -> list[float]:
    """Record starts with missing ones continued from the previous record."""
    filled: list[float] = []
    for start in starts:
        if start != start:
            start = filled[-1] + duration if filled else 0.0
        filled.append(start)
    return filled


class _Layout:
    """File time (s) ↔ position in the packed recording (s from its first sample)."""

    def __init__(self, header: EdfHeader, starts: list[float] | None, meta: dict) -> None:
        self.duration = header.record_duration_s
        self.starts = starts if header.discontinuous and starts else None
        self.t0 = starts[0] if starts else 0.0
        if self.starts is not None:
            self._find_gaps(meta)

    def _find_gaps(self, meta: dict) -> None:
        gaps, overlaps = [], 0
        tolerance = max(1e-6, 1e-6 * self.duration)
        for k in range(1, len(self.starts)):
            end = self.starts[k - 1] + self.duration
            if self.starts[k] > end + tolerance:
                gaps.append({"record": k, "start_s": end - self.t0, "duration_s": self.starts[k] - end})
            elif self.starts[k] < end - tolerance:
                overlaps += 1
        if overlaps:
            add_warning(meta, f"{overlaps} data record(s) start before the previous one ends; read in file order")
        if gaps:
            meta["gaps"] = gaps
            total = sum(g["duration_s"] for g in gaps)
            add_warning(
                meta,
                f"EDF+D: {len(gaps)} gap(s) totalling {total:g} s between data records; the "
                "records are joined without them (see meta['gaps'])",
            )

    def packed_seconds(self, t_file: float) -> float:
        if self.starts is None:
            return t_file - self.t0
        k = max(0, bisect.bisect_right(self.starts, t_file) - 1)
        return k * self.duration + min(max(t_file - self.starts[k], 0.0), self.duration)


def _to_samples(annotations, layout: _Layout, rate: float, n_samples: int | None, meta: dict) -> Annotations:
    if layout.starts is not None and "gaps" in meta:
        for gap in meta["gaps"]:
            gap["sample"] = int(round(gap["record"] * layout.duration * rate))
    if not annotations:
        return Annotations(source="EDF+ annotations")
    onsets = np.array([round(layout.packed_seconds(a[0]) * rate) for a in annotations], dtype=np.int64)
    has_duration = any(a[1] is not None for a in annotations)
    durations = np.array([round((a[1] or 0.0) * rate) for a in annotations], dtype=np.int64)
    labels = [a[2] for a in annotations]
    keep = onsets >= 0 if n_samples is None else (onsets >= 0) & (onsets <= n_samples)
    if not keep.all():
        add_warning(meta, f"{int((~keep).sum())} annotation(s) outside the recording were dropped")
    order = np.flatnonzero(keep)[np.argsort(onsets[keep], kind="stable")]
    return Annotations(
        onset_samples=onsets[order],
        labels=tuple(labels[i] for i in order),
        duration_samples=durations[order] if has_duration else None,
        source="EDF+ annotations",
    )
