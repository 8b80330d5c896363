"""One settings object for a detection run, with defaults that work without tuning."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from ..errors import AnomalyGuiError

MODEL_KINDS = ("ae", "vae", "zscore", "iqr", "iforest", "ocsvm", "glm", "discord")
WINDOWING_KINDS = ("auto", "sliding", "beats")


@dataclass(frozen=True)
class DetectionConfig:
    """Everything that decides a detection result (saved with models and exports).

    ``threshold`` is ``"auto"`` (extreme-value rule on the training scores: the level a normal
    sample exceeds with probability ``threshold_risk``; when the model trained on the recording
    it scores, whose anomalies are then among the training scores, ``robust_threshold_z``
    robust spreads above their median (median + z · 1.4826 · MAD); beat models:
    ``beat_threshold_z``),
    ``"pNN"`` (the NN-th percentile of the training scores, e.g. ``"p99.5"``) or a number.
    ``windowing``: ``"sliding"`` windows of ``window`` samples, ``"beats"`` one window per
    detected heartbeat (ECG), or ``"auto"``: beats when the recording looks like an ECG.
    ``keep_fraction`` < 1 trains robustly on the best-reconstructed fraction of the windows
    (``None``: half of the beats for beat windows, all windows for sliding ones).
    ``synthetic_anomalies``: the share of sliding training windows that get a synthetic anomaly
    (a smooth bump, a burst of noise, a flat or rescaled stretch) which the network learns to
    repair; then real anomalies the network could simply copy (a large smooth excursion) leave
    an error too. 0 trains on the windows as they are.
    ``adapt_saved_beat_model``: a saved beat model (e.g. the bundled ECG reference) re-fits its
    normalisation and score statistics on the recording it scores.
    ``min_duration_s`` / ``merge_gap_s`` of ``None`` derive from the window length:
    a quarter window and half a window.
    ``scoring_precision``: ``"auto"`` scores long recordings in bfloat16 on CPUs that compute
    it natively when it agrees with float32 (see ``model.inference``; scores within about 1 %,
    several times faster); ``"float32"`` always scores in float32 (identical scores on every
    machine).
    """

    model: str = "vae"
    windowing: str = "auto"
    window: int = 256
    train_stride: int = 32
    score_stride: int = 64
    smoothing: int = 64
    latent_dim: int = 32
    width: int = 16
    epochs: int = 15
    batch_size: int = 128
    learning_rate: float = 2e-3
    windows_per_epoch: int = 8192
    patience: int = 4
    keep_fraction: float | None = None
    synthetic_anomalies: float = 0.5
    kl_weight: float = 1.0
    seed: int = 0
    threshold: str = "auto"
    threshold_risk: float = 1e-3
    robust_threshold_z: float = 5.0
    beat_threshold_z: float = 5.0
    adapt_saved_beat_model: bool = True
    min_duration_s: float | None = None
    merge_gap_s: float | None = None
    scoring_precision: str = "auto"

    def __post_init__(self) -> None:
        if self.model not in MODEL_KINDS:
            raise AnomalyGuiError(f"Unknown model '{self.model}'; choose one of {', '.join(MODEL_KINDS)}.")
        if self.windowing not in WINDOWING_KINDS:
            raise AnomalyGuiError(
                f"Unknown windowing '{self.windowing}'; choose one of {', '.join(WINDOWING_KINDS)}."
            )
        if self.window < 16 or self.window % 8:
            raise AnomalyGuiError(f"Window must be a multiple of 8 and at least 16 samples, got {self.window}.")
        if self.epochs < 1:
            raise AnomalyGuiError("Epochs must be at least 1.")
        if not 0.0 <= self.synthetic_anomalies < 1.0:
            raise AnomalyGuiError(f"The share of synthetic anomalies must be in [0, 1), got {self.synthetic_anomalies}.")
        parse_threshold(self.threshold)
        if self.scoring_precision not in ("auto", "float32"):
            raise AnomalyGuiError(f"Scoring precision must be 'auto' or 'float32', got '{self.scoring_precision}'.")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "DetectionConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def min_duration_samples(self, fs_hz: float) -> int:
        if self.min_duration_s is None:
            return max(1, self.window // 4)
        return max(1, int(round(self.min_duration_s * fs_hz)))

    def merge_gap_samples(self, fs_hz: float) -> int:
        if self.merge_gap_s is None:
            return self.window // 2
        return max(0, int(round(self.merge_gap_s * fs_hz)))


def parse_threshold(text: str) -> tuple[str, float | None]:
    """``"auto"`` → ("auto", None); ``"p99.5"`` → ("percentile", 99.5); ``"0.8"`` → ("value", 0.8)."""
    t = str(text).strip().lower()
    if t == "auto":
        return "auto", None
    try:
        if t.startswith("p"):
            q = float(t[1:])
            if not 0 < q < 100:
                raise ValueError
            return "percentile", q
        return "value", float(t)
    except ValueError:
        raise AnomalyGuiError(
            f"Threshold '{text}' is not understood; use auto, a percentile such as p99.5, or a number."
        ) from None
