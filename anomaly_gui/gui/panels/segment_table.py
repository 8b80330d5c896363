"""The review table: segments with status, label, annotations and note; filters; the summary.

The table only shows and selects; decisions go through the review actions (commands).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...segments import STATUSES, SegmentSet
from ...session.compare import AnnotationIndex, agreement
from .segment_model import (
    COL_ANNOTATIONS,
    COL_CHANNELS,
    COL_LABEL,
    COL_NOTE,
    COL_NUMBER,
    COL_STATUS,
    COLUMNS,
    SEGMENT_ID_ROLE,
    SEGMENT_INDEX_ROLE,
    SORT_ROLE,
    SegmentFilterProxy,
    SegmentTableModel,
)

__all__ = ["SegmentTable", "SegmentTableModel", "COLUMNS", "SORT_ROLE", "SEGMENT_INDEX_ROLE", "SEGMENT_ID_ROLE"]

ALL = "All"
COLUMN_WIDTHS = {COL_NUMBER: 48, COL_STATUS: 78, COL_LABEL: 110, COL_ANNOTATIONS: 110, COL_CHANNELS: 90}
SUMMARY_DELAY_MS = 60


class SegmentTable(QWidget):
    """A sortable, filterable table of the session's segments.

    Signals
    -------
    segment_selected(int)
        The user picked a row; the index is the segment's position in the session (by start).
    current_segment_changed(object)
        The id of the segment of the current row (None when there is none).
    selection_changed()
        The set of selected rows changed.
    """

    segment_selected = Signal(int)
    current_segment_changed = Signal(object)
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SegmentTableModel(self)
        self.proxy = SegmentFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._session = None
        self._annotations: AnnotationIndex | None = None
        self._threshold: float | None = None
        self._build()
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(SUMMARY_DELAY_MS)
        self._summary_timer.timeout.connect(self.refresh_summary)

    def _build(self) -> None:
        self.status_filter = QComboBox()
        self.status_filter.addItem("All statuses", None)
        for status in STATUSES:
            self.status_filter.addItem(status.capitalize(), status)
        self.label_filter = QComboBox()
        self.label_filter.setMinimumContentsLength(10)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter label or note…")
        self.text_filter.setClearButtonEnabled(True)
        for combo in (self.status_filter, self.label_filter):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.text_filter.textChanged.connect(self._apply_filters)
        self.set_labels([])
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(QLabel("Show"))
        filters.addWidget(self.status_filter)
        filters.addWidget(self.label_filter)
        filters.addWidget(self.text_filter, 1)

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setMinimumHeight(150)  # about six rows: a review table, not a strip
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(36)
        header.setDefaultSectionSize(72)
        header.setStretchLastSection(False)
        for col, width in COLUMN_WIDTHS.items():
            header.resizeSection(col, width)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel("No detection yet.")
        self.summary.setObjectName("segment_summary")
        self.agreement_label = QLabel()
        self.agreement_label.setObjectName("annotation_agreement")
        self.agreement_label.setStyleSheet("color: #404a5a;")
        self.agreement_label.setVisible(False)
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.agreement_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(self.buttons)
        selection = self.view.selectionModel()
        selection.currentRowChanged.connect(self._on_current_changed)
        selection.selectionChanged.connect(lambda *_: self.selection_changed.emit())
        self.view.clicked.connect(self._emit_for)

    # -- content ----------------------------------------------------------------------------
    def set_segments(self, segments: SegmentSet | None, threshold: float | None = None) -> None:
        """Show plain segments without a session (None: nothing)."""
        self._session = None
        self._threshold = threshold
        self.model.set_segments(segments if segments is not None else SegmentSet(fs_hz=1.0))
        self.refresh_summary()

    def set_session(self, session, annotations: AnnotationIndex | None = None) -> None:
        """Show ``session``'s segments (None: nothing) and compare them with ``annotations``."""
        self._session = session
        self._annotations = annotations if annotations is not None and len(annotations) else None
        self.model.set_annotations(self._annotations)
        self.model.set_session(session)
        self.view.setColumnHidden(COL_ANNOTATIONS, self._annotations is None)
        self.set_labels(session.labels if session is not None else [])
        self.refresh_summary()

    def apply_change(self, payload: dict) -> None:
        """Follow a change of the session's segments (``{"removed": ids, "added": ids}``)."""
        removed, added = payload.get("removed", ()), payload.get("added", ())
        self.model.apply_change(removed, added)
        if len(removed) + len(added) > 2:
            self.refresh_summary()  # re-detection, re-threshold: say so at once
        else:
            self._summary_timer.start()  # a key press: coalesce with the next ones

    def set_labels(self, labels: list[str]) -> None:
        """The label choices of the label filter (keeps the current choice when it remains)."""
        current = self.label_filter.currentData()
        self.label_filter.blockSignals(True)
        self.label_filter.clear()
        self.label_filter.addItem("All labels", None)
        self.label_filter.addItem("(no label)", SegmentFilterProxy.NO_LABEL)
        for label in labels:
            self.label_filter.addItem(label, label)
        index = self.label_filter.findData(current) if current is not None else 0
        self.label_filter.setCurrentIndex(max(0, index))
        self.label_filter.blockSignals(False)
        if index < 0:
            self._apply_filters()

    def set_threshold(self, threshold: float | None) -> None:
        self._threshold = threshold
        self.refresh_summary()

    def refresh_summary(self) -> None:
        self._summary_timer.stop()
        segments = self.model.segments
        if self._session is None and not len(segments):
            self.summary.setText("No detection yet.")
            self.agreement_label.setVisible(False)
            return
        threshold = self._session.threshold if self._session is not None else self._threshold
        counts = dict.fromkeys(STATUSES, 0)
        total_s = 0.0
        for s in segments:
            counts[s.status] += 1
            total_s += s.n_samples
        total_s /= segments.fs_hz
        parts = [f"{len(segments)} segment(s)", f"{counts['accepted']} accepted", f"{counts['rejected']} rejected",
                 f"{counts['pending']} pending", f"{total_s:.1f} s flagged"]
        if threshold is not None:
            parts.append(f"threshold {threshold:.4g}")
        if self.proxy.is_filtering:
            parts.append(f"{self.proxy.rowCount()} shown")
        self.summary.setText(" · ".join(parts))
        if self._annotations is not None:
            bounds = segments.bounds() if len(segments) else np.zeros((0, 2), np.int64)
            tolerance_ms = self._annotations.tolerance / segments.fs_hz * 1000
            within = f" (±{tolerance_ms:.0f} ms)" if tolerance_ms else ""
            self.agreement_label.setText(f"Annotations{within}: " + agreement(bounds, self._annotations).describe())
            self.agreement_label.setVisible(True)
        else:
            self.agreement_label.setVisible(False)

    # -- selection --------------------------------------------------------------------------
    def row_count(self) -> int:
        return self.proxy.rowCount()

    def select_row(self, row: int) -> None:
        """Select the ``row``-th visible row (as sorted) as if the user clicked it."""
        index = self.proxy.index(row, 0)
        self.view.setCurrentIndex(index)
        self._emit_for(index)

    def proxy_row_of(self, segment_id: int | None) -> int | None:
        """The visible row of a segment (None when filtered out or absent)."""
        if segment_id is None:
            return None
        row = self.model.row_of(segment_id)
        if row is None:
            return None
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        return index.row() if index.isValid() else None

    def select_id(self, segment_id: int | None) -> bool:
        """Make the segment's row the current and only selected one; False when it is not shown."""
        row = self.proxy_row_of(segment_id)
        if row is None:
            self.view.selectionModel().clearSelection()
            return False
        index = self.proxy.index(row, 0)
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                 | QItemSelectionModel.SelectionFlag.Current)
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def id_at_row(self, row: int) -> int | None:
        if not 0 <= row < self.proxy.rowCount():
            return None
        return int(self.proxy.index(row, 0).data(SEGMENT_ID_ROLE))

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return int(index.data(SEGMENT_ID_ROLE)) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        """Ids of the selected rows, in the table's order."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [int(self.proxy.index(r, 0).data(SEGMENT_ID_ROLE)) for r in rows]

    def ids_in_order(self) -> list[int]:
        """Ids of the visible rows as the table shows them (sorted, filtered)."""
        n = self.proxy.rowCount()
        return [self.model.segment_at(self.proxy.mapToSource(self.proxy.index(r, 0)).row()).id for r in range(n)]

    def _apply_filters(self, *_args) -> None:
        current = self.current_id()
        self.proxy.set_filters(self.status_filter.currentData(), self.label_filter.currentData(),
                               self.text_filter.text())
        if current is not None and self.proxy_row_of(current) is not None:
            self.select_id(current)
        self.refresh_summary()

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._emit_for(current)
        else:
            self.current_segment_changed.emit(None)

    def _emit_for(self, index: QModelIndex) -> None:
        if index.isValid():
            self.segment_selected.emit(int(index.data(SEGMENT_INDEX_ROLE)))
            self.current_segment_changed.emit(int(index.data(SEGMENT_ID_ROLE)))

    def focus_table(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
