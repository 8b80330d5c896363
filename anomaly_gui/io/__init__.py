"""Open recordings: a registry that sniffs the format and hands the file to one reader.

``read_recording(path, fs_hz=None, ...)`` is the only entry point the rest of the app needs;
``list_channels`` describes a file's channels without decoding them (import dialogs, ``info``)
and ``read_annotations`` reads only its annotations.
``_registry`` decides the format (magic bytes, then extension, then text content). Reader
modules, and the heavy libraries they use (pandas, scipy.io, wfdb, soundfile, h5py, nptdms,
pyarrow), are imported only when a file of their kind is opened.

Keywords a reader does not take itself are applied here, the same way for every format:
``channels`` selects after reading, ``resample_to_hz`` resamples the whole recording (and
its annotations); ``dataset`` is refused by formats that hold one signal only.
"""

from __future__ import annotations

import importlib
import inspect
import math
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import AnomalyGuiError, DataError, MissingSamplingRateError, ReadError
from ..recording import Annotations, Recording, parse_channel_spec
from ._common import ChannelInfo, ChoiceRequiredError, DatasetChoice, describe_size
from ._registry import FILE_DIALOG_FILTER, FORMATS, SUPPORTED_EXTENSIONS, FormatSpec, detect_format

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


def _describe_exception(exc: BaseException) -> str:
    message = str(exc).strip() or type(exc).__name__
    if len(message) > 300:
        message = message[:300] + "…"
    return f"{message} ({type(exc).__name__})"
