"""One sensitivity control beside the automatic threshold, with the score histogram and a live
count of what would be flagged."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

NO_SCORES = "No scores yet: run a detection to see their histogram here."
HISTOGRAM_SAMPLES = 200_000
"""Scores used for the histogram (an evenly strided subset of long recordings)."""


def sensitivity_to_threshold(value: int, auto: float, quantiles: np.ndarray) -> float:
    """Slider position (0–100, 50 = automatic) → threshold.

    Above 50 the threshold slides down the scores' quantiles from the automatic value towards
    the median (more flagged); below 50 it slides up towards the maximum (fewer flagged).
    Moving in quantile space makes equal slider steps mean similar changes in how much is
    flagged, whatever the score scale (reconstruction errors, z-scores).
    """
    if value == 50:
        return float(auto)
    q = np.asarray(quantiles, np.float64)
    levels = np.linspace(0.0, 1.0, len(q))
    auto_level = float(np.interp(auto, q, levels)) if q[-1] > q[0] else 1.0
    if value > 50:
        most_sensitive = min(auto_level, 0.5)  # never below the median score
        level = auto_level + (most_sensitive - auto_level) * (value - 50) / 50.0
    else:
        level = auto_level + (1.0 - auto_level) * (50 - value) / 50.0
    return float(np.interp(level, levels, q))


class ThresholdPanel(QWidget):
    """Histogram of the scores with the threshold, a sensitivity slider and a live count.

    Signals
    -------
    threshold_requested(float)
        The user settled on a threshold (slider released or reset to automatic).
    """

    threshold_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._auto: float | None = None
        self._quantiles: np.ndarray | None = None
        self._count: Callable[[float], int] | None = None
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(60)
        self._preview_timer.timeout.connect(self._update_preview)

        self.histogram = pg.PlotWidget(background="w")
        self.histogram.setMinimumHeight(90)
        self.histogram.setMenuEnabled(False)
        self.histogram.setMouseEnabled(x=False, y=False)
        self.histogram.hideButtons()
        plot = self.histogram.getPlotItem()
        plot.setLogMode(x=False, y=True)
        plot.setLabel("bottom", "Anomaly score")
        plot.setLabel("left", "Samples")
        self._bars = pg.PlotDataItem(stepMode="center", fillLevel=0, brush=(31, 119, 180, 110), pen=(31, 119, 180))
        plot.addItem(self._bars)
        self._line = pg.InfiniteLine(angle=90, pen=pg.mkPen((200, 30, 30), width=2, style=Qt.PenStyle.DashLine))
        plot.addItem(self._line)

        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setValue(50)
        self.slider.setToolTip("Sensitivity: right flags more, left flags less; the middle is the automatic threshold.")
        self.slider.valueChanged.connect(lambda _v: self._preview_timer.start())
        self.slider.sliderReleased.connect(self._commit)
        self.reset_button = QPushButton("Automatic")
        self.reset_button.setToolTip("Back to the automatic threshold")
        self.reset_button.clicked.connect(self._reset)
        self.count_label = QLabel(NO_SCORES)
        self.count_label.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(QLabel("Less"))
        row.addWidget(self.slider, 1)
        row.addWidget(QLabel("More"))
        row.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Sensitivity"))
        layout.addLayout(row)
        layout.addWidget(self.count_label)
        layout.addWidget(self.histogram, 1)
        layout.addStretch(0)
        self.histogram.hide()  # an empty log-scale histogram shows meaningless axes
        self.setEnabled(False)

    def set_result(self, scores: np.ndarray, auto_threshold: float, threshold: float, count: Callable[[float], int]) -> None:
        """Show the scores of a new result; ``count(threshold)`` gives the number of segments."""
        s = np.asarray(scores, np.float64)
        if len(s) > HISTOGRAM_SAMPLES:
            s = s[:: int(np.ceil(len(s) / HISTOGRAM_SAMPLES))]
        s = s[np.isfinite(s)]
        self._auto = float(auto_threshold)
        self._quantiles = np.quantile(s, np.linspace(0, 1, 1001)) if s.size else np.zeros(2)
        self._count = count
        counts, edges = np.histogram(s, bins=80)
        self._bars.setData(edges, np.maximum(counts, 0.5))
        self.histogram.show()
        self.setEnabled(True)
        self.slider.blockSignals(True)
        self.slider.setValue(50)
        self.slider.blockSignals(False)
        self.set_threshold(threshold)

    def clear(self) -> None:
        """No scores (a new recording, a session without a detection)."""
        self._preview_timer.stop()
        self._auto, self._quantiles, self._count = None, None, None
        self._bars.clear()
        self.histogram.hide()
        self.count_label.setText(NO_SCORES)
        self.setEnabled(False)

    def set_threshold(self, threshold: float | None) -> None:
        """Follow a threshold set elsewhere (the line on the score track, undo)."""
        if threshold is None or self._count is None:
            return
        self._line.setValue(float(threshold))
        self._show_count(float(threshold))

    def current_threshold(self) -> float | None:
        if self._auto is None or self._quantiles is None:
            return None
        return sensitivity_to_threshold(self.slider.value(), self._auto, self._quantiles)

    def _show_count(self, threshold: float) -> None:
        n = self._count(threshold) if self._count is not None else 0
        tag = " (automatic)" if self._auto is not None and abs(threshold - self._auto) <= 1e-12 * max(1.0, abs(self._auto)) else ""
        self.count_label.setText(f"{n} segment(s) at threshold {threshold:.4g}{tag}")

    def _update_preview(self) -> None:
        threshold = self.current_threshold()
        if threshold is not None:
            self._line.setValue(threshold)
            self._show_count(threshold)

    def _commit(self) -> None:
        self._preview_timer.stop()
        threshold = self.current_threshold()
        if threshold is not None:
            self._show_count(threshold)
            self.threshold_requested.emit(threshold)

    def _reset(self) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(50)
        self.slider.blockSignals(False)
        self._commit()
