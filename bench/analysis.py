"""How long the Analysis dock's computations take on the recordings our users bring.

- A 24 h Holter (2 channels at 360 Hz): MIT-BIH record 119 (30 min) repeated 48 times into a
  memory-mapped float32 NPY in a temporary folder. Heart rate of the whole day (R peaks in
  10-minute stretches), RMS/kurtosis trends of the whole day, and the spectrum of a 10 s view
  against the unflagged rest (at most 4 M samples of it).
  The same day through the ECG monitoring display filter (0.5–40 Hz, 60 Hz notch).
- A bearing recording (CWRU OR007@6, 12 kHz, 10 s): the envelope spectrum of the whole file
  against the healthy reference at 48 kHz.

Each figure is the median of three runs after one warm-up, in this process. With ``--gui``,
the Holter is also shown in the real main window (offscreen) and the Analysis dock computes the
day's heart rate, its trends and the spectrogram of the whole day, and the view filters the
whole day for display, while a 10 ms timer on the GUI thread records how late it fires (a
stall: the gap beyond 10 ms; the goal is none above 100 ms).
Prints one JSON object.

    python bench/analysis.py [--hours 24] [--data PATH] [--gui]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anomaly_gui.analysis import SpectrumRequest, channel_trends, compare_spectra, heart_rate  # noqa: E402
from anomaly_gui.dsp.filters import DisplayFilter, filter_signal  # noqa: E402
from anomaly_gui.dsp.spectra import trend_block  # noqa: E402
from anomaly_gui.evaluate.harness import default_data_dir  # noqa: E402
from anomaly_gui.io import read_recording  # noqa: E402
from anomaly_gui.recording import Channel, Recording  # noqa: E402


def timed(fn, repeats: int = 3) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls after one warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


ECG_MONITORING = DisplayFilter(highpass_hz=0.5, lowpass_hz=40.0, notch_hz=60.0)


def holter(data_dir: Path, hours: float, folder: Path) -> Recording:
    source = read_recording(data_dir / "mitdb" / "119.hea")
    block = np.asarray(source.data, np.float32)
    n = int(hours * 3600 * source.fs_hz)
    path = folder / "holter.npy"
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, block.shape[1]))
    for i0 in range(0, n, len(block)):
        out[i0 : i0 + len(block)] = block[: n - i0]
    out.flush()
    del out
    data = np.load(path, mmap_mode="r")
    return Recording(data, source.fs_hz, [Channel(c.name, c.unit) for c in source.channels])


def gui_stalls(rec: Recording) -> dict:
    """Stalls of the GUI thread while the Analysis dock computes each whole-recording view."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer

    from anomaly_gui.gui.app import make_application
    from anomaly_gui.gui.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    window.remember_layout = False
    window.confirm_close = False
    window.resize(1400, 900)
    window.show()
    window.document.set_recording(rec)
    window.analysis_dock.raise_()
    window.view.show_all()
    panel, out = window.analysis_panel, {}

    def measure(start, finished_signal) -> dict:
        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        done = QEventLoop()

        def on_finished(*_args) -> None:
            QTimer.singleShot(300, lambda: done.exit(0))  # the result is drawn in the meantime

        finished_signal.connect(on_finished)
        started = time.perf_counter()
        timer.start()
        start()
        done.exec()
        timer.stop()
        finished_signal.disconnect(on_finished)  # not the window's own handlers
        stalls = np.maximum(np.diff(np.asarray(ticks)) * 1000.0 - 10.0, 0.0)
        return {
            "wall_s": round(time.perf_counter() - started - 0.3, 2),
            "max_stall_ms": round(float(stalls.max()), 1) if len(stalls) else None,
            "p99_stall_ms": round(float(np.percentile(stalls, 99)), 1) if len(stalls) else None,
            "stalls_over_100ms": int(np.sum(stalls > 100.0)),
        }

    for kind in ("heart_rate", "trends", "spectrogram"):
        out[kind] = measure(lambda kind=kind: panel.kind_combo.setCurrentIndex(panel.kind_combo.findData(kind)),
                            window.analysis.runner.finished)
    window.analysis_dock.hide()
    out["display_filter"] = measure(lambda: window.navigator.set_filter(ECG_MONITORING),
                                    window.view.signal_source.pyramid_ready)
    window.close()
    app.processEvents()
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hours", type=float, default=24.0)
    p.add_argument("--data", type=Path, default=None)
    p.add_argument("--gui", action="store_true", help="also measure GUI-thread stalls in the window")
    args = p.parse_args()
    data_dir = args.data or default_data_dir()
    out: dict = {"machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()}}

    with tempfile.TemporaryDirectory() as folder:
        rec = holter(data_dir, args.hours, Path(folder))
        fs = rec.fs_hz
        hr_s, hr = timed(lambda: heart_rate(rec, 0))
        block = trend_block(rec.n_samples, fs)
        trends_s, trends = timed(lambda: channel_trends(rec, 0, block))
        view = SpectrumRequest(0, int(3600 * fs), int(3610 * fs))
        view_s, comparison = timed(lambda: compare_spectra(rec, view))
        day_s, _ = timed(lambda: compare_spectra(rec, SpectrumRequest(0, 0, rec.n_samples)))
        filter_s, _ = timed(lambda: filter_signal(rec.data, fs, ECG_MONITORING), repeats=1)
        out["holter"] = {
            "hours": args.hours,
            "channels": rec.n_channels,
            "fs": fs,
            "samples_per_channel": rec.n_samples,
            "heart_rate_s": round(hr_s, 3),
            "beats": hr.n_beats,
            "beats_per_s": round(hr.n_beats / hr_s),
            "trends_s": round(trends_s, 3),
            "trend_blocks": len(trends.times_s),
            "spectrum_10s_view_vs_rest_s": round(view_s, 3),
            "view_normal_source": comparison.normal_source,
            "spectrum_whole_day_s": round(day_s, 3),
            "display_filter_whole_day_s": round(filter_s, 3),
        }
        if args.gui:
            out["holter"]["window"] = gui_stalls(rec)

    fault = read_recording(data_dir / "cwru" / "12k_DE" / "OR007@6_0.mat", fs_hz=12000, channels="DE")
    healthy = read_recording(data_dir / "cwru" / "Normal" / "Normal_0.mat", fs_hz=48000, channels="DE")
    request = SpectrumRequest(0, 0, fault.n_samples, "envelope")
    env_s, env = timed(lambda: compare_spectra(fault, request, reference=healthy))
    out["bearing"] = {
        "file": "cwru/12k_DE/OR007@6_0.mat",
        "envelope_spectrum_vs_reference_s": round(env_s, 4),
        "largest_peak_hz": round(env.peaks[0][0], 2),
        "bpfo_hz": round(3.5848 * 1796 / 60, 2),
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
