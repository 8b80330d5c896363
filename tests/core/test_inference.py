"""Window errors in float32 or, where the CPU has it and the scores agree, bfloat16."""

import numpy as np
import torch

from anomaly_gui.model.inference import MIN_WINDOWS_FOR_CHOICE, WindowErrors, native_bfloat16
from anomaly_gui.model.networks import build_network


def _net_and_windows(n):
    torch.manual_seed(0)
    net = build_network("ae", 2, 64, 8, 8).eval()
    t = torch.arange(64, dtype=torch.float32)
    phase = torch.rand(n, 2, 1) * 6.28
    return net, torch.sin(t / 5 + phase) + 0.1 * torch.randn(n, 2, 64)


def test_float32_errors_are_the_plain_computation():
    net, windows = _net_and_windows(3000)
    errors = WindowErrors(net, MIN_WINDOWS_FOR_CHOICE, allow_bfloat16=False)(windows)
    with torch.inference_mode():
        expected = ((net(windows) - windows) ** 2).numpy()
    np.testing.assert_array_equal(errors, expected)


def test_bfloat16_only_on_long_recordings_of_capable_cpus_and_close_to_float32():
    net, windows = _net_and_windows(2048)
    short = WindowErrors(net, MIN_WINDOWS_FOR_CHOICE - 1)
    short(windows)
    assert short.precision == "float32" and short.deviation is None
    long = WindowErrors(net, MIN_WINDOWS_FOR_CHOICE)
    fast = long(windows)
    if not native_bfloat16():
        assert long.precision == "float32"
        return
    assert long.deviation is not None
    exact = WindowErrors(net, MIN_WINDOWS_FOR_CHOICE, allow_bfloat16=False)(windows)
    if long.precision == "bfloat16":
        assert long.deviation <= 0.02
        per_window_fast, per_window_exact = fast.mean(axis=(1, 2)), exact.mean(axis=(1, 2))
        assert np.corrcoef(per_window_fast, per_window_exact)[0, 1] > 0.99
    else:
        np.testing.assert_array_equal(fast, exact)


def test_sharp_weight_takes_the_larger_of_the_squared_error_and_its_weighted_change():
    net, windows = _net_and_windows(300)
    weight = np.array([0.5, 3.0], np.float32)
    combined = WindowErrors(net, 300, allow_bfloat16=False, sharp_weight=weight)(windows)
    views = WindowErrors(net, 300, allow_bfloat16=False, both_views=True)(windows)
    with torch.inference_mode():
        error = (net(windows) - windows).numpy()
    change = np.diff(error, axis=-1) ** 2
    change = np.concatenate([change[..., :1], change], axis=-1)
    np.testing.assert_allclose(views[:, :2], error**2, rtol=1e-6)
    np.testing.assert_allclose(views[:, 2:], change, rtol=1e-5, atol=1e-9)
    expected = np.maximum(error**2, weight[None, :, None] * change)
    np.testing.assert_allclose(combined, expected, rtol=1e-5, atol=1e-9)
    # a channel whose weight is 0 keeps its squared error alone
    squared_only = WindowErrors(net, 300, allow_bfloat16=False, sharp_weight=np.zeros(2, np.float32))(windows)
    np.testing.assert_allclose(squared_only, error**2, rtol=1e-6)
