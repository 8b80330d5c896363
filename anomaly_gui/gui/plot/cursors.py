"""Two measurement cursors (A and B): vertical lines through every plot, dragged together.

The readout text is built by ``readout_text`` / ``amplitude_text`` from plain numbers; the
view supplies the sample values under the cursors.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Signal

from ...dsp.timefmt import format_interval, rate_from_interval

CURSOR_PENS = (pg.mkPen(0, 140, 70, width=1.5), pg.mkPen(140, 60, 170, width=1.5))
CURSOR_HOVER_PENS = (pg.mkPen(0, 170, 90, width=3), pg.mkPen(170, 80, 200, width=3))
CURSOR_NAMES = ("A", "B")
READOUT_COLOR = (40, 40, 40)


def readout_text(delta_t_s: float, heart_rate: bool) -> str:
    """``Δt 812 ms · 1/Δt 1.23 Hz (73.9 bpm)``."""
    text = f"Δt {format_interval(delta_t_s)}"
    rate = rate_from_interval(delta_t_s)
    if rate is not None:
        hz, bpm = rate
        text += f" · 1/Δt {hz:.4g} Hz"
        if heart_rate:
            text += f" ({bpm:.1f} bpm)"
    return text


def amplitude_text(value_a: float, value_b: float, unit: str) -> str:
    """``A 0.512 · B −0.31 · ΔA→B −0.822 mV`` (NaN shows as '–')."""
    def fmt(v: float) -> str:
        return "–" if not np.isfinite(v) else f"{v:.4g}"

    suffix = f" {unit}" if unit else ""
    return f"A {fmt(value_a)} · B {fmt(value_b)} · Δ {fmt(value_b - value_a)}{suffix}"


class MeasurementCursors(QObject):
    """Cursor lines A and B on each plot given to ``attach``; moving one moves its copies.

    Signals
    -------
    moved()
        A cursor was moved (by dragging or ``set_positions``).
    """

    moved = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._positions = [0.0, 1.0]
        self._pairs: list[tuple[pg.PlotItem, list[pg.InfiniteLine]]] = []
        self._plots: list[pg.PlotItem] = []
        self._labelled: pg.PlotItem | None = None
        self._readouts: dict[pg.PlotItem, pg.TextItem] = {}
        self._active = False
        self._syncing = False

    @property
    def active(self) -> bool:
        return self._active

    @property
    def positions(self) -> tuple[float, float]:
        return self._positions[0], self._positions[1]

    @property
    def delta_t_s(self) -> float:
        return self._positions[1] - self._positions[0]

    def attach(self, plots: list[pg.PlotItem], labelled: pg.PlotItem | None = None) -> None:
        """Draw the cursors on these plots (``labelled`` also names them A and B).

        Lines exist only while the cursors are active: hidden items still follow every pan
        of their plot, which costs time on each frame.
        """
        self._plots, self._labelled = list(plots), labelled
        self._build_lines()

    def _build_lines(self) -> None:
        for plot, lines in self._pairs:
            for line in lines:
                plot.removeItem(line)
        self._pairs = []
        if not self._active:
            return
        for plot in self._plots:
            lines = []
            for k in range(2):
                line = pg.InfiniteLine(self._positions[k], angle=90, movable=True,
                                       pen=CURSOR_PENS[k], hoverPen=CURSOR_HOVER_PENS[k])
                line.setZValue(30)
                if plot is self._labelled:
                    # Low on the line: the channel readout sits in the top-left corner.
                    pg.InfLineLabel(line, CURSOR_NAMES[k], position=0.06, color=CURSOR_PENS[k].color(),
                                    fill=pg.mkBrush(255, 255, 255, 230), anchors=[(0.5, 1), (0.5, 1)])
                line.sigPositionChanged.connect(lambda ln, k=k: self._on_line_moved(k, ln))
                plot.addItem(line, ignoreBounds=True)
                lines.append(line)
            self._pairs.append((plot, lines))

    def set_active(self, active: bool, window: tuple[float, float] | None = None) -> None:
        """Show or hide the cursors; shown ones that are off-screen move to 1/3 and 2/3 of ``window``."""
        if self._active != bool(active):
            self._active = bool(active)
            self._build_lines()
        if self._active and window is not None:
            t0, t1 = window
            a, b = self._positions
            if not (t0 <= a <= t1 and t0 <= b <= t1):
                span = t1 - t0
                self.set_positions(t0 + span / 3, t0 + 2 * span / 3)
                return
        self.moved.emit()

    def show_readouts(self, texts: dict[pg.PlotItem, str]) -> None:
        """Corner labels on these plots (the values under the cursors); any others go."""
        for plot in [p for p in self._readouts if p not in texts]:
            item = self._readouts.pop(plot)
            if item.scene() is not None:
                item.scene().removeItem(item)
        for plot, text in texts.items():
            item = self._readouts.get(plot)
            if item is None:
                item = pg.TextItem(color=READOUT_COLOR, anchor=(0, 0), fill=pg.mkBrush(255, 255, 255, 215))
                item.setParentItem(plot.getViewBox())  # in the corner, not in data coordinates
                item.setPos(6, 2)
                item.setZValue(40)
                self._readouts[plot] = item
            item.setText(text)

    def show_channel_values(self, recording, plots: dict[int, pg.PlotItem], shown: np.ndarray) -> None:
        """Corner labels with the samples of each channel ``k`` nearest to A and B, on ``plots[k]``,
        read from ``shown`` (what is drawn: the recording's samples or a filtered copy)."""
        texts = {}
        for k, plot in plots.items():
            a, b = (shown[min(max(int(round(t * recording.fs_hz)), 0), recording.n_samples - 1), k]
                    for t in self._positions)
            texts[plot] = amplitude_text(float(a), float(b), recording.channels[k].unit)
        self.show_readouts(texts)

    def interval_text(self, ecg: bool) -> str:
        """Δt between the cursors, with the heart rate of one beat every Δt for an ECG."""
        return readout_text(self.delta_t_s, ecg)

    def readout(self, plot: pg.PlotItem) -> str | None:
        """The corner label shown on ``plot``, if any."""
        item = self._readouts.get(plot)
        return None if item is None else item.textItem.toPlainText()

    def set_positions(self, a_s: float, b_s: float) -> None:
        self._positions = [float(a_s), float(b_s)]
        self._sync()
        self.moved.emit()

    def _on_line_moved(self, k: int, line: pg.InfiniteLine) -> None:
        if self._syncing:
            return
        self._positions[k] = float(line.value())
        self._sync()
        self.moved.emit()

    def _sync(self) -> None:
        self._syncing = True
        try:
            for _plot, lines in self._pairs:
                for k, line in enumerate(lines):
                    if line.value() != self._positions[k]:
                        line.setValue(self._positions[k])
        finally:
            self._syncing = False
