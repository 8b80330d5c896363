"""Ask which dataset or array to open when a file (HDF5, MATLAB) holds several."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget


def ask_dataset(parent: QWidget | None, file_name: str, choices: list) -> str | None:
    """The path of the chosen ``DatasetChoice``, or None when the user cancelled."""
    labels = [f"{c.path}   ({' × '.join(str(n) for n in c.shape)}, {c.dtype})" for c in choices]
    label, ok = QInputDialog.getItem(
        parent,
        "Choose the signal",
        f"'{file_name}' holds several arrays. Which one holds the signal?",
        labels,
        0,
        False,
    )
    return choices[labels.index(label)].path if ok and label in labels else None
