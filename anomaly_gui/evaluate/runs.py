"""Run one detector configuration over one collection through the product pipeline
(``run_detection``) and measure what it flagged and how it ranked.

Every run trains exactly as the app would (the whole recording, a range of it, or a
reference) and thresholds with the detector's automatic rule; labels are read only here.

Threshold efficiency is the range-based F1 at the automatic threshold over the best range-based
F1 of the sweep. The event F1 is not used for it: its precision counts segments, so the lowest
sweep level, which flags everything as one segment, would score a perfect event F1.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable

import numpy as np

from ..detect.config import DetectionConfig
from ..detect.pipeline import TrainingSource, run_detection
from ..errors import AnomalyGuiError
from ..segments import filter_min_length, mask_to_intervals, merge_intervals
from .datasets import CwruSet, LabelledSeries, annotated_noise, load_mitdb_record
from .metrics import (
    AAMI_NORMAL,
    BEAT_SYMBOLS,
    auroc,
    average_precision,
    beat_scores,
    sample_auroc,
    sweep_thresholds,
    threshold_efficiency,
    top1_hit,
    window_means,
)
from .ranges import as_intervals, clip_intervals, event_prf, intervals_to_mask, range_prf

BEAT_BEFORE_S = 0.25
BEAT_AFTER_S = 0.45
OWN_BEAT_S = 0.15
BEAT_MODELS = ("ae", "vae")
Log = Callable[[str], None]


def flagged_intervals(scores: np.ndarray, threshold: float, config: DetectionConfig, fs_hz: float) -> np.ndarray:
    """The intervals the segmenter would flag at ``threshold`` (same rules as
    ``segments_from_scores``, without building Segment objects: sweeps call it 100 times)."""
    s = np.asarray(scores, np.float32).ravel()
    iv = merge_intervals(mask_to_intervals(s > threshold), config.merge_gap_samples(fs_hz))
    return filter_min_length(iv, max(1, config.min_duration_samples(fs_hz)))


def mean_of(values) -> float | None:
    v = [float(x) for x in values if x is not None and np.isfinite(x)]
    return float(np.mean(v)) if v else None


def _run(series: LabelledSeries, config: DetectionConfig, detector=None):
    rec = series.recording
    if detector is not None:
        return run_detection(rec, config, detector=detector)
    if series.train == "reference":
        source = TrainingSource(kind="reference", reference=series.reference)
    elif series.train == "range":
        source = TrainingSource(kind="range", range_s=(0.0, series.train_samples / rec.fs_hz))
    else:
        source = TrainingSource()
    return run_detection(rec, config, source)


def score_series(series: LabelledSeries, config: DetectionConfig, detector=None, ucr: bool = False):
    """Metrics of one labelled series (``evaluate_from`` onwards) and the detection result."""
    started = time.perf_counter()
    res = _run(series, config, detector)
    wall = time.perf_counter() - started
    rec, e0 = series.recording, series.evaluate_from
    n = rec.n_samples - e0
    scores = res.scores[e0:]
    real = clip_intervals(series.anomalies, e0, rec.n_samples)
    labels = intervals_to_mask(real, n)
    flagged = clip_intervals(res.segments.bounds(), e0, rec.n_samples)
    by_range, by_event = range_prf(real, flagged), event_prf(real, flagged)
    sweep = [
        range_prf(real, clip_intervals(flagged_intervals(res.scores, level, res.config, rec.fs_hz), e0, rec.n_samples)).f1
        for level in sweep_thresholds(scores)
    ]
    out = {
        "n_samples": int(n),
        "n_anomalies": int(len(real)),
        "anomalous_fraction": float(labels.mean()),
        "auroc": sample_auroc(labels, scores),
        "auc_pr": average_precision(labels, scores),
        "threshold": float(res.threshold),
        "flagged_fraction": float(intervals_to_mask(flagged, n).mean()),
        "range": by_range.to_dict(),
        "event": by_event.to_dict(),
        "best_range_f1": max([f for f in sweep if f is not None], default=None),
        "efficiency": threshold_efficiency(by_range.f1, sweep),
        "train_s": float(res.timings.get("train_s", 0.0)),
        "wall_s": float(wall),
    }
    if ucr and len(real):
        hit, location = top1_hit(scores, int(real[0, 0]), int(real[0, 1]))
        out["top1_hit"], out["top1_location"] = hit, location
    return out, res


def _guarded(log: Log, name: str, fn):
    try:
        return fn()
    except AnomalyGuiError as exc:
        log(f"  {name}: {type(exc).__name__}: {exc}")
        return {"error": f"{type(exc).__name__}: {exc}"}, None


def _series_summary(items: dict, extra: dict | None = None) -> dict:
    ok = [v for v in items.values() if "error" not in v and v.get("n_anomalies", 0) > 0]
    summary = {
        "n": len(ok),
        "errors": sum("error" in v for v in items.values()),
        "auroc": mean_of(v["auroc"] for v in ok),
        "auc_pr": mean_of(v["auc_pr"] for v in ok),
        "range_f1": mean_of(v["range"]["f1"] for v in ok),
        "event_f1": mean_of(v["event"]["f1"] for v in ok),
        "efficiency": mean_of(v["efficiency"] for v in ok),
        "flagged_fraction": mean_of(v["flagged_fraction"] for v in ok),
    }
    summary.update(extra or {})
    return summary


def evaluate_ucr(series: list[LabelledSeries], config: DetectionConfig, log: Log) -> dict:
    items = {}
    for s in series:
        items[s.name], _ = _guarded(log, s.name, lambda: score_series(s, config, ucr=True))
    hits = [v["top1_hit"] for v in items.values() if "top1_hit" in v]
    return {"items": items, "summary": _series_summary(items, {"top1_hits": int(sum(hits)), "top1_n": len(items)})}


def evaluate_nab(series: list[LabelledSeries], config: DetectionConfig, log: Log) -> dict:
    items = {}
    for s in series:
        items[s.name], _ = _guarded(log, s.name, lambda: score_series(s, config))
    normal_only = [v for v in items.values() if "error" not in v and v["n_anomalies"] == 0]
    extra = {"segments_on_normal_series": sum(v["event"]["n_flagged"] for v in normal_only)}
    return {"items": items, "summary": _series_summary(items, extra)}


evaluate_nab_self = evaluate_nab  # the same metrics; the series train on themselves


def evaluate_skab(series: list[LabelledSeries], config: DetectionConfig, log: Log) -> dict:
    """Trained once on the shared anomaly-free reference; the fitted detector scores every file
    (the app's saved-model path)."""
    items, detector = {}, None
    for s in series:
        items[s.name], res = _guarded(log, s.name, lambda: score_series(s, config, detector))
        if res is not None and detector is None:
            detector = res.detector
    return {"items": items, "summary": _series_summary(items)}


def evaluate_mitdb(records: list, config: DetectionConfig, log: Log, quick: bool = False, cache: dict | None = None) -> dict:
    """Per record, trained on the record itself without labels: beat AUROC (normal vs
    non-normal AAMI beats, each beat scored by its max within −0.25…+0.45 s), sensitivity and
    false alarms per hour at the automatic threshold, event and range F1 on merged non-normal
    beat windows, and the range-F1 threshold efficiency."""
    items = {}
    cache = {} if cache is None else cache
    for path in records:
        if path not in cache:
            cache[path] = load_mitdb_record(path, quick)
        items[path.stem] = _guarded(log, path.stem, lambda: (_mitdb_record(cache[path], config), None))[0]
    return {"items": items, "summary": _mitdb_summary(items)}


def _mitdb_summary(items: dict) -> dict:
    ok = [v for v in items.values() if "error" not in v]
    return {
        "n": len(ok),
        "errors": len(items) - len(ok),
        "beat_auroc": mean_of(v["beat_auroc"] for v in ok),
        "beat_auroc_own": mean_of(v["beat_auroc_own"] for v in ok),
        "beat_auroc_perfect": mean_of(v["beat_auroc_perfect"] for v in ok),
        "sensitivity": mean_of(v["sensitivity"] for v in ok),
        "false_alarms_per_h": mean_of(v["false_alarms_per_h"] for v in ok),
        "false_alarms_outside_noise_per_h": mean_of(v["false_alarms_outside_noise_per_h"] for v in ok),
        "event_f1": mean_of(v["event"]["f1"] for v in ok),
        "range_f1": mean_of(v["range"]["f1"] for v in ok),
        "efficiency": mean_of(v["efficiency"] for v in ok),
        "flagged_fraction": mean_of(v["flagged_fraction"] for v in ok),
    }


def evaluate_mitdb_reference(
    records: list, config: DetectionConfig, log: Log, quick: bool = False, cache: dict | None = None
) -> dict:
    """Leave one record out, beat models (ae, vae) only: a reference model trained on the beats
    annotated normal ('N') in lead MLII of every other record scores the held-out record's MLII
    as a saved model does (adapted to the record, ``adapt_saved_beat_model``); the same metrics
    as ``evaluate_mitdb``. Labels of the scored record are read only for the metrics."""
    from ..detect.beats import train_on_annotated_beats
    from ..recording import parse_channel_spec

    if config.model not in BEAT_MODELS:
        raise AnomalyGuiError(f"{config.model} has no beat model to train on a reference of normal beats.")
    cache = {} if cache is None else cache
    leads = {}
    for path in records:
        if path not in cache:
            cache[path] = load_mitdb_record(path, quick)
        rec = cache[path]
        leads[path.stem] = rec.select_channels(parse_channel_spec("MLII", rec.channel_names))
    config = replace(config, windowing="beats", keep_fraction=1.0)
    items = {}
    for name, rec in leads.items():
        def one(name=name, rec=rec) -> tuple[dict, None]:
            others = [r for n, r in leads.items() if n != name]
            started = time.perf_counter()
            detector = train_on_annotated_beats(others, config)
            out = _mitdb_record(rec, config, detector)
            out["reference_train_s"] = time.perf_counter() - started - out["wall_s"]
            return out, None

        items[name] = _guarded(log, name, one)[0]
    return {"items": items, "summary": _mitdb_summary(items)}


def _mitdb_record(rec, config: DetectionConfig, detector=None) -> dict:
    started = time.perf_counter()
    res = run_detection(rec, config, detector=detector)
    wall = time.perf_counter() - started
    fs, n = rec.fs_hz, rec.n_samples
    labels = np.array(rec.annotations.labels)
    onsets = rec.annotations.onset_samples
    is_beat = np.isin(labels, sorted(BEAT_SYMBOLS))
    normal = is_beat & np.isin(labels, sorted(AAMI_NORMAL))
    abnormal = is_beat & ~normal
    scores = beat_scores(res.scores, onsets[is_beat], fs, BEAT_BEFORE_S, BEAT_AFTER_S)
    beat_normal, beat_abnormal = scores[normal[is_beat]], scores[abnormal[is_beat]]
    lo = np.clip(onsets[abnormal] - int(round(BEAT_BEFORE_S * fs)), 0, n)
    hi = np.clip(onsets[abnormal] + int(round(BEAT_AFTER_S * fs)) + 1, 0, n)
    beat_windows = np.stack([lo, hi], axis=1)
    events = merge_intervals(as_intervals(beat_windows), 0)
    flagged = res.segments.bounds()
    hit_beats = _overlapping(beat_windows, flagged)
    hours = n / fs / 3600.0
    false = flagged[~_overlapping(flagged, events)]
    false_alarms = int(len(false))
    in_noise = int(_overlapping(false, annotated_noise(rec, BEAT_BEFORE_S, BEAT_AFTER_S)).sum())
    by_event, by_range = event_prf(events, flagged), range_prf(events, flagged)
    sweep = [
        range_prf(events, flagged_intervals(res.scores, level, res.config, fs)).f1
        for level in sweep_thresholds(res.scores)
    ]
    return {
        "n_normal": int(normal.sum()),
        "n_abnormal": int(abnormal.sum()),
        "beat_auroc": auroc(beat_normal, beat_abnormal) if beat_normal.size and beat_abnormal.size else None,
        "beat_auroc_own": _own_beat_auroc(res.detector, rec, onsets[is_beat], abnormal[is_beat]),
        "beat_auroc_perfect": _perfect_classifier_auroc(res.detector, rec, onsets[is_beat], abnormal[is_beat]),
        "sensitivity": float(hit_beats.mean()) if abnormal.any() else None,
        "false_alarms": false_alarms,
        "false_alarms_per_h": false_alarms / hours,
        "false_alarms_in_noise": in_noise,
        "false_alarms_outside_noise_per_h": (false_alarms - in_noise) / hours,
        "n_segments": int(len(flagged)),
        "threshold": float(res.threshold),
        "flagged_fraction": float(intervals_to_mask(flagged, n).mean()),
        "event": by_event.to_dict(),
        "range": by_range.to_dict(),
        "best_range_f1": max([f for f in sweep if f is not None], default=None),
        "efficiency": threshold_efficiency(by_range.f1, sweep),
        "train_s": float(res.timings.get("train_s", 0.0)),
        "wall_s": float(wall),
    }


def _own_beat_auroc(detector, rec, beats: np.ndarray, abnormal: np.ndarray) -> float | None:
    """Beat detectors only: the AUROC of each annotated beat's own score (the detected beat
    within ``OWN_BEAT_S`` of the annotation; unmatched beats are left out). Unlike the window
    maximum, a normal beat followed closely by an ectopic one keeps its own score."""
    if not hasattr(detector, "score_beats") or not abnormal.any() or abnormal.all():
        return None
    peaks, scores = detector.score_beats(np.asarray(rec.data))
    if len(peaks) < 2:
        return None
    beat_score = scores.mean(axis=1)
    right = np.clip(np.searchsorted(peaks, beats), 1, len(peaks) - 1)
    nearest = np.where(np.abs(peaks[right] - beats) < np.abs(peaks[right - 1] - beats), right, right - 1)
    matched = np.abs(peaks[nearest] - beats) <= OWN_BEAT_S * rec.fs_hz
    own, bad = beat_score[nearest][matched], abnormal[matched]
    return auroc(own[~bad], own[bad]) if bad.any() and not bad.all() else None


def _perfect_classifier_auroc(detector, rec, beats: np.ndarray, abnormal: np.ndarray) -> float | None:
    """Beat detectors only: the window-maximum beat AUROC of a perfect beat classifier whose
    scores (1 for non-normal beats, 0 for normal ones) cover the samples the detector gives a
    beat (``paint_beats``). Below 1 where an ectopic beat follows a normal one within the
    window's +0.45 s, where the normal beat's window maximum is the ectopic beat's score: what
    scores that stay on their own beat can expect from this rule."""
    if not hasattr(detector, "score_beats") or not abnormal.any() or abnormal.all():
        return None
    from ..detect.beats import paint_beats

    painted = paint_beats(beats, abnormal, rec.n_samples, rec.fs_hz, 0.0)
    windowed = beat_scores(painted, beats, rec.fs_hz, BEAT_BEFORE_S, BEAT_AFTER_S)
    return auroc(windowed[~abnormal], windowed[abnormal])


def _overlapping(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Boolean per row of ``a`` (any order, may overlap): does it overlap any interval of ``b``?"""
    a = np.asarray(a, np.int64).reshape(-1, 2)
    b = as_intervals(b)
    if len(b) == 0 or len(a) == 0:
        return np.zeros(len(a), bool)
    covered = np.concatenate([[0], np.cumsum(intervals_to_mask(b, int(max(a[:, 1].max(), b[:, 1].max()))))])
    return covered[a[:, 1]] - covered[a[:, 0]] > 0


def evaluate_cwru(data: CwruSet, config: DetectionConfig, log: Log) -> dict:
    """Trained on 70 % of the healthy file (reference), thresholded by its automatic rule; the
    fitted detector then scores the unseen healthy 30 % and each fault file. Per file: AUROC of
    its window-mean scores against the held-out healthy windows and the fraction of its windows
    above the threshold. Threshold efficiency uses balanced accuracy (mean of the fault windows'
    detection rate and the healthy windows' specificity): an F1 would reward flagging everything
    here, where fault windows outnumber healthy ones 40 to 1."""
    started = time.perf_counter()
    try:
        res = run_detection(data.held_out, config, TrainingSource(kind="reference", reference=data.train))
    except AnomalyGuiError as exc:
        log(f"  cwru: {type(exc).__name__}: {exc}")
        return {"items": {}, "summary": {"n": 0, "errors": 1}, "error": f"{type(exc).__name__}: {exc}"}
    window = config.window
    healthy = window_means(res.scores, window)
    threshold = res.threshold
    items, faults = {}, []
    for name, rec in data.faults.items():
        scored = run_detection(rec, config, detector=res.detector)
        w = window_means(scored.scores, window)
        faults.append(w)
        items[name] = {"auroc": auroc(healthy, w), "detection_rate": float(np.mean(w > threshold)), "n_windows": int(w.size)}
    pooled = np.concatenate(faults) if faults else np.zeros(0)

    def balanced_accuracy(level: float) -> float:
        return 0.5 * (float(np.mean(pooled > level)) + float(np.mean(healthy <= level)))

    levels = sweep_thresholds(np.concatenate([healthy, pooled]))
    summary = {
        "n": len(items),
        "errors": 0,
        "pooled_auroc": auroc(healthy, pooled) if pooled.size else None,
        "min_auroc": min((v["auroc"] for v in items.values()), default=None),
        "detection_rate": float(np.mean(pooled > threshold)) if pooled.size else None,
        "false_positive_rate": float(np.mean(healthy > threshold)),
        "balanced_accuracy": balanced_accuracy(threshold) if pooled.size else None,
        "efficiency": threshold_efficiency(balanced_accuracy(threshold), [balanced_accuracy(v) for v in levels])
        if pooled.size
        else None,
        "n_healthy_windows": int(healthy.size),
        "train_s": float(res.timings.get("train_s", 0.0)),
        "wall_s": time.perf_counter() - started,
    }
    return {"items": items, "summary": summary}
