"""The anomaly-score track: per-sample scores, the draggable threshold, flagged segments.

The track only draws: the view hands it the decimated points of the visible range
(``show``) and their extremes (``fit_y``).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal

from .envelope import follow_range

SCORE_PEN = pg.mkPen(31, 119, 180, width=1)
THRESHOLD_PEN = pg.mkPen(214, 39, 40, width=2, style=pg.QtCore.Qt.PenStyle.DashLine)
THRESHOLD_HOVER_PEN = pg.mkPen(255, 127, 14, width=3)
PLACEHOLDER = "Run detection to see the anomaly score"


class ScoreTrack(QObject):
    """Owns the items of the score plot.

    Signals
    -------
    threshold_changed(float)
        The user finished dragging the threshold line to a new value.
    """

    threshold_changed = Signal(float)

    def __init__(self, plot: pg.PlotItem) -> None:
        super().__init__()
        self.plot = plot
        self.curve = pg.PlotCurveItem(pen=SCORE_PEN, name="score")  # the view gives it points
        plot.addItem(self.curve)
        self.threshold_line = pg.InfiniteLine(
            angle=0, movable=True, pen=THRESHOLD_PEN, hoverPen=THRESHOLD_HOVER_PEN
        )
        self.threshold_line.setZValue(20)
        self.label = pg.InfLineLabel(
            self.threshold_line, text="threshold {value:.4g}", position=0.98, anchors=[(1, -0.1), (1, -0.1)],
            color=(180, 20, 20), fill=pg.mkBrush(255, 255, 255, 210),
        )
        self.threshold_line.setBounds([0, None])
        self.threshold_line.setVisible(False)
        plot.addItem(self.threshold_line, ignoreBounds=True)
        self.threshold_line.sigPositionChangeFinished.connect(self._on_line_moved)
        self._placeholder = pg.TextItem(PLACEHOLDER, color=(120, 120, 120), anchor=(0.5, 0.5))
        plot.addItem(self._placeholder, ignoreBounds=True)
        self._has_scores = False

    @property
    def has_scores(self) -> bool:
        return self._has_scores

    def set_scores(self, threshold: float) -> None:
        """Scores exist now (their points come through ``show``): show the threshold line."""
        self._has_scores = True
        self.threshold_line.setVisible(True)  # first: a hidden line's label ignores new values
        self._placeholder.setVisible(False)
        self.set_threshold(threshold)

    def set_threshold(self, threshold: float) -> None:
        # setValue emits sigPositionChanged (the label follows) but not ...ChangeFinished,
        # so placing the line does not count as the user dragging it.
        self.threshold_line.setValue(float(threshold))

    @property
    def threshold(self) -> float:
        return float(self.threshold_line.value())

    def clear(self) -> None:
        self.curve.setData([], [])
        self._has_scores = False
        self.threshold_line.setBounds([0, None])
        self.threshold_line.setVisible(False)
        self._placeholder.setVisible(True)

    def fit_y(self, lo: float = np.nan, hi: float = np.nan) -> None:
        """Fit the y axis to the visible scores' extremes and keep the threshold line in view."""
        view = self.plot.getViewBox()
        if not self._has_scores:
            view.setYRange(0.0, 1.0, padding=0)
            x0, x1 = view.viewRange()[0]
            self._placeholder.setPos((x0 + x1) / 2, 0.5)
            return
        top = float(np.nanmax([hi, self.threshold]))
        bottom = min(0.0, float(lo)) if np.isfinite(lo) else 0.0
        current = tuple(view.viewRange()[1])
        rng = follow_range(current, bottom, top, top_fraction=0.12)
        if rng is not None and rng != current:
            view.setYRange(max(rng[0], bottom), rng[1], padding=0)

    def _on_line_moved(self) -> None:
        self.threshold_changed.emit(self.threshold)
