"""The format registry: which reader opens a file, decided from its bytes and its name.

The format is decided by magic bytes first, then by the extension (WFDB files have no magic,
so a ``.hea`` with the same stem decides for ``.dat``/``.atr``/``.mat``), then by the content
being text. Known formats we do not read are named instead of called "unknown".
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError, UnsupportedFormatError
from ._common import check_readable_file, read_head


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
