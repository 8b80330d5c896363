"""Stacked channel plots with a shared time axis, the score track and flagged segments.

Every channel is one ``PlotItem`` in a single ``GraphicsLayoutWidget``; all are x-linked to the
score track at the bottom. Curves use pyqtgraph's peak downsampling and clip-to-view, so only
the visible samples, reduced to about the pixel width, are drawn. The y axes follow the
visible data through block envelopes (no pass over the recording per pan).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...recording import Recording
from ...segments import SegmentSet
from .annotation_markers import AnnotationMarkers
from .envelope import BlockEnvelope, padded_range
from .score_track import ScoreTrack
from .segment_overlay import IntervalOverlay

CHANNEL_PEN = pg.mkPen(20, 50, 90, width=1)
AXIS_COLOR = (60, 60, 60)
LEFT_AXIS_WIDTH = 78
INITIAL_SPAN_S = 10.0
SHORT_FILE_S = 20.0
TRAINING_BRUSH = pg.mkBrush(40, 120, 220, 40)
Y_FIT_DELAY_MS = 30
LABEL_HEADROOM = 0.15


class SignalView(QWidget):
    """The recording, its anomaly score and the flagged segments, on one time axis.

    Signals
    -------
    threshold_changed(float)
        The user dragged the threshold line to a new value (drag finished).
    training_range_changed(float, float)
        The training-range band was moved (start, end in seconds).
    x_range_changed(float, float)
        The visible time range changed (seconds).
    """

    threshold_changed = Signal(float)
    training_range_changed = Signal(float, float)
    x_range_changed = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.graphics.ci.setSpacing(2)
        self.graphics.ci.setContentsMargins(4, 6, 10, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)

        self.recording: Recording | None = None
        self.channel_plots: list[pg.PlotItem] = []
        self.channel_curves: list[pg.PlotDataItem] = []
        self.overlays: list[IntervalOverlay] = []
        self.markers: AnnotationMarkers | None = None
        self._time_s = np.zeros(0)
        self._envelope: BlockEnvelope | None = None

        self.score_plot = self._new_plot()
        self.score_plot.setLabel("left", "Anomaly score")
        self.score_plot.setLabel("bottom", "Time (s)")
        self.score_track = ScoreTrack(self.score_plot)
        self.score_track.threshold_changed.connect(self.threshold_changed)
        self.score_overlay = self._add_overlay(self.score_plot)
        self.graphics.addItem(self.score_plot, row=0, col=0)

        self.training_region = pg.LinearRegionItem(
            values=(0.0, 1.0), brush=TRAINING_BRUSH, movable=True, swapMode="sort"
        )
        self.training_region.setZValue(15)
        self.training_region.setVisible(False)
        self._training_label = pg.TextItem("training data", color=(40, 90, 170), anchor=(0, 0))
        self._training_label.setZValue(16)
        self._training_label.setVisible(False)
        self.training_region.sigRegionChanged.connect(self._place_training_label)
        self.training_region.sigRegionChangeFinished.connect(self._on_training_region_moved)

        self._y_fit_timer = QTimer(self)
        self._y_fit_timer.setSingleShot(True)
        self._y_fit_timer.setInterval(Y_FIT_DELAY_MS)
        self._y_fit_timer.timeout.connect(self._fit_y_to_view)
        self.score_plot.getViewBox().sigXRangeChanged.connect(self._on_x_range_changed)
        self.score_track.fit_y(0, 0)

    # -- building ---------------------------------------------------------------------------
    def _new_plot(self) -> pg.PlotItem:
        plot = pg.PlotItem()
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=True, y=False)  # wheel and drag move through time; y follows data
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.hideButtons()
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(AXIS_COLOR))
            axis.setTextPen(pg.mkPen(AXIS_COLOR))
        plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        return plot

    def _add_overlay(self, plot: pg.PlotItem) -> IntervalOverlay:
        overlay = IntervalOverlay()
        plot.addItem(overlay, ignoreBounds=True)
        self.overlays.append(overlay)
        return overlay

    def set_recording(self, recording: Recording) -> None:
        """Show ``recording``: one plot per channel, markers for its annotations."""
        self._clear_channels()
        self.recording = recording
        n = recording.n_samples
        # One float64 time axis shared by every curve (float32 loses sample resolution after
        # about 2**24 samples).
        self._time_s = np.arange(n, dtype=np.float64) / recording.fs_hz
        self._envelope = BlockEnvelope(recording.data)
        self.graphics.ci.removeItem(self.score_plot)
        for i, channel in enumerate(recording.channels):
            plot = self._new_plot()
            label = f"{channel.name} ({channel.unit})" if channel.unit else channel.name
            plot.setLabel("left", label)
            plot.getAxis("bottom").setStyle(showValues=False)
            plot.setXLink(self.score_plot)
            # A column view of the recording, no copy: pyqtgraph reads only the visible part.
            curve = plot.plot(self._time_s, recording.data[:, i], pen=CHANNEL_PEN)
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self._add_overlay(plot)
            self.graphics.addItem(plot, row=i, col=0)
            self.channel_plots.append(plot)
            self.channel_curves.append(curve)
        self.graphics.addItem(self.score_plot, row=len(recording.channels), col=0)
        self._set_row_stretch()
        top = self.channel_plots[0]
        top.addItem(self.training_region, ignoreBounds=True)
        top.addItem(self._training_label, ignoreBounds=True)
        self.markers = AnnotationMarkers(top)
        if len(recording.annotations):
            self.markers.set_annotations(recording.annotations, recording.data[:, 0], recording.fs_hz)
        duration = recording.duration_s
        for plot in self.channel_plots + [self.score_plot]:
            plot.setLimits(xMin=0.0, xMax=duration, minXRange=min(duration, 20.0 / recording.fs_hz))
        self.clear_result()
        self.show_initial_range()
        self.reset_training_region()

    def _set_row_stretch(self) -> None:
        layout = self.graphics.ci.layout
        for row in range(len(self.channel_plots)):
            layout.setRowStretchFactor(row, 3)
        layout.setRowStretchFactor(len(self.channel_plots), 2)

    def _clear_channels(self) -> None:
        for plot in self.channel_plots:
            for item in (self.training_region, self._training_label):
                if item in plot.items:
                    plot.removeItem(item)
            self.graphics.ci.removeItem(plot)
        self.channel_plots.clear()
        self.channel_curves.clear()
        self.overlays[:] = [self.score_overlay]
        self.markers = None
        self.recording = None

    # -- results ----------------------------------------------------------------------------
    def set_scores(self, scores: np.ndarray, threshold: float) -> None:
        """Plot one score per sample and put the threshold line at ``threshold``."""
        self.score_track.set_scores(self._time_s, scores, threshold)
        self._fit_y_to_view()

    def set_threshold(self, threshold: float) -> None:
        self.score_track.set_threshold(threshold)

    def set_segments(self, segments: SegmentSet) -> None:
        """Shade every segment on every plot (start/end samples → seconds)."""
        intervals = segments.bounds().astype(np.float64) / segments.fs_hz
        for overlay in self.overlays:
            overlay.set_intervals(intervals)

    def clear_result(self) -> None:
        self.score_track.clear()
        for overlay in self.overlays:
            overlay.set_intervals(np.zeros((0, 2)))

    # -- navigation -------------------------------------------------------------------------
    def show_initial_range(self) -> None:
        """The first ~10 s of a long file (waveforms visible), the whole of a short one."""
        if self.recording is None:
            return
        duration = self.recording.duration_s
        self.set_x_range(0.0, duration if duration <= SHORT_FILE_S else INITIAL_SPAN_S)

    def show_all(self) -> None:
        if self.recording is not None:
            self.set_x_range(0.0, self.recording.duration_s)

    def set_x_range(self, t0_s: float, t1_s: float) -> None:
        self.score_plot.setXRange(t0_s, t1_s, padding=0)

    def x_range(self) -> tuple[float, float]:
        x0, x1 = self.score_plot.getViewBox().viewRange()[0]
        return float(x0), float(x1)

    def show_segment(self, index: int, start_s: float, end_s: float) -> None:
        """Zoom every plot to a segment with context (± its duration, at least 1 s) and highlight it."""
        duration = end_s - start_s
        t0, t1 = start_s - duration, end_s + duration
        if t1 - t0 < 1.0:
            centre = (start_s + end_s) / 2
            t0, t1 = centre - 0.5, centre + 0.5
        if self.recording is not None:
            t0, t1 = max(0.0, t0), min(self.recording.duration_s, t1)
        self.set_x_range(t0, t1)
        for overlay in self.overlays:
            overlay.set_highlight(index)

    # -- training range ---------------------------------------------------------------------
    def set_training_range_visible(self, visible: bool) -> None:
        visible = visible and self.recording is not None
        if visible and not self.training_region.isVisible():
            x0, x1 = self.x_range()
            t0, t1 = self.training_range()
            if t1 <= x0 or t0 >= x1:  # out of sight: bring the band to where the user looks
                self.reset_training_region()
        self.training_region.setVisible(visible)
        self._training_label.setVisible(visible)
        self._place_training_label()

    def reset_training_region(self) -> None:
        """Put the band on the middle half of the visible range."""
        x0, x1 = self.x_range()
        span = x1 - x0
        self.training_region.setRegion((x0 + span / 4, x1 - span / 4))
        self._on_training_region_moved()

    def training_range(self) -> tuple[float, float]:
        t0, t1 = self.training_region.getRegion()
        return float(t0), float(t1)

    def _place_training_label(self) -> None:
        if not self.channel_plots:
            return
        t0, _t1 = self.training_range()
        y_top = self.channel_plots[0].getViewBox().viewRange()[1][1]
        self._training_label.setPos(t0, y_top)

    def _on_training_region_moved(self) -> None:
        t0, t1 = self.training_range()
        self.training_range_changed.emit(t0, t1)

    # -- y follows the visible data ----------------------------------------------------------
    def _on_x_range_changed(self, _view, x_range) -> None:
        x0, x1 = float(x_range[0]), float(x_range[1])
        if self.markers is not None:
            self.markers.update_for_view(x0, x1)
        self._y_fit_timer.start()  # coalesce a burst of wheel/drag events into one fit
        self.x_range_changed.emit(x0, x1)

    def _fit_y_to_view(self) -> None:
        x0, x1 = self.x_range()
        if self.recording is None:
            self.score_track.fit_y(0, 0)
            return
        fs = self.recording.fs_hz
        i0, i1 = int(np.floor(x0 * fs)), int(np.ceil(x1 * fs)) + 1
        lo, hi = self._envelope.range(i0, i1)
        for k, plot in enumerate(self.channel_plots):
            # Room above the top channel for annotation labels.
            top = LABEL_HEADROOM if k == 0 and self.markers is not None and self.markers.count else None
            rng = padded_range(float(lo[k]), float(hi[k]), top_fraction=top)
            if rng is not None:
                plot.setYRange(*rng, padding=0)
        self.score_track.fit_y(i0, i1)
        self._place_training_label()
