"""Building blocks of the stacked plots: a time plot, its name tag, and setting its points."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from .time_axis import TimeAxisItem
from .time_view_box import TimeViewBox
from .value_axis import ValueAxisItem

AXIS_COLOR = (60, 60, 60)
LEFT_AXIS_WIDTH = 78
COMPACT_PLOT_PX = 110
"""Plots lower than this show their name in a tag inside the plot: the rotated axis label
would be longer than the plot and run into its neighbours'."""
NAME_TAG_COLOR = (30, 40, 60)


def new_time_plot(time_axis: TimeAxisItem | None = None) -> pg.PlotItem:
    """A plot with a time axis, or, given ``time_axis`` (the score track's), none of its own:
    stacked channels share the labelled axis at the bottom (``StackGrid`` draws the grid lines
    and frames of all plots)."""
    plot = pg.PlotItem(viewBox=TimeViewBox(),
                       axisItems={"bottom": TimeAxisItem("bottom"), "left": ValueAxisItem("left")})
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=True, y=False)  # wheel and drag move through time; y follows data
    plot.hideButtons()
    # The view sets every range itself; pyqtgraph's auto-range would measure every item's
    # data bounds again after each new set of points.
    plot.getViewBox().disableAutoRange()
    if time_axis is not None:
        plot.hideAxis("bottom")
    for name in ("left", "bottom", "top", "right"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(AXIS_COLOR))
        axis.setTextPen(pg.mkPen(AXIS_COLOR))
        # Units are in the labels; an SI prefix re-typesets the label (and re-lays out the
        # plot) on every pan, even for the hidden top and right axes.
        axis.enableAutoSIPrefix(False)
    plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
    return plot


def name_tag(plot: pg.PlotItem, text: str) -> pg.TextItem:
    """A hidden label in the plot's top-left corner (fixed in pixels, not in data space)."""
    tag = pg.TextItem(text, color=NAME_TAG_COLOR, anchor=(0, 0), fill=pg.mkBrush(255, 255, 255, 200))
    tag.setParentItem(plot.getViewBox())
    tag.setPos(4, 1)
    tag.setZValue(35)
    tag.setVisible(False)
    return tag


def update_label_style(plots: list[pg.PlotItem], tags: list[pg.TextItem]) -> None:
    """Rotated axis labels on tall plots, the name tag inside compact ones."""
    for plot, tag in zip(plots, tags):
        compact = plot.getViewBox().height() < COMPACT_PLOT_PX
        axis = plot.getAxis("left")
        if axis.label.isVisible() == compact:
            axis.showLabel(not compact)
        tag.setVisible(compact)


def set_points(curve: pg.PlotCurveItem, t: np.ndarray, y: np.ndarray) -> None:
    """New points; NaN (gaps) only costs pyqtgraph's finite check when there is some.

    A min–max envelope (``t`` in equal pairs: each pixel bin's min and max at its centre) is
    drawn as one vertical line per bin (evenly spaced), stretched to meet its left neighbour's
    range so the trace stays connected: half the pixels of the zigzag through min, max, next min (whose
    diagonals repaint each column), drawn with ``drawLines`` instead of a path.
    """
    finite = bool(np.isfinite(y).all())
    if len(t) >= 2 and t[0] == t[1]:
        # Bins follow pyramid blocks, so their centres are up to a pixel uneven; evenly spaced
        # lines (each within a pixel of its bin) leave no empty pixel column in a dense trace.
        even = np.repeat(np.linspace(t[0], t[-1], len(t) // 2), 2)
        curve.setSegmentedLineMode("on")
        curve.setData(even, column_lines(y), connect="pairs", skipFiniteCheck=finite)
        return
    curve.setSegmentedLineMode("auto")
    curve.setData(t, y, connect="all" if finite else "finite", skipFiniteCheck=finite)


def column_lines(y: np.ndarray) -> np.ndarray:
    """Envelope points ``(min, max)`` per bin, each bin's line reaching its left neighbour's
    range (a gap, NaN, stays a gap and is not reached across)."""
    pairs = np.asarray(y, dtype=np.float32).reshape(-1, 2)
    lo, hi = pairs[:, 0].copy(), pairs[:, 1].copy()
    with np.errstate(invalid="ignore"):
        lo[1:] = np.where(np.isnan(lo[1:]), np.nan, np.fmin(lo[1:], pairs[:-1, 1]))
        hi[1:] = np.where(np.isnan(hi[1:]), np.nan, np.fmax(hi[1:], pairs[:-1, 0]))
    return np.stack([lo, hi], axis=1).reshape(-1)


def extremes(y: np.ndarray) -> tuple[float, float]:
    """NaN-ignoring (min, max); NaN when nothing is finite."""
    if len(y) == 0:
        return np.nan, np.nan
    return float(np.fmin.reduce(y)), float(np.fmax.reduce(y))
