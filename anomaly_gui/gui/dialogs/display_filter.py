"""View ▸ Display filter…: high-pass, low-pass and power-line notch for what is drawn."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...dsp.filters import DisplayFilter
from ...errors import DataError

CUSTOM, OFF = "Custom", "Off"
# High-pass and low-pass corners; "Off" also turns the notch off.
PRESETS: dict[str, tuple[float | None, float | None]] = {
    OFF: (None, None),
    "ECG monitoring (0.5–40 Hz)": (0.5, 40.0),
    "ECG diagnostic (0.05–150 Hz)": (0.05, 150.0),
    "Baseline wander off (0.5 Hz high-pass)": (0.5, None),
}
NOTCHES = {"Off": None, "50 Hz": 50.0, "60 Hz": 60.0}
DEFAULT_HIGHPASS_HZ, DEFAULT_LOWPASS_HZ = 0.5, 40.0


class DisplayFilterDialog(QDialog):
    """Edits a ``DisplayFilter`` for a recording at ``fs_hz``; ``result`` holds it after OK."""

    def __init__(self, parent: QWidget | None, fs_hz: float, current: DisplayFilter) -> None:
        super().__init__(parent)
        self.setWindowTitle("Display filter")
        self._fs_hz = float(fs_hz)
        self.result_filter: DisplayFilter | None = None
        nyquist = self._fs_hz / 2.0
        self.preset = QComboBox()
        self.preset.addItems([CUSTOM, *PRESETS])
        self.highpass_on, self.highpass = QCheckBox("High-pass"), self._frequency_box(nyquist)
        self.lowpass_on, self.lowpass = QCheckBox("Low-pass"), self._frequency_box(nyquist)
        self.notch = QComboBox()
        self.notch.addItems(list(NOTCHES))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        hint = QLabel(
            f"Sampling rate {self._fs_hz:g} Hz: corners must lie below {nyquist:g} Hz. Zero-phase "
            "(run forward and backward), so waves keep their timing. Only what is drawn and the "
            "cursor values change; detection, spectra, reports and data exports use the recorded samples."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        form = QFormLayout()
        form.addRow("Preset:", self.preset)
        form.addRow(self.highpass_on, _with_unit(self.highpass))
        form.addRow(self.lowpass_on, _with_unit(self.lowpass))
        form.addRow("Notch (power line):", self.notch)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self._set_filter(current)
        self.preset.currentTextChanged.connect(self._apply_preset)
        for box in (self.highpass_on, self.lowpass_on):
            box.toggled.connect(self._edited)
        for spin in (self.highpass, self.lowpass):
            spin.valueChanged.connect(self._edited)
        self.notch.currentTextChanged.connect(lambda _text: self._edited())
        self._validate()

    @staticmethod
    def _frequency_box(nyquist: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setDecimals(3)
        spin.setRange(0.001, max(0.001, nyquist))
        spin.setSingleStep(0.5)
        spin.setMinimumWidth(110)
        return spin

    def filter(self) -> DisplayFilter:
        """The filter the controls describe now."""
        return DisplayFilter(
            highpass_hz=self.highpass.value() if self.highpass_on.isChecked() else None,
            lowpass_hz=self.lowpass.value() if self.lowpass_on.isChecked() else None,
            notch_hz=NOTCHES[self.notch.currentText()],
        )

    def _set_filter(self, flt: DisplayFilter) -> None:
        self.highpass_on.setChecked(flt.highpass_hz is not None)
        self.highpass.setValue(flt.highpass_hz if flt.highpass_hz is not None else DEFAULT_HIGHPASS_HZ)
        self.lowpass_on.setChecked(flt.lowpass_hz is not None)
        default_low = min(DEFAULT_LOWPASS_HZ, 0.4 * self._fs_hz)
        self.lowpass.setValue(flt.lowpass_hz if flt.lowpass_hz is not None else default_low)
        notch = next((k for k, v in NOTCHES.items() if v == flt.notch_hz), "Off")
        self.notch.setCurrentText(notch)
        self._show_preset()

    def _apply_preset(self, name: str) -> None:
        if name not in PRESETS:
            return
        high, low = PRESETS[name]
        for box, spin, value in ((self.highpass_on, self.highpass, high), (self.lowpass_on, self.lowpass, low)):
            box.blockSignals(True)
            spin.blockSignals(True)
            box.setChecked(value is not None)
            if value is not None:
                spin.setValue(value)
            box.blockSignals(False)
            spin.blockSignals(False)
        if name == OFF:
            self.notch.blockSignals(True)
            self.notch.setCurrentText("Off")
            self.notch.blockSignals(False)
        self._validate()

    def _edited(self) -> None:
        self._show_preset()
        self._validate()

    def _show_preset(self) -> None:
        flt = self.filter()
        name = next((k for k, v in PRESETS.items() if v == (flt.highpass_hz, flt.lowpass_hz)), CUSTOM)
        if name == OFF and flt.notch_hz is not None:
            name = CUSTOM
        self.preset.blockSignals(True)
        self.preset.setCurrentText(name)
        self.preset.blockSignals(False)

    def _validate(self) -> bool:
        self.highpass.setEnabled(self.highpass_on.isChecked())
        self.lowpass.setEnabled(self.lowpass_on.isChecked())
        try:
            self.filter().check(self._fs_hz)
        except DataError as exc:
            self.error.setText(str(exc))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return False
        self.error.clear()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        return True

    def accept(self) -> None:
        if self._validate():
            self.result_filter = self.filter()
            super().accept()


def _with_unit(spin: QDoubleSpinBox) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(spin)
    row.addWidget(QLabel("Hz"))
    row.addStretch(1)
    return box


def ask_display_filter(parent: QWidget | None, fs_hz: float, current: DisplayFilter) -> DisplayFilter | None:
    """Show the dialog; the chosen filter, or None when cancelled."""
    dialog = DisplayFilterDialog(parent, fs_hz, current)
    return dialog.result_filter if dialog.exec() == QDialog.DialogCode.Accepted else None
