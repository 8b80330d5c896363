"""What an import dialog shows before a file is opened: its layout, its channels, the first
seconds of signal with the user's choices applied, and what is still missing.

``preview_file`` never raises for a problem of the file or of the choices: the problem is
the preview's ``problem`` text (the dialog shows it and keeps Open disabled), so the user can
change a choice and try again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import AnomalyGuiError, MissingSamplingRateError
from ..recording import Recording, parse_channel_spec
from ._common import ChannelInfo, ChoiceRequiredError, DatasetChoice, describe_size

PREVIEW_ROWS = 20_000
"""Rows of a text table read for a preview (the whole table is read on opening)."""

PREVIEW_SECONDS = 10.0
PREVIEW_MIN_SAMPLES = 2_000  # slow signals (1 Hz process data) still show a shape
PREVIEW_MAX_SAMPLES = 20_000
HEAD_LINES = 12
TABLE_FORMATS = ("text", "columnar")


@dataclass
class FilePreview:
    path: Path
    format: str = ""  # registry name, "" when the format is not known
    format_label: str = ""
    size_text: str = ""
    head_lines: list[str] = field(default_factory=list)  # text tables: the first lines as they are
    columns: list[str] = field(default_factory=list)  # tables: every column, for the time choice
    choices: list[DatasetChoice] = field(default_factory=list)  # arrays a HDF5/MATLAB file offers
    file_channels: list[ChannelInfo] = field(default_factory=list)  # every channel with its rate
    needs_rate: bool = False  # the file states no sampling rate and none was given
    recording: Recording | None = None  # the first seconds as they would open
    n_samples: int | None = None  # of the whole recording (None: not known from a partial read)
    problem: str = ""  # what stops the file opening with these choices

    @property
    def is_table(self) -> bool:
        return self.format in TABLE_FORMATS

    @property
    def can_open(self) -> bool:
        return not self.problem and not self.needs_rate and self.recording is not None


def preview_file(path: str | Path, fs_hz: float | None = None, channel_spec: str | None = None,
                 options: dict | None = None) -> FilePreview:
    """The preview of ``path`` read with ``fs_hz``, ``channel_spec`` and ``options``
    (``read_recording`` keywords: ``dataset``, ``time_column``, ``units`` …)."""
    from . import FORMATS, detect_format, list_channels, read_recording

    path = Path(path).expanduser()
    options = {k: v for k, v in (options or {}).items() if v not in (None, "", False)}
    preview = FilePreview(path)
    try:
        preview.format = detect_format(path)
        spec = FORMATS[preview.format]
        preview.format_label = spec.label
        preview.size_text = describe_size(path.stat().st_size)
        if preview.format == "text":
            preview.head_lines = _head_lines(path)
        if preview.is_table:
            preview.columns = table_columns(path, preview.format)
            options.setdefault("max_rows", PREVIEW_ROWS)
        # Files with a header lister (EDF/BDF, TDMS) are described from it and pick channels
        # while reading (channels of other rates); every other file is read whole once, its
        # channels listed from that read and picked afterwards.
        listed = spec.lister is not None
        picked = None if listed else options.pop("channels", None)
        try:
            recording = read_recording(path, fs_hz, **options)
        except MissingSamplingRateError:
            preview.needs_rate = True
            recording = read_recording(path, 1.0, **options)  # shown in samples until a rate is given
        rate = None if preview.needs_rate else recording.fs_hz
        if listed:
            preview.file_channels = list_channels(path, None if preview.needs_rate else fs_hz)
        else:
            preview.file_channels = [ChannelInfo(c.name, c.unit, rate, recording.n_samples)
                                     for c in recording.channels]
        for selection in (picked, channel_spec):
            if selection:
                recording = recording.select_channels(parse_channel_spec(selection, recording.channel_names))
        truncated = preview.is_table and recording.n_samples >= int(options.get("max_rows") or 0) > 0
        preview.n_samples = None if truncated else recording.n_samples
        preview.recording = _head(recording)
    except ChoiceRequiredError as exc:
        preview.problem = "Choose which array holds the signal."
        preview.choices = list(exc.choices)
    except AnomalyGuiError as exc:
        preview.problem = str(exc)
    except OSError as exc:
        preview.problem = f"'{path.name}' cannot be read: {exc.strerror or exc}."
    return preview


def _head(recording: Recording) -> Recording:
    n = int(min(recording.n_samples, max(PREVIEW_MIN_SAMPLES, PREVIEW_SECONDS * recording.fs_hz), PREVIEW_MAX_SAMPLES))
    head = recording.crop(0, n)
    head.data = np.array(head.data, dtype=np.float32)  # a copy: the file may be closed or change
    return head


def _head_lines(path: Path) -> list[str]:
    from .text import sniff_layout

    try:
        encoding = sniff_layout(path).encoding
    except AnomalyGuiError:
        encoding = "latin-1"
    lines = []
    with open(path, encoding=encoding, errors="replace") as handle:
        for line in handle:
            lines.append(line.rstrip("\r\n")[:300])
            if len(lines) >= HEAD_LINES:
                break
    return lines


def table_columns(path: Path, fmt: str) -> list[str]:
    """Every column name of a text/Parquet/Feather table, in file order."""
    if fmt == "text":
        from .text import column_names

        return column_names(path)
    from .columnar import column_names as columnar_names

    return columnar_names(path)
