"""Help ▸ Keyboard shortcuts: every key of the window, read from its actions (never out of date)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout

Entry = QAction | tuple[QAction, str] | tuple[str, str]
Section = tuple[str, list[Entry]]


def window_sections(window) -> list[Section]:
    """The main window's shortcuts, section by section (read from its actions)."""
    nav = window.navigator
    return [("File", [window.open_action, window.import_action, window.open_project_action, window.save_action,
                      window.save_as_action, (window.export_action, "Export segments (CSV or JSON)"),
                      window.quit_action]),
            *window.review_actions.shortcut_sections(),
            ("View", [nav.page_back_action, nav.page_forward_action, nav.step_back_action, nav.step_forward_action,
                      nav.start_action, nav.end_action, nav.zoom_in_action, nav.zoom_out_action,
                      nav.show_all_action, nav.go_to_action, nav.cursors_action, nav.filter_action]),
            ("Detection", [window.detect_action, window.retrain_action]),
            ("Help", [window.shortcuts_action])]


def shortcut_rows(sections: list[Section]) -> list[tuple[str, str, str]]:
    """``(section, what, keys)`` for every entry with a shortcut: an action, an action with the
    text to show for it, or a plain ``(text, keys)`` for keys that belong to no single action."""
    rows = []
    for title, entries in sections:
        for entry in entries:
            if isinstance(entry, tuple) and isinstance(entry[0], str):
                text, keys = entry
            else:
                action, text = entry if isinstance(entry, tuple) else (entry, entry.text())
                keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            if keys:
                rows.append((title, text.replace("&", "").rstrip("…"), keys))
    return rows


class ShortcutsDialog(QDialog):
    """A table of the shortcuts, grouped by what they act on."""

    def __init__(self, parent, sections: list[Section]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(sections)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Area", "Action", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setDefaultSectionSize(22)
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 2:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 640)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
