"""Review gestures → commands: decide, label, annotate, delete, merge, split, draw and move segments.

The controller keeps the *current segment* (the one the keys act on), shows it in the table and
on the plots (centred with context, outlined, with draggable edges) and paints every segment in
its status colour. It never edits a segment itself: each gesture becomes a command on the
session's stack (``SessionController.push``).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from ..segments import STATUSES
from ..session.commands import (
    CreateSegment,
    DeleteSegment,
    MergeSegments,
    MoveBoundary,
    SetLabel,
    SetNote,
    SetStatus,
    SplitSegment,
)
from ..session.compare import MATCH_WINDOW_S, AnnotationIndex
from . import notifications, settings
from .dialogs.note_editor import NoteEditor
from .review_jumps import review_span, segment_at

STATUS_CODE = {status: code for code, status in enumerate(STATUSES)}
SHOW_AFTER_UNDO_MAX = 4


class ReviewController(QObject):
    """The current segment and the commands of the review keys.

    Signals
    -------
    current_changed(object)
        The id of the current segment (None: none).
    """

    current_changed = Signal(object)

    def __init__(self, document, table, view, editor, window) -> None:
        super().__init__(window)
        self.document = document
        self.table = table
        self.view = view
        self.editor = editor
        self.window = window
        self.current_id: int | None = None
        self.annotations: AnnotationIndex | None = None
        self.note_editor: NoteEditor | None = None
        self.advance = settings.advance_after_decision()
        self._selecting = False
        self._last_added: list[int] = []
        self._paint_timer = QTimer(self)
        self._paint_timer.setSingleShot(True)
        self._paint_timer.setInterval(0)
        self._paint_timer.timeout.connect(self.paint)
        review = document.review
        review.session_replaced.connect(self._on_session_replaced)
        review.segments_edited.connect(self._on_segments_edited)
        review.labels_changed.connect(table.set_labels)
        review.threshold_changed.connect(table.set_threshold)
        table.current_segment_changed.connect(self._on_table_current)
        editor.boundary_moved.connect(self.move_boundary)
        editor.segment_drawn.connect(self.create_segment)
        view.channels_changed.connect(self._on_plots_changed)

    @property
    def session(self):
        return self.document.review.session

    # -- following the session --------------------------------------------------------------
    def _on_session_replaced(self, session) -> None:
        self.current_id = None
        rec = session.recording if session is not None else None
        ann = rec.annotations if rec is not None else None
        self.annotations = None
        if ann is not None and len(ann):  # beat labels match within the usual 150 ms window
            self.annotations = AnnotationIndex.from_annotations(ann, round(MATCH_WINDOW_S * rec.fs_hz))
        self.table.set_session(session, self.annotations)
        self.editor.show_segment(None)
        self.paint()
        self.current_changed.emit(None)

    def _on_segments_edited(self, payload: dict) -> None:
        self.table.apply_change(payload)
        self._last_added = list(payload.get("added", ()))
        session = self.session
        if self.current_id is not None and session is not None:
            try:
                session.segment(self.current_id)
            except Exception:  # noqa: BLE001 - the current segment is gone (deleted, replaced)
                self.current_id = None
                self.current_changed.emit(None)
        self.paint()

    def _on_plots_changed(self) -> None:
        self.editor.attach()
        self._paint_timer.start()

    def paint(self) -> None:
        """Status colours on every overlay, the outline and the edge handles of the current segment."""
        self._paint_timer.stop()
        session = self.session
        overlays = list(self.view.overlays) + [self.view.overview.segments]
        if session is None:
            for overlay in overlays:
                overlay.set_intervals(np.zeros((0, 2)))
            self.editor.show_segment(None)
            return
        segs = session.segment_list
        n = len(segs)
        bounds = np.fromiter((v for s in segs for v in (s.start_sample, s.end_sample)), np.int64, 2 * n)
        intervals = bounds.reshape(n, 2).astype(np.float64) / session.fs_hz
        kinds = np.fromiter((STATUS_CODE[s.status] for s in segs), np.int8, n)
        index = session.index_of(self.current_id) if self.current_id is not None else None
        for overlay in overlays:
            overlay.set_intervals(intervals, kinds, index)
        if index is None:
            self.editor.show_segment(None)
        else:
            seg = segs[index]
            self.editor.show_segment(seg.id, seg.start_sample / session.fs_hz, seg.end_sample / session.fs_hz)

    # -- the current segment ----------------------------------------------------------------
    def select(self, segment_id: int | None, centre: bool = True) -> None:
        """Make ``segment_id`` current: selected in the table (when shown), centred on the plots."""
        session = self.session
        if session is None:
            return
        if self._selecting:
            return
        self._selecting = True
        try:
            changed = segment_id != self.current_id
            self.current_id = segment_id
            if segment_id is not None and self.table.current_id() != segment_id:
                self.table.select_id(segment_id)
            if segment_id is not None and centre:
                self.centre_on(segment_id)
        finally:
            self._selecting = False
        self.paint()
        if changed:
            self.current_changed.emit(segment_id)

    def _on_table_current(self, segment_id) -> None:
        if not self._selecting and segment_id is not None:
            self.select(segment_id)

    def centre_on(self, segment_id: int) -> None:
        session = self.session
        seg = session.segment(segment_id)
        t0, t1 = self.view.x_range()
        fs = session.fs_hz
        self.view.set_x_range(*review_span(seg.start_sample / fs, seg.end_sample / fs, t1 - t0, self.view.duration_s))

    def target_ids(self) -> list[int]:
        """What the keys act on: the selected rows, else the current segment."""
        ids = self.table.selected_ids()
        if ids:
            return ids
        return [self.current_id] if self.current_id is not None else []

    def _need_targets(self) -> list[int]:
        ids = self.target_ids()
        if not ids:
            notifications.show_status(self.window, "Select a segment first: click a row, or press N.")
        return ids

    # -- decisions, labels, notes -----------------------------------------------------------
    def set_status(self, status: str) -> None:
        ids = self._need_targets()
        if not ids:
            return
        following = self._following_id() if self.advance and status != "pending" and len(ids) == 1 else None
        if self.document.review.push(SetStatus(ids, status)) and following is not None:
            self.select(following)

    def _following_id(self) -> int | None:
        row = self.table.proxy_row_of(self.current_id)
        return self.table.id_at_row(row + 1) if row is not None else None

    def set_label_number(self, number: int) -> None:
        """Keys 1–9: the label at that place of the session's label set."""
        session = self.session
        if session is None:
            return
        if not 1 <= number <= len(session.labels):
            notifications.show_status(self.window,
                                      f"The label set has no label {number} (Detection ▸ Edit label set…).")
            return
        self.set_label(session.labels[number - 1])

    def set_label(self, label: str) -> None:
        ids = self._need_targets()
        if ids:
            self.document.review.push(SetLabel(ids, label))

    def edit_note(self) -> None:
        """Open the note editor for the current segment (Ctrl+Enter saves)."""
        session = self.session
        if session is None or self.current_id is None:
            notifications.show_status(self.window, "Select a segment first: click a row, or press N.")
            return
        seg = session.segment(self.current_id)
        fs = session.fs_hz
        title = f"{seg.start_sample / fs:.3f}–{seg.end_sample / fs:.3f} s · {seg.status}"
        if seg.label:
            title += f" · {seg.label}"
        if self.note_editor is not None:
            self.note_editor.close()
        self.note_editor = NoteEditor(self.window, seg.id, title, seg.note)
        self.note_editor.note_saved.connect(self._save_note)
        self.note_editor.finished.connect(self._note_editor_closed)
        self.note_editor.open()

    def _save_note(self, segment_id: int, text: str) -> None:
        self.document.review.push(SetNote(segment_id, text))

    def _note_editor_closed(self, _result: int) -> None:
        self.note_editor = None
        self.window.activateWindow()  # the keys go back to the review at once
        self.table.focus_table()

    # -- segment edits ----------------------------------------------------------------------
    def delete(self) -> None:
        ids = self._need_targets()
        if not ids:
            return
        rows = [r for r in (self.table.proxy_row_of(i) for i in ids) if r is not None]
        following = self.table.id_at_row(max(rows) + 1) if rows else None
        if following is None and rows:
            following = self.table.id_at_row(min(rows) - 1)
        if self.document.review.push(DeleteSegment(ids)) and following is not None:
            self.select(following)

    def merge(self) -> None:
        ids = self.table.selected_ids()
        if len(ids) < 2:
            notifications.show_status(self.window, "Select two or more rows to merge (Shift or Ctrl + click).")
            return
        session = self.session
        first = min(ids, key=lambda i: session.segment(i).start_sample)
        if self.document.review.push(MergeSegments(ids)):
            self.select(first)

    def split_at_cursor(self) -> None:
        """Cut the segment under the mouse there, else the current one at the view's centre."""
        session = self.session
        if session is None:
            return
        fs = session.fs_hz
        t = self.editor.mouse_time_s
        seg = segment_at(session.segment_list, int(round(t * fs))) if t is not None else None
        if seg is None:
            t0, t1 = self.view.x_range()
            t = (t0 + t1) / 2
            seg = segment_at(session.segment_list, int(round(t * fs)))
        if seg is None:
            notifications.show_status(self.window,
                                      "Put the mouse (or the view's centre) inside a segment to split it.")
            return
        if self.document.review.push(SplitSegment(seg.id, int(round(t * fs)))):
            self.select(seg.id, centre=False)

    def create_segment(self, t0_s: float, t1_s: float) -> None:
        session = self.session
        if session is None:
            notifications.show_status(self.window, "Run a detection or open a project before adding segments.")
            return
        fs = session.fs_hz
        command = CreateSegment(int(round(t0_s * fs)), int(round(t1_s * fs)))
        if self.document.review.push(command):
            self.select(command.patch.added[0].id, centre=False)

    def move_boundary(self, segment_id: int, side: str, t_s: float) -> None:
        session = self.session
        if session is None:
            return
        if not self.document.review.push(MoveBoundary(segment_id, side, int(round(t_s * session.fs_hz)))):
            self.paint()  # put the handles back where the segment is

    # -- undo / redo ------------------------------------------------------------------------
    def undo(self) -> None:
        self._step(self.document.review.undo)

    def redo(self) -> None:
        self._step(self.document.review.redo)

    def _step(self, op) -> None:
        self._last_added = []
        if op() and 0 < len(self._last_added) <= SHOW_AFTER_UNDO_MAX:
            # show what came back (a deleted segment, the old boundary …), not after a re-threshold
            keep = self.current_id if self.current_id in self._last_added else self._last_added[0]
            self.select(keep)
