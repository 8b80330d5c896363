"""Open recordings: a registry that sniffs the format and hands the file to one reader.

``read_recording(path, fs_hz=None, ...)`` is the only entry point the rest of the app needs;
``list_channels`` describes a file's channels without decoding them (import dialogs, ``info``)
and ``read_annotations`` reads only its annotations.
The format is decided by magic bytes first, then by the extension (WFDB files have no magic,
so a ``.hea`` with the same stem decides for ``.dat``/``.atr``/``.mat``), then by the content
being text. Reader modules, and the heavy libraries they use (pandas, scipy.io, wfdb,
soundfile, h5py, nptdms, pyarrow), are imported only when a file of their kind is opened.

Keywords a reader does not take itself are applied here, the same way for every format:
``channels`` selects after reading, ``resample_to_hz`` resamples the whole recording (and
its annotations); ``dataset`` is refused by formats that hold one signal only.
"""

from __future__ import annotations

import codecs
import importlib
import inspect
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import AnomalyGuiError, DataError, MissingSamplingRateError, ReadError, UnsupportedFormatError
from ..recording import Annotations, Recording, parse_channel_spec
from ._common import (
    ChannelInfo,
    ChoiceRequiredError,
    DatasetChoice,
    check_readable_file,
    describe_size,
    read_head,
)

__all__ = [
    "FILE_DIALOG_FILTER",
    "FORMATS",
    "SUPPORTED_EXTENSIONS",
    "ChannelInfo",
    "ChoiceRequiredError",
    "DatasetChoice",
    "FormatSpec",
    "detect_format",
    "list_channels",
    "read_annotations",
    "read_recording",
]


@dataclass(frozen=True)
class FormatSpec:
    """One readable format: its registry name, a label for users, extensions and reader."""

    name: str
    label: str
    extensions: tuple[str, ...]
    module: str
    function: str
    lister: str | None = None  # lists channels without decoding; else list_channels reads the file
    annotation_reader: str | None = None  # reads only the annotations; else read_recording's


FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec("text", "Text tables", (".csv", ".tsv", ".txt", ".out"), "text", "read_text"),
        FormatSpec("npy", "NumPy array", (".npy",), "numpy_files", "read_npy"),
        FormatSpec("npz", "NumPy archive", (".npz",), "numpy_files", "read_npz"),
        FormatSpec("wav", "WAV audio", (".wav",), "wav", "read_wav"),
        FormatSpec("wfdb", "WFDB records", (".hea", ".dat", ".atr", ".mat"), "wfdb_record", "read_wfdb"),
        FormatSpec("matlab", "MATLAB v4/v5/v7.3", (".mat",), "matlab", "read_matlab"),
        FormatSpec(
            "edf", "EDF/EDF+/BDF/BDF+", (".edf", ".bdf", ".rec"), "edf", "read_edf",
            lister="list_edf_channels", annotation_reader="read_edf_annotations",
        ),
        FormatSpec("tdms", "NI TDMS", (".tdms",), "tdms", "read_tdms", lister="list_tdms_channels"),
        FormatSpec("hdf5", "HDF5", (".h5", ".hdf5", ".hdf", ".he5"), "hdf5", "read_hdf5"),
        FormatSpec(
            "columnar", "Parquet/Feather", (".parquet", ".pq", ".feather", ".arrow", ".ipc"),
            "columnar", "read_columnar",
        ),
    )
}

SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(
    dict.fromkeys(ext for spec in FORMATS.values() for ext in spec.extensions)
)


def _dialog_filter() -> str:
    patterns = " ".join(f"*{ext}" for ext in SUPPORTED_EXTENSIONS)
    parts = [f"Recordings ({patterns})"]
    parts += [
        "Text tables (*.csv *.tsv *.txt *.out)",
        "NumPy arrays (*.npy *.npz)",
        "WAV audio (*.wav)",
        "WFDB records (*.hea *.dat *.atr *.mat)",
        "MATLAB files (*.mat)",
        "EDF/BDF recordings (*.edf *.bdf *.rec)",
        "NI TDMS files (*.tdms)",
        "HDF5 files (*.h5 *.hdf5 *.hdf *.he5)",
        "Parquet/Feather tables (*.parquet *.pq *.feather *.arrow *.ipc)",
        "All files (*)",
    ]
    return ";;".join(parts)


FILE_DIALOG_FILTER: str = _dialog_filter()
"""Qt name-filter string for the open dialog (a plain str; no Qt here)."""

_SUPPORTED_TEXT = (
    "CSV/TSV/TXT text tables, NumPy .npy/.npz, WAV, WFDB records (.hea/.dat/.atr/.mat), "
    "MATLAB v4/v5/v7.3 .mat, EDF/EDF+/BDF/BDF+, NI TDMS, HDF5 and Parquet/Feather files"
)

_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"

# Formats we recognise but do not read: say what the file is instead of "unknown".
_KNOWN_UNSUPPORTED_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"TDSh", "an NI TDMS index file (.tdms_index; open the .tdms file next to it)"),
    (0, b"\x1f\x8b", "a gzip-compressed file (decompress it first)"),
    (0, b"BZh", "a bzip2-compressed file (decompress it first)"),
    (0, b"\xfd7zXZ\x00", "an xz-compressed file (decompress it first)"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (extract it first)"),
    (0, b"%PDF", "a PDF document"),
    (0, b"\x89PNG", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"fLaC", "a FLAC audio file"),
    (0, b"OggS", "an Ogg audio file"),
)


def read_recording(
    path: str | Path,
    fs_hz: float | None = None,
    *,
    channels: Sequence[str] | None = None,
    resample_to_hz: float | None = None,
    dataset: str | None = None,
    resample_irregular: bool = False,
    time_column: str | None = None,
    units: str | None = None,
    max_rows: int | None = None,
) -> Recording:
    """Open a recording file of any supported format.

    Parameters
    ----------
    path
        The file to open. For WFDB records any of ``.hea``, ``.dat``, ``.atr`` or a
        WFDB ``.mat`` picks the record.
    fs_hz
        Sampling rate in Hz. Overrides the file's own rate; required when the file
        does not state one.
    channels
        Names (or indices) of the channels to open, in that order; None opens the default
        set. For files whose channels differ in rate (EDF/BDF, TDMS) the default is the
        largest group sharing one rate, and the others are listed in
        ``meta["skipped_channels"]``; naming channels of different rates needs
        ``resample_to_hz``.
    resample_to_hz
        Resample every opened channel to this rate (polyphase, anti-aliased); annotations
        follow. With mixed-rate files and no ``channels``, every channel is opened.
    dataset
        Which array of an HDF5 or MATLAB file is the signal (HDF5 path or variable name),
        when the file holds several (``ChoiceRequiredError`` lists them).
    resample_irregular
        Text and Parquet/Feather tables with irregular timestamps: interpolate linearly onto
        a uniform grid at the median step. When False such a table opens as it is, with
        ``meta["irregular"] = True`` and a warning offering it.
    time_column
        Text and Parquet/Feather tables: the column that holds the time (name or 0-based
        index), overriding the automatic choice; ``"none"`` reads every column as data.
    units
        Units of the channels where the file states none or states them wrongly: one unit
        for all (``"mV"``) or ``CHANNEL=UNIT`` pairs (``"MLII=mV,V1=mV"``).
    max_rows
        Text tables: read only the first rows (a preview); ignored by other formats, which
        read lazily anyway.

    Returns
    -------
    Recording
        ``data`` float32 ``(n_samples, n_channels)``; ``meta["format"]`` names the reader.

    Raises
    ------
    ReadError
        Missing, empty, truncated or malformed file (the message names the file).
    ChoiceRequiredError
        Several arrays could be the signal and ``dataset`` is None (``.choices`` lists them).
    UnsupportedFormatError
        A format we do not read.
    MissingSamplingRateError
        The file states no rate and ``fs_hz`` is None.
    ChannelSelectionError
        ``channels`` names a channel the file does not have.
    DataError
        ``fs_hz`` or ``resample_to_hz`` is not a positive number.
    """
    path = Path(path).expanduser()
    fs_hz = _checked_rate(fs_hz, "Sampling rate")
    resample_to_hz = _checked_rate(resample_to_hz, "Resampling rate")
    fmt = detect_format(path)
    spec = FORMATS[fmt]
    options = {
        "channels": list(channels) if channels is not None and not isinstance(channels, str) else channels,
        "resample_to_hz": resample_to_hz,
        "dataset": dataset,
        "resample_irregular": bool(resample_irregular),
        "time_column": time_column if time_column is not None and str(time_column).strip() else None,
        "max_rows": max_rows,
    }
    reader = _reader(spec, spec.function, path)
    accepted = inspect.signature(reader).parameters
    if dataset is not None and "dataset" not in accepted:
        raise ReadError(
            f"'{path.name}' is a {spec.label} file, which holds a single signal; "
            "choosing a dataset applies to HDF5 and MATLAB files only."
        )
    if options["time_column"] is not None and "time_column" not in accepted:
        raise ReadError(
            f"'{path.name}' is a {spec.label} file; choosing a time column applies to text, "
            "Parquet and Feather tables only."
        )
    passed = {k: v for k, v in options.items() if k in accepted}
    recording = _call_reader(path, spec, reader, fs_hz=fs_hz, **passed)
    if "channels" not in accepted and options["channels"] is not None:
        indices = parse_channel_spec(options["channels"], recording.channel_names)
        recording = recording.select_channels(indices)
    if "resample_to_hz" not in accepted and resample_to_hz is not None:
        recording = _resample_recording(recording, resample_to_hz)
    return recording.with_units(units)


def list_channels(
    path: str | Path, fs_hz: float | None = None, *, dataset: str | None = None, time_column: str | None = None
) -> list[ChannelInfo]:
    """The channels of ``path`` (name, unit, rate, length), for import dialogs and ``info``.

    EDF/BDF and TDMS files are described from their headers, channel by channel with its own
    rate; other formats are opened and every channel gets the recording's one rate
    (``fs_hz=None`` in a ``ChannelInfo`` when the file states no rate and none is given).
    """
    path = Path(path).expanduser()
    fs_hz = _checked_rate(fs_hz, "Sampling rate")
    spec = FORMATS[detect_format(path)]
    if spec.lister is not None and dataset is None and time_column is None:
        lister = _reader(spec, spec.lister, path)
        return _call_reader(path, spec, lister, fs_hz=fs_hz)
    try:
        recording = read_recording(path, fs_hz, dataset=dataset, time_column=time_column)
        rate: float | None = recording.fs_hz
    except MissingSamplingRateError:
        recording = read_recording(path, 1.0, dataset=dataset, time_column=time_column)
        rate = None
    return [ChannelInfo(c.name, c.unit, rate, recording.n_samples) for c in recording.channels]


def read_annotations(path: str | Path, fs_hz: float | None = None) -> Annotations:
    """The annotations of ``path`` (onsets in samples at ``fs_hz``, default the file's rate).

    EDF+/BDF+ files, annotation-only ones included, are read without decoding their signals
    (see ``edf.read_edf_annotations`` for the rate of an annotation-only file); other formats
    return the annotations ``read_recording`` finds.
    """
    path = Path(path).expanduser()
    fs_hz = _checked_rate(fs_hz, "Sampling rate")
    spec = FORMATS[detect_format(path)]
    if spec.annotation_reader is None:
        return read_recording(path, fs_hz).annotations
    reader = _reader(spec, spec.annotation_reader, path)
    return _call_reader(path, spec, reader, fs_hz=fs_hz)


def _checked_rate(value: object, what: str) -> float | None:
    if value is None:
        return None
    try:
        rate = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(f"{what} must be a number of Hz, got {value!r}.") from None
    if not math.isfinite(rate) or rate <= 0:
        raise DataError(f"{what} must be a positive number of Hz, got {rate}.")
    return rate


def _reader(spec: FormatSpec, function: str, path: Path):
    try:
        module = importlib.import_module(f".{spec.module}", __name__)
    except ImportError as exc:  # an optional library missing from this installation
        raise ReadError(
            f"'{path.name}' is a {spec.label} file, but the library to read it is not "
            f"installed: {exc}"
        ) from exc
    return getattr(module, function)


def _call_reader(path: Path, spec: FormatSpec, function, **kwargs):
    try:
        return function(path, **kwargs)
    except AnomalyGuiError:
        raise
    except MemoryError as exc:
        size = describe_size(path.stat().st_size)
        raise ReadError(f"Not enough memory to load '{path.name}' ({size}).") from exc
    except Exception as exc:  # noqa: BLE001 - a reader's library failed: one clear message
        raise ReadError(
            f"Could not read '{path.name}' as {spec.label}: {_describe_exception(exc)}"
        ) from exc


def _resample_recording(recording: Recording, rate: float) -> Recording:
    """``recording`` at ``rate`` Hz; annotation onsets and durations are scaled along."""
    from ..dsp.resample import resample_to

    factor = rate / recording.fs_hz
    if abs(factor - 1.0) <= 1e-9:
        return recording
    data = resample_to(recording.data, recording.fs_hz, rate)
    ann = recording.annotations
    scaled = replace(
        ann,
        onset_samples=np.round(ann.onset_samples * factor).astype(np.int64),
        duration_samples=None if ann.duration_samples is None
        else np.round(ann.duration_samples * factor).astype(np.int64),
    )
    meta = dict(recording.meta, resampled_to_hz=rate, resampled_from_hz=recording.fs_hz)
    return replace(recording, data=data, fs_hz=rate, annotations=scaled, meta=meta)


def detect_format(path: str | Path) -> str:
    """The registry name (a key of ``FORMATS``) of the reader for ``path``.

    Raises ``ReadError`` for a missing/empty file and ``UnsupportedFormatError`` for a
    format we do not read.
    """
    path = Path(path).expanduser()
    check_readable_file(path)
    ext = path.suffix.lower()
    head = read_head(path, 4096)

    if ext == ".hea":
        return "wfdb"
    if ext in (".dat", ".atr", ".mat") and path.with_suffix(".hea").is_file():
        return "wfdb"

    if head.startswith(b"MATLAB 5.0 MAT-file") or head.startswith(b"MATLAB 7.3 MAT-file"):
        return "matlab"
    hdf5_offset = _hdf5_offset(head)
    if hdf5_offset is not None:
        # MATLAB v7.3 is HDF5 behind a 512-byte text block; a .mat name decides when the text is gone.
        return "matlab" if hdf5_offset == 512 and ext == ".mat" else "hdf5"
    if head[:4] in (b"RIFF", b"RIFX", b"RF64") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        if ext in (".npz", ""):
            return "npz"
        raise UnsupportedFormatError(
            f"'{path.name}' is a ZIP archive; only NumPy .npz archives are read. "
            f"Extract it, or rename it to .npz if it is one. Supported: {_SUPPORTED_TEXT}."
        )
    if _is_edf(head) or head.startswith(b"\xffBIOSEMI"):
        return "edf"
    if head.startswith(b"TDSm"):
        return "tdms"
    if head.startswith((b"PAR1", b"ARROW1", b"FEA1")):
        return "columnar"
    for offset, magic, what in _KNOWN_UNSUPPORTED_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            raise UnsupportedFormatError(
                f"'{path.name}' looks like {what}, which is not supported. "
                f"Supported: {_SUPPORTED_TEXT}."
            )

    if ext in (".dat", ".atr") and not _looks_like_text(head):
        raise ReadError(
            f"'{path.name}' looks like a WFDB file, but its header "
            f"'{path.with_suffix('.hea').name}' is not next to it; WFDB signals cannot be "
            "read without their header."
        )
    if ext == ".mat":
        return "matlab"  # MATLAB v4 files have no magic; the reader reports garbage
    # Binary formats named by their extension: their reader explains what is wrong.
    for name in ("npy", "npz", "wav", "edf", "tdms", "hdf5", "columnar"):
        if ext in FORMATS[name].extensions:
            return name
    if ext in FORMATS["text"].extensions or _looks_like_text(head):
        return "text"
    raise UnsupportedFormatError(
        f"'{path.name}' is not in a supported format (binary content, extension "
        f"'{path.suffix or 'none'}'). Supported: {_SUPPORTED_TEXT}."
    )


def _hdf5_offset(head: bytes) -> int | None:
    """Where the HDF5 signature sits: 0, or a user block of 512, 1024, 2048… bytes."""
    offset = 0
    while offset + 8 <= len(head):
        if head[offset : offset + 8] == _HDF5_MAGIC:
            return offset
        offset = 512 if offset == 0 else offset * 2
    return None


def _is_edf(head: bytes) -> bool:
    """EDF starts with "0" and 7 spaces; check the numeric header fields too (text can start so)."""
    if not head.startswith(b"0       ") or len(head) < 256:
        return False
    header_bytes, n_signals = head[184:192].strip(), head[252:256].strip()
    return header_bytes.isdigit() and n_signals.isdigit()


def _looks_like_text(head: bytes) -> bool:
    """True when the first bytes decode as text (UTF-8, UTF-16 with BOM, or mostly Latin-1)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\x00" in head:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a multi-byte character cut at the end is fine
        return True
    except UnicodeDecodeError:
        pass
    text = head.decode("latin-1")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.98 * len(text)


def _describe_exception(exc: BaseException) -> str:
    message = str(exc).strip() or type(exc).__name__
    if len(message) > 300:
        message = message[:300] + "…"
    return f"{message} ({type(exc).__name__})"
