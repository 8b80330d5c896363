"""Import a file: say what it does not (array, time column, sampling rate, channels, units)
while a preview shows the first seconds as they will open.

The preview is read in a worker (``io.preview.preview_file``) a moment after each change, so
typing a rate or ticking channels never blocks the window. Open is enabled only when the
current choices read without a problem; the choices are ``read_recording`` keywords, the
same as the command line's options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...io.preview import FilePreview, preview_file
from ..workers import TaskRunner

REFRESH_DELAY_MS = 250
AUTO_TIME = "Automatic"
NO_TIME = "None: every column is data"


@dataclass(frozen=True)
class ImportChoice:
    """What the user chose: the rate (None: the file's own) and ``read_recording`` keywords."""

    fs_hz: float | None
    options: dict = field(default_factory=dict)


class ImportDialog(QDialog):
    def __init__(self, path: str | Path, parent: QWidget | None = None, fs_hz: float | None = None,
                 options: dict | None = None, problem: str = "", default_rate_hz: float = 1000.0) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(f"Import {self.path.name}")
        self.preview: FilePreview | None = None
        options = dict(options or {})
        self._initial_problem = problem
        self._channels_touched = bool(options.get("channels"))
        self._wanted_channels = list(options.get("channels") or [])
        self._default_rate_hz = default_rate_hz
        self._stated_hz: float | None = None  # the file's own rate, once a preview has shown it
        self._states_rate: bool | None = None  # whether the file states a rate (None: not known yet)
        self.runner = TaskRunner("import_preview", self)
        self.runner.finished.connect(self._show_preview)
        self.runner.failed.connect(lambda exc: self._show_problem(str(exc)))
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._build(fs_hz, options)
        self.resize(980, 640)
        self.refresh()

    # -- construction -----------------------------------------------------------------------
    def _build(self, fs_hz: float | None, options: dict) -> None:
        self.header = QLabel(f"<b>{self.path.name}</b>")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem_label = QLabel(self._initial_problem)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b00020;")

        self.dataset_combo = QComboBox()
        if options.get("dataset"):
            self.dataset_combo.addItem(str(options["dataset"]), str(options["dataset"]))
        self.time_combo = QComboBox()
        self.time_combo.addItems([AUTO_TIME, NO_TIME])
        if options.get("time_column"):
            wanted = str(options["time_column"])
            self.time_combo.addItem(NO_TIME if wanted.lower() == "none" else wanted)
            self.time_combo.setCurrentIndex(self.time_combo.count() - 1 if wanted.lower() != "none" else 1)
        self.rate_check = QCheckBox("set to")
        self.rate_spin = QDoubleSpinBox(decimals=4, minimum=0.0001, maximum=10_000_000.0, suffix=" Hz")
        self.rate_spin.setValue(fs_hz or self._default_rate_hz)
        self.rate_check.setChecked(fs_hz is not None)
        self.rate_note = QLabel("")
        self.resample_check = QCheckBox("Resample every channel to")
        self.resample_spin = QDoubleSpinBox(decimals=3, minimum=0.001, maximum=10_000_000.0, suffix=" Hz")
        self.resample_spin.setValue(float(options.get("resample_to_hz") or 1000.0))
        self.resample_check.setChecked(bool(options.get("resample_to_hz")))
        self.irregular_check = QCheckBox("Resample irregular timestamps onto a uniform grid")
        self.irregular_check.setChecked(bool(options.get("resample_irregular")))
        self.units_edit = QLineEdit(str(options.get("units") or ""))
        self.units_edit.setPlaceholderText("as in the file; or one unit (mV), or per channel: MLII=mV,V1=mV")
        self.channel_list = QListWidget()
        self.channel_list.setToolTip("Tick the channels to open")

        form = QFormLayout()
        form.addRow("Signal array:", self.dataset_combo)
        form.addRow("Time column:", self.time_combo)
        rate_row = QHBoxLayout()
        rate_row.addWidget(self.rate_check)
        rate_row.addWidget(self.rate_spin)
        rate_row.addWidget(self.rate_note, 1)
        form.addRow("Sampling rate:", rate_row)
        self.resample_row = resample_row = QHBoxLayout()
        resample_row.addWidget(self.resample_check)
        resample_row.addWidget(self.resample_spin)
        resample_row.addStretch(1)
        form.addRow("Mixed rates:", resample_row)
        form.addRow("", self.irregular_check)
        form.addRow("Units:", self.units_edit)
        self.form = form

        self.plot = pg.PlotWidget(background="w")
        self.plot.setMenuEnabled(False)
        self.plot.hideAxis("left")
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.plot.getPlotItem().setMouseEnabled(y=False)
        self.raw_text = QPlainTextEdit(readOnly=True)
        self.raw_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.raw_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.plot, "Signal")
        self.tabs.addTab(self.raw_text, "File text")
        self.summary = QLabel("Reading…")
        self.summary.setWordWrap(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addWidget(QLabel("Channels:"))
        left_layout.addWidget(self.channel_list, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([380, 600])

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Open)
        self.open_button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.problem_label)
        layout.addWidget(split, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

        for signal in (self.dataset_combo.currentIndexChanged, self.time_combo.currentIndexChanged,
                       self.rate_check.toggled, self.rate_spin.valueChanged, self.resample_check.toggled,
                       self.resample_spin.valueChanged, self.irregular_check.toggled, self.units_edit.textChanged):
            signal.connect(self._schedule)
        self.channel_list.itemChanged.connect(self._on_channel_ticked)
        self.form.setRowVisible(self.dataset_combo, self.dataset_combo.count() > 0)
        self.form.setRowVisible(self.time_combo, False)
        self.form.setRowVisible(self.resample_row, False)
        self.irregular_check.setVisible(bool(options.get("resample_irregular")))

    # -- the choices --------------------------------------------------------------------------
    def choice(self) -> ImportChoice:
        options: dict = {}
        if self.dataset_combo.count() and self.dataset_combo.currentData():
            options["dataset"] = self.dataset_combo.currentData()
        time_text = self.time_combo.currentText()
        if time_text == NO_TIME:
            options["time_column"] = "none"
        elif time_text and time_text != AUTO_TIME:
            options["time_column"] = time_text
        if self.resample_check.isChecked():
            options["resample_to_hz"] = self.resample_spin.value()
        if self.irregular_check.isChecked():
            options["resample_irregular"] = True
        if self.units_edit.text().strip():
            options["units"] = self.units_edit.text().strip()
        if self._channels_touched:
            options["channels"] = self._checked_channels()
        fs_hz = self.rate_spin.value() if self.rate_check.isChecked() else None
        return ImportChoice(fs_hz, options)

    def _checked_channels(self) -> list[str]:
        return [self.channel_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.channel_list.count())
                if self.channel_list.item(i).checkState() == Qt.CheckState.Checked]

    # -- preview ----------------------------------------------------------------------------
    def _schedule(self, *_args) -> None:
        self.open_button.setEnabled(False)
        self._timer.start()

    def _on_channel_ticked(self, _item: QListWidgetItem) -> None:
        self._channels_touched = True
        self._wanted_channels = self._checked_channels()
        self._schedule()

    def refresh(self) -> None:
        """Read the preview again with the current choices (in the background)."""
        choice = self.choice()
        path = self.path
        self.summary.setText("Reading…")
        self.runner.start(lambda _ctx: preview_file(path, choice.fs_hz, None, choice.options))

    def _show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.setVisible(bool(text))
        self.open_button.setEnabled(False)

    def _show_preview(self, preview: FilePreview) -> None:
        self.preview = preview
        self.header.setText(f"<b>{preview.path.name}</b> · {preview.format_label or 'unknown format'}"
                            + (f" · {preview.size_text}" if preview.size_text else ""))
        self._fill_datasets(preview)
        self._fill_time_columns(preview)
        self._fill_rate(preview)
        self._fill_channels(preview)
        self.raw_text.setPlainText("\n".join(preview.head_lines))
        self.tabs.setTabVisible(1, bool(preview.head_lines))
        self._draw(preview)
        problem = preview.problem
        if self._channels_touched and not self._checked_channels():
            problem = "Tick at least one channel to open."
        elif not problem and preview.needs_rate:
            problem = "The file does not state its sampling rate: enter it."
        self._show_problem(problem)
        self.open_button.setEnabled(preview.can_open and not problem)
        self.summary.setText(self._describe(preview))

    def _fill_datasets(self, preview: FilePreview) -> None:
        if not preview.choices:
            self.form.setRowVisible(self.dataset_combo, self.dataset_combo.count() > 0)
            return
        current = self.dataset_combo.currentData()
        self.dataset_combo.blockSignals(True)
        self.dataset_combo.clear()
        self.dataset_combo.addItem("(choose one)", None)
        for choice in preview.choices:
            self.dataset_combo.addItem(str(choice), choice.path)
        index = self.dataset_combo.findData(current)
        self.dataset_combo.setCurrentIndex(max(0, index))
        self.dataset_combo.blockSignals(False)
        self.form.setRowVisible(self.dataset_combo, True)

    def _fill_time_columns(self, preview: FilePreview) -> None:
        self.form.setRowVisible(self.time_combo, preview.is_table)
        if not preview.is_table:
            return
        wanted = [AUTO_TIME, NO_TIME, *preview.columns]
        if [self.time_combo.itemText(i) for i in range(self.time_combo.count())] == wanted:
            return
        current = self.time_combo.currentText()
        self.time_combo.blockSignals(True)
        self.time_combo.clear()
        self.time_combo.addItems(wanted)
        self.time_combo.setCurrentIndex(max(0, self.time_combo.findText(current)))
        self.time_combo.blockSignals(False)

    def _fill_rate(self, preview: FilePreview) -> None:
        rec = preview.recording
        rates = sorted({c.fs_hz for c in preview.file_channels if c.fs_hz})
        if rec is not None and not preview.problem:
            if preview.needs_rate:
                self._states_rate, self._stated_hz = False, None
            elif not self.rate_check.isChecked():
                self._states_rate, self._stated_hz = True, rec.fs_hz
            elif rec.meta.get("fs_from_file_hz"):
                self._states_rate, self._stated_hz = True, float(rec.meta["fs_from_file_hz"])
        if preview.needs_rate and not self.rate_check.isChecked():
            self.rate_check.blockSignals(True)
            self.rate_check.setChecked(True)
            self.rate_check.blockSignals(False)
            self._schedule()  # read again with the rate now set
        if rec is not None and not self.rate_check.isChecked():
            self.rate_spin.blockSignals(True)
            self.rate_spin.setValue(rec.fs_hz)
            self.rate_spin.blockSignals(False)
        if self._states_rate is False:
            self.rate_note.setText("not stated in the file")
        elif self._stated_hz is not None:
            verb = "overrides the file's" if self.rate_check.isChecked() else "as stated in the file:"
            self.rate_note.setText(f"{verb} {self._stated_hz:g} Hz")
        else:
            self.rate_note.setText("")
        mixed = len(rates) > 1
        self.form.setRowVisible(self.resample_row, mixed or self.resample_check.isChecked())
        if mixed and not self.resample_check.isChecked():
            self.resample_spin.blockSignals(True)
            self.resample_spin.setValue(rates[-1])
            self.resample_spin.blockSignals(False)
        irregular = bool(rec is not None and rec.meta.get("irregular"))
        self.irregular_check.setVisible(irregular or self.irregular_check.isChecked())

    def _fill_channels(self, preview: FilePreview) -> None:
        opened = set(preview.recording.channel_names) if preview.recording is not None else set()
        names = [c.name for c in preview.file_channels]
        if names == [self.channel_list.item(i).data(Qt.ItemDataRole.UserRole)
                     for i in range(self.channel_list.count())]:
            return  # the same channels: keep what the user ticked
        self.channel_list.blockSignals(True)
        self.channel_list.clear()
        keep = set(self._wanted_channels) & set(names) if self._channels_touched else opened
        for info in preview.file_channels:
            details = [info.unit] if info.unit else []
            if info.fs_hz:
                details.append(f"{info.fs_hz:g} Hz")
            item = QListWidgetItem(info.name + (f"   ({', '.join(details)})" if details else ""))
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if info.name in keep else Qt.CheckState.Unchecked)
            self.channel_list.addItem(item)
        self.channel_list.blockSignals(False)

    def _draw(self, preview: FilePreview) -> None:
        self.plot.clear()
        rec = preview.recording
        if rec is None or rec.n_samples == 0:
            return
        in_samples = preview.needs_rate
        x = np.arange(rec.n_samples, dtype=np.float64)
        x = x if in_samples else x / rec.fs_hz
        self.plot.setLabel("bottom", "sample" if in_samples else "time", units=None if in_samples else "s")
        colours = ("#1f4e99", "#b5451b", "#2e7d32", "#6a1b9a", "#00838f", "#5d4037")
        for i, channel in enumerate(rec.channels):
            y = rec.data[:, i].astype(np.float64)
            finite = y[np.isfinite(y)]
            if finite.size:
                low, high = np.percentile(finite, [0.5, 99.5])
                span = high - low if high > low else 1.0
                y = (y - low) / span
            offset = -1.6 * i
            curve = self.plot.plot(x, y + offset, pen=pg.mkPen(colours[i % len(colours)], width=1))
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            label = pg.TextItem(channel.name + (f" ({channel.unit})" if channel.unit else ""),
                                color="#222", anchor=(0, 0))
            label.setPos(x[0], offset + 1.55)
            self.plot.addItem(label)
        self.plot.autoRange()

    @staticmethod
    def _describe(preview: FilePreview) -> str:
        rec = preview.recording
        if rec is None:
            return ""
        rate = "rate not set" if preview.needs_rate else f"{rec.fs_hz:g} Hz"
        if preview.n_samples is None:
            length = "first rows shown"
        else:
            length = f"{preview.n_samples:,} samples"
            if not preview.needs_rate:
                length += f" ({preview.n_samples / rec.fs_hz:,.1f} s)"
        shown = f"preview: first {rec.n_samples:,} samples" if preview.needs_rate else \
            f"preview: first {rec.duration_s:g} s"
        parts = [f"{rec.n_channels} channel(s) to open", rate, length, shown]
        warnings = rec.meta.get("warnings") or []
        text = " · ".join(parts)
        return text + ("\n" + "\n".join(f"⚠ {w}" for w in warnings[:3]) if warnings else "")

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        self._timer.stop()
        self.runner.shutdown(2000)
        super().done(result)


def ask_import(parent: QWidget | None, path: str | Path, fs_hz: float | None = None, options: dict | None = None,
               problem: str = "", default_rate_hz: float = 1000.0) -> ImportChoice | None:
    """Show the import dialog for ``path``; the user's choice, or None when they cancelled."""
    dialog = ImportDialog(path, parent, fs_hz, options, problem, default_rate_hz)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
