"""Detection-quality harness: every detector over the labelled collections, one table and a JSON.

    anomaly-gui evaluate [--detectors ae,vae,zscore,...] [--collections mitdb,mitdb_reference,cwru,ucr,nab,nab_self,skab]
                         [--data PATH] [--quick] [--out results.json] [--seed 0 | --seeds 0,1,2]
                         [--skip DETECTOR:COLLECTION[=reason],...]

Each detector runs through ``run_detection`` with ``DetectionConfig(model=key, seed=seed)`` and
otherwise default settings, thresholded by its own automatic rule; nothing is tuned per file.
Metrics (see ``metrics``, ``ranges`` and ``runs``):

- mitdb: beat AUROC (AAMI normal vs non-normal; the maximum score within −0.25 … +0.45 s of
  each beat; for beat detectors also "own beat": each annotated beat's own score, which a
  closely following ectopic beat cannot raise), sensitivity and false alarms per hour at the
  automatic threshold, event and range F1 over merged non-normal beat windows; per record and
  mean. "perfect": the window-maximum AUROC a perfect beat classifier would get with the
  detector's beat extents (an ectopic beat within 0.45 s after a normal one raises the normal
  beat's window maximum).
- mitdb_reference (ae, vae): leave one record out: a reference model of the beats annotated
  normal in lead MLII of the other records, adapted to the held-out record; the mitdb metrics.
- cwru: window-level AUROC of each fault file against held-out healthy data; detection rate and
  false-positive rate at the automatic threshold.
- ucr: top-1 hits (KDD Cup 2021 rule, ±100 samples), per-sample AUROC and AUC-PR, range-based
  (Tatbul, flat bias) and event F1 at the automatic threshold.
- nab (trained on its first 15 %, scored after it), nab_self (trained on the whole series, the
  window's default, scored after the first 15 %) and skab (trained on the anomaly-free file):
  event and range F1, AUROC, AUC-PR.
- every collection: threshold efficiency, the range-based F1 at the automatic threshold over the
  best range-based F1 of a 100-level quantile sweep (balanced accuracy for cwru). Never
  point-adjusted. Event F1 counts flagged segments for its precision, so one segment covering
  everything scores 1: read it together with range F1 and the flagged fraction (mean fraction
  of the evaluated samples inside flagged segments at the automatic threshold).

``--quick`` evaluates a small subset (one item per collection, short crops, 2-epoch networks)
as a smoke test: its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..detect.config import MODEL_KINDS, DetectionConfig
from ..errors import AnomalyGuiError
from . import datasets, runs

COLLECTIONS = datasets.COLLECTIONS
QUICK_NETWORK = {"epochs": 2, "windows_per_epoch": 1024}

COLUMNS = {
    "mitdb": [("beat AUROC", "beat_auroc"), ("own beat", "beat_auroc_own"), ("perfect", "beat_auroc_perfect"), ("sens", "sensitivity"), ("FA/h", "false_alarms_per_h"),
              ("FA/h no noise", "false_alarms_outside_noise_per_h"), ("event F1", "event_f1"), ("range F1", "range_f1"), ("thr eff", "efficiency"),
              ("flagged", "flagged_fraction")],
    "mitdb_reference": [("beat AUROC", "beat_auroc"), ("own beat", "beat_auroc_own"), ("perfect", "beat_auroc_perfect"), ("sens", "sensitivity"),
                        ("FA/h", "false_alarms_per_h"), ("FA/h no noise", "false_alarms_outside_noise_per_h"),
                        ("event F1", "event_f1"), ("thr eff", "efficiency")],
    "cwru": [("AUROC", "pooled_auroc"), ("min AUROC", "min_auroc"), ("det rate", "detection_rate"),
             ("FP rate", "false_positive_rate"), ("thr eff (BA)", "efficiency")],
    "ucr": [("top-1", "top1"), ("AUROC", "auroc"), ("AUC-PR", "auc_pr"), ("range F1", "range_f1"),
            ("event F1", "event_f1"), ("thr eff", "efficiency"), ("flagged", "flagged_fraction")],
    "nab": [("event F1", "event_f1"), ("range F1", "range_f1"), ("AUROC", "auroc"), ("AUC-PR", "auc_pr"),
            ("thr eff", "efficiency"), ("flagged", "flagged_fraction"), ("segs on normal", "segments_on_normal_series")],
    "nab_self": [("event F1", "event_f1"), ("range F1", "range_f1"), ("AUROC", "auroc"), ("AUC-PR", "auc_pr"),
                 ("thr eff", "efficiency"), ("flagged", "flagged_fraction"), ("segs on normal", "segments_on_normal_series")],
    "skab": [("event F1", "event_f1"), ("range F1", "range_f1"), ("AUROC", "auroc"), ("AUC-PR", "auc_pr"),
             ("thr eff", "efficiency"), ("flagged", "flagged_fraction")],
}


def default_data_dir() -> Path:
    """``../shared/data`` beside the repository (or beside the working directory)."""
    repo = Path(__file__).resolve().parents[2]
    for base in (repo, Path.cwd()):
        candidate = base.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return repo.parent / "shared" / "data"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="anomaly-gui evaluate", description="Detection quality on labelled collections.")
    p.add_argument("--detectors", default=",".join(MODEL_KINDS), help="comma-separated model keys (default: all)")
    p.add_argument("--collections", default=",".join(COLLECTIONS), help="comma-separated (default: all)")
    p.add_argument("--data", type=Path, default=None, help="data folder (default: ../shared/data)")
    p.add_argument("--quick", action="store_true", help="small smoke-test subset; numbers mean nothing")
    p.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--seeds", default="", help="comma-separated seeds: run each detector once per seed, report means")
    p.add_argument("--skip", default="", help="DETECTOR:COLLECTION[=reason],... pairs not to run (recorded)")
    return p


def _split(text: str, allowed: tuple[str, ...], what: str) -> list[str]:
    items = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in items if t not in allowed]
    if unknown:
        raise AnomalyGuiError(f"Unknown {what}: {', '.join(unknown)}; choose from {', '.join(allowed)}.")
    return items


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise AnomalyGuiError(f"--seeds takes comma-separated whole numbers, got '{text}'.") from None
    if not seeds:
        raise AnomalyGuiError("--seeds names no seed.")
    return seeds


def _skips(text: str) -> dict[tuple[str, str], str]:
    out = {}
    for part in (t.strip() for t in text.split(",") if t.strip()):
        pair, _, reason = part.partition("=")
        detector, _, collection = pair.partition(":")
        out[(detector.strip(), collection.strip())] = reason.strip() or "skipped with --skip"
    return out


def detector_config(key: str, seed: int, quick: bool) -> DetectionConfig:
    config = DetectionConfig(model=key, seed=seed)
    return replace(config, **QUICK_NETWORK) if quick and key in ("ae", "vae") else config


def evaluate(
    detectors: list[str],
    collections: list[str],
    data: Path,
    quick: bool = False,
    seed: int | list[int] = 0,
    skips: dict | None = None,
    log=lambda line: None,
) -> dict:
    """Run every detector over every collection; returns the JSON-able report. With several
    seeds, each detector runs once per seed and its summary is the mean over them (the spread
    in ``summary_sd``, each run under ``seeds``)."""
    skips = skips or {}
    seeds = [seed] if isinstance(seed, int) else list(seed)
    report = {"collections": {}, "skipped": [], "timing_s": {}}
    started = time.perf_counter()
    mitdb_cache: dict = {}  # MIT-BIH records read once for both MIT-BIH collections
    for collection in collections:
        loaded_at = time.perf_counter()
        items = _load(collection, data, quick)
        report["timing_s"][f"load_{collection}"] = round(time.perf_counter() - loaded_at, 2)
        results = report["collections"].setdefault(collection, {})
        for key in detectors:
            if collection == "mitdb_reference" and key not in runs.BEAT_MODELS:
                reason = "no beat model to train on normal beats"
            else:
                reason = skips.get((key, collection))
            if reason:
                report["skipped"].append({"detector": key, "collection": collection, "reason": reason})
                log(f"{collection:6s} {key:8s} skipped: {reason}")
                continue
            outs = []
            for s in seeds:
                config = detector_config(key, s, quick)
                t0 = time.perf_counter()
                log(f"{collection:6s} {key:8s} ..." + (f" seed {s}" if len(seeds) > 1 else ""))
                evaluate_collection = getattr(runs, f"evaluate_{collection}")
                if collection in ("mitdb", "mitdb_reference"):
                    out = evaluate_collection(items, config, log, quick, mitdb_cache)
                else:
                    out = evaluate_collection(items, config, log)
                out["time_s"] = round(time.perf_counter() - t0, 2)
                outs.append(out)
                log(f"{collection:6s} {key:8s} {out['time_s']:7.1f} s")
            results[key] = outs[0] if len(seeds) == 1 else _over_seeds(outs, seeds)
    report["timing_s"]["total"] = round(time.perf_counter() - started, 2)
    return report


def _over_seeds(outs: list[dict], seeds: list[int]) -> dict:
    """One detector's runs with several seeds: the mean and standard deviation of each summary
    number (``None`` where a run had none), every run under its seed."""
    import numpy as np

    mean, sd = {}, {}
    for name in outs[0]["summary"]:
        values = [o["summary"].get(name) for o in outs]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            mean[name], sd[name] = float(np.mean(values)), float(np.std(values))
        else:
            mean[name] = sd[name] = None
    return {
        "summary": mean,
        "summary_sd": sd,
        "seeds": {str(s): o for s, o in zip(seeds, outs)},
        "time_s": round(sum(o["time_s"] for o in outs), 2),
    }


def _load(collection: str, data: Path, quick: bool):
    if collection == "mitdb":
        return datasets.mitdb_records(data, quick)
    if collection == "mitdb_reference":
        # Leave one out needs two records even in the smoke test.
        return datasets.mitdb_records(data)[:2] if quick else datasets.mitdb_records(data)
    return getattr(datasets, f"load_{collection}")(data, quick)


def _cell(summary: dict, key: str) -> str:
    if key == "top1":
        return f"{round(summary.get('top1_hits', 0), 2):g}/{summary.get('top1_n', 0):g}"
    value = summary.get(key)
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}" if key.startswith("false_alarms") else f"{value:.3f}"


def format_tables(report: dict) -> str:
    """One plain-text table per collection: a row per detector, its summary metrics and time."""
    lines = []
    for collection, results in report["collections"].items():
        columns = COLUMNS[collection] + [("time s", "time_s")]
        rows = []
        for key, out in results.items():
            summary = dict(out.get("summary", {}), time_s=out.get("time_s"))
            note = f"  ({summary['errors']} error(s))" if summary.get("errors") else ""
            rows.append([key] + [_cell(summary, k) if k != "time_s" else f"{out.get('time_s', 0):.1f}" for _, k in columns] + [note])
        for s in report["skipped"]:
            if s["collection"] == collection:
                rows.append([s["detector"]] + ["skip"] * len(columns) + [f"  ({s['reason']})"])
        header = [collection] + [name for name, _ in columns] + [""]
        widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header) - 1)]
        fmt = lambda r: "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths))) + r[-1]
        lines += [fmt(header), "  ".join("-" * w for w in widths)] + [fmt(r) for r in rows] + [""]
    return "\n".join(lines)


def _machine() -> dict:
    info = {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    try:
        import torch

        info.update(torch=torch.__version__, torch_threads=torch.get_num_threads())
    except ImportError:  # pragma: no cover
        pass
    return info


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        detectors = _split(args.detectors, MODEL_KINDS, "detector")
        collections = _split(args.collections, COLLECTIONS, "collection")
        data = args.data or default_data_dir()
        if not data.is_dir():
            raise AnomalyGuiError(f"Data folder {data} not found; pass --data PATH.")
        log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
        seeds = _seeds(args.seeds) if args.seeds else args.seed
        report = evaluate(detectors, collections, data, args.quick, seeds, _skips(args.skip), log)
    except AnomalyGuiError as exc:
        print(f"anomaly-gui evaluate: {exc}", file=sys.stderr)
        return 1
    report.update(
        detectors=detectors, data=str(data), quick=args.quick, seed=seeds, machine=_machine(),
        config_defaults=DetectionConfig().to_dict(),
    )
    print(format_tables(report))
    over = f"; means over seeds {', '.join(map(str, seeds))}" if isinstance(seeds, list) else ""
    print(f"total {report['timing_s']['total']:.1f} s{over}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1, default=_json_default) + "\n")
    return 0


def _json_default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON-able: {type(value).__name__}")


if __name__ == "__main__":
    sys.exit(main())
