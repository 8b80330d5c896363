"""Shaded time intervals (flagged segments) drawn by one item per plot.

One ``IntervalOverlay`` paints every interval of a plot as a full-height rectangle in data
coordinates, skipping those outside the view. Thousands of segments cost one item and one
``drawRects`` call instead of thousands of ``LinearRegionItem``s. The item only draws: interval
logic lives in ``segments.py``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen

SEGMENT_COLOR = QColor(214, 39, 40, 55)
HIGHLIGHT_COLOR = QColor(255, 160, 0, 30)
HIGHLIGHT_EDGE = QColor(230, 120, 0)


class IntervalOverlay(pg.GraphicsObject):
    """Full-height shaded intervals ``[start_s, end_s)`` on a plot; one can be highlighted."""

    def __init__(self, color: QColor = SEGMENT_COLOR) -> None:
        super().__init__()
        self._starts = np.zeros(0)
        self._ends = np.zeros(0)
        self._brush = QBrush(color)
        self._highlight: int | None = None
        self._bounding = QRectF()
        self.setZValue(-10)  # under the curves

    # -- data ------------------------------------------------------------------------------
    def set_intervals(self, intervals_s: np.ndarray) -> None:
        """``(n, 2)`` start/end times in seconds, sorted by start."""
        iv = np.asarray(intervals_s, dtype=np.float64).reshape(-1, 2)
        self._starts = iv[:, 0].copy()
        self._ends = iv[:, 1].copy()
        self._highlight = None
        self._update_bounds()
        self.update()

    @property
    def intervals_s(self) -> np.ndarray:
        """The ``(n, 2)`` intervals currently drawn, in seconds."""
        return np.stack([self._starts, self._ends], axis=1)

    def set_highlight(self, index: int | None) -> None:
        self._highlight = index if index is not None and 0 <= index < len(self._starts) else None
        self.update()

    @property
    def highlight(self) -> int | None:
        return self._highlight

    # -- QGraphicsItem ---------------------------------------------------------------------
    def dataBounds(self, axis, frac=1.0, orthoRange=None):  # noqa: N802 - pyqtgraph API
        return None  # never take part in auto-range

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounding

    def viewRangeChanged(self) -> None:  # noqa: N802 - pyqtgraph hook
        self._update_bounds()

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph hook
        super().viewTransformChanged()
        self._update_bounds()

    def _update_bounds(self) -> None:
        view = self.viewRect()
        if view is None or len(self._starts) == 0:
            rect = QRectF()
        else:
            left = max(view.left(), float(self._starts[0]))
            right = min(view.right(), float(self._ends.max()))
            rect = QRectF(left, view.top(), max(0.0, right - left), view.height()).normalized()
        if rect != self._bounding:
            self.prepareGeometryChange()
            self._bounding = rect

    def paint(self, painter, option, widget=None) -> None:
        view = self.viewRect()
        if view is None or len(self._starts) == 0:
            return
        left, right = view.left(), view.right()
        # Intervals are sorted and disjoint: the visible ones are a contiguous run.
        i0 = int(np.searchsorted(self._ends, left, side="left"))
        i1 = int(np.searchsorted(self._starts, right, side="right"))
        if i1 <= i0 and self._highlight is None:
            return
        top, height = view.top(), view.height()
        # Less than a pixel wide still shows as a hairline (cosmetic pens ignore the zoom).
        painter.setPen(QPen(Qt.PenStyle.NoPen))
        painter.setBrush(self._brush)
        rects = [
            QRectF(float(s), top, float(e - s), height)
            for s, e in zip(self._starts[i0:i1], self._ends[i0:i1])
        ]
        if rects:
            painter.drawRects(rects)
        min_width = _pixel_width(self)
        thin = [r for r in rects if r.width() < min_width]
        if thin:
            pen = QPen(self._brush.color())
            pen.setCosmetic(True)
            pen.setWidth(1)
            painter.setPen(pen)
            painter.drawLines([QLineF(r.center().x(), top, r.center().x(), top + height) for r in thin])
        if self._highlight is not None:
            h = self._highlight
            s, e = float(self._starts[h]), float(self._ends[h])
            edge = QPen(HIGHLIGHT_EDGE)
            edge.setCosmetic(True)
            edge.setWidth(2)
            painter.setPen(edge)
            painter.setBrush(QBrush(HIGHLIGHT_COLOR))
            painter.drawRect(QRectF(s, top, max(e - s, min_width), height))


def _pixel_width(item: pg.GraphicsObject) -> float:
    """The width of one screen pixel in the item's data coordinates."""
    px = item.pixelWidth()
    return float(px) if px else 0.0
