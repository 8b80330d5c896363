"""Command-line entry points on sessions (wired into ``anomaly-gui`` by ``cli.py``).

    anomaly-gui export PROJECT --format csv|json|edf|wfdb|crops|png|svg|pdf|html --out PATH
                       [--status all|accepted|rejected|pending] [--context-s S] [--source FILE]
                       [--crop-format csv|npy|wav|edf] [--wav-pcm16] [--file-annotations]
                       [--paired] [--extension EXT]
                       [--t0 S] [--t1 S]

``write_session`` and ``write_report`` are what ``detect ... --session-out`` and
``detect ... --report`` call. Expected failures print one line and return 2.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import AnomalyGuiError

EXPORT_FORMATS = ("csv", "json", "edf", "wfdb", "crops", "png", "svg", "pdf", "html")
_NEEDS_SIGNAL = ("edf", "crops", "png", "svg", "pdf", "html")


@dataclass
class _RecordingInfo:
    """What the segment table exports need of a recording when its samples are not loaded."""

    source: Path | None
    fs_hz: float
    n_samples: int
    channel_names: list[str]
    start_time: object = None


def _export_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="anomaly-gui export", description="Export a review project.")
    p.add_argument("project", help="a .agproj project file")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS, dest="fmt")
    p.add_argument("--out", required=True, metavar="PATH", help="output file (a folder for crops; "
                   "for wfdb a folder or RECORD.EXT)")
    p.add_argument("--status", default="all", choices=("all", "accepted", "rejected", "pending"),
                   help="which segments to export (default: all)")
    p.add_argument("--context-s", type=float, default=1.0, metavar="S",
                   help="seconds of context around each segment (crops, report thumbnails; default 1)")
    p.add_argument("--source", metavar="FILE", help="the recording, if it moved since the project was saved")
    p.add_argument("--crop-format", default="csv", choices=("csv", "npy", "wav", "edf"))
    p.add_argument("--wav-pcm16", action="store_true", help="16-bit PCM crops (scaled per channel)")
    p.add_argument("--file-annotations", action="store_true",
                   help="edf: also write the recording's own annotations (beats, events)")
    p.add_argument("--paired", action="store_true", help="wfdb: also '(' and ')' at each segment's ends")
    p.add_argument("--extension", default=None, metavar="EXT", help="wfdb annotation extension (default anom)")
    p.add_argument("--t0", type=float, default=None, metavar="S", help="png/svg: start of the range (s)")
    p.add_argument("--t1", type=float, default=None, metavar="S", help="png/svg: end of the range (s)")
    return p


def _open(project: str, source: str | None, need_signal: bool):
    from .project import SourceMissingError, open_project

    try:
        return open_project(project, source, load_recording=need_signal or source is not None, load_model=False)
    except SourceMissingError as exc:
        raise AnomalyGuiError(f"{exc} Pass --source FILE to say where it is now.") from None


def run_export(args: argparse.Namespace) -> str:
    """Do the export ``args`` describe; returns a one-line summary."""
    from ..io.export import filter_segments, write_segments

    session = _open(args.project, args.source, args.fmt in _NEEDS_SIGNAL)
    segs = filter_segments(session.segments, args.status)
    out = Path(args.out)
    rec = session.recording
    if args.fmt in ("csv", "json"):
        if out.suffix.lower() != f".{args.fmt}":
            out = out.with_name(out.name + f".{args.fmt}")
        info = rec or _RecordingInfo(session.source_path, session.fs_hz, session.n_samples, session.channel_names)
        settings = dict(session.detection, training=session.training_description)
        write_segments(out, segs, info, settings, session.threshold)
    elif args.fmt == "edf":
        from ..io.export_edf import write_edf

        extra = []
        if args.file_annotations:
            ann = rec.annotations
            durations = ann.duration_samples if ann.duration_samples is not None else np.zeros(len(ann))
            extra = [(int(on) / rec.fs_hz, max(0, int(d)) / rec.fs_hz, str(label))
                     for on, d, label in zip(ann.onset_samples, durations, ann.labels)]
        write_edf(out, rec, segs, extra_annotations=extra)
    elif args.fmt == "wfdb":
        from ..io.export_wfdb import write_wfdb_annotations

        if out.is_dir() or str(args.out).endswith(("/", "\\")) or (not out.suffix and args.extension):
            stem = session.source_path.stem if session.source_path else "record"
            write_dir, record, ext = out, stem, args.extension or "anom"
        else:
            write_dir, record, ext = out.parent, out.stem, args.extension or out.suffix.lstrip(".") or "anom"
        out = write_wfdb_annotations(write_dir, record, session.fs_hz, segs, extension=ext, paired=args.paired)
    elif args.fmt == "crops":
        from ..io.export_crops import export_crops

        out = export_crops(out, rec, segs, context_s=args.context_s, fmt=args.crop_format, wav_pcm16=args.wav_pcm16)
    elif args.fmt in ("png", "svg"):
        from ..report.overview import render_overview_png

        if out.suffix.lower() != f".{args.fmt}":
            out = out.with_name(out.name + f".{args.fmt}")
        render_overview_png(session, out, args.t0, args.t1)
    else:
        from ..report import write_report as write_report_file
        from ..report.data import report_from_session

        if out.suffix.lower() not in (f".{args.fmt}", ".htm"):
            out = out.with_name(out.name + f".{args.fmt}")
        data = report_from_session(session, context_s=args.context_s)
        data.segments = list(segs)
        write_report_file(out, data)
    return f"Exported {len(segs)} segment(s) as {args.fmt} to {out}"


def export_main(argv: list[str]) -> int:
    """``anomaly-gui export ...``; returns the exit status (0, 2 on an expected error)."""
    from ..cli import run_reporting_errors

    args = _export_parser().parse_args(argv)

    def export() -> int:
        print(run_export(args))
        return 0

    return run_reporting_errors(export)


def write_session(path: str | Path, recording, result, source_path: str | Path | None = None,
                  fs_override: float | None = None, channel_spec: str | None = None,
                  read_options: dict | None = None) -> Path:
    """Save a fresh detection as a project (``detect ... --session-out PROJECT``); returns its path."""
    from .project import save_project
    from .session import Session

    session = Session.from_detection(recording, result, source_path, fs_override, channel_spec, read_options)
    return save_project(session, path)


def write_report(path: str | Path, recording, result, *, context_s: float = 1.0,
                 max_thumbnails: int | None = None) -> Path:
    """Write an HTML or PDF report of a fresh detection (``detect ... --report OUT``); its
    thumbnails show the highest-scoring segments (none is reviewed yet)."""
    from ..report import write_report as write_report_file
    from ..report.data import DEFAULT_MAX_THUMBNAILS, report_from_result

    data = report_from_result(recording, result, context_s=context_s,
                              max_thumbnails=DEFAULT_MAX_THUMBNAILS if max_thumbnails is None else max_thumbnails)
    return write_report_file(path, data)
