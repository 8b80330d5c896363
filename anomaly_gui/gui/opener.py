"""Opening recordings off the GUI thread; the import dialog asks for what a file does not say."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..errors import MissingSamplingRateError
from ..io import ChoiceRequiredError
from ..recording import Recording, parse_channel_spec
from ..tasks import TaskContext
from . import notifications
from .workers import TaskRunner

if TYPE_CHECKING:
    from .dialogs.import_dialog import ImportChoice

AskImport = Callable[[str, "float | None", dict, str], "ImportChoice | None"]


def read_selected(
    path: str, fs_hz: float | None, channel_spec: str | None, options: dict, ctx: TaskContext
) -> Recording:
    """Read ``path`` (``options`` are ``read_recording``'s keywords, e.g. ``dataset``) and keep
    the channels named by ``channel_spec`` (core only; runs in a worker)."""
    from ..io import read_recording

    ctx.progress(0.0, f"Reading {Path(path).name}")
    recording = read_recording(path, fs_hz=fs_hz, **options)
    ctx.check_cancelled()
    if channel_spec:
        recording = recording.select_channels(parse_channel_spec(channel_spec, recording.channel_names))
    ctx.progress(1.0, "Read")
    return recording


class RecordingOpener(QObject):
    """Reads one kind of file (the main recording, or a reference) in the background.

    ``ask_import(path, fs_hz, options, problem)`` is called when the file does not say
    everything needed to open it (no sampling rate; several arrays and none named); it shows
    the import dialog and returns an ``ImportChoice`` or None (give up). Without it the missing
    information is reported like any other error.

    Signals
    -------
    opened(object)
        The ``Recording`` that was read; also carries the path via ``last_path``.
    busy_changed(bool)
    """

    opened = Signal(object)
    busy_changed = Signal(bool)

    def __init__(
        self,
        name: str,
        parent_widget: QWidget,
        ask_import: AskImport | None = None,
    ) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self.ask_import = ask_import
        self.runner = TaskRunner(name, self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.running_changed.connect(self.busy_changed)
        self._request: tuple[str, float | None, str | None, dict] | None = None
        self.channel_spec: str | None = None
        self.fs_hz: float | None = None
        """The sampling rate given for the last file read (None: the file's own)."""
        self.read_options: dict = {}
        """The ``read_recording`` keywords the last file was read with."""
        self.path: str | None = None
        """The last file read."""

    def open(
        self,
        path: str | Path,
        fs_hz: float | None = None,
        channel_spec: str | None = None,
        options: dict | None = None,
    ) -> None:
        path = str(path)
        options = {k: v for k, v in (options or {}).items() if v}
        self._request = (path, fs_hz, channel_spec, options)
        self.runner.start(lambda ctx: read_selected(path, fs_hz, channel_spec, options, ctx))

    @property
    def is_busy(self) -> bool:
        return self.runner.is_running

    def _on_finished(self, recording: Recording) -> None:
        self.path, self.fs_hz, self.channel_spec, options = self._request or (None, None, None, {})
        self.read_options = dict(options)
        self.opened.emit(recording)

    def _on_failed(self, exc: BaseException) -> None:
        missing = isinstance(exc, (MissingSamplingRateError, ChoiceRequiredError))
        if missing and self.ask_import is not None and self._request:
            path, fs_hz, spec, options = self._request
            choice = self.ask_import(path, fs_hz, options, str(exc))
            if choice is not None:
                self.open(path, choice.fs_hz, spec, choice.options)
                return
            notifications.show_status(self._parent_widget, f"Opening {Path(path).name} was cancelled.")
            return
        notifications.report_error(exc, self._parent_widget, "Could not open the file")
