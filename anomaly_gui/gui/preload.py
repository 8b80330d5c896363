"""Load the heavy libraries detection needs in the background, before the user asks for them.

Loading torch and scipy's compiled modules holds the GIL for hundreds of milliseconds at a
time (shared-library initialisation); done inside the first detection run, that freezes the
window while it trains. Done once while the window sits idle after start-up, it does not.
"""

from __future__ import annotations

import importlib
import threading

MODULES = (
    "torch",
    "scipy.signal",
    "scipy.ndimage",
    "scipy.stats",
    "scipy.interpolate",
    "anomaly_gui.model.training",
    "anomaly_gui.detect.pipeline",
)

_thread: threading.Thread | None = None


def _load() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional module shows up later, where it is used
            pass
    try:
        _warm_up_torch()
    except Exception:
        pass


def _warm_up_torch() -> None:
    # The first convolution forward/backward initialises torch's CPU kernels (GIL held).
    import torch

    from ..model.networks import build_network

    with torch.random.fork_rng():
        net = build_network("ae", 1, 64, 4, 4)
        x = torch.zeros(2, 1, 64)
        torch.mean((net(x) - x) ** 2).backward()


def start_preloading() -> threading.Thread:
    """Start loading ``MODULES`` in a daemon thread (once per process); returns the thread."""
    global _thread
    if _thread is None:
        _thread = threading.Thread(target=_load, name="anomaly-gui-preload", daemon=True)
        _thread.start()
    return _thread
