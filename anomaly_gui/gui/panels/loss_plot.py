"""A small live plot of training and validation loss, one point per epoch."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

TRAIN_PEN = pg.mkPen(31, 119, 180, width=2)
VAL_PEN = pg.mkPen(255, 127, 14, width=2)


class LossPlot(pg.PlotWidget):
    """Training (blue) and validation (orange) loss per epoch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=True, y=True, alpha=0.2)
        item.setLabel("bottom", "Epoch")
        item.setLabel("left", "Loss")
        for name in ("left", "bottom"):
            item.getAxis(name).setTextPen(pg.mkPen(60, 60, 60))
            item.getAxis(name).setPen(pg.mkPen(60, 60, 60))
        legend = item.addLegend(offset=(-6, 6), labelTextColor=(60, 60, 60), labelTextSize="8pt")
        legend.setBrush(pg.mkBrush(255, 255, 255, 200))
        self.train_curve = item.plot(pen=TRAIN_PEN, symbol="o", symbolSize=4,
                                     symbolBrush=TRAIN_PEN.color(), name="train")
        self.val_curve = item.plot(pen=VAL_PEN, symbol="o", symbolSize=4,
                                   symbolBrush=VAL_PEN.color(), name="validation")
        self.reset()

    def reset(self) -> None:
        self.epochs: list[int] = []
        self.train_losses: list[float] = []
        self.val_losses: list[float] = []
        self.train_curve.setData([], [])
        self.val_curve.setData([], [])

    def add_epoch(self, stats) -> None:
        """Append one ``EpochStats``."""
        self.epochs.append(int(stats.epoch))
        self.train_losses.append(max(float(stats.train_loss), 1e-12))
        self.val_losses.append(max(float(stats.val_loss), 1e-12))
        self.train_curve.setData(self.epochs, self.train_losses)
        self.val_curve.setData(self.epochs, self.val_losses)
        item = self.getPlotItem()
        item.setXRange(0.5, max(stats.n_epochs, 2) + 0.5, padding=0)
        if stats.n_epochs <= 20:
            item.getAxis("bottom").setTickSpacing(1, 1)  # whole epochs only
        else:
            item.getAxis("bottom").setTickSpacing()
