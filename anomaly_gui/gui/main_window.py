"""The main window: menus, docks and the wiring between document, views and workers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QScrollArea

from .. import __version__
from ..dsp.timefmt import format_duration
from ..recording import Recording
from . import file_dialogs, settings
from .detection_controller import DetectionController
from .dialogs.import_dialog import ImportChoice, ask_import
from .analysis_controller import AnalysisController
from .document import Document
from .export_actions import Exporter
from .model_actions import ModelActions
from .navigation import Navigator
from .opener import RecordingOpener
from .panels.analysis_panel import AnalysisPanel
from .panels.channels_panel import ChannelsPanel
from .panels.detection_panel import DetectionPanel
from .panels.review_bar import ReviewBar
from .panels.segment_table import SegmentTable
from .panels.threshold_panel import ThresholdPanel
from .plot.segment_editor import SegmentEditor
from .plot.signal_view import SignalView
from .project_actions import ProjectManager, is_project
from .recent_files import RecentFilesMenu
from .retrain_controller import RetrainController, connect_bar
from .review_actions import ReviewActions
from .review_controller import ReviewController
from .review_navigation import ReviewNavigator
from .review_threshold import panel_inputs

APP_TITLE = "Anomaly GUI"
SHUTDOWN_TIMEOUT_MS = 5000


def describe_recording(rec: Recording) -> str:
    """Status-bar text: channels, rate, duration, samples."""
    return (
        f"{rec.display_name} · {rec.n_channels} channel(s) · {rec.fs_hz:g} Hz · "
        f"{format_duration(rec.duration_s)} · {rec.n_samples:,} samples"
    )


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.remember_layout = True  # False for scripted windows (screenshots)
        self.confirm_close = True  # False for scripted windows: never ask about unsaved work
        self.document = Document(self)
        self.view = SignalView(self)
        self.setCentralWidget(self.view)
        self.panel = DetectionPanel()
        self.table = SegmentTable()
        self.channels_panel = ChannelsPanel()
        self.threshold_panel = ThresholdPanel()
        self.analysis_panel = AnalysisPanel()
        self.navigator = Navigator(self.view, self)
        self.opener = RecordingOpener("open", self, ask_import=self._ask_import)
        self.reference_opener = RecordingOpener("reference", self, ask_import=self._ask_import)
        self.detection = DetectionController(self.document, self)
        self.editor = SegmentEditor(self.view)
        self.review_bar = ReviewBar()
        self.table.buttons.addWidget(self.review_bar)
        self.review = ReviewController(self.document, self.table, self.view, self.editor, self)
        self.jumps = ReviewNavigator(self.review)
        self.projects = ProjectManager(self.document, self.view, self)
        self.retrain = RetrainController(self.document, self)
        self._build_docks()
        self.analysis = AnalysisController(self.document, self.view, self.review, self.analysis_panel,
                                           self.analysis_dock, self.navigator, self)
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
        self.detection_dock = self._dock("Detection", scroll)
        self.segments_dock = self._dock("Segments", self.table)
        self.channels_dock = self._dock("Channels", self.channels_panel)
        self.threshold_dock = self._dock("Threshold", self.threshold_panel)
        self.analysis_dock = self._dock("Analysis", self.analysis_panel)
        self.tabifyDockWidget(self.threshold_dock, self.channels_dock)
        self.tabifyDockWidget(self.threshold_dock, self.analysis_dock)
        self.threshold_dock.raise_()
        self.resizeDocks([self.detection_dock], [380], Qt.Orientation.Horizontal)
        self.resizeDocks([self.detection_dock, self.threshold_dock], [560, 260], Qt.Orientation.Vertical)
        self.resizeDocks([self.segments_dock], [290], Qt.Orientation.Vertical)

    def _dock(self, title: str, widget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.lower()}_dock")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        bottom = widget is self.table  # the review table wants the window's width
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea if bottom else Qt.DockWidgetArea.RightDockWidgetArea,
                           dock)
        return dock

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
        self.import_action = self._action(file_menu, "&Import with options…", self.import_dialog, "Ctrl+I")
        self.open_project_action = self._action(file_menu, "Open &project…", self.projects.open_dialog,
                                                "Ctrl+Shift+O")
        self.recent = RecentFilesMenu(file_menu.addMenu("Open r&ecent"), self, self._open_recent)
        self.open_reference_action = self._action(file_menu, "Open &reference…", self.open_reference_dialog)
        file_menu.addSeparator()
        self.save_action = self._action(file_menu, "&Save project", self.projects.save, "Ctrl+S", enabled=False)
        self.save_as_action = self._action(file_menu, "Save project &as…", self.projects.save_as, "Ctrl+Shift+S",
                                           enabled=False)
        file_menu.addSeparator()
        export_menu = file_menu.addMenu("&Export")
        self.export_action = self._action(export_menu, "&Segments (CSV or JSON)…", self.export_segments,
                                          "Ctrl+E", enabled=False)
        self.exporter = Exporter(self.document, self.view, self, self.export_action)
        self.exporter.fill_menu(export_menu)
        self.screenshot_action = self._action(file_menu, "Save &screenshot…", self.save_screenshot)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.review_actions = ReviewActions(self, self.review, self.jumps, self.editor, self.document)
        self.review_actions.fill_edit_menu(self.menuBar().addMenu("&Edit"))
        view_menu = self.menuBar().addMenu("&View")
        self.navigator.fill_menu(view_menu)
        view_menu.addSeparator()
        for dock in (self.detection_dock, self.segments_dock, self.channels_dock, self.threshold_dock,
                     self.analysis_dock):
            view_menu.addAction(dock.toggleViewAction())
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.navigator.toolbar)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.review_actions.toolbar)
        self.review_actions.fill_review_menu(self.menuBar().addMenu("&Review"))
        detection_menu = self.menuBar().addMenu("&Detection")
        self.detect_action = self._action(detection_menu, "&Detect", self.start_detection, "F5", enabled=False)
        self.retrain_action = self._action(detection_menu, "&Retrain with my review", self.retrain.start,
                                           "Ctrl+Shift+R", enabled=False)
        self.cancel_retrain_action = self._action(detection_menu, "Cancel retraining", self.retrain.cancel,
                                                  enabled=False)
        self.clear_tracks_action = self._action(detection_menu, "Remove the extra score &tracks",
                                                self.view.scores.comparisons.clear)
        self.models = ModelActions(self, self.document, self.panel, detection_menu)
        self.label_set_action = self._action(detection_menu, "Edit &label set…", self.edit_label_set)
        help_menu = self.menuBar().addMenu("&Help")
        self.shortcuts_action = self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action(help_menu, "&About", self._about)

    def _build_status_bar(self) -> None:
        self.file_info_label = QLabel("No file open: File ▸ Open… or drop a file on the window")
        self.file_info_label.setObjectName("file_info")
        self.statusBar().addPermanentWidget(self.file_info_label)

    def _wire(self) -> None:
        doc, view, panel, detection = self.document, self.view, self.panel, self.detection
        self.opener.opened.connect(lambda rec: doc.set_recording(rec, self.opener.channel_spec,
                                                                 self.opener.fs_hz, self.opener.read_options))
        self.opener.busy_changed.connect(self._on_open_busy)
        self.recent.follow(self.opener, self.projects)
        self.reference_opener.opened.connect(doc.set_reference)
        doc.recording_changed.connect(self._on_recording_changed)
        doc.reference_changed.connect(panel.set_reference)
        doc.result_changed.connect(self._on_result_changed)
        doc.review.session_replaced.connect(self._on_session_replaced)
        doc.review.scores_changed.connect(lambda _scores: self._show_scores())
        doc.review.threshold_changed.connect(self._on_threshold_changed)
        doc.review.stack_changed.connect(self._update_title)
        view.threshold_changed.connect(doc.set_threshold)
        self.threshold_panel.threshold_requested.connect(doc.set_threshold)
        doc.segments_changed.connect(lambda _segments: self.threshold_panel.set_threshold(doc.threshold))
        view.training_range_changed.connect(panel.set_training_range)
        panel.training_kind_changed.connect(lambda kind: view.set_training_range_visible(kind == "range"))
        panel.detect_requested.connect(self.start_detection)
        panel.track_requested.connect(lambda: detection.start(
            panel.config(), panel.training_kind(), view.training_range(), panel.model_label(), panel.model_file))
        detection.track_ready.connect(lambda name, result: view.add_score_track(name, result.scores, result.threshold))
        panel.cancel_requested.connect(detection.cancel)
        panel.reference_requested.connect(self.open_reference_dialog)
        detection.runner.started.connect(lambda _id: panel.start_progress())
        detection.runner.running_changed.connect(panel.set_running)
        detection.runner.progress.connect(panel.show_progress)
        detection.runner.epoch_finished.connect(panel.show_epoch)
        detection.run_ended.connect(self._on_detection_ended)
        detection.notices_changed.connect(panel.show_messages)
        detection.runner.running_changed.connect(lambda running: self.detect_action.setEnabled(
            not running and doc.recording is not None))
        connect_bar(self.retrain, self.review_bar)
        self.retrain.runner.running_changed.connect(self._on_retrain_running)
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
        ``read_options`` are ``read_recording`` keywords (``dataset``, ``resample_to_hz`` …).
        A ``.agproj`` opens as a project. Unsaved review work is asked about first."""
        if is_project(path):
            self.projects.open(path)
            return
        if not self.projects.keep_changes():
            return
        self.opener.open(path, fs_hz, channel_spec, read_options)

    def open_dialog(self) -> None:
        path = file_dialogs.choose_recording(self, with_projects=True)
        if path:
            self.open_file(path)

    def _open_recent(self, entry: dict) -> None:
        self.open_file(entry["path"], entry.get("fs_hz"), entry.get("channels"), entry.get("options"))

    def open_reference_dialog(self) -> None:
        path = file_dialogs.choose_recording(self, "Open reference recording (healthy run)")
        if path:
            self.panel.set_training_kind("reference")
            self.reference_opener.open(path, None, self.document.channel_spec)

    def export_segments(self) -> None:
        file_dialogs.export_segments(self, self.document)

    def save_screenshot(self) -> None:
        file_dialogs.save_screenshot(self)

    def import_dialog(self) -> None:
        """File ▸ Import: choose a file, then say how to read it while seeing a preview."""
        path = file_dialogs.choose_recording(self, "Import recording")
        if not path:
            return
        choice = self._ask_import(path, None, {}, "")
        if choice is not None:
            self.open_file(path, choice.fs_hz, None, choice.options)

    def _ask_import(self, path: str, fs_hz: float | None, options: dict, problem: str) -> ImportChoice | None:
        choice = ask_import(self, path, fs_hz, options, problem, settings.last_sampling_rate_hz())
        if choice is not None and choice.fs_hz is not None:
            settings.remember_sampling_rate_hz(choice.fs_hz)
        return choice

    def _on_open_busy(self, busy: bool) -> None:
        if busy:
            self.statusBar().showMessage("Reading the file…")
        elif self.statusBar().currentMessage() == "Reading the file…":
            self.statusBar().clearMessage()

    # -- detection --------------------------------------------------------------------------
    def start_detection(self) -> None:
        self.detection.start(self.panel.config(), self.panel.training_kind(), self.view.training_range(),
                             model_file=self.panel.model_file)

    def _on_detection_ended(self, how: str) -> None:
        texts = {"cancelled": "Cancelled", "failed": "Failed", "track": "Score track added"}
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
        self.detect_action.setEnabled(not self.detection.is_running)
        self._update_title()
        self.file_info_label.setText(describe_recording(rec))
        if rec.source is not None:
            settings.remember_directory(rec.source)

    def _on_result_changed(self, result) -> None:
        if result is None:
            self.panel.show_messages([])

    def _on_session_replaced(self, session) -> None:
        has_session = session is not None
        for action in (self.save_action, self.save_as_action, self.retrain_action):
            action.setEnabled(has_session)
        self.exporter.set_enabled(has_session)
        self._show_scores()
        self._update_title()

    def _show_threshold_panel(self) -> None:
        inputs = panel_inputs(self.document.session)
        if inputs is not None:
            self.threshold_panel.set_result(*inputs)
        else:
            self.threshold_panel.clear()

    def _show_scores(self) -> None:
        session = self.document.session
        if session is None or session.scores is None:
            self.view.clear_result()
        else:
            self.view.set_scores(session.scores, session.threshold)
        self.review.paint()
        self._show_threshold_panel()

    def _on_threshold_changed(self, threshold) -> None:
        if threshold is not None:
            self.view.set_threshold(threshold)
        self.threshold_panel.set_threshold(threshold)
        segments = self.document.segments
        if segments is not None and self.panel.progress_bar.format().startswith("Done"):
            self.panel.finish_progress(f"Done · {len(segments)} segment(s)")

    def _on_retrain_running(self, running: bool) -> None:
        self.retrain_action.setEnabled(not running and self.document.session is not None)
        self.cancel_retrain_action.setEnabled(running)

    def _update_title(self) -> None:
        """Project name with '*' when there is unsaved work, then the recording."""
        review, rec = self.document.review, self.document.recording
        parts = [f"{review.project_name}{'*' if review.is_modified else ''}"] if review.session is not None else []
        if rec is not None:
            parts.append(rec.display_name)
        self.setWindowTitle(" — ".join(parts + [APP_TITLE]))

    def _on_channels_changed(self) -> None:
        if self.view.recording is not None:
            self.channels_panel.show_layout(self.view.recording.channels, self.view.channel_layout,
                                            self.view.overview.channel)

    def offer_recovery(self) -> bool:
        """Offer sessions a crash left behind (run_gui calls this once the window shows)."""
        return self.projects.offer_recovery()

    def edit_label_set(self) -> None:
        from .review_labels import edit_label_set

        edit_label_set(self, self.document)

    def show_shortcuts(self) -> None:
        from .dialogs.shortcuts import ShortcutsDialog, window_sections

        self.shortcuts_dialog = ShortcutsDialog(self, window_sections(self))
        self.shortcuts_dialog.show()

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
        if self.confirm_close and not self.projects.keep_changes():
            event.ignore()
            return
        # Cancel running work, wait a bounded time, then disconnect (no "QThread destroyed").
        for runner in (self.detection.runner, self.opener.runner, self.reference_opener.runner,
                       self.retrain.runner, self.exporter.runner, self.projects.runner, self.analysis.runner):
            runner.shutdown(SHUTDOWN_TIMEOUT_MS)
        self.view.shutdown(SHUTDOWN_TIMEOUT_MS)
        self.document.review.shutdown()  # a clean close: the recovery files go
        if self.remember_layout:
            settings.save_window(self)
        super().closeEvent(event)
