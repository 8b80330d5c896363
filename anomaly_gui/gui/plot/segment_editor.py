"""Editing segments on the plots: the selected segment's draggable edges and "Add segment" drags.

The editor only draws and forwards gestures as times in seconds; the review controller turns
them into commands (``MoveBoundary``, ``CreateSegment``). It adds its own items to the view's
plots and watches the mouse through an event filter on the plots' viewport, so the signal view
itself needs no hooks.

* The selected segment shows an ``EdgeRegion`` on every plot: its two edges drag (all plots
  follow), dragging inside it still pans the view. Releasing an edge emits
  ``boundary_moved(id, side, time_s)``.
* In add mode a left-button drag on any plot draws a band; releasing emits
  ``segment_drawn(t0_s, t1_s)``.
* ``mouse_time_s`` is the time under the mouse while it is over a plot (split at the cursor).
* ``show_marker(t)`` draws a thin line at a found file annotation (annotation search).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal

EDGE_PEN = pg.mkPen(20, 90, 200, width=2)
EDGE_HOVER_PEN = pg.mkPen(255, 130, 0, width=3)
EDIT_BRUSH = pg.mkBrush(20, 90, 200, 0)
DRAW_BRUSH = pg.mkBrush(20, 90, 200, 45)
DRAW_PEN = pg.mkPen(20, 90, 200, width=1)
MARKER_PEN = pg.mkPen(110, 40, 160, width=1, style=Qt.PenStyle.DashLine)
MIN_DRAG_PX = 3


class EdgeRegion(pg.LinearRegionItem):
    """A region whose edges drag but whose body lets drags through (the view pans)."""

    def mouseDragEvent(self, ev):  # noqa: N802 - pyqtgraph override
        ev.ignore()

    def mouseClickEvent(self, ev):  # noqa: N802 - pyqtgraph override
        ev.ignore()

    def hoverEvent(self, ev):  # noqa: N802 - pyqtgraph override
        pass  # no hover highlight of the body: only the edges react


class SegmentEditor(QObject):
    """Edit handles for one ``SignalView``.

    Signals
    -------
    boundary_moved(int, str, float)
        Segment id, "start" or "end", and the time (s) an edge was dragged to.
    segment_drawn(float, float)
        Start and end time (s) of a band drawn in add mode.
    add_mode_changed(bool)
    """

    boundary_moved = Signal(int, str, float)
    segment_drawn = Signal(float, float)
    add_mode_changed = Signal(bool)

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view
        self.add_mode = False
        self.mouse_time_s: float | None = None
        self._segment: tuple[int, float, float] | None = None
        self._plots: list[pg.PlotItem] = []
        self._edit: list[EdgeRegion] = []
        self._draw: list[pg.LinearRegionItem] = []
        self._marks: list[pg.InfiniteLine] = []
        self.marker_s: float | None = None
        self._draw_from: float | None = None
        self._press_x: float | None = None
        self._syncing = False
        viewport = view.graphics.viewport()
        viewport.installEventFilter(self)
        viewport.setMouseTracking(True)

    # -- plots ------------------------------------------------------------------------------
    def attach(self) -> None:
        """Put the handles on the view's current plots (call after the plots change)."""
        plots = list(self.view.channel_plots) + [self.view.scores.plot]
        if plots == self._plots:
            return
        for plot, edit, draw, mark in zip(self._plots, self._edit, self._draw, self._marks):
            for item in (edit, draw, mark):
                plot.removeItem(item)
        self._plots, self._edit, self._draw, self._marks = plots, [], [], []
        for plot in plots:
            edit = EdgeRegion(values=(0, 1), brush=EDIT_BRUSH, pen=EDGE_PEN, hoverPen=EDGE_HOVER_PEN,
                              movable=True, swapMode="block")
            edit.setZValue(25)
            edit.setVisible(False)
            edit.sigRegionChanged.connect(self._on_edit_dragging)
            edit.sigRegionChangeFinished.connect(self._on_edit_finished)
            plot.addItem(edit, ignoreBounds=True)
            draw = pg.LinearRegionItem(values=(0, 1), brush=DRAW_BRUSH, pen=DRAW_PEN, movable=False)
            draw.setZValue(24)
            draw.setVisible(False)
            plot.addItem(draw, ignoreBounds=True)
            mark = pg.InfiniteLine(angle=90, movable=False, pen=MARKER_PEN)
            mark.setZValue(23)
            mark.setVisible(False)
            plot.addItem(mark, ignoreBounds=True)
            self._edit.append(edit)
            self._draw.append(draw)
            self._marks.append(mark)
        self._show_edit()
        self.show_marker(self.marker_s)

    def show_marker(self, t_s: float | None) -> None:
        """A dashed line at ``t_s`` on every plot (None: hide it)."""
        self.marker_s = None if t_s is None else float(t_s)
        for mark in self._marks:
            if self.marker_s is not None:
                mark.setValue(self.marker_s)
            mark.setVisible(self.marker_s is not None)

    @property
    def edit_regions(self) -> list[EdgeRegion]:
        return list(self._edit)

    # -- the selected segment ---------------------------------------------------------------
    def show_segment(self, segment_id: int | None, start_s: float = 0.0, end_s: float = 0.0) -> None:
        """Put the edge handles on this segment (None: hide them)."""
        self._segment = None if segment_id is None else (int(segment_id), float(start_s), float(end_s))
        self._show_edit()

    def _show_edit(self) -> None:
        self._syncing = True
        try:
            for edit in self._edit:
                if self._segment is None:
                    edit.setVisible(False)
                else:
                    edit.setRegion(self._segment[1:])
                    edit.setVisible(True)
        finally:
            self._syncing = False

    def _on_edit_dragging(self, region) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            for other in self._edit:
                if other is not region:
                    other.setRegion(region.getRegion())
        finally:
            self._syncing = False

    def _on_edit_finished(self, region) -> None:
        if self._syncing or self._segment is None:
            return
        seg_id, start, end = self._segment
        t0, t1 = (float(v) for v in region.getRegion())
        if abs(t0 - start) >= abs(t1 - end):
            side, value = "start", t0
        else:
            side, value = "end", t1
        self._show_edit()  # back to the segment until the command says otherwise
        if abs(value - (start if side == "start" else end)) > 0:
            self.boundary_moved.emit(seg_id, side, value)

    # -- add mode ---------------------------------------------------------------------------
    def set_add_mode(self, on: bool) -> None:
        on = bool(on)
        if on == self.add_mode:
            return
        self.add_mode = on
        self._cancel_draw()
        self.view.graphics.viewport().setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)
        self.add_mode_changed.emit(on)

    def begin_draw(self, t_s: float) -> None:
        self._draw_from = float(t_s)
        self.update_draw(t_s)

    def update_draw(self, t_s: float) -> None:
        if self._draw_from is None:
            return
        region = sorted((self._draw_from, float(t_s)))
        for draw in self._draw:
            draw.setRegion(region)
            draw.setVisible(True)

    def finish_draw(self, t_s: float) -> None:
        """End the drag at ``t_s``: emit ``segment_drawn`` unless it was a mere click."""
        start = self._draw_from
        self._cancel_draw()
        if start is None:
            return
        t0, t1 = sorted((start, float(t_s)))
        box = self._plots[-1].getViewBox() if self._plots else None
        min_width = (box.viewPixelSize()[0] * MIN_DRAG_PX) if box is not None else 0.0
        if t1 - t0 > min_width:
            self.segment_drawn.emit(t0, t1)

    def _cancel_draw(self) -> None:
        self._draw_from = None
        for draw in self._draw:
            draw.setVisible(False)

    # -- the mouse --------------------------------------------------------------------------
    def time_at(self, view_pos: QPointF) -> float | None:
        """The time (s) under a point of the plots' viewport, None when not over a plot."""
        scene_pos = self.view.graphics.mapToScene(view_pos.toPoint())
        for plot in self._plots:
            box = plot.getViewBox()
            if plot.isVisible() and plot.scene() is not None and box.sceneBoundingRect().contains(scene_pos):
                return float(box.mapSceneToView(scene_pos).x())
        return None

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.MouseMove:
            self.mouse_time_s = self.time_at(event.position())
            if self._draw_from is not None:
                if self.mouse_time_s is not None:
                    self.update_draw(self._clamp(self.mouse_time_s))
                return True
        elif kind == QEvent.Type.Leave:
            self.mouse_time_s = None
        elif (kind == QEvent.Type.MouseButtonPress and self.add_mode
              and event.button() == Qt.MouseButton.LeftButton):
            t = self.time_at(event.position())
            if t is not None:
                self.begin_draw(self._clamp(t))
                return True
        elif kind == QEvent.Type.MouseButtonRelease and self._draw_from is not None:
            t = self.time_at(event.position())
            self.finish_draw(self._clamp(t) if t is not None else self._draw_from)
            return True
        return False

    def _clamp(self, t_s: float) -> float:
        return float(np.clip(t_s, 0.0, self.view.duration_s))
