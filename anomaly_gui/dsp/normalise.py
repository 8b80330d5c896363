"""Per-channel normalisation fitted on training data only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ChannelScaler:
    """Robust per-channel centring and scaling: ``(x - centre) / scale``.

    Fitted with the median and the MAD (scaled to a standard deviation for Gaussian data),
    so a contaminated training set shifts it little; falls back to the standard deviation
    for channels whose MAD is zero (e.g. quantised or mostly constant signals).
    """

    centre: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, data: np.ndarray, max_rows: int = 2_000_000) -> "ChannelScaler":
        x = np.asarray(data, dtype=np.float32)
        if len(x) > max_rows:
            # A strided subset keeps the fit fast on hours of data; medians barely move.
            x = x[:: int(np.ceil(len(x) / max_rows))]
        centre = np.median(x, axis=0)
        mad = np.median(np.abs(x - centre), axis=0) * 1.4826
        std = np.std(x, axis=0)
        scale = np.where(mad > 1e-12 * np.maximum(1.0, np.abs(centre)), mad, std)
        scale = np.where(scale > 0, scale, 1.0)
        return cls(centre.astype(np.float32), scale.astype(np.float32))

    def transform(self, data: np.ndarray) -> np.ndarray:
        return ((np.asarray(data, dtype=np.float32) - self.centre) / self.scale).astype(np.float32)

    def to_dict(self) -> dict:
        return {"centre": self.centre.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> "ChannelScaler":
        return cls(np.asarray(d["centre"], np.float32), np.asarray(d["scale"], np.float32))
