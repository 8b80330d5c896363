"""The segment table's model and filter: one row per segment of a review session.

The model keeps its own list of the session's segments in the order the table shows and
follows each change of the session by the ids it names: a decision, label or note is a
``dataChanged`` of one row, a new or deleted segment one row inserted or removed, and only
changes of many segments (re-thresholding) reset the model. Sorting happens here, in one
Python sort of precomputed keys, not in ``QSortFilterProxyModel.lessThan`` (which would call
``data`` a quarter of a million times for 10,000 rows); the proxy only filters. An edited row
keeps its place until the next sort, so a decision never makes the row jump away. So 10,000
rows stay fluid.
"""

from __future__ import annotations

import bisect
import math

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from ...segments import STATUSES, Segment, SegmentSet
from ...session.compare import AnnotationIndex

COLUMNS = ("#", "Start (s)", "End (s)", "Dur. (s)", "Peak", "Status", "Label", "Annotations", "Note", "Channels")
(COL_NUMBER, COL_START, COL_END, COL_DURATION, COL_PEAK, COL_STATUS, COL_LABEL, COL_ANNOTATIONS, COL_NOTE,
 COL_CHANNELS) = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole
SEGMENT_INDEX_ROLE = Qt.ItemDataRole.UserRole + 1
SEGMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
INCREMENTAL_LIMIT = 64
"""Changes of more segments than this reset the model (one re-sort instead of many moves)."""

STATUS_TEXT = {"pending": "pending", "accepted": "accepted", "rejected": "rejected"}
STATUS_BACKGROUND = {"pending": QColor(255, 239, 204), "accepted": QColor(250, 214, 214),
                     "rejected": QColor(232, 232, 232)}
STATUS_FOREGROUND = {"pending": QColor(150, 90, 0), "accepted": QColor(170, 20, 20),
                     "rejected": QColor(95, 95, 95)}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_START = lambda s: s.start_sample  # noqa: E731


class SegmentTableModel(QAbstractTableModel):
    """Rows of segments (read-only: edits go through commands), sortable by any column."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Segment] = []
        self._row_of: dict[int, int] = {}
        self._fs = 1.0
        self._session = None
        self._sort: tuple[int, Qt.SortOrder] = (COL_NUMBER, Qt.SortOrder.AscendingOrder)
        self._annotations: AnnotationIndex | None = None
        self._ann_cache: dict[tuple[int, int], str] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._status_brushes = {k: QBrush(v) for k, v in STATUS_BACKGROUND.items()}
        self._status_pens = {k: QBrush(v) for k, v in STATUS_FOREGROUND.items()}

    # -- content ----------------------------------------------------------------------------
    @property
    def segments(self) -> SegmentSet:
        """The segments in time order."""
        return SegmentSet(self._fs, sorted(self._rows, key=_START))

    @property
    def fs_hz(self) -> float:
        return self._fs

    def set_segments(self, segments: SegmentSet) -> None:
        """Show a plain ``SegmentSet`` (no session)."""
        self.beginResetModel()
        self._session = None
        self._fs = float(segments.fs_hz)
        self._rows = self._sorted(list(segments))
        self._reindex()
        self.endResetModel()

    def set_session(self, session) -> None:
        """Follow ``session`` (None: empty); call ``apply_change`` on each of its segment changes."""
        self.beginResetModel()
        self._session = session
        self._fs = float(session.fs_hz) if session is not None else 1.0
        self._rows = self._sorted(list(session.segment_list)) if session is not None else []
        self._reindex()
        self.endResetModel()

    def set_annotations(self, index: AnnotationIndex | None) -> None:
        """The file annotations the Annotations column lists."""
        self._annotations = index if index is not None and len(index) else None
        self._ann_cache.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0, COL_ANNOTATIONS), self.index(len(self._rows) - 1, COL_ANNOTATIONS))

    def apply_change(self, removed_ids, added_ids) -> None:
        """Follow a change of the session's segments (the ids of its ``segments`` event)."""
        session = self._session
        if session is None:
            return
        removed, added = list(removed_ids), list(added_ids)
        if len(removed) + len(added) > INCREMENTAL_LIMIT:
            self.set_session(session)
            return
        if set(removed) == set(added) and all(i in self._row_of for i in added):
            for i in added:  # same segments, new fields or bounds: rows stay where they are
                row = self._row_of[i]
                self._rows[row] = session.segment(i)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            return
        for i in removed:
            row = self._row_of.get(i)
            if row is None:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self._reindex(row)
            self.endRemoveRows()
        for i in added:
            seg = session.segment(i)
            row = self._insertion_row(seg)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, seg)
            self._reindex(row)
            self.endInsertRows()

    # -- sorting ----------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # noqa: D401 - Qt
        """Reorder the rows by ``column`` (the selection follows its rows)."""
        self._sort = (int(column), order)
        self.layoutAboutToBeChanged.emit()
        old_rows = self._rows
        self._rows = self._sorted(old_rows)
        self._reindex()
        old = self.persistentIndexList()
        new = []
        for index in old:
            row = self._row_of.get(old_rows[index.row()].id) if index.isValid() else None
            new.append(self.index(row, index.column()) if row is not None else QModelIndex())
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _key(self, seg: Segment):
        column = self._sort[0]
        if column in (COL_NUMBER, COL_START):
            value = seg.start_sample
        elif column == COL_END:
            value = seg.end_sample
        elif column == COL_DURATION:
            value = seg.n_samples
        elif column == COL_PEAK:
            value = seg.score if not math.isnan(seg.score) else -math.inf
        elif column == COL_STATUS:
            value = STATUSES.index(seg.status)
        elif column == COL_LABEL:
            value = seg.label.lower()
        elif column == COL_ANNOTATIONS:
            value = self.annotation_summary(seg)
        elif column == COL_NOTE:
            value = seg.note.lower()
        else:
            value = ", ".join(seg.channels)
        return (value, seg.start_sample)

    def _sorted(self, rows: list[Segment]) -> list[Segment]:
        descending = self._sort[1] == Qt.SortOrder.DescendingOrder
        if self._sort[0] in (COL_NUMBER, COL_START) and not descending:
            return sorted(rows, key=_START)
        return sorted(rows, key=self._key, reverse=descending)

    def _insertion_row(self, seg: Segment) -> int:
        keys = [self._key(s) for s in self._rows]
        if self._sort[1] == Qt.SortOrder.DescendingOrder:
            keys.reverse()
            return len(keys) - bisect.bisect_right(keys, self._key(seg))
        return bisect.bisect_left(keys, self._key(seg))

    def _reindex(self, from_row: int = 0) -> None:
        if from_row == 0:
            self._row_of = {s.id: r for r, s in enumerate(self._rows)}
            return
        for r in range(from_row, len(self._rows)):
            self._row_of[self._rows[r].id] = r
        for key in [k for k, r in self._row_of.items() if r >= len(self._rows) or self._rows[r].id != k]:
            del self._row_of[key]

    # -- lookups ----------------------------------------------------------------------------
    def row_of(self, segment_id: int) -> int | None:
        return self._row_of.get(segment_id)

    def segment_at(self, row: int) -> Segment:
        return self._rows[row]

    def time_index(self, seg: Segment) -> int:
        """The segment's position in time order (the "#" column counts from 1)."""
        if self._session is not None:
            return self._session.index_of(seg.id)
        return bisect.bisect_left(sorted(s.start_sample for s in self._rows), seg.start_sample)

    def annotation_summary(self, seg: Segment) -> str:
        if self._annotations is None:
            return ""
        key = (seg.start_sample, seg.end_sample)
        text = self._ann_cache.get(key)
        if text is None:
            text = self._annotations.summary(seg.start_sample, seg.end_sample)
            self._ann_cache[key] = text
        return text

    # -- Qt model ---------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def _value(self, row: int, col: int, seg: Segment):
        fs = self._fs
        if col == COL_NUMBER:
            return self.time_index(seg) + 1
        if col == COL_START:
            return seg.start_sample / fs
        if col == COL_END:
            return seg.end_sample / fs
        if col == COL_DURATION:
            return seg.n_samples / fs
        if col == COL_PEAK:
            return float(seg.score)
        if col == COL_STATUS:
            return STATUSES.index(seg.status)
        if col == COL_LABEL:
            return seg.label
        if col == COL_ANNOTATIONS:
            return self.annotation_summary(seg)
        if col == COL_NOTE:
            return seg.note
        return ", ".join(seg.channels)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        seg = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_STATUS:
                return STATUS_TEXT[seg.status]
            if col == COL_NOTE:
                return " ".join(seg.note.split())  # one line in the table
            value = self._value(row, col, seg)
            if col in (COL_START, COL_END, COL_DURATION):
                return f"{value:.3f}"
            if col == COL_PEAK:
                return f"{value:.4g}"
            return str(value)
        if role == SORT_ROLE:
            return self._value(row, col, seg)
        if role == SEGMENT_INDEX_ROLE:
            return self.time_index(seg)
        if role == SEGMENT_ID_ROLE:
            return seg.id
        if role == Qt.ItemDataRole.TextAlignmentRole and col <= COL_PEAK:
            return _RIGHT
        if col == COL_STATUS:
            if role == Qt.ItemDataRole.BackgroundRole:
                return self._status_brushes[seg.status]
            if role == Qt.ItemDataRole.ForegroundRole:
                return self._status_pens[seg.status]
            if role == Qt.ItemDataRole.FontRole and seg.status != "pending":
                return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_NOTE and seg.note:
                return seg.note
            return f"samples {seg.start_sample}–{seg.end_sample} ({seg.n_samples} samples)"
        return None


class SegmentFilterProxy(QSortFilterProxyModel):
    """Keeps rows matching a status, a label and a text; sorting is the source model's."""

    NO_LABEL = "\x00none"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._sort_column, self._sort_order = COL_NUMBER, Qt.SortOrder.AscendingOrder
        self._status: str | None = None
        self._label: str | None = None
        self._text = ""

    def set_filters(self, status: str | None = None, label: str | None = None, text: str = "") -> None:
        """``status``/``label`` None: any; ``label`` ``NO_LABEL``: unlabelled; ``text``: in label or note."""
        text = text.strip().lower()
        if (status, label, text) == (self._status, self._label, self._text):
            return
        self.beginFilterChange()
        self._status, self._label, self._text = status, label, text
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # noqa: D401 - Qt
        self._sort_column, self._sort_order = column, order
        if column >= 0:
            self.sourceModel().sort(column, order)

    def sortColumn(self) -> int:  # noqa: N802 - Qt override
        return self._sort_column

    def sortOrder(self) -> Qt.SortOrder:  # noqa: N802 - Qt override
        return self._sort_order

    @property
    def is_filtering(self) -> bool:
        return bool(self._status or self._label is not None or self._text)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802 - Qt override
        if not self.is_filtering:
            return True
        seg = self.sourceModel().segment_at(source_row)
        if self._status and seg.status != self._status:
            return False
        if self._label is not None and seg.label != ("" if self._label == self.NO_LABEL else self._label):
            return False
        if self._text and self._text not in seg.label.lower() and self._text not in seg.note.lower():
            return False
        return True
