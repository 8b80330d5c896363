import numpy as np

from anomaly_gui.gui.panels.threshold_panel import ThresholdPanel, sensitivity_to_threshold
from anomaly_gui.segments import segments_from_scores


def test_sensitivity_mapping_is_monotonic_and_centred_on_auto():
    q = np.quantile(np.random.default_rng(0).exponential(size=10000), np.linspace(0, 1, 1001))
    auto = float(q[990])
    values = [sensitivity_to_threshold(v, auto, q) for v in range(0, 101, 5)]
    assert sensitivity_to_threshold(50, auto, q) == auto
    assert all(a >= b for a, b in zip(values, values[1:]))
    assert values[0] == q[-1] and abs(values[-1] - q[500]) < 1e-9


def test_slider_previews_a_live_count_and_commits_on_release(qtbot):
    rng = np.random.default_rng(1)
    scores = rng.exponential(size=20000).astype(np.float32)
    scores[5000:5100] += 20
    panel = ThresholdPanel()
    qtbot.addWidget(panel)

    def count(t):
        return len(segments_from_scores(scores, t, 100.0, 5, 10))

    panel.set_result(scores, 15.0, 15.0, count)
    assert panel.count_label.text().startswith(f"{count(15.0)} segment(s)") and "automatic" in panel.count_label.text()
    panel.slider.setValue(90)
    qtbot.waitUntil(lambda: panel.count_label.text() != "" and "automatic" not in panel.count_label.text())
    lower = panel.current_threshold()
    assert lower < 15.0 and panel.count_label.text().startswith(f"{count(lower)} segment(s)")
    with qtbot.waitSignal(panel.threshold_requested) as emitted:
        panel.slider.sliderReleased.emit()
    assert emitted.args == [lower]
    with qtbot.waitSignal(panel.threshold_requested) as emitted:
        panel.reset_button.click()
    assert emitted.args == [15.0]
