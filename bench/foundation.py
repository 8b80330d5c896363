"""Foundation benchmark (issue 3): detection quality and wall time of the default detector.

    python bench/foundation.py [--data ../shared/data] [--out bench/out/foundation.json]

- CWRU: trained on Normal/Normal_0.mat (DE channel, 48 kHz decimated to 12 kHz; first 70 %),
  window-level AUROC of each fault file in 12k_DE/ against the unseen last 30 % of the healthy
  file (windows of the model's length, mean score per window), and pooled.
- MIT-BIH 119 trained on the record itself without labels: beat-level AUROC of normal (N) vs
  ventricular (V) beats, each beat scored by the maximum score within -0.25 s … +0.45 s.
- Wall time to train and score record 119 (30 min, 2 channels) with default settings.
Prints one JSON object (and writes it to --out).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from anomaly_gui.detect.config import DetectionConfig  # noqa: E402
from anomaly_gui.detect.pipeline import TrainingSource, run_detection  # noqa: E402
from anomaly_gui.dsp.resample import resample_to  # noqa: E402
from anomaly_gui.evaluate.metrics import auroc, beat_scores, window_means  # noqa: E402
from anomaly_gui.io import read_recording  # noqa: E402
from anomaly_gui.recording import parse_channel_spec  # noqa: E402


def cwru(data: Path, config: DetectionConfig) -> dict:
    healthy = read_recording(data / "cwru" / "Normal" / "Normal_0.mat", fs_hz=48000)
    healthy = healthy.select_channels(parse_channel_spec("DE", healthy.channel_names))
    de = resample_to(healthy.data, 48000, 12000)
    cut = int(0.7 * len(de))
    from anomaly_gui.recording import Recording

    train = Recording(de[:cut], 12000.0, healthy.channels, source=healthy.source)
    started = time.perf_counter()
    result = run_detection(train, config, TrainingSource())
    train_s = time.perf_counter() - started
    det = result.detector
    held_out = window_means(det.score_samples(de[cut:]), config.window)
    per_file, positives = {}, []
    for path in sorted((data / "cwru" / "12k_DE").glob("*.mat")):
        rec = read_recording(path, fs_hz=12000)
        rec = rec.select_channels(parse_channel_spec("DE", rec.channel_names))
        w = window_means(det.score_samples(rec.data), config.window)
        positives.append(w)
        per_file[path.name] = {
            "auroc": round(auroc(held_out, w), 4),
            "flagged_window_fraction": round(float(np.mean(w > result.threshold)), 4),
        }
    return {
        "per_file": per_file,
        "pooled_auroc": round(auroc(held_out, np.concatenate(positives)), 4),
        "min_auroc": min(v["auroc"] for v in per_file.values()),
        "healthy_held_out_flagged_window_fraction": round(float(np.mean(held_out > result.threshold)), 4),
        "n_healthy_windows": int(len(held_out)),
        "train_s": round(train_s, 2),
    }


def mitdb_119(data: Path, config: DetectionConfig) -> dict:
    started = time.perf_counter()
    rec = read_recording(data / "mitdb" / "119.hea")
    load_s = time.perf_counter() - started
    result = run_detection(rec, config)
    total_s = time.perf_counter() - started
    ann = rec.annotations
    labels = np.array(ann.labels)
    scores = beat_scores(result.scores, ann.onset_samples, rec.fs_hz)
    normal, ventricular = scores[labels == "N"], scores[labels == "V"]
    return {
        "beat_auroc_N_vs_V": round(auroc(normal, ventricular), 4),
        "n_N": int(normal.size),
        "n_V": int(ventricular.size),
        "n_segments": len(result.segments),
        "wall_s": {
            "load": round(load_s, 2),
            "train": round(result.timings["train_s"], 2),
            "score": round(result.timings["score_s"], 2),
            "total": round(total_s, 2),
        },
        "epochs_run": len(result.detector.history_),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "foundation.json")
    args = parser.parse_args()
    import torch

    config = DetectionConfig()
    report = {
        "benchmark": "foundation",
        "config": config.to_dict(),
        "machine": {
            "cpu_count": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "python": platform.python_version(),
            "torch": torch.__version__,
        },
        "cwru": cwru(args.data, config),
        "mitdb_119": mitdb_119(args.data, config),
    }
    text = json.dumps(report, indent=2)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
