import numpy as np
import pytest

from anomaly_gui.detect.config import DetectionConfig, parse_threshold
from anomaly_gui.detect.threshold import ScoreReference, resolve_threshold
from anomaly_gui.errors import AnomalyGuiError


def test_parse_threshold_forms():
    assert parse_threshold("auto") == ("auto", None)
    assert parse_threshold("p99.5") == ("percentile", 99.5)
    assert parse_threshold("0.75") == ("value", 0.75)
    for bad in ("p150", "high", ""):
        with pytest.raises(AnomalyGuiError):
            parse_threshold(bad)


def test_percentile_and_value_thresholds():
    scores = np.arange(1, 10001, dtype=np.float64)
    ref = ScoreReference.from_scores(scores)
    assert resolve_threshold("p50", ref, auto_value=0.0) == pytest.approx(5000.5, rel=1e-3)
    assert resolve_threshold("3.5", ref, auto_value=0.0) == 3.5
    assert resolve_threshold("auto", ref, auto_value=7.0) == 7.0


def test_auto_threshold_matches_exponential_tail_quantile():
    # For exponential scores the exceedance level at risk r is -ln(r) (scale 1).
    rng = np.random.default_rng(0)
    scores = rng.exponential(1.0, 400_000)
    ref = ScoreReference.from_scores(scores)
    level = ref.exceedance_level(1e-4)
    assert level == pytest.approx(-np.log(1e-4), rel=0.1)
    assert np.mean(scores > level) < 3e-4


def test_score_reference_round_trips_through_dict():
    ref = ScoreReference.from_scores(np.random.default_rng(2).gamma(2.0, size=5000))
    again = ScoreReference.from_dict(ref.to_dict())
    assert again.exceedance_level(1e-3) == pytest.approx(ref.exceedance_level(1e-3))


def test_config_rejects_bad_values():
    with pytest.raises(AnomalyGuiError):
        DetectionConfig(model="gan")
    with pytest.raises(AnomalyGuiError):
        DetectionConfig(window=100)
    cfg = DetectionConfig()
    assert DetectionConfig.from_dict(cfg.to_dict()) == cfg
