"""Grid lines and frames of all stacked plots, drawn by one item under them.

pyqtgraph's own grid (``PlotItem.showGrid``) is drawn by the axes, which replay a QPicture of
every tick level: about 10 ms per plot at 1600 px, most of a frame for a 12-channel view. One
scene item behind the plots draws the time ticks (major and minor) through every plot, each
plot's value ticks and its frame, in a few calls per frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPen

from .time_axis import TimeAxisItem

MAJOR_COLOR = QColor(214, 217, 222)  # opaque: blended lines cost ~10x more to draw
MINOR_COLOR = QColor(241, 242, 244)
FRAME_COLOR = QColor(200, 204, 212)
PAPER_MAJOR_COLOR = QColor(236, 160, 160)
PAPER_MINOR_COLOR = QColor(249, 218, 218)
# ECG paper: small squares of 40 ms × 0.1 mV, large ones of 200 ms × 0.5 mV.
PAPER_MINOR_S, PAPER_MAJOR_S = 0.04, 0.2
PAPER_MINOR_MV, PAPER_MAJOR_MV = 0.1, 0.5
PAPER_MIN_PX = 3.0
"""Closest spacing of paper lines on screen; denser levels are left out (a whole day)."""


def paper_lines(v0: float, v1: float, step: float, scale_px: float) -> np.ndarray:
    """Multiples of ``step`` in ``[v0, v1]`` when they are at least ``PAPER_MIN_PX`` apart
    (``scale_px`` pixels per unit), else none."""
    if step * scale_px < PAPER_MIN_PX or v1 <= v0:
        return np.zeros(0)
    return np.arange(np.ceil(v0 / step - 1e-9), np.floor(v1 / step + 1e-9) + 1) * step


def _pen(color: QColor) -> QPen:
    pen = QPen(color)
    pen.setCosmetic(True)
    pen.setWidth(1)
    return pen


class StackGrid(pg.GraphicsObject):
    """Grid and frames for ``plots`` (set with ``set_plots``), with time ticks from ``time_axis``.

    Lives in the scene, not in a plot: call ``refresh`` after ranges or the layout changed.
    """

    def __init__(self, time_axis: TimeAxisItem) -> None:
        super().__init__()
        self._time_axis = time_axis
        self._plots: list[pg.PlotItem] = []
        self._major, self._minor, self._frame = _pen(MAJOR_COLOR), _pen(MINOR_COLOR), _pen(FRAME_COLOR)
        self._paper_major, self._paper_minor = _pen(PAPER_MAJOR_COLOR), _pen(PAPER_MINOR_COLOR)
        self._paper: dict[int, float] = {}
        self._bounding = QRectF()
        self._y_cache: dict[int, tuple[tuple, list]] = {}
        self.setZValue(-100)  # under every plot

    def _y_ticks(self, plot: pg.PlotItem, y0: float, y1: float, height: float) -> list:
        """The left axis' tick levels, recomputed only when the y range changed (rarely)."""
        key = (y0, y1, height)
        cached = self._y_cache.get(id(plot))
        if cached is None or cached[0] != key:
            cached = (key, plot.getAxis("left").tickValues(y0, y1, height))
            self._y_cache[id(plot)] = cached
        return cached[1]

    def set_paper(self, units_per_mv: dict[int, float]) -> None:
        """Draw ECG paper on the plots whose ``id`` is a key (the value: the plot's units per
        mV, 1000 for µV) where its squares are large enough on screen; the usual grid elsewhere."""
        self._paper = dict(units_per_mv)
        self.update()

    def set_plots(self, plots: list[pg.PlotItem]) -> None:
        self._plots = list(plots)
        self._y_cache.clear()
        self.refresh()

    def refresh(self) -> None:
        rect = QRectF()
        for plot in self._plots:
            rect = rect.united(plot.getViewBox().sceneBoundingRect())
        if rect != self._bounding:
            self.prepareGeometryChange()
            self._bounding = rect
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounding

    def paint(self, painter, option, widget=None) -> None:
        boxes = [(plot, plot.getViewBox()) for plot in self._plots]
        boxes = [(plot, box, box.sceneBoundingRect()) for plot, box in boxes]
        boxes = [(plot, box, rect) for plot, box, rect in boxes if rect.width() > 0 and rect.height() > 0]
        if not boxes:
            return
        major, minor, paper_major, paper_minor = [], [], [], []
        # The plots are x-linked and share their left and right edges: one vertical line per
        # time tick runs through each stretch of consecutive plots without ECG paper (the
        # whole stack when none has it), a few dozen lines however many channels there are.
        first = boxes[0][2]
        (x0, x1), _ = boxes[0][1].viewRange()
        time_levels = self._time_axis.tickValues(x0, x1, first.width()) if x1 > x0 else []
        sx = first.width() / (x1 - x0) if x1 > x0 else 0.0
        tick_x = [[first.left() + (t - x0) * sx for t in level[1]] for level in time_levels[:2]]
        spans: list[list[float] | None] = []  # [top, bottom] of each stretch of plots with the usual grid
        for plot, box, rect in boxes:
            _, (y0, y1) = box.viewRange()
            sy = rect.height() / (y1 - y0) if y1 > y0 else 0.0
            paper = self._paper_lines(plot, rect, x0, x1, sx, y0, y1, sy)
            if paper is not None:
                paper_major += paper[0]
                paper_minor += paper[1]
                spans.append(None)
                continue
            if spans and spans[-1] is not None:
                spans[-1][1] = rect.bottom()
            else:
                spans.append([rect.top(), rect.bottom()])
            if sy > 0:
                y_levels = self._y_ticks(plot, y0, y1, rect.height())
                if y_levels:
                    major += [QLineF(rect.left(), y, rect.right(), y)
                              for y in (rect.bottom() - (v - y0) * sy for v in y_levels[0][1])]
        for top, bottom in (span for span in spans if span is not None):
            for target, xs in zip((major, minor), tick_x):
                target += [QLineF(x, top, x, bottom) for x in xs]
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for pen, lines in ((self._minor, minor), (self._paper_minor, paper_minor), (self._major, major),
                           (self._paper_major, paper_major)):
            if lines:
                painter.setPen(pen)
                painter.drawLines(lines)
        painter.setPen(self._frame)
        painter.drawRects([rect for _plot, _box, rect in boxes])

    def _paper_lines(self, plot, rect, x0, x1, sx, y0, y1, sy) -> tuple[list, list] | None:
        """(major, minor) ECG paper lines of ``plot``, or None where it has no paper or even
        its large squares would be too small to see."""
        units_per_mv = self._paper.get(id(plot))
        if units_per_mv is None or sx <= 0 or sy <= 0:
            return None
        levels = []
        for step_s, step_mv in ((PAPER_MAJOR_S, PAPER_MAJOR_MV), (PAPER_MINOR_S, PAPER_MINOR_MV)):
            xs = paper_lines(x0, x1, step_s, sx)
            ys = paper_lines(y0, y1, step_mv * units_per_mv, sy)
            if not levels and not (len(xs) and len(ys)):
                return None  # no large squares to see: the usual grid
            levels.append(
                [QLineF(x, rect.top(), x, rect.bottom()) for x in rect.left() + (xs - x0) * sx]
                + [QLineF(rect.left(), y, rect.right(), y) for y in rect.bottom() - (ys - y0) * sy]
            )
        return levels[0], levels[1]
