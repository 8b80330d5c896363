"""How long opening a long recording takes: 24 h × 2 channels at 360 Hz (a Holter ECG).

Generates, in a temporary folder removed afterwards, the same signal as a float32 ``.npy``
and as an EDF (int16 data records of 1 s, header written here with numpy), then times
``read_recording`` on each: one warm-up, the median of three warm (page-cached) reads, and one
cold read after ``posix_fadvise(POSIX_FADV_DONTNEED)`` where the OS offers it. The floor is
what the disk and memory allow: ``np.load(mmap_mode="r")`` plus one min–max pass over every
sample. Each measurement runs in a fresh Python process, so its peak RSS (``ru_maxrss``)
is that of opening, not of generating the files. Prints one JSON object.

    python bench/open_large.py [--hours 24] [--channels 2] [--fs 360]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anomaly_gui.io import read_recording  # noqa: E402


def make_signal(n: int, n_channels: int, fs: float) -> np.ndarray:
    """ECG-like test signal in mV: a 1.2 Hz pulse train on a slow baseline, plus noise."""
    t = np.arange(n, dtype=np.float64) / fs
    rng = np.random.default_rng(0)
    data = np.empty((n, n_channels), dtype=np.float32)
    for ch in range(n_channels):
        phase = (t * 1.2 + 0.1 * ch) % 1.0
        beat = np.exp(-((phase - 0.3) / 0.01) ** 2) * (1.5 - 0.3 * ch)
        data[:, ch] = beat + 0.1 * np.sin(2 * np.pi * 0.05 * t) + 0.02 * rng.standard_normal(n)
    return data


def write_edf(path: Path, data: np.ndarray, fs: int, physical: tuple[float, float] = (-5.0, 5.0)) -> None:
    """A plain EDF with 1-second data records of int16 samples."""
    n, n_channels = data.shape
    n_records = n // fs
    pmin, pmax = physical
    dmin, dmax = -32768, 32767
    gain = (pmax - pmin) / (dmax - dmin)
    digital = np.clip(np.round((data[: n_records * fs] - pmin) / gain + dmin), dmin, dmax).astype("<i2")

    def field(value: object, width: int) -> bytes:
        return str(value).encode("ascii").ljust(width)[:width]

    head = b"".join([
        field(0, 8), field("X X X X", 80), field("Startdate 01-JAN-2024 X X X", 80),
        field("01.01.24", 8), field("00.00.00", 8), field(256 * (n_channels + 1), 8),
        field("", 44), field(n_records, 8), field(1, 8), field(n_channels, 4),
    ])
    per_signal = [
        [field(f"ECG{i}", 16) for i in range(n_channels)],
        [field("AgAgCl electrode", 80)] * n_channels,
        [field("mV", 8)] * n_channels,
        [field(pmin, 8)] * n_channels, [field(pmax, 8)] * n_channels,
        [field(dmin, 8)] * n_channels, [field(dmax, 8)] * n_channels,
        [field("HP:0.5Hz", 80)] * n_channels,
        [field(fs, 8)] * n_channels,
        [field("", 32)] * n_channels,
    ]
    with open(path, "wb") as fh:
        fh.write(head + b"".join(b"".join(column) for column in per_signal))
        # Record k holds fs samples of channel 0, then fs of channel 1, …
        records = digital.reshape(n_records, fs, n_channels).transpose(0, 2, 1)
        step = 3600
        for r0 in range(0, n_records, step):
            fh.write(np.ascontiguousarray(records[r0 : r0 + step]).tobytes())


def drop_cache(path: Path) -> bool:
    if not hasattr(os, "posix_fadvise"):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return True


def time_open(path: Path, fs: float | None) -> dict:
    def once() -> float:
        t0 = time.perf_counter()
        rec = read_recording(path, fs_hz=fs)
        lo, hi = float(rec.data[:1000].min()), float(rec.data[:1000].max())  # touch it
        elapsed = time.perf_counter() - t0
        assert rec.data.dtype == np.float32 and np.isfinite([lo, hi]).all()
        return elapsed

    once()  # warm-up: imports, page cache
    warm = [once() for _ in range(3)]
    result = {"warm_median_s": round(statistics.median(warm), 4), "warm_s": [round(w, 4) for w in warm]}
    if drop_cache(path):
        result["cold_s"] = round(once(), 4)
    return result


def minmax_pass_s(path: Path) -> float:
    """Seconds for the physical floor: ``np.load(mmap_mode="r")`` of a ``.npy`` plus one
    min–max pass over every sample."""
    t0 = time.perf_counter()
    array = np.load(path, mmap_mode="r")
    flat = array.reshape(-1)
    step = 1 << 22
    for i0 in range(0, flat.shape[0], step):
        block = flat[i0 : i0 + step]
        block.min(), block.max()
    return time.perf_counter() - t0


def floor(path: Path) -> dict:
    minmax_pass_s(path)
    warm = [minmax_pass_s(path) for _ in range(3)]
    result = {"warm_median_s": round(statistics.median(warm), 4)}
    if drop_cache(path):
        result["cold_s"] = round(minmax_pass_s(path), 4)
    return result


def measure(kind: str, path: Path, fs: float) -> dict:
    result = floor(path) if kind == "floor" else time_open(path, fs if kind == "npy" else None)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def generate(folder: Path, hours: float, n_channels: int, fs: int) -> dict:
    n = int(hours * 3600 * fs)
    data = make_signal(n, n_channels, fs)
    npy, edf = folder / "long.npy", folder / "long.edf"
    np.save(npy, data)
    write_edf(edf, data, fs)
    return {"n_samples_per_channel": n, "npy_bytes": npy.stat().st_size, "edf_bytes": edf.stat().st_size}


def in_child(kind: str, path: Path, fs: float, *extra: str) -> dict:
    """Run one step in a fresh process: ru_maxrss is inherited across fork, so the parent stays small."""
    command = [sys.executable, __file__, "--measure", kind, str(path), "--fs", str(fs), *extra]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--channels", type=int, default=2)
    parser.add_argument("--fs", type=int, default=360)
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        kind, where = args.measure[0], Path(args.measure[1])
        if kind == "generate":
            print(json.dumps(generate(where, args.hours, args.channels, args.fs)))
        else:
            print(json.dumps(measure(kind, where, float(args.fs))))
        return
    folder = Path(tempfile.mkdtemp(prefix="anomaly_gui_bench_"))
    npy, edf = folder / "long.npy", folder / "long.edf"
    try:
        sizes = in_child("generate", folder, args.fs, "--hours", str(args.hours), "--channels", str(args.channels))
        report = {
            "case": f"{args.hours:g} h x {args.channels} ch @ {args.fs} Hz",
            **sizes,
            "read_npy": in_child("npy", npy, args.fs),
            "read_edf": in_child("edf", edf, args.fs),
            "floor_npy_mmap_minmax": in_child("floor", npy, args.fs),
            "machine": f"{platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}",
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
