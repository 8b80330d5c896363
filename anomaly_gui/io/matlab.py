"""MATLAB v4/v5 ``.mat`` files via ``scipy.io.loadmat`` (v7.3/HDF5 files are refused).

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
  struct, cell, complex, empty and >2-D values.

No rate is guessed from file names: CWRU files (``X<nnn>_DE_time``) need ``fs_hz``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np

from ..errors import ReadError, UnsupportedFormatError
from ..recording import Channel, Recording
from ._common import RATE_KEYS, make_recording, read_head, resolve_rate, valid_rate

_TIME_KEYS = ("t", "time", "times", "time_s", "timestamps")
_CWRU_KEY = re.compile(r"^X\d+_(DE|FE|BA)_time$")


def read_matlab(path: Path, fs_hz: float | None = None) -> Recording:
    """Read the numeric arrays of a MATLAB v4/v5 file as channels (rules in the module doc)."""
    head = read_head(path, 520)
    if head.startswith(b"MATLAB 7.3") or head[512:520] == b"\x89HDF\r\n\x1a\n":
        raise UnsupportedFormatError(
            f"'{path.name}' is a MATLAB v7.3 (HDF5-based) file; MATLAB v7.3 files are not "
            "supported yet. Save it with save(..., '-v7') or export the signals to HDF5/CSV."
        )
    variables = _load(path)
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
            scalars[key] = float(value.reshape(-1)[0])
        elif _is_time_axis(key, value) and time_axis is None:
            time_axis = (key, value.reshape(-1).astype(np.float64))
        elif value.ndim > 2:
            skipped[key] = f"{value.ndim}-D array {value.shape}"
        else:
            candidates.append(_as_channels(key, value))

    if not candidates:
        found = ", ".join(f"{k} ({r})" for k, r in skipped.items()) or "only single numbers"
        raise ReadError(f"'{path.name}' holds no numeric signal arrays (found: {found}).")
    n_samples = _common_length(candidates)
    kept = []
    for key, array, names in candidates:
        if array.shape[0] == n_samples:
            kept.append((array, names))
        else:
            skipped[key] = f"{array.shape[0]} samples, the other channels have {n_samples}"

    stated = _stated_rate(scalars)
    meta: dict = {"variables": list(variables)}
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

    data = np.empty((n_samples, sum(a.shape[1] for a, _ in kept)), dtype=np.float32)
    column = 0
    names: list[str] = []
    for array, array_names in kept:
        data[:, column : column + array.shape[1]] = array
        column += array.shape[1]
        names += array_names
    return make_recording(path, data, rate, [Channel(n) for n in names], "matlab", meta=meta)


def _load(path: Path) -> dict[str, np.ndarray]:
    import scipy.io

    try:
        variables = scipy.io.loadmat(path, squeeze_me=False, struct_as_record=True)
    except NotImplementedError as exc:  # scipy's way of saying "v7.3"
        raise UnsupportedFormatError(
            f"'{path.name}' is a MATLAB v7.3 file; MATLAB v7.3 files are not supported yet. "
            "Save it with save(..., '-v7') or export the signals to HDF5/CSV."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - scipy raises ValueError/OSError/zlib.error/…
        raise ReadError(f"'{path.name}' is not a readable MATLAB file (truncated or corrupt?): {exc}") from exc
    return {k: v for k, v in variables.items() if not k.startswith("__")}


def _unusable(value: object) -> str | None:
    if not isinstance(value, np.ndarray):
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
    values = value.reshape(-1).astype(np.float64)
    return bool(np.all(np.diff(values) > 0))


def _as_channels(key: str, value: np.ndarray) -> tuple[str, np.ndarray, list[str]]:
    """``value`` as ``(n_samples, n_channels)`` with the channel names."""
    if value.ndim == 1 or 1 in value.shape:
        return key, value.reshape(-1, 1), [key]
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
