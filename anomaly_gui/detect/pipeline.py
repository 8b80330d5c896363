"""The detection pipeline: choose training data, fit, score every sample, threshold, segment."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..dsp.resample import resample_to
from ..dsp.windows import window_runs
from ..errors import DataError, ModelFileError
from ..recording import Recording, finite_samples, match_channels
from ..segments import SegmentSet, mask_to_intervals, segments_from_scores
from ..tasks import NULL_TASK, TaskContext, sub
from .autoencoder import AutoencoderDetector
from .beats import BeatAutoencoderDetector
from .config import DetectionConfig
from .threshold import ScoreReference, resolve_threshold

TRAIN_SOURCES = ("whole", "range", "reference", "masked")
SHORT_TRAINING_WINDOWS = 16
"""Training data shorter than this many windows (side by side) gets a notice: the model and
its automatic threshold rest on a handful of examples of normal behaviour."""
FEW_TRAINING_BEATS = 50
"""A beat model that learnt from fewer heartbeats than this gets a notice (a self-trained one
learns a quarter of the usable beats: about 3 minutes of ECG make 50)."""


@dataclass(frozen=True)
class TrainingSource:
    """What the model learns from: the whole recording, a time range of it, a reference, or
    the recording where ``mask`` is True (e.g. without the segments a user accepted as
    anomalies)."""

    kind: str = "whole"
    range_s: tuple[float, float] | None = None
    reference: Recording | None = None
    mask: np.ndarray | None = field(default=None, compare=False)
    description: str = ""

    def describe(self) -> str:
        if self.description:
            return self.description
        if self.kind == "range" and self.range_s:
            return f"range {self.range_s[0]:.3f}–{self.range_s[1]:.3f} s"
        if self.kind == "reference" and self.reference is not None:
            return f"reference {self.reference.display_name}"
        if self.kind == "masked":
            return "recording minus excluded segments"
        return "whole recording"


@dataclass
class DetectionResult:
    """Everything one detection run produced, for the GUI, the CLI and exports."""

    scores: np.ndarray
    channel_scores: np.ndarray
    threshold: float
    segments: SegmentSet
    detector: AutoencoderDetector | BeatAutoencoderDetector
    config: DetectionConfig
    source_description: str
    timings: dict = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def resegment(self, threshold: float, channel_names: list[str]) -> SegmentSet:
        """Segments for another threshold (e.g. the user dragged the line); no rescoring."""
        return segment(self.scores, self.channel_scores, threshold, self.segments.fs_hz, self.config, channel_names)


def segment(
    scores: np.ndarray,
    channel_scores: np.ndarray | None,
    threshold: float,
    fs_hz: float,
    config: DetectionConfig,
    channel_names: list[str],
) -> SegmentSet:
    return segments_from_scores(
        scores,
        threshold,
        fs_hz,
        min_duration_samples=config.min_duration_samples(fs_hz),
        max_gap_samples=config.merge_gap_samples(fs_hz),
        channel_scores=channel_scores,
        channel_names=channel_names,
    )


ECG_NAME_HINTS = ("ecg", "ekg", "mlii", "mli", "lead", "avr", "avl", "avf")
ECG_LEAD_NAMES = {"i", "ii", "iii", "v1", "v2", "v3", "v4", "v5", "v6", "ml", "mlii", "mliii"}
# Signals recorded beside an ECG, in the same units, that are not ECG leads: EEG electrodes of
# the 10-20 system (Fp1, C3-A2, O2, Cz …), eye, muscle and breathing channels.
OTHER_SIGNAL_HINTS = ("eeg", "eog", "emg", "resp", "pleth", "spo2", "chin", "leg")
EEG_ELECTRODE = re.compile(r"(fp|af|fc|ft|cp|tp|po|f|c|t|p|o|a|m)(z|\d{1,2})\b.*")


NOT_ECG_NOTICE = (
    "This is a heartbeat model, but the recording does not look like an ECG (no lead name such as "
    "MLII, II or V1, no mV units, or a rate outside 100–2000 Hz): its scores may mean little here."
)


def ecg_leads(recording: Recording) -> list[int]:
    """The channels that are ECG leads: named like one (MLII, V1, II, ECG, EKG, aVR …), or
    measured in mV and not named like another signal (an EEG electrode such as Fp1 or C3, EOG,
    EMG …). µV alone does not make a lead: EEG is recorded in µV too."""
    leads = []
    for k, ch in enumerate(recording.channels):
        name = ch.name.strip().lower()
        if name in ECG_LEAD_NAMES or any(h in name for h in ECG_NAME_HINTS):
            leads.append(k)
        elif ch.unit.strip().lower() == "mv" and not (
            any(h in name for h in OTHER_SIGNAL_HINTS) or EEG_ELECTRODE.fullmatch(name)
        ):
            leads.append(k)
    return leads


def looks_like_ecg(recording: Recording) -> bool:
    """True for recordings that carry ECG leads (``ecg_leads``) at a rate of 100–2000 Hz."""
    return 100.0 <= recording.fs_hz <= 2000.0 and bool(ecg_leads(recording))


def pick_ecg_lead(recording: Recording) -> int:
    """The channel a single-lead ECG model should score: MLII or II if present, else the first
    ECG lead, else the first channel."""
    names = [c.name.strip().lower() for c in recording.channels]
    for wanted in ("mlii", "ii"):
        if wanted in names:
            return names.index(wanted)
    leads = ecg_leads(recording)
    return leads[0] if leads else 0


def choose_windowing(config: DetectionConfig, recording: Recording) -> str:
    if config.windowing != "auto":
        return config.windowing
    return "beats" if looks_like_ecg(recording) else "sliding"


def make_detector(config: DetectionConfig, recording: Recording):
    """The detector ``config`` asks for on ``recording`` (beat windows for ECG under ``auto``).

    Baseline keys (``zscore``, ``iqr``, ``iforest``, ``ocsvm``, ``glm``, ``discord``) get their
    classical detector whatever the windowing; they have no beat-synchronous form."""
    from .baselines import BASELINES

    if config.model in BASELINES:
        return BASELINES[config.model](config)
    if choose_windowing(config, recording) == "beats":
        return BeatAutoencoderDetector(config)
    return AutoencoderDetector(config)


def prepare_reference(reference: Recording, target: Recording) -> tuple[np.ndarray, list[str]]:
    """Reference samples matched to the target's channels and rate, plus notices.

    Channels pair by name where every recording channel has its own in the reference
    (``match_channels``: the reference may have more, in any order); otherwise by position when
    both have as many, with a notice where the names differ."""
    notices = []
    ref_names, names = reference.channel_names, target.channel_names
    order = match_channels(ref_names, names)
    if order is None and reference.n_channels != target.n_channels:
        raise DataError(
            f"The reference {reference.display_name} has {reference.n_channels} channel(s) "
            f"({', '.join(ref_names)}) and the recording {target.n_channels} ({', '.join(names)}), "
            "and they do not pair by name. Open both with the same channels: --channels on the "
            "command line, File ▸ Import with options… in the window."
        )
    if order is None:
        order = list(range(target.n_channels))
        differ = [f"{ref_names[i]} for {n}" for i, n in zip(order, names) if ref_names[i].lower() != n.lower()]
        if differ:
            notices.append(f"Reference channels paired by position: {', '.join(differ)}.")
    elif order != list(range(reference.n_channels)):
        notices.append(f"Reference channels paired by name: {_pairs_text(ref_names, order, names)}.")
    data = reference.data if order == list(range(reference.n_channels)) else reference.data[:, order]
    if abs(reference.fs_hz - target.fs_hz) > 1e-6 * target.fs_hz:
        data = resample_to(data, reference.fs_hz, target.fs_hz)
        notices.append(
            f"The reference was resampled from {reference.fs_hz:g} Hz to {target.fs_hz:g} Hz "
            "to match the recording."
        )
    return np.asarray(data, np.float32), notices


def run_detection(
    recording: Recording,
    config: DetectionConfig,
    source: TrainingSource = TrainingSource(),
    ctx: TaskContext = NULL_TASK,
    on_epoch: Callable | None = None,
    detector: AutoencoderDetector | BeatAutoencoderDetector | None = None,
) -> DetectionResult:
    """Train (unless ``detector`` is given) and score every sample of ``recording``.

    Gaps (samples where a channel is NaN or inf) are left out: never trained on; every finite
    stretch is scored on its own and the gaps get NaN scores, which no threshold flags.
    Progress: training fills 0–80 %, scoring 80–100 %. Raises ``DataError`` for data too short
    or without a finite stretch to score, ``Cancelled`` when ``ctx`` is cancelled.
    """
    notices: list[str] = []
    finite = finite_samples(recording)  # None: no gaps
    if finite is not None:
        if not finite.any():
            raise DataError(f"Every sample of {recording.display_name} is NaN or infinite in some channel.")
        scorable_runs(finite, config.window)  # says so before training when nothing can be scored
        notices.append(gap_notice(recording, finite))
    timings: dict = {}
    # Which scores describe the training data (for thresholds): a slice or a boolean mask.
    train_scores_from: slice | np.ndarray | None = None
    train_data: np.ndarray | None = None
    training_mask: np.ndarray | None = None
    # Trained here on the recording it scores: its anomalies are among the training data.
    own_recording = detector is None and source.kind in ("whole", "masked")
    samples, from_model = np.asarray(recording.data), None  # what the network scores, in its channel order
    if detector is None:
        if source.kind == "reference":
            if source.reference is None:
                raise DataError("No reference recording was given.")
            train_data, ref_notices = prepare_reference(source.reference, recording)
            notices += ref_notices
            reference_finite = np.isfinite(train_data).all(axis=1)
            if not reference_finite.all():
                if not reference_finite.any():
                    raise DataError(f"Every sample of the reference {source.reference.display_name} is NaN or infinite.")
                training_mask = reference_finite
                notices.append("The reference's gaps of NaN or infinite values were left out of training.")
        elif source.kind == "range":
            if not source.range_s:
                raise DataError("No training time range was given.")
            t0, t1 = sorted(source.range_s)
            i0, i1 = recording.time_to_index(t0), recording.time_to_index(t1)
            if i1 - i0 < 2 * config.window:
                raise DataError(
                    f"The training range {t0:.3f}–{t1:.3f} s holds {max(0, i1 - i0)} samples; "
                    f"at least {2 * config.window} are needed."
                )
            train_data = recording.chunk(i0, i1)
            train_scores_from = slice(i0, i1)
            if finite is not None and not finite[i0:i1].all():
                training_mask = finite[i0:i1]
        elif source.kind == "masked":
            training_mask = np.asarray(source.mask, bool) if source.mask is not None else None
            if training_mask is None or training_mask.shape != (recording.n_samples,):
                raise DataError("The training mask must give one value per sample of the recording.")
            train_data = np.asarray(recording.data, np.float32)
            train_scores_from = training_mask
            if finite is not None:
                training_mask = training_mask & finite
            notices.append(
                f"Trained on {100 * training_mask.mean():.1f} % of the recording (excluded segments left out)."
            )
        else:
            train_data = np.asarray(recording.data, np.float32)
            train_scores_from = slice(0, recording.n_samples)
            training_mask = finite
        started = time.perf_counter()
        detector = _fit(
            make_detector(config, recording), train_data, recording, training_mask, sub(ctx, 0.0, 0.8), on_epoch,
            own_recording,
        )
        timings["train_s"] = time.perf_counter() - started
        if isinstance(detector, AutoencoderDetector) and not own_recording:
            notices += short_training_notices(len(train_data), config.window)
        if isinstance(detector, BeatAutoencoderDetector) and detector.n_training_beats_ < FEW_TRAINING_BEATS:
            notices.append(
                f"The model learnt the normal beat from {detector.n_training_beats_} heartbeats, which is few: "
                "its scores are rough. Train on a longer stretch of ECG, or score with the bundled ECG "
                "reference model."
            )
    else:
        # A saved model: the recording's columns in the order its network expects, and back.
        to_model, from_model, pairing = saved_model_columns(detector, recording)
        notices += pairing
        if to_model is not None:
            samples = samples[:, to_model]
        config = detector.config
        timings["train_s"] = 0.0
        if isinstance(detector, BeatAutoencoderDetector) and config.adapt_saved_beat_model:
            check_model_fits(detector, recording, check_rate=False)
            started = time.perf_counter()
            detector = detector.adapted_to(samples, recording.fs_hz, sub(ctx, 0.0, 0.8), training_mask=finite)
            timings["train_s"] = time.perf_counter() - started
            train_scores_from = slice(0, recording.n_samples)
            notices.append(
                "The saved beat model was adapted to this recording: amplitude normalisation and "
                "score statistics come from its own beats."
            )
        else:
            check_model_fits(detector, recording)
    started = time.perf_counter()
    scores_reference_too = train_data is not None and train_scores_from is None
    channel_scores = score_around_gaps(detector, samples, finite, sub(ctx, 0.8, 0.95 if scores_reference_too else 1.0))
    if from_model is not None:
        channel_scores = channel_scores[:, from_model]
    scores = channel_scores.mean(axis=1)
    if train_data is not None or train_scores_from is not None:
        if scores_reference_too:
            train_scores = score_around_gaps(detector, train_data, training_mask, sub(ctx, 0.95, 1.0)).mean(axis=1)
        else:
            train_scores = scores[train_scores_from]
        detector.score_reference_ = ScoreReference.from_scores(train_scores, may_hold_anomalies=own_recording)
    timings["score_s"] = time.perf_counter() - started
    if getattr(detector, "scoring_precision_", "float32") == "bfloat16":
        notices.append("Scored in bfloat16 arithmetic (this CPU computes it natively; it agreed with float32 "
                       "within 2 % on this recording's windows). Use float32 scoring for identical scores "
                       "on every machine.")
    reference = detector.score_reference_
    threshold = resolve_threshold(config.threshold, reference, detector.auto_threshold(reference, config))
    segments = segment(scores, channel_scores, threshold, recording.fs_hz, config, recording.channel_names)
    ctx.progress(1.0, f"{len(segments)} segment(s) flagged")
    return DetectionResult(
        scores=scores,
        channel_scores=channel_scores,
        threshold=threshold,
        segments=segments,
        detector=detector,
        config=config,
        source_description=(
            source.describe()
            if train_data is not None
            else "saved model, adapted to this recording" if train_scores_from is not None else "saved model"
        ),
        timings=timings,
        notices=notices,
    )


def gap_notice(recording: Recording, finite: np.ndarray) -> str:
    """How many gaps (samples where some channel is NaN or inf) there are, how long in all, and
    where the first one starts."""
    gaps = mask_to_intervals(~finite)
    missing = int((gaps[:, 1] - gaps[:, 0]).sum())
    return (
        f"{len(gaps)} gap(s) of NaN or infinite values ({missing / recording.fs_hz:.3g} s in all, the first at "
        f"{gaps[0, 0] / recording.fs_hz:.3f} s) were left out: not trained on, not scored, never flagged."
    )


def scorable_runs(finite: np.ndarray, window: int) -> np.ndarray:
    """The ``[start, end)`` stretches where ``finite`` is True that hold at least one window;
    ``DataError`` when there are none."""
    runs = window_runs(finite, window)
    if len(runs) == 0:
        raise DataError(
            f"No stretch between the gaps of NaN or infinite values holds {window} samples (one window): "
            "there is nothing to score."
        )
    return runs


def score_around_gaps(detector, data: np.ndarray, finite: np.ndarray | None, ctx: TaskContext = NULL_TASK) -> np.ndarray:
    """``detector.score_channels(data)``, where ``finite`` (None: everywhere) says which samples
    may be scored: each stretch of at least one window (``config.window`` samples) where it is
    True is scored on its own; the rest gets NaN."""
    if finite is None or finite.all():
        return detector.score_channels(data, ctx)
    runs = scorable_runs(finite, int(detector.config.window))
    out = np.full((len(data), int(np.asarray(data).shape[1])), np.nan, np.float32)
    total, done = float((runs[:, 1] - runs[:, 0]).sum()), 0
    for a, b in runs:
        a, b = int(a), int(b)
        out[a:b] = detector.score_channels(np.asarray(data[a:b]), sub(ctx, done / total, (done + b - a) / total))
        done += b - a
    return out


def short_training_notices(n_train: int, window: int) -> list[str]:
    """A notice when sliding-window training data (a time range or a reference, not the scored
    recording itself) spans fewer than ``SHORT_TRAINING_WINDOWS`` windows side by side."""
    if n_train >= SHORT_TRAINING_WINDOWS * window:
        return []
    return [
        f"The training data is short: {n_train} samples, {n_train / window:.1f} windows of {window} side "
        "by side. A model of normal behaviour from this little data, and its automatic threshold, are "
        "uncertain: check the score histogram and the sensitivity, or train on a longer stretch."
    ]


def run_saved_model(
    recording: Recording, detector, threshold: str | None = None, ctx: TaskContext = NULL_TASK
) -> DetectionResult:
    """Score ``recording`` with a saved (or the bundled) model, without training; ``threshold``
    replaces the model's own threshold setting when given.

    A one-lead beat model (the bundled ECG reference) scores the lead ``pick_ecg_lead``
    chooses; the per-channel scores of the other channels are 0, so segments name that lead."""
    from dataclasses import replace

    if threshold is not None:
        detector.config = replace(detector.config, threshold=threshold)
    beats = isinstance(detector, BeatAutoencoderDetector)
    if beats and detector.n_channels_ == 1 and recording.n_channels > 1:
        lead = pick_ecg_lead(recording)
        result = run_detection(recording.select_channels([lead]), detector.config, ctx=ctx, detector=detector)
        channel_scores = np.zeros((recording.n_samples, recording.n_channels), np.float32)
        channel_scores[:, lead] = result.channel_scores[:, 0]
        result.channel_scores = channel_scores
        result.notices.append(f"The model scores one lead: {recording.channel_names[lead]}.")
    else:
        result = run_detection(recording, detector.config, ctx=ctx, detector=detector)
    if beats and not looks_like_ecg(recording):
        result.notices.append(NOT_ECG_NOTICE)
    return result


def _fit(detector, data: np.ndarray, recording: Recording, mask: np.ndarray | None, ctx: TaskContext, on_epoch,
         own_recording: bool):
    names = recording.channel_names
    if isinstance(detector, AutoencoderDetector):
        return detector.fit(data, recording.fs_hz, names, ctx, on_epoch, training_mask=mask, own_recording=own_recording)
    if mask is None:
        return detector.fit(data, recording.fs_hz, names, ctx, on_epoch)
    if isinstance(detector, BeatAutoencoderDetector):
        return detector.fit(data, recording.fs_hz, names, ctx, on_epoch, training_mask=mask)
    # Other detectors (the baselines) learn local window features: fit them on the usable
    # stretches of at least one window, joined end to end (the joins barely matter to them).
    window = int(detector.config.window)
    runs = window_runs(mask, window)
    if len(runs) == 0:
        raise DataError(f"No stretch of {window} samples remains outside the excluded segments.")
    joined = np.concatenate([data[a:b] for a, b in runs])
    return detector.fit(joined, recording.fs_hz, names, ctx, on_epoch)


def saved_model_columns(detector, recording: Recording) -> tuple[list[int] | None, list[int] | None, list[str]]:
    """For a saved model whose channels are the recording's in another order (paired by name,
    ``match_channels``): the recording's columns in the model's order, the model's columns in
    the recording's order, and a notice; ``None, None, []`` where the order is already the
    model's or the names do not pair (the channel check then speaks)."""
    names = list(getattr(detector, "channel_names_", None) or [])
    if len(names) != recording.n_channels:
        return None, None, []
    order = match_channels(names, recording.channel_names)  # recording channel j is model channel order[j]
    if order is None or order == list(range(len(order))):
        return None, None, []
    to_model = [order.index(i) for i in range(len(order))]
    notice = f"Saved model channels paired by name: {_pairs_text(names, order, recording.channel_names)}."
    return to_model, order, [notice]


def _pairs_text(source: list[str], order: list[int], target: list[str]) -> str:
    """``X097_DE_time for X105_DE_time, FE`` — a name once where both sides share it."""
    return ", ".join(n if source[i].lower() == n.lower() else f"{source[i]} for {n}" for i, n in zip(order, target))


def check_model_fits(detector, recording: Recording, check_rate: bool = True) -> None:
    """A saved model scores only data with its channel count and (unless it resamples its
    windows itself, as beat models do) its sampling rate."""
    if detector.n_channels_ != recording.n_channels:
        raise ModelFileError(
            f"The model was trained on {detector.n_channels_} channel(s) "
            f"({', '.join(detector.channel_names_)}); the recording has {recording.n_channels} "
            f"({', '.join(recording.channel_names)}). Open it with the model's channels: --channels on "
            "the command line, File ▸ Import with options… in the window."
        )
    if check_rate and abs(detector.fs_hz_ - recording.fs_hz) > 1e-6 * recording.fs_hz:
        raise ModelFileError(
            f"The model was trained at {detector.fs_hz_:g} Hz; the recording is at "
            f"{recording.fs_hz:g} Hz. Resample it or pass --fs if the file's rate is wrong."
        )
