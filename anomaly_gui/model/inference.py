"""Reconstruction errors of many windows, in the fastest arithmetic that gives the same scores.

On CPUs with native bfloat16 (AVX512-BF16, AMX) oneDNN runs the convolutions of our small
networks about four times faster in bfloat16 than in float32. Before scoring a long recording
on such a CPU, the two are compared on a calibration batch of its own windows: bfloat16 is
used only when its per-window errors agree with float32's (mean deviation under
``AGREEMENT``). The choice depends on the CPU and the data, never on timing, so a recording
scores the same way every time on a machine. Elsewhere, for short recordings and with
``allow_bfloat16=False``, scoring stays in float32.
"""

from __future__ import annotations

import contextlib

import numpy as np

BATCH = 1024
MIN_WINDOWS_FOR_CHOICE = 32 * BATCH
"""Below this many windows the choice costs more than it can save."""
AGREEMENT = 0.02
"""Largest mean |bf16 − fp32| window error, relative to the mean fp32 error, that counts as the same score."""


class WindowErrors:
    """Squared reconstruction errors ``(n, ch, window)`` of float32 windows with ``net``.

    With ``sharp_weight`` (one factor per channel), each element is the larger of its squared
    error and ``sharp_weight`` times the squared change of the error from the element before
    (the first element repeats the second's change). With ``both_views``, ``(n, 2 ch, window)``:
    the squared errors, then the squared changes unweighted (to calibrate the weight).
    """

    def __init__(
        self, net, n_windows: int, allow_bfloat16: bool = True, sharp_weight: np.ndarray | None = None,
        both_views: bool = False,
    ) -> None:
        self.net = net
        self.sharp_weight = sharp_weight
        self.both_views = both_views
        self.precision = "float32"
        self.deviation: float | None = None  # of the bfloat16 errors, when compared
        self._checked = not allow_bfloat16 or n_windows < MIN_WINDOWS_FOR_CHOICE or not native_bfloat16()

    def __call__(self, windows) -> np.ndarray:
        import torch

        if not self._checked:
            self._choose(windows[:BATCH])
        n, ch, width = windows.shape
        out = np.empty((n, 2 * ch if self.both_views else ch, width), np.float32)
        weight = None if self.sharp_weight is None else torch.as_tensor(self.sharp_weight, dtype=torch.float32)[:, None]
        with torch.inference_mode(), self._precision_context():
            for b in range(0, n, BATCH):
                w = windows[b : b + BATCH]
                error = self.net(w).float() - w
                target = torch.from_numpy(out[b : b + BATCH])
                squared = target[:, :ch]
                torch.square(error, out=squared)
                if weight is None and not self.both_views:
                    continue
                change = target[:, ch:] if self.both_views else torch.empty_like(error)
                torch.square(torch.diff(error, dim=-1), out=change[..., 1:])
                change[..., 0] = change[..., 1]
                if not self.both_views:
                    torch.maximum(squared, change.mul_(weight), out=squared)
        return out

    def _precision_context(self):
        import torch

        if self.precision == "bfloat16":
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def _choose(self, batch) -> None:
        import torch

        self._checked = True
        try:
            with torch.inference_mode():
                full = ((self.net(batch) - batch) ** 2).mean(dim=(1, 2))
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    half = ((self.net(batch).float() - batch) ** 2).mean(dim=(1, 2))
        except RuntimeError:  # no bfloat16 kernel for one of the operations
            return
        self.deviation = float((half - full).abs().mean() / full.mean().clamp_min(1e-12))
        if self.deviation <= AGREEMENT:
            self.precision = "bfloat16"


def native_bfloat16() -> bool:
    """Whether this CPU computes bfloat16 in hardware (oneDNN's own check; False if unknown)."""
    import torch

    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False
