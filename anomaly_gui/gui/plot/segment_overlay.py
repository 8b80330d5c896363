"""Shaded time intervals (flagged segments) drawn by one item per plot.

One ``IntervalOverlay`` paints every interval of a plot as a full-height rectangle in data
coordinates, skipping those outside the view. Thousands of segments cost one item and one
``drawRects`` call per review status instead of thousands of ``LinearRegionItem``s. Each
interval has a kind (its review status: pending amber, accepted red, rejected grey); the
highlighted one (the selection) gets an outline. The item only draws: interval logic lives in
``segments.py``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPen

HIGHLIGHT_EDGE = QColor(20, 90, 200)
STATUS_KINDS = ("pending", "accepted", "rejected")
"""Kind codes of ``set_intervals``: the index of the review status."""
STATUS_COLORS = (QColor(240, 160, 20, 70), QColor(214, 39, 40, 70), QColor(130, 130, 130, 55))
STATUS_EDGES = (QColor(215, 135, 0), QColor(190, 25, 25), QColor(110, 110, 110))


class IntervalOverlay(pg.GraphicsObject):
    """Full-height shaded intervals ``[start_s, end_s)`` on a plot; one can be highlighted."""

    def __init__(self, color: QColor = STATUS_COLORS[0]) -> None:
        super().__init__()
        self._starts = np.zeros(0)
        self._ends = np.zeros(0)
        self._kinds = np.zeros(0, np.int8)
        self._brush = QBrush(color)
        self._brushes = [self._brush] + [QBrush(c) for c in STATUS_COLORS[1:]]
        self._highlight: int | None = None
        self._bounding = QRectF()
        self.setZValue(-10)  # under the curves

    # -- drawing many ---------------------------------------------------------------------
    def _paint_columns(self, painter, starts, ends, kinds, left, right, top, height, scale, shift) -> None:
        """Many intervals: one shaded row of device pixels (each column coloured by the
        intervals over it, at least one column per interval), stretched to the plot's height
        in a single image draw. Hundreds of one-pixel rectangles cost Qt's raster engine
        ~15 ms; the image costs well under one."""
        c0 = int(np.floor(left * scale + shift))
        width = int(np.ceil(right * scale + shift)) - c0
        if width <= 0:
            return
        row = np.zeros(width, np.uint32)
        for code, brush in enumerate(self._brushes):
            chosen = np.flatnonzero(kinds == code)
            if len(chosen) == 0:
                continue
            columns = np.clip(_device_columns(np.stack([starts[chosen], ends[chosen]], 1) * scale + shift) - c0,
                              0, width)
            edges = np.zeros(width + 1, np.int32)
            np.add.at(edges, columns[:, 0], 1)
            np.add.at(edges, columns[:, 1], -1)
            row[np.cumsum(edges[:-1]) > 0] = _premultiplied(brush.color())
        image = QImage(row.tobytes(), width, 1, 4 * width, QImage.Format.Format_ARGB32_Premultiplied)
        painter.drawImage(QRectF((c0 - shift) / scale, top, width / scale, height), image)

    # -- data ------------------------------------------------------------------------------
    def set_intervals(self, intervals_s: np.ndarray, kinds: np.ndarray | None = None,
                      highlight: int | None = None) -> None:
        """``(n, 2)`` start/end times in seconds, sorted by start; ``kinds``: one code per
        interval (``STATUS_KINDS`` index; default all pending); ``highlight``: the index to
        outline (None: none)."""
        iv = np.asarray(intervals_s, dtype=np.float64).reshape(-1, 2)
        self._starts = iv[:, 0].copy()
        self._ends = iv[:, 1].copy()
        self._kinds = (np.zeros(len(iv), np.int8) if kinds is None
                       else np.clip(np.asarray(kinds, np.int8).ravel(), 0, len(self._brushes) - 1))
        if len(self._kinds) != len(iv):
            raise ValueError(f"{len(self._kinds)} kinds for {len(iv)} intervals")
        self._highlight = highlight if highlight is not None and 0 <= highlight < len(iv) else None
        self._update_bounds()
        self.update()

    @property
    def intervals_s(self) -> np.ndarray:
        """The ``(n, 2)`` intervals currently drawn, in seconds."""
        return np.stack([self._starts, self._ends], axis=1)

    @property
    def kinds(self) -> np.ndarray:
        """The kind code of every interval (``STATUS_KINDS`` index)."""
        return self._kinds.copy()

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
        min_width = _pixel_width(self)
        kinds = self._kinds[i0:i1]
        starts, ends = self._starts[i0:i1], self._ends[i0:i1]
        to_device = painter.transform()
        scale, shift = to_device.m11(), to_device.dx()
        n_px = (right - left) / min_width if min_width > 0 else 0.0
        if scale > 0 and (len(starts) > MAX_RECTS or len(starts) > MAX_RECTS_PER_PIXEL * n_px):
            self._paint_columns(painter, starts, ends, kinds, left, right, top, height, scale, shift)
        else:
            painter.setPen(QPen(Qt.PenStyle.NoPen))
            for code, brush in enumerate(self._brushes):
                chosen = np.flatnonzero(kinds == code)
                if len(chosen):
                    painter.setBrush(brush)
                    painter.drawRects([QRectF(float(a), top, max(float(b - a), min_width), height)
                                       for a, b in zip(starts[chosen], ends[chosen])])
        if self._highlight is not None:
            h = self._highlight
            s, e = float(self._starts[h]), float(self._ends[h])
            edge = QPen(HIGHLIGHT_EDGE)
            edge.setCosmetic(True)
            edge.setWidth(2)
            painter.setPen(edge)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(s, top, max(e - s, min_width), height))


def _premultiplied(color: QColor) -> int:
    a = color.alpha()
    return (a << 24) | (color.red() * a // 255 << 16) | (color.green() * a // 255 << 8) | (color.blue() * a // 255)


def _device_columns(spans_px: np.ndarray) -> np.ndarray:
    """Device-x spans as whole pixel columns, at least one wide (a segment shorter than a
    pixel stays visible), overlapping ones joined (no darker double-shaded columns)."""
    if len(spans_px) == 0:
        return np.zeros((0, 2), np.int64)
    lo = np.floor(np.minimum(spans_px[:, 0], spans_px[:, 1])).astype(np.int64)
    hi = np.maximum(np.ceil(np.maximum(spans_px[:, 0], spans_px[:, 1])).astype(np.int64), lo + 1)
    order = np.argsort(lo, kind="stable")
    lo, hi = lo[order], np.maximum.accumulate(hi[order])
    new = np.r_[True, lo[1:] >= hi[:-1]]  # a run starts where it does not touch the previous
    starts = lo[new]
    ends = np.r_[hi[np.flatnonzero(new)[1:] - 1], hi[-1]]
    return np.stack([starts, ends], axis=1)


def _pixel_width(item: pg.GraphicsObject) -> float:
    """The width of one screen pixel in the item's data coordinates."""
    px = item.pixelWidth()
    return float(px) if px else 0.0


MAX_RECTS = 64
MAX_RECTS_PER_PIXEL = 0.5
"""More visible intervals than ``MAX_RECTS``, or than this many per pixel column, are painted
as one image row (``_paint_columns``), which also joins those that share a column."""
