"""MATLAB ``.mat`` files: v4/v5 via ``scipy.io.loadmat``, v7.3 (HDF5) via ``h5py``.

A v7.3 file is HDF5 behind a 512-byte text header; MATLAB stores each array transposed
(column-major), so an HDF5 dataset of shape ``(ch, n)`` is MATLAB's ``n×ch``. Its signal
arrays are read lazily, a block at a time, into the float32 result; scalars and time vectors
are read at once. The same rules apply to both versions.

Channel rules
-------------
* A numeric array with one long axis (N×1, 1×N, N) is one channel named after its key.
* A 2-D array with several columns and rows is several channels ``key[0]``, ``key[1]``, …;
  the longer axis is time (a square one is taken as samples × channels, MATLAB's habit).
* Single numbers go to ``meta["scalars"]`` (e.g. CWRU's ``X097RPM``); ``fs``, ``Fs``,
  ``fs_hz``, ``sampling_rate``, ``sr``, … among them state the rate.
* A vector named ``t``/``time`` that increases is a time axis: it gives the rate when no
  rate key does, and is not a channel.
* Channels must share one length: the length most channels have wins (a tie goes to the
  longer); every other key is listed in ``meta["skipped"]`` with the reason, as are text,
  struct, cell, sparse, complex, empty and >2-D values.
* Several multi-channel (2-D) arrays are not merged: without ``dataset="name"`` that is a
  ``ChoiceRequiredError`` listing the arrays. Vectors (N×1, e.g. CWRU's ``X097_DE_time``
  and ``X097_FE_time``) are channels of one recording, as is one 2-D array with vectors of
  its length. ``dataset=`` opens that variable alone (rate scalars and time vector still apply).

No rate is guessed from file names: CWRU files (``X<nnn>_DE_time``) need ``fs_hz``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np

from ..errors import ReadError
from ..recording import Channel, Recording
from ._common import (
    RATE_KEYS,
    DatasetChoice,
    allocate_float32,
    choice_error,
    make_recording,
    read_head,
    resolve_rate,
    valid_rate,
)
from ._matlab_v73 import MatlabArray, Unusable, v73_variables

_TIME_KEYS = ("t", "time", "times", "time_s", "timestamps")
_CWRU_KEY = re.compile(r"^X\d+_(DE|FE|BA)_time$")
_BLOCK_ROWS = 1 << 20


def read_matlab(path: Path, fs_hz: float | None = None, *, dataset: str | None = None) -> Recording:
    """Read the numeric arrays of a MATLAB file as channels (rules in the module doc)."""
    head = read_head(path, 520)
    if head.startswith(b"MATLAB 7.3") or head[512:520] == b"\x89HDF\r\n\x1a\n":
        from .hdf5 import open_hdf5

        with open_hdf5(path, "MATLAB v7.3 (HDF5)") as h5:
            variables = v73_variables(h5)
            return _build(path, variables, fs_hz, dataset, {"mat_version": "7.3"})
    return _build(path, _load(path), fs_hz, dataset, {})


def _build(path: Path, variables: dict, fs_hz: float | None, dataset: str | None, meta: dict) -> Recording:
    if not variables:
        raise ReadError(f"'{path.name}' holds no variables.")

    candidates: list[tuple[str, np.ndarray, list[str]]] = []  # key, (n, ch) array, names
    scalars: dict[str, float] = {}
    skipped: dict[str, str] = {}
    time_axis: tuple[str, np.ndarray] | None = None
    for key, value in variables.items():
        reason = _unusable(value)
        if reason:
            skipped[key] = reason
        elif value.size == 1:
            scalars[key] = float(np.asarray(value).reshape(-1)[0])
        elif _is_time_axis(key, value) and time_axis is None:
            time_axis = (key, np.asarray(value).reshape(-1).astype(np.float64))
        elif value.ndim > 2:
            skipped[key] = f"{value.ndim}-D array {value.shape}"
        else:
            candidates.append(_as_channels(key, value))

    if not candidates:
        found = ", ".join(f"{k} ({r})" for k, r in skipped.items()) or "only single numbers"
        raise ReadError(f"'{path.name}' holds no numeric signal arrays (found: {found}).")
    candidates = _chosen(path, variables, candidates, skipped, dataset, meta)
    n_samples = _common_length(candidates)
    kept = []
    for key, array, names in candidates:
        if array.shape[0] == n_samples:
            kept.append((array, names))
        else:
            skipped[key] = f"{array.shape[0]} samples, the other channels have {n_samples}"

    stated = _stated_rate(scalars)
    meta["variables"] = list(variables)
    if time_axis is not None:
        time_key, times = time_axis
        meta["time_variable"] = time_key
        if len(times) != n_samples:
            skipped[time_key] = f"time vector of {len(times)} samples, the channels have {n_samples}"
        elif stated is None:
            stated = 1.0 / float(np.median(np.diff(times)))
    if scalars:
        meta["scalars"] = scalars
    if skipped:
        meta["skipped"] = skipped
    hint = ""
    if any(_CWRU_KEY.match(key) for key in variables):
        hint = "(CWRU bearing files are recorded at 12000 or 48000 Hz.)"
    rate = resolve_rate(path, stated, fs_hz, meta, hint)

    data = allocate_float32(n_samples, sum(a.shape[1] for a, _ in kept), meta)
    column = 0
    names: list[str] = []
    for array, array_names in kept:
        width = array.shape[1]
        for i0 in range(0, n_samples, _BLOCK_ROWS):  # lazy v7.3 arrays are read block by block
            i1 = min(n_samples, i0 + _BLOCK_ROWS)
            data[i0:i1, column : column + width] = array[i0:i1, :]
        column += width
        names += array_names
    return make_recording(path, data, rate, [Channel(n) for n in names], "matlab", meta=meta)


def _load(path: Path) -> dict[str, np.ndarray]:
    import scipy.io

    try:
        variables = scipy.io.loadmat(path, squeeze_me=False, struct_as_record=True)
    except NotImplementedError as exc:  # scipy's way of saying "v7.3", here without its HDF5 part
        raise ReadError(
            f"'{path.name}' says it is a MATLAB v7.3 file, but holds no readable HDF5 data "
            "(truncated or corrupt?)."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - scipy raises ValueError/OSError/zlib.error/…
        raise ReadError(f"'{path.name}' is not a readable MATLAB file (truncated or corrupt?): {exc}") from exc
    return {k: v for k, v in variables.items() if not k.startswith("__")}


def _chosen(path: Path, variables: dict, candidates: list, skipped: dict, dataset: str | None, meta: dict) -> list:
    """The candidates to open: ``dataset`` alone, or all unless several are multi-channel."""
    choices = [DatasetChoice(key, tuple(variables[key].shape), str(variables[key].dtype)) for key, _, _ in candidates]
    if dataset is not None:
        picked = [c for c in candidates if c[0] == dataset]
        if not picked:
            if dataset in skipped:
                raise ReadError(f"'{path.name}': variable '{dataset}' is not a signal ({skipped[dataset]}).")
            raise choice_error(path, choices, dataset)
        meta["dataset"] = dataset
        return picked
    if sum(array.shape[1] > 1 for _, array, _ in candidates) > 1:
        raise choice_error(path, choices)
    return candidates


def _unusable(value: object) -> str | None:
    if isinstance(value, Unusable):
        return value.reason
    if not isinstance(value, (np.ndarray, MatlabArray)):
        return f"unsupported type {type(value).__name__}"
    if value.dtype.names:
        return "struct (not read)"
    if value.dtype.kind == "O":
        return "cell array (not read)"
    if value.dtype.kind in "US":
        return "text"
    if value.dtype.kind == "c":
        return "complex values"
    if value.dtype.kind not in "biuf":
        return f"{value.dtype} values"
    if value.size == 0:
        return "empty"
    return None


def _is_time_axis(key: str, value: np.ndarray) -> bool:
    if key.lower() not in _TIME_KEYS or sum(d > 1 for d in value.shape) != 1:
        return False
    values = np.asarray(value).reshape(-1).astype(np.float64)
    return bool(np.all(np.diff(values) > 0))


def _as_channels(key: str, value) -> tuple[str, np.ndarray, list[str]]:
    """``value`` as ``(n_samples, n_channels)`` with the channel names (lazy arrays stay lazy)."""
    if value.ndim == 1:
        value = np.asarray(value).reshape(-1, 1)
    if value.shape[1] == 1:
        return key, value, [key]
    if value.shape[0] == 1:
        return key, value.T, [key]
    array = value if value.shape[0] >= value.shape[1] else value.T
    return key, array, [f"{key}[{i}]" for i in range(array.shape[1])]


def _common_length(candidates: list[tuple[str, np.ndarray, list[str]]]) -> int:
    """The length most channels share; a tie goes to the longer."""
    counts: Counter[int] = Counter()
    for _, array, names in candidates:
        counts[array.shape[0]] += len(names)
    return max(counts, key=lambda n: (counts[n], n))


def _stated_rate(scalars: dict[str, float]) -> float | None:
    lowered = {k.lower(): v for k, v in scalars.items()}
    for key in RATE_KEYS:
        if key in lowered:
            rate = valid_rate(lowered[key])
            if rate is not None:
                return rate
    return None
