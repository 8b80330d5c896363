"""Projects in the window: save, close, reopen exactly; a moved recording; unsaved-work questions."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

CTRL = Qt.KeyboardModifier.ControlModifier


def state(session) -> list[tuple]:
    return [(s.id, s.start_sample, s.end_sample, round(s.score, 5), s.channels, s.status, s.label, s.note)
            for s in session.segment_list]


def review_some(window, qtbot) -> None:
    table = window.table.view
    window.table.select_row(0)
    for key in (Qt.Key.Key_1, Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_5, Qt.Key.Key_U):
        qtbot.keyClick(table, key)
    qtbot.keyClick(table, Qt.Key.Key_E)
    qtbot.keyClicks(window.review.note_editor.editor, "two beats, one aberrant")
    qtbot.keyClick(window.review.note_editor.editor, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(table, Qt.Key.Key_X)  # split at the view's centre


def save_as(window, qtbot, monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(window.projects.saved, timeout=10000):
        qtbot.keyClick(window.table.view, Qt.Key.Key_S, CTRL)


@pytest.fixture
def new_window(qtbot):
    """Makes another main window (after the first one closed: shortcuts go to the active one)."""
    from anomaly_gui.gui.main_window import MainWindow

    made = []

    def make():
        win = MainWindow()
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.close()


def test_save_close_and_reopen_restores_the_review(reviewed, qtbot, monkeypatch, tmp_path, prompts, new_window):
    w = reviewed
    session = w.document.session
    review_some(w, qtbot)
    line = w.view.scores.track.threshold_line
    line.setValue(session.threshold * 0.98)
    line.sigPositionChangeFinished.emit(line)  # a re-threshold belongs to the review too
    w.view.set_x_range(12.5, 22.5)
    channels = w.channels_panel  # channel settings: V1 above MLII, MLII twice as tall
    channels.move_requested.emit(1, -1)
    channels.gain_requested.emit(0, 2.0)
    layout = w.view.channel_layout.to_dict()
    assert layout["order"] == [1, 0] and layout["displays"][0]["gain"] == 2.0
    expected, threshold, labels = state(session), session.threshold, list(session.labels)
    detection = dict(session.detection)
    assert w.windowTitle().startswith("Untitled*")

    path = tmp_path / "review119.agproj"
    save_as(w, qtbot, monkeypatch, path)
    assert path.is_file() and session.project_path == path
    assert w.windowTitle() == f"review119 — {w.document.recording.display_name} — Anomaly GUI"
    recovery = list((tmp_path / "state").rglob("snapshot.agproj"))
    assert recovery == []  # an explicit save leaves no recovery files
    w.close()
    assert prompts.unsaved == []  # saved: closing asks nothing

    # File ▸ Open… with a project opens it as a project
    second_window = new_window()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(second_window.projects.opened, timeout=30000):
        second_window.open_action.trigger()
    reopened = second_window.document.session
    assert state(reopened) == expected
    assert reopened.threshold == threshold and reopened.labels == labels and reopened.detection == detection
    assert reopened.channel_spec is None and reopened.recording.n_samples == session.n_samples
    assert np.allclose(second_window.view.x_range(), (12.5, 22.5))
    assert second_window.view.channel_layout.to_dict() == layout
    assert second_window.view.channel_layout.visible_order() == [1, 0]
    assert second_window.view.scores.track.threshold == threshold
    panel = second_window.threshold_panel  # the threshold dock follows opened projects too
    assert panel.isEnabled() and f"at threshold {threshold:.4g}" in panel.count_label.text()
    assert second_window.table.row_count() == len(expected)
    assert second_window.windowTitle().startswith("review119 — ")  # no '*'
    assert not second_window.review_actions.undo_action.isEnabled()
    # reviewing goes on where it stopped, and the '*' comes back
    row = next(i for i, s in enumerate(reopened.segment_list) if s.status == "pending")
    second_window.table.select_row(row)
    qtbot.keyClick(second_window.table.view, Qt.Key.Key_A)
    assert reopened.segment_list[row].status == "accepted"
    assert second_window.windowTitle().startswith("review119* — ")
    qtbot.keyClick(second_window.table.view, Qt.Key.Key_Z, CTRL)
    assert second_window.windowTitle().startswith("review119 — ")


def test_a_moved_recording_is_asked_for_and_found(drive, window, short_wfdb, qtbot, monkeypatch, tmp_path,
                                                  new_window):
    source = tmp_path / "data"
    source.mkdir()
    for f in short_wfdb.parent.glob(f"{short_wfdb.stem}.*"):
        shutil.copy(f, source / f.name)
    with qtbot.waitSignal(window.document.recording_changed, timeout=20000):
        window.open_file(source / short_wfdb.name, channel_spec="V1")  # a channel selection to keep
    assert window.document.recording.channel_names == ["V1"]
    window.panel.set_threshold_mode("percentile", 90.0)
    drive.detect(epochs=1)
    review_some(window, qtbot)
    expected = state(window.document.session)
    path = tmp_path / "projects" / "moved.agproj"
    path.parent.mkdir()
    save_as(window, qtbot, monkeypatch, path)
    window.close()
    moved = tmp_path / "elsewhere"
    source.rename(moved)
    asked = []

    def ask(parent, caption, start, filters):
        asked.append(caption)
        return str(moved / short_wfdb.name), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", ask)
    second_window = new_window()
    with qtbot.waitSignal(second_window.projects.opened, timeout=30000):
        second_window.projects.open(path)
    assert asked == [f"{short_wfdb.name} was moved or renamed: where is it now?"]
    assert state(second_window.document.session) == expected
    assert second_window.document.recording.channel_names == ["V1"]
    assert second_window.document.session.channel_spec == "V1"
    assert second_window.document.session.source_path == (moved / short_wfdb.name).resolve()
    assert "was found at" in second_window.statusBar().currentMessage()


def test_unsaved_work_is_asked_about_on_close_and_drop_opens_projects(reviewed, qtbot, monkeypatch, tmp_path,
                                                                       prompts, new_window):
    w = reviewed
    w.table.select_row(0)
    qtbot.keyClick(w.table.view, Qt.Key.Key_A)
    prompts.unsaved_answer = "cancel"
    assert not w.close()  # Cancel keeps the window and the work
    assert prompts.unsaved == ["Untitled"] and w.isVisible()
    path = tmp_path / "asked.agproj"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    prompts.unsaved_answer = "save"
    with qtbot.waitSignal(w.projects.saved, timeout=10000):
        assert w.close()  # Save writes the project, then the window closes
    assert path.is_file() and len(prompts.unsaved) == 2
    # dropping the project on a window opens it
    second_window = new_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(second_window.projects.opened, timeout=30000):
        second_window.dropEvent(drop)
    assert second_window.document.session.segment_list[0].status == "accepted"
    # Discard closes without saving and removes the recovery files
    second_window.table.select_row(1)
    qtbot.keyClick(second_window.table.view, Qt.Key.Key_R)
    second_window.document.review.flush_autosave()
    assert list((tmp_path / "state").rglob("snapshot.agproj"))
    prompts.unsaved_answer = "discard"
    assert second_window.close()
    assert not list((tmp_path / "state").rglob("snapshot.agproj"))
