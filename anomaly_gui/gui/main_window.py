"""The main window: menus, docks and the wiring between document, views and workers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QScrollArea

from .. import __version__
from ..recording import Recording
from . import file_dialogs, settings
from .detection_controller import DetectionController
from .dialogs.dataset_choice import ask_dataset
from .dialogs.sampling_rate import ask_sampling_rate
from .document import Document
from .navigation import Navigator
from .opener import RecordingOpener
from .panels.channels_panel import ChannelsPanel
from .panels.detection_panel import DetectionPanel
from .panels.segment_table import SegmentTable
from .panels.threshold_panel import ThresholdPanel
from .plot.signal_view import SignalView

APP_TITLE = "Anomaly GUI"
SHUTDOWN_TIMEOUT_MS = 5000


def describe_recording(rec: Recording) -> str:
    """Status-bar text: channels, rate, duration, samples."""
    return (
        f"{rec.display_name} · {rec.n_channels} channel(s) · {rec.fs_hz:g} Hz · "
        f"{format_duration(rec.duration_s)} · {rec.n_samples:,} samples"
    )


def format_duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{secs:04.1f}" if hours else f"{minutes}:{secs:04.1f} min"


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.remember_layout = True  # False for scripted windows (screenshots)
        self.document = Document(self)
        self.view = SignalView(self)
        self.setCentralWidget(self.view)
        self.panel = DetectionPanel()
        self.table = SegmentTable()
        self.channels_panel = ChannelsPanel()
        self.threshold_panel = ThresholdPanel()
        self.navigator = Navigator(self.view, self)
        self.opener = RecordingOpener("open", self, ask_rate=self._ask_rate, ask_choice=self._ask_dataset)
        self.reference_opener = RecordingOpener(
            "reference", self, ask_rate=self._ask_rate, ask_choice=self._ask_dataset
        )
        self.detection = DetectionController(self.document, self)
        self._build_docks()
        self._build_actions()
        self._build_status_bar()
        self._wire()
        self.resize(1400, 900)

    # -- construction -----------------------------------------------------------------------
    def _build_docks(self) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.panel)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.detection_dock = QDockWidget("Detection", self)
        self.detection_dock.setObjectName("detection_dock")
        self.detection_dock.setWidget(scroll)
        self.segments_dock = QDockWidget("Segments", self)
        self.segments_dock.setObjectName("segments_dock")
        self.segments_dock.setWidget(self.table)
        self.channels_dock = QDockWidget("Channels", self)
        self.channels_dock.setObjectName("channels_dock")
        self.channels_dock.setWidget(self.channels_panel)
        self.threshold_dock = QDockWidget("Threshold", self)
        self.threshold_dock.setObjectName("threshold_dock")
        self.threshold_dock.setWidget(self.threshold_panel)
        for dock in (self.detection_dock, self.segments_dock, self.channels_dock, self.threshold_dock):
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.tabifyDockWidget(self.segments_dock, self.channels_dock)
        self.tabifyDockWidget(self.segments_dock, self.threshold_dock)
        self.segments_dock.raise_()
        self.resizeDocks([self.detection_dock], [400], Qt.Orientation.Horizontal)
        self.resizeDocks([self.detection_dock, self.segments_dock], [520, 380], Qt.Orientation.Vertical)

    def _action(self, menu, text: str, slot, shortcut=None, enabled: bool = True) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        action.setEnabled(enabled)
        menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = self._action(file_menu, "&Open…", self.open_dialog, QKeySequence.StandardKey.Open)
        self.open_reference_action = self._action(file_menu, "Open &reference…", self.open_reference_dialog)
        file_menu.addSeparator()
        self.export_action = self._action(file_menu, "&Export segments…", self.export_segments,
                                          "Ctrl+E", enabled=False)
        self.screenshot_action = self._action(file_menu, "Save &screenshot…", self.save_screenshot)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        view_menu = self.menuBar().addMenu("&View")
        self.navigator.fill_menu(view_menu)
        view_menu.addSeparator()
        view_menu.addAction(self.detection_dock.toggleViewAction())
        view_menu.addAction(self.segments_dock.toggleViewAction())
        view_menu.addAction(self.channels_dock.toggleViewAction())
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.navigator.toolbar)
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About", self._about)

    def _build_status_bar(self) -> None:
        self.file_info_label = QLabel("No file open: File ▸ Open… or drop a file on the window")
        self.file_info_label.setObjectName("file_info")
        self.statusBar().addPermanentWidget(self.file_info_label)

    def _wire(self) -> None:
        doc, view, panel, table, detection = (self.document, self.view, self.panel, self.table,
                                              self.detection)
        self.opener.opened.connect(lambda rec: doc.set_recording(rec, self.opener.channel_spec))
        self.opener.busy_changed.connect(self._on_open_busy)
        self.reference_opener.opened.connect(doc.set_reference)
        doc.recording_changed.connect(self._on_recording_changed)
        doc.reference_changed.connect(panel.set_reference)
        doc.result_changed.connect(self._on_result_changed)
        doc.segments_changed.connect(self._on_segments_changed)
        view.threshold_changed.connect(doc.set_threshold)
        self.threshold_panel.threshold_requested.connect(doc.set_threshold)
        doc.segments_changed.connect(lambda _segments: self.threshold_panel.set_threshold(doc.threshold))
        view.training_range_changed.connect(panel.set_training_range)
        panel.training_kind_changed.connect(lambda kind: view.set_training_range_visible(kind == "range"))
        panel.detect_requested.connect(self.start_detection)
        panel.cancel_requested.connect(detection.cancel)
        panel.reference_requested.connect(self.open_reference_dialog)
        detection.runner.started.connect(lambda _id: panel.start_progress())
        detection.runner.running_changed.connect(panel.set_running)
        detection.runner.progress.connect(panel.show_progress)
        detection.runner.epoch_finished.connect(panel.show_epoch)
        detection.run_ended.connect(self._on_detection_ended)
        detection.notices_changed.connect(panel.show_messages)
        table.segment_selected.connect(self._show_segment)
        channels = self.channels_panel
        channels.visibility_requested.connect(view.set_channel_visible)
        channels.move_requested.connect(view.move_channel)
        channels.gain_requested.connect(view.scale_channel_gain)
        channels.auto_scale_requested.connect(view.auto_scale_channel)
        channels.overview_channel_requested.connect(view.set_overview_channel)
        view.channels_changed.connect(self._on_channels_changed)

    # -- files ------------------------------------------------------------------------------
    def open_file(
        self,
        path: str | Path,
        fs_hz: float | None = None,
        channel_spec: str | None = None,
        read_options: dict | None = None,
    ) -> None:
        """Open ``path`` in the background; it replaces the current file once it has been read.
        ``read_options`` are ``read_recording`` keywords (``dataset``, ``resample_to_hz`` …)."""
        self.opener.open(path, fs_hz, channel_spec, read_options)

    def open_dialog(self) -> None:
        path = file_dialogs.choose_recording(self)
        if path:
            self.open_file(path)

    def open_reference_dialog(self) -> None:
        path = file_dialogs.choose_recording(self, "Open reference recording (healthy run)")
        if path:
            self.panel.set_training_kind("reference")
            self.reference_opener.open(path, None, self.document.channel_spec)

    def export_segments(self) -> None:
        file_dialogs.export_segments(self, self.document)

    def save_screenshot(self) -> None:
        file_dialogs.save_screenshot(self)

    def _ask_dataset(self, file_name: str, choices: list) -> str | None:
        return ask_dataset(self, file_name, choices)

    def _ask_rate(self, file_name: str) -> float | None:
        fs_hz = ask_sampling_rate(self, file_name, settings.last_sampling_rate_hz())
        if fs_hz is not None:
            settings.remember_sampling_rate_hz(fs_hz)
        return fs_hz

    def _on_open_busy(self, busy: bool) -> None:
        if busy:
            self.statusBar().showMessage("Reading the file…")
        elif self.statusBar().currentMessage() == "Reading the file…":
            self.statusBar().clearMessage()

    # -- detection --------------------------------------------------------------------------
    def start_detection(self) -> None:
        self.detection.start(self.panel.config(), self.panel.training_kind(), self.view.training_range())

    def _on_detection_ended(self, how: str) -> None:
        texts = {"cancelled": "Cancelled", "failed": "Failed"}
        if how == "finished" and self.document.segments is not None:
            count = len(self.document.segments)
            self.panel.finish_progress(f"Done · {count} segment(s)")
            if count == 0:
                self.panel.show_messages(self.panel.message_label.text().splitlines() + [
                    "No segment exceeds the threshold. Drag the red threshold line down on the "
                    "score track, or choose a percentile threshold."])
        else:
            self.panel.finish_progress(texts.get(how, how))

    # -- reacting to the document -----------------------------------------------------------
    def _on_recording_changed(self, rec: Recording) -> None:
        self.view.set_recording(rec)
        self.navigator.set_recording_loaded(True)
        self.view.setFocus()
        self.view.set_training_range_visible(self.panel.training_kind() == "range")
        self.panel.set_recording_loaded(True)
        self.setWindowTitle(f"{rec.display_name} — {APP_TITLE}")
        self.file_info_label.setText(describe_recording(rec))
        if rec.source is not None:
            settings.remember_directory(rec.source)

    def _on_result_changed(self, result) -> None:
        if result is None:
            self.view.clear_result()
            self.panel.show_messages([])
        else:
            self.view.set_scores(result.scores, result.threshold)
            names = self.document.recording.channel_names
            self.threshold_panel.set_result(
                result.scores,
                result.detector.auto_threshold(result.detector.score_reference_, result.config),
                result.threshold,
                lambda t: len(result.resegment(t, names)),
            )

    def _on_segments_changed(self, segments) -> None:
        self.export_action.setEnabled(segments is not None)
        self.table.set_segments(segments, self.document.threshold)
        if segments is None:
            self.view.clear_result()
        else:
            self.view.set_segments(segments)

    def _on_channels_changed(self) -> None:
        if self.view.recording is not None:
            self.channels_panel.show_layout(self.view.recording.channels, self.view.channel_layout,
                                            self.view.overview.channel)

    def _show_segment(self, index: int) -> None:
        segments = self.document.segments
        if segments is not None and 0 <= index < len(segments):
            seg = segments[index]
            self.view.show_segment(index, seg.start_s(segments.fs_hz), seg.end_s(segments.fs_hz))

    def _about(self) -> None:
        QMessageBox.about(self, f"About {APP_TITLE}",
                          f"<b>{APP_TITLE}</b> {__version__}<br>Find, review and export anomalies "
                          "in offline sensor and ECG recordings.")

    # -- Qt overrides -----------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(url.isLocalFile() for url in urls):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_file(paths[0])

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Cancel running work, wait a bounded time, then disconnect (no "QThread destroyed").
        for runner in (self.detection.runner, self.opener.runner, self.reference_opener.runner):
            runner.shutdown(SHUTDOWN_TIMEOUT_MS)
        self.view.shutdown(SHUTDOWN_TIMEOUT_MS)
        if self.remember_layout:
            settings.save_window(self)
        super().closeEvent(event)
