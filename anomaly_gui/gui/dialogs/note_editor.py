"""A small editor for a segment's note: Ctrl+Enter saves, Esc cancels."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class NoteEdit(QPlainTextEdit):
    """Plain text where Ctrl+Enter (or Ctrl+Return) submits instead of starting a line.

    Signals
    -------
    submitted()
    """

    submitted = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class NoteEditor(QDialog):
    """Edits one segment's note; window-modal but not blocking (``open``), so the caller and
    tests keep running while it is shown.

    Signals
    -------
    note_saved(int, str)
        The segment id and the new text (only when the text changed).
    """

    note_saved = Signal(int, str)

    def __init__(self, parent: QWidget, segment_id: int, title: str, note: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Segment note")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.segment_id = int(segment_id)
        self._original = note
        heading = QLabel(title)
        heading.setStyleSheet("font-weight: 600;")
        self.editor = NoteEdit()
        self.editor.setPlainText(note)
        self.editor.setPlaceholderText("What is this segment? (Ctrl+Enter saves, Esc cancels)")
        self.editor.setTabChangesFocus(True)
        self.editor.submitted.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setToolTip("Save the note (Ctrl+Enter)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        self.resize(420, 200)
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.editor.setTextCursor(cursor)

    def accept(self) -> None:
        text = self.editor.toPlainText().strip()
        if text != self._original:
            self.note_saved.emit(self.segment_id, text)
        super().accept()
