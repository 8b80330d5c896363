"""File ▸ Export ▸ …: segments, EDF+, WFDB annotations, crops, the view as PNG/SVG, reports.

What an export needs is captured on the GUI thread (a copy of the segments, the recording,
the report content); files that take time (EDF+, crops, reports) are written in a worker, so
the window stays responsive. Each export tells the path it wrote.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QWidget

from ..errors import AnomalyGuiError
from ..segments import SegmentSet
from . import file_dialogs, notifications, settings
from .dialogs import review_prompts
from .workers import TaskRunner


def _edf_annotations(recording) -> list[tuple[float, float, str]]:
    """The recording's own annotations as EDF+ ``(onset_s, duration_s, text)``."""
    ann = recording.annotations
    fs = recording.fs_hz
    durations = ann.duration_samples if ann.duration_samples is not None else [0] * len(ann)
    return [(int(on) / fs, max(0, int(d)) / fs, str(label)) for on, d, label in zip(ann.onset_samples, durations,
                                                                                   ann.labels)]


def write_svg(widget: QWidget, path: str, title: str) -> None:
    """``widget`` drawn as vector graphics into an SVG file. (pyqtgraph's SVGExporter cannot
    parse the paths Qt 6.8+ writes, pyqtgraph issue #3485; Qt's own generator can.)"""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(widget.size())
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    generator.setTitle(title)
    generator.setDescription("Exported by anomaly-gui")
    painter = QPainter()
    if not painter.begin(generator):
        raise AnomalyGuiError(f"Could not write the image {path}.")
    try:
        widget.render(painter)
    finally:
        painter.end()


class Exporter(QObject):
    """Export actions for one window.

    Signals
    -------
    export_written(str)
        An export finished; the path of the file (or the index of a crop folder).
    """

    export_written = Signal(str)

    def __init__(self, document, view, window: QWidget, export_segments_action) -> None:
        super().__init__(window)
        self.document = document
        self.view = view
        self.window = window
        self.runner = TaskRunner("export", self)
        self.runner.finished.connect(self._on_written)
        self.runner.failed.connect(lambda exc: notifications.report_error(exc, window, "Export failed"))
        self.runner.cancelled.connect(lambda: notifications.show_status(window, "Export cancelled"))
        self.segments_action = export_segments_action
        self.actions = []

    def fill_menu(self, menu: QMenu) -> None:
        """The File ▸ Export submenu."""
        menu.addAction(self.segments_action)
        entries = (
            ("EDF+ with annotations…", self.export_edf),
            ("WFDB annotations…", self.export_wfdb),
            ("Cropped segments…", self.export_crops),
            (None, None),
            ("Current view as PNG…", lambda: self.export_view("png")),
            ("Current view as SVG…", lambda: self.export_view("svg")),
            (None, None),
            ("Report (PDF)…", lambda: self.export_report("pdf")),
            ("Report (HTML)…", lambda: self.export_report("html")),
        )
        for text, slot in entries:
            if text is None:
                menu.addSeparator()
                continue
            action = menu.addAction(text)
            action.triggered.connect(slot)
            self.actions.append(action)
        self.edf_action, self.wfdb_action, self.crops_action, self.png_action, self.svg_action, \
            self.pdf_action, self.html_action = self.actions
        self.set_enabled(False)

    def set_enabled(self, has_session: bool) -> None:
        self.segments_action.setEnabled(has_session)
        for action in self.actions:
            action.setEnabled(has_session)

    # -- helpers ----------------------------------------------------------------------------
    def _ready(self) -> bool:
        if self.document.session is None or self.document.recording is None:
            notifications.show_status(self.window, "Nothing to export yet: run a detection or open a project.")
            return False
        if self.runner.is_running:
            notifications.show_status(self.window, "Another export is still being written; try again when it is done.")
            return False
        return True

    def _stem(self) -> str:
        return Path(self.document.recording.display_name).stem

    def _snapshot(self) -> SegmentSet:
        """The segments as they are now (the user may edit while the worker writes)."""
        return self.document.session.segments

    def _run(self, what: str, function) -> None:
        notifications.show_status(self.window, f"Writing {what}…", 60000)
        self.runner.start(function)

    def _on_written(self, path) -> None:
        notifications.show_status(self.window, f"Exported to {path}", 15000)
        self.export_written.emit(str(path))

    # -- exports ----------------------------------------------------------------------------
    def export_edf(self) -> None:
        if not self._ready():
            return
        path = file_dialogs.save_path(self.window, "Export EDF+", f"{self._stem()}_review.edf", "EDF+ file (*.edf)")
        if not path:
            return
        from ..io.export_edf import write_edf

        rec, segs = self.document.recording, list(self._snapshot())
        extra = _edf_annotations(rec)
        self._run("the EDF+ file", lambda ctx: (write_edf(path, rec, segs, extra_annotations=extra), path)[1])

    def export_wfdb(self) -> None:
        if not self._ready():
            return
        path = file_dialogs.save_path(self.window, "Export WFDB annotations", f"{self._stem()}.anom",
                                      "WFDB annotation file (*.anom);;All files (*)")
        if not path:
            return
        from ..io.export_wfdb import write_wfdb_annotations

        target = Path(path)
        extension = target.suffix.lstrip(".") or "anom"
        session = self.document.session
        try:
            written = write_wfdb_annotations(target.parent, target.stem, session.fs_hz, list(self._snapshot()),
                                             extension=extension)
        except Exception as exc:  # noqa: BLE001 - one route for every error
            notifications.report_error(exc, self.window, "Export failed")
            return
        settings.remember_directory(written)
        self._on_written(written)

    def export_crops(self) -> None:
        if not self._ready():
            return
        options = review_prompts.ask_crop_options(self.window)
        if options is None:
            return
        fmt, context_s = options
        folder = review_prompts.ask_directory(self.window, "Folder for the cropped segments",
                                              settings.last_directory())
        if not folder:
            return
        from ..io.export_crops import export_crops

        out = Path(folder) / f"{self._stem()}_crops"
        rec, segs = self.document.recording, list(self._snapshot())
        self._run(f"{len(segs)} crops", lambda ctx: export_crops(out, rec, segs, context_s=context_s, fmt=fmt))

    def export_view(self, fmt: str) -> None:
        """The plots as they are on screen (PNG: a grab; SVG: vector paths of the same drawing)."""
        if not self._ready():
            return
        path = file_dialogs.save_path(self.window, f"Export view as {fmt.upper()}", f"{self._stem()}_view.{fmt}",
                                      f"{fmt.upper()} image (*.{fmt})")
        if not path:
            return
        try:
            if fmt == "png":
                if not self.view.graphics.grab().save(path, "PNG"):
                    raise AnomalyGuiError(f"Could not write the image {path}.")
            else:
                tmp = f"{path}.{os.getpid()}.tmp.svg"
                write_svg(self.view.graphics, tmp, f"{self._stem()} — anomaly review")
                os.replace(tmp, path)
        except Exception as exc:  # noqa: BLE001 - one route for every error
            notifications.report_error(exc, self.window, "Export failed")
            return
        settings.remember_directory(path)
        self._on_written(path)

    def export_report(self, fmt: str) -> None:
        if not self._ready():
            return
        path = file_dialogs.save_path(self.window, f"Export report ({fmt.upper()})", f"{self._stem()}_report.{fmt}",
                                      f"{fmt.upper()} report (*.{fmt})")
        if not path:
            return
        from ..report import write_report
        from ..report.data import report_from_session

        data = report_from_session(self.document.session)  # gathered here; drawn in the worker
        self._run("the report", lambda ctx: write_report(path, data))
