"""The questions the review workflow asks; module functions so tests (and the screenshot
mode) can answer them without a blocking dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
    QWidget,
)

CROP_FORMATS = (("CSV tables", "csv"), ("NumPy arrays (.npy)", "npy"), ("WAV audio", "wav"), ("EDF+ files", "edf"))


def ask_unsaved(parent: QWidget | None, project_name: str) -> str:
    """"save", "discard" or "cancel" for unsaved changes of ``project_name``."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                      f"Save the changes to {project_name} before closing it?",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setInformativeText("Your review (decisions, labels, notes, edited segments) is lost if you don't save.")
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    return {QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")


def recovery_question(entry) -> str:
    """The one-line question for a ``RecoveryEntry``."""
    when = entry.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    source = Path(entry.project_path or entry.source_path or "untitled").name
    return f"Recover unsaved work from {when} ({source}, {entry.change_count} change(s))?"


def ask_recovery(parent: QWidget | None, entry) -> str:
    """"recover", "discard" or "later" for an unsaved session found after a crash."""
    box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work", recovery_question(entry),
                      QMessageBox.StandardButton.NoButton, parent)
    recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
    box.setInformativeText("Anomaly GUI did not close normally. Discard deletes the recovery files; "
                           "Later keeps them and asks again next time.")
    box.setDefaultButton(recover)
    box.exec()
    clicked = box.clickedButton()
    return "recover" if clicked is recover else "discard" if clicked is discard else "later"


def ask_source_location(parent: QWidget | None, expected: Path) -> str | None:
    """Where the project's recording is now (None: give up)."""
    suffix = expected.suffix or "*"
    start = str(expected.parent) if expected.parent.is_dir() else ""
    path, _ = QFileDialog.getOpenFileName(parent, f"{expected.name} was moved or renamed: where is it now?", start,
                                          f"{expected.name} (*{suffix});;All files (*)")
    return path or None


def ask_open_changed_source(parent: QWidget | None, message: str) -> bool:
    """Open a project although its recording is not the file it was made on?"""
    answer = QMessageBox.question(parent, "Recording changed", f"{message}\n\nOpen the project anyway?")
    return answer == QMessageBox.StandardButton.Yes


class CropOptionsDialog(QDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export cropped segments")
        self.format_combo = QComboBox()
        for text, key in CROP_FORMATS:
            self.format_combo.addItem(text, key)
        self.context_spin = QDoubleSpinBox()
        self.context_spin.setRange(0.0, 600.0)
        self.context_spin.setDecimals(2)
        self.context_spin.setValue(1.0)
        self.context_spin.setSuffix(" s")
        form = QFormLayout(self)
        form.addRow("Format:", self.format_combo)
        form.addRow("Context each side:", self.context_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


def ask_crop_options(parent: QWidget | None) -> tuple[str, float] | None:
    """(format, context seconds) for a crop export, or None."""
    dialog = CropOptionsDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return str(dialog.format_combo.currentData()), float(dialog.context_spin.value())


def ask_directory(parent: QWidget | None, title: str, start: str) -> str | None:
    path = QFileDialog.getExistingDirectory(parent, title, start)
    return path or None
