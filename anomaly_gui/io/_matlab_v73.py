"""The variables of a MATLAB v7.3 file (HDF5), in MATLAB's orientation, read on demand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_NUMERIC_CLASSES = {
    "double", "single", "logical", "int8", "uint8", "int16", "uint16",
    "int32", "uint32", "int64", "uint64",
}
_EAGER_ELEMENTS = 4096  # scalars and short vectors are read at once


@dataclass(frozen=True)
class Unusable:
    """A variable that is not a signal, with the reason shown in ``meta["skipped"]``."""

    reason: str
    shape: tuple[int, ...] = ()
    dtype: str = ""


class MatlabArray:
    """A 2-D numeric HDF5 dataset seen as MATLAB sees it (HDF5 holds the transpose).

    Supports what the MATLAB reader needs: ``shape``, ``ndim``, ``size``, ``dtype``, ``.T``,
    ``[rows, cols]`` slicing (reads only that block) and ``np.asarray``.
    """

    def __init__(self, dataset, swapped: bool = False) -> None:
        self._dataset = dataset
        self._swapped = swapped  # True: our axes are HDF5's own (a MATLAB transpose of it)

    @property
    def shape(self) -> tuple[int, ...]:
        stored = tuple(int(d) for d in self._dataset.shape)
        return stored if self._swapped else stored[::-1]

    @property
    def ndim(self) -> int:
        return len(self._dataset.shape)

    @property
    def size(self) -> int:
        return int(self._dataset.size)

    @property
    def dtype(self) -> np.dtype:
        return self._dataset.dtype

    @property
    def T(self) -> "MatlabArray":  # noqa: N802 - numpy's name
        return MatlabArray(self._dataset, not self._swapped)

    def __getitem__(self, key: tuple[slice, slice]) -> np.ndarray:
        rows, cols = key
        if self._swapped:
            return self._dataset[rows, cols]
        return self._dataset[cols, rows].T

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        values = self._dataset[()]
        values = values if self._swapped else values.T
        return values if dtype is None else values.astype(dtype)


def v73_variables(h5) -> dict[str, object]:
    """Top-level variables: small numeric ones as arrays, large ones lazy, others ``Unusable``."""
    import h5py

    variables: dict[str, object] = {}
    for name, obj in h5.items():
        if name.startswith("#"):  # '#refs#', '#subsystem#': MATLAB's internals
            continue
        cls = _attribute_text(obj, "MATLAB_class")
        if isinstance(obj, h5py.Group):
            sparse = "MATLAB_sparse" in obj.attrs
            variables[name] = Unusable("sparse matrix (not read)" if sparse else "struct (not read)")
            continue
        if not isinstance(obj, h5py.Dataset):
            continue
        shape = tuple(int(d) for d in obj.shape)[::-1]
        if obj.attrs.get("MATLAB_empty", 0):
            variables[name] = np.zeros((0, 0))
        elif cls == "char":
            variables[name] = Unusable("text", shape, "char")
        elif cls == "cell" or obj.dtype.kind == "O":
            variables[name] = Unusable("cell array (not read)", shape, "cell")
        elif obj.dtype.names:
            is_complex = set(obj.dtype.names) == {"real", "imag"}
            variables[name] = Unusable("complex values" if is_complex else "struct (not read)", shape)
        elif cls and cls not in _NUMERIC_CLASSES:
            variables[name] = Unusable(f"MATLAB {cls} (not read)", shape, cls)
        elif obj.ndim != 2:
            variables[name] = np.asarray(obj[()]).T if obj.size <= _EAGER_ELEMENTS else Unusable(
                f"{obj.ndim}-D array {shape}", shape, str(obj.dtype)
            )
        elif obj.size <= _EAGER_ELEMENTS:
            values = np.asarray(obj[()]).T
            variables[name] = values.astype(bool) if cls == "logical" else values
        else:
            variables[name] = MatlabArray(obj)
    return variables


def _attribute_text(obj, key: str) -> str:
    value = obj.attrs.get(key)
    if isinstance(value, bytes):
        return value.decode("ascii", "replace")
    if isinstance(value, np.ndarray) and value.dtype.kind == "S":
        return value.tobytes().decode("ascii", "replace")
    return str(value) if value is not None else ""
