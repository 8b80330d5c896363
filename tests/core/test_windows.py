import numpy as np

from anomaly_gui.dsp.windows import OverlapAverager, gather_windows, window_starts


def test_window_starts_cover_every_sample():
    starts = window_starts(1000, 64, 16)
    assert starts[0] == 0 and starts[-1] == 1000 - 64
    covered = np.zeros(1000, bool)
    for s in starts:
        covered[s : s + 64] = True
    assert covered.all()
    assert window_starts(10, 64, 16).size == 0


def test_gather_windows_shape_and_content():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    w = gather_windows(x, np.array([0, 3]), 4)
    assert w.shape == (2, 2, 4)
    assert w[1, 0].tolist() == [6, 8, 10, 12]
    assert w[1, 1].tolist() == [7, 9, 11, 13]


def test_overlap_average_vectorised_equals_one_by_one():
    rng = np.random.default_rng(1)
    starts = window_starts(1000, 64, 16)
    values = rng.random((len(starts), 2, 64), dtype=np.float32)
    fast, slow = OverlapAverager(1000, 2), OverlapAverager(1000, 2)
    fast.add(starts, values, stride=16)
    slow.add(starts, values)
    np.testing.assert_allclose(fast.result(), slow.result(), rtol=1e-6)
    np.testing.assert_array_equal(fast.count, slow.count)


def test_overlap_average_of_constant_windows_is_that_constant():
    starts = window_starts(300, 32, 8)
    acc = OverlapAverager(300, 1)
    acc.add(starts, np.full((len(starts), 1, 32), 2.5, np.float32), stride=8)
    np.testing.assert_allclose(acc.result(), 2.5)
