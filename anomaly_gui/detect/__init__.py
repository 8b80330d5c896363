"""Detectors (scikit-learn-like: fit, score_samples), thresholds and the detection pipeline."""
