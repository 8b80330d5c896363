"""The training loop: optimiser, validation split, early stopping, per-batch cancel, epoch stats."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from ..errors import TrainingError
from ..tasks import TaskContext
from .networks import ConvAutoencoder, ConvVAE
from .optimiser import CosineAdam
from .synthetic import corrupt


@dataclass(frozen=True)
class EpochStats:
    epoch: int  # 1-based
    n_epochs: int
    train_loss: float
    val_loss: float
    elapsed_s: float


@dataclass(frozen=True)
class TrainingSettings:
    epochs: int = 15
    batch_size: int = 128
    learning_rate: float = 2e-3
    windows_per_epoch: int = 8192
    validation_fraction: float = 0.1
    patience: int = 4
    kl_weight: float = 1.0
    seed: int = 0
    keep_fraction: float = 1.0
    warmup_epochs: int = 2
    synthetic_fraction: float = 0.0
    """Share of training windows given a synthetic anomaly to repair (``model.synthetic``)."""
    min_windows_per_epoch: int = 0
    """Fewer training windows than this are drawn with replacement up to it, each epoch."""

    @classmethod
    def from_config(
        cls, config, default_keep_fraction: float, synthetic_fraction: float = 0.0, min_windows_per_epoch: int = 0
    ) -> "TrainingSettings":
        """The loop's settings from a ``DetectionConfig`` (``keep_fraction`` None → the default)."""
        return cls(
            synthetic_fraction=synthetic_fraction,
            min_windows_per_epoch=min_windows_per_epoch,
            epochs=config.epochs,
            batch_size=config.batch_size,
            learning_rate=config.learning_rate,
            windows_per_epoch=config.windows_per_epoch,
            patience=config.patience,
            kl_weight=config.kl_weight,
            seed=config.seed,
            keep_fraction=default_keep_fraction if config.keep_fraction is None else config.keep_fraction,
        )


def _loss(net: ConvAutoencoder, inputs: torch.Tensor, target: torch.Tensor, kl_weight: float) -> torch.Tensor:
    if isinstance(net, ConvVAE):
        recon, mu, logvar = net.forward_train(inputs)
        # Negative ELBO per element: Gaussian reconstruction term plus the KL divergence of the
        # posterior from N(0, I), the KL of a window spread over that window's elements.
        rec = torch.mean((recon - target) ** 2)
        kl = -0.5 * torch.mean(torch.sum(1 + logvar - mu**2 - logvar.exp(), dim=1))
        return rec + kl_weight * kl / target[0].numel()
    return torch.mean((net(inputs) - target) ** 2)


def window_errors(net: ConvAutoencoder, windows: np.ndarray, batch: int = 1024) -> np.ndarray:
    """Mean squared reconstruction error of each window (inference mode, no gradients)."""
    out = np.empty(len(windows), np.float64)
    with torch.inference_mode():
        for b in range(0, len(windows), batch):
            w = torch.from_numpy(windows[b : b + batch])
            out[b : b + batch] = torch.mean((net(w) - w) ** 2, dim=(1, 2)).numpy()
    return out


def _trimmed_mean(values: np.ndarray, keep_fraction: float) -> float:
    if keep_fraction >= 1.0:
        return float(np.mean(values))
    return float(np.mean(np.sort(values)[: max(1, int(len(values) * keep_fraction))]))


def train_network(
    net: ConvAutoencoder,
    windows: np.ndarray,
    settings: TrainingSettings,
    ctx: TaskContext,
    on_epoch: Callable[[EpochStats], None] | None = None,
) -> list[EpochStats]:
    """Train ``net`` to reconstruct ``windows`` ``(n, ch, w)``; return per-epoch statistics.

    Keeps the weights of the epoch with the lowest validation loss. Checks for cancel after
    every batch so a Cancel takes effect within one batch.

    Robust training (``keep_fraction`` < 1): after ``warmup_epochs``, each epoch trains only on
    the windows the current network reconstructs best (that fraction of them), and the
    validation loss is the mean over the same fraction. Anomalies that are frequent in the
    training data (ectopic beats in bigeminy) then stay poorly reconstructed instead of being
    learnt as normal.

    Repair training (``synthetic_fraction`` > 0): that share of each batch gets a synthetic
    anomaly (``model.synthetic.corrupt``) and the loss compares the output with the clean
    window, so the network learns to undo such deviations instead of copying them.
    """
    n = len(windows)
    if n < 4:
        raise TrainingError(f"Only {n} training window(s); the training data is too short.")
    rng = np.random.default_rng(settings.seed)
    torch.manual_seed(settings.seed)
    order = rng.permutation(n)
    n_val = max(1, int(round(n * settings.validation_fraction)))
    val_idx, train_idx = order[:n_val], order[n_val:]
    val = windows[val_idx[: max(1, settings.windows_per_epoch // 8)]]
    optimiser = CosineAdam(net.parameters(), lr=settings.learning_rate, epochs=settings.epochs)
    per_epoch = settings.windows_per_epoch
    history: list[EpochStats] = []
    best_loss, best_state, stale = math.inf, None, 0
    started = time.perf_counter()
    for epoch in range(settings.epochs):
        pool = train_idx
        if settings.keep_fraction < 1.0 and epoch >= settings.warmup_epochs:
            net.eval()
            errors = window_errors(net, windows[train_idx])
            pool = train_idx[errors <= np.quantile(errors, settings.keep_fraction)]
        net.train()
        size = min(per_epoch, max(len(pool), settings.min_windows_per_epoch))
        chosen = rng.choice(pool, size=size, replace=size > len(pool))
        total = 0.0
        n_batches = max(1, math.ceil(len(chosen) / settings.batch_size))
        for b in range(n_batches):
            ctx.check_cancelled()
            clean = windows[np.sort(chosen[b * settings.batch_size : (b + 1) * settings.batch_size])]
            if len(clean) == 0:
                continue
            batch = torch.from_numpy(clean)
            inputs = batch
            if settings.synthetic_fraction > 0:
                inputs = torch.from_numpy(corrupt(clean, rng, settings.synthetic_fraction))
            optimiser.zero_grad()
            loss = _loss(net, inputs, batch, settings.kl_weight)
            if not torch.isfinite(loss):
                raise TrainingError("Training diverged (the loss became NaN or infinite).")
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            optimiser.step()
            total += float(loss.detach()) * len(batch)
            done = (epoch + (b + 1) / n_batches) / settings.epochs
            ctx.progress(done, f"Epoch {epoch + 1}/{settings.epochs}, loss {total / ((b + 1) * settings.batch_size):.4g}")
        optimiser.end_epoch()
        net.eval()
        val_loss = _trimmed_mean(window_errors(net, val), settings.keep_fraction)
        stats = EpochStats(epoch + 1, settings.epochs, total / len(chosen), val_loss, time.perf_counter() - started)
        history.append(stats)
        if on_epoch is not None:
            on_epoch(stats)
        if val_loss < best_loss * (1 - 1e-4):
            best_loss, stale = val_loss, 0
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        else:
            stale += 1
            if stale >= settings.patience:
                break
    if best_state is not None:
        net.load_state_dict(best_state)
    net.eval()
    return history
