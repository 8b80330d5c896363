"""The review window at scale: 24 h × 2 ch, 100,000 file annotations, 10,000 segments.

    QT_QPA_PLATFORM=offscreen python bench/review_gui.py [--frames 40] [--keys 200] [--out FILE.json]

In the real main window (offscreen, 1400×900), with the session of ``bench/review.py``'s inputs:
- show: from ``show_session`` until the view has painted the first screen with its overlays
  and the table holds every row;
- pan/zoom redraw per frame (``set_x_range`` until the window has painted it) at the whole
  recording, 1 h, 1 min and 10 s (annotation markers drawn from 1 min down);
- review keys on the table (accept, reject, label 1, next segment, undo), each timed until
  the event loop has handled it: median and p95 ms;
- jumping to the next file annotation labelled V (Alt+Right), and scrolling the table a page;
- peak resident memory.
Prints one JSON object. Frame and key times depend on the machine's other load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from PySide6.QtCore import Qt  # noqa: E402

from anomaly_gui.gui.app import make_application  # noqa: E402
from anomaly_gui.gui.main_window import MainWindow  # noqa: E402
from anomaly_gui.session.session import Session  # noqa: E402
from qt_paints import PaintCounter  # noqa: E402
from review import build_inputs  # noqa: E402

WINDOWS_S = {"whole": None, "1h": 3600.0, "1min": 60.0, "10s": 10.0}


def stats(values_ms: list[float]) -> dict:
    a = np.asarray(values_ms)
    return {"median_ms": round(float(np.median(a)), 2), "p95_ms": round(float(np.percentile(a, 95)), 2),
            "max_ms": round(float(a.max()), 2), "n": int(len(a))}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hours", type=float, default=24.0)
    p.add_argument("--fs", type=float, default=100.0)
    p.add_argument("--frames", type=int, default=40)
    p.add_argument("--keys", type=int, default=200)
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    app = make_application()
    with tempfile.TemporaryDirectory(prefix="ag-review-gui-") as tmp:
        n = int(args.hours * 3600 * args.fs)
        rec, _source, segs, scores = build_inputs(n, args.fs, 10_000, 100_000, Path(tmp))
        session = Session(args.fs, n, recording=rec, source_path=rec.source, segments=segs, scores=scores,
                          threshold=0.9, detection={"window": 64})
        window = MainWindow()
        window.remember_layout = False
        window.confirm_close = False
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        counter = PaintCounter()
        window.view.graphics.viewport().installEventFilter(counter)
        redraws = [0]
        window.view.redrawn.connect(lambda: redraws.__setitem__(0, redraws[0] + 1))

        def until_painted(seen: int) -> None:
            end = time.perf_counter() + 60
            while redraws[0] == seen and time.perf_counter() < end:
                app.processEvents()
            painted = PaintCounter.count
            while PaintCounter.count == painted and time.perf_counter() < end:
                app.processEvents()

        started = time.perf_counter()
        seen = redraws[0]
        window.document.show_session(session)
        until_painted(seen)
        show_ms = (time.perf_counter() - started) * 1000
        rows = window.table.row_count()

        rng = np.random.default_rng(2)
        duration = n / args.fs
        frames = {}
        for label, width in WINDOWS_S.items():
            times = []
            for i in range(args.frames):
                if width is None:
                    t0, t1 = (duration * 1e-3, duration) if i % 2 == 0 else (0.0, duration)
                else:
                    t0 = float(rng.uniform(0.0, duration - width))
                    t1 = t0 + width
                began, seen = time.perf_counter(), redraws[0]
                window.view.set_x_range(t0, t1)
                until_painted(seen)
                times.append((time.perf_counter() - began) * 1000)
            frames[label] = stats(times)

        view = window.table.view
        window.table.select_row(0)
        app.processEvents()
        keys = [(Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier),
                (Qt.Key.Key_R, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_1, Qt.KeyboardModifier.NoModifier),
                (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier),
                (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)]
        from PySide6.QtTest import QTest

        key_ms = []
        for k in range(args.keys):
            key, modifier = keys[k % len(keys)]
            began = time.perf_counter()
            QTest.keyClick(view, key, modifier)
            app.processEvents()
            key_ms.append((time.perf_counter() - began) * 1000)

        window.jumps.find_field.setText("V")
        jump_ms = []
        for _ in range(50):
            began = time.perf_counter()
            window.jumps.next_annotation(1)
            app.processEvents()
            jump_ms.append((time.perf_counter() - began) * 1000)

        scroll_ms = []
        bar = view.verticalScrollBar()
        for _ in range(50):
            began = time.perf_counter()
            bar.setValue(bar.value() + bar.pageStep())
            view.viewport().repaint()
            scroll_ms.append((time.perf_counter() - began) * 1000)

        report = {
            "benchmark": "review_gui",
            "samples_per_channel": n,
            "channels": 2,
            "file_annotations": len(rec.annotations),
            "segments": len(segs),
            "table_rows": rows,
            "show_session_first_paint_ms": round(show_ms, 1),
            "redraw": frames,
            "review_key": stats(key_ms),
            "next_annotation_V": stats(jump_ms),
            "table_page_scroll": stats(scroll_ms),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
        window.document.review.shutdown()
        window.close()
        app.processEvents()
    print(json.dumps(report, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
