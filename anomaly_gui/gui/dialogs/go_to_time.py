"""Go to time (Ctrl+G): seconds, mm:ss or h:mm:ss from the start, or a clock time."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...dsp.timefmt import format_clock, format_time, parse_time

FROM_START, CLOCK = "Time from start", "Clock time"


class GoToTimeDialog(QDialog):
    """Asks for a time; ``time_s`` holds the answer (seconds from the start) after OK."""

    def __init__(
        self,
        parent: QWidget | None,
        duration_s: float,
        current_s: float = 0.0,
        start_time: _dt.datetime | None = None,
        clock: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go to time")
        self._duration_s, self._start_time = float(duration_s), start_time
        self.time_s: float | None = None
        self.mode = QComboBox()
        self.mode.addItem(FROM_START)
        if start_time is not None:
            self.mode.addItem(CLOCK)
        self.mode.setCurrentText(CLOCK if clock and start_time is not None else FROM_START)
        self.edit = QLineEdit()
        self.edit.setMinimumWidth(220)
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #666;")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Time:", self.edit)
        form.addRow("Meaning:", self.mode)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.mode.currentTextChanged.connect(lambda _text: self._show_hint(current_s))
        self._show_hint(current_s)

    def _is_clock(self) -> bool:
        return self.mode.currentText() == CLOCK

    def _show_hint(self, current_s: float) -> None:
        if self._is_clock():
            end = format_clock(self._start_time, self._duration_s)
            self.hint.setText(f"hh:mm:ss, or YYYY-MM-DD hh:mm:ss · recording "
                              f"{format_clock(self._start_time, 0)} – {end}")
            self.edit.setText(format_clock(self._start_time, current_s))
        else:
            self.hint.setText(f"Seconds (90, 250 ms, 2 min), mm:ss or h:mm:ss.f · "
                              f"length {format_time(self._duration_s, 1)}")
            self.edit.setText(format_time(current_s, 1))
        self.edit.selectAll()
        self.error.clear()

    def accept(self) -> None:
        try:
            t = parse_time(self.edit.text(), self._start_time, clock=self._is_clock())
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        if not 0.0 <= t <= self._duration_s:
            self.error.setText(f"That is outside the recording (0 to {format_time(self._duration_s, 1)}).")
            return
        self.time_s = t
        super().accept()


def ask_time(parent: QWidget | None, duration_s: float, current_s: float,
             start_time: _dt.datetime | None, clock: bool) -> float | None:
    """Show the dialog; seconds from the start, or None when cancelled."""
    dialog = GoToTimeDialog(parent, duration_s, current_s, start_time, clock)
    return dialog.time_s if dialog.exec() == QDialog.DialogCode.Accepted else None
