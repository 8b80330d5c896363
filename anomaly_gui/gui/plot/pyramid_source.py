"""A signal and its min–max pyramid, built on the GUI thread when small, in a worker when big.

Until a big signal's pyramid is ready, ``envelopes`` still answers: exactly for short ranges,
with a strided preview for long ones (``dsp.decimate.envelopes``), so the first screen never
waits for a pass over the whole file. A signal shown through a transformation (a display
filter) is transformed in the worker too; the untransformed signal is shown until then.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ...dsp.decimate import MinMaxPyramid, build_pyramid, envelopes, range_extremes
from ...tasks import TaskContext, sub
from .. import notifications
from ..workers import TaskRunner

BACKGROUND_VALUES = 5_000_000
"""Signals with more values than this (samples × channels) get their pyramid in a worker."""


Transform = Callable[[np.ndarray, TaskContext], np.ndarray]
"""``f(data, ctx) -> shown``: what is drawn instead of ``data`` (same shape), run in a worker."""


class PyramidSource(QObject):
    """Holds ``data`` (``(n,)`` or ``(n, ch)``, by reference) and, once built, its pyramid.

    ``data`` is what is drawn: the signal given to ``set_data``, or once ready what its
    ``transform`` made of it; ``source`` is always the signal given.

    Signals
    -------
    pyramid_ready()
        The pyramid of the current data exists (emitted for small data too, synchronously).
    progress(float, str)
        Progress of a background build.
    """

    pyramid_ready = Signal()
    progress = Signal(float, str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data: np.ndarray | None = None
        self.source: np.ndarray | None = None
        self.transforming = False
        self.pyramid: MinMaxPyramid | None = None
        self.runner = TaskRunner(f"{name}_pyramid", self)
        self.runner.finished.connect(self._on_built)
        self.runner.failed.connect(self._on_failed)
        self.runner.progress.connect(self.progress)

    @property
    def is_building(self) -> bool:
        return self.runner.is_running

    @property
    def n_samples(self) -> int:
        return 0 if self.data is None else int(self.data.shape[0])

    def set_data(self, data: np.ndarray | None, transform: Transform | None = None) -> None:
        """Show ``data``, or what ``transform`` makes of it once a worker has run it; the pyramid
        is built now (small data, no transform) or in the background."""
        self.runner.cancel()
        self.data, self.source, self.pyramid = data, data, None
        self.transforming = transform is not None and data is not None and len(data) > 0
        if data is None or len(data) == 0:
            return
        if transform is None and data.size <= BACKGROUND_VALUES:
            self.pyramid = build_pyramid(data)
            self.pyramid_ready.emit()
        else:
            # The worker gets the array itself, never this object: it must not touch Qt state.
            self.runner.start(lambda ctx, data=data: _prepare(data, transform, ctx))

    def envelopes(self, i0: int, i1: int, n_pixels: int, channels: list[int] | None = None):
        """``dsp.decimate.envelopes`` of the current data: ``(x_index, y)``."""
        if self.data is None:
            return np.zeros(0), np.zeros((len(channels or [0]), 0), np.float32)
        return envelopes(self.pyramid, self.data, i0, i1, n_pixels, channels)

    def extremes(self, i0: int, i1: int) -> tuple[np.ndarray, np.ndarray]:
        """Per-channel (min, max) of ``[i0, i1)`` (exact; reads raw data if no pyramid yet)."""
        return range_extremes(self.pyramid, self.data, i0, i1)

    def shutdown(self, timeout_ms: int = 2000) -> None:
        self.runner.shutdown(timeout_ms)

    def _on_built(self, result) -> None:
        source, shown, pyramid = result
        if source is self.source:  # a late result for data we no longer show is dropped
            self.data, self.pyramid, self.transforming = shown, pyramid, False
            self.pyramid_ready.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.transforming = False
        parent = self.parent()
        notifications.report_error(exc, parent if isinstance(parent, QWidget) else None,
                                   "Could not prepare the signal for display (filter or overview)")


def _prepare(data: np.ndarray, transform: Transform | None, ctx: TaskContext):
    """(the given data, what is shown, its pyramid): the worker's whole job."""
    shown = data if transform is None else transform(data, sub(ctx, 0.0, 0.7))
    return data, shown, build_pyramid(shown, ctx=sub(ctx, 0.7 if transform else 0.0, 1.0))
