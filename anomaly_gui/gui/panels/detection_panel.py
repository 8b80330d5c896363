"""Detection settings, the Detect/Cancel buttons, progress and the live loss curve."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...detect.config import DetectionConfig
from ...recording import Recording
from .loss_plot import LossPlot

MODELS = (
    ("Autoencoder", "ae"),
    ("Variational autoencoder (VAE)", "vae"),
    ("Baseline: rolling z-score", "zscore"),
    ("Baseline: rolling IQR rule", "iqr"),
    ("Baseline: Isolation Forest", "iforest"),
    ("Baseline: one-class SVM", "ocsvm"),
    ("Baseline: autoregressive predictor", "glm"),
    ("Baseline: matrix-profile discord", "discord"),
)
WINDOWINGS = (("Automatic", "auto"), ("Heartbeats (ECG)", "beats"), ("Sliding", "sliding"))
TRAINING_KINDS = (
    ("Whole recording", "whole"),
    ("Selected time range", "range"),
    ("Reference recording…", "reference"),
    ("Saved model (no training)…", "saved"),
    ("Bundled ECG reference model", "ecg_reference"),
)
PRETRAINED = ("saved", "ecg_reference")
"""Training kinds that score with a model file instead of training one."""
THRESHOLD_MODES = (("Automatic", "auto"), ("Percentile", "percentile"), ("Value", "value"))
DEFAULT_PERCENTILE = 99.5
DEFAULT_VALUE = 1.0


def progress_text(fraction: float, message: str) -> str:
    """The progress bar text: "Epoch k/N · loss x" while training, else the core's message."""
    text = message.replace(", loss", " · loss") if message else f"{fraction:.0%}"
    return text.replace("%", "%%")  # a literal % in a QProgressBar format is written %%


class DetectionPanel(QWidget):
    """The settings of a detection run and its progress.

    Signals
    -------
    detect_requested()
    cancel_requested()
    reference_requested()
        The user wants to pick a reference recording.
    training_kind_changed(str)
        "whole", "range" or "reference".
    """

    detect_requested = Signal()
    cancel_requested = Signal()
    track_requested = Signal()
    reference_requested = Signal()
    model_file_requested = Signal()
    training_kind_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stored = {"percentile": DEFAULT_PERCENTILE, "value": DEFAULT_VALUE}
        self._threshold_mode = "auto"
        self._loaded = False
        self._running = False
        self._build()
        self.set_running(False)
        self.set_recording_loaded(False)

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        self.model_combo = QComboBox()
        for label, key in MODELS:
            self.model_combo.addItem(label, key)
        self.model_combo.setCurrentIndex(self.model_combo.findData(DetectionConfig().model))
        self.windowing_combo = QComboBox()
        for label, key in WINDOWINGS:
            self.windowing_combo.addItem(label, key)
        self.windowing_combo.setToolTip(
            "Heartbeats: one window per detected beat, scored by shape and rhythm (ECG).\n"
            "Sliding: fixed windows along the signal (vibration, other sensors).\n"
            "Automatic: heartbeats for ECG recordings, sliding otherwise."
        )
        self.training_combo = QComboBox()
        for label, key in TRAINING_KINDS:
            self.training_combo.addItem(label, key)
        self.training_combo.currentIndexChanged.connect(self._on_training_kind)
        self.range_label = QLabel()
        self.range_label.setWordWrap(True)
        self.reference_button = QPushButton("Choose reference…")
        self.reference_button.clicked.connect(self.reference_requested)
        self.reference_label = QLabel("No reference chosen")
        self.reference_label.setWordWrap(True)
        self.model_button = QPushButton("Choose model file…")
        self.model_button.clicked.connect(self.model_file_requested)
        self.model_file_label = QLabel("No model chosen")
        self.model_file_label.setWordWrap(True)
        self.model_file: str | None = None
        self.training_combo.setItemData(
            self.training_combo.findData("ecg_reference"),
            "Normal beats of MIT-BIH (lead MLII), adapted to this recording's own beats; scores one lead",
            Qt.ItemDataRole.ToolTipRole,
        )
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 1000)
        self.epochs_spin.setValue(DetectionConfig().epochs)
        self.threshold_combo = QComboBox()
        for label, key in THRESHOLD_MODES:
            self.threshold_combo.addItem(label, key)
        self.threshold_combo.currentIndexChanged.connect(self._on_threshold_mode)
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setDecimals(4)
        self.threshold_spin.setEnabled(False)
        self.threshold_spin.setVisible(False)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setValue(DetectionConfig().seed)

        settings = QGroupBox("Model and training")
        form = QFormLayout(settings)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Model:", self.model_combo)
        form.addRow("Windows:", self.windowing_combo)
        form.addRow("Training data:", self.training_combo)
        form.addRow("", self.range_label)
        form.addRow("", self.reference_button)
        form.addRow("", self.reference_label)
        form.addRow("", self.model_button)
        form.addRow("", self.model_file_label)
        form.addRow("Epochs:", self.epochs_spin)
        threshold_row = QHBoxLayout()
        threshold_row.addWidget(self.threshold_combo, 1)
        threshold_row.addWidget(self.threshold_spin, 1)
        form.addRow("Threshold:", threshold_row)
        form.addRow("Seed:", self.seed_spin)
        self._form = form

        self.detect_button = QPushButton("Detect")
        self.detect_button.setDefault(True)
        self.detect_button.setToolTip("Train on the chosen data, score every sample, flag segments")
        self.detect_button.clicked.connect(self.detect_requested)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.track_button = QPushButton("Add as score track")
        self.track_button.setToolTip(
            "Run the chosen model too and show its scores as another track above the anomaly score, "
            "where detectors that agree are shaded; the segments under review stay as they are")
        self.track_button.clicked.connect(self.track_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.detect_button, 2)
        buttons.addWidget(self.cancel_button, 1)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("Idle")
        self.progress_bar.setValue(0)
        self.loss_plot = LossPlot()
        self.loss_plot.setMinimumHeight(110)
        self.loss_plot.setMaximumHeight(160)
        self.message_label = QLabel()
        self.message_label.setObjectName("detection_messages")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(settings)
        layout.addLayout(buttons)
        layout.addWidget(self.track_button)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.loss_plot)
        layout.addWidget(self.message_label)
        layout.addStretch(1)
        self._on_training_kind()

    # -- reading the settings ---------------------------------------------------------------
    def training_kind(self) -> str:
        return str(self.training_combo.currentData())

    def set_training_kind(self, kind: str) -> None:
        self.training_combo.setCurrentIndex(self.training_combo.findData(kind))

    def threshold_setting(self) -> str:
        """The threshold as ``DetectionConfig`` wants it: "auto", "pNN" or a number."""
        mode = self.threshold_combo.currentData()
        if mode == "percentile":
            return f"p{self.threshold_spin.value():g}"
        if mode == "value":
            return f"{self.threshold_spin.value():g}"
        return "auto"

    def config(self) -> DetectionConfig:
        """A ``DetectionConfig`` from the widgets (defaults for everything not shown)."""
        return DetectionConfig(
            model=str(self.model_combo.currentData()),
            windowing=str(self.windowing_combo.currentData()),
            epochs=int(self.epochs_spin.value()),
            seed=int(self.seed_spin.value()),
            threshold=self.threshold_setting(),
        )

    # -- reacting ---------------------------------------------------------------------------
    def _on_training_kind(self, *_args) -> None:
        kind = self.training_kind()
        self._form.setRowVisible(self.range_label, kind == "range")
        self._form.setRowVisible(self.reference_button, kind == "reference")
        self._form.setRowVisible(self.reference_label, kind == "reference")
        self._form.setRowVisible(self.model_button, kind == "saved")
        self._form.setRowVisible(self.model_file_label, kind == "saved")
        self._enable_model_settings()
        self.training_kind_changed.emit(kind)

    def _enable_model_settings(self) -> None:
        # A model file decides the model, windows, epochs and seed: locked for pretrained kinds.
        editable = not self._running and self.training_kind() not in PRETRAINED
        for widget in (self.model_combo, self.windowing_combo, self.epochs_spin, self.seed_spin):
            widget.setEnabled(editable)

    def _on_threshold_mode(self, *_args) -> None:
        if self._threshold_mode in self._stored:
            self._stored[self._threshold_mode] = self.threshold_spin.value()
        mode = str(self.threshold_combo.currentData())
        self._threshold_mode = mode
        self.threshold_spin.setEnabled(mode != "auto")
        self.threshold_spin.setVisible(mode != "auto")
        if mode == "percentile":
            self.threshold_spin.setDecimals(2)
            self.threshold_spin.setRange(50.0, 99.99)
            self.threshold_spin.setSuffix(" %")
            self.threshold_spin.setSingleStep(0.1)
        elif mode == "value":
            self.threshold_spin.setDecimals(4)
            self.threshold_spin.setRange(0.0, 1e9)
            self.threshold_spin.setSuffix("")
            self.threshold_spin.setSingleStep(0.1)
        if mode in self._stored:
            self.threshold_spin.setValue(self._stored[mode])

    def set_threshold_mode(self, mode: str, value: float | None = None) -> None:
        self.threshold_combo.setCurrentIndex(self.threshold_combo.findData(mode))
        if value is not None:
            self.threshold_spin.setValue(value)

    def set_training_range(self, t0_s: float, t1_s: float) -> None:
        self.range_label.setText(
            f"{t0_s:.2f} – {t1_s:.2f} s ({t1_s - t0_s:.2f} s). Drag the blue band on the top plot."
        )

    def set_reference(self, recording: Recording | None) -> None:
        if recording is None:
            self.reference_label.setText("No reference chosen")
        else:
            self.reference_label.setText(
                f"{recording.display_name} · {recording.n_channels} ch · {recording.fs_hz:g} Hz · "
                f"{recording.duration_s:.1f} s"
            )

    def set_model_file(self, path: str | None) -> None:
        """The model file that "Saved model" scores with."""
        self.model_file = path
        self.model_file_label.setText(Path(path).name if path else "No model chosen")
        self.model_file_label.setToolTip(path or "")

    def model_label(self) -> str:
        """The chosen model as the window names it (e.g. "Isolation Forest")."""
        kind = self.training_kind()
        if kind == "ecg_reference":
            return "ECG reference model"
        if kind == "saved" and self.model_file:
            return Path(self.model_file).stem
        return self.model_combo.currentText()

    def set_recording_loaded(self, loaded: bool) -> None:
        self._loaded = loaded
        self.detect_button.setEnabled(loaded and not self._running)
        self.track_button.setEnabled(loaded and not self._running)

    def set_running(self, running: bool) -> None:
        self._running = running
        self.detect_button.setEnabled(not running and self._loaded)
        self.track_button.setEnabled(not running and self._loaded)
        self.cancel_button.setEnabled(running)
        for widget in (self.training_combo, self.reference_button, self.model_button, self.threshold_combo):
            widget.setEnabled(not running)
        self._enable_model_settings()
        self.threshold_spin.setEnabled(not running and self.threshold_combo.currentData() != "auto")

    def start_progress(self) -> None:
        self.loss_plot.reset()
        self.message_label.clear()
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat("Starting…")

    def show_progress(self, fraction: float, message: str) -> None:
        self.progress_bar.setValue(int(round(fraction * 1000)))
        self.progress_bar.setFormat(progress_text(fraction, message))

    def show_epoch(self, stats) -> None:
        self.loss_plot.add_epoch(stats)

    def finish_progress(self, text: str) -> None:
        self.progress_bar.setFormat(text.replace("%", "%%"))

    def show_messages(self, lines: list[str]) -> None:
        self.message_label.setText("\n".join(lines))
