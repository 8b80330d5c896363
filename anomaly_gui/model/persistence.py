"""Model files: a state_dict plus JSON metadata in one torch file, loaded with weights_only=True.

Nothing but tensors, strings and numbers is stored, so loading never unpickles code.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..errors import ModelFileError

FORMAT = "anomaly-gui-model"
FORMAT_VERSION = 1


def save_detector(path: str | Path, detector) -> None:
    """Write a fitted ``AutoencoderDetector`` (with its ``score_reference_``) atomically."""
    import torch

    path = Path(path)
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "detector": type(detector).__name__,
        "extra_state": detector.extra_state(),
        "config": detector.config.to_dict(),
        "n_channels": detector.n_channels_,
        "channel_names": detector.channel_names_,
        "fs_hz": detector.fs_hz_,
        "scaler": detector.scaler_.to_dict(),
        "score_reference": detector.score_reference_.to_dict(),
        "history": [s.__dict__ for s in detector.history_],
    }
    payload = {"metadata_json": json.dumps(meta), "state_dict": detector.net_.state_dict()}
    from ..io.export import ExportError, atomic_output

    try:
        with atomic_output(path) as tmp, open(tmp, "wb") as f:
            torch.save(payload, f)
    except ExportError as exc:
        raise ModelFileError(f"The model was not saved. {exc}") from exc


def load_detector(path: str | Path):
    """Read a model file written by ``save_detector``; returns a fitted ``AutoencoderDetector``."""
    import torch

    from ..detect.autoencoder import AutoencoderDetector
    from ..detect.beats import BEAT_POINTS, BeatAutoencoderDetector
    from ..detect.config import DetectionConfig
    from ..detect.threshold import ScoreReference
    from ..dsp.normalise import ChannelScaler
    from .networks import build_network
    from .training import EpochStats

    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"Model file {path} does not exist.")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        meta = json.loads(payload["metadata_json"])
        if meta.get("format") != FORMAT:
            raise ValueError("not an anomaly-gui model")
        if int(meta.get("format_version", 0)) > FORMAT_VERSION:
            raise ValueError(f"written by a newer version ({meta.get('app_version')})")
        config = DetectionConfig.from_dict(meta["config"])
        kind = meta.get("detector", "AutoencoderDetector")
        if kind == "BeatAutoencoderDetector":
            det, window = BeatAutoencoderDetector(config), BEAT_POINTS
        elif kind == "AutoencoderDetector":
            det, window = AutoencoderDetector(config), config.window
        else:
            raise ValueError(f"unknown detector '{kind}'")
        det.net_ = build_network(config.model, int(meta["n_channels"]), window, config.latent_dim, config.width)
        det.load_extra_state(meta.get("extra_state", {}))
        det.net_.load_state_dict(payload["state_dict"])
        det.net_.eval()
        det.n_channels_ = int(meta["n_channels"])
        det.channel_names_ = list(meta["channel_names"])
        det.fs_hz_ = float(meta["fs_hz"])
        det.scaler_ = ChannelScaler.from_dict(meta["scaler"])
        det.score_reference_ = ScoreReference.from_dict(meta["score_reference"])
        det.history_ = [EpochStats(**h) for h in meta.get("history", [])]
    except ModelFileError:
        raise
    except Exception as exc:  # any malformed content: one clear message
        raise ModelFileError(f"{path.name} is not a usable anomaly-gui model file ({exc}).") from exc
    return det
