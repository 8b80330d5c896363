"""The labelled collections the harness evaluates, read from a data folder laid out like
``shared/data`` (see its MANIFEST): file discovery, label parsing, quick subsets.

Labels never reach a detector: label columns of CSV files become ``recording.annotations``,
which only the harness reads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..recording import Channel, Recording
from .metrics import AAMI_NORMAL, BEAT_SYMBOLS
from .ranges import as_intervals

COLLECTIONS = ("mitdb", "mitdb_reference", "cwru", "ucr", "nab", "nab_self", "skab")
UCR_NAME = re.compile(r"^(?P<id>\d+)_UCR_Anomaly_(?P<name>.+)_(?P<train>\d+)_(?P<begin>\d+)_(?P<end>\d+)$")
NAB_PROBATION = 0.15
CWRU_HEALTHY_FS = 48000.0
CWRU_FS = 12000.0
CWRU_TRAIN_FRACTION = 0.7
# --quick: the smoke-test subset (numbers from it mean nothing).
QUICK_MITDB_S = 120.0
QUICK_CWRU_SAMPLES = 24000


@dataclass
class LabelledSeries:
    """One series to score: ``recording`` (what the detector sees), where its training data
    comes from, and the labelled anomaly intervals in the recording's sample indices.

    ``train``: ``"reference"`` (``reference`` holds it), ``"range"`` (the first
    ``train_samples`` of the recording) or ``"whole"``. ``evaluate_from``: samples before it
    (NAB's probationary period) are excluded from every metric.
    """

    name: str
    recording: Recording
    anomalies: np.ndarray
    train: str = "whole"
    reference: Recording | None = None
    train_samples: int = 0
    evaluate_from: int = 0


def _series(values: np.ndarray, name: str, fs_hz: float = 1.0) -> Recording:
    return Recording(np.asarray(values, np.float32).reshape(-1, 1), fs_hz, [Channel("value")], source=Path(name))


# -- UCR anomaly archive -------------------------------------------------------------------
def load_ucr(data: Path, quick: bool = False) -> list[LabelledSeries]:
    """``ucr/*.txt`` in the archive's naming (``<id>_UCR_Anomaly_<name>_<trainEnd>_<begin>_<end>``,
    one value per line) and aeon/TimeEval ``*_TEST.csv`` files (``is_anomaly`` column; the
    training part is as long as the matching ``*_TRAIN.csv``). The first ``trainEnd`` points
    are the reference; the rest is scored. The archive gives no rates: fs = 1."""
    from ..io import read_recording

    out = []
    for path in sorted((data / "ucr").glob("*.txt")):
        match = UCR_NAME.match(path.stem)
        if not match:
            continue
        x = np.asarray(read_recording(path, fs_hz=1.0).data[:, 0])
        cut, begin, end = int(match["train"]), int(match["begin"]), int(match["end"])
        out.append(_ucr_series(path.stem, x, cut, begin, end))
    for path in sorted((data / "ucr").rglob("*_TEST.csv")):
        rec = read_recording(path, fs_hz=1.0)
        ann = rec.annotations
        labelled = [i for i, lab in enumerate(ann.labels) if lab == "is_anomaly"]
        train_path = path.with_name(path.name.replace("_TEST.csv", "_TRAIN.csv"))
        if not labelled or ann.duration_samples is None or not train_path.is_file():
            continue
        cut = len(read_recording(train_path, fs_hz=1.0).data)
        i = labelled[0]
        begin = int(ann.onset_samples[i])
        end = begin + int(ann.duration_samples[i])
        out.append(_ucr_series(path.stem.replace("_TEST", ""), np.asarray(rec.data[:, 0]), cut, begin, end))
    if quick and out:
        out = [min(out, key=lambda s: s.recording.n_samples + s.reference.n_samples)]
    return out


def _ucr_series(name: str, x: np.ndarray, cut: int, begin: int, end: int) -> LabelledSeries:
    return LabelledSeries(
        name=name,
        recording=_series(x[cut:], name),
        anomalies=as_intervals([[begin - cut, end - cut]]),
        train="reference",
        reference=_series(x[:cut], name + " (train)"),
    )


# -- NAB -----------------------------------------------------------------------------------
def load_nab(data: Path, quick: bool = False) -> list[LabelledSeries]:
    """``nab/data/<category>/<file>.csv`` with ``nab/labels/combined_windows.json``. Each series
    trains on its first 15 % (NAB's probationary period) and is evaluated on the rest."""
    import pandas as pd

    from ..io import read_recording

    windows = json.loads((data / "nab" / "labels" / "combined_windows.json").read_text())
    out = []
    for key in sorted(windows):
        path = data / "nab" / "data" / key
        if not path.is_file():
            continue
        rec = read_recording(path)
        stamps = pd.to_datetime(pd.read_csv(path, usecols=["timestamp"])["timestamp"]).to_numpy()
        bounds = [
            [np.searchsorted(stamps, np.datetime64(pd.Timestamp(a)), "left"),
             np.searchsorted(stamps, np.datetime64(pd.Timestamp(b)), "right")]
            for a, b in windows[key]
        ]
        probation = int(NAB_PROBATION * rec.n_samples)
        out.append(
            LabelledSeries(key, rec, as_intervals(bounds), "range", train_samples=probation, evaluate_from=probation)
        )
    if quick:
        out = [s for s in out if len(s.anomalies)][:1]
    return out


def load_nab_self(data: Path, quick: bool = False) -> list[LabelledSeries]:
    """The NAB series trained on the whole series itself, as the window does by default
    (anomalies included), and evaluated after NAB's probationary period like ``load_nab``."""
    return [replace(s, train="whole", train_samples=0) for s in load_nab(data, quick)]


# -- SKAB ----------------------------------------------------------------------------------
def load_skab(data: Path, quick: bool = False) -> list[LabelledSeries]:
    """``skab/<group>/<n>.csv`` with their ``anomaly`` column; the reference for all of them is
    ``skab/anomaly-free/anomaly-free.csv``."""
    from ..io import read_recording

    root = data / "skab"
    reference = read_recording(root / "anomaly-free" / "anomaly-free.csv")
    out = []
    for path in sorted(root.glob("*/*.csv")):
        if path.parent.name == "anomaly-free":
            continue
        rec = read_recording(path)
        ann = rec.annotations
        bounds = [
            [int(ann.onset_samples[i]), int(ann.onset_samples[i] + ann.duration_samples[i])]
            for i, lab in enumerate(ann.labels)
            if lab == "anomaly" and ann.duration_samples is not None
        ]
        name = f"{path.parent.name}/{path.name}"
        out.append(LabelledSeries(name, rec, as_intervals(bounds), "reference", reference=reference))
    return out[:1] if quick else out


# -- MIT-BIH -------------------------------------------------------------------------------
def mitdb_records(data: Path, quick: bool = False) -> list[Path]:
    """The ``.hea`` files of ``mitdb/``; with ``quick`` only the first record with at least 5
    non-normal beats in its first ``QUICK_MITDB_S`` seconds."""
    paths = sorted((data / "mitdb").glob("*.hea"))
    if not quick:
        return paths
    from ..io import read_annotations

    for path in paths:
        ann = read_annotations(path)
        labels = np.array(ann.labels)
        early = ann.onset_samples < QUICK_MITDB_S * 360.0
        if np.sum(early & np.isin(labels, sorted(BEAT_SYMBOLS - AAMI_NORMAL))) >= 5:
            return [path]
    return paths[:1]


def annotated_noise(rec: Recording, before_s: float, after_s: float) -> np.ndarray:
    """``(k, 2)`` sample intervals where a record's annotations say the signal is noisy: from a
    signal-quality change (``~``) noted ``noise`` or ``unreadable`` to the next one noted
    ``clean`` (or the end), and ``before_s`` … ``after_s`` around each isolated artefact (``|``)
    that looked like a beat."""
    ann, n = rec.annotations, rec.n_samples
    notes = ann.notes or ("",) * len(ann.labels)
    intervals, start = [], None
    for onset, label, note in sorted(zip(ann.onset_samples.tolist(), ann.labels, notes)):
        if label == "~":
            if note in ("noise", "unreadable") and start is None:
                start = onset
            elif note == "clean" and start is not None:
                intervals.append((start, onset))
                start = None
        elif label == "|":
            intervals.append((max(0, onset - int(round(before_s * rec.fs_hz))),
                              min(n, onset + int(round(after_s * rec.fs_hz)) + 1)))
    if start is not None:
        intervals.append((start, n))
    return as_intervals(intervals)


def load_mitdb_record(path: Path, quick: bool = False) -> Recording:
    from ..io import read_recording

    rec = read_recording(path)
    return rec.crop(0, rec.time_to_index(QUICK_MITDB_S)) if quick else rec


# -- CWRU ----------------------------------------------------------------------------------
@dataclass
class CwruSet:
    """Healthy training and held-out drive-end data at 12 kHz, and the fault files."""

    train: Recording
    held_out: Recording
    faults: dict[str, Recording]


def _drive_end(path: Path) -> np.ndarray:
    import scipy.io

    mat = scipy.io.loadmat(path)
    key = next(k for k in mat if k.endswith("_DE_time"))
    return np.asarray(mat[key], np.float32).reshape(-1, 1)


def load_cwru(data: Path, quick: bool = False) -> CwruSet:
    """``cwru/Normal/Normal_0.mat`` (48 kHz, decimated to 12 kHz) split 70/30 into training and
    held-out data, and ``cwru/12k_DE/*.mat`` (drive end, 12 kHz). Read with scipy directly:
    the harness needs only the DE channel and must not depend on the MATLAB reader's state."""
    from ..dsp.resample import resample_to

    healthy = resample_to(_drive_end(data / "cwru" / "Normal" / "Normal_0.mat"), CWRU_HEALTHY_FS, CWRU_FS)
    cut = int(CWRU_TRAIN_FRACTION * len(healthy))
    train, held_out = healthy[:cut], healthy[cut:]
    paths = sorted((data / "cwru" / "12k_DE").glob("*.mat"))
    if quick:
        train, paths = train[:QUICK_CWRU_SAMPLES], paths[:1]
    channel = [Channel("DE", "g")]
    faults = {}
    for path in paths:
        x = _drive_end(path)
        faults[path.name] = Recording(x[:QUICK_CWRU_SAMPLES] if quick else x, CWRU_FS, channel, source=path)
    return CwruSet(
        Recording(train, CWRU_FS, channel, source=Path("Normal_0.mat (train)")),
        Recording(held_out, CWRU_FS, channel, source=Path("Normal_0.mat (held out)")),
        faults,
    )
