"""Review-session benchmark at scale: 100,000 file annotations, 10,000 segments.

    python bench/review.py [--hours 24] [--fs 100] [--segments 10000] [--annotations 100000]
                           [--commands 1000] [--out bench/out/review.json]

Times (seconds; medians where repeated): building the session, applying commands
(status/label/note/move; per-command p50/p99 too), undo all and redo all, the same commands
with autosave on (a journal line fsynced per command), saving and reopening the project
(without and with reloading the recording), the first autosave snapshot (writes the scores)
and a later one (scores reused), and recovery (snapshot + journal replay). Prints one JSON
object and writes it to --out.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from anomaly_gui.recording import Annotations, Channel, Recording  # noqa: E402
from anomaly_gui.segments import Segment  # noqa: E402
from anomaly_gui.session.autosave import Autosave, find_recoverable, recover  # noqa: E402
from anomaly_gui.session.commands import CommandStack, MoveBoundary, SetLabel, SetNote, SetStatus  # noqa: E402
from anomaly_gui.session.project import open_project, save_project  # noqa: E402
from anomaly_gui.session.session import Session  # noqa: E402


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def build_inputs(n: int, fs: float, n_segments: int, n_annotations: int, folder: Path):
    rng = np.random.default_rng(0)
    data = (0.1 * rng.standard_normal((n, 2))).astype(np.float32)
    source = folder / "recording.npy"
    np.save(source, data)
    onsets = np.sort(rng.choice(n, n_annotations, replace=False)).astype(np.int64)
    labels = tuple(rng.choice(["N", "V", "A", "~"], n_annotations, p=[0.9, 0.06, 0.03, 0.01]).tolist())
    rec = Recording(np.load(source, mmap_mode="r"), fs, [Channel("a", "mV"), Channel("b", "mV")],
                    annotations=Annotations(onsets, labels), source=source)
    spacing = n // n_segments
    starts = np.arange(n_segments, dtype=np.int64) * spacing + spacing // 4
    lengths = rng.integers(fs // 4, fs * 2, n_segments)
    segs = [Segment(int(s), int(s + L), float(rng.random() * 10), ("a", "b")) for s, L in zip(starts, lengths)]
    scores = rng.random(n).astype(np.float32)
    return rec, source, segs, scores


def commands(session: Session, count: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    ids = [s.id for s in session.segment_list]
    out = []
    for k in range(count):
        i = int(rng.choice(ids))
        kind = k % 4
        if kind == 0:
            out.append(SetStatus(i, ("accepted", "rejected", "pending")[k % 3]))
        elif kind == 1:
            out.append(SetLabel(i, ("PVC", "APB", "artefact", "noise")[k % 4]))
        elif kind == 2:
            out.append(SetNote(i, f"note {k}: checked against lead II"))
        else:
            seg = session.segment(i)
            out.append(MoveBoundary(i, "end", seg.end_sample + int(rng.integers(-20, 20))))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hours", type=float, default=24.0)
    p.add_argument("--fs", type=float, default=100.0)
    p.add_argument("--segments", type=int, default=10_000)
    p.add_argument("--annotations", type=int, default=100_000)
    p.add_argument("--commands", type=int, default=1000)
    p.add_argument("--out", default=str(ROOT / "bench" / "out" / "review.json"))
    args = p.parse_args(argv)
    n = int(args.hours * 3600 * args.fs)
    result: dict = {
        "n_samples": n, "fs": args.fs, "channels": 2, "segments": args.segments,
        "file_annotations": args.annotations, "commands": args.commands,
        "python": platform.python_version(), "machine": platform.machine(),
    }
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        folder = Path(tmp)
        rec, source, segs, scores = build_inputs(n, args.fs, args.segments, args.annotations, folder)

        def make():
            return Session(rec.fs_hz, rec.n_samples, recording=rec, source_path=source, fs_override=args.fs,
                           scores=scores, segments=segs, detection={"model": "ae"}, threshold=5.0)

        result["create_session_s"], session = _timed(make)
        stack = CommandStack(session)
        cmds = commands(session, args.commands)
        per = []
        t0 = time.perf_counter()
        for c in cmds:
            t = time.perf_counter()
            stack.push(c)
            per.append(time.perf_counter() - t)
        result["apply_commands_s"] = time.perf_counter() - t0
        result["command_p50_ms"] = 1e3 * float(np.median(per))
        result["command_p99_ms"] = 1e3 * float(np.quantile(per, 0.99))
        result["undo_steps"] = len(stack)
        result["undo_all_s"], _ = _timed(lambda: [stack.undo() for _ in range(len(stack))])
        result["redo_all_s"], _ = _timed(lambda: [stack.redo() for _ in range(len(stack._undone))])

        path = folder / "bench.agproj"
        result["save_project_s"], _ = _timed(lambda: save_project(session, path))
        result["project_size_mb"] = round(path.stat().st_size / 1e6, 2)
        result["reopen_project_s"], reopened = _timed(lambda: open_project(path, load_recording=False))
        result["reopen_with_recording_s"], _ = _timed(lambda: open_project(path))
        assert [s for s in reopened.segment_list] == session.segment_list

        # autosave: a fresh session, the same commands with journalling, then snapshots
        session2 = make()
        stack2 = CommandStack(session2)
        autosave = Autosave(session2, stack2, folder / "recovery", clock=lambda: 0.0)
        result["autosave_first_snapshot_s"], _ = _timed(autosave.start)
        cmds2 = commands(session2, args.commands)
        result["apply_commands_with_journal_s"], _ = _timed(lambda: [stack2.push(c) for c in cmds2])
        result["recover_snapshot_plus_journal_s"], recovered = _timed(
            lambda: recover(find_recoverable(folder / "recovery", include_live=True)[0], load_recording=False))
        assert recovered.segment_list == session2.segment_list
        result["autosave_snapshot_s"], _ = _timed(autosave.flush)
        autosave.close()
    result = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()}
    text = json.dumps(result, indent=1)
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
