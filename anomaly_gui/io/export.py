"""Writing results: segment tables as CSV and JSON, written atomically.

Other exports live beside this module: ``export_edf`` (EDF+ with the segments as annotations),
``export_wfdb`` (WFDB annotation files), ``export_crops`` (one file per segment with context).
The JSON document is described in ``docs/segments-format.md``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .. import __version__
from ..errors import AnomalyGuiError
from ..recording import Recording
from ..segments import SegmentSet

SEGMENT_FORMATS = (".csv", ".json")
CSV_COLUMNS = (
    "index",
    "start_s",
    "end_s",
    "duration_s",
    "start_sample",
    "end_sample",
    "score",
    "channels",
    "status",
    "label",
    "note",
)


class ExportError(AnomalyGuiError):
    """An export could not be written (bad target, data the format cannot hold)."""


STATUS_CHOICES = ("all", "accepted", "rejected", "pending")


def filter_segments(segments: SegmentSet, status: str = "all") -> SegmentSet:
    """The segments with review ``status`` (``"all"`` keeps every one)."""
    if status not in STATUS_CHOICES:
        raise ExportError(f"Unknown status '{status}'; use one of {', '.join(STATUS_CHOICES)}.")
    if status == "all":
        return segments
    return SegmentSet(segments.fs_hz, [s for s in segments if s.status == status])


def segment_text(segment) -> str:
    """The one-line description of a segment used as an annotation text: its label (or
    ``anomaly``) and review status, e.g. ``PVC (accepted)``."""
    return f"{segment.label or 'anomaly'} ({segment.status})"


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, fsync it, then rename over ``path``:
    readers see the old file or the new one, never half of one."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"Could not write {path}: {exc.strerror or exc}") from exc


def write_table_csv(path: str | Path, header: list[str], columns: list, comments: dict | None = None) -> None:
    """A numeric table as CSV (atomically): ``# key: value`` comment lines, the header, then
    one row per value of the equally long ``columns`` (each 1-D, or 2-D for several)."""
    import numpy as np

    text = io.StringIO()
    for key, value in (comments or {}).items():
        text.write(f"# {key}: {value}\n")
    text.write(",".join(header) + "\n")
    np.savetxt(text, np.column_stack(columns), delimiter=",", fmt="%.9g")
    atomic_write_text(path, text.getvalue())


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (same suffix) for a writer library; when the
    block ends without error the file is fsynced and renamed over ``path``, otherwise removed."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"Could not write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def segments_document(
    segments: SegmentSet,
    recording: Recording,
    settings: dict,
    threshold: float,
) -> dict:
    """The JSON export: where the segments come from, how they were found, and the segments."""
    return {
        "format": "anomaly-gui-segments",
        "format_version": 1,
        "app_version": __version__,
        "source_file": str(recording.source) if recording.source else None,
        "fs": recording.fs_hz,
        "n_samples": recording.n_samples,
        "channels": recording.channel_names,
        "start_time": recording.start_time.isoformat() if recording.start_time else None,
        "threshold": threshold,
        "model_settings": settings,
        "segments": segments.to_records(),
    }


def write_segments(
    path: str | Path,
    segments: SegmentSet,
    recording: Recording,
    settings: dict,
    threshold: float,
) -> None:
    """Write the segments to ``path``; the suffix picks the format (``.csv`` or ``.json``).

    The CSV starts with ``#`` comment lines giving the source file, sampling rate, threshold
    and model settings, then one row per segment with times in seconds and in samples.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    doc = segments_document(segments, recording, settings, threshold)
    if suffix == ".json":
        atomic_write_text(path, json.dumps(doc, indent=2) + "\n")
    elif suffix == ".csv":
        buf = io.StringIO()
        buf.write(f"# source_file: {doc['source_file']}\n")
        buf.write(f"# fs: {doc['fs']}\n")
        buf.write(f"# channels: {', '.join(doc['channels'])}\n")
        buf.write(f"# threshold: {doc['threshold']}\n")
        buf.write(f"# model_settings: {json.dumps(settings, sort_keys=True)}\n")
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for i, rec in enumerate(doc["segments"]):
            row = dict(rec, index=i, channels=";".join(rec["channels"]))
            writer.writerow([row[c] for c in CSV_COLUMNS])
        atomic_write_text(path, buf.getvalue())
    else:
        raise ExportError(f"Cannot export segments as '{suffix or path.name}'; use .csv or .json.")
