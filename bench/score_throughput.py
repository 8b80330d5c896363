"""Scoring throughput and peak memory of `anomaly-gui detect` on 24 h × 2 ch @ 360 Hz (issue 4, size A).

    python bench/score_throughput.py [--hours 24] [--keep DIR]

Generates the recording as a float32 NPY (a 1.2 Hz pulse train with noise and drift, so the
sliding-window model has structure to learn), trains a model with default settings on its
first 10 minutes (`detect --train-range 0:600 --model-out`), then scores the whole file with
`detect --model-in` in a fresh process and reports samples/s per channel (from the command's
own `score_s`), wall time and the process's peak resident memory, then scores it once more with
`--precision float32` (the rate on CPUs without native bfloat16). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FS = 360.0


def generate(path: Path, hours: float) -> int:
    n = int(hours * 3600 * FS)
    data = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, 2))
    rng = np.random.default_rng(0)
    step = 1 << 22
    for i0 in range(0, n, step):
        t = np.arange(i0, min(n, i0 + step)) / FS
        pulse = np.exp(-((t * 1.2) % 1.0 - 0.5) ** 2 / 0.002)
        drift = 0.2 * np.sin(2 * np.pi * t / 300.0)
        for c in range(2):
            data[i0 : i0 + len(t), c] = pulse * (1.0 - 0.3 * c) + drift + 0.05 * rng.standard_normal(len(t))
    data.flush()
    del data
    return n


def run(args: list[str]) -> tuple[dict, float, float]:
    """Run one command; its JSON output, wall time and its own peak resident memory (MB)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:4])} … failed: {err.read()[-2000:]}")
        return json.loads(out.read()), wall, usage.ru_maxrss / 1024.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    a = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ag-score-"))
    try:
        path = folder / "A.npy"
        n = generate(path, a.hours)
        model = folder / "model.pt"
        cli = [sys.executable, "-m", "anomaly_gui", "detect", str(path), "--fs", str(FS)]
        trained, train_wall, train_peak_mb = run(cli + ["--train-range", "0:600", "--model-out", str(model), "--json"])
        scored, wall, peak_mb = run(cli + ["--model-in", str(model), "--json"])
        exact, _, _ = run(cli + ["--model-in", str(model), "--precision", "float32", "--json"])
        data_mb = n * 2 * 4 / 2**20
        report = {
            "benchmark": "score_throughput",
            "n_samples_per_channel": n,
            "channels": 2,
            "float32_mb": round(data_mb, 1),
            "train_10min_wall_s": round(train_wall, 1),
            "score_s": scored["timings"]["score_s"],
            "load_s": scored["timings"]["load_s"],
            "detect_wall_s": round(wall, 1),
            "samples_per_s_per_channel": round(n / scored["timings"]["score_s"]),
            "float32_score_s": exact["timings"]["score_s"],
            "float32_samples_per_s_per_channel": round(n / exact["timings"]["score_s"]),
            "peak_rss_mb": round(peak_mb, 1),
            "peak_rss_over_float32_size": round(peak_mb / data_mb, 2),
            "train_and_score_peak_rss_mb": round(train_peak_mb, 1),
            "scoring_precision": "bfloat16" if any("bfloat16" in n for n in scored.get("notices", [])) else "float32",
            "segments": len(scored["segments"]),
        }
        print(json.dumps(report, indent=2))
    finally:
        if a.keep:
            a.keep.mkdir(parents=True, exist_ok=True)
            for f in folder.iterdir():
                shutil.move(str(f), a.keep / f.name)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
