"""Thresholds from training scores: an automatic extreme-value rule, percentiles, fixed values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import parse_threshold

_N_QUANTILES = 1001
_TAIL_QUANTILE = 0.98
_MAX_FIT_SCORES = 2_000_000


@dataclass(frozen=True)
class ScoreReference:
    """A compact description of the scores of the training data (saved with a model).

    ``quantiles`` are 1001 evenly spaced quantiles of the scores. The upper tail above the
    98th percentile ``tail_start`` is described by a generalised Pareto distribution
    (``tail_shape``, ``tail_scale``): peaks over threshold, as in extreme-value theory.
    ``may_hold_anomalies``: the scores are those of the recording the model was trained on and
    scores (its anomalies among them), not of data known to be normal.
    """

    quantiles: np.ndarray
    tail_start: float
    tail_shape: float
    tail_scale: float
    may_hold_anomalies: bool = False

    @classmethod
    def from_scores(cls, scores: np.ndarray, may_hold_anomalies: bool = False) -> "ScoreReference":
        s = np.asarray(scores, np.float64).ravel()
        s = s[np.isfinite(s)]
        if s.size == 0:
            s = np.zeros(1)
        if s.size > _MAX_FIT_SCORES:
            s = s[:: int(np.ceil(s.size / _MAX_FIT_SCORES))]
        q = np.quantile(s, np.linspace(0, 1, _N_QUANTILES))
        start = float(np.quantile(s, _TAIL_QUANTILE))
        shape, scale = _fit_tail(s[s > start] - start)
        return cls(q, start, shape, scale, may_hold_anomalies)

    def percentile(self, p: float) -> float:
        return float(np.interp(p / 100.0, np.linspace(0, 1, len(self.quantiles)), self.quantiles))

    def exceedance_level(self, risk: float) -> float:
        """The score exceeded by a fraction ``risk`` of normal samples (from the fitted tail)."""
        tail_fraction = 1.0 - _TAIL_QUANTILE
        if risk >= tail_fraction:
            return self.percentile(100.0 * (1.0 - risk))
        ratio = risk / tail_fraction
        if abs(self.tail_shape) < 1e-6:
            return self.tail_start - self.tail_scale * np.log(ratio)
        return self.tail_start + self.tail_scale / self.tail_shape * (ratio ** (-self.tail_shape) - 1.0)

    def robust_level(self, z: float) -> float:
        """The score ``z`` robust spreads above the median: ``median + z · 1.4826 · MAD``. A
        minority of anomalous scores moves it a little, where they would make up the upper
        tail that ``exceedance_level`` extrapolates. (On a log scale the spread of scores that
        range over orders of magnitude, quiet and busy stretches, puts it far above them.)"""
        q = self.quantiles
        centre = float(np.median(q))
        spread = 1.4826 * float(np.median(np.abs(q - centre)))
        return float(centre + z * spread)

    def automatic_level(self, config) -> float:
        """The automatic threshold of a window model: ``robust_level`` when the scores may hold
        anomalies (``config.robust_threshold_z``), else ``exceedance_level``
        (``config.threshold_risk``)."""
        if self.may_hold_anomalies:
            return self.robust_level(config.robust_threshold_z)
        return float(self.exceedance_level(config.threshold_risk))

    def to_dict(self) -> dict:
        return {
            "quantiles": self.quantiles.tolist(),
            "tail_start": self.tail_start,
            "tail_shape": self.tail_shape,
            "tail_scale": self.tail_scale,
            "may_hold_anomalies": self.may_hold_anomalies,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "ScoreReference":
        return cls(
            np.asarray(d["quantiles"], np.float64),
            float(d["tail_start"]),
            float(d["tail_shape"]),
            float(d["tail_scale"]),
            bool(d.get("may_hold_anomalies", False)),
        )


def _fit_tail(excesses: np.ndarray) -> tuple[float, float]:
    """Shape and scale of a generalised Pareto fit to the excesses (method of moments if the
    maximum-likelihood fit fails or there are too few points)."""
    x = excesses[excesses > 0]
    if x.size < 10:
        return 0.0, float(np.mean(x)) if x.size else 1e-12
    try:
        from scipy.stats import genpareto

        shape, _, scale = genpareto.fit(x, floc=0.0)
        if np.isfinite(shape) and np.isfinite(scale) and scale > 0:
            # Very heavy fitted tails (shape ≥ 0.5) extrapolate wildly; cap them.
            return float(min(shape, 0.5)), float(scale)
    except Exception:
        pass
    mean, var = float(np.mean(x)), float(np.var(x))
    shape = 0.5 * (1.0 - mean * mean / var) if var > 0 else 0.0
    return float(min(shape, 0.5)), float(max(mean * (1.0 - shape), 1e-12))


def resolve_threshold(spec: str, reference: ScoreReference, auto_value: float) -> float:
    """Turn a threshold spec into a score value.

    ``auto``: ``auto_value``, the detector's own rule (e.g. an extreme-value level of the
    training scores); ``pNN``: the NN-th percentile of the training scores; a number: that value.
    """
    kind, value = parse_threshold(spec)
    if kind == "auto":
        return float(auto_value)
    if kind == "percentile":
        return reference.percentile(float(value))
    return float(value)
