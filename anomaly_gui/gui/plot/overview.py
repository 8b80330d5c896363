"""The overview strip: the whole recording (one channel and the score) with the viewport on it.

The viewport is a ``LinearRegionItem``: dragging it (or its edges) asks the main view to show
that range; clicking elsewhere on the strip centres the view there. The strip draws from the
same pyramids as the main view, at its own pixel width.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QGraphicsItem, QWidget

from .pyramid_source import PyramidSource
from .segment_overlay import IntervalOverlay
from .time_axis import TimeAxisItem

STRIP_HEIGHT_PX = 92
SIGNAL_PEN = pg.mkPen(70, 90, 120, width=1)
SCORE_PEN = pg.mkPen(31, 119, 180, width=1)
VIEWPORT_BRUSH = pg.mkBrush(255, 170, 0, 38)
VIEWPORT_PEN = pg.mkPen(220, 120, 0, width=2)
VIEWPORT_HOVER_BRUSH = pg.mkBrush(255, 170, 0, 70)
SIGNAL_BAND = (0.36, 1.0)
"""Vertical share of the strip for the channel when a score is shown below it."""
SCORE_BAND = (0.0, 0.3)


def to_band(y: np.ndarray, band: tuple[float, float]) -> np.ndarray:
    """Scale ``y`` linearly into ``band`` (NaN stays NaN; a flat signal sits in the middle)."""
    finite = y[np.isfinite(y)]
    lo, hi = band
    if finite.size == 0:
        return np.full_like(y, np.nan)
    y_lo, y_hi = float(finite.min()), float(finite.max())
    if y_hi <= y_lo:
        return np.full_like(y, (lo + hi) / 2)
    return lo + (y - y_lo) * ((hi - lo) / (y_hi - y_lo))


class OverviewStrip(pg.PlotWidget):
    """Whole-recording strip under the plots.

    Signals
    -------
    range_requested(float, float)
        The user dragged the viewport or clicked the strip: show this range (seconds).
    """

    range_requested = Signal(float, float)

    def __init__(self, left_axis_width: int, parent: QWidget | None = None) -> None:
        self.time_axis = TimeAxisItem("bottom")
        super().__init__(parent, background="w", axisItems={"bottom": self.time_axis})
        self.setFixedHeight(STRIP_HEIGHT_PX)
        plot = self.getPlotItem()
        plot.setMouseEnabled(x=False, y=False)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setContentsMargins(4, 0, 10, 2)
        plot.getAxis("left").setWidth(left_axis_width)
        plot.getAxis("left").setStyle(showValues=False, tickLength=0)
        plot.setLabel("left", "Overview")
        for name in ("left", "bottom"):
            plot.getAxis(name).setPen(pg.mkPen(60, 60, 60))
            plot.getAxis(name).setTextPen(pg.mkPen(60, 60, 60))
        plot.setYRange(-0.03, 1.03, padding=0)
        self.signal_curve = pg.PlotCurveItem(pen=SIGNAL_PEN)
        self.score_curve = pg.PlotCurveItem(pen=SCORE_PEN)
        for curve in (self.signal_curve, self.score_curve):
            # Pans only move the viewport rectangle: repaint the traces from a pixmap.
            curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            plot.addItem(curve)
        self.segments = IntervalOverlay()
        plot.addItem(self.segments, ignoreBounds=True)
        self.viewport_region = pg.LinearRegionItem(
            values=(0.0, 1.0), brush=VIEWPORT_BRUSH, pen=VIEWPORT_PEN, hoverBrush=VIEWPORT_HOVER_BRUSH,
            movable=True, swapMode="sort",
        )
        self.viewport_region.setZValue(20)
        plot.addItem(self.viewport_region, ignoreBounds=True)
        self.viewport_region.sigRegionChanged.connect(self._on_viewport_dragged)
        plot.scene().sigMouseClicked.connect(self._on_clicked)
        self._signal: PyramidSource | None = None
        self._score: PyramidSource | None = None
        self._channel = 0
        self._fs_hz = 1.0
        self._duration_s = 0.0
        self._syncing = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        plot.getViewBox().sigResized.connect(self._refresh_timer.start)

    @property
    def channel(self) -> int:
        return self._channel

    def set_sources(self, signal: PyramidSource, score: PyramidSource, fs_hz: float, duration_s: float) -> None:
        """Draw from these sources (their ``pyramid_ready`` triggers a refresh)."""
        for old in (self._signal, self._score):
            if old is not None:
                old.pyramid_ready.disconnect(self._refresh_timer.start)
        self._signal, self._score = signal, score
        signal.pyramid_ready.connect(self._refresh_timer.start)
        score.pyramid_ready.connect(self._refresh_timer.start)
        self._fs_hz, self._duration_s = float(fs_hz), float(duration_s)
        plot = self.getPlotItem()
        plot.setLimits(xMin=0.0, xMax=max(duration_s, 1e-9))
        plot.setXRange(0.0, duration_s, padding=0)
        self.viewport_region.setBounds((0.0, duration_s))
        self._channel = 0
        self.refresh()

    def set_channel(self, channel: int) -> None:
        self._channel = int(channel)
        self.refresh()

    def set_viewport(self, t0_s: float, t1_s: float) -> None:
        """Follow the main view (does not emit ``range_requested``)."""
        self._syncing = True
        try:
            self.viewport_region.setRegion((t0_s, t1_s))
        finally:
            self._syncing = False

    def refresh(self) -> None:
        """Recompute both curves at the strip's pixel width."""
        self._refresh_timer.stop()
        if self._signal is None or self._signal.data is None:
            self.signal_curve.setData([], [])
            self.score_curve.setData([], [])
            return
        px = max(50, int(self.getPlotItem().getViewBox().width()))
        has_score = self._score is not None and self._score.data is not None
        x, y = self._signal.envelopes(0, self._signal.n_samples, px, [self._channel])
        band = SIGNAL_BAND if has_score else (0.04, 0.96)
        self.signal_curve.setData(x / self._fs_hz, to_band(y[0], band), connect="finite")
        if has_score:
            xs, ys = self._score.envelopes(0, self._score.n_samples, px, [0])
            self.score_curve.setData(xs / self._fs_hz, to_band(ys[0], SCORE_BAND), connect="finite")
        else:
            self.score_curve.setData([], [])

    def _on_viewport_dragged(self) -> None:
        if self._syncing:
            return
        t0, t1 = self.viewport_region.getRegion()
        self.range_requested.emit(float(t0), float(t1))

    def _on_clicked(self, event) -> None:
        view = self.getPlotItem().getViewBox()
        if event.isAccepted() or not view.sceneBoundingRect().contains(event.scenePos()):
            return
        t = float(view.mapSceneToView(event.scenePos()).x())
        t0, t1 = self.viewport_region.getRegion()
        if t0 <= t <= t1:
            return
        span = t1 - t0
        start = min(max(t - span / 2, 0.0), max(0.0, self._duration_s - span))
        self.range_requested.emit(start, start + span)
