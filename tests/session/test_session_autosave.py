"""Autosave: debounce on an injected clock, journal + snapshot, recovery, SIGKILL survival."""

import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

from anomaly_gui.session.autosave import (
    JOURNAL,
    SNAPSHOT,
    Autosave,
    discard_recovery,
    find_recoverable,
    read_journal,
    recover,
    recover_with_stack,
)
from anomaly_gui.session.commands import CommandStack, ReplaceSegments, SetLabel, SetNote, SetStatus
from anomaly_gui.session.project import read_project_document
from session_helpers import make_session, state, synthetic_recording

HERE = Path(__file__).parent


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def _setup(tmp_path, source=None, **kw):
    session = make_session(source=source)
    stack = CommandStack(session)
    clock = Clock()
    autosave = Autosave(session, stack, tmp_path / "recovery", clock=clock, **kw)
    return session, stack, clock, autosave


def _journal_lines(autosave):
    return read_journal(autosave.folder / JOURNAL)[0]


def test_debounce_waits_for_a_pause_or_the_maximum_delay(tmp_path):
    session, stack, clock, autosave = _setup(tmp_path, delay_s=2.0, max_delay_s=10.0)
    assert not autosave.flush_if_due()  # nothing changed yet
    stack.push(SetStatus(0, "accepted"))  # first change: base snapshot at once
    assert autosave.snapshots_written == 1 and _journal_lines(autosave) == []
    clock.t += 1.0
    stack.push(SetStatus(1, "accepted"))
    assert len(_journal_lines(autosave)) == 1  # journalled at once, snapshot later
    clock.t += 1.5
    assert not autosave.flush_if_due()  # 1.5 s since the last change
    clock.t += 0.5
    assert autosave.flush_if_due() and autosave.snapshots_written == 2
    assert _journal_lines(autosave) == []  # the snapshot holds it now
    for _ in range(12):  # continuous editing: the maximum delay forces a snapshot
        clock.t += 1.0
        stack.push(SetNote(2, f"n{clock.t}"))
        autosave.flush_if_due()
    assert autosave.snapshots_written == 3
    session.set_view_state(x_range=[0, 5])  # view changes are saved too, debounced
    clock.t += 2.0
    assert autosave.flush_if_due()
    assert read_project_document(autosave.folder / SNAPSHOT)["view"] == {"x_range": [0, 5]}


def test_recovery_replays_the_journal_and_rebuilds_undo(tmp_path):
    source = tmp_path / "s.npy"
    np.save(source, synthetic_recording(10_000).data)
    session, stack, clock, autosave = _setup(tmp_path, source=source)
    autosave.start()
    stack.push(SetStatus(0, "accepted"))
    stack.push(SetLabel(0, "PVC"))
    clock.t += 5
    autosave.flush_if_due()
    stack.push(SetNote(1, "a"))
    stack.push(SetNote(1, "ab"))  # merged into one undo step
    stack.push(SetStatus(2, "rejected"))
    stack.undo()  # undo is journalled too
    stack.undo()
    stack.undo()  # this one undoes a change from before the snapshot
    expected = state(session)
    entries = find_recoverable(tmp_path / "recovery", include_live=True)
    assert len(entries) == 1 and entries[0].change_count == 8
    assert entries[0].source_path == str(source.resolve())
    assert "8 unsaved change(s)" in entries[0].describe()
    assert find_recoverable(tmp_path / "recovery") == []  # this process is alive: not offered
    recovered, rstack = recover_with_stack(entries[0])
    assert state(recovered) == expected and recovered.recording is not None
    assert rstack.modified and rstack.can_redo
    rstack.redo()
    rstack.redo()
    assert recovered.segment(0).label == "PVC" and recovered.segment(1).note == "ab"
    rstack.undo()
    assert recovered.segment(1).note == "" and recovered.segment(0).label == "PVC"


def test_torn_last_line_is_ignored_and_tmp_files_do_not_matter(tmp_path):
    session, stack, clock, autosave = _setup(tmp_path)
    stack.push(SetStatus(0, "accepted"))
    stack.push(SetStatus(1, "rejected"))
    expected = state(session)
    stack.push(SetStatus(2, "rejected"))
    autosave.close(keep_files=True)
    journal = autosave.folder / JOURNAL
    data = journal.read_bytes()
    journal.write_bytes(data[: len(data) - 25])  # a kill in the middle of the last line
    (autosave.folder / ".snapshot.agproj.999.tmp").write_bytes(b"PK half")
    recovered = recover(autosave.folder, load_recording=False)
    assert state(recovered) == expected
    assert any("partly written" in n for n in recovered.notices)


def test_saving_or_closing_removes_the_recovery_files(tmp_path):
    session, stack, clock, autosave = _setup(tmp_path)
    stack.push(SetStatus(0, "accepted"))
    assert autosave.folder.is_dir()
    autosave.saved()
    assert not autosave.folder.exists() and autosave.changes_since_save == 0
    stack.push(SetStatus(1, "accepted"))  # the next change starts a new base snapshot
    assert (autosave.folder / SNAPSHOT).is_file()
    autosave.close()
    assert not autosave.folder.exists()
    stack.push(SetStatus(2, "accepted"))  # detached: nothing written
    assert not autosave.folder.exists()


def test_replacing_scores_snapshots_at_once_and_reuses_unchanged_scores(tmp_path):
    session, stack, clock, autosave = _setup(tmp_path)
    autosave.start()
    first = sorted(p.name for p in autosave.folder.glob("scores-*.npy"))
    stack.push(SetStatus(0, "accepted"))
    clock.t += 10
    autosave.flush_if_due()
    assert sorted(p.name for p in autosave.folder.glob("scores-*.npy")) == first  # not rewritten
    new_scores = np.ones(session.n_samples, np.float32)
    stack.push(ReplaceSegments(list(session.segment_list)[:2], scores=new_scores, threshold=0.7))
    assert _journal_lines(autosave) == []  # arrays are not journalled: a snapshot instead
    names = sorted(p.name for p in autosave.folder.glob("scores-*.npy"))
    assert names != first and len(names) == 1
    recovered = recover(autosave.folder, load_recording=False)
    np.testing.assert_array_equal(recovered.scores, new_scores)
    assert recovered.threshold == 0.7 and state(recovered) == state(session)
    discard_recovery(autosave.folder)
    assert not autosave.folder.exists()


def test_work_survives_sigkill(tmp_path):
    """A child edits with autosave on and is SIGKILLed mid-way; every edit it reported is
    recovered, the state is exactly that after some later prefix of its edits, and the
    recovery files are whole."""
    sys.path.insert(0, str(HERE))
    import session_kill_child as child

    source = tmp_path / "s.npy"
    np.save(source, synthetic_recording(50_000, channels=1).data)
    recovery = tmp_path / "recovery"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE), str(HERE.parents[1])]))
    proc = subprocess.Popen([sys.executable, str(HERE / "session_kill_child.py"), str(recovery), str(source)],
                            stdout=subprocess.PIPE, env=env, text=True)
    last = -1
    try:
        for line in proc.stdout:
            last = int(line)
            if last >= 120:
                break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL and last >= 120

    (entry,) = find_recoverable(recovery)
    folder = entry.folder
    with zipfile.ZipFile(folder / SNAPSHOT) as zf:  # the snapshot is a whole zip
        assert zf.testzip() is None
    lines = (folder / JOURNAL).read_bytes().split(b"\n")
    for raw in lines[:-1]:
        json.loads(raw)  # every complete line parses; a torn tail (if any) is only the last
    recovered = recover(entry)
    assert recovered.recording is not None

    replay = child.new_session(source)
    stack = CommandStack(replay)
    states = []
    for k in range(last + 400):
        stack.push(child.edit(k))
        states.append(state(replay))
    got = state(recovered)
    assert got in states[last:], "the recovered state is not the state after any edit at or after the last reported"


def test_a_failing_disk_never_breaks_an_edit_and_recovery_catches_up(tmp_path, monkeypatch):
    import anomaly_gui.session.autosave as autosave_module

    session, stack, clock, autosave = _setup(tmp_path)
    autosave.start()
    errors = []
    autosave.on_error.append(errors.append)
    real_append = autosave._append

    def full_disk(text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(autosave, "_append", full_disk)
    monkeypatch.setattr(autosave_module, "write_project", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "full")))
    assert stack.push(SetStatus(0, "accepted"))  # the edit happens even though nothing is written
    stack.push(SetStatus(1, "accepted"))
    assert session.segment(0).status == "accepted" and len(errors) == 2
    assert autosave.last_error is not None and not autosave.flush_if_due(clock.t + 100)
    monkeypatch.undo()
    monkeypatch.setattr(autosave, "_append", real_append)
    stack.push(SetStatus(2, "rejected"))  # space again: a whole snapshot catches up
    assert autosave.last_error is None
    stack.push(SetStatus(3, "rejected"))  # and journalling resumes
    assert len(_journal_lines(autosave)) == 1
    assert state(recover(autosave.folder, load_recording=False)) == state(session)
