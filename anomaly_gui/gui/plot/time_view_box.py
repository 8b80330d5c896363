"""A ViewBox for time series: the wheel scrolls through time, Ctrl+wheel zooms."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

WHEEL_STEP_FRACTION = 0.1
"""One wheel notch moves the view by this fraction of its width (like the arrow keys)."""


class TimeViewBox(pg.ViewBox):
    """Plain wheel: pan in time; Ctrl+wheel: zoom the time axis about the mouse (the y axis
    follows the data, so it is never zoomed by hand)."""

    def wheelEvent(self, ev, axis=None):  # noqa: N802 - Qt override
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(ev, axis=0)
            return
        if not self.state["mouseEnabled"][0]:
            ev.ignore()
            return
        notches = ev.delta() / 120.0
        (x0, x1), _ = self.viewRange()
        shift = -notches * WHEEL_STEP_FRACTION * (x1 - x0)
        self.translateBy(x=shift)
        ev.accept()
        self.sigRangeChangedManually.emit([True, False])
