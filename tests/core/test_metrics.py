import numpy as np
import pytest

from anomaly_gui.evaluate.metrics import auroc, beat_scores, window_means


def test_auroc_known_answers():
    assert auroc([0, 1, 2], [3, 4]) == 1.0
    assert auroc([3, 4], [0, 1, 2]) == 0.0
    assert auroc([1, 1], [1, 1]) == 0.5
    # one of the four pairs is misordered: 3/4
    assert auroc([1, 3], [2, 4]) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        auroc([], [1])


def test_window_means_drops_partial_window():
    assert window_means(np.arange(10), 4).tolist() == [1.5, 5.5]


def test_beat_scores_take_max_in_the_beat_window():
    s = np.zeros(1000)
    s[95] = 7.0  # 5 samples before the beat at 100 (inside -0.25 s at 100 Hz)
    s[195] = 3.0  # exactly +0.45 s after the beat at 150: included
    s[196] = 9.0  # one sample later: outside every beat window below
    out = beat_scores(s, np.array([100, 150, 0, 999]), fs_hz=100.0)
    assert out.tolist() == [7.0, 3.0, 0.0, 0.0]
