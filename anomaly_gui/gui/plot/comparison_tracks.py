"""Score tracks of other detectors, stacked above the main anomaly score, and where they agree.

Each track keeps its scores in its own min–max pyramid (built once, in the background for long
recordings), so panning and zooming only read envelopes, never rescore. The samples that at
least two detectors (the main one included) flag above their own thresholds are shaded on every
score track: where independent detectors agree is where a reviewer should look first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor

from ...segments import mask_to_intervals
from .pyramid_source import PyramidSource
from .segment_overlay import IntervalOverlay
from .stack_plots import extremes, name_tag, new_time_plot, set_points

TRACK_PENS = [pg.mkPen(c, width=1) for c in ((44, 160, 44), (148, 103, 189), (140, 86, 75), (23, 190, 207),
                                              (188, 189, 34), (127, 127, 127))]
THRESHOLD_PEN = pg.mkPen(214, 39, 40, width=1, style=pg.QtCore.Qt.PenStyle.DashLine)
AGREEMENT_COLOR = QColor(120, 60, 200, 60)
MIN_AGREEING = 2


@dataclass
class Track:
    name: str
    plot: pg.PlotItem
    curve: pg.PlotCurveItem
    source: PyramidSource  # holds the scores, one per sample
    threshold: float
    tag: pg.TextItem
    overlay: IntervalOverlay


class ComparisonTracks(QObject):
    """The extra score tracks of a ``SignalView``; the view lays them out and asks them to draw.

    Signals
    -------
    changed()
        A track was added or removed (the view lays its plots out again).
    redraw_wanted()
        A track's pyramid is ready (the view redraws).
    """

    changed = Signal()
    redraw_wanted = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tracks: list[Track] = []
        self._main: tuple[np.ndarray, float] | None = None
        self._fs_hz = 0.0
        self._main_overlay: IntervalOverlay | None = None
        self.agreement_s = np.zeros((0, 2))

    @property
    def plots(self) -> list[pg.PlotItem]:
        return [t.plot for t in self.tracks]

    # -- tracks -----------------------------------------------------------------------------
    def add(self, name: str, scores: np.ndarray, threshold: float, link_to: pg.PlotItem, duration_s: float) -> None:
        """Show ``scores`` (one per sample) as the track ``name`` (replacing one of that name)."""
        self.remove(name, emit=False)
        plot = new_time_plot(time_axis=link_to.getAxis("bottom"))
        plot.setLabel("left", name)
        tag = name_tag(plot, name)
        plot.setXLink(link_to)
        plot.setLimits(xMin=0.0, xMax=duration_s)
        curve = pg.PlotCurveItem(pen=TRACK_PENS[len(self.tracks) % len(TRACK_PENS)])
        plot.addItem(curve)
        line = pg.InfiniteLine(angle=0, movable=False, pen=THRESHOLD_PEN)
        line.setValue(float(threshold))
        plot.addItem(line, ignoreBounds=True)
        overlay = IntervalOverlay(AGREEMENT_COLOR)
        plot.addItem(overlay, ignoreBounds=True)
        source = PyramidSource(f"track {name}", self)
        source.pyramid_ready.connect(self.redraw_wanted)
        source.set_data(np.asarray(scores, np.float32))
        self.tracks.append(Track(name, plot, curve, source, float(threshold), tag, overlay))
        self._update_agreement()
        self.changed.emit()

    def remove(self, name: str, emit: bool = True) -> None:
        for i, track in enumerate(self.tracks):
            if track.name == name:
                track.source.shutdown()
                del self.tracks[i]
                self._update_agreement()
                if emit:
                    self.changed.emit()
                return

    def clear(self) -> None:
        if not self.tracks:
            return
        self.shutdown()
        self.tracks.clear()
        self._update_agreement()
        self.changed.emit()

    def set_main(self, scores: np.ndarray | None, threshold: float | None) -> None:
        """The main detector's scores and threshold (None: no main result)."""
        self._main = None if scores is None or threshold is None else (np.asarray(scores), float(threshold))
        self._update_agreement()

    # -- drawing ----------------------------------------------------------------------------
    def draw(self, i0: int, i1: int, n_pixels: int, fs_hz: float) -> None:
        for track in self.tracks:
            x, ys = track.source.envelopes(i0, i1, n_pixels, [0])
            set_points(track.curve, x / fs_hz, ys[0])
            lo, hi = extremes(ys[0])
            top = float(np.nanmax([hi, track.threshold])) if np.isfinite(hi) else track.threshold
            bottom = min(0.0, lo) if np.isfinite(lo) else 0.0
            box = track.plot.getViewBox()
            if tuple(box.viewRange()[1]) != (bottom, top * 1.1):
                box.setYRange(bottom, top * 1.1, padding=0)

    # -- agreement --------------------------------------------------------------------------
    def _update_agreement(self) -> None:
        flagged = [t.source.data > t.threshold for t in self.tracks]
        if self._main is not None:
            flagged.append(self._main[0] > self._main[1])
        if len(flagged) < MIN_AGREEING or len({len(f) for f in flagged}) != 1:
            self.agreement_s = np.zeros((0, 2))
        else:
            votes = np.zeros(len(flagged[0]), np.int16)
            for f in flagged:
                votes += f
            intervals = np.asarray(mask_to_intervals(votes >= MIN_AGREEING), np.float64).reshape(-1, 2)
            self.agreement_s = intervals / self._fs_hz if self._fs_hz else np.zeros((0, 2))
        overlays = [t.overlay for t in self.tracks] + ([self._main_overlay] if self._main_overlay else [])
        for overlay in overlays:
            overlay.set_intervals(self.agreement_s)

    def attach(self, fs_hz: float, main_overlay: IntervalOverlay) -> None:
        """The recording's rate, and the overlay that shades agreement on the main score track."""
        self._fs_hz = float(fs_hz)
        self._main_overlay = main_overlay
        self._update_agreement()

    def shutdown(self) -> None:
        for track in self.tracks:
            track.source.shutdown()
