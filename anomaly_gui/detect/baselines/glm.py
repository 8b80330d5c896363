"""Linear autoregressive predictor: the anomaly score is the size of its one-step error."""

from __future__ import annotations

import numpy as np

from ...tasks import TaskContext
from ._base import BaselineDetector, robust_spread

ORDERS = (1, 2, 4, 8, 16, 32, 64)
# Rows of the least-squares problem at most (evenly thinned beyond).
MAX_ROWS = 100_000
VALIDATION_FRACTION = 0.25
# An order must cut the validation error by more than this to beat a smaller one.
ORDER_TOLERANCE = 0.01


def lag_matrix(x: np.ndarray, order: int, targets: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Regressors ``[x[t-1], …, x[t-order], 1]`` and targets ``x[t]`` for the sample indices
    ``targets`` (default: every ``t ≥ order``)."""
    x = np.asarray(x, np.float64)
    if targets is None:
        targets = np.arange(order, len(x))
    lags = x[targets[:, None] - np.arange(1, order + 1)[None, :]]
    return np.hstack([lags, np.ones((len(targets), 1))]), x[targets]


def fit_ar(x: np.ndarray, order: int) -> np.ndarray:
    """Least-squares AR coefficients ``[a_1 … a_order, intercept]`` of the 1-D ``x`` (at most
    MAX_ROWS evenly spaced equations)."""
    targets = np.arange(order, len(x))
    if len(targets) > MAX_ROWS:
        targets = targets[np.linspace(0, len(targets) - 1, MAX_ROWS).astype(np.int64)]
    design, target = lag_matrix(x, order, targets)
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    return coef


def ar_residuals(x: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """One-step prediction errors of the 1-D signal ``x``; the first ``order`` samples (no
    full history) repeat the first complete error."""
    from scipy.signal import lfilter

    order = len(coef) - 1
    x = np.asarray(x, np.float64)
    predicted = lfilter(np.concatenate([[0.0], coef[:order]]), [1.0], x) + coef[order]
    residual = x - predicted
    if len(x) > order:
        residual[:order] = residual[order]
    return residual


def choose_order(x: np.ndarray, orders: tuple[int, ...]) -> int:
    """The AR order with the smallest one-step error on the last quarter of ``x`` when fitted
    on the first three quarters (a larger order must win by more than ORDER_TOLERANCE)."""
    split = int(len(x) * (1.0 - VALIDATION_FRACTION))
    best_order, best_mse = orders[0], np.inf
    for p in orders:
        if split - p < 10 * (p + 1) or len(x) - split <= p:
            break
        coef = fit_ar(x[:split], p)
        mse = float(np.mean(ar_residuals(x[split - p :], coef)[p:] ** 2))
        if mse < best_mse * (1.0 - ORDER_TOLERANCE):
            best_order, best_mse = p, mse
    return best_order


class AutoregressiveDetector(BaselineDetector):
    """Per channel, a linear AR(p) predictor with intercept fitted by least squares, p chosen
    from 1, 2, 4 … 64 (at most a quarter window) by validation on the last quarter of the
    training data. Score: ``|one-step error|`` in units of the robust spread of the training
    errors, averaged over ``config.smoothing`` samples (like the autoencoder's error).

    Fitted: ``orders_``, ``coefs_`` (list of arrays), ``residual_scale_``.
    """

    key = "glm"
    label = "autoregressive (GLM)"

    def _fit(self, data: np.ndarray, ctx: TaskContext) -> None:
        x = self.scaler_.transform(data)
        orders = tuple(p for p in ORDERS if p <= max(1, self.config.window // 4))
        self.orders_, self.coefs_, scales = [], [], []
        for c in range(x.shape[1]):
            ctx.check_cancelled()
            p = choose_order(x[:, c], orders)
            coef = fit_ar(x[:, c], p)
            self.orders_.append(p)
            self.coefs_.append(coef)
            scales.append(float(robust_spread(ar_residuals(x[:, c], coef)[p:])))
            ctx.progress((c + 1) / x.shape[1], f"AR({p}) fitted to {self.channel_names_[c]}")
        self.residual_scale_ = np.maximum(np.array(scales), 1e-9)

    def _score(self, data: np.ndarray, ctx: TaskContext) -> np.ndarray:
        s = max(1, self.config.smoothing)

        def block(x: np.ndarray, at_start: bool) -> np.ndarray:
            from scipy.ndimage import uniform_filter1d

            out = np.empty(x.shape, np.float64)
            for c, coef in enumerate(self.coefs_):
                out[:, c] = np.abs(ar_residuals(x[:, c], coef)) / self.residual_scale_[c]
            if s > 1:
                uniform_filter1d(out, size=s, axis=0, output=out, mode="nearest")
            return out

        return self._stream(data, block, before=max(self.orders_) + s, after=s, ctx=ctx)

    def extra_state(self) -> dict:
        return {
            "orders": list(self.orders_),
            "coefs": [c.tolist() for c in self.coefs_],
            "residual_scale": self.residual_scale_.tolist(),
        }

    def load_extra_state(self, state: dict) -> None:
        self.orders_ = [int(p) for p in state["orders"]]
        self.coefs_ = [np.asarray(c, np.float64) for c in state["coefs"]]
        self.residual_scale_ = np.asarray(state["residual_scale"], np.float64)
