"""The draggable "training data" band on the top channel plot (training range mode)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal

TRAINING_BRUSH = pg.mkBrush(40, 120, 220, 40)
LABEL_COLOR = (40, 90, 170)


class TrainingBand(QObject):
    """A ``LinearRegionItem`` and its label, living on whichever plot is on top.

    Signals
    -------
    range_changed(float, float)
        The band was moved or placed (start, end in seconds).
    """

    range_changed = Signal(float, float)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.region = pg.LinearRegionItem(values=(0.0, 1.0), brush=TRAINING_BRUSH, movable=True,
                                          swapMode="sort")
        self.region.setZValue(15)
        self.region.setVisible(False)
        self.label = pg.TextItem("training data", color=LABEL_COLOR, anchor=(0, 0))
        self.label.setZValue(16)
        self.label.setVisible(False)
        self.region.sigRegionChanged.connect(self.place_label)
        self.region.sigRegionChangeFinished.connect(self._emit_range)
        self._host: pg.PlotItem | None = None

    def move_to(self, plot: pg.PlotItem | None) -> None:
        """Put the band on ``plot`` (None: on no plot)."""
        if plot is self._host:
            return
        for item in (self.region, self.label):
            if self._host is not None:
                self._host.removeItem(item)
            if plot is not None:
                plot.addItem(item, ignoreBounds=True)
        self._host = plot
        self.place_label()

    @property
    def visible(self) -> bool:
        return self.region.isVisible()

    def set_visible(self, visible: bool, window: tuple[float, float]) -> None:
        """Show or hide the band; shown out of sight of ``window``, it moves into it."""
        if visible and not self.visible:
            t0, t1 = self.range()
            if t1 <= window[0] or t0 >= window[1]:
                self.reset(window)
        self.region.setVisible(visible)
        self.label.setVisible(visible)
        self.place_label()

    def reset(self, window: tuple[float, float]) -> None:
        """Put the band on the middle half of ``window``."""
        x0, x1 = window
        span = x1 - x0
        self.region.setRegion((x0 + span / 4, x1 - span / 4))
        self._emit_range()

    def range(self) -> tuple[float, float]:
        t0, t1 = self.region.getRegion()
        return float(t0), float(t1)

    def place_label(self) -> None:
        if self._host is not None:
            self.label.setPos(self.range()[0], self._host.getViewBox().viewRange()[1][1])

    def _emit_range(self) -> None:
        self.range_changed.emit(*self.range())
