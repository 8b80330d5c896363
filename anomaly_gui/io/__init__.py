"""Open recordings: a registry that sniffs the format and hands the file to one reader.

``read_recording(path, fs_hz=None)`` is the only entry point the rest of the app needs.
The format is decided by magic bytes first, then by the extension (WFDB files have no magic,
so a ``.hea`` with the same stem decides for ``.dat``/``.atr``/``.mat``), then by the content
being text. Reader modules, and the heavy libraries they use (pandas, scipy.io, wfdb,
soundfile), are imported only when a file of their kind is opened.
"""

from __future__ import annotations

import codecs
import importlib
import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import AnomalyGuiError, DataError, ReadError, UnsupportedFormatError
from ..recording import Recording
from ._common import check_readable_file, describe_size, read_head

__all__ = [
    "FILE_DIALOG_FILTER",
    "FORMATS",
    "SUPPORTED_EXTENSIONS",
    "FormatSpec",
    "detect_format",
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


FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec("text", "Text tables", (".csv", ".tsv", ".txt", ".out"), "text", "read_text"),
        FormatSpec("npy", "NumPy array", (".npy",), "numpy_files", "read_npy"),
        FormatSpec("npz", "NumPy archive", (".npz",), "numpy_files", "read_npz"),
        FormatSpec("wav", "WAV audio", (".wav",), "wav", "read_wav"),
        FormatSpec("wfdb", "WFDB records", (".hea", ".dat", ".atr", ".mat"), "wfdb_record", "read_wfdb"),
        FormatSpec("matlab", "MATLAB v4/v5", (".mat",), "matlab", "read_matlab"),
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
        "All files (*)",
    ]
    return ";;".join(parts)


FILE_DIALOG_FILTER: str = _dialog_filter()
"""Qt name-filter string for the open dialog (a plain str; no Qt here)."""

_SUPPORTED_TEXT = (
    "CSV/TSV/TXT text tables, NumPy .npy/.npz, WAV, WFDB records (.hea/.dat/.atr/.mat) "
    "and MATLAB v4/v5 .mat files"
)

# Formats we recognise but do not read yet: say what the file is instead of "unknown".
_KNOWN_UNSUPPORTED_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89HDF\r\n\x1a\n", "an HDF5 file"),
    (0, b"\xffBIOSEMI", "a BDF file"),
    (0, b"TDSm", "an NI TDMS file"),
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


def read_recording(path: str | Path, fs_hz: float | None = None) -> Recording:
    """Open a recording file of any supported format.

    Parameters
    ----------
    path
        The file to open. For WFDB records any of ``.hea``, ``.dat``, ``.atr`` or a
        WFDB ``.mat`` picks the record.
    fs_hz
        Sampling rate in Hz. Overrides the file's own rate; required when the file
        does not state one.

    Returns
    -------
    Recording
        ``data`` float32 ``(n_samples, n_channels)``; ``meta["format"]`` names the reader.

    Raises
    ------
    ReadError
        Missing, empty, truncated or malformed file (the message names the file).
    UnsupportedFormatError
        A format we do not read.
    MissingSamplingRateError
        The file states no rate and ``fs_hz`` is None.
    DataError
        ``fs_hz`` is not a positive number.
    """
    path = Path(path).expanduser()
    if fs_hz is not None:
        try:
            fs_hz = float(fs_hz)
        except (TypeError, ValueError):
            raise DataError(f"Sampling rate must be a number of Hz, got {fs_hz!r}.") from None
        if not math.isfinite(fs_hz) or fs_hz <= 0:
            raise DataError(f"Sampling rate must be a positive number of Hz, got {fs_hz}.")
    fmt = detect_format(path)
    spec = FORMATS[fmt]
    try:
        module = importlib.import_module(f".{spec.module}", __name__)
        reader = getattr(module, spec.function)
        return reader(path, fs_hz=fs_hz)
    except AnomalyGuiError:
        raise
    except MemoryError as exc:
        size = describe_size(path.stat().st_size)
        raise ReadError(f"Not enough memory to load '{path.name}' ({size}).") from exc
    except Exception as exc:  # noqa: BLE001 - a reader's library failed: one clear message
        raise ReadError(
            f"Could not read '{path.name}' as {spec.label}: {_describe_exception(exc)}"
        ) from exc


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
    if head[512:520] == b"\x89HDF\r\n\x1a\n":
        return "matlab"  # the MATLAB reader explains that v7.3 is not supported
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
    if _is_edf(head):
        raise UnsupportedFormatError(
            f"'{path.name}' looks like an EDF/EDF+ file, which is not supported yet. "
            f"Supported: {_SUPPORTED_TEXT}."
        )
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
    if ext in (".wav", ".npy", ".npz"):
        return {".wav": "wav", ".npy": "npy", ".npz": "npz"}[ext]
    if ext in FORMATS["text"].extensions or _looks_like_text(head):
        return "text"
    raise UnsupportedFormatError(
        f"'{path.name}' is not in a supported format (binary content, extension "
        f"'{path.suffix or 'none'}'). Supported: {_SUPPORTED_TEXT}."
    )


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
