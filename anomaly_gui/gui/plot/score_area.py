"""The score plots under the channels: the main anomaly score, whose plot carries the shared time
axis, other detectors' score tracks stacked above it, and where the detectors agree.

Scores live in min–max pyramids (``PyramidSource``) built once per result; a redraw only reads
the envelope of the visible range.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal

from .comparison_tracks import AGREEMENT_COLOR, ComparisonTracks
from .pyramid_source import PyramidSource
from .score_track import ScoreTrack
from .segment_overlay import IntervalOverlay
from .stack_plots import extremes, name_tag, new_time_plot, set_points

SCORE_LABEL = "Anomaly score"


class ScoreArea(QObject):
    """Owns the score plots of a ``SignalView``; the view lays them out and asks them to draw.

    Signals
    -------
    threshold_changed(float)
        The user dragged the main threshold line to a new value (drag finished).
    """

    threshold_changed = Signal(float)

    def __init__(self, parent: QObject, add_overlay: Callable[[pg.PlotItem], IntervalOverlay]) -> None:
        super().__init__(parent)
        self.plot = new_time_plot()
        self.plot.setLabel("left", SCORE_LABEL)
        self.tag = name_tag(self.plot, SCORE_LABEL)
        self.track = ScoreTrack(self.plot)
        self.track.threshold_changed.connect(self.threshold_changed)
        self.overlay = add_overlay(self.plot)
        self.source = PyramidSource("score", parent)
        self.comparisons = ComparisonTracks(parent)
        self.agreement_overlay = IntervalOverlay(AGREEMENT_COLOR)
        self.plot.addItem(self.agreement_overlay, ignoreBounds=True)
        self.track.fit_y()

    @property
    def plots(self) -> list[pg.PlotItem]:
        """Top to bottom: the other detectors' tracks, then the main score (with the time axis)."""
        return self.comparisons.plots + [self.plot]

    @property
    def tags(self) -> list[pg.TextItem]:
        return [t.tag for t in self.comparisons.tracks] + [self.tag]

    def attach(self, fs_hz: float) -> None:
        """A new recording: no tracks, no scores."""
        self.comparisons.clear()
        self.comparisons.attach(fs_hz, self.agreement_overlay)

    def set_scores(self, scores: np.ndarray, threshold: float) -> None:
        self.source.set_data(np.asarray(scores, dtype=np.float32))
        self.track.set_scores(threshold)
        self.comparisons.set_main(self.source.data, threshold)

    def set_threshold(self, threshold: float) -> None:
        self.track.set_threshold(threshold)
        self.comparisons.set_main(self.source.data, threshold)

    def add_track(self, name: str, scores: np.ndarray, threshold: float, duration_s: float) -> None:
        self.comparisons.add(name, scores, threshold, self.plot, duration_s)

    def clear(self) -> None:
        self.source.set_data(None)
        self.comparisons.set_main(None, None)
        self.track.clear()
        self.track.fit_y()

    def draw(self, i0: int, i1: int, pixels: int, fs_hz: float | None) -> None:
        """Give the score curves the envelope of samples ``[i0, i1)`` and fit their y axes
        (``fs_hz`` None: no recording, only the empty main plot's range)."""
        if fs_hz is not None and self.track.has_scores and self.source.data is not None:
            x, ys = self.source.envelopes(i0, i1, pixels, [0])
            lo, hi = extremes(ys[0])
            set_points(self.track.curve, x / fs_hz, ys[0])
            self.track.fit_y(lo, hi)
        else:
            self.track.fit_y()
        if fs_hz is not None:
            self.comparisons.draw(i0, i1, pixels, fs_hz)

    def shutdown(self, timeout_ms: int) -> None:
        self.source.shutdown(timeout_ms)
        self.comparisons.shutdown()
