"""Opening recordings off the GUI thread, asking for a sampling rate when the file has none."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ..errors import MissingSamplingRateError
from ..io import ChoiceRequiredError
from ..recording import Recording, parse_channel_spec
from ..tasks import TaskContext
from . import notifications
from .workers import TaskRunner

AskRate = Callable[[str], "float | None"]
AskChoice = Callable[[str, list], "str | None"]


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

    ``ask_rate(file_name)`` is called when the file states no sampling rate; it returns the
    rate or None (give up). ``ask_choice(file_name, choices)`` is called when the file holds
    several datasets/arrays and none was named; it gets the ``DatasetChoice`` list and returns
    the chosen path or None.
    Without them the missing information is reported like any other error.

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
        ask_rate: AskRate | None = None,
        ask_choice: AskChoice | None = None,
    ) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self.ask_rate = ask_rate
        self.ask_choice = ask_choice
        self.runner = TaskRunner(name, self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.running_changed.connect(self.busy_changed)
        self._request: tuple[str, float | None, str | None, dict] | None = None
        self.channel_spec: str | None = None
        self.fs_hz: float | None = None
        """The sampling rate given for the last file read (None: the file's own)."""

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
        self.channel_spec = self._request[2] if self._request else None
        self.fs_hz = self._request[1] if self._request else None
        self.opened.emit(recording)

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, MissingSamplingRateError) and self.ask_rate is not None and self._request:
            path, _fs, spec, options = self._request
            fs_hz = self.ask_rate(Path(path).name)
            if fs_hz is not None:
                self.open(path, fs_hz, spec, options)
                return
            notifications.show_status(self._parent_widget, f"Opening {Path(path).name} was cancelled.")
            return
        if isinstance(exc, ChoiceRequiredError) and self.ask_choice is not None and self._request:
            path, fs_hz, spec, options = self._request
            choice = self.ask_choice(Path(path).name, list(exc.choices))
            if choice is not None:
                self.open(path, fs_hz, spec, dict(options, dataset=choice))
                return
            notifications.show_status(self._parent_widget, f"Opening {Path(path).name} was cancelled.")
            return
        notifications.report_error(exc, self._parent_widget, "Could not open the file")
