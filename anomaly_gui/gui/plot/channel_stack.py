"""The channel plots of the signal view: one ``PlotItem`` and curve per channel, their order,
visibility and scale (``ChannelLayout``), the annotation markers, and fitting each channel's
y range to the points it is given."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg

from ...recording import Recording
from ..channel_layout import ChannelLayout
from .annotation_markers import AnnotationMarkers
from .envelope import follow_range
from .stack_plots import extremes, name_tag, new_time_plot, set_points

CHANNEL_PEN = pg.mkPen(20, 50, 90, width=1)
LABEL_HEADROOM = 0.15


class ChannelStack:
    """Per-channel plots indexed by channel (whatever the display order)."""

    def __init__(self) -> None:
        self.plots: list[pg.PlotItem] = []
        self.curves: list[pg.PlotCurveItem] = []
        self.tags: list[pg.TextItem] = []
        self.layout = ChannelLayout()
        self.markers: AnnotationMarkers | None = None

    def build(self, recording: Recording, score_plot: pg.PlotItem, on_resized: list[Callable],
              add_overlay: Callable[[pg.PlotItem], object]) -> None:
        """One plot per channel of ``recording``, sharing ``score_plot``'s time axis and x range."""
        self.layout = ChannelLayout.for_channels(recording.n_channels)
        for channel in recording.channels:
            plot = new_time_plot(time_axis=score_plot.getAxis("bottom"))
            label = f"{channel.name} ({channel.unit})" if channel.unit else channel.name
            plot.setLabel("left", label)
            plot.setXLink(score_plot)
            curve = pg.PlotCurveItem(pen=CHANNEL_PEN)  # points come from the view's redraw, never the file
            plot.addItem(curve)
            add_overlay(plot)
            for slot in on_resized:
                plot.getViewBox().sigResized.connect(slot)
            self.plots.append(plot)
            self.curves.append(curve)
            self.tags.append(name_tag(plot, label))
        self.markers = AnnotationMarkers(self.plots[0])
        self.place_markers(recording, recording.data)

    def place_markers(self, recording: Recording, shown: np.ndarray) -> None:
        """Put the annotation markers on ``shown`` (what the first plot draws: the recording's
        samples or a filtered copy)."""
        if self.markers is not None and len(recording.annotations):
            self.markers.set_annotations(recording.annotations, shown[:, 0], recording.fs_hz)

    def clear(self, layout_item) -> None:
        for plot in self.plots:
            if plot in layout_item.items:
                layout_item.removeItem(plot)
        self.plots.clear()
        self.curves.clear()
        self.tags.clear()
        self.markers = None

    def visible_plots(self) -> list[pg.PlotItem]:
        return [self.plots[k] for k in self.layout.visible_order()]

    def draw(self, k: int, t: np.ndarray, y: np.ndarray) -> None:
        """Give channel ``k`` its points and its y range: a fixed scale, or one that follows
        the points (with room above the first channel for annotation labels)."""
        set_points(self.curves[k], t, y)
        box = self.plots[k].getViewBox()
        current = tuple(box.viewRange()[1])
        target = self.layout.displays[k].y_range()  # a fixed scale, or None
        if target is None:
            lo, hi = extremes(y)
            top = LABEL_HEADROOM if k == 0 and self.markers is not None and self.markers.count else None
            target = follow_range(current, lo, hi, top_fraction=top)
        # An unchanged range must not be set again: that re-renders the axis every frame.
        if target is not None and not np.allclose(target, current, rtol=1e-9, atol=0.0):
            box.setYRange(*target, padding=0)
