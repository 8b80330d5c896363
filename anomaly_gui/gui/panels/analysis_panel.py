"""The Analysis dock: the spectrum or envelope spectrum of the current segment (or the visible
range) over a normal one, or its spectrogram; RMS / kurtosis trends of a channel, or an ECG
lead's heart rate, over the whole recording (those pages in ``analysis_pages``).

The panel only draws what ``AnalysisController`` computed and says when its choices change.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...dsp.spectra import default_envelope_band
from .analysis_pages import SELECTION_COLOR, SELECTION_PEN, HeartRatePage, SpectrogramPage, TrendPage, with_unit

KINDS = (("Spectrum", "spectrum"), ("Envelope spectrum", "envelope"), ("Spectrogram", "spectrogram"),
         ("Trends (RMS, kurtosis)", "trends"))
HEART_RATE_KIND = ("Heart rate", "heart_rate")
WHOLE_RECORDING_KINDS = ("trends", "heart_rate")
SOURCES = (("Visible range", "view"), ("Current segment", "segment"))
NORMAL_COLOR = "#8a8f98"
NORMAL_PEN = pg.mkPen(NORMAL_COLOR, width=1.0)
PEAK_COLOR = "#d1495b"
PEAK_BRUSH = pg.mkBrush(PEAK_COLOR)
N_HARMONICS = 6


class AnalysisPanel(QWidget):
    """Choices (what to analyse, which channel, envelope band, log scale) above one plot area.

    Signals
    -------
    request_changed()
        A choice changed: the controller recomputes.
    time_requested(float)
        The user clicked a trend at this time (s): centre the view there.
    export_requested()
        The user wants what is shown saved (a table or a picture).
    """

    request_changed = Signal()
    time_requested = Signal(float)
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._units: list[str] = []
        self._fs_hz: float | None = None
        self._spectrum_unit = ""

        self.kind_combo = QComboBox()
        for text, key in KINDS:
            self.kind_combo.addItem(text, key)
        self.source_combo = QComboBox()
        for text, key in SOURCES:
            self.source_combo.addItem(text, key)
        self.channel_combo = QComboBox()
        self.band_lo = self._frequency_box()
        self.band_hi = self._frequency_box()
        band_row = QHBoxLayout()
        band_row.setContentsMargins(0, 0, 0, 0)
        band_row.addWidget(self.band_lo)
        band_row.addWidget(QLabel("–"))
        band_row.addWidget(self.band_hi)
        self.band_widget = QWidget()
        self.band_widget.setLayout(band_row)
        self.log_check = QCheckBox("Log scale")
        self.log_check.setChecked(True)
        self.harmonic_box = self._frequency_box()
        self.harmonic_box.setDecimals(2)
        self.harmonic_box.setMinimum(0.0)
        self.harmonic_box.setSpecialValueText("off")
        self.harmonic_box.setToolTip(
            "Mark this frequency and its harmonics (e.g. a bearing's BPFO); double-click a peak to pick it")
        self.harmonic_label = QLabel("Harmonics of:")

        self.source_label = QLabel("of")
        self.band_label = QLabel("Band:")
        form = QGridLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addWidget(self.kind_combo, 0, 0, 1, 2)
        form.addWidget(self.source_label, 0, 2)
        form.addWidget(self.source_combo, 0, 3)
        form.addWidget(QLabel("Channel:"), 1, 0)
        form.addWidget(self.channel_combo, 1, 1)
        form.addWidget(self.log_check, 1, 2, 1, 2)
        form.addWidget(self.band_label, 2, 0)
        form.addWidget(self.band_widget, 2, 1, 1, 3)
        form.addWidget(self.harmonic_label, 3, 0)
        form.addWidget(self.harmonic_box, 3, 1)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save what is shown: its numbers as CSV, or the plot as PNG")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_requested)
        form.addWidget(self.export_button, 3, 3)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)

        self._build_spectrum_page()
        self.trends = TrendPage()
        self.heart_rate = HeartRatePage()
        self.spectrogram = SpectrogramPage()
        for page in (self.trends, self.heart_rate):
            page.time_clicked.connect(self.time_requested)
        self.spectrogram.scene().sigMouseMoved.connect(self._on_spectrogram_hover)

        self.stack = QStackedWidget()
        for page in (self.spectrum_plot, self.spectrogram, self.trends, self.heart_rate):
            self.stack.addWidget(page)
        self.stack.setMinimumHeight(120)
        self.status = QLabel("Open a recording to analyse it.")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout = QLabel("")
        self.readout.setObjectName("spectrum_readout")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.readout)
        layout.addWidget(self.status)

        for combo in (self.kind_combo, self.source_combo, self.channel_combo):
            combo.currentIndexChanged.connect(self._on_choice_changed)
        for box in (self.band_lo, self.band_hi):
            box.editingFinished.connect(self.request_changed)
        self.log_check.toggled.connect(self._apply_log_scale)
        self.harmonic_box.valueChanged.connect(self._show_harmonics)
        self._on_choice_changed()

    # -- construction -----------------------------------------------------------------------
    def _build_spectrum_page(self) -> None:
        self.spectrum_plot = pg.PlotWidget(background="w")
        self.spectrum_plot.showGrid(x=True, y=True, alpha=0.25)
        self.spectrum_plot.setLabel("bottom", "Frequency (Hz)")
        self.normal_curve = self.spectrum_plot.plot([], [], pen=NORMAL_PEN)
        self.selection_curve = self.spectrum_plot.plot([], [], pen=SELECTION_PEN)
        # A data item, not a bare scatter: it follows the plot's log scale.
        self.peak_points = self.spectrum_plot.plot([], [], pen=None, symbol="o", symbolSize=7,
                                                   symbolBrush=PEAK_BRUSH, symbolPen=None)
        self.legend = QLabel("")
        self.legend.setObjectName("spectrum_legend")
        self.legend.setWordWrap(True)
        self.spectrum_plot.scene().sigMouseMoved.connect(self._on_spectrum_hover)
        self.spectrum_plot.scene().sigMouseClicked.connect(self._on_spectrum_clicked)
        self.spectrum_plot.getAxis("left").enableAutoSIPrefix(False)
        self.harmonic_lines = [
            pg.InfiniteLine(angle=90, pen=pg.mkPen(PEAK_COLOR, width=1, style=Qt.PenStyle.DashLine),
                            label=f"{k}×", labelOpts={"position": 0.95, "color": PEAK_COLOR})
            for k in range(1, N_HARMONICS + 1)
        ]
        for line in self.harmonic_lines:
            line.hide()
            self.spectrum_plot.addItem(line, ignoreBounds=True)

    @staticmethod
    def _frequency_box() -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setDecimals(0)
        box.setSuffix(" Hz")
        box.setRange(1.0, 1e6)
        box.setKeyboardTracking(False)
        return box

    # -- what the controller reads ------------------------------------------------------------
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def source(self) -> str:
        return str(self.source_combo.currentData())

    def channel(self) -> int:
        return max(0, self.channel_combo.currentIndex())

    def band_hz(self) -> tuple[float, float]:
        return float(self.band_lo.value()), float(self.band_hi.value())

    # -- what the controller sets -------------------------------------------------------------
    def set_recording(self, names: list[str], units: list[str], fs_hz: float, ecg_lead: int | None = None) -> None:
        """A new recording: its channels, the default envelope band for its rate, and for an
        ECG (``ecg_lead``: the lead to start with) the heart rate."""
        self._units, self._fs_hz = list(units), float(fs_hz)
        for combo in (self.channel_combo, self.kind_combo):
            combo.blockSignals(True)
        self.channel_combo.clear()
        self.channel_combo.addItems(names)
        has_heart_rate = self.kind_combo.findData(HEART_RATE_KIND[1]) >= 0
        if ecg_lead is not None:
            self.channel_combo.setCurrentIndex(ecg_lead)
            if not has_heart_rate:
                self.kind_combo.addItem(*HEART_RATE_KIND)
        elif has_heart_rate:
            self.kind_combo.removeItem(self.kind_combo.findData(HEART_RATE_KIND[1]))
        for combo in (self.channel_combo, self.kind_combo):
            combo.blockSignals(False)
        lo, hi = default_envelope_band(fs_hz)
        # Enough decimals for a thousandth of the rate: whole Hz at 12 kHz, µHz for a sample
        # every five minutes.
        decimals = int(np.clip(np.ceil(-np.log10(fs_hz / 1000.0)), 0, 9))
        for box, value in ((self.band_lo, lo), (self.band_hi, hi)):
            box.blockSignals(True)
            box.setDecimals(decimals)
            box.setRange(10.0**-decimals, fs_hz / 2.0)
            box.setValue(value)
            box.blockSignals(False)
        self.harmonic_box.setDecimals(decimals + 2)  # its multiples must stay on their peaks
        self.harmonic_box.setMaximum(fs_hz / 2.0)
        self.clear("")
        self._on_choice_changed()

    def clear(self, message: str) -> None:
        for curve in (self.selection_curve, self.normal_curve, self.peak_points):
            curve.setData([], [])
        self.trends.clear_data()  # not clear(): the layout widget's clear removes its plots
        self.heart_rate.clear_data()
        self.legend.setText("")
        self.readout.setText("")
        self.status.setText(message)

    def show_message(self, message: str) -> None:
        self.status.setText(message)

    def show_spectra(self, comparison, what: str, recording_fs_hz: float) -> None:
        """Draw a ``analysis.SpectrumComparison``; ``what`` names the selection ("visible",
        "segment"), which is labelled with the times it covers (the middle of a long view)."""
        request = comparison.request
        title = f"{what} {request.i0 / recording_fs_hz:.3f}–{request.i1 / recording_fs_hz:.3f} s"
        unit = self._units[comparison.request.channel] if self._units else ""
        self._spectrum_unit = unit
        sel = comparison.selection
        skip = 1  # the DC bin: the mean is removed, and it has no place on a log axis
        self.selection_curve.setData(sel.freqs_hz[skip:], sel.amplitude[skip:, 0])
        normal = comparison.normal
        if normal is not None:
            self.normal_curve.setData(normal.freqs_hz[skip:], normal.amplitude[skip:, 0])
        else:
            self.normal_curve.setData([], [])
        entries = [(SELECTION_COLOR, title)]
        if normal is not None:
            entries.append((NORMAL_COLOR, f"normal: {comparison.normal_source}"))
        self.legend.setText("&nbsp;&nbsp;".join(
            f'<span style="color:{color}">&#9632;</span>&nbsp;{html.escape(text)}' for color, text in entries))
        if comparison.peaks:
            f, a = np.array(comparison.peaks).T
            self.peak_points.setData(f, a)
        else:
            self.peak_points.setData([], [])
        what = "Envelope, RMS" if comparison.request.kind == "envelope" else "RMS per bin"
        self.spectrum_plot.setLabel("left", with_unit(what, unit))
        self._apply_log_scale(self.log_check.isChecked())
        self.spectrum_plot.enableAutoRange()
        # The normal spectrum may reach higher (a reference at a higher rate); an envelope
        # spectrum is read at low frequencies: defect frequencies and their first harmonics.
        top = float(sel.freqs_hz[-1])
        if comparison.request.kind == "envelope" and comparison.request.band_hz is not None:
            top = min(top, comparison.request.band_hz[0] / 2.0)
        self.spectrum_plot.setXRange(0.0, top, padding=0.01)
        resolution = sel.freqs_hz[1] - sel.freqs_hz[0] if len(sel.freqs_hz) > 1 else float("nan")
        peaks = ", ".join(f"{f:.4g} Hz ({a:.3g})" for f, a in comparison.peaks[:4])
        lines = [f"Resolution {resolution:.3g} Hz, {sel.n_averages} average(s). Peaks: {peaks or 'none'}."]
        if normal is None:
            lines.append(f"No normal spectrum: {comparison.normal_source}.")
        self.status.setText(" ".join(lines))

    def show_spectrogram(self, result, what: str, recording_fs_hz: float) -> None:
        """Draw an ``analysis.Spectrogram``; ``what`` names the selection."""
        self.status.setText(self.spectrogram.draw(result, recording_fs_hz))
        request = result.request
        self.readout.setText("")
        self.legend.setText(html.escape(
            f"{what} {request.i0 / recording_fs_hz:.3f}–{request.i1 / recording_fs_hz:.3f} s"))

    def show_trends(self, result, visible_s: tuple[float, float] | None) -> None:
        """Draw a ``dsp.spectra.Trends`` of the chosen channel."""
        unit = self._units[self.channel()] if self._units else ""
        self.status.setText(self.trends.draw(result, unit, self._fs_hz or 1.0))
        if visible_s is not None:
            self.set_visible_range(*visible_s)

    def show_heart_rate(self, result, visible_s: tuple[float, float] | None) -> None:
        """Draw an ``analysis.HeartRate``: the rate at each beat."""
        self.status.setText(self.heart_rate.draw(result))
        if visible_s is not None:
            self.set_visible_range(*visible_s)

    def set_visible_range(self, t0_s: float, t1_s: float) -> None:
        for page in (self.trends, self.heart_rate):
            page.set_visible_range(t0_s, t1_s)

    # -- events --------------------------------------------------------------------------------
    def _on_choice_changed(self, *_args) -> None:
        kind = self.kind()
        whole = kind in WHOLE_RECORDING_KINDS
        pages = {"trends": self.trends, "heart_rate": self.heart_rate, "spectrogram": self.spectrogram}
        self.stack.setCurrentWidget(pages.get(kind, self.spectrum_plot))
        for widget in (self.source_label, self.source_combo, self.readout, self.legend):
            widget.setVisible(not whole)
        for widget in (self.log_check, self.harmonic_label, self.harmonic_box):
            widget.setVisible(kind in ("spectrum", "envelope"))
        for widget in (self.band_label, self.band_widget):
            widget.setVisible(kind == "envelope")
        self.request_changed.emit()

    def _show_harmonics(self, base_hz: float) -> None:
        for k, line in enumerate(self.harmonic_lines, start=1):
            line.setValue(k * base_hz)
            line.setVisible(base_hz > 0)

    def _on_spectrum_clicked(self, event) -> None:
        """A double-click marks the harmonics of the largest amplitude within a few pixels."""
        box = self.spectrum_plot.plotItem.vb
        if not event.double() or not box.sceneBoundingRect().contains(event.scenePos()):
            return
        x, y = self.selection_curve.xData, self.selection_curve.yData
        if x is None or not len(x):
            return
        f = box.mapSceneToView(event.scenePos()).x()
        reach = 4 * box.viewPixelSize()[0]
        near = np.flatnonzero(np.abs(x - f) <= reach)
        pick = near[np.argmax(y[near])] if near.size else int(np.argmin(np.abs(x - f)))
        self.harmonic_box.setValue(float(x[pick]))

    def _apply_log_scale(self, on: bool) -> None:
        self.spectrum_plot.setLogMode(x=False, y=bool(on))

    def _on_spectrum_hover(self, position) -> None:
        box = self.spectrum_plot.plotItem.vb
        if not box.sceneBoundingRect().contains(position):
            return
        point = box.mapSceneToView(position)
        x, y = self.selection_curve.xData, self.selection_curve.yData  # not getData(): log10 on a log axis
        if x is None or not len(x):
            return
        i = int(np.clip(np.searchsorted(x, point.x()), 0, len(x) - 1))
        unit = f" {self._spectrum_unit}" if self._spectrum_unit else ""
        self.readout.setText(f"{x[i]:.4g} Hz: {y[i]:.4g}{unit}")

    def _on_spectrogram_hover(self, position) -> None:
        text = self.spectrogram.value_at(position)
        if text is not None:
            self.readout.setText(text)
