"""Metrics and evaluation helpers for the benchmark harness (numpy/scipy only)."""
