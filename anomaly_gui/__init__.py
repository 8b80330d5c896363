"""anomaly_gui: find, review and export anomalies in offline sensor and ECG recordings."""

__version__ = "0.1.0"
