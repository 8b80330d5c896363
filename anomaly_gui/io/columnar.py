"""Parquet and Feather (v1, and v2 = Arrow IPC file) tables via ``pyarrow``.

Columns follow the same rules as text tables (``_table``): a time column (timestamps, or
seconds under a time-like name) gives the rate and start and is not a channel; 0/1 label
columns become annotations; other non-numeric columns are listed in
``meta["skipped_columns"]``; irregular timestamps are flagged or, with
``resample_irregular=True``, resampled. An unnamed pandas index saved with the table
(``__index_level_0__``) is dropped and listed in ``meta["index_columns"]``; a named one (e.g. a
``timestamp`` DatetimeIndex) is an ordinary column for these rules.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from ..recording import Recording
from ._common import read_head
from ._table import recording_from_columns


def read_columnar(
    path: Path, fs_hz: float | None = None, *, resample_irregular: bool = False, time_column: str | None = None
) -> Recording:
    """Read a Parquet or Feather table (rules in the module docstring); ``time_column`` as in
    ``read_text``."""
    table, kind = _read_table(path)
    if table.num_rows == 0:
        raise ReadError(f"'{path.name}' is a {kind} table with no rows.")
    if table.num_columns == 0:
        raise ReadError(f"'{path.name}' is a {kind} table with no columns.")
    names, columns, dropped = [], [], []
    for i, name in enumerate(table.column_names):
        if str(name).startswith("__index_level_"):
            dropped.append(str(name))
            continue
        names.append(str(name).strip())
        try:
            columns.append(table.column(i).to_pandas())
        except Exception as exc:  # noqa: BLE001 - an Arrow type pandas cannot hold (e.g. nested)
            raise ReadError(f"'{path.name}': column '{name}' cannot be converted: {exc}") from exc
    del table
    meta: dict = {"table_format": kind}
    if dropped:
        meta["index_columns"] = dropped
    return recording_from_columns(
        path, columns, names, "columnar", meta, fs_hz=fs_hz, resample_irregular=resample_irregular,
        time_column=time_column,
    )


def _read_table(path: Path):
    head = read_head(path, 8)
    if head.startswith(b"PAR1"):
        kind = "Parquet"
    elif head.startswith((b"ARROW1", b"FEA1")):
        kind = "Feather"
    else:
        raise ReadError(
            f"'{path.name}' is not a Parquet or Feather file (no 'PAR1', 'ARROW1' or 'FEA1' signature)."
        )
    try:
        if kind == "Parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path), kind
        import warnings

        import pyarrow.feather as feather

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Feather v1 still reads fine
            return feather.read_table(path), kind
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow raises ArrowInvalid/OSError/… for damage
        text = str(exc).strip().splitlines()
        message = (text[0] if text else type(exc).__name__)[:300]
        raise ReadError(f"'{path.name}' is not a readable {kind} file (truncated or corrupt?): {message}") from exc


def column_names(path: Path) -> list[str]:
    """The table's column names in file order, from its schema (no data is decoded)."""
    head = read_head(path, 8)
    try:
        if head.startswith(b"PAR1"):
            import pyarrow.parquet as pq

            names = pq.read_schema(path).names
        else:
            import pyarrow.feather as feather

            names = feather.read_table(path, memory_map=True).column_names
    except Exception as exc:  # noqa: BLE001 - damaged file: read_columnar says what is wrong
        raise ReadError(f"'{path.name}' is not a readable Parquet or Feather file: {exc}") from exc
    return [str(n).strip() for n in names if not str(n).startswith("__index_level_")]
