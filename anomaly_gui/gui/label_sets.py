"""Label sets offered for segments: a default per domain, editable and remembered (QSettings)."""

from __future__ import annotations

from . import settings

DEFAULT_LABEL_SETS: dict[str, tuple[str, ...]] = {
    "ecg": ("PVC", "APB", "VT run", "AF episode", "artefact/noise", "other"),
    "vibration": ("bearing fault", "impact", "transient", "sensor fault", "other"),
}
DOMAIN_NAMES = {"ecg": "ECG", "vibration": "Vibration and other sensors"}
BEAT_DETECTOR = "BeatAutoencoderDetector"


def domain_for(detector_kind: str = "", recording=None) -> str:
    """"ecg" when the beat detector ran or the recording looks like an ECG, else "vibration"."""
    if detector_kind == BEAT_DETECTOR:
        return "ecg"
    if recording is not None:
        from ..detect.pipeline import looks_like_ecg

        if looks_like_ecg(recording):
            return "ecg"
    return "vibration"


def labels_for(domain: str) -> list[str]:
    """The user's label set for ``domain``, else its default."""
    saved = settings.label_set(domain)
    return saved if saved else list(DEFAULT_LABEL_SETS.get(domain, DEFAULT_LABEL_SETS["vibration"]))


def remember(domain: str, labels: list[str]) -> None:
    """Keep ``labels`` as the set for ``domain`` (forget them when they equal the default)."""
    default = list(DEFAULT_LABEL_SETS.get(domain, ()))
    settings.set_label_set(domain, None if list(labels) == default else list(labels))
