"""Jumping through a review from the keyboard: next segment by table order, status, label or
score rank, and next file annotation with a label (as WFDB users search for the next
ventricular beat). The arithmetic is in ``review_jumps`` and ``session.compare``."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLineEdit

from ..dsp.timefmt import format_time
from . import notifications, viewport
from .review_jumps import next_by_time, score_order, step_in_order

NEAR_FRACTION = 0.02
"""An annotation "under the cursor" lies within this fraction of the visible span (or 0.1 s)."""


class ReviewNavigator(QObject):
    """Jump actions for one ``ReviewController``; owns the "Find annotation" field."""

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.controller = controller
        self.find_field = QLineEdit()
        self.find_field.setObjectName("find_annotation")
        self.find_field.setPlaceholderText("Find annotation (e.g. V)")
        self.find_field.setClearButtonEnabled(True)
        self.find_field.setMaximumWidth(180)
        self.find_field.setToolTip("Alt+Right / Alt+Left jump to the next / previous file annotation with this "
                                   "label (empty: the label of the annotation under the mouse)")
        self.find_field.returnPressed.connect(lambda: self.next_annotation(1))

    # -- segments ---------------------------------------------------------------------------
    def step(self, delta: int) -> None:
        """Next (+1) or previous (-1) row of the table as it is sorted and filtered."""
        c = self.controller
        table = c.table
        if table.row_count() == 0:
            hidden = c.session is not None and len(c.session) > 0
            self._say("No segment to go to" + (" (the filter hides them all)." if hidden else "."))
            return
        row = table.proxy_row_of(c.current_id)
        if row is None:
            target = table.id_at_row(0 if delta > 0 else table.row_count() - 1)
        else:
            target = table.id_at_row(row + delta)
        if target is None:
            self._say("Last segment." if delta > 0 else "First segment.")
            return
        c.select(target)

    def _reference_sample(self) -> int:
        """Where a search by time starts: the current segment, else the view's centre."""
        c = self.controller
        session = c.session
        if c.current_id is not None:
            return session.segment(c.current_id).start_sample
        t0, t1 = c.view.x_range()
        return int(round((t0 + t1) / 2 * session.fs_hz))

    def next_with_status(self, direction: int, status: str = "pending") -> None:
        c = self.controller
        if c.session is None:
            return
        seg = next_by_time(c.session.segment_list, self._reference_sample(), direction, lambda s: s.status == status)
        if seg is None:
            self._say(f"No {status} segment {'after' if direction > 0 else 'before'} this one.")
            return
        c.select(seg.id)

    def next_with_label(self, direction: int) -> None:
        """The next segment with the current segment's label."""
        c = self.controller
        if c.session is None or c.current_id is None:
            self._say("Select a labelled segment first.")
            return
        label = c.session.segment(c.current_id).label
        if not label:
            self._say("The current segment has no label.")
            return
        seg = next_by_time(c.session.segment_list, self._reference_sample(), direction, lambda s: s.label == label)
        if seg is None:
            self._say(f"No other segment labelled '{label}' {'after' if direction > 0 else 'before'} this one.")
            return
        c.select(seg.id)

    def next_by_score(self, direction: int) -> None:
        """Down (+1) or up (-1) the ranking by peak score."""
        c = self.controller
        if c.session is None or not len(c.session):
            return
        order = score_order(c.session.segment_list)
        target = step_in_order(order, c.current_id, direction)
        if target is None:
            self._say("Lowest score reached." if direction > 0 else "Highest score reached.")
            return
        c.select(target)
        self._say(f"Score rank {order.index(target) + 1} of {len(order)}", 3000)

    # -- file annotations -------------------------------------------------------------------
    def next_annotation(self, direction: int) -> None:
        """The next (+1) / previous (-1) file annotation with the label or text in the find
        field ("V", "(VT", "noise"; or that of the annotation under the mouse), centred in the
        view and marked."""
        c = self.controller
        index = c.annotations
        if index is None:
            self._say("This recording has no file annotations.")
            return
        label = self.find_field.text().strip() or self._label_under_cursor()
        if not label:
            self._say("Type a label in “Find annotation” (e.g. V), or point at an annotation.")
            return
        self.find_field.setText(label)
        fs = c.session.fs_hz if c.session is not None else c.view.recording.fs_hz
        t0, t1 = c.view.x_range()
        marker = c.editor.marker_s
        ref_t = marker if marker is not None and t0 <= marker <= t1 else (t0 + t1) / 2
        found = index.next_index(label, int(round(ref_t * fs)), direction)
        if found is None:
            count = len(index.positions(label))
            self._say(f"No '{label}' annotation {'after' if direction > 0 else 'before'} this point "
                      f"({count} in the recording).")
            return
        t = float(index.onsets[found]) / fs
        c.view.set_x_range(*viewport.centred_on(t, t1 - t0, c.view.duration_s))
        c.editor.show_marker(t)
        positions = index.positions(label)
        rank = int((positions < found).sum()) + 1
        self._say(f"'{label}' at {format_time(t, 2)} ({rank} of {len(positions)})", 5000)

    def _label_under_cursor(self) -> str:
        c = self.controller
        index = c.annotations
        t0, t1 = c.view.x_range()
        fs = c.view.recording.fs_hz
        t = c.editor.mouse_time_s
        if t is None:
            t = c.editor.marker_s if c.editor.marker_s is not None and t0 <= c.editor.marker_s <= t1 else (t0 + t1) / 2
        near = max(0.1, NEAR_FRACTION * (t1 - t0)) * fs
        found = index.nearest(t * fs, near)
        return str(index.texts[found]) if found is not None else ""

    def focus_find(self) -> None:
        self.find_field.setFocus()
        self.find_field.selectAll()

    def _say(self, text: str, timeout_ms: int = 6000) -> None:
        notifications.show_status(self.controller.window, text, timeout_ms)
