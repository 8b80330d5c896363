"""National Instruments TDMS files via ``nptdms`` (opened lazily, read a block at a time).

Channels are named ``group/channel``; units come from ``unit_string``. A channel's rate is
``1 / wf_increment``; its start ``wf_start_time`` (LabVIEW's zero, 1904-01-01, means "none").
A group without ``wf_increment`` but with a timestamp channel of the same length takes its
rate (1 / median step) and start from those timestamps; otherwise ``fs_hz`` gives the rate
of channels that state none (it also overrides a stated rate, as for every format).

Channels of different rates or lengths follow ``_select``: the largest group of equal rate
and length opens, the rest are listed in ``meta["skipped_channels"]``; ``channels=`` and
``resample_to_hz=`` choose. Timestamp, text and complex channels are never signals: they are
listed in ``meta["skipped_channels"]`` too. DAQmx raw data is scaled by nptdms.
"""

from __future__ import annotations

import datetime as _dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import AnomalyGuiError, ReadError
from ..recording import Channel, Recording
from ._common import ChannelInfo, add_warning, make_recording, read_head, resolve_rate
from ._select import assemble, check_resample_rate, select_channels

_BLOCK = 1 << 20
_TRUNCATION_NOTE = "less data than expected"  # how nptdms reports a cut last segment
_LABVIEW_EPOCH = np.datetime64("1904-01-01T00:00:00")


@dataclass(frozen=True)
class _Entry:
    channel: object  # nptdms TdmsChannel
    info: ChannelInfo
    start: _dt.datetime | None


def read_tdms(
    path: Path,
    fs_hz: float | None = None,
    *,
    channels: Sequence[str] | None = None,
    resample_to_hz: float | None = None,
) -> Recording:
    """Read a TDMS file (rules in the module docstring)."""
    resample_to_hz = check_resample_rate(resample_to_hz)
    meta: dict = {}
    opener = _open(path, meta)
    with opener as tdms:
        meta["groups"] = [g.name for g in tdms.groups()]
        entries = _entries(path, tdms, fs_hz, meta)
        infos = [e.info for e in entries]
        selection = select_channels(path, infos, channels, resample_to_hz, meta, group_by_length=True)
        hint = "(It is truncated; LabVIEW writes wf_increment, the rate, at the end.)" if opener.truncated else ""
        rate = resolve_rate(path, selection.fs_hz, fs_hz if resample_to_hz is None else None, meta, hint)
        chosen = [entries[i] for i in selection.indices]

        def read_group(indices: list[int], out: np.ndarray) -> None:
            for column, index in enumerate(indices):
                _read_channel(path, entries[index].channel, out, column)

        data = assemble(selection, infos, read_group, meta)
    if not meta["skipped_channels"]:
        del meta["skipped_channels"]
    names = [e.info.name for e in chosen]
    return make_recording(
        path, data, rate, [Channel(n, e.info.unit) for n, e in zip(names, chosen)], "tdms",
        start_time=chosen[0].start, meta=meta,
    )


def list_tdms_channels(path: Path, fs_hz: float | None = None) -> list[ChannelInfo]:
    """The numeric channels of ``path`` with their rates and lengths (no data read)."""
    with _open(path) as tdms:
        return [e.info for e in _entries(path, tdms, fs_hz, {})]


class _open:
    """``TdmsFile.open`` with every library failure turned into a ``ReadError``.

    We open the file ourselves (nptdms leaves its own handle open when it fails) and collect
    nptdms' log warnings (e.g. "Last segment of file has less data than expected"): they end
    up in ``meta["warnings"]`` instead of on the console.
    """

    def __init__(self, path: Path, meta: dict | None = None) -> None:
        self.path, self.meta = path, meta

    def __enter__(self):
        head = read_head(self.path, 28)
        if not head.startswith(b"TDSm"):
            raise ReadError(f"'{self.path.name}' is not a TDMS file (it does not start with 'TDSm').")
        if len(head) < 28:
            raise ReadError(f"'{self.path.name}' is truncated: its first TDMS segment header is cut.")
        from nptdms import TdmsFile

        self.log = _LogCollector()
        self.handle = open(self.path, "rb")
        try:
            self.file = TdmsFile.open(self.handle)
        except Exception as exc:  # noqa: BLE001 - nptdms raises ValueError/struct.error/EOFError/…
            self._close()
            raise _damaged(self.path, exc) from exc
        except BaseException:
            self._close()
            raise
        return self.file

    @property
    def truncated(self) -> bool:
        return any(_TRUNCATION_NOTE in note for note in self.log.messages)

    def _close(self) -> None:
        self.handle.close()
        truncated = self.truncated
        notes = self.log.finish()
        if self.meta is None:
            return
        if truncated:
            add_warning(
                self.meta,
                "the file is truncated: its last segment holds less data than declared; "
                "values are read up to the end of the file",
            )
        for note in dict.fromkeys(notes):
            if _TRUNCATION_NOTE not in note and "not a multiple of the chunk size" not in note:
                add_warning(self.meta, f"TDMS: {note}")

    def __exit__(self, kind, value, traceback) -> None:
        self._close()
        if value is not None and not isinstance(value, (AnomalyGuiError, MemoryError)):
            raise _damaged(self.path, value) from value


class _LogCollector(logging.Handler):
    """Catches nptdms' log records while a file is open and keeps them off its console handler."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        from nptdms.log import log_manager  # each nptdms module logs through its own logger

        self.manager = log_manager
        self.loggers = list(log_manager.loggers.values())
        self.console_level = log_manager.console_handler.level
        log_manager.console_handler.setLevel(logging.CRITICAL + 1)
        for logger in self.loggers:
            logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage()[:200])

    def finish(self) -> list[str]:
        for logger in self.loggers:
            logger.removeHandler(self)
        self.manager.console_handler.setLevel(self.console_level)
        return self.messages


def _damaged(path: Path, exc: BaseException) -> ReadError:
    message = str(exc).strip() or type(exc).__name__
    return ReadError(f"'{path.name}' is not a readable TDMS file (truncated or corrupt?): {message[:300]}")


def _entries(path: Path, tdms, fs_hz: float | None, meta: dict) -> list[_Entry]:
    entries: list[_Entry] = []
    skipped: dict[str, str] = {}
    for group in tdms.groups():
        group_channels = list(group.channels())
        stamps = [c for c in group_channels if c.dtype.kind == "M"]
        for channel in group_channels:
            name = f"{group.name}/{channel.name}"
            kind = channel.dtype.kind
            if kind == "M":
                skipped[name] = "timestamps, not a signal"
                continue
            if kind not in "biuf":
                skipped[name] = {"O": "text", "c": "complex values"}.get(kind, f"{channel.dtype} values")
                continue
            length = len(channel)
            if length == 0:
                skipped[name] = "empty"
                continue
            rate, start = _stated_timing(channel)
            if rate is None:
                stamp = next((s for s in stamps if len(s) == length), None)
                if stamp is not None:
                    rate, start = _timing_from_stamps(path, stamp)
                    skipped[f"{group.name}/{stamp.name}"] = "timestamps, used as the time axis"
                    meta.setdefault("time_channels", {})[name] = f"{group.name}/{stamp.name}"
            if rate is None:
                rate = fs_hz
            unit = str(channel.properties.get("unit_string", "") or "")
            entries.append(_Entry(channel, ChannelInfo(name, unit, rate, length), start))
    meta["skipped_channels"] = skipped
    if not entries:
        found = ", ".join(f"{k} ({v})" for k, v in skipped.items()) or "no channels"
        raise ReadError(f"'{path.name}' holds no numeric channels (found: {found}).")
    return entries


def _stated_timing(channel) -> tuple[float | None, _dt.datetime | None]:
    props = channel.properties
    rate = None
    try:
        increment = float(props.get("wf_increment", 0) or 0)
    except (TypeError, ValueError):
        increment = 0.0
    if increment > 0 and np.isfinite(increment):
        rate = float(f"{1.0 / increment:.12g}")
    return rate, _as_datetime(props.get("wf_start_time"))


def _as_datetime(value) -> _dt.datetime | None:
    if value is None:
        return None
    try:
        stamp = np.datetime64(value, "us")
    except (TypeError, ValueError):
        return None
    if np.isnat(stamp) or stamp <= _LABVIEW_EPOCH:
        return None
    return stamp.astype(_dt.datetime)


def _timing_from_stamps(path: Path, channel) -> tuple[float | None, _dt.datetime | None]:
    nanoseconds = channel.read_data().astype("datetime64[ns]").astype(np.int64)
    times = (nanoseconds - nanoseconds[0]) / 1e9  # relative first: float64 keeps the nanoseconds
    steps = np.diff(times)
    if len(steps) == 0 or not np.median(steps) > 0:
        return None, None
    median = float(np.median(steps))
    mean = float(times[-1] / len(steps))
    step = mean if abs(mean - median) <= 1e-6 * median else median
    rate = float(f"{1.0 / step:.12g}")
    return rate, _as_datetime(channel.read_data(offset=0, length=1)[0])


def _read_channel(path: Path, channel, out: np.ndarray, column: int) -> None:
    n = out.shape[0]
    for i0 in range(0, n, _BLOCK):
        length = min(_BLOCK, n - i0)
        values = channel.read_data(offset=i0, length=length)
        if len(values) < length:
            raise ReadError(
                f"'{path.name}' is truncated: channel '{channel.name}' declares "
                f"{len(channel)} values, only {i0 + len(values)} could be read."
            )
        out[i0 : i0 + length, column] = values
