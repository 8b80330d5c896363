"""Viewer benchmark: open time, redraw time per frame and memory of the real SignalView.

    python bench/viewer.py [--pans 50] [--out FILE.json] [--tmp DIR] [--warm] [--datasets ABCE]

Datasets, written as .npy files and opened as read-only memmaps (as the .npy reader does):
  A  24 h × 2 ch @ 360 Hz     (31.1 M samples per channel, 249 MB float32; Holter)
  B  1 h × 12 ch @ 1 kHz      (3.6 M samples per channel, 173 MB)
  C  20 min × 4 ch @ 51.2 kHz (61.4 M samples per channel, 983 MB; vibration)
  E  A written as an EDF (int16, 1 s records), opened with the app's EDF reader
The physical floor (``np.load(mmap_mode='r')`` plus one min–max pass over the .npy, cold) is
reported with each first paint, as ``first_paint_over_floor``.

Each dataset is measured in a fresh process (so peak RSS belongs to that dataset alone) with an
offscreen QApplication and a 1600×900 SignalView:
- open → first paint: from ``np.load(mmap_mode='r')`` until the first completed paint of the
  whole-recording view (``first_paint_ms``; for big files this frame may be the strided
  preview), and until the paint with the exact min–max envelope (``exact_paint_ms``). The
  file's pages are evicted from the OS cache first (posix_fadvise DONTNEED; ``--warm`` skips
  this), so this is a cold open.
- redraw per frame at the whole view, 1 h, 1 min and 10 s windows: ``--pans`` moves to random
  positions, each timed from ``set_x_range`` until the event loop has run the coalesced redraw
  and the window has painted it (a paint counter on the plots' viewport; the overview strip
  is painted in the same window update); median and p95 wall time in ms, and the median CPU
  time of the GUI thread (less sensitive to other load on the machine). Measured without
  and with a score track (one float32 score per sample, in memory, as a detection returns).
- peak resident memory (``ru_maxrss``) after viewing without scores, and at the end with the
  score track, as a ratio to the float32 size of the dataset.
Prints one JSON object (and writes it to --out if given). Frame times depend on the other load
of the machine: the report carries the load average and the GUI thread's CPU time per frame.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from open_large import in_child  # noqa: E402 - the physical floor, measured in a child process

DATASETS = {
    "A": {"duration_s": 24 * 3600, "channels": 2, "fs_hz": 360.0, "kind": "ecg"},
    "E": {"duration_s": 24 * 3600, "channels": 2, "fs_hz": 360.0, "kind": "ecg", "edf": True},
    "B": {"duration_s": 3600, "channels": 12, "fs_hz": 1000.0, "kind": "eeg"},
    "C": {"duration_s": 20 * 60, "channels": 4, "fs_hz": 51200.0, "kind": "vibration"},
}
WINDOWS_S = {"whole": None, "1h": 3600.0, "1min": 60.0, "10s": 10.0}
VIEW_SIZE = (1600, 900)
TARGETS = {"first_paint_ms_A": 1000.0, "first_paint_ms_E": 3000.0, "redraw_median_ms": 16.0, "redraw_p95_ms": 33.0,
           "peak_rss_ratio_A": 1.5}
CHUNK_ROWS = 1 << 20


# -- data ------------------------------------------------------------------------------------
def generate(name: str, folder: Path) -> Path:
    """Write dataset ``name`` to ``folder/name.npy`` in chunks (never whole in memory); ``E``
    is ``A`` also written as an EDF (int16, 1 s records, as a Holter exports it)."""
    spec = DATASETS[name]
    if spec.get("edf"):
        from open_large import write_edf

        npy = generate("A", folder).rename(folder / "E.npy")
        write_edf(folder / "E.edf", np.load(npy), int(spec["fs_hz"]))
        return npy
    n = int(spec["duration_s"] * spec["fs_hz"])
    path = folder / f"{name}.npy"
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, spec["channels"]))
    rng = np.random.default_rng(0)
    fs = spec["fs_hz"]
    for r0 in range(0, n, CHUNK_ROWS):
        r1 = min(n, r0 + CHUNK_ROWS)
        t = np.arange(r0, r1) / fs
        block = 0.05 * rng.standard_normal((r1 - r0, spec["channels"]), dtype=np.float32)
        if spec["kind"] == "ecg":  # baseline wander and a spike per beat (~75 bpm)
            beat = np.exp(-(((t % 0.8) - 0.3) / 0.012) ** 2)
            block += (0.3 * np.sin(2 * np.pi * 0.2 * t) + 1.5 * beat)[:, None].astype(np.float32)
        elif spec["kind"] == "vibration":  # shaft harmonics and bearing impacts
            tone = np.sin(2 * np.pi * 29.5 * t) + 0.4 * np.sin(2 * np.pi * 162.0 * t)
            impacts = np.exp(-((t % 0.0094) / 0.0004)) * ((t % 0.0094) < 0.003)
            block += (tone + 2.0 * impacts)[:, None].astype(np.float32)
        else:
            block += np.sin(2 * np.pi * 10.0 * t)[:, None].astype(np.float32)
        out[r0:r1] = block
    out.flush()
    del out
    return path


# -- measuring one dataset (child process) ----------------------------------------------------
def _stats(values_ms: list[float]) -> dict:
    a = np.asarray(values_ms)
    return {"median_ms": round(float(np.median(a)), 2), "p95_ms": round(float(np.percentile(a, 95)), 2),
            "max_ms": round(float(a.max()), 2), "frames": int(len(a))}


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def _vm_hwm_bytes() -> int | None:
    """Peak RSS of this process image from /proc (Linux), a cross-check of ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def measure(name: str, path: Path, pans: int, warm: bool) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop

    from anomaly_gui.gui.app import make_application
    from anomaly_gui.gui.plot.signal_view import SignalView
    from anomaly_gui.recording import Channel, Recording

    spec = DATASETS[name]
    app = make_application()
    view = SignalView()
    view.resize(*VIEW_SIZE)
    view.show()
    deadline = time.perf_counter() + 10
    while not (view.windowHandle() and view.windowHandle().isExposed()) and time.perf_counter() < deadline:
        app.processEvents()

    from qt_paints import PaintCounter

    counter = PaintCounter()
    view.graphics.viewport().installEventFilter(counter)
    redraws = [0]
    paints_at_redraw = [0]

    def on_redrawn() -> None:
        redraws[0] += 1
        paints_at_redraw[0] = PaintCounter.count

    view.redrawn.connect(on_redrawn)
    baseline_rss = _peak_rss_bytes()

    def redraw_and_paint(seen: int | None = None, deadline_s: float = 60.0) -> None:
        """Run the event loop as the app does: until the coalesced redraw has run (one after
        redraw number ``seen``, default: the current one) and the window has painted it."""
        end = time.perf_counter() + deadline_s
        seen = redraws[0] if seen is None else seen
        while redraws[0] == seen:
            app.processEvents()
            if time.perf_counter() > end:
                raise RuntimeError("no redraw")
        while PaintCounter.count == paints_at_redraw[0]:  # the paint after that redraw
            app.processEvents()
            if time.perf_counter() > end:
                raise RuntimeError("the graphics view did not paint")

    from open_large import drop_cache

    opened = path.with_suffix(".edf") if spec.get("edf") else path
    if not warm:
        drop_cache(opened)
    started = time.perf_counter()
    if spec.get("edf"):
        from anomaly_gui.io import read_recording

        recording = read_recording(opened)  # the app's own lazy EDF reader
        data = recording.data
    else:
        data = np.load(path, mmap_mode="r")
        recording = Recording(data=data, fs_hz=spec["fs_hz"], channels=[
            Channel(f"ch{k + 1}", "mV" if spec["kind"] == "ecg" else "") for k in range(data.shape[1])])
    view.set_recording(recording)
    view.show_all()
    redraw_and_paint()
    first_paint_ms = (time.perf_counter() - started) * 1000
    preview = view.signal_source.pyramid is None
    seen = redraws[0]
    while view.signal_source.pyramid is None:  # block in the loop: the worker needs the GIL
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    if preview:
        redraw_and_paint(seen)  # the redraw that the pyramid's arrival scheduled
    exact_paint_ms = (time.perf_counter() - started) * 1000
    points_whole = max(len(c.getData()[0]) for c in view.channel_curves)

    rng = np.random.default_rng(1)
    duration = recording.duration_s

    def pan_series() -> dict:
        results = {}
        for label, width in WINDOWS_S.items():
            if width is not None and width >= duration:
                continue
            times, cpu, points = [], [], 0
            for i in range(pans):
                if width is None:  # whole view: alternate with a 0.1 % narrower one
                    t0, t1 = (duration * 1e-3, duration) if i % 2 == 0 else (0.0, duration)
                else:
                    t0 = float(rng.uniform(0.0, duration - width))
                    t1 = t0 + width
                began, began_cpu = time.perf_counter(), time.thread_time()
                view.set_x_range(t0, t1)
                redraw_and_paint()
                times.append((time.perf_counter() - began) * 1000)
                cpu.append((time.thread_time() - began_cpu) * 1000)
                points = max(points, max(len(c.getData()[0]) for c in view.channel_curves))
            results[label] = {**_stats(times), "gui_thread_cpu_median_ms": round(float(np.median(cpu)), 2),
                              "max_points_per_channel": points}
        return results

    without_scores = pan_series()
    rss_signal = _peak_rss_bytes()
    # One float32 score per sample, in memory, as a detection returns them (made up here:
    # reading them from the data would map the whole file into this process).
    scores = rng.standard_exponential(len(data), dtype=np.float32)  # no float64 copy first
    scores[rng.integers(0, len(scores), 200)] += 20.0
    view.set_scores(scores, threshold=8.0)
    while view.scores.source.pyramid is None:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    with_scores = pan_series()
    rss_scores = _peak_rss_bytes()
    view.shutdown()
    float32_bytes = int(data.shape[0] * data.shape[1] * 4)
    return {
        "samples_per_channel": int(data.shape[0]),
        "channels": int(data.shape[1]),
        "fs_hz": spec["fs_hz"],
        "float32_mb": round(float32_bytes / 1e6, 1),
        "cold_open": not warm,
        "first_paint_ms": round(first_paint_ms, 1),
        "first_paint_was_preview": preview,
        "exact_paint_ms": round(exact_paint_ms, 1),
        "points_per_channel_whole_view": int(points_whole),
        "redraw": without_scores,
        "redraw_with_scores": with_scores,
        "rss_baseline_mb": round(baseline_rss / 1e6, 1),
        "peak_rss_mb": round(rss_signal / 1e6, 1),
        "peak_rss_ratio": round(rss_signal / float32_bytes, 3),
        "peak_rss_with_scores_mb": round(rss_scores / 1e6, 1),
        "peak_rss_with_scores_ratio": round(rss_scores / float32_bytes, 3),
        "vm_hwm_mb": round((_vm_hwm_bytes() or 0) / 1e6, 1),
        "pyramid_mb": round(view.signal_source.pyramid.nbytes / 1e6, 2),
    }


# -- orchestration ----------------------------------------------------------------------------
def verdict(results: dict) -> dict:
    checks = {"first_paint_A_under_1s": results["A"]["first_paint_ms"] < TARGETS["first_paint_ms_A"],
              "exact_paint_A_under_1s": results["A"]["exact_paint_ms"] < TARGETS["first_paint_ms_A"],
              "peak_rss_A_under_1.5x": results["A"]["peak_rss_ratio"] < TARGETS["peak_rss_ratio_A"],
              "peak_rss_A_with_scores_under_1.5x":
                  results["A"]["peak_rss_with_scores_ratio"] < TARGETS["peak_rss_ratio_A"]}
    if "E" in results:
        checks["first_paint_E_edf_under_3s"] = results["E"]["first_paint_ms"] < TARGETS["first_paint_ms_E"]
    for name, res in results.items():
        for series in ("redraw", "redraw_with_scores"):
            for label, s in res[series].items():
                ok = s["median_ms"] < TARGETS["redraw_median_ms"] and s["p95_ms"] < TARGETS["redraw_p95_ms"]
                checks[f"{series}_{name}_{label}"] = ok
    return {"all_met": all(checks.values()), "checks": checks}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pans", type=int, default=50)
    parser.add_argument("--out", default=None, help="also write the JSON here")
    parser.add_argument("--tmp", default=None, help="folder for the generated .npy files")
    parser.add_argument("--datasets", default="ABCE", help="A, B, C (NPY) and E (A as an EDF)")
    parser.add_argument("--warm", action="store_true", help="do not evict the files from the OS cache")
    parser.add_argument("--generate", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--path", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, Path(args.path))
        return 0
    if args.child:
        print(json.dumps(measure(args.child, Path(args.path), args.pans, args.warm)))
        return 0

    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="viewer_bench_", dir=args.tmp) as tmp:
        results, generate_s = {}, {}
        for name in args.datasets:
            began = time.perf_counter()
            # Generated and measured in child processes: on Linux a child's ru_maxrss starts
            # from its parent's RSS at fork time, so the parent must stay small.
            path = Path(tmp) / f"{name}.npy"
            subprocess.run([sys.executable, __file__, "--generate", name, "--path", tmp], check=True,
                           timeout=1800)
            generate_s[name] = round(time.perf_counter() - began, 1)
            command = [sys.executable, __file__, "--child", name, "--path", str(path), "--pans", str(args.pans)]
            if args.warm:
                command.append("--warm")
            done = subprocess.run(command, capture_output=True, text=True, timeout=1800,
                                  env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return 1
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
            # The floor in a process of its own: its pass over every page would count in the
            # viewer's peak memory.
            floor = in_child("floor", path, int(DATASETS[name]["fs_hz"]))
            floor_s = floor["warm_median_s"] if args.warm else floor.get("cold_s", floor["warm_median_s"])
            results[name]["physical_floor_ms"] = round(floor_s * 1000, 1)
            results[name]["first_paint_over_floor"] = round(results[name]["first_paint_ms"] / (floor_s * 1000), 2)
            for leftover in Path(tmp).glob(f"{name}.*"):
                leftover.unlink()
    report = {
        "benchmark": "viewer",
        "view_px": list(VIEW_SIZE),
        "pans_per_window": args.pans,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_average_at_start": load_at_start,
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                    "platform": platform.platform(), "qt_platform": "offscreen (raster)"},
        "generate_s": generate_s,
        "targets": TARGETS,
        "results": results,
    }
    if set(args.datasets) >= {"A", "B", "C"}:
        report["verdict"] = verdict(results)
    text = json.dumps(report, indent=1)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
