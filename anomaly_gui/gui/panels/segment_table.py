"""The table of flagged segments: sortable, and a click shows the segment in the plots."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ...segments import SegmentSet

COLUMNS = ("#", "Start (s)", "End (s)", "Dur. (s)", "Peak", "Channels")
SORT_ROLE = Qt.ItemDataRole.UserRole
SEGMENT_INDEX_ROLE = Qt.ItemDataRole.UserRole + 1


class SegmentTableModel(QAbstractTableModel):
    """One row per segment of a ``SegmentSet`` (read-only)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._segments = SegmentSet(fs_hz=1.0)

    @property
    def segments(self) -> SegmentSet:
        return self._segments

    def set_segments(self, segments: SegmentSet) -> None:
        self.beginResetModel()
        self._segments = segments
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._segments)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        seg = self._segments[row]
        fs = self._segments.fs_hz
        values = (
            row + 1,
            seg.start_s(fs),
            seg.end_s(fs),
            seg.duration_s(fs),
            seg.score,
            ", ".join(seg.channels),
        )
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[col]
            if col in (1, 2):
                return f"{value:.3f}"
            if col == 3:
                return f"{value:.3f}"
            if col == 4:
                return f"{value:.4g}"
            return str(value)
        if role == SORT_ROLE:
            return values[col]
        if role == SEGMENT_INDEX_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and col < 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"samples {seg.start_sample}–{seg.end_sample} ({seg.n_samples} samples)"
        return None


class SegmentTable(QWidget):
    """A sortable table of segments.

    Signals
    -------
    segment_selected(int)
        The user picked a row; the index is the segment's position in the ``SegmentSet``.
    """

    segment_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SegmentTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(36)
        self.summary = QLabel("No detection yet.")
        self.summary.setObjectName("segment_summary")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.view.activated.connect(self._emit_for)
        self.view.clicked.connect(self._emit_for)

    def set_segments(self, segments: SegmentSet | None, threshold: float | None = None) -> None:
        self.model.set_segments(segments if segments is not None else SegmentSet(fs_hz=1.0))
        if segments is None:
            self.summary.setText("No detection yet.")
        else:
            total_s = sum(s.duration_s(segments.fs_hz) for s in segments)
            text = f"{len(segments)} segment(s), {total_s:.1f} s flagged"
            if threshold is not None:
                text += f" · threshold {threshold:.4g}"
            self.summary.setText(text)

    def row_count(self) -> int:
        return self.proxy.rowCount()

    def select_row(self, row: int) -> None:
        """Select the ``row``-th visible row (as sorted) as if the user clicked it."""
        index = self.proxy.index(row, 0)
        self.view.setCurrentIndex(index)
        self._emit_for(index)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._emit_for(current)

    def _emit_for(self, index: QModelIndex) -> None:
        if index.isValid():
            self.segment_selected.emit(int(index.data(SEGMENT_INDEX_ROLE)))
