"""Keeps the Analysis dock in step with the window: what is selected, what is visible, which
recording and reference are open. Computes in a worker, a moment after the last change, and
only while the dock is shown; trends and heart rate are kept per channel until the recording
changes."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from ..analysis import SpectrumRequest, channel_trends, compare_spectra, heart_rate, result_table, spectrogram
from ..detect.pipeline import looks_like_ecg, pick_ecg_lead
from ..dsp.spectra import trend_block
from ..errors import AnomalyGuiError
from ..io.export import ExportError, write_table_csv
from . import file_dialogs, notifications
from .panels.analysis_panel import WHOLE_RECORDING_KINDS
from .workers import TaskRunner

ANALYSIS_EXPORT_FILTERS = "CSV table (*.csv);;PNG image (*.png)"
RECOMPUTE_DELAY_MS = 200
"""Quiet time after the last change (a pan, a key press) before recomputing."""


class AnalysisController(QObject):
    def __init__(self, document, view, review, panel, dock, navigator, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document, self.view, self.review, self.panel, self.dock = document, view, review, panel, dock
        self.runner = TaskRunner("analysis", self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.progress.connect(lambda fraction, message: panel.show_message(f"{message}… {fraction:.0%}"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECOMPUTE_DELAY_MS)
        self._timer.timeout.connect(self._compute)
        self._whole: dict[tuple[str, int], object] = {}  # trends and heart rate per channel
        self._what = ""
        self._recording = None
        self._shown = None  # the result on the dock's current page, for Export
        document.recording_changed.connect(self._on_recording_changed)
        document.review.session_replaced.connect(lambda _session: self._on_recording_changed(document.recording))
        document.reference_changed.connect(lambda _ref: self._schedule())
        document.segments_changed.connect(lambda _segments: self._schedule())
        review.current_changed.connect(lambda _id: self._schedule())
        view.x_range_changed.connect(self._on_x_range)
        panel.request_changed.connect(self._schedule)
        panel.time_requested.connect(navigator.go_to)
        panel.export_requested.connect(self.export)
        dock.visibilityChanged.connect(lambda visible: visible and self._schedule())

    def _on_recording_changed(self, recording) -> None:
        if recording is self._recording and recording is not None:
            self._schedule()  # a new detection or project on the same samples: keep the choices
            return
        self._recording = recording
        self._whole.clear()
        self.runner.cancel()
        if recording is None:
            self.panel.clear("Open a recording to analyse it.")
            return
        ecg_lead = pick_ecg_lead(recording) if looks_like_ecg(recording) else None
        self.panel.set_recording(recording.channel_names, [c.unit for c in recording.channels], recording.fs_hz,
                                 ecg_lead)
        self._schedule()

    def _on_x_range(self, t0_s: float, t1_s: float) -> None:
        self.panel.set_visible_range(t0_s, t1_s)
        if self.panel.kind() not in WHOLE_RECORDING_KINDS and self.panel.source() == "view":
            self._schedule()

    def _schedule(self) -> None:
        self._set_shown(None)  # what is shown is about to change
        if self.document.recording is not None and self.dock.isVisible():
            self._timer.start()

    def _selection(self, recording) -> tuple[int, int, str] | None:
        """Sample bounds and a name of what to analyse, or None (with a message shown)."""
        fs = recording.fs_hz
        if self.panel.source() == "view":
            t0, t1 = self.view.x_range()
            return max(0, int(t0 * fs)), min(recording.n_samples, int(t1 * fs) + 1), "visible"
        session = self.document.review.session
        segment_id = self.review.current_id
        if session is None or segment_id is None:
            self.panel.clear("Select a segment in the table, or choose \"Visible range\".")
            return None
        try:
            segment = session.segment(segment_id)
        except Exception:  # noqa: BLE001 - the segment was deleted since it was current
            return None
        return segment.start_sample, segment.end_sample, "segment"

    def _compute(self) -> None:
        recording = self.document.recording
        if recording is None or not self.dock.isVisible():
            return
        channel = min(self.panel.channel(), recording.n_channels - 1)
        kind = self.panel.kind()
        if kind in WHOLE_RECORDING_KINDS:
            if (kind, channel) in self._whole:
                self._show_whole(kind, self._whole[kind, channel])
                return
            if kind == "trends":
                block = trend_block(recording.n_samples, recording.fs_hz)
                self.panel.show_message("Computing trends…")
                self.runner.start(lambda ctx: (kind, channel, channel_trends(recording, channel, block)))
            else:
                self.panel.show_message("Detecting heartbeats…")
                self.runner.start(lambda ctx: (kind, channel, heart_rate(recording, channel, ctx)))
            return
        selection = self._selection(recording)
        if selection is None:
            return
        i0, i1, self._what = selection
        if kind == "spectrogram":
            self.panel.show_message("Computing…")
            self.runner.start(lambda ctx: (kind, channel, spectrogram(recording, SpectrumRequest(channel, i0, i1))))
            return
        request = SpectrumRequest(channel, i0, i1, kind, self.panel.band_hz() if kind == "envelope" else None)
        segments = self.document.segments
        flagged = segments.bounds() if segments is not None and len(segments) else None
        reference = self.document.reference
        self.panel.show_message("Computing…")
        self.runner.start(lambda ctx: ("spectrum", channel, compare_spectra(recording, request, flagged, reference, ctx)))

    def _on_failed(self, exc: BaseException) -> None:
        """What the data does not allow is said in the dock (it may recur with every pan);
        anything else goes the one error route, with its traceback."""
        if isinstance(exc, AnomalyGuiError):
            self.panel.show_message(f"Cannot compute: {exc}")
        else:
            self.panel.show_message("Cannot compute: an unexpected error (details shown).")
            notifications.report_error(exc, self.panel.window(), "Analysis failed")

    def _on_finished(self, result) -> None:
        kind, channel, value = result
        if kind in WHOLE_RECORDING_KINDS:
            self._whole[kind, channel] = value
            if self.panel.kind() == kind and self.panel.channel() == channel:
                self._show_whole(kind, value)
        elif kind == "spectrogram":
            if self.panel.kind() == kind:
                self.panel.show_spectrogram(value, self._what, self.document.recording.fs_hz)
                self._set_shown(value)
        elif self.panel.kind() in ("spectrum", "envelope"):
            self.panel.show_spectra(value, self._what, recording_fs_hz=self.document.recording.fs_hz)
            self._set_shown(value)

    def _show_whole(self, kind: str, value) -> None:
        show = self.panel.show_trends if kind == "trends" else self.panel.show_heart_rate
        show(value, self.view.x_range())
        self._set_shown(value)

    def _set_shown(self, result) -> None:
        self._shown = result
        self.panel.export_button.setEnabled(result is not None)

    def export(self) -> None:
        """Save what the dock shows: its numbers (CSV) or its plot (PNG)."""
        recording, result = self.document.recording, self._shown
        if recording is None or result is None:
            return
        channel = recording.channel_names[min(self.panel.channel(), recording.n_channels - 1)]
        name = f"{recording.source.stem if recording.source else 'recording'}_{self.panel.kind()}.csv"
        path = file_dialogs.save_path(self.panel, "Export analysis", name, ANALYSIS_EXPORT_FILTERS)
        if path is None:
            return
        try:
            if path.lower().endswith(".png"):
                if not self.panel.stack.currentWidget().grab().save(path):
                    raise ExportError(f"Could not write the image {path}.")
            else:
                header, columns, comments = result_table(result, channel, recording.fs_hz)
                write_table_csv(path, header, columns, {"source": recording.source, "channel": channel, **comments})
        except AnomalyGuiError as exc:
            notifications.report_error(exc, self.panel.window(), "Export failed")
            return
        notifications.show_status(self.panel.window(), f"Saved {path}")
