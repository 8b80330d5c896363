"""Where bundled files (the demo recording, icons) live."""

from __future__ import annotations

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"
DEMO_RECORDING = RESOURCES_DIR / "demo" / "mitdb119_5min.hea"
ECG_REFERENCE_MODEL = RESOURCES_DIR / "models" / "ecg_reference_mlii.pt"
