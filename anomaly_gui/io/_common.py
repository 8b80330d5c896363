"""Helpers every reader shares: file checks, rate resolution, building the Recording."""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MissingSamplingRateError, ReadError
from ..recording import Annotations, Channel, Recording

RATE_KEYS = (
    "fs",
    "fs_hz",
    "sampling_rate",
    "sampling_rate_hz",
    "sample_rate",
    "samplerate",
    "samplingrate",
    "sampling_frequency",
    "sr",
    "srate",
)
"""Names (compared case-insensitively) under which .npz and .mat files state their rate."""


def check_readable_file(path: Path) -> None:
    """Raise ``ReadError`` unless ``path`` is an existing, non-empty regular file."""
    if not path.exists():
        raise ReadError(f"File not found: {path}")
    if path.is_dir():
        raise ReadError(f"'{path}' is a folder, not a file; choose a recording file inside it.")
    if not path.is_file():
        raise ReadError(f"'{path}' is not a regular file.")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"Cannot open '{path.name}': {exc.strerror or exc}") from exc
    if size == 0:
        raise ReadError(f"'{path.name}' is empty (0 bytes).")


def read_head(path: Path, n_bytes: int) -> bytes:
    """The first ``n_bytes`` of ``path`` (fewer if the file is shorter)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(n_bytes)
    except OSError as exc:
        raise ReadError(f"Cannot open '{path.name}': {exc.strerror or exc}") from exc


def valid_rate(value: object) -> float | None:
    """``value`` as a positive finite float when it is one real number, else None."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return None
    if array.size != 1 or array.dtype.kind not in "iuf":
        return None
    rate = float(array.reshape(-1)[0])
    if not math.isfinite(rate) or rate <= 0:
        return None
    return rate


def resolve_rate(
    path: Path,
    stated_hz: float | None,
    fs_hz: float | None,
    meta: dict,
    hint: str = "",
) -> float:
    """The rate to use: ``fs_hz`` when given (it overrides the file), else the file's own.

    Records where it came from in ``meta["fs_source"]`` (and the file's rate in
    ``meta["fs_from_file_hz"]`` when the caller overrode it).
    """
    if fs_hz is not None:
        meta["fs_source"] = "argument"
        if stated_hz is not None and stated_hz != fs_hz:
            meta["fs_from_file_hz"] = stated_hz
        return float(fs_hz)
    if stated_hz is not None:
        meta["fs_source"] = "file"
        return float(stated_hz)
    extra = f" {hint}" if hint else ""
    raise MissingSamplingRateError(
        f"'{path.name}' does not state its sampling rate; pass --fs HZ.{extra}"
    )


def as_samples_by_channels(data: np.ndarray) -> np.ndarray:
    """``data`` as a float32, C-contiguous ``(n, ch)`` array; memmaps that already are stay."""
    if data.ndim == 1:
        data = data[:, None]
    if data.dtype == np.float32 and data.flags.c_contiguous:
        return data
    return np.ascontiguousarray(data, dtype=np.float32)


def make_recording(
    path: Path,
    data: np.ndarray,
    fs_hz: float,
    channels: list[Channel],
    fmt: str,
    *,
    annotations: Annotations | None = None,
    start_time: _dt.datetime | None = None,
    meta: dict | None = None,
) -> Recording:
    """Build the Recording, refusing one without samples."""
    data = as_samples_by_channels(data)
    if data.shape[0] == 0 or data.shape[1] == 0:
        raise ReadError(f"'{path.name}' holds no samples (shape {tuple(data.shape)}).")
    full_meta = {"format": fmt}
    full_meta.update(meta or {})
    full_meta["format"] = fmt
    return Recording(
        data=data,
        fs_hz=float(fs_hz),
        channels=channels,
        annotations=annotations if annotations is not None else Annotations(),
        start_time=start_time,
        source=path,
        meta=full_meta,
    )


def default_channels(n_channels: int, unit: str = "") -> list[Channel]:
    """``ch0, ch1, …`` for files that name no channels."""
    return [Channel(f"ch{i}", unit) for i in range(n_channels)]


def samples_last_if_wide(array: np.ndarray, max_channels: int = 64) -> tuple[np.ndarray, bool]:
    """Orient a 2-D array as samples × channels.

    A ``(rows, cols)`` array with ``rows < cols`` and ``rows <= max_channels`` is taken as
    channels × samples and transposed (a view); returns the array and whether it was transposed.
    """
    if array.ndim == 2 and array.shape[0] < array.shape[1] and array.shape[0] <= max_channels:
        return array.T, True
    return array, False


def describe_size(n_bytes: int) -> str:
    """``n_bytes`` as a short human string (``12.3 MB``)."""
    size = float(n_bytes)
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


IN_MEMORY_LIMIT_BYTES = 1 << 30
"""Above this many bytes of float32, decoded samples go to a temporary file, not to RAM."""


class ChoiceRequiredError(ReadError):
    """The file holds several signals that could be opened; the caller must pick one.

    ``choices`` lists them (``DatasetChoice``: path, shape, dtype); pass one's ``path`` as
    ``dataset=`` to ``read_recording``. The GUI shows a chooser, the CLI names the option.
    """

    def __init__(self, message: str, choices: list["DatasetChoice"]) -> None:
        super().__init__(message)
        self.choices = list(choices)


@dataclass(frozen=True)
class DatasetChoice:
    """One signal array a file offers (an HDF5 dataset path, a MATLAB variable name)."""

    path: str
    shape: tuple[int, ...]
    dtype: str

    def __str__(self) -> str:
        dims = "×".join(str(d) for d in self.shape)
        return f"{self.path} ({dims} {self.dtype})"


@dataclass(frozen=True)
class ChannelInfo:
    """One channel as a file declares it, before anything is read (for import dialogs)."""

    name: str
    unit: str
    fs_hz: float | None
    n_samples: int


def choice_error(path: Path, choices: list[DatasetChoice], wanted: str | None = None) -> ChoiceRequiredError:
    """The error for "several candidates" (``wanted`` None) or "no candidate named ``wanted``"."""
    listing = "; ".join(str(c) for c in choices)
    if wanted is None:
        problem = f"'{path.name}' holds {len(choices)} arrays that could be the signal"
    else:
        problem = f"'{path.name}' has no signal array '{wanted}'"
    example = choices[0].path if choices else "NAME"
    return ChoiceRequiredError(
        f"{problem}: {listing}. Choose one (dataset=..., e.g. --dataset {example}).", choices
    )


def add_warning(meta: dict, text: str) -> None:
    """Append a user-facing warning to ``meta["warnings"]``."""
    meta.setdefault("warnings", []).append(text)


def unique_names(names: list[str]) -> list[str]:
    """Names made unique by appending `` (2)``, `` (3)``… to repeats; blanks become ``chN``."""
    seen: dict[str, int] = {}
    result = []
    for i, name in enumerate(names):
        name = name or f"ch{i}"
        count = seen.get(name, 0) + 1
        seen[name] = count
        result.append(name if count == 1 else f"{name} ({count})")
    return result


def allocate_float32(n_samples: int, n_channels: int, meta: dict) -> np.ndarray:
    """An empty float32 ``(n, ch)`` array to decode into.

    Up to ``IN_MEMORY_LIMIT_BYTES`` it lives in RAM; above, it is a memmap on an unlinked
    temporary file, so a recording larger than memory is paged by the OS instead of being
    swapped or refused. Either way it is filled in place: no second full copy.
    """
    n_bytes = int(n_samples) * int(n_channels) * 4
    if n_bytes <= IN_MEMORY_LIMIT_BYTES:
        return np.empty((n_samples, n_channels), dtype=np.float32)
    import tempfile

    handle = tempfile.TemporaryFile(prefix="anomaly_gui_", suffix=".f32")
    handle.truncate(n_bytes)
    meta["decoded_to_temporary_file"] = True
    return np.memmap(handle, dtype=np.float32, mode="r+", shape=(n_samples, n_channels))
