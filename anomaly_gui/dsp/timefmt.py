"""Time as people read it on a recording: h:mm:ss(.fff), clock times, tick steps, intervals.

Times are seconds from the start of the recording (float). Clock times add the recording's
``start_time``. Numpy and the standard library only; no Qt.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

import numpy as np

SECONDS_PER_DAY = 86400.0
_TICK_STEPS_S = (
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0,
    60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
    3600.0, 7200.0, 10800.0, 21600.0, 43200.0, SECONDS_PER_DAY,
)
_UNITS_S = {"ms": 1e-3, "s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "hr": 3600.0}
_NUMBER = r"\d+(?:\.\d*)?|\.\d+"


def format_time(seconds: float, decimals: int = 0) -> str:
    """``h:mm:ss`` with ``decimals`` fraction digits (``0:01:02.500``); negative times get '-'."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(float(seconds))
    scale = 10**decimals
    total = round(seconds * scale)  # round once, so 59.9996 s never shows as 0:00:60.000
    whole, frac = divmod(total, scale)
    hours, rest = divmod(int(whole), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return text + (f".{int(frac):0{decimals}d}" if decimals > 0 else "")


def format_duration(seconds: float) -> str:
    """A length of time for a status line: ``12.34 s``, ``3:05.2 min``, ``1:02:03.4``."""
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{secs:04.1f}" if hours else f"{minutes}:{secs:04.1f} min"


def format_clock(start_time: _dt.datetime, seconds: float, decimals: int = 0) -> str:
    """Wall-clock ``hh:mm:ss(.fff)`` of ``seconds`` after ``start_time`` (wraps at midnight)."""
    of_day = (seconds_of_day(start_time) + float(seconds)) % SECONDS_PER_DAY
    text = format_time(of_day, decimals)
    return text.zfill(len(text) + 1) if text.index(":") == 1 else text  # 9:05:00 → 09:05:00


def seconds_of_day(moment: _dt.datetime) -> float:
    """Seconds since midnight of ``moment``, with its microseconds."""
    return moment.hour * 3600.0 + moment.minute * 60.0 + moment.second + moment.microsecond / 1e6


def decimals_for_step(step_s: float) -> int:
    """Fraction digits needed to tell apart times ``step_s`` apart (0 to 6)."""
    if step_s >= 1.0:
        return 0
    return min(6, int(math.ceil(-math.log10(step_s) - 1e-9)))


def nice_time_step(span_s: float, max_ticks: float) -> float:
    """The smallest readable tick step (1-2-5 below a second; 1, 2, 5, 10, 15, 30 s; 1, 2, 5,
    10, 15, 30 min; 1, 2, 3, 6, 12 h; whole days) that gives at most ``max_ticks`` ticks."""
    span_s = abs(float(span_s))
    max_ticks = max(1.0, float(max_ticks))
    if span_s <= 0 or not math.isfinite(span_s):
        return 1.0
    raw = span_s / max_ticks
    if raw < 1.0:
        exponent = math.floor(math.log10(raw))
        for mantissa in (1.0, 2.0, 5.0, 10.0):
            step = mantissa * 10.0**exponent
            if step >= raw * (1 - 1e-9):
                return step
    for step in _TICK_STEPS_S:
        if step >= raw * (1 - 1e-9):
            return step
    return SECONDS_PER_DAY * math.ceil(raw / SECONDS_PER_DAY)


def tick_positions(t0_s: float, t1_s: float, step_s: float, offset_s: float = 0.0) -> np.ndarray:
    """Times in ``[t0_s, t1_s]`` where ``time + offset_s`` is a multiple of ``step_s``
    (``offset_s``: the clock time of the start, so clock ticks fall on round clock values)."""
    if step_s <= 0 or t1_s < t0_s:
        return np.zeros(0)
    first = math.ceil((t0_s + offset_s) / step_s - 1e-9)
    last = math.floor((t1_s + offset_s) / step_s + 1e-9)
    if last - first > 10_000:  # a nonsense request (e.g. during a resize to 0 px)
        return np.zeros(0)
    return np.arange(first, last + 1) * step_s - offset_s


def parse_time(text: str, start_time: _dt.datetime | None = None, clock: bool = False) -> float:
    """Seconds from the start of the recording for what a user typed.

    Accepts ``123.5`` (seconds), a number with a unit (``250 ms``, ``90 s``, ``2.5 min``,
    ``1.5 h``), ``mm:ss(.f)`` and ``h:mm:ss(.f)`` (elapsed time). With ``clock=True`` the text
    is a wall-clock time (``hh:mm(:ss(.f))``, or ``YYYY-MM-DD hh:mm:ss``) converted with
    ``start_time``; a time of day without a date means its first occurrence at or after the
    start. Raises ``ValueError`` with a message fit for the user.
    """
    text = text.strip()
    if not text:
        raise ValueError("Type a time, e.g. 90, 1:30 or 0:01:30.5.")
    if clock:
        if start_time is None:
            raise ValueError("This recording has no start time; give a time from its start.")
        return _parse_clock(text, start_time)
    match = re.fullmatch(rf"({_NUMBER})\s*([a-z]*)", text.lower())
    if match:
        unit = match.group(2) or "s"
        if unit not in _UNITS_S:
            raise ValueError(f"Unknown unit '{unit}' in '{text}': use ms, s, min or h.")
        return float(match.group(1)) * _UNITS_S[unit]
    return _parse_colon_time(text)


def _parse_colon_time(text: str) -> float:
    parts = text.split(":")
    if not 2 <= len(parts) <= 3 or not all(re.fullmatch(_NUMBER, p.strip()) for p in parts):
        raise ValueError(f"Cannot read '{text}' as a time: use seconds, mm:ss or h:mm:ss.")
    values = [float(p) for p in parts]
    if any(v >= 60 for v in values[1:-1]) or values[-1] >= 60 or any(v != int(v) for v in values[:-1]):
        raise ValueError(f"Cannot read '{text}' as a time: minutes and seconds go up to 59.")
    seconds = 0.0
    for value in values:
        seconds = seconds * 60.0 + value
    return seconds


def _parse_clock(text: str, start_time: _dt.datetime) -> float:
    try:
        moment = _dt.datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        moment = None
    if moment is not None and re.match(r"\d{4}-", text):
        if (moment.tzinfo is None) != (start_time.tzinfo is None):
            moment = moment.replace(tzinfo=start_time.tzinfo)
        return (moment - start_time).total_seconds()
    of_day = _parse_colon_time(text)
    if of_day >= SECONDS_PER_DAY:
        raise ValueError(f"'{text}' is not a time of day.")
    return (of_day - seconds_of_day(start_time)) % SECONDS_PER_DAY


def format_interval(seconds: float) -> str:
    """A duration for a readout: ``812 ms``, ``4.27 s``, ``2:03.5 min``, ``1:02:03``."""
    seconds = float(seconds)
    magnitude = abs(seconds)
    if magnitude < 1.0:
        return f"{seconds * 1000:.1f} ms" if magnitude < 0.1 else f"{seconds * 1000:.0f} ms"
    if magnitude < 60.0:
        return f"{seconds:.3g} s" if magnitude < 10 else f"{seconds:.2f} s"
    if magnitude < 3600.0:
        minutes, secs = divmod(magnitude, 60.0)
        return f"{'-' if seconds < 0 else ''}{int(minutes)}:{secs:04.1f} min"
    return format_time(seconds)


def rate_from_interval(seconds: float) -> tuple[float, float] | None:
    """(Hz, beats per minute) of one event every ``seconds``; None for a zero interval."""
    magnitude = abs(float(seconds))
    if magnitude <= 0 or not math.isfinite(magnitude):
        return None
    return 1.0 / magnitude, 60.0 / magnitude
