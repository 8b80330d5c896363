"""Signal processing helpers (numpy/scipy only)."""
