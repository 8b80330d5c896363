"""One-class SVM on window features (Schölkopf et al. 2001)."""

from __future__ import annotations

import numpy as np

from .features import FeatureModelDetector

# Kernel fitting is quadratic in the training windows; more are thinned evenly.
MAX_SVM_WINDOWS = 5000
# Upper bound on the fraction of training windows outside the boundary (and lower bound on
# the fraction of support vectors): a generic choice, not fitted to any data set.
NU = 0.05


class OneClassSVMDetector(FeatureModelDetector):
    """scikit-learn ``OneClassSVM`` (RBF kernel, ``gamma="scale"``, ``nu = 0.05``) per channel
    on the standardised window features of at most 5,000 evenly spaced training windows; a
    window's score is its negated decision function. Cannot be saved (no pickle in model files).
    """

    key = "ocsvm"
    label = "one-class SVM"

    def _make_model(self, n_train: int):
        from sklearn.svm import OneClassSVM

        return OneClassSVM(kernel="rbf", gamma="scale", nu=NU, cache_size=200)

    def _train_rows(self, k: int) -> np.ndarray:
        if k <= MAX_SVM_WINDOWS:
            return np.arange(k)
        return np.linspace(0, k - 1, MAX_SVM_WINDOWS).astype(np.int64)

    def _window_scores(self, model, features: np.ndarray) -> np.ndarray:
        return -model.decision_function(features)
