"""Crash recovery for real: a window in another process reviews a project and is SIGKILLed; a new
window offers the unsaved work and shows every change the killed one had made."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import Qt

from anomaly_gui.gui.dialogs import review_prompts

CHILD = r'''
import json, sys, time
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from anomaly_gui.gui.app import make_application

app = make_application()
from anomaly_gui.gui.main_window import MainWindow

def state():
    return [[s.id, s.start_sample, s.end_sample, s.status, s.label, s.note] for s in w.document.session.segment_list]

w = MainWindow()
w.show()
QTest.qWaitForWindowExposed(w)
w.activateWindow()
QTest.qWaitForWindowActive(w)
opened = []
w.projects.opened.connect(opened.append)
w.projects.open(sys.argv[1])
while not opened:
    app.processEvents()
    time.sleep(0.01)
table = w.table.view
w.table.select_row(0)
for key in (Qt.Key.Key_1, Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_2, Qt.Key.Key_A, Qt.Key.Key_K, Qt.Key.Key_U):
    QTest.keyClick(table, key)
    print(json.dumps(state()), flush=True)
QTest.keyClick(table, Qt.Key.Key_E)
QTest.keyClicks(w.review.note_editor.editor, "seen before the crash")
QTest.keyClick(w.review.note_editor.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
print(json.dumps(state()), flush=True)
fs = w.document.session.fs_hz
last = w.document.session.segment_list[-1]
w.editor.set_add_mode(True)
w.editor.begin_draw(last.end_sample / fs + 0.2)
w.editor.finish_draw(last.end_sample / fs + 0.6)
print(json.dumps(state()), flush=True)
print("done", flush=True)
while True:  # the autosave timer keeps running until the kill
    app.processEvents()
    time.sleep(0.02)
'''


def state(session) -> list[list]:
    return [[s.id, s.start_sample, s.end_sample, s.status, s.label, s.note] for s in session.segment_list]


@pytest.fixture
def project(short_wfdb, tmp_path):
    """A saved project of a fresh detection, made with the core (no window)."""
    from anomaly_gui.detect.config import DetectionConfig
    from anomaly_gui.detect.pipeline import TrainingSource, run_detection
    from anomaly_gui.io import read_recording
    from anomaly_gui.session.project import save_project
    from anomaly_gui.session.session import Session

    recording = read_recording(short_wfdb)
    result = run_detection(recording, DetectionConfig(epochs=2, threshold="p90"), TrainingSource())
    session = Session.from_detection(recording, result, short_wfdb)
    return save_project(session, tmp_path / "before_crash.agproj")


def read_lines(stream, out: queue.Queue) -> None:
    for line in stream:
        out.put(line.rstrip("\n"))
    out.put(None)


def test_a_killed_window_is_recovered_with_every_change(project, window, qtbot, tmp_path, prompts, monkeypatch):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "child-config"))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(project)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(child.stdout, lines), daemon=True).start()
    states = []
    try:
        while True:
            line = lines.get(timeout=120)
            if line is None:
                pytest.fail(f"the child window ended early: {child.stderr.read()}")
            if line == "done":
                break
            states.append(json.loads(line))
    finally:
        os.kill(child.pid, signal.SIGKILL)  # a crash: nothing closes cleanly
        child.wait(30)
    assert child.returncode == -signal.SIGKILL and len(states) == 9

    # the new window offers the work; the prompt is answered Recover
    prompts.recovery_answer = "recover"
    with qtbot.waitSignal(window.projects.opened, timeout=60000):
        assert window.offer_recovery()
    entry = prompts.recovery[0]
    question = review_prompts.recovery_question(entry)
    assert question.startswith("Recover unsaved work from ")
    assert question.endswith("(before_crash.agproj, 8 change(s))?")  # K only moved: 8 edits
    session = window.document.session
    assert state(session) == states[-1]
    assert session.project_path == project  # Save goes back to the project it came from
    assert window.windowTitle().startswith("before_crash* — ")
    assert window.table.row_count() == len(states[-1])
    notes = [s.note for s in session.segment_list]
    assert "seen before the crash" in notes

    # the recovered session autosaves into the same folder (now this process's); saving ends it
    from anomaly_gui.session.autosave import find_recoverable

    assert find_recoverable(tmp_path / "state" / "anomaly-gui" / "recovery") == []
    monkeypatch.setattr(review_prompts, "ask_unsaved", lambda parent, name: "save")
    with qtbot.waitSignal(window.projects.saved, timeout=10000):
        qtbot.keyClick(window.table.view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not list((tmp_path / "state").rglob("snapshot.agproj"))
    assert window.windowTitle().startswith("before_crash — ")


LEFT_BEHIND = r'''
import sys
import numpy as np
from anomaly_gui.segments import Segment
from anomaly_gui.session.autosave import Autosave, default_recovery_dir
from anomaly_gui.session.commands import CommandStack, SetStatus
from anomaly_gui.session.session import Session

session = Session(100.0, 1000, segments=[Segment(10, 20, 1.0)], scores=np.zeros(1000, np.float32))
stack = CommandStack(session)
Autosave(session, stack, default_recovery_dir())
stack.push(SetStatus(0, "accepted"))
'''


def test_screenshot_mode_never_offers_recovery(qapp, short_wfdb, tmp_path, prompts):
    from anomaly_gui.gui.app import run_gui
    from anomaly_gui.session.autosave import default_recovery_dir, find_recoverable

    subprocess.run([sys.executable, "-c", LEFT_BEHIND], check=True, timeout=120, env=dict(os.environ))
    assert len(find_recoverable(default_recovery_dir())) == 1  # a session a "crash" left behind
    out = tmp_path / "shot.png"
    assert run_gui(str(short_wfdb), screenshot=str(out)) == 0
    assert out.is_file() and prompts.recovery == []
    assert len(find_recoverable(default_recovery_dir())) == 1  # still there for the next real start
