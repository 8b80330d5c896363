"""Columns of a table (CSV/TSV/TXT, Parquet, Feather) to a Recording: one set of rules.

* The time column and sample-index columns are found by ``_text_time``; neither is a channel.
* Columns named like labels (``anomaly``, ``label``, ``changepoint``, …) holding only 0/1
  become ``Annotations`` (runs of 1 as intervals), never channels.
* Non-numeric columns are listed in ``meta["skipped_columns"]``; a column with a few
  non-numeric cells keeps them as NaN with a warning.
* Irregular timestamps (more than 1 % of the steps deviate by more than 10 % from the median
  step): by default the rows are taken as evenly spaced, ``meta["irregular"]`` is True and a
  warning offers resampling. With ``resample_irregular=True`` every channel is linearly
  interpolated onto a uniform grid at the median step (or at ``fs_hz`` when given), from the
  first timestamp to the last; label columns take the value of the latest row at or before
  each grid point. Rows are sorted by time first; repeated timestamps keep their first row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..recording import Annotations, Channel, Recording
from ._common import make_recording, resolve_rate
from ._text_time import TimeColumn, find_time_columns, split_unit
from ..errors import ReadError

MISSING = {"", "na", "n/a", "nan", "null", "none", "-", "?"}
LABEL_NAMES = {
    "anomaly", "anomalies", "is_anomaly", "anomalous", "is_anomalous", "anomaly_label",
    "label", "labels", "changepoint", "change_point", "changepoints", "outlier", "is_outlier",
}


def recording_from_columns(
    path: Path,
    columns: list,
    names: list[str],
    fmt: str,
    meta: dict,
    *,
    fs_hz: float | None,
    has_header: bool = True,
    decimal: str = ".",
    resample_irregular: bool = False,
    time_column: str | None = None,
) -> Recording:
    """The Recording of ``columns`` (pandas Series) named ``names`` (rules in the module doc;
    ``time_column`` overrides the time-column rules, see ``find_time_columns``)."""
    meta.setdefault("skipped_columns", {})
    meta.setdefault("warnings", [])
    found = find_time_columns(columns, names, has_header, meta, time_column)
    excluded = {f.index for f in found}
    time = next((f for f in found if f.kind != "index"), None)
    stated_hz, start_time = (time.rate_hz, time.start_time) if time else (None, None)

    channels: list[Channel] = []
    values: list[np.ndarray] = []
    labels: list[tuple[str, np.ndarray]] = []
    for i, (column, name) in enumerate(zip(columns, names)):
        if i in excluded:
            continue
        numeric = numeric_values(column, name, decimal, meta)
        if numeric is None:
            continue
        if has_header and is_label_column(name, numeric):
            labels.append((name, numeric))
            meta.setdefault("label_columns", []).append(name)
            continue
        base, unit = split_unit(name)
        channels.append(Channel(base or name, unit))
        values.append(numeric)

    if not values:
        listing = ", ".join(names) if has_header else f"{len(names)} column(s)"
        raise ReadError(f"'{path.name}' contains no numeric data columns (found: {listing}).")
    hint = ""
    if time is None and found:
        hint = f"Its column '{found[0].name}' counts samples, which does not give a rate in Hz."
    rate = resolve_rate(path, stated_hz, fs_hz, meta, hint)
    if meta.get("irregular") and time is not None and time.seconds is not None:
        if resample_irregular:
            values, labels = _to_uniform_grid(time, rate, values, labels, meta)
        else:
            meta["warnings"].append(meta.pop("irregular_question"))
    meta.pop("irregular_question", None)
    if not meta["warnings"]:
        del meta["warnings"]
    if not meta["skipped_columns"]:
        del meta["skipped_columns"]
    data = np.empty((len(values[0]), len(values)), dtype=np.float32)
    for j, column_values in enumerate(values):
        data[:, j] = column_values
    runs = [run for name, flags in labels for run in runs_of_ones(flags, name)]
    return make_recording(
        path, data, rate, channels, fmt,
        annotations=annotations_from_runs(runs), start_time=start_time, meta=meta,
    )


def numeric_values(column, name: str, decimal: str, meta: dict) -> np.ndarray | None:
    """The column as float64 values, or None (recorded in meta) when it is not numeric."""
    import pandas as pd

    label = name or "(unnamed)"
    if column.dtype.kind in "biuf":
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    elif column.dtype.kind in "mM":
        meta["skipped_columns"][label] = "timestamps"
        return None
    else:
        present = column.notna() & ~column.astype(str).str.strip().str.lower().isin(MISSING)
        text = column.where(present).astype(str).str.strip()
        if decimal == ",":  # pandas converts decimal commas only in columns it fully parsed
            text = text.str.replace(",", ".", regex=False)
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
        n_present, n_ok = int(present.sum()), int(np.count_nonzero(~np.isnan(values)))
        if n_present == 0:
            meta["skipped_columns"][label] = "empty"
            return None
        if n_ok < 0.9 * n_present:
            meta["skipped_columns"][label] = "not numeric"
            return None
        if n_ok < n_present:
            meta["warnings"].append(
                f"column '{label}': {n_present - n_ok} non-numeric value(s) read as NaN"
            )
    if np.isnan(values).all():
        meta["skipped_columns"][label] = "empty"
        return None
    return values


def is_label_column(name: str, values: np.ndarray) -> bool:
    if name.strip().lower() not in LABEL_NAMES:
        return False
    finite = values[np.isfinite(values)]
    return bool(finite.size) and bool(np.isin(finite, (0.0, 1.0)).all())


def runs_of_ones(values: np.ndarray, name: str) -> list[tuple[int, int, str]]:
    flags = np.concatenate(([0], (values == 1).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(flags))
    return [(int(a), int(b - a), name) for a, b in zip(edges[::2], edges[1::2])]


def annotations_from_runs(runs: list[tuple[int, int, str]]) -> Annotations:
    if not runs:
        return Annotations()
    runs.sort(key=lambda run: run[0])
    return Annotations(
        onset_samples=np.array([r[0] for r in runs], dtype=np.int64),
        labels=tuple(r[2] for r in runs),
        duration_samples=np.array([r[1] for r in runs], dtype=np.int64),
        source="label columns",
    )


def _to_uniform_grid(
    time: TimeColumn,
    rate: float,
    values: list[np.ndarray],
    labels: list[tuple[str, np.ndarray]],
    meta: dict,
) -> tuple[list[np.ndarray], list[tuple[str, np.ndarray]]]:
    seconds = np.asarray(time.seconds, dtype=np.float64)
    rows = np.flatnonzero(np.isfinite(seconds))
    rows = rows[np.argsort(seconds[rows], kind="stable")]
    t = seconds[rows]
    first = np.concatenate(([True], np.diff(t) > 0))  # repeated stamps: keep the first row
    rows, t = rows[first], t[first]
    step = 1.0 / rate
    n = int(np.floor((t[-1] - t[0]) / step + 1e-9)) + 1
    grid = t[0] + np.arange(n) * step
    resampled = []
    for column in values:
        v = column[rows]
        ok = np.isfinite(v)
        resampled.append(np.interp(grid, t[ok], v[ok]) if ok.any() else np.full(n, np.nan))
    latest = np.clip(np.searchsorted(t, grid + 1e-9 * step, side="right") - 1, 0, len(t) - 1)
    held = [(name, flags[rows][latest]) for name, flags in labels]
    meta["resampled_irregular"] = {"rows": int(len(seconds)), "samples": n, "step_s": step}
    meta["warnings"].append(
        f"timestamps were irregular; {len(seconds)} rows were interpolated linearly onto a "
        f"uniform grid of {n} samples every {step:g} s"
    )
    return resampled, held
