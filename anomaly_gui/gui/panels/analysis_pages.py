"""The Analysis dock's plots of a whole recording (trends, heart rate) and the spectrogram.

Each page draws one computed result and returns the status line that explains it; the
whole-recording pages shade the range the main view shows and say where the user clicked.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal

SELECTION_COLOR = "#1f4e8c"
SELECTION_PEN = pg.mkPen(SELECTION_COLOR, width=1.4)
VIEW_REGION_BRUSH = pg.mkBrush(31, 78, 140, 40)
MAX_BEAT_SYMBOLS = 3000
"""Up to this many beats (about 40 min) each is a dot; longer records show per-minute medians."""
SPECTROGRAM_RANGE_DB = 60.0


def with_unit(text: str, unit: str) -> str:
    return f"{text} ({unit})" if unit else text


class _WholeRecordingPage(pg.GraphicsLayoutWidget):
    """Stacked, x-linked plots over the recording's time.

    Signals
    -------
    time_clicked(float)
        The user clicked a plot at this time (s from the start).
    """

    time_clicked = Signal(float)

    def __init__(self, n_plots: int) -> None:
        super().__init__()
        self.setBackground("w")
        self.plots = [self.addPlot(row=row, col=0) for row in range(n_plots)]
        self.regions = []
        for plot in self.plots:
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.getAxis("left").enableAutoSIPrefix(False)
            if plot is not self.plots[0]:
                plot.setXLink(self.plots[0])
            region = pg.LinearRegionItem(brush=VIEW_REGION_BRUSH, movable=False)
            region.setZValue(-10)
            plot.addItem(region)
            self.regions.append(region)
        self.plots[-1].setLabel("bottom", "Time from start (s)")
        self.scene().sigMouseClicked.connect(self._on_clicked)

    def set_visible_range(self, t0_s: float, t1_s: float) -> None:
        for region in self.regions:
            region.setRegion((t0_s, t1_s))

    def _on_clicked(self, event) -> None:
        for plot in self.plots:
            if plot.sceneBoundingRect().contains(event.scenePos()):
                self.time_clicked.emit(float(plot.vb.mapSceneToView(event.scenePos()).x()))
                return


class TrendPage(_WholeRecordingPage):
    """RMS over kurtosis, per block, with the Gaussian kurtosis of 3 dashed."""

    def __init__(self) -> None:
        super().__init__(2)
        self.rms_plot, self.kurtosis_plot = self.plots
        self.kurtosis_plot.setLabel("left", "kurtosis")
        self.rms_curve = self.rms_plot.plot([], [], pen=SELECTION_PEN)
        self.kurtosis_curve = self.kurtosis_plot.plot([], [], pen=SELECTION_PEN)
        gaussian = pg.InfiniteLine(3.0, angle=0, pen=pg.mkPen("#8a8f98", style=Qt.PenStyle.DashLine))
        self.kurtosis_plot.addItem(gaussian)

    def draw(self, result, unit: str, fs_hz: float) -> str:
        """Draw a ``dsp.spectra.Trends`` (one channel); returns the status line."""
        self.rms_curve.setData(result.times_s, result.rms[:, 0])
        self.kurtosis_curve.setData(result.times_s, result.kurtosis[:, 0])
        self.rms_plot.setLabel("left", with_unit("RMS", unit))
        for plot in self.plots:
            plot.enableAutoRange()
        return (f"{len(result.times_s)} blocks of {result.block / fs_hz:.3g} s. Kurtosis 3 (dashed) is "
                "Gaussian vibration; impacts raise it. Click a trend to go there.")

    def clear_data(self) -> None:
        for curve in (self.rms_curve, self.kurtosis_curve):
            curve.setData([], [])


class HeartRatePage(_WholeRecordingPage):
    """The heart rate at each beat over the whole record."""

    def __init__(self) -> None:
        super().__init__(1)
        plot = self.plots[0]
        plot.setLabel("left", "Heart rate (bpm)")
        # A day holds ~100k beats: a dot each would take the GUI thread half a second to draw
        # and blur into a band, so long records show the median of each minute.
        self.curve = plot.plot([], [])

    def draw(self, result) -> str:
        """Draw an ``analysis.HeartRate``: a dot per beat, or for long records the median of
        each minute; returns the status line."""
        few = len(result.bpm) <= MAX_BEAT_SYMBOLS
        if few:
            self.curve.setData(result.times_s, result.bpm, pen=None, symbol="o", symbolSize=3,
                               symbolBrush=SELECTION_COLOR, symbolPen=None)
        else:
            self.curve.setData(*result.per_minute(), pen=pg.mkPen(SELECTION_COLOR, width=1.2), symbol=None)
        self.plots[0].enableAutoRange()
        bpm = result.bpm[np.isfinite(result.bpm)]
        if bpm.size == 0:
            return f"{result.n_beats} heartbeat(s) found: too few for a heart rate."
        lo, median, hi = np.percentile(bpm, [5, 50, 95])
        shown = "each beat" if few else "the median of each minute"
        return (f"{result.n_beats} beats; median {median:.0f} bpm (5–95 %: {lo:.0f}–{hi:.0f}); the plot shows "
                f"{shown}. Click it to go there.")

    def clear_data(self) -> None:
        self.curve.setData([], [])


class SpectrogramPage(pg.PlotWidget):
    """Time against frequency, the level in colour (dB)."""

    def __init__(self) -> None:
        super().__init__(background="w")
        self.setLabel("bottom", "Time from start (s)")
        self.setLabel("left", "Frequency (Hz)")
        self.getAxis("left").enableAutoSIPrefix(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.addItem(self.image)
        self.result = None

    def draw(self, result, fs_hz: float) -> str:
        """Draw an ``analysis.Spectrogram`` (``SPECTROGRAM_RANGE_DB`` below its strongest
        bin); returns the status line."""
        self.result = result
        top = float(np.max(result.power_db))
        self.image.setImage(result.power_db, levels=(top - SPECTROGRAM_RANGE_DB, top))
        times, freqs = result.times_s, result.freqs_hz
        dt = times[1] - times[0] if len(times) > 1 else result.segment / fs_hz
        df = freqs[1] - freqs[0]
        self.image.setRect(QRectF(times[0] - dt / 2, -df / 2, dt * len(times), df * len(freqs)))
        self.autoRange(padding=0)
        return (f"Segments of {result.segment} samples ({df:.3g} Hz, {dt:.3g} s per column); colours span "
                f"{SPECTROGRAM_RANGE_DB:g} dB below the strongest bin.")

    def value_at(self, position) -> str | None:
        """``time, frequency: level`` under a scene position, or None outside the image."""
        result, box = self.result, self.plotItem.vb
        if result is None or not box.sceneBoundingRect().contains(position):
            return None
        point = box.mapSceneToView(position)
        j = int(np.clip(np.searchsorted(result.times_s, point.x()), 0, len(result.times_s) - 1))
        i = int(np.clip(np.searchsorted(result.freqs_hz, point.y()), 0, len(result.freqs_hz) - 1))
        return f"{result.times_s[j]:.4g} s, {result.freqs_hz[i]:.4g} Hz: {result.power_db[i, j]:.1f} dB"
