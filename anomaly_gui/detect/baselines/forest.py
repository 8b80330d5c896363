"""Isolation Forest on window features (Liu, Ting & Zhou 2008)."""

from __future__ import annotations

import numpy as np

from .features import FeatureModelDetector

N_TREES = 100


class IsolationForestDetector(FeatureModelDetector):
    """scikit-learn ``IsolationForest`` (100 trees, 256 samples per tree, ``random_state =
    config.seed``) per channel on the nine window features; a window's score is its negated
    ``score_samples`` (the mean isolation depth turned into an anomaly score), a sample's
    score the mean over the windows covering it. Cannot be saved (no pickle in model files).
    """

    key = "iforest"
    label = "Isolation Forest"

    def _make_model(self, n_train: int):
        from sklearn.ensemble import IsolationForest

        return IsolationForest(n_estimators=N_TREES, max_samples="auto", random_state=self.config.seed, n_jobs=1)

    def _window_scores(self, model, features: np.ndarray) -> np.ndarray:
        return -model.score_samples(features)
