"""The row under the segment table: retraining with the review, its progress and outcome."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from .detection_panel import progress_text


class ReviewBar(QWidget):
    """"Retrain with my review" with a progress bar and Cancel while it runs.

    Signals
    -------
    retrain_requested()
    cancel_requested()
    """

    retrain_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.retrain_button = QPushButton("Retrain with my review")
        self.retrain_button.setToolTip("Train the detector again, leaving out the segments you accepted and "
                                       "learning the ones you rejected as normal; keeps your review (undoable)")
        self.retrain_button.clicked.connect(self.retrain_requested)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setMaximumWidth(260)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.message = QLabel()
        self.message.setObjectName("review_message")
        self.message.setStyleSheet("color: #404a5a;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.retrain_button)
        self._loaded = False
        self._running = False
        self.set_running(False)

    def set_running(self, running: bool) -> None:
        self._running = running
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.retrain_button.setEnabled(not running and self._loaded)
        if running:
            self.progress.setValue(0)
            self.progress.setFormat("Starting…")
            self.message.clear()

    def set_session_loaded(self, loaded: bool) -> None:
        self._loaded = loaded
        self.retrain_button.setEnabled(loaded and not self._running)

    def show_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(int(round(fraction * 1000)))
        self.progress.setFormat(progress_text(fraction, message))

    def show_message(self, text: str) -> None:
        self.message.setText(text)
