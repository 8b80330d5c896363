"""Adam with a cosine learning-rate schedule, on plain tensors.

``torch.optim`` wraps every optimiser in ``torch._disable_dynamo``, whose first call imports
the whole compiler stack (``torch._dynamo``, ``torch._inductor``): about a second of import
with stretches of 100-250 ms that hold the GIL and freeze the window while a model starts
training in the background. The models here need none of it, so the update is written out:
the same arithmetic as ``torch.optim.Adam`` (single-tensor path) with the closed form of
``CosineAnnealingLR`` (``eta_min`` = 0), stepped once per epoch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch


class CosineAdam:
    def __init__(self, parameters: Iterable[torch.nn.Parameter], lr: float, epochs: int,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        self.parameters = [p for p in parameters if p.requires_grad]
        self.base_lr = float(lr)
        self.lr = float(lr)
        self.epochs = max(1, int(epochs))
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.steps = 0
        self._epoch = 0
        self._first = [torch.zeros_like(p) for p in self.parameters]
        self._second = [torch.zeros_like(p) for p in self.parameters]

    def zero_grad(self) -> None:
        for p in self.parameters:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        """One Adam update of every parameter that has a gradient."""
        self.steps += 1
        correction1 = 1.0 - self.beta1**self.steps
        correction2_sqrt = math.sqrt(1.0 - self.beta2**self.steps)
        step_size = self.lr / correction1
        for p, m, v in zip(self.parameters, self._first, self._second):
            if p.grad is None:
                continue
            g = p.grad
            m.lerp_(g, 1.0 - self.beta1)
            v.mul_(self.beta2).addcmul_(g, g, value=1.0 - self.beta2)
            denom = (v.sqrt() / correction2_sqrt).add_(self.eps)
            p.addcdiv_(m, denom, value=-step_size)

    def end_epoch(self) -> None:
        """Advance the cosine schedule by one epoch."""
        self._epoch += 1
        self.lr = self.base_lr * (1.0 + math.cos(math.pi * self._epoch / self.epochs)) / 2.0
