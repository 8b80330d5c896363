"""A value (y) axis that thins its labels on short plots instead of overprinting them."""

from __future__ import annotations

import math

import pyqtgraph as pg

MIN_LABEL_SPACING_PX = 18.0
"""Room per value label: pyqtgraph always labels every major tick (at least three), which on
a 40 px channel of a 12-channel view runs into the neighbouring plots' labels."""
EDGE_MARGIN_PX = 6.0


class ValueAxisItem(pg.AxisItem):
    """``AxisItem`` whose major ticks are thinned to one per ``MIN_LABEL_SPACING_PX``, keeping
    round values (0 stays when it is a tick); minor levels go when thinning was needed."""

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802 - pyqtgraph API
        levels = super().tickValues(minVal, maxVal, size)
        if not levels or size <= 0 or maxVal <= minVal:
            return levels
        spacing, values = levels[0]
        # A label centred on a tick at the very edge of a stacked plot sticks into the next one.
        margin = EDGE_MARGIN_PX * (maxVal - minVal) / size
        values = [v for v in values if minVal + margin <= v <= maxVal - margin] or list(values[:1])
        room = max(1, int(size // MIN_LABEL_SPACING_PX))
        if len(values) <= room:
            return [(spacing, values)] + list(levels[1:])
        step = math.ceil(len(values) / room)
        kept = [v for v in values if round(v / spacing) % step == 0] or values[:1]
        return [(spacing * step, kept)]
