"""CSV/TSV/TXT tables: sniff the layout from the first bytes, parse with pandas' C engine.

Layout rules
------------
* Encoding: UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1.
* Leading blank lines and comment lines (``#``, ``%``, ``//``) are skipped.
* Delimiter: the first of tab, ``;``, ``,``, ``|`` that splits the sampled lines into the
  same number (> 1) of fields; else runs of whitespace; else one column.
* Decimal comma: with a non-comma delimiter, numbers written ``1,5`` (and none ``1.5``).
* Header: the first row is a header when one of its fields is text where the second row
  holds a number or a timestamp.

Columns
-------
Shared with Parquet/Feather (``_table``): the time column (which one; clock time, elapsed
seconds or a sample index; the rate) is found by the rules in ``_text_time``; it is not a
data channel. Columns named like labels (``anomaly``, ``is_anomaly``, ``label``,
``changepoint``, …) holding only 0/1 become ``Annotations`` (runs of 1 as intervals) instead
of channels, so ground truth is never fed to a detector. Other non-numeric columns are
skipped and listed with the reason in ``meta["skipped_columns"]``. Irregular timestamps are
flagged, or resampled with ``resample_irregular=True`` (see ``_table``).
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReadError
from ..recording import Recording
from ._common import read_head
from ._table import MISSING, recording_from_columns

_SNIFF_BYTES = 256 * 1024
_SNIFF_LINES = 200
_COMMENT_PREFIXES = ("#", "%", "//")
_DELIMITERS = ("\t", ";", ",", "|")

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$", re.I)
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+([eE][+-]?\d+)?$")
_DECIMAL_POINT = re.compile(r"^[+-]?\d*\.\d+([eE][+-]?\d+)?$")
_DATE = re.compile(
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([T ]\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
    r"|^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}( \d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?)?$"
)


@dataclass(frozen=True)
class TextLayout:
    """What the sniffer found: everything ``pandas.read_csv`` needs."""

    encoding: str
    skip_rows: int
    delimiter: str | None  # None: whitespace; "" : a single column
    decimal: str
    has_header: bool
    comment: str | None


def read_text(
    path: Path,
    fs_hz: float | None = None,
    *,
    resample_irregular: bool = False,
    time_column: str | None = None,
    max_rows: int | None = None,
) -> Recording:
    """Read a delimited text table (see the module docstring for the rules).

    ``time_column`` overrides the time-column rules (a name or index, or ``"none"``);
    ``max_rows`` reads only the first rows (a preview).
    """
    layout = sniff_layout(path)
    frame = _parse(path, layout, max_rows)
    if len(frame) == 0:
        raise ReadError(f"'{path.name}' has a header but no data rows.")

    names = _column_names(frame, layout.has_header)
    meta: dict = {
        "delimiter": {None: "whitespace", "": None}.get(layout.delimiter, layout.delimiter),
        "decimal": layout.decimal,
        "header": layout.has_header,
        "encoding": layout.encoding,
    }
    columns = [frame.iloc[:, i] for i in range(frame.shape[1])]
    return recording_from_columns(
        path, columns, names, "text", meta, fs_hz=fs_hz, has_header=layout.has_header,
        decimal=layout.decimal, resample_irregular=resample_irregular, time_column=time_column,
    )


def sniff_layout(path: Path) -> TextLayout:
    """Guess encoding, delimiter, decimal mark and header from the first 256 kB."""
    raw = read_head(path, _SNIFF_BYTES)
    encoding, text = _decode(raw, path)
    lines = text.splitlines()
    if len(raw) == _SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in the middle
    skip = 0
    comment = None
    while skip < len(lines) and (not lines[skip].strip() or lines[skip].lstrip().startswith(_COMMENT_PREFIXES)):
        stripped = lines[skip].lstrip()
        if stripped.startswith("#"):
            comment = "#"
        skip += 1
    sample = [ln for ln in lines[skip : skip + _SNIFF_LINES * 2] if ln.strip()][:_SNIFF_LINES]
    if not sample:
        raise ReadError(f"'{path.name}' contains no data (only blank or comment lines).")

    delimiter = _sniff_delimiter(sample)
    rows = [_split(ln, delimiter) for ln in sample[:_SNIFF_LINES]]
    decimal = "."
    if delimiter != ",":
        fields = [f.strip() for row in rows[1:] or rows for f in row]
        if any(_DECIMAL_COMMA.match(f) for f in fields) and not any(_DECIMAL_POINT.match(f) for f in fields):
            decimal = ","
    has_header = _has_header(rows, decimal)
    return TextLayout(encoding, skip, delimiter, decimal, has_header, comment)


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", raw.decode("utf-16", errors="replace")
    if b"\x00" in raw:
        raise ReadError(f"'{path.name}' is not a text table (it contains binary data).")
    try:
        return "utf-8", codecs.getincrementaldecoder("utf-8")().decode(raw, final=False)
    except UnicodeDecodeError:
        return "latin-1", raw.decode("latin-1")


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.split()
    if delimiter == "":
        return [line]
    return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])


def _sniff_delimiter(sample: list[str]) -> str | None:
    for delimiter in _DELIMITERS:
        counts = [len(_split(ln, delimiter)) for ln in sample]
        mode = max(set(counts), key=counts.count)
        if mode > 1 and counts.count(mode) >= 0.9 * len(counts):
            return delimiter
    counts = [len(ln.split()) for ln in sample]
    mode = max(set(counts), key=counts.count)
    if mode > 1 and counts.count(mode) >= 0.9 * len(counts):
        return None
    return ""


def _kind(field: str, decimal: str) -> str:
    field = field.strip().strip('"').strip()
    if field.lower() in MISSING:
        return "missing"
    if _NUMBER.match(field) and ("," not in field or decimal == ","):
        return "number"
    if _DATE.match(field):
        return "date"
    return "text"


def _has_header(rows: list[list[str]], decimal: str) -> bool:
    first = [_kind(f, decimal) for f in rows[0]]
    if len(rows) == 1:
        return all(k in ("text", "missing") for k in first) and "text" in first
    second = [_kind(f, decimal) for f in rows[1]]
    return any(a == "text" and b in ("number", "date") for a, b in zip(first, second))


def _parse(path: Path, layout: TextLayout, max_rows: int | None = None):
    import pandas as pd  # lazily: ~0.3 s to import

    if layout.delimiter is None:
        sep = r"\s+"
    elif layout.delimiter == "":
        sep = ";" if layout.decimal == "," else ","
    else:
        sep = layout.delimiter
    try:
        return pd.read_csv(
            path,
            sep=sep,
            decimal=layout.decimal,
            header=0 if layout.has_header else None,
            skiprows=layout.skip_rows,
            encoding=layout.encoding,
            encoding_errors="replace",  # a stray byte in a label must not sink the table
            comment=layout.comment,
            skipinitialspace=True,
            skip_blank_lines=True,
            engine="c",
            low_memory=False,
            nrows=max_rows,
        )
    except pd.errors.EmptyDataError as exc:
        raise ReadError(f"'{path.name}' contains no data rows.") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        message = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise ReadError(f"'{path.name}' could not be parsed as a table: {message}") from exc


def _column_names(frame, has_header: bool) -> list[str]:
    if not has_header:
        return [f"ch{i}" for i in range(frame.shape[1])]
    names = []
    for i, name in enumerate(frame.columns):
        name = str(name).strip()
        names.append("" if name.startswith("Unnamed: ") else name)
    return names


def column_names(path: Path) -> list[str]:
    """The table's column names in file order (``chN`` without a header), from its first rows."""
    layout = sniff_layout(path)
    frame = _parse(path, layout, 5)
    return [name or f"column {i}" for i, name in enumerate(_column_names(frame, layout.has_header))]
