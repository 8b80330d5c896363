"""The label-set editor: the labels offered for segments (keys 1–9 pick the first nine)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class LabelSetDialog(QDialog):
    """An editable, reorderable list of labels with a way back to the defaults."""

    def __init__(self, parent: QWidget | None, labels: list[str], defaults: list[str], domain_name: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Label set")
        self._defaults = list(defaults)
        intro = QLabel(f"Labels for {domain_name} recordings. Keys 1–9 give the first nine; "
                       "double-click a label to rename it.")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self._fill(labels)
        add = QPushButton("Add")
        remove = QPushButton("Remove")
        up = QPushButton("Up")
        down = QPushButton("Down")
        reset = QPushButton("Defaults")
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        reset.clicked.connect(lambda: self._fill(self._defaults))
        side = QVBoxLayout()
        for button in (add, remove, up, down):
            side.addWidget(button)
        side.addStretch(1)
        side.addWidget(reset)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(360, 320)

    def _fill(self, labels: list[str]) -> None:
        self.list.clear()
        for label in labels:
            self._append(label)

    def _append(self, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        return item

    def _add(self) -> None:
        item = self._append("new label")
        self.list.setCurrentItem(item)
        self.list.editItem(item)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def _move(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def labels(self) -> list[str]:
        """The labels in order, trimmed, without blanks or repeats."""
        texts = (self.list.item(i).text().strip() for i in range(self.list.count()))
        return list(dict.fromkeys(t for t in texts if t))


def edit_label_set(parent: QWidget | None, labels: list[str], defaults: list[str],
                   domain_name: str) -> list[str] | None:
    """Ask for a new label set; None when cancelled or left empty (tests replace this function)."""
    dialog = LabelSetDialog(parent, labels, defaults, domain_name)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.labels() or None
