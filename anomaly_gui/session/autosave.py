"""Autosave and crash recovery: an atomic snapshot plus an append-only journal.

Each session writes to its own folder under the recovery directory (the GUI passes e.g.
``~/.local/state/anomaly-gui/recovery``)::

    <recovery_dir>/<key>/snapshot.agproj   the session in the project format (atomic rename)
    <recovery_dir>/<key>/scores-N.npy      its scores, rewritten only when the scores change
    <recovery_dir>/<key>/journal.jsonl     one JSON line per change since the snapshot

Every change reported by the ``CommandStack`` is appended to the journal and fsynced before
``push``/``undo``/``redo`` returns, so a change survives SIGKILL as soon as the call that
made it has returned. The snapshot is debounced: ``note_change(now)`` marks the session dirty
and ``flush_if_due(now)`` (called by a GUI timer) rewrites the snapshot once edits pause for
``delay_s`` (or every ``max_delay_s`` during continuous editing), then empties the journal.
The snapshot records the sequence number of the last change it holds, so a crash between the
two steps replays nothing twice. A torn last journal line (a kill during the write) is ignored.
Changes that carry arrays or a model (re-detection) trigger a snapshot at once.

Time is injected (``clock``, ``now``) so the debounce is testable without sleeping.

Autosave never breaks an edit: a failure to write (disk full, folder removed) is kept in
``last_error`` and passed to the ``on_error`` callables; the next change or flush tries again.

After ``recover``, give the recovered session its own ``Autosave`` and call
``discard_recovery(entry)`` once the user has saved it (or declined it).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import AnomalyGuiError
from .stack import Command, CommandStack, PatchCommand
from .project import SegmentLines, _fsync_dir, open_project, read_project_document, write_project
from .session import Patch, Session

SNAPSHOT = "snapshot.agproj"
JOURNAL = "journal.jsonl"
_BIG_PATCH = 2000  # segments in one change above which a snapshot beats a journal line


class RecoveryError(AnomalyGuiError):
    """Recovery files could not be read or replayed."""


def default_recovery_dir() -> Path:
    """``$XDG_STATE_HOME/anomaly-gui/recovery`` (``~/.local/state/...`` by default)."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "anomaly-gui" / "recovery"


class Autosave:
    """Journal every change of ``stack`` and keep a debounced snapshot of ``session``."""

    def __init__(self, session: Session, stack: CommandStack, recovery_dir: str | Path, *,
                 delay_s: float = 2.0, max_delay_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic, key: str | None = None) -> None:
        self.session = session
        self.stack = stack
        self.delay_s = float(delay_s)
        self.max_delay_s = float(max_delay_s)
        self.clock = clock
        self.folder = Path(recovery_dir) / (key or uuid.uuid4().hex)
        self.started_at = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        self.changes_since_save = 0
        self.snapshots_written = 0
        self._seq = 0
        self._snapshot_seq: int | None = None
        self._dirty_since: float | None = None
        self._last_change: float | None = None
        self._journal = None
        self._scores_written: np.ndarray | None = None
        self._scores_name: str | None = None
        self._scores_count = 0
        self._model_cache: tuple[object, bytes | None] | None = None
        self._segment_lines = SegmentLines()
        self.last_error: Exception | None = None
        self.on_error: list[Callable[[Exception], None]] = []
        stack.on_applied.append(self._on_applied)
        session.on_change.append(self._on_session_change)

    # -- the GUI's calls ----------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self._dirty_since is not None

    def start(self) -> None:
        """Write the base snapshot now (else the first change writes it)."""
        self.flush()

    def note_change(self, now: float | None = None) -> None:
        """Something changed (a command, or view state outside the stack): snapshot later."""
        now = self.clock() if now is None else now
        if self._dirty_since is None:
            self._dirty_since = now
        self._last_change = now

    def flush_if_due(self, now: float | None = None) -> bool:
        """Write the snapshot if edits paused for ``delay_s`` or have gone on ``max_delay_s``."""
        if self._dirty_since is None:
            return False
        now = self.clock() if now is None else now
        if now - self._last_change >= self.delay_s or now - self._dirty_since >= self.max_delay_s:
            return self._guarded(self.flush)
        return False

    def flush(self) -> None:
        """Write the snapshot now and empty the journal."""
        self._write_snapshot()
        self._dirty_since = self._last_change = None

    def saved(self) -> None:
        """The user saved the project: the recovery files are no longer needed."""
        self.changes_since_save = 0
        self.discard()

    def discard(self) -> None:
        """Remove this session's recovery files (clean exit or explicit save)."""
        self._close_journal()
        shutil.rmtree(self.folder, ignore_errors=True)
        self._snapshot_seq = None
        self._scores_written = self._scores_name = None
        self._dirty_since = self._last_change = None

    def close(self, keep_files: bool = False) -> None:
        """Stop listening; remove the recovery files unless ``keep_files``."""
        if self._on_applied in self.stack.on_applied:
            self.stack.on_applied.remove(self._on_applied)
        if self._on_session_change in self.session.on_change:
            self.session.on_change.remove(self._on_session_change)
        if keep_files:
            self._close_journal()
        else:
            self.discard()

    # -- internals -----------------------------------------------------------------------------
    def _on_session_change(self, kind: str, payload) -> None:
        if kind == "view":
            self.note_change()

    def _guarded(self, write: Callable[[], None]) -> bool:
        try:
            write()
        except (OSError, AnomalyGuiError) as exc:
            self.last_error = exc
            for callback in list(self.on_error):
                callback(exc)
            return False
        self.last_error = None
        return True

    def _on_applied(self, op: str, command: Command, patch: Patch, merged: bool) -> None:
        self._seq += 1
        self.changes_since_save += 1
        self.note_change()
        self._guarded(lambda: self._record(op, command, patch, merged))

    def _record(self, op: str, command: Command, patch: Patch, merged: bool) -> None:
        big = len(patch.removed) + len(patch.added) > _BIG_PATCH
        if self._snapshot_seq is None or not patch.is_json or big or self.last_error is not None:
            # no base yet, arrays or thousands of segments in the change, or an earlier write
            # failed: a whole snapshot (cheaper than a huge journal line, and always consistent)
            self.flush()
            return
        line = {
            "seq": self._seq,
            "op": op,
            "merged": merged,
            "description": command.description,
            "time": time.time(),
            "patch": patch.to_json(),
        }
        self._append(json.dumps(line, ensure_ascii=False, allow_nan=False))

    def _append(self, text: str) -> None:
        if self._journal is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._journal = open(self.folder / JOURNAL, "ab")
        self._journal.write(text.encode("utf-8") + b"\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())

    def _close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def _write_scores(self) -> str | None:
        scores = self.session.scores
        if scores is None:
            return None
        if scores is self._scores_written and self._scores_name:
            return self._scores_name
        self._scores_count += 1
        name = f"scores-{self._scores_count}.npy"
        tmp = self.folder / f".{name}.tmp"
        with open(tmp, "wb") as f:
            np.lib.format.write_array(f, np.ascontiguousarray(scores, np.float32), allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.folder / name)
        self._scores_written, self._scores_name = scores, name
        return name

    def _model_bytes(self) -> bytes | None:
        from .project import _model_bytes

        det = self.session.detector
        if self._model_cache is None or self._model_cache[0] is not det:
            self._model_cache = (det, _model_bytes(det))
        return self._model_cache[1]

    def _write_snapshot(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        scores_name = self._write_scores()
        extra = {
            "recovery": {
                "journal_seq": self._seq,
                "changes_since_save": self.changes_since_save,
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started_at": self.started_at,
                "project_path": str(self.session.project_path) if self.session.project_path else None,
            }
        }
        write_project(self.folder / SNAPSHOT, self.session, external_scores=scores_name, extra=extra,
                      model_bytes=self._model_bytes(), segment_lines=self._segment_lines)
        # The snapshot now holds every journalled change: start an empty journal.
        self._close_journal()
        with open(self.folder / JOURNAL, "wb") as f:
            os.fsync(f.fileno())
        _fsync_dir(self.folder)
        self._snapshot_seq = self._seq
        self.snapshots_written += 1
        for old in self.folder.glob("scores-*.npy"):
            if old.name != scores_name:
                old.unlink(missing_ok=True)


# -- recovery ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RecoveryEntry:
    """An unsaved session found in the recovery directory."""

    folder: Path
    updated_at: _dt.datetime
    source_path: str | None
    project_path: str | None
    change_count: int
    pid: int | None

    def describe(self) -> str:
        name = Path(self.project_path or self.source_path or "untitled").name
        when = self.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{name}: {self.change_count} unsaved change(s), last at {when}"


def read_journal(path: Path) -> tuple[list[dict], bool]:
    """The complete lines of a journal and whether a torn or damaged tail was dropped."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], False
    entries, damaged = [], False
    lines = data.split(b"\n")
    if lines and lines[-1] != b"":
        damaged = True  # no newline: the write was cut short
    for raw in lines[:-1]:
        try:
            entry = json.loads(raw.decode("utf-8"))
            int(entry["seq"]), entry["op"], entry["patch"]
        except (ValueError, KeyError, TypeError):
            damaged = True
            break  # nothing after a damaged line can be trusted to follow on
        entries.append(entry)
    return entries, damaged


def _alive(pid: int | None, host: str | None) -> bool:
    if not pid or host != socket.gethostname():
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def find_recoverable(recovery_dir: str | Path, include_live: bool = False) -> list[RecoveryEntry]:
    """Sessions with recovery files whose process is gone (newest first); ``include_live``
    lists those of running processes too (this one included)."""
    root = Path(recovery_dir)
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        snap = folder / SNAPSHOT
        if not snap.is_file():
            continue
        try:
            doc = read_project_document(snap)
        except AnomalyGuiError:
            continue
        info = doc.get("recovery") or {}
        if not include_live and _alive(info.get("pid"), info.get("host")):
            continue
        entries, _ = read_journal(folder / JOURNAL)
        newer = [e for e in entries if int(e["seq"]) > int(info.get("journal_seq", 0))]
        stamp = max([snap.stat().st_mtime] + [float(e.get("time", 0)) for e in newer])
        found.append(RecoveryEntry(
            folder=folder,
            updated_at=_dt.datetime.fromtimestamp(stamp, _dt.timezone.utc),
            source_path=(doc.get("source") or {}).get("path"),
            project_path=info.get("project_path"),
            change_count=int(info.get("changes_since_save", 0)) + len(newer),
            pid=info.get("pid"),
        ))
    return sorted(found, key=lambda e: e.updated_at, reverse=True)


def recover_with_stack(entry: RecoveryEntry | str | Path, source_override: str | Path | None = None, *,
                       load_recording: bool = True) -> tuple[Session, CommandStack]:
    """Rebuild the session (snapshot + journal replay) and an undo stack of the replayed
    changes (undo history from before the snapshot is not kept). The stack is not clean."""
    folder = entry.folder if isinstance(entry, RecoveryEntry) else Path(entry)
    snap = folder / SNAPSHOT
    session = open_project(snap, source_override, load_recording=load_recording)
    doc = read_project_document(snap)
    info = doc.get("recovery") or {}
    session.project_path = Path(info["project_path"]) if info.get("project_path") else None
    entries, damaged = read_journal(folder / JOURNAL)
    done: list[Command] = []
    undone: list[Command] = []
    for e in entries:
        if int(e["seq"]) <= int(info.get("journal_seq", 0)):
            continue
        patch = Patch.from_json(e["patch"])
        try:
            session.apply(patch)
        except AnomalyGuiError as exc:
            raise RecoveryError(f"The recovery journal does not fit its snapshot ({exc}).") from exc
        desc = e.get("description", "Edit")
        if e["op"] == "undo":
            undone.append(done.pop() if done else PatchCommand(patch.inverted(), desc))
        elif e["op"] == "redo":
            done.append(undone.pop() if undone else PatchCommand(patch, desc))
        else:
            undone.clear()
            if e.get("merged") and done:
                top = done[-1]
                top.patch = Patch(top.patch.removed, patch.added, {**top.patch.fields, **patch.fields})
            else:
                done.append(PatchCommand(patch, desc))
    if damaged:
        session.notices.append("The last change before the crash was only partly written and was dropped.")
    stack = CommandStack(session)
    stack._done, stack._undone, stack._clean = done, undone, None
    return session, stack


def recover(entry: RecoveryEntry | str | Path, source_override: str | Path | None = None, *,
            load_recording: bool = True) -> Session:
    """Rebuild an unsaved session from its recovery files (snapshot + journal replay)."""
    return recover_with_stack(entry, source_override, load_recording=load_recording)[0]


def discard_recovery(entry: RecoveryEntry | str | Path) -> None:
    """Delete a recovery entry (after the user declined it, or saved the recovered session)."""
    folder = entry.folder if isinstance(entry, RecoveryEntry) else Path(entry)
    shutil.rmtree(folder, ignore_errors=True)
