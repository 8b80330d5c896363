"""Counting paints of a widget, for benchmarks that time a frame until it is on screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject


class PaintCounter(QObject):
    """An event filter that counts the paint events of the widgets it is installed on."""

    count = 0

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            PaintCounter.count += 1
        return False
