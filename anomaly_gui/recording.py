"""The in-memory form of every opened file: samples, rate, channels, annotations."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .errors import ChannelSelectionError, DataError


@dataclass(frozen=True)
class Channel:
    name: str
    unit: str = ""


@dataclass(frozen=True)
class Annotations:
    """Point or interval annotations that came with the file (e.g. WFDB beats, EDF+ events).

    ``onset_samples`` and ``duration_samples`` are int64 arrays; ``labels`` is a list of str
    (WFDB beat symbols, EDF+ texts). ``notes`` holds auxiliary text (WFDB aux_note), may be empty.
    """

    onset_samples: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    labels: tuple[str, ...] = ()
    duration_samples: np.ndarray | None = None
    notes: tuple[str, ...] = ()
    source: str = ""

    def __len__(self) -> int:
        return int(len(self.onset_samples))


@dataclass
class Recording:
    """A multi-channel, uniformly sampled recording.

    ``data`` is ``(n_samples, n_channels)`` float32 (it may be a read-only memmap).
    """

    data: np.ndarray
    fs_hz: float
    channels: list[Channel]
    annotations: Annotations = field(default_factory=Annotations)
    start_time: _dt.datetime | None = None
    source: Path | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.data.ndim == 1:
            self.data = self.data[:, None]
        if self.data.ndim != 2:
            raise DataError(f"Expected a 2-D array of samples × channels, got shape {self.data.shape}.")
        if len(self.channels) != self.data.shape[1]:
            raise DataError(
                f"{len(self.channels)} channel names for {self.data.shape[1]} channels of data."
            )
        if not np.isfinite(self.fs_hz) or self.fs_hz <= 0:
            raise DataError(f"Sampling rate must be a positive number, got {self.fs_hz}.")

    @property
    def n_samples(self) -> int:
        return int(self.data.shape[0])

    @property
    def n_channels(self) -> int:
        return int(self.data.shape[1])

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.fs_hz

    @property
    def channel_names(self) -> list[str]:
        return [c.name for c in self.channels]

    @property
    def display_name(self) -> str:
        return self.source.name if self.source is not None else "recording"

    def time_to_index(self, t_s: float) -> int:
        """Sample index at time ``t_s`` seconds from the start, clipped to the recording."""
        return int(min(max(round(t_s * self.fs_hz), 0), self.n_samples))

    def chunk(self, i0: int, i1: int) -> np.ndarray:
        """Samples ``[i0, i1)`` of all channels as a float32 array (a copy for memmaps)."""
        i0 = max(0, int(i0))
        i1 = min(self.n_samples, int(i1))
        return np.asarray(self.data[i0:i1], dtype=np.float32)

    def select_channels(self, indices: list[int]) -> "Recording":
        """A recording holding only ``indices`` (in that order)."""
        if list(indices) == list(range(self.n_channels)):
            return self
        return replace(
            self,
            data=np.ascontiguousarray(self.data[:, indices]),
            channels=[self.channels[i] for i in indices],
        )

    def with_units(self, spec: str | None) -> "Recording":
        """The recording with the units of ``spec`` (see ``parse_units_spec``); None: unchanged."""
        units = parse_units_spec(spec, self.channel_names)
        if not units:
            return self
        channels = [Channel(c.name, units.get(i, c.unit)) for i, c in enumerate(self.channels)]
        return replace(self, channels=channels)

    def crop(self, i0: int, i1: int) -> "Recording":
        """A recording holding samples ``[i0, i1)``; annotations are shifted and cut to it."""
        i0 = max(0, int(i0))
        i1 = min(self.n_samples, int(i1))
        ann = self.annotations
        keep = (ann.onset_samples >= i0) & (ann.onset_samples < i1)
        idx = np.flatnonzero(keep)
        cropped = Annotations(
            onset_samples=ann.onset_samples[idx] - i0,
            labels=tuple(ann.labels[i] for i in idx),
            duration_samples=None if ann.duration_samples is None else ann.duration_samples[idx],
            notes=tuple(ann.notes[i] for i in idx) if ann.notes else (),
            source=ann.source,
        )
        start = None
        if self.start_time is not None:
            start = self.start_time + _dt.timedelta(seconds=i0 / self.fs_hz)
        return replace(self, data=self.data[i0:i1], annotations=cropped, start_time=start)


def parse_channel_spec(spec: str | list | None, names: list[str]) -> list[int]:
    """Resolve a channel selection to indices.

    ``spec`` is a comma-separated list (or a list) of indices or names; a name matches
    exactly, or as a unique case-insensitive substring (``DE`` picks ``X209_DE_time``).
    ``None`` or an empty spec selects every channel.
    """
    if spec is None:
        return list(range(len(names)))
    items = spec if isinstance(spec, list) else [s.strip() for s in str(spec).split(",")]
    items = [str(s).strip() for s in items if str(s).strip()]
    if not items:
        return list(range(len(names)))
    chosen: list[int] = []
    for item in items:
        chosen.append(resolve_channel(item, names))
    if len(set(chosen)) != len(chosen):
        raise ChannelSelectionError(f"Channel selection '{spec}' names a channel twice.")
    return chosen


def parse_units_spec(spec: str | None, names: list[str]) -> dict[int, str]:
    """Units the user states for channels: channel index -> unit.

    ``spec`` is either one unit for every channel (``mV``) or a comma-separated list of
    ``CHANNEL=UNIT`` (``MLII=mV,1=g``), channels named as in ``parse_channel_spec``.
    """
    if spec is None or not str(spec).strip():
        return {}
    spec = str(spec).strip()
    if "=" not in spec:
        return {i: spec for i in range(len(names))}
    units: dict[int, str] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        channel, sep, unit = item.partition("=")
        if not sep or not channel.strip():
            raise ChannelSelectionError(
                f"Units '{spec}': write one unit for every channel (mV) or CHANNEL=UNIT pairs (MLII=mV,V1=mV)."
            )
        units[resolve_channel(channel.strip(), names)] = unit.strip()
    return units


def resolve_channel(item: str, names: list[str]) -> int:
    listing = ", ".join(f"{i}:{n}" for i, n in enumerate(names))
    if item in names:
        return names.index(item)
    if item.lstrip("-").isdigit():
        index = int(item)
        if 0 <= index < len(names):
            return index
        raise ChannelSelectionError(
            f"Channel index {index} is out of range; the file has {len(names)} channel(s): {listing}."
        )
    lowered = item.lower()
    exact = [i for i, n in enumerate(names) if n.lower() == lowered]
    if len(exact) == 1:
        return exact[0]
    matches = [i for i, n in enumerate(names) if lowered in n.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ChannelSelectionError(f"No channel matches '{item}'. Channels: {listing}.")
    hits = ", ".join(names[i] for i in matches)
    raise ChannelSelectionError(f"Channel '{item}' is ambiguous: it matches {hits}.")


def match_channels(source: list[str], target: list[str]) -> list[int] | None:
    """For each ``target`` channel, the index of the ``source`` channel of the same name, or
    None unless every target channel finds its own. Names match exactly, then ignoring case,
    then by the words that tell a file's channels apart (``X097_DE_time`` in one bearing file is
    ``X105_DE_time`` in the next: the record number and ``time`` are common to all its channels),
    then by their words without numbered ones (a single ``X097_DE_time`` ↔ ``X105_DE_time``).
    Each rule applies only where it pairs channels one to one."""
    for key in (lambda names: names, _lower_names, _distinguishing_words, _words_without_numbers):
        src, dst = key(source), key(target)
        if any(k is None for k in dst):
            continue
        order = [src.index(k) if src.count(k) == 1 else None for k in dst]
        if None not in order and len(set(order)) == len(order):
            return order
    return None


def _lower_names(names: list[str]) -> list[str]:
    return [n.strip().lower() for n in names]


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", name.lower()) if w]


def _distinguishing_words(names: list[str]) -> list[tuple | None]:
    """Each name's words minus the leading and trailing words every name shares (None for a
    name left with no word, and for a single channel, which shares everything with itself)."""
    words = [_words(n) for n in names]
    if len(words) < 2:
        return [None] * len(words)
    head = 0
    while all(len(w) > head for w in words) and len({w[head] for w in words}) == 1:
        head += 1
    tail = 0
    while all(len(w) > head + tail for w in words) and len({w[-1 - tail] for w in words}) == 1:
        tail += 1
    keys = [tuple(w[head : len(w) - tail]) for w in words]
    return [k or None for k in keys]


def _words_without_numbers(names: list[str]) -> list[tuple | None]:
    """Each name's words without those holding a number of two or more digits (record or
    serial numbers such as ``X097``); lead names such as ``V1`` keep theirs."""
    keys = [tuple(w for w in _words(n) if not re.search(r"\d{2,}", w)) for n in names]
    return [k or None for k in keys]


def finite_samples(recording: Recording) -> np.ndarray | None:
    """``None`` when every value is finite; else a boolean per sample, True where every channel
    is finite (NaN or inf in any channel makes a gap: a lead off, a sensor dropout)."""
    step = 1 << 20
    mask: np.ndarray | None = None
    for i0 in range(0, recording.n_samples, step):
        block = np.isfinite(recording.chunk(i0, i0 + step)).all(axis=1)
        if mask is None and not block.all():
            mask = np.ones(recording.n_samples, bool)
        if mask is not None:
            mask[i0 : i0 + len(block)] = block
    return mask
