"""Model files in the window: save the model of the last detection, choose one to score with."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from . import file_dialogs, notifications, settings
from .document import Document
from .panels.detection_panel import DetectionPanel

MODEL_FILTER = "Anomaly GUI model (*.pt)"


class ModelActions:
    """Detection ▸ Open model… / Save model…: a model trained here (e.g. on a healthy run or on
    recordings a clinician trusts) is saved to score later recordings without training again."""

    def __init__(self, parent: QWidget, document: Document, panel: DetectionPanel, menu: QMenu) -> None:
        self._parent, self._document, self._panel = parent, document, panel
        menu.addSeparator()
        self.open_action = menu.addAction("&Open model…", self.choose_model)
        self.open_action.setToolTip("Score with a saved model instead of training")
        self.save_action = menu.addAction("&Save model…", self.save_model)
        self.save_action.setToolTip("Save the model of the last detection to score other recordings with")
        menu.addSeparator()
        panel.model_file_requested.connect(self.choose_model)
        document.result_changed.connect(lambda _result: self._update())
        self._update()

    def _saveable(self):
        """The last detection's model when it has a file form (the autoencoders, not the baselines)."""
        from ..detect.autoencoder import AutoencoderDetector
        from ..detect.beats import BeatAutoencoderDetector

        detector = getattr(self._document.result, "detector", None)
        return detector if isinstance(detector, (AutoencoderDetector, BeatAutoencoderDetector)) else None

    def _update(self) -> None:
        self.save_action.setEnabled(self._saveable() is not None)

    def choose_model(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self._parent, "Open model", settings.last_directory(), f"{MODEL_FILTER};;All files (*)")
        if not path:
            return
        settings.remember_directory(path)
        self._panel.set_model_file(path)
        self._panel.set_training_kind("saved")

    def save_model(self) -> None:
        from ..errors import AnomalyGuiError
        from ..model.persistence import save_detector

        detector = self._saveable()
        if detector is None:
            notifications.show_status(self._parent, "No model to save: the baselines keep no model file; "
                                      "run the autoencoder or VAE first.")
            return
        rec = self._document.recording
        default = f"{Path(rec.display_name).stem if rec is not None else 'model'}_model.pt"
        path = file_dialogs.save_path(self._parent, "Save model", default, MODEL_FILTER)
        if path is None:
            return
        try:
            save_detector(path, detector)
        except (OSError, AnomalyGuiError) as exc:
            notifications.report_error(exc, self._parent, "Cannot save the model")
            return
        notifications.show_status(self._parent, f"Model saved: {path}", 10000)
