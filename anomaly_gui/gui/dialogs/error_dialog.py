"""The one dialog for unexpected errors: what happened, the traceback and the versions."""

from __future__ import annotations

import platform
import sys
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ... import __version__


def versions_text() -> str:
    """Versions worth putting in a bug report (torch only when it is already loaded)."""
    import numpy
    import PySide6
    import pyqtgraph

    lines = [
        f"anomaly_gui {__version__}",
        f"Python {platform.python_version()} on {platform.platform()}",
        f"PySide6 {PySide6.__version__} (Qt {PySide6.QtCore.qVersion()})",
        f"pyqtgraph {pyqtgraph.__version__}",
        f"numpy {numpy.__version__}",
    ]
    torch = sys.modules.get("torch")
    if torch is not None:
        lines.append(f"torch {torch.__version__}")
    return "\n".join(lines)


def traceback_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def build_error_box(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """A critical message box: one line on top, traceback and versions under "Show Details"."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Unexpected error")
    box.setText(f"Something went wrong: {type(exc).__name__}: {exc}")
    box.setInformativeText(
        "The window is still usable. If this keeps happening, please report it with the "
        "details below."
    )
    box.setDetailedText(f"{traceback_text(exc)}\n{versions_text()}")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    return box
