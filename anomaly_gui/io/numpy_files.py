"""NumPy ``.npy`` arrays and ``.npz`` archives.

Orientation rule: a 1-D array is one channel; a 2-D array is samples × channels, except that
``(rows, cols)`` with ``rows < cols`` and ``rows <= 64`` is taken as channels × samples.
Leading/trailing axes of length 1 are dropped first. A float32 C-ordered ``.npy`` that needs
no transpose is memory-mapped read-only, so a file larger than RAM is not copied.

``.npz``: the signal is the array named ``data``, ``signal``, ``signals`` or ``x`` (any case),
else the first numeric array with at least one axis longer than 1. Scalars named ``fs``,
``fs_hz``, ``sampling_rate``, … give the rate; ``channels``/``channel_names`` the names and
``units`` the units. Pickled (object) arrays are never loaded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from ..errors import ReadError
from ..recording import Channel, Recording
from ._common import (
    RATE_KEYS,
    default_channels,
    make_recording,
    resolve_rate,
    samples_last_if_wide,
    valid_rate,
)

_SIGNAL_KEYS = ("data", "signal", "signals", "x")
_NAME_KEYS = ("channels", "channel_names", "ch_names", "names")
_UNIT_KEYS = ("units", "channel_units")


def read_npy(path: Path, fs_hz: float | None = None) -> Recording:
    """Read a ``.npy`` array (the file states no rate: ``fs_hz`` is required)."""
    _check_npy_header(path)
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        raise ReadError(_npy_problem(path, exc)) from exc
    meta: dict = {"dtype": str(array.dtype), "shape": list(array.shape)}
    rate = resolve_rate(path, None, fs_hz, meta)
    data, transposed = _as_signal(array, path, path.name)
    if transposed:
        meta["transposed"] = True
    # Only a float32 C-ordered view survives as-is; anything else is converted (copied).
    meta["memory_mapped"] = bool(
        isinstance(data, np.memmap) and data.dtype == np.float32 and data.flags.c_contiguous
    )
    return make_recording(path, data, rate, default_channels(data.shape[1]), "npy", meta=meta)


def read_npz(path: Path, fs_hz: float | None = None) -> Recording:
    """Read a ``.npz`` archive (see the module docstring for which array is the signal)."""
    with open(path, "rb") as fh:
        if fh.read(4) not in (b"PK\x03\x04", b"PK\x05\x06"):
            raise ReadError(f"'{path.name}' is not a NumPy .npz archive (not a ZIP file).")
    try:
        with np.load(path, allow_pickle=False) as archive:
            entries = {key: archive[key] for key in archive.keys()}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ReadError(f"'{path.name}' is damaged or holds pickled objects: {exc}") from exc
    # Members that are not .npy files come back as raw bytes: not ours to interpret.
    arrays = {k: v for k, v in entries.items() if isinstance(v, np.ndarray)}
    if not arrays:
        raise ReadError(f"'{path.name}' holds no NumPy arrays (is it a .npz archive?).")

    key = _choose_signal_key(arrays)
    if key is None:
        listing = ", ".join(f"{k} {v.dtype}{list(v.shape)}" for k, v in arrays.items())
        raise ReadError(f"'{path.name}' holds no numeric signal array (found: {listing}).")
    lowered = {k.lower(): k for k in arrays}
    stated = None
    for rate_key in RATE_KEYS:
        if rate_key in lowered:
            stated = valid_rate(arrays[lowered[rate_key]])
            if stated is not None:
                break
    meta: dict = {"array": key, "dtype": str(arrays[key].dtype), "shape": list(arrays[key].shape)}
    others = [k for k in arrays if k != key]
    if others:
        meta["other_arrays"] = others
    rate = resolve_rate(path, stated, fs_hz, meta)
    data, transposed = _as_signal(arrays[key], path, f"array '{key}' in {path.name}")
    if transposed:
        meta["transposed"] = True
    channels = _npz_channels(arrays, lowered, data.shape[1], meta)
    return make_recording(path, data, rate, channels, "npz", meta=meta)


def _check_npy_header(path: Path) -> None:
    with open(path, "rb") as fh:
        magic = fh.read(6)
    if magic != b"\x93NUMPY":
        raise ReadError(f"'{path.name}' is not a NumPy .npy file (its header is missing).")


def _npy_problem(path: Path, exc: Exception) -> str:
    text = str(exc)
    if "pickle" in text.lower() or "object" in text.lower():
        return f"'{path.name}' holds Python objects (pickled data), which are not loaded for safety."
    if "mmap length" in text or "cannot reshape" in text or "size" in text:
        return f"'{path.name}' is truncated: its header promises more data than the file holds."
    return f"'{path.name}' is not a readable .npy file: {text}"


def _as_signal(array: np.ndarray, path: Path, what: str) -> tuple[np.ndarray, bool]:
    """``array`` as a 2-D samples × channels numeric array (a view where possible)."""
    if array.dtype.names:
        raise ReadError(f"{what} is a structured (record) array; save a plain numeric array instead.")
    if array.dtype.kind == "c":
        raise ReadError(f"{what} holds complex numbers; save the real part or magnitude instead.")
    if array.dtype.kind not in "biuf":
        raise ReadError(f"{what} holds {array.dtype} values, not numbers.")
    if array.ndim == 0:
        raise ReadError(f"{what} holds a single number, not a signal.")
    if array.size == 0:
        raise ReadError(f"{what} holds no samples (shape {array.shape}).")
    squeezed = array
    while squeezed.ndim > 2 and squeezed.shape[0] == 1:
        squeezed = squeezed[0]
    while squeezed.ndim > 2 and squeezed.shape[-1] == 1:
        squeezed = squeezed[..., 0]
    if squeezed.ndim > 2:
        raise ReadError(
            f"{what} has shape {array.shape}; expected 1-D (samples) or 2-D (samples × channels)."
        )
    if squeezed.ndim == 1:
        return squeezed[:, None], False
    return samples_last_if_wide(squeezed)


def _choose_signal_key(arrays: dict[str, np.ndarray]) -> str | None:
    def numeric(value: np.ndarray) -> bool:
        return value.dtype.kind in "biuf" and value.ndim >= 1 and max(value.shape, default=0) > 1

    for key in arrays:
        if key.lower() in _SIGNAL_KEYS and numeric(arrays[key]):
            return key
    metadata = set(RATE_KEYS) | set(_NAME_KEYS) | set(_UNIT_KEYS)
    for key, value in arrays.items():
        if key.lower() not in metadata and numeric(value):
            return key
    return None


def _npz_channels(arrays: dict, lowered: dict, n_channels: int, meta: dict) -> list[Channel]:
    names = _string_list(arrays, lowered, _NAME_KEYS)
    units = _string_list(arrays, lowered, _UNIT_KEYS)
    warnings = []
    if names is not None and len(names) != n_channels:
        warnings.append(f"{len(names)} channel names for {n_channels} channels; names ignored")
        names = None
    if units is not None and len(units) != n_channels:
        warnings.append(f"{len(units)} units for {n_channels} channels; units ignored")
        units = None
    if warnings:
        meta["warnings"] = warnings
    if names is None:
        channels = default_channels(n_channels)
    else:
        channels = [Channel(name) for name in names]
    if units is not None:
        channels = [Channel(c.name, unit) for c, unit in zip(channels, units)]
    return channels


def _string_list(arrays: dict, lowered: dict, keys: tuple[str, ...]) -> list[str] | None:
    for key in keys:
        if key in lowered:
            value = np.asarray(arrays[lowered[key]])
            if value.dtype.kind in "US":
                items = value.reshape(-1).tolist()
                return [x.decode() if isinstance(x, bytes) else str(x) for x in items]
    return None
