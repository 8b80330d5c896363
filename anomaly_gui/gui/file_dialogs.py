"""File choosers and the actions behind them (export, screenshot), errors through one route."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ..errors import AnomalyGuiError
from . import notifications, settings
from .document import Document

EXPORT_FILTERS = "CSV table (*.csv);;JSON document (*.json)"
SCREENSHOT_FILTER = "PNG image (*.png)"
PROJECT_FILTER = "Anomaly GUI project (*.agproj)"


def choose_recording(parent: QWidget, title: str = "Open recording", with_projects: bool = False) -> str | None:
    """A path from the open dialog, or None (``with_projects``: review projects are offered too)."""
    from ..io import FILE_DIALOG_FILTER

    filters = FILE_DIALOG_FILTER
    if with_projects:  # the first group lists every openable file: projects belong there too
        first, _, rest = FILE_DIALOG_FILTER.partition(";;")
        filters = f"{first.replace('(', '(*.agproj ', 1)};;{PROJECT_FILTER};;{rest}"
    path, _filter = QFileDialog.getOpenFileName(parent, title, settings.last_directory(), filters)
    if not path:
        return None
    settings.remember_directory(path)
    return path


def save_path(parent: QWidget, title: str, default_name: str, filters: str) -> str | None:
    """A path from the save dialog (in the last directory, with the filter's suffix), or None."""
    return _save_path(parent, title, default_name, filters)


def _save_path(parent: QWidget, title: str, default_name: str, filters: str) -> str | None:
    start = str(Path(settings.last_directory()) / default_name)
    path, chosen_filter = QFileDialog.getSaveFileName(parent, title, start, filters)
    if not path:
        return None
    if not Path(path).suffix:  # some platforms' dialogs do not add the filter's suffix
        suffix = chosen_filter.rsplit("*", 1)[-1].rstrip(")") if "*" in chosen_filter else ""
        path += suffix
    settings.remember_directory(path)
    return path


def export_segments(parent: QWidget, document: Document) -> bool:
    """Ask for a .csv/.json path and write the session's segments (with their review) there."""
    from ..io.export import write_segments

    session = document.session
    if document.recording is None or session is None:
        notifications.show_status(parent, "Nothing to export yet: run a detection first.")
        return False
    default = f"{Path(document.recording.display_name).stem}_segments.csv"
    path = _save_path(parent, "Export segments", default, EXPORT_FILTERS)
    if path is None:
        return False
    segments = session.segments
    try:
        write_segments(path, segments, document.recording, document.export_settings(),
                       session.threshold)
    except Exception as exc:  # noqa: BLE001 - one route for every error
        notifications.report_error(exc, parent, "Export failed")
        return False
    notifications.show_status(parent, f"Exported {len(segments)} segment(s) to {path}")
    return True


def save_screenshot(parent: QWidget) -> bool:
    """Ask for a PNG path and save an image of the window there."""
    path = _save_path(parent, "Save screenshot", "anomaly_gui.png", SCREENSHOT_FILTER)
    if path is None:
        return False
    if not parent.window().grab().save(path):
        notifications.report_error(AnomalyGuiError(f"Could not write the image {path}."), parent)
        return False
    notifications.show_status(parent, f"Saved screenshot to {path}")
    return True
