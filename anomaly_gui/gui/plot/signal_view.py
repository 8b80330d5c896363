"""Stacked channel plots with a shared time axis, the score track, flagged segments and an overview.

Every channel is one ``PlotItem`` in a single ``GraphicsLayoutWidget``; all are x-linked to the
score track at the bottom, and an overview strip of the whole recording sits underneath.
Curves never hold the recording: on every change of the visible range (coalesced by a 0 ms
single-shot timer, so a burst of drag or wheel events costs one redraw) each visible channel
gets the min–max envelope of the visible samples at the plot's pixel width from a pyramid
(``dsp.decimate``), at most ~2 points per pixel. The same extremes fit the y axes. Pyramids of
big signals are built in a worker; until then a preview is drawn. A display filter
(``dsp.filters``) is applied to a copy of the recording in the same worker; the cursors read
what is drawn.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...detect.pipeline import ecg_leads
from ...dsp.filters import DisplayFilter, filter_signal
from ...recording import Recording
from ...segments import SegmentSet
from ..channel_layout import ChannelLayout
from .channel_stack import ChannelStack
from . import ecg_paper
from .cursors import MeasurementCursors
from .grid import StackGrid
from .overview import OverviewStrip
from .pyramid_source import PyramidSource
from .score_area import ScoreArea
from .segment_overlay import IntervalOverlay
from .stack_plots import LEFT_AXIS_WIDTH, update_label_style
from .training_band import TrainingBand

INITIAL_SPAN_S = 10.0
SHORT_FILE_S = 20.0
FALLBACK_PIXELS = 1000
HEADER_STYLE = "QLabel { color: #303030; padding: 2px 8px; background: #f4f6f9; border-bottom: 1px solid #d8dde5; }"


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
    redrawn()
        The curves were given the points of the current range (after the coalesced redraw).
    channels_changed()
        Channel order, visibility or scale changed (``channel_layout``).
    time_mode_changed(bool)
        The time axis switched between clock time (True) and time from start.
    """

    threshold_changed = Signal(float)
    training_range_changed = Signal(float, float)
    x_range_changed = Signal(float, float)
    redrawn = Signal()
    channels_changed = Signal()
    time_mode_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel()
        self.header.setStyleSheet(HEADER_STYLE)
        self.header.setVisible(False)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.graphics.ci.setSpacing(2)
        self.graphics.ci.setContentsMargins(4, 6, 10, 4)
        self.graphics.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.graphics)
        self.overview = OverviewStrip(LEFT_AXIS_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.overview)

        self.recording: Recording | None = None
        self.channels = ChannelStack()
        self.overlays: list[IntervalOverlay] = []
        self.signal_source = PyramidSource("signal", self)
        self.signal_source.runner.failed.connect(self._on_filter_failed)
        self.signal_source.pyramid_ready.connect(self._on_signal_ready)
        self.display_filter = DisplayFilter()
        self._markers_on: np.ndarray | None = None
        self.clock_time = False
        self.ecg_paper = True

        self.scores = ScoreArea(self, self._add_overlay)
        self.scores.threshold_changed.connect(self.threshold_changed)
        self.scores.plot.getViewBox().sigResized.connect(self._update_label_style)
        self.graphics.addItem(self.scores.plot, row=0, col=0)
        self.grid = StackGrid(self.scores.plot.getAxis("bottom"))
        self.graphics.scene().addItem(self.grid)
        self.scores.plot.getViewBox().sigResized.connect(self.grid.refresh)
        self._set_bottom_label()

        self.training_band = TrainingBand(self)
        self.training_band.range_changed.connect(self.training_range_changed)

        self.cursors = MeasurementCursors(self)
        self.cursors.moved.connect(self._update_readout)

        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(0)
        self._redraw_timer.timeout.connect(self.redraw_now)
        score_box = self.scores.plot.getViewBox()
        score_box.sigXRangeChanged.connect(self._on_x_range_changed)
        score_box.sigResized.connect(self._redraw_timer.start)
        for source in (self.signal_source, self.scores.source):
            source.pyramid_ready.connect(self._redraw_timer.start)
            source.progress.connect(self._show_build_progress)
            source.runner.running_changed.connect(lambda _running: self._update_readout())
        self.overview.range_requested.connect(self.set_x_range)
        self.scores.comparisons.changed.connect(self._relayout)
        self.scores.comparisons.redraw_wanted.connect(self._redraw_timer.start)

    # -- building ---------------------------------------------------------------------------
    def _add_overlay(self, plot: pg.PlotItem) -> IntervalOverlay:
        overlay = IntervalOverlay()
        plot.addItem(overlay, ignoreBounds=True)
        self.overlays.append(overlay)
        return overlay

    def set_recording(self, recording: Recording) -> None:
        """Show ``recording``: one plot per channel, markers for its annotations."""
        self._clear_channels()
        self.recording = recording
        self.channels.build(recording, self.scores.plot, [self.grid.refresh, self._update_label_style],
                            self._add_overlay)
        self._apply_paper()
        duration = recording.duration_s
        for plot in self.channel_plots + [self.scores.plot]:
            plot.setLimits(xMin=0.0, xMax=duration, minXRange=min(duration, 20.0 / recording.fs_hz))
        self.scores.attach(recording.fs_hz)
        self._relayout()
        self.display_filter = DisplayFilter()
        self._markers_on = recording.data
        self.signal_source.set_data(recording.data)
        self.overview.set_sources(self.signal_source, self.scores.source, recording.fs_hz, duration)
        self._apply_time_origin()
        self.clear_result()
        self.show_initial_range()
        self.reset_training_region()
        self._redraw_timer.start()
        self.channels_changed.emit()

    def set_display_filter(self, display_filter: DisplayFilter) -> None:
        """Draw the recording through ``display_filter`` (an inactive one shows it as recorded).
        Raises ``DataError`` for corners the recording's rate cannot have; the recording shows
        unfiltered until the filtered copy is ready."""
        rec = self.recording
        if rec is None:
            return
        if display_filter.is_active:
            display_filter.check(rec.fs_hz)
            fs_hz = rec.fs_hz
            self.signal_source.set_data(
                rec.data, lambda data, ctx: filter_signal(data, fs_hz, display_filter, ctx))
        else:
            self.signal_source.set_data(rec.data)
        self.display_filter = display_filter
        self._update_readout()

    def _on_signal_ready(self) -> None:
        # A filtered copy replaced what is drawn: markers and cursor values follow it.
        rec, shown = self.recording, self.signal_source.data
        if rec is not None and shown is not None and shown is not self._markers_on:
            self.channels.place_markers(rec, shown)
            self._markers_on = shown
        self._update_readout()

    def _on_filter_failed(self, _exc) -> None:
        # The error itself is reported by the source; the view shows the recording as it is.
        if self.display_filter.is_active and self.recording is not None:
            self.display_filter = DisplayFilter()
            self.signal_source.set_data(self.recording.data)
            self._update_readout()

    def _relayout(self) -> None:
        """Put the visible channel plots in display order above the score track."""
        ci = self.graphics.ci
        for plot in list(ci.items):
            ci.removeItem(plot)
        visible = self.channel_layout.visible_order()
        for row in range(ci.layout.rowCount()):  # rows left empty by hidden channels take no room
            ci.layout.setRowStretchFactor(row, 0)
        for row, k in enumerate(visible):
            ci.addItem(self.channel_plots[k], row=row, col=0)
            ci.layout.setRowStretchFactor(row, 3)
        score_plots = self.scores.plots
        for row, plot in enumerate(score_plots, start=len(visible)):
            ci.addItem(plot, row=row, col=0)
            ci.layout.setRowStretchFactor(row, 2 if len(visible) <= 4 else 3)
        stacked = self.channels.visible_plots() + score_plots
        top = stacked[0]
        self.training_band.move_to(top)
        self.grid.set_plots(stacked)
        self._update_label_style()
        self.cursors.attach(stacked, labelled=top)
        self._redraw_timer.start()
        self.training_band.place_label()

    def _update_label_style(self) -> None:
        update_label_style(self.channel_plots + self.scores.plots, self.channels.tags + self.scores.tags)

    def _clear_channels(self) -> None:
        self.training_band.move_to(None)
        self.channels.clear(self.graphics.ci)
        self.cursors.attach([])
        self.cursors.show_readouts({})
        self.overlays[:] = [self.scores.overlay]
        self.recording = None

    # -- results ----------------------------------------------------------------------------
    def set_scores(self, scores: np.ndarray, threshold: float) -> None:
        """Plot one score per sample and put the threshold line at ``threshold``."""
        self.scores.set_scores(scores, threshold)
        self.overview.refresh()
        self.redraw_now()

    def set_threshold(self, threshold: float) -> None:
        self.scores.set_threshold(threshold)

    def add_score_track(self, name: str, scores: np.ndarray, threshold: float) -> None:
        """Show another detector's scores as a track of their own (cached as a pyramid)."""
        if self.recording is not None:
            self.scores.add_track(name, scores, threshold, self.recording.duration_s)

    def set_segments(self, segments: SegmentSet) -> None:
        """Shade every segment on every plot (start/end samples → seconds)."""
        intervals = segments.bounds().astype(np.float64) / segments.fs_hz
        for overlay in self.overlays + [self.overview.segments]:
            overlay.set_intervals(intervals)

    def clear_result(self) -> None:
        self.scores.clear()
        for overlay in self.overlays + [self.overview.segments]:
            overlay.set_intervals(np.zeros((0, 2)))
        self.overview.refresh()

    # -- navigation -------------------------------------------------------------------------
    @property
    def duration_s(self) -> float:
        return self.recording.duration_s if self.recording is not None else 0.0

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
        self.scores.plot.setXRange(t0_s, t1_s, padding=0)

    def x_range(self) -> tuple[float, float]:
        x0, x1 = self.scores.plot.getViewBox().viewRange()[0]
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

    # -- time axis --------------------------------------------------------------------------
    @property
    def has_start_time(self) -> bool:
        return self.recording is not None and self.recording.start_time is not None

    def set_ecg_paper(self, on: bool) -> None:
        """ECG paper (40 ms × 0.1 mV squares in 200 ms × 0.5 mV) behind the ECG leads measured
        in mV or µV, where the squares are large enough to see."""
        self.ecg_paper = bool(on)
        self._apply_paper()

    def _apply_paper(self) -> None:
        rec = self.recording
        on = self.ecg_paper and rec is not None
        self.grid.set_paper(ecg_paper.paper_plots(self.channel_plots, rec) if on else {})

    def set_clock_time(self, clock: bool) -> None:
        """Label the time axes with wall-clock time (when the file has a start time)."""
        self.clock_time = bool(clock)
        self._apply_time_origin()
        self.time_mode_changed.emit(self.clock_time)

    def _apply_time_origin(self) -> None:
        start = self.recording.start_time if self.recording is not None else None
        for plot in [self.scores.plot] + self.channel_plots:
            plot.getAxis("bottom").set_time_origin(start, self.clock_time)
        self.overview.time_axis.set_time_origin(start, self.clock_time)
        self._set_bottom_label()

    def _set_bottom_label(self) -> None:
        start = self.recording.start_time if self.recording is not None else None
        if self.clock_time and start is not None:
            text = f"Clock time (h:mm:ss) · started {start:%Y-%m-%d %H:%M:%S}"
        else:
            text = "Time from start (h:mm:ss)"
        self.scores.plot.setLabel("bottom", text)

    # -- channels ---------------------------------------------------------------------------
    def set_channel_visible(self, channel: int, visible: bool) -> None:
        if self.channel_layout.displays[channel].visible == bool(visible):
            return
        self.channel_layout.set_visible(channel, visible)
        self._relayout()
        self._channels_edited()

    @property
    def channel_plots(self) -> list[pg.PlotItem]:
        """One plot per channel, indexed by channel whatever the display order."""
        return self.channels.plots

    @property
    def channel_curves(self) -> list[pg.PlotCurveItem]:
        return self.channels.curves

    @property
    def channel_layout(self) -> ChannelLayout:
        """Order, visibility and scale of the channels."""
        return self.channels.layout

    @property
    def markers(self):
        """The annotation markers on the first channel (None without a recording)."""
        return self.channels.markers

    def apply_channel_layout(self, layout: ChannelLayout) -> None:
        """Show the channels in ``layout``'s order, visibility and scale (a reopened project)."""
        self.channels.layout = layout
        self._relayout()
        self._channels_edited()

    def move_channel(self, channel: int, delta: int) -> None:
        """Move ``channel`` ``delta`` places down the stack (negative: up)."""
        if self.channel_layout.move(channel, delta):
            self._relayout()
            self._channels_edited()

    def scale_channel_gain(self, channel: int, factor: float) -> None:
        """Show ``channel`` ``factor`` times taller; its scale then stays fixed while paging."""
        current = self.channel_plots[channel].getViewBox().viewRange()[1]
        self.channel_layout.scale_gain(channel, factor, (current[0], current[1]))
        self._channels_edited()

    def set_channel_range(self, channel: int, y_range: tuple[float, float]) -> None:
        """Show ``channel`` over ``y_range``, fixed while paging."""
        self.channel_layout.set_fixed_range(channel, y_range)
        self._channels_edited()

    def auto_scale_channel(self, channel: int) -> None:
        """Fit ``channel`` to the visible samples again, and keep fitting it while paging."""
        self.channel_layout.set_auto_scale(channel)
        self._channels_edited()

    def set_overview_channel(self, channel: int) -> None:
        self.overview.set_channel(channel)

    def _channels_edited(self) -> None:
        self.redraw_now()
        self.channels_changed.emit()

    # -- cursors ----------------------------------------------------------------------------
    def set_cursors_active(self, active: bool) -> None:
        self.cursors.set_active(active, self.x_range())

    def _update_readout(self) -> None:
        rec = self.recording
        active = self.cursors.active and rec is not None
        visible = self.channel_layout.visible_order() if active else []
        self.cursors.show_channel_values(rec, {k: self.channel_plots[k] for k in visible}, self.signal_source.data)
        parts = [self.cursors.interval_text(bool(ecg_leads(rec)))] if active else []
        if self.display_filter.is_active:
            parts.append(f"Display filter: {self.display_filter.describe()}")
        if self.signal_source.transforming:
            parts.append("Filtering the recording…")
        elif self.signal_source.is_building or self.scores.source.is_building:
            parts.append("Building the overview of the whole recording…")
        self.header.setText("    ".join(parts))
        self.header.setVisible(bool(parts))

    def _show_build_progress(self, fraction: float, _message: str) -> None:
        if self.header.isVisible() or fraction < 1.0:
            self._update_readout()

    # -- training range ---------------------------------------------------------------------
    def set_training_range_visible(self, visible: bool) -> None:
        self.training_band.set_visible(visible and self.recording is not None, self.x_range())

    def reset_training_region(self) -> None:
        """Put the band on the middle half of the visible range."""
        self.training_band.reset(self.x_range())

    def training_range(self) -> tuple[float, float]:
        return self.training_band.range()

    # -- drawing the visible range ----------------------------------------------------------
    def _on_x_range_changed(self, _view, x_range) -> None:
        x0, x1 = float(x_range[0]), float(x_range[1])
        if self.markers is not None:
            self.markers.update_for_view(x0, x1)
        self.overview.set_viewport(x0, x1)
        if not self._redraw_timer.isActive():
            # No frame with the old points at the new range: paint once, after the redraw.
            self.graphics.setUpdatesEnabled(False)
        self._redraw_timer.start()  # coalesce a burst of wheel/drag events into one redraw
        self.x_range_changed.emit(x0, x1)

    def visible_samples(self) -> tuple[int, int]:
        """Sample range ``[i0, i1)`` covering the visible time range."""
        if self.recording is None:
            return 0, 0
        x0, x1 = self.x_range()
        fs, n = self.recording.fs_hz, self.recording.n_samples
        return max(0, int(np.floor(x0 * fs))), min(n, int(np.ceil(x1 * fs)) + 1)

    def pixel_width(self) -> int:
        width = int(self.scores.plot.getViewBox().width())
        return width if width >= 50 else FALLBACK_PIXELS

    def redraw_now(self) -> None:
        """Give every visible curve the envelope of the visible range and fit the y axes."""
        self._redraw_timer.stop()
        try:
            self._redraw()
        finally:
            if not self.graphics.updatesEnabled():
                self.graphics.setUpdatesEnabled(True)  # schedules the one paint of this frame
        self.redrawn.emit()

    def _redraw(self) -> None:
        rec = self.recording
        if rec is None:
            self.scores.draw(0, 0, 0, None)
            return
        i0, i1 = self.visible_samples()
        px = self.pixel_width()
        visible = self.channel_layout.visible_order()
        if visible:
            x, ys = self.signal_source.envelopes(i0, i1, px, visible)
            t = x / rec.fs_hz
            for row, k in enumerate(visible):
                self.channels.draw(k, t, ys[row])
        self.scores.draw(i0, i1, px, rec.fs_hz)
        self.training_band.place_label()
        # pyqtgraph applies new ranges when it paints; changes made then (items following the
        # new transform) ask for a second paint. Applying them now gives one paint per frame.
        for plot in self.channels.visible_plots() + self.scores.plots:
            plot.getViewBox().updateMatrix()
        self.grid.refresh()

    # -- lifetime ---------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 2000) -> None:
        """Stop background pyramid builds (call before the window goes away)."""
        self.signal_source.shutdown(timeout_ms)
        self.scores.shutdown(timeout_ms)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)

