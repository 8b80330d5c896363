"""File annotations (e.g. WFDB beat labels) as markers on a channel plot.

Normal beats ('N') are small grey dots (hidden in views wider than ``NORMAL_MARKER_SPAN_S``)
and every other label a larger coloured marker, each group one ``ScatterPlotItem`` (fast for
thousands). Label text is shown only for non-normal
annotations and only when fewer than ``LABEL_SPAN_S`` seconds are visible, from a small pool
of ``TextItem``s reused as the view moves. The text is ``annotation_text``: rhythm changes,
signal-quality changes and comments read as their note ("(VT", "noise").
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ...recording import Annotations
from ...session.compare import annotation_text

NORMAL_LABEL = "N"
LABEL_SPAN_S = 20.0
NORMAL_MARKER_SPAN_S = 120.0
"""Wider views hide the normal-beat dots: thousands of them are noise, not information."""
MAX_LABELS = 300
NORMAL_BRUSH = pg.mkBrush(110, 110, 110, 160)
OTHER_BRUSH = pg.mkBrush(214, 39, 40, 230)
LABEL_COLOR = (170, 20, 20)


class AnnotationMarkers:
    """Markers for ``annotations`` placed on ``values`` (the plotted channel) in ``plot``."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self._plot = plot
        self._normal = pg.ScatterPlotItem(size=5, pen=None, brush=NORMAL_BRUSH, symbol="o")
        self._other = pg.ScatterPlotItem(
            size=9, pen=pg.mkPen(120, 0, 0), brush=OTHER_BRUSH, symbol="t"
        )
        for item in (self._normal, self._other):
            item.setZValue(5)
            plot.addItem(item, ignoreBounds=True)
        self._other_t = np.zeros(0)
        self._other_y = np.zeros(0)
        self._other_labels: list[str] = []
        self._texts: list[pg.TextItem] = []

    def set_annotations(self, annotations: Annotations, values: np.ndarray, fs_hz: float) -> None:
        """Place one marker per annotation at ``values[onset]`` (values: the plotted channel)."""
        onsets = np.asarray(annotations.onset_samples, dtype=np.int64)
        keep = (onsets >= 0) & (onsets < len(values))
        labels = np.asarray(annotations.labels, dtype=object)[keep]
        notes = np.asarray(annotations.notes or ("",) * len(keep), dtype=object)[keep]
        onsets = onsets[keep]
        order = np.argsort(onsets, kind="stable")  # label lookup by time needs sorted onsets
        onsets, labels, notes = onsets[order], labels[order], notes[order]
        t = onsets / fs_hz
        y = np.asarray(values[onsets], dtype=np.float64) if len(onsets) else np.zeros(0)
        normal = labels == NORMAL_LABEL
        self._normal.setData(t[normal], y[normal])
        self._other.setData(t[~normal], y[~normal])
        self._other_t, self._other_y = t[~normal], y[~normal]
        self._other_labels = [annotation_text(str(s), str(n)) for s, n in zip(labels[~normal], notes[~normal])]
        self._hide_texts()

    def clear(self) -> None:
        self._normal.clear()
        self._other.clear()
        self._other_t = self._other_y = np.zeros(0)
        self._other_labels = []
        self._hide_texts()

    @property
    def count(self) -> int:
        return len(self._normal.data) + len(self._other.data)

    @property
    def visible_label_count(self) -> int:
        return len(self.visible_labels)

    @property
    def visible_labels(self) -> list[str]:
        return [item.textItem.toPlainText() for item in self._texts if item.isVisible()]

    def update_for_view(self, t0_s: float, t1_s: float) -> None:
        """Show normal dots and the text of non-normal annotations only when zoomed in enough."""
        self._normal.setVisible(t1_s - t0_s <= NORMAL_MARKER_SPAN_S)
        if t1_s - t0_s > LABEL_SPAN_S or len(self._other_t) == 0:
            self._hide_texts()
            return
        i0 = int(np.searchsorted(self._other_t, t0_s, side="left"))
        i1 = min(int(np.searchsorted(self._other_t, t1_s, side="right")), i0 + MAX_LABELS)
        while len(self._texts) < i1 - i0:
            item = pg.TextItem(color=LABEL_COLOR, anchor=(0.5, 1.3))
            item.setZValue(6)
            self._plot.addItem(item, ignoreBounds=True)
            self._texts.append(item)
        for k, item in enumerate(self._texts):
            i = i0 + k
            if i < i1:
                item.setText(self._other_labels[i])
                item.setPos(float(self._other_t[i]), float(self._other_y[i]))
                item.setVisible(True)
            else:
                item.setVisible(False)

    def _hide_texts(self) -> None:
        for item in self._texts:
            item.setVisible(False)
