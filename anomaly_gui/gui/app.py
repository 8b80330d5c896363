"""The GUI entry point the CLI calls: ``run_gui``."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication

from . import notifications, settings
from .preload import start_preloading

DRAW_DELAY_MS = 250
"""Time for the view's deferred work (y fitting, downsampling) to settle before a screenshot."""


def make_application() -> QApplication:
    """The QApplication, created once with the names QSettings needs."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setOrganizationName(settings.ORGANIZATION)
        app.setApplicationName(settings.APPLICATION)
        app.setApplicationDisplayName(settings.APPLICATION)
        app.setStyle("Fusion")
    collect_garbage_on_gui_thread()
    return app


_garbage_collector = None


def collect_garbage_on_gui_thread() -> None:
    """Run Python's cyclic garbage collector from a timer on the GUI thread only.

    Left automatic, it runs in whichever thread crosses its threshold: in a detection worker it
    can destroy Qt objects left over from closed dialogs there, and then deadlock with the GUI
    thread (the worker holds a QObject's lock and waits for the GIL, the GUI thread holds the
    GIL and waits for that lock; seen in the GUI tests). pyqtgraph's ``GarbageCollector``
    disables the automatic collection and collects each second on the calling (GUI) thread."""
    global _garbage_collector
    if _garbage_collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _garbage_collector = GarbageCollector(interval=1.0)


def run_gui(
    path: str | None = None,
    fs_hz: float | None = None,
    channels: str | None = None,
    read_options: dict | None = None,
    detect: bool = False,
    screenshot: str | None = None,
    epochs: int | None = None,
    reference: str | None = None,
    reference_fs_hz: float | None = None,
) -> int:
    """Open the main window, optionally with a file, a detection run and a screenshot.

    Parameters
    ----------
    path
        A recording to open.
    fs_hz
        Its sampling rate when the file does not state one (or to override it).
    channels
        A channel selection for ``parse_channel_spec``, applied after reading.
    read_options
        Keywords for ``read_recording`` (``dataset``, ``resample_to_hz``, ``resample_irregular``).
    detect
        Start training and detection with the default settings once the file is shown.
    screenshot
        Save an image of the window to this PNG once the view is drawn (and detection has
        finished) and return 0, never waiting on a dialog: any error or missing information
        prints one line to stderr and returns 2.
    epochs
        Number of training epochs (overrides the default).
    reference, reference_fs_hz
        A reference recording (e.g. a healthy run) to train on, with the same channel
        selection, and its sampling rate when the file does not state one.

    Returns
    -------
    int
        The process exit code.
    """
    from .main_window import MainWindow

    app = make_application()
    window = MainWindow()
    if epochs is not None:
        window.panel.epochs_spin.setValue(int(epochs))
    if reference:
        _load_reference_after_opening(window, reference, reference_fs_hz)
    if screenshot:
        return _ScreenshotRun(
            window, path, fs_hz, channels, read_options, detect, screenshot, bool(reference)
        ).run()
    restore_hooks = notifications.install_excepthooks(window)
    try:
        settings.restore_window(window)
        window.show()
        QTimer.singleShot(0, start_preloading)
        # Work a crash left behind is offered first (never in screenshot mode); a recovered
        # session is what the user gets, not the file named on the command line.
        recovered = window.offer_recovery()
        if path and not recovered:
            window.open_file(path, fs_hz, channels, read_options)
            if detect:
                _detect_once_ready(window, bool(reference))
        return int(app.exec())
    finally:
        restore_hooks()


def _ready_signal(window, with_reference: bool):
    """The signal after which the window holds everything a detection run needs."""
    return window.document.reference_changed if with_reference else window.document.recording_changed


def _detect_once_ready(window, with_reference: bool) -> None:
    signal = _ready_signal(window, with_reference)

    def start(_recording) -> None:
        signal.disconnect(start)
        QTimer.singleShot(0, window.start_detection)

    signal.connect(start)


def _load_reference_after_opening(window, path: str, fs_hz: float | None) -> None:
    """Once the recording is shown, open ``path`` as the training reference (same channels)."""

    def load(_recording) -> None:
        window.document.recording_changed.disconnect(load)
        window.panel.set_training_kind("reference")
        window.reference_opener.open(path, fs_hz, window.document.channel_spec)

    window.document.recording_changed.connect(load)


class _ScreenshotRun(QObject):
    """Drives the window to a screenshot without ever showing a modal dialog."""

    def __init__(
        self, window, path, fs_hz, channels, read_options, detect: bool, screenshot: str, with_reference: bool
    ) -> None:
        super().__init__(window)
        self._with_reference = with_reference
        self._read_options = read_options
        self._window = window
        self._path, self._fs_hz, self._channels = path, fs_hz, channels
        self._detect = detect
        self._screenshot = screenshot
        self._loop = QEventLoop()
        self._code: int | None = None

    def run(self) -> int:
        window = self._window
        notifications.set_headless_sink(self._fail)
        for opener in (window.opener, window.reference_opener):
            opener.ask_import = None  # missing information is an error here, not a question
        window.remember_layout = False  # a scripted 1400×900 window is not the user's layout
        window.confirm_close = False  # nobody is there to answer "save changes?"
        try:
            window.resize(1400, 900)
            window.show()
            if self._path:
                _ready_signal(window, self._with_reference).connect(self._on_recording_shown)
                window.detection.run_ended.connect(self._on_detection_ended)
                window.open_file(self._path, self._fs_hz, self._channels, self._read_options)
            else:
                QTimer.singleShot(DRAW_DELAY_MS, self._grab)
            if self._code is None:
                self._loop.exec()
            return int(self._code if self._code is not None else 2)
        finally:
            notifications.set_headless_sink(None)
            window.close()
            window.deleteLater()

    def _on_recording_shown(self, _recording) -> None:
        if self._detect:
            QTimer.singleShot(0, self._window.start_detection)
        else:
            QTimer.singleShot(DRAW_DELAY_MS, self._grab)

    def _on_detection_ended(self, how: str) -> None:
        if how == "finished":
            QTimer.singleShot(DRAW_DELAY_MS, self._grab)
        elif how == "cancelled":
            self._fail("detection was cancelled")

    def _grab(self) -> None:
        if self._code is not None:
            return
        if not self._window.grab().save(self._screenshot, "PNG"):
            self._fail(f"could not write the screenshot {self._screenshot}")
            return
        self._finish(0)

    def _fail(self, line: str) -> None:
        if self._code is None:
            print(f"anomaly-gui: error: {line}", file=sys.stderr)
            self._finish(2)

    def _finish(self, code: int) -> None:
        self._code = code
        self._loop.exit(code)
