"""The review keys, menus and toolbar: Edit (undo/redo), Review (decide, label, jump, edit).

Every action is a window shortcut, so the keys work in the table and on the plots alike; text
fields keep their own keys (Qt gives typing precedence over single-key shortcuts).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QToolBar, QWidget

from . import settings

MAX_LABEL_KEYS = 9


class ReviewActions(QObject):
    """Actions of the review workflow for one window."""

    def __init__(self, window: QWidget, controller, navigator, editor, document) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.navigator = navigator
        self.editor = editor
        self.review = document.review
        c, n = controller, navigator
        act = self._action
        # Edit
        self.undo_action = act("&Undo", c.undo, ["Ctrl+Z"])
        self.redo_action = act("&Redo", c.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        # Decisions
        self.accept_action = act("&Accept", lambda: c.set_status("accepted"), ["A"])
        self.reject_action = act("&Reject", lambda: c.set_status("rejected"), ["R"])
        self.pending_action = act("Back to &pending", lambda: c.set_status("pending"), ["U"])
        self.note_action = act("Edit &note…", c.edit_note, ["E"])
        self.clear_label_action = act("Clear label", lambda: c.set_label(""), ["0"])
        self.label_actions = [act(f"Label {k}", lambda _=False, k=k: c.set_label_number(k), [str(k)])
                              for k in range(1, MAX_LABEL_KEYS + 1)]
        self.advance_action = act("Go to the next segment after accept/reject", self._set_advance, [],
                                  checkable=True)
        self.advance_action.setChecked(c.advance)
        # Editing segments
        self.add_mode_action = act("&Add segment (drag on a plot)", editor.set_add_mode, ["S"], checkable=True)
        self.stop_adding_action = act("Stop adding", lambda: self.add_mode_action.setChecked(False), ["Esc"])
        self.split_action = act("Spli&t at cursor", c.split_at_cursor, ["X"])
        self.merge_action = act("&Merge selected", c.merge, ["Ctrl+M"])
        self.delete_action = act("&Delete segment", c.delete, ["Delete"])
        editor.add_mode_changed.connect(self._on_add_mode)
        # Jumps
        self.next_action = act("&Next segment", lambda: n.step(1), ["N", "J"])
        self.previous_action = act("&Previous segment", lambda: n.step(-1), ["P", "K"])
        self.next_pending_action = act("Next pending", lambda: n.next_with_status(1), ["Ctrl+Right"])
        self.previous_pending_action = act("Previous pending", lambda: n.next_with_status(-1), ["Ctrl+Left"])
        self.next_label_action = act("Next with the same label", lambda: n.next_with_label(1), ["Ctrl+Shift+Right"])
        self.previous_label_action = act("Previous with the same label", lambda: n.next_with_label(-1),
                                         ["Ctrl+Shift+Left"])
        self.next_score_action = act("Next by score (descending)", lambda: n.next_by_score(1), ["Shift+N"])
        self.previous_score_action = act("Previous by score", lambda: n.next_by_score(-1), ["Shift+P"])
        self.next_annotation_action = act("Next file annotation with the label", lambda: n.next_annotation(1),
                                          ["Alt+Right"])
        self.previous_annotation_action = act("Previous file annotation with the label",
                                              lambda: n.next_annotation(-1), ["Alt+Left"])
        self.find_action = act("&Find annotation…", n.focus_find, ["Ctrl+F"])
        self.edit_actions = [self.accept_action, self.reject_action, self.pending_action, self.note_action,
                             self.clear_label_action, *self.label_actions, self.add_mode_action, self.split_action,
                             self.merge_action, self.delete_action]
        self.jump_actions = [self.next_action, self.previous_action, self.next_pending_action,
                             self.previous_pending_action, self.next_label_action, self.previous_label_action,
                             self.next_score_action, self.previous_score_action, self.next_annotation_action,
                             self.previous_annotation_action, self.find_action]
        self._enter_actions = self._enter_for_note([controller.table.view, controller.view])
        self.review.stack_changed.connect(self.update_state)
        self.review.session_replaced.connect(lambda _s: (self.update_state(), self.update_labels()))
        self.review.labels_changed.connect(lambda _labels: self.update_labels())
        self.toolbar = self._build_toolbar()
        self.update_state()

    # -- construction -----------------------------------------------------------------------
    def _action(self, text: str, slot, keys: list[str], checkable: bool = False) -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        self.window.addAction(action)
        return action

    def _enter_for_note(self, widgets) -> list[QAction]:
        """Enter opens the note editor where a segment is in focus (the table, the plots),
        not in text fields or dialogs, where Enter has its own meaning."""
        out = []
        for widget in widgets:
            action = QAction("Edit note", widget)
            action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(self.controller.edit_note)
            widget.addAction(action)
            out.append(action)
        return out

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar("Review")
        bar.setObjectName("review_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action, text in ((self.accept_action, "Accept"), (self.reject_action, "Reject"),
                             (self.pending_action, "Pending")):
            bar.addAction(action)
            action.setIconText(text)
        bar.addSeparator()
        for action, text in ((self.add_mode_action, "Add segment"), (self.split_action, "Split"),
                             (self.merge_action, "Merge"), (self.delete_action, "Delete")):
            bar.addAction(action)
            action.setIconText(text)
        bar.addSeparator()
        bar.addWidget(QLabel(" Find "))
        bar.addWidget(self.navigator.find_field)
        self.previous_annotation_action.setIconText("◀")
        self.next_annotation_action.setIconText("▶")
        bar.addAction(self.previous_annotation_action)
        bar.addAction(self.next_annotation_action)
        for action in bar.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys and not action.isSeparator():
                action.setToolTip(f"{action.text().replace('&', '').rstrip('…')} ({keys})")
        return bar

    def fill_edit_menu(self, menu: QMenu) -> None:
        menu.addAction(self.undo_action)
        menu.addAction(self.redo_action)

    def fill_review_menu(self, menu: QMenu) -> None:
        for action in (self.accept_action, self.reject_action, self.pending_action):
            menu.addAction(action)
        self.label_menu = menu.addMenu("&Label")
        menu.addAction(self.note_action)
        menu.addSeparator()
        for action in (self.add_mode_action, self.split_action, self.merge_action, self.delete_action):
            menu.addAction(action)
        menu.addSeparator()
        go = menu.addMenu("&Go to")
        for action in self.jump_actions:
            go.addAction(action)
        menu.addSeparator()
        menu.addAction(self.advance_action)
        self.update_labels()

    # -- state ------------------------------------------------------------------------------
    def update_state(self) -> None:
        """Undo/redo texts and enabled states follow the stack; edits need a session."""
        stack = self.review.stack
        self.undo_action.setEnabled(stack is not None and stack.can_undo)
        self.redo_action.setEnabled(stack is not None and stack.can_redo)
        self.undo_action.setText(stack.undo_text if stack is not None else "Undo")
        self.redo_action.setText(stack.redo_text if stack is not None else "Redo")
        has_session = self.review.session is not None
        for action in self.edit_actions + self.jump_actions:
            action.setEnabled(has_session)
        if not has_session and self.add_mode_action.isChecked():
            self.add_mode_action.setChecked(False)
        self.stop_adding_action.setEnabled(self.add_mode_action.isChecked())

    def update_labels(self) -> None:
        """The Label menu lists the session's labels with their number keys."""
        session = self.review.session
        labels = session.labels if session is not None else []
        for k, action in enumerate(self.label_actions):
            action.setText(labels[k] if k < len(labels) else f"Label {k + 1}")
        menu = getattr(self, "label_menu", None)
        if menu is not None:
            menu.clear()
            for action in self.label_actions[:len(labels)]:
                menu.addAction(action)
            menu.addSeparator()
            menu.addAction(self.clear_label_action)

    def _set_advance(self, on: bool) -> None:
        self.controller.advance = bool(on)
        settings.set_advance_after_decision(on)

    def _on_add_mode(self, on: bool) -> None:
        if self.add_mode_action.isChecked() != on:
            self.add_mode_action.setChecked(on)
        self.stop_adding_action.setEnabled(on)
        if on:
            self.window.statusBar().showMessage("Add segment: drag across a plot. S or Esc stops adding.")
        else:
            self.window.statusBar().clearMessage()

    def shortcut_sections(self) -> list[tuple[str, list[QAction]]]:
        session = self.review.session
        n_labels = len(session.labels) if session is not None else len(self.label_actions)
        return [("Edit", [self.undo_action, self.redo_action]),
                ("Review", [self.accept_action, self.reject_action, self.pending_action,
                            ("Edit note (Ctrl+Enter saves)", "E, Enter")]),
                ("Labels", [*self.label_actions[:n_labels], self.clear_label_action]),
                ("Segments", [self.add_mode_action, self.stop_adding_action, self.split_action, self.merge_action,
                              self.delete_action]),
                ("Go to", self.jump_actions)]
