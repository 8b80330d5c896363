"""HDF5 files via ``h5py``: which dataset is the signal, its rate, names and orientation.

Choosing the signal
-------------------
* ``dataset="path/in/file"`` names it; a group path opens the group's 1-D numeric datasets
  of equal length as channels.
* Otherwise the candidates are the numeric 1-D and 2-D datasets that are not metadata
  (``fs``-like scalars, a ``t``/``time`` axis). One candidate is the signal; several 1-D ones
  of one length in one group are its channels (one dataset per channel); anything else raises
  ``ChoiceRequiredError`` whose ``choices`` list every candidate with its shape.

Rate: the first attribute ``fs``, ``fs_hz``, ``sampling_rate``, ``sample_rate``, ``rate``,
``Fs``, … (any case), or an interval ``dt``/``sampling_interval``/``sample_interval`` (1/dt),
found on the dataset, then on each parent group up to the root; else a scalar dataset with
such a name next to it; else a ``t``/``time`` dataset of the same length (1 / median step).
Names: attribute ``channels``/``channel_names``/``ch_names``/``names`` (a list, or one
comma-separated string); units: ``units``/``unit``. A 2-D dataset is samples × channels,
unless the names fit its first axis only, or it is wide (rows < cols, rows ≤ 64).

Reading: an uncompressed, contiguous little-endian float32 dataset in samples × channels order
is memory-mapped (no copy); any other is read in blocks into one float32 array (chunked or
compressed data cannot be mapped), so memory holds the result plus one block.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import AnomalyGuiError, ReadError
from ..recording import Channel, Recording
from ._common import (
    RATE_KEYS,
    DatasetChoice,
    add_warning,
    allocate_float32,
    choice_error,
    default_channels,
    make_recording,
    resolve_rate,
    valid_rate,
)

_RATE_NAMES = set(RATE_KEYS) | {"rate", "sampling_rate_hz", "frequency"}
_INTERVAL_NAMES = {"dt", "sampling_interval", "sample_interval", "sampling_period", "time_step"}
_TIME_NAMES = {"t", "time", "times", "time_s", "timestamps"}
_NAME_KEYS = ("channels", "channel_names", "ch_names", "names")
_UNIT_KEYS = ("units", "unit", "channel_units")
_BLOCK_ELEMENTS = 1 << 22


@dataclass(frozen=True)
class _Source:
    """What is opened: one dataset, or a group's 1-D datasets as channels."""

    path: str
    datasets: tuple[str, ...]
    transposed: bool  # the 2-D dataset is channels × samples


def read_hdf5(path: Path, fs_hz: float | None = None, *, dataset: str | None = None) -> Recording:
    """Read the signal dataset of an HDF5 file (rules in the module docstring)."""
    with open_hdf5(path) as h5:
        candidates = _survey(h5)
        source = _choose(path, h5, candidates, dataset)
        first = h5[source.datasets[0]]
        meta: dict = {"dataset": source.path}
        if len(candidates) > 1:
            meta["other_datasets"] = [c.path for c in candidates if c.path not in source.datasets]
        stated = _stated_rate(h5, first, meta)
        rate = resolve_rate(path, stated, fs_hz, meta)
        names, units = _names(h5, source, meta)
        data = _read(path, h5, source, meta)
        start = _start_time(first)
    if names is None:
        channels = default_channels(data.shape[1]) if len(source.datasets) == 1 else [
            Channel(p.rsplit("/", 1)[-1]) for p in source.datasets
        ]
    else:
        channels = [Channel(n) for n in names]
    if units is not None:
        channels = [Channel(c.name, u) for c, u in zip(channels, units)]
    return make_recording(path, data, rate, channels, "hdf5", start_time=start, meta=meta)


class open_hdf5:
    """``h5py.File(path, "r")`` with every library failure turned into a ``ReadError``."""

    def __init__(self, path: Path, what: str = "HDF5") -> None:
        self.path, self.what = path, what

    def __enter__(self):
        import h5py

        try:
            self.file = h5py.File(self.path, "r")
        except Exception as exc:  # noqa: BLE001 - h5py raises OSError with HDF5's own words
            raise ReadError(
                f"'{self.path.name}' is not a readable {self.what} file (truncated or corrupt?): "
                f"{_first_line(exc)}"
            ) from exc
        return self.file

    def __exit__(self, kind, value, traceback) -> None:
        self.file.close()
        if value is not None and not isinstance(value, (AnomalyGuiError, MemoryError)):
            raise ReadError(
                f"'{self.path.name}' could not be read as {self.what} (damaged data?): {_first_line(value)}"
            ) from value


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def is_numeric(obj) -> bool:
    return obj.dtype.names is None and obj.dtype.kind in "biuf"


def _survey(h5) -> list[DatasetChoice]:
    """Signal candidates: numeric 1-D/2-D datasets that are not rates, intervals or time axes."""
    import h5py

    candidates: list[DatasetChoice] = []

    def visit(name: str, obj) -> None:
        if not isinstance(obj, h5py.Dataset) or not is_numeric(obj):
            return
        key = name.rsplit("/", 1)[-1].lower()
        shape = tuple(int(d) for d in obj.shape)
        if obj.size == 1 or key in _RATE_NAMES or key in _INTERVAL_NAMES:
            return
        if key in _TIME_NAMES and sum(d > 1 for d in shape) == 1:
            return
        if len(shape) in (1, 2) and max(shape) > 1 and obj.size > 0:
            candidates.append(DatasetChoice("/" + name, shape, str(obj.dtype)))

    h5.visititems(visit)
    return candidates


def _choose(path: Path, h5, candidates: list[DatasetChoice], wanted: str | None) -> _Source:
    import h5py

    if wanted is not None:
        key = "/" + wanted.strip("/")
        obj = h5.get(key)
        if isinstance(obj, h5py.Group):
            members = [c for c in candidates if c.path.rsplit("/", 1)[0] == key.rstrip("/") and len(c.shape) == 1]
            if not members or len({c.shape for c in members}) != 1:
                raise choice_error(path, candidates, wanted)
            return _Source(key, tuple(c.path for c in members), False)
        if not isinstance(obj, h5py.Dataset):
            raise choice_error(path, candidates, wanted)
        if not is_numeric(obj) or obj.ndim not in (1, 2) or obj.size == 0:
            raise ReadError(
                f"'{path.name}': dataset '{key}' holds {obj.dtype} values of shape {obj.shape}; "
                "the signal must be a numeric 1-D or 2-D array."
            )
        return _Source(key, (key,), _transposed(h5, obj))
    if not candidates:
        raise ReadError(f"'{path.name}' holds no numeric 1-D or 2-D dataset.")
    if len(candidates) == 1:
        only = candidates[0]
        return _Source(only.path, (only.path,), _transposed(h5, h5[only.path]))
    parents = {c.path.rsplit("/", 1)[0] for c in candidates}
    if all(len(c.shape) == 1 for c in candidates) and len({c.shape for c in candidates}) == 1 and len(parents) == 1:
        return _Source(parents.pop() or "/", tuple(c.path for c in candidates), False)
    raise choice_error(path, candidates)


def _transposed(h5, obj) -> bool:
    if obj.ndim != 2:
        return False
    rows, cols = obj.shape
    names = _attribute_list(obj, _NAME_KEYS)
    if names is not None and len(names) != cols and len(names) == rows:
        return True
    if names is not None and len(names) == cols:
        return False
    return rows < cols and rows <= 64


def _attribute_list(obj, keys: tuple[str, ...]) -> list[str] | None:
    lowered = {k.lower(): k for k in obj.attrs}
    for key in keys:
        if key in lowered:
            value = obj.attrs[lowered[key]]
            items = np.asarray(value).reshape(-1).tolist()
            items = [x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x) for x in items]
            if len(items) == 1 and "," in items[0]:
                items = [s.strip() for s in items[0].split(",")]
            return items
    return None


def _stated_rate(h5, first, meta: dict) -> float | None:
    """Rate attributes, then rate datasets, from the dataset up to the root; then a time axis."""
    import h5py

    node = first
    while True:
        lowered = {k.lower(): k for k in node.attrs}
        for key, original in lowered.items():
            if key in _RATE_NAMES or key in _INTERVAL_NAMES:
                value = valid_rate(_safe_attr(node, original))
                if value is not None:
                    meta["rate_from"] = f"attribute '{original}' of {node.name}"
                    return value if key in _RATE_NAMES else 1.0 / value
        if isinstance(node, h5py.Group):
            for name, child in node.items():
                key = name.lower()
                if (key in _RATE_NAMES or key in _INTERVAL_NAMES) and isinstance(child, h5py.Dataset) \
                        and is_numeric(child) and child.size == 1:
                    value = valid_rate(child[()])
                    if value is not None:
                        meta["rate_from"] = f"dataset {child.name}"
                        return value if key in _RATE_NAMES else 1.0 / value
        if node.name == "/":
            break
        node = node.parent
    n = max(first.shape) if first.ndim == 2 else first.shape[0]
    for name, child in first.parent.items():
        if name.lower() in _TIME_NAMES and isinstance(child, h5py.Dataset) and is_numeric(child) \
                and child.size == n and n > 1:
            times = np.asarray(child[()], dtype=np.float64).reshape(-1)
            step = float(np.median(np.diff(times)))
            if np.isfinite(step) and step > 0:
                meta["rate_from"] = f"time dataset {child.name}"
                return float(f"{1.0 / step:.12g}")
    return None


def _safe_attr(node, key: str):
    try:
        return node.attrs[key]
    except Exception:  # noqa: BLE001 - an attribute of a type h5py cannot convert
        return None


def _names(h5, source: _Source, meta: dict) -> tuple[list[str] | None, list[str] | None]:
    first = h5[source.datasets[0]]
    n_channels = len(source.datasets) if len(source.datasets) > 1 else (
        1 if first.ndim == 1 else first.shape[0 if source.transposed else 1]
    )
    holder = first if len(source.datasets) == 1 else h5[source.path]
    names = _attribute_list(holder, _NAME_KEYS)
    units = _attribute_list(holder, _UNIT_KEYS)
    if units is not None and len(units) == 1 and n_channels > 1:
        units = units * n_channels
    if names is not None and len(names) != n_channels:
        add_warning(meta, f"{len(names)} channel names for {n_channels} channels; names ignored")
        names = None
    if units is not None and len(units) != n_channels:
        add_warning(meta, f"{len(units)} units for {n_channels} channels; units ignored")
        units = None
    return names, units


def _start_time(obj) -> _dt.datetime | None:
    for key in ("start_time", "starttime", "t0", "start"):
        value = _safe_attr(obj, key) if key in obj.attrs else None
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str):
            try:
                return _dt.datetime.fromisoformat(value.strip())
            except ValueError:
                return None
    return None


def _read(path: Path, h5, source: _Source, meta: dict) -> np.ndarray:
    datasets = [h5[p] for p in source.datasets]
    if len(datasets) == 1 and not source.transposed:
        mapped = _memory_map(path, datasets[0])
        if mapped is not None:
            meta["memory_mapped"] = True
            return mapped
    if len(datasets) > 1:
        out = allocate_float32(datasets[0].shape[0], len(datasets), meta)
        for column, dset in enumerate(datasets):
            _copy_blocks(dset, out, column=column)
        return out
    dset = datasets[0]
    if dset.ndim == 1:
        out = allocate_float32(dset.shape[0], 1, meta)
        _copy_blocks(dset, out, column=0)
        return out
    n, k = (dset.shape[1], dset.shape[0]) if source.transposed else dset.shape
    if source.transposed:
        meta["transposed"] = True
    out = allocate_float32(n, k, meta)
    _copy_blocks(dset, out, transposed=source.transposed)
    return out


def _memory_map(path: Path, dset) -> np.ndarray | None:
    if dset.dtype != np.dtype("<f4") or dset.chunks is not None or dset.compression is not None:
        return None
    offset = dset.id.get_offset()
    if offset is None:
        return None
    shape = dset.shape if dset.ndim == 2 else (dset.shape[0], 1)
    if offset + 4 * int(np.prod(shape)) > path.stat().st_size:
        raise ReadError(f"'{path.name}' is truncated: dataset '{dset.name}' extends past the end of the file.")
    return np.memmap(path, dtype=np.float32, mode="r", offset=offset, shape=shape)


def _copy_blocks(dset, out: np.ndarray, *, column: int | None = None, transposed: bool = False) -> None:
    n = out.shape[0]
    width = 1 if column is not None else out.shape[1]
    step = max(1, _BLOCK_ELEMENTS // width)
    if dset.chunks:  # whole chunks along time: each is decompressed once
        along = dset.chunks[-1] if transposed else dset.chunks[0]
        step = max(along, step - step % along)
    for i0 in range(0, n, step):
        i1 = min(n, i0 + step)
        if column is not None:
            out[i0:i1, column] = dset[i0:i1]
        elif transposed:
            out[i0:i1] = dset[:, i0:i1].T
        else:
            out[i0:i1] = dset[i0:i1]
