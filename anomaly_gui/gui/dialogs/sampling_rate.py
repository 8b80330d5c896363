"""Ask for the sampling rate of a file that does not state one."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget


def ask_sampling_rate(parent: QWidget | None, file_name: str, default_hz: float = 1000.0) -> float | None:
    """The rate in Hz the user typed, or None when they cancelled."""
    value, ok = QInputDialog.getDouble(
        parent,
        "Sampling rate",
        f"'{file_name}' does not state its sampling rate.\nSampling rate (Hz):",
        default_hz,
        0.001,
        10_000_000.0,
        3,
    )
    return float(value) if ok and value > 0 else None
