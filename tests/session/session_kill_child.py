"""Child process of the SIGKILL test: edits a session with autosave on until it is killed.

    python session_kill_child.py RECOVERY_DIR SOURCE.npy

Prints ``k`` (flushed) after edit ``k`` has returned, i.e. after its journal line is fsynced.
The edits are ``session_kill_child.edit(k)``; the test replays them to know what to expect.
"""

from __future__ import annotations

import sys

from anomaly_gui.session.autosave import Autosave
from anomaly_gui.session.commands import CommandStack, MoveBoundary, SetLabel, SetNote, SetStatus
from session_helpers import make_session

N_SEGMENTS = 40


def edit(k: int):
    i = k % N_SEGMENTS
    kind = k % 4
    if kind == 0:
        return SetStatus(i, ("accepted", "rejected", "pending")[k % 3])
    if kind == 1:
        return SetLabel(i, f"L{k % 5}")
    if kind == 2:
        return SetNote(i, f"note {k} " + "x" * (k % 300))  # long lines: kills land mid-write
    return MoveBoundary(i, "end", 100 + i * 1000 + 100 + k % 200)


def new_session(source=None):
    return make_session(n_segments=N_SEGMENTS, n=50_000, spacing=1000, length=200, source=source)


def main() -> None:
    recovery_dir, source = sys.argv[1], sys.argv[2]
    session = new_session(source)
    stack = CommandStack(session)
    now = [0.0]
    autosave = Autosave(session, stack, recovery_dir, delay_s=0.5, max_delay_s=3.0, clock=lambda: now[0])
    autosave.start()
    k = 0
    while True:
        stack.push(edit(k))
        now[0] += 0.2 if k % 10 else 1.0  # a pause every ten edits: a snapshot is due
        autosave.flush_if_due()
        print(k, flush=True)
        k += 1


if __name__ == "__main__":
    main()
