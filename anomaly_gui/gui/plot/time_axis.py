"""A time axis that reads h:mm:ss(.fff), as elapsed time or as the clock time of the recording."""

from __future__ import annotations

import datetime as _dt

import pyqtgraph as pg

from ...dsp.timefmt import (
    decimals_for_step,
    format_clock,
    format_time,
    nice_time_step,
    seconds_of_day,
    tick_positions,
)

MAJOR_TICK_PX = 95
"""Room per labelled tick: 'h:mm:ss.fff' plus a gap."""
MINOR_PER_MAJOR = 5


class TimeAxisItem(pg.AxisItem):
    """Bottom axis of seconds-from-start values, labelled ``h:mm:ss`` on round time steps.

    In clock mode (``set_clock(start_time)``) the labels are wall-clock times and the ticks
    fall on round clock values (every full minute of the day, not of the recording).
    """

    def __init__(self, orientation: str = "bottom", **kwargs) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)
        # Labels on the major ticks only: pyqtgraph otherwise formats and measures the text of
        # every minor tick too, on each frame, to decide not to show it.
        self.setStyle(maxTextLevel=0)
        self._start_time: _dt.datetime | None = None
        self._clock = False
        self._tick_cache = None

    @property
    def clock_mode(self) -> bool:
        return self._clock and self._start_time is not None

    def set_time_origin(self, start_time: _dt.datetime | None, clock: bool) -> None:
        """Label times as clock times from ``start_time`` when ``clock`` (and a start is known)."""
        self._start_time, self._clock = start_time, bool(clock)
        self._tick_cache = None
        self.picture = None  # pyqtgraph's cached drawing of the ticks
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802 - pyqtgraph API
        # Asked by the axis and by the grid of every stacked plot for the same range each frame.
        key = (minVal, maxVal, size, self.clock_mode)
        if self._tick_cache is not None and self._tick_cache[0] == key:
            return self._tick_cache[1]
        ticks = self._compute_ticks(minVal, maxVal, size)
        self._tick_cache = (key, ticks)
        return ticks

    def _compute_ticks(self, minVal: float, maxVal: float, size: float):  # noqa: N803
        if size <= 0 or maxVal <= minVal:
            return []
        span = maxVal - minVal
        major = nice_time_step(span, max(1.0, size / MAJOR_TICK_PX))
        minor = nice_time_step(span, max(1.0, size / MAJOR_TICK_PX) * MINOR_PER_MAJOR)
        offset = seconds_of_day(self._start_time) if self.clock_mode else 0.0
        majors = tick_positions(minVal, maxVal, major, offset)
        minors = tick_positions(minVal, maxVal, minor, offset) if minor < major else []
        return [(major, list(majors)), (minor, list(minors))]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph API
        decimals = decimals_for_step(spacing)
        if self.clock_mode:
            return [format_clock(self._start_time, v, decimals) for v in values]
        return [format_time(v, decimals) for v in values]
