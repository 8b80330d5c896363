"""Cropped segments: each segment with ``context_s`` seconds either side, one file each.

Formats (``fmt``):

``csv``
    columns ``time_s`` (from the recording's start), one per channel, ``in_segment`` (0/1);
``npy``
    ``(n, channels)`` float32;
``wav``
    float32 WAV, or 16-bit PCM with ``wav_pcm16=True``: each channel scaled by its largest
    absolute value in the crop (``value = pcm / 32767 * scale``; the scales are in the index).
    WAV holds an integer rate; a fractional rate is rounded (the index keeps the true one);
``edf``
    16-bit EDF+ (see ``export_edf``) with the segment as an annotation at its crop offset.

``index.csv`` lists one row per file: ``file, index, id, start_s, end_s, duration_s,
start_sample, end_sample, crop_start_sample, crop_end_sample, offset_s`` (where the segment
starts inside the crop), ``fs_hz, score, status, label, note, channels, wav_scales``.
Files are written under temporary names and renamed; the index is written last.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path
from typing import Iterable

import numpy as np

from ..recording import Recording
from ..segments import Segment
from .export import ExportError, atomic_output, atomic_write_text

CROP_FORMATS = ("csv", "npy", "wav", "edf")
INDEX_COLUMNS = (
    "file", "index", "id", "start_s", "end_s", "duration_s", "start_sample", "end_sample",
    "crop_start_sample", "crop_end_sample", "offset_s", "fs_hz", "score", "status", "label",
    "note", "channels", "wav_scales",
)


def crop_bounds(segment: Segment, context_samples: int, n_samples: int) -> tuple[int, int]:
    """``[i0, i1)`` of the segment widened by ``context_samples`` each side, inside the recording."""
    return max(0, segment.start_sample - context_samples), min(n_samples, segment.end_sample + context_samples)


def _write_csv(path: Path, recording: Recording, data: np.ndarray, i0: int, segment: Segment) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["time_s", *recording.channel_names, "in_segment"])
    idx = np.arange(i0, i0 + len(data))
    inside = ((idx >= segment.start_sample) & (idx < segment.end_sample)).astype(int)
    t = idx / recording.fs_hz
    for k in range(len(data)):
        w.writerow([f"{t[k]:.6f}", *(repr(float(v)) for v in data[k]), inside[k]])
    atomic_write_text(path, buf.getvalue())


def _write_wav(path: Path, data: np.ndarray, fs_hz: float, pcm16: bool) -> list[float]:
    from scipy.io import wavfile

    rate = int(round(fs_hz))
    if rate < 1:
        raise ExportError(f"WAV cannot hold a sampling rate of {fs_hz:g} Hz.")
    scales = [1.0] * data.shape[1]
    if pcm16:
        peak = np.max(np.abs(data), axis=0) if len(data) else np.ones(data.shape[1])
        scales = [float(p) if p > 0 else 1.0 for p in peak]
        out = np.round(data / np.asarray(scales, np.float32) * 32767).astype(np.int16)
    else:
        out = data.astype(np.float32)
    with atomic_output(path) as tmp:
        wavfile.write(tmp, rate, out)
    return scales


def export_crops(
    out_dir: str | Path,
    recording: Recording,
    segments: Iterable[Segment],
    *,
    context_s: float = 1.0,
    fmt: str = "csv",
    wav_pcm16: bool = False,
    prefix: str = "segment",
) -> Path:
    """Write one crop per segment into ``out_dir`` (created if needed); returns ``index.csv``."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in CROP_FORMATS:
        raise ExportError(f"Unknown crop format '{fmt}'; use one of {', '.join(CROP_FORMATS)}.")
    if context_s < 0:
        raise ExportError("The context must be zero or more seconds.")
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"Could not create {out_dir}: {exc.strerror or exc}") from exc
    fs = recording.fs_hz
    context = int(round(context_s * fs))
    rows = []
    for k, seg in enumerate(segments):
        i0, i1 = crop_bounds(seg, context, recording.n_samples)
        data = recording.chunk(i0, i1)
        name = f"{prefix}_{k:05d}.{fmt}"
        path = out_dir / name
        scales: list[float] = []
        if fmt == "csv":
            _write_csv(path, recording, data, i0, seg)
        elif fmt == "npy":
            with atomic_output(path) as tmp:
                np.save(tmp, data.astype(np.float32))
        elif fmt == "wav":
            scales = _write_wav(path, data, fs, wav_pcm16)
        else:
            from .export_edf import write_edf

            crop = recording.crop(i0, i1)
            write_edf(path, crop, [replace(seg, start_sample=seg.start_sample - i0, end_sample=seg.end_sample - i0)])
        rows.append({
            "file": name, "index": k, "id": seg.id,
            "start_s": round(seg.start_sample / fs, 6), "end_s": round(seg.end_sample / fs, 6),
            "duration_s": round(seg.n_samples / fs, 6), "start_sample": seg.start_sample,
            "end_sample": seg.end_sample, "crop_start_sample": i0, "crop_end_sample": i1,
            "offset_s": round((seg.start_sample - i0) / fs, 6), "fs_hz": fs, "score": float(seg.score),
            "status": seg.status, "label": seg.label, "note": seg.note, "channels": ";".join(seg.channels),
            "wav_scales": ";".join(repr(s) for s in scales),
        })
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=INDEX_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    index = out_dir / "index.csv"
    atomic_write_text(index, buf.getvalue())
    return index
