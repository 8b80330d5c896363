"""Grid lines and frames of all stacked plots, drawn by one item under them.

pyqtgraph's own grid (``PlotItem.showGrid``) is drawn by the axes, which replay a QPicture of
every tick level: about 10 ms per plot at 1600 px, most of a frame for a 12-channel view. One
scene item behind the plots draws the time ticks (major and minor) through every plot, each
plot's value ticks and its frame, in a few calls per frame.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPen

from .time_axis import TimeAxisItem

MAJOR_COLOR = QColor(214, 217, 222)  # opaque: blended lines cost ~10x more to draw
MINOR_COLOR = QColor(241, 242, 244)
FRAME_COLOR = QColor(200, 204, 212)


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
        major, minor = [], []
        # The plots are x-linked and share their left and right edges: one vertical line per
        # time tick runs through the whole stack.
        first = boxes[0][2]
        (x0, x1), _ = boxes[0][1].viewRange()
        if x1 > x0:
            top, bottom = first.top(), boxes[-1][2].bottom()
            sx = first.width() / (x1 - x0)
            levels = self._time_axis.tickValues(x0, x1, first.width())
            for target, level in ((major, 0), (minor, 1)):
                if len(levels) > level:
                    target += [QLineF(x, top, x, bottom)
                               for x in (first.left() + (t - x0) * sx for t in levels[level][1])]
        for plot, box, rect in boxes:
            _, (y0, y1) = box.viewRange()
            if y1 > y0:
                sy = rect.height() / (y1 - y0)
                y_levels = self._y_ticks(plot, y0, y1, rect.height())
                if y_levels:
                    major += [QLineF(rect.left(), y, rect.right(), y)
                              for y in (rect.bottom() - (v - y0) * sy for v in y_levels[0][1])]
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for pen, lines in ((self._minor, minor), (self._major, major)):
            if lines:
                painter.setPen(pen)
                painter.drawLines(lines)
        painter.setPen(self._frame)
        painter.drawRects([rect for _plot, _box, rect in boxes])
