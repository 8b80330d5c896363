"""Time and sample-index columns of text tables: which column, what kind, which rate.

Candidates are the first column whose header is time-like (``time``, ``t``, ``timestamp``,
``datetime``, ``date``, ``seconds``, ``time_s``, ``time (ms)``, ``Zeit``, …), then index-like
columns (``index``, ``sample``, an empty first header). A table without a header offers its
first column (when it has two or more). A header that names its first column otherwise
(``a``, ``Temp``) is believed: that column is data.

* Text timestamps (ISO 8601, ``YYYY-MM-DD HH:MM:SS``, …): clock time; the rate is
  1 / median step and ``start_time`` the first stamp.
* Numbers under a header naming a unit (``seconds``, ``time_s``, ``time (ms)``): elapsed
  time in that unit; rate = 1 / median step.
* Integers stepping by exactly 1 from 0 or 1 in any other candidate (TimeEval's
  ``timestamp`` 0, 1, 2, …, a saved pandas index): a **sample index**. It is not a channel and
  gives no rate in Hz, so the caller must still supply one.
* Numbers between 9.4e8 and 4.1e9 (or 1e3 times that) under a time-like header: Unix epoch
  seconds (milliseconds), i.e. clock time.
* Other numbers under a time-like header: elapsed seconds.
* The first column of a header-less table counts as time only when strictly increasing with regular steps
  (99 % within 1 % of the median), so a rising signal is not mistaken for time.

A candidate that fails its checks (e.g. does not increase) stays an ordinary column.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np

from ..errors import ChannelSelectionError, ReadError

_DOTTED_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}")
_UNIT_IN_NAME = re.compile(r"^(?P<base>.*?)\s*[\[(](?P<unit>[^\])]*)[\])]\s*$")

_TIME_NAMES = {
    "time", "t", "timestamp", "timestamps", "datetime", "date", "date_time", "date time",
    "seconds", "second", "secs", "sec", "elapsed", "elapsed_time", "elapsed time", "clock",
    "time_s", "time_sec", "t_s", "time_ms", "t_ms", "time_us", "unix", "epoch",
    "zeit", "temps", "tiempo", "tempo", "datum", "fecha",
}
_INDEX_NAMES = {"", "index", "idx", "sample", "samples", "sample_index", "n", "#"}
_UNIT_SCALE = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
               "ms": 1e-3, "msec": 1e-3, "millis": 1e-3, "milliseconds": 1e-3,
               "us": 1e-6, "µs": 1e-6, "microseconds": 1e-6}


@dataclass(frozen=True)
class TimeColumn:
    """A column that is time or a sample index; ``rate_hz`` is None for an index."""

    index: int
    name: str
    kind: str  # "seconds", "clock" or "index"
    rate_hz: float | None
    start_time: object = None
    irregular_steps: int = 0
    seconds: object = field(default=None, compare=False, repr=False)  # elapsed s from the first row


def find_time_columns(
    columns: list, names: list[str], has_header: bool, meta: dict, chosen: str | None = None
) -> list[TimeColumn]:
    """Time and index columns: at most one that gives a rate, plus any sample-index columns.

    ``chosen`` overrides the rules: ``"none"`` means no column is time (every column is
    data); a column name or 0-based index makes that column the time (``ReadError`` when it
    does not hold increasing times).
    """
    if chosen is not None and str(chosen).strip().lower() == "none":
        return []
    if chosen is not None and str(chosen).strip():
        return [_chosen_time_column(columns, names, str(chosen).strip(), meta)]
    if len(columns) < 2:
        return []
    time_named, index_named = [], []
    if has_header:
        for i, name in enumerate(names):
            base, unit = split_unit(name)
            key = base.lower().strip()
            if key in _TIME_NAMES or key.startswith(("time_", "time ")):
                time_named.append((i, key, unit.lower()))
            elif key in _INDEX_NAMES and (key or i == 0):
                index_named.append((i, key, unit.lower()))
    candidates = time_named[:1] + index_named
    if not candidates and not has_header:
        candidates = [(0, None, "")]
    found: list[TimeColumn] = []
    for i, key, unit in candidates:
        column = _classify_time(columns[i], i, names[i], key, unit)
        if column is None or (column.kind != "index" and any(f.kind != "index" for f in found)):
            continue
        found.append(column)
        if len(found) == len(columns) - 1:
            break  # keep at least one column as data
    timed = [f for f in found if f.kind != "index"]
    if timed:
        _describe_time(timed[0], columns, names, meta)
    index_columns = [f.name or "(unnamed)" for f in found if f.kind == "index"]
    if index_columns:
        meta.setdefault("index_columns", []).extend(index_columns)
    return found


def _describe_time(column: TimeColumn, columns: list, names: list[str], meta: dict) -> None:
    """Record in ``meta`` which column is the time, its kind, and any irregular steps."""
    meta["time_column"] = column.name or "(unnamed)"
    meta["time_kind"] = column.kind
    if column.irregular_steps:
        meta["irregular_steps"] = column.irregular_steps
        step = 1 / column.rate_hz
        n_far, n_steps = _far_steps(column.seconds, step)
        if n_far > IRREGULAR_FRACTION * n_steps:
            meta["irregular"] = True
            # _table adds this question unless the caller asked to resample already.
            meta["irregular_question"] = (
                f"column '{meta['time_column']}': timestamps are irregular ({n_far} of "
                f"{n_steps} steps differ by more than 10 % from the median step of {step:g} s; "
                "samples are treated as evenly spaced); resample to a uniform rate?"
            )
        else:
            meta["warnings"].append(
                f"column '{meta['time_column']}': {column.irregular_steps} step(s) differ from "
                f"the median step of {step:g} s; samples are treated as evenly spaced"
            )
    if column.kind == "seconds":
        i = column.index
        meta["t0_s"] = float(_as_float(columns[i])[0]) * _unit_scale(*_time_key(names[i]))


def _chosen_time_column(columns: list, names: list[str], chosen: str, meta: dict) -> TimeColumn:
    from ..recording import resolve_channel

    labels = [name or f"column {i}" for i, name in enumerate(names)]
    try:
        i = resolve_channel(chosen, labels)
    except ChannelSelectionError as exc:
        raise ReadError(f"Time column: {exc}") from None
    if len(columns) < 2:
        raise ReadError(f"Column '{labels[i]}' cannot be the time: the table has no other column for data.")
    base, unit = split_unit(names[i])
    key = base.lower().strip()
    column = _classify_time(columns[i], i, names[i], key if key in _TIME_NAMES or _names_unit(key, unit.lower())
                            else "time", unit.lower())
    if column is not None and column.seconds is not None:
        steps = np.diff(np.asarray(column.seconds, dtype=np.float64))
        if np.mean(steps[np.isfinite(steps)] > 0) < 0.99:
            column = None  # a sawtooth or a signal: not a clock the user meant
    if column is None:
        raise ReadError(
            f"Column '{labels[i]}' cannot be the time column: its values are not increasing "
            "timestamps, seconds or sample numbers with a regular step."
        )
    if column.kind == "index":
        meta.setdefault("index_columns", []).append(labels[i])
    else:
        _describe_time(column, columns, names, meta)
    return column


IRREGULAR_FRACTION = 0.01
"""Timestamps are irregular when more than this fraction of steps is more than 10 % off."""


def _far_steps(seconds, step: float) -> tuple[int, int]:
    """How many steps differ from ``step`` by more than 10 %, and how many steps there are."""
    if seconds is None:
        return 0, 0
    steps = np.diff(np.asarray(seconds, dtype=np.float64))
    steps = steps[np.isfinite(steps)]
    return int(np.count_nonzero(np.abs(steps - step) > 0.1 * step)), int(len(steps))


def _time_key(name: str) -> tuple[str, str]:
    base, unit = split_unit(name)
    return base.lower().strip(), unit.lower()


def _unit_scale(key: str | None, unit: str) -> float:
    if unit in _UNIT_SCALE:
        return _UNIT_SCALE[unit]
    if key:
        for suffix, scale in (("_ms", 1e-3), ("_us", 1e-6), ("_s", 1.0), ("_sec", 1.0)):
            if key.endswith(suffix):
                return scale
        if key in _UNIT_SCALE:
            return _UNIT_SCALE[key]
    return 1.0


def _names_unit(key: str | None, unit: str) -> bool:
    return bool(unit in _UNIT_SCALE or (key and (key in _UNIT_SCALE or key.endswith(("_s", "_ms", "_us", "_sec")))))


def _as_float(column) -> np.ndarray:
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def _classify_time(column, index, name, key, unit) -> TimeColumn | None:
    import pandas as pd

    if column.dtype.kind not in "biuf":
        stamps = _parse_datetimes(column)
        if stamps is None:
            return None
        elapsed = (stamps - stamps.iloc[0]).dt.total_seconds().to_numpy()
        step = _regular_step(elapsed, strict=False)
        if step is None:
            return None
        start = stamps.iloc[0].to_pydatetime()
        return TimeColumn(index, name, "clock", 1.0 / step, start, _irregular(elapsed, step), elapsed)
    values = _as_float(column)
    if len(values) < 2 or not np.isfinite(values).all():
        return None
    steps = np.diff(values)
    if key is None or key in _INDEX_NAMES or not _names_unit(key, unit):
        integral = np.array_equal(values, np.round(values))
        if integral and values[0] in (0, 1) and np.all(steps == 1):
            return TimeColumn(index, name, "index", None)
    if key is None:
        step = _regular_step(values, strict=True)
        return None if step is None else TimeColumn(index, name, "seconds", 1.0 / step)
    if key in _INDEX_NAMES:
        return None
    if not _names_unit(key, unit):
        for low, high, scale in ((9.4e8, 4.1e9, 1.0), (9.4e11, 4.1e12, 1e-3)):
            if low <= values[0] <= high:
                step = _regular_step(values * scale, strict=False)
                if step is None:
                    return None
                start = pd.Timestamp(values[0] * scale, unit="s").to_pydatetime()
                irregular = _irregular(values * scale, step)
                elapsed = (values - values[0]) * scale
                return TimeColumn(index, name, "clock", 1.0 / step, start, irregular, elapsed)
    seconds = values * _unit_scale(key, unit)
    step = _regular_step(seconds, strict=False)
    if step is None:
        return None
    return TimeColumn(index, name, "seconds", 1.0 / step, None, _irregular(seconds, step), seconds - seconds[0])


def _irregular(times: np.ndarray, step: float) -> int:
    """How many steps differ from ``step`` by more than 1 % (gaps, jitter, repeats)."""
    steps = np.diff(times[np.isfinite(times)])
    return int(np.count_nonzero(np.abs(steps - step) > 0.01 * step))


def _parse_datetimes(column):
    """Timestamps of a text column (ISO 8601 first), or None when 95 % do not parse."""
    import pandas as pd

    if column.dtype.kind == "M":  # already timestamps (Parquet/Feather); clock time without zone
        stamps = column.dt.tz_convert(None) if getattr(column.dt, "tz", None) is not None else column
        return stamps if len(stamps) >= 2 and stamps.notna().mean() >= 0.95 and not pd.isna(stamps.iloc[0]) else None
    text = column.astype(str).str.strip()
    # dd.mm.yyyy is the European habit; pandas would otherwise read 01.02.2020 as 2 January.
    dayfirst = bool(_DOTTED_DATE.match(str(text.iloc[0]))) if len(text) else False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns when it guesses a format per element
        stamps = pd.to_datetime(text, errors="coerce", format="ISO8601")
        if stamps.notna().mean() < 0.95:
            stamps = pd.to_datetime(text, errors="coerce", dayfirst=dayfirst)
    if len(stamps) < 2 or stamps.notna().mean() < 0.95 or pd.isna(stamps.iloc[0]):
        return None
    return stamps


def _regular_step(times: np.ndarray, strict: bool) -> float | None:
    """The sampling step of increasing ``times``; None when they do not increase.

    ``strict``: every step must be positive and 99 % of them within 1 % of the median.
    """
    steps = np.diff(times[np.isfinite(times)])
    if len(steps) == 0:
        return None
    median = float(np.median(steps))
    if not median > 0:
        return None
    if strict:
        regular = np.abs(steps - median) <= 0.01 * median
        if (steps <= 0).any() or regular.mean() < 0.99:
            return None
    # The mean step over a regular run averages out decimal rounding of the printed times.
    mean = (times[-1] - times[0]) / (len(times) - 1) if np.isfinite(times[[0, -1]]).all() else median
    step = mean if abs(mean - median) <= 1e-6 * median else median
    return float(f"{step:.12g}")


def split_unit(name: str) -> tuple[str, str]:
    match = _UNIT_IN_NAME.match(name)
    if match and match.group("base").strip():
        return match.group("base").strip(), match.group("unit").strip()
    return name, ""
