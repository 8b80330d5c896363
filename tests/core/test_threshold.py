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


def test_robust_level_stays_below_a_minority_of_anomalies():
    # Normal scores (median 1, spread 0.2) and 10 % anomalous ones far above: the robust level
    # moves a little and stays below them; the extreme-value tail is fitted to the anomalies
    # and sits among them.
    rng = np.random.default_rng(3)
    normal = rng.normal(1.0, 0.2, 90_000)
    mixed = np.concatenate([normal, rng.normal(20.0, 2.0, 10_000)])
    clean, dirty = ScoreReference.from_scores(normal), ScoreReference.from_scores(mixed, may_hold_anomalies=True)
    assert clean.robust_level(5.0) == pytest.approx(2.0, rel=0.02)
    assert 2.0 < dirty.robust_level(5.0) < 2.5  # moved, but far below the anomalies
    config = DetectionConfig()
    assert dirty.automatic_level(config) == dirty.robust_level(config.robust_threshold_z)
    assert dirty.exceedance_level(config.threshold_risk) > 20.0  # what the tail rule would give
    assert clean.automatic_level(config) == clean.exceedance_level(config.threshold_risk)
    again = ScoreReference.from_dict(dirty.to_dict())
    assert again.may_hold_anomalies and again.robust_level(5.0) == dirty.robust_level(5.0)
    legacy = {k: v for k, v in dirty.to_dict().items() if k != "may_hold_anomalies"}  # older model files
    assert not ScoreReference.from_dict(legacy).may_hold_anomalies


def test_config_rejects_bad_values():
    with pytest.raises(AnomalyGuiError):
        DetectionConfig(model="gan")
    with pytest.raises(AnomalyGuiError):
        DetectionConfig(window=100)
    cfg = DetectionConfig()
    assert DetectionConfig.from_dict(cfg.to_dict()) == cfg
