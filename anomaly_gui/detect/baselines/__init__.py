"""Classical baseline detectors with the same contract as the autoencoders.

``BASELINES`` maps each ``DetectionConfig.model`` key to its class. Importing this package
imports numpy only; scipy, pandas and scikit-learn load when a detector is fitted or scored.
"""

from __future__ import annotations

from ._base import BaselineDetector
from .discord import MatrixProfileDiscordDetector
from .forest import IsolationForestDetector
from .glm import AutoregressiveDetector
from .iqr import RollingIQRDetector
from .ocsvm import OneClassSVMDetector
from .zscore import RollingZScoreDetector

BASELINES: dict[str, type[BaselineDetector]] = {
    cls.key: cls
    for cls in (
        RollingZScoreDetector,
        RollingIQRDetector,
        IsolationForestDetector,
        OneClassSVMDetector,
        AutoregressiveDetector,
        MatrixProfileDiscordDetector,
    )
}

__all__ = [
    "BASELINES",
    "AutoregressiveDetector",
    "BaselineDetector",
    "IsolationForestDetector",
    "MatrixProfileDiscordDetector",
    "OneClassSVMDetector",
    "RollingIQRDetector",
    "RollingZScoreDetector",
]
