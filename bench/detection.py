"""Detection-quality benchmark: every detector over MIT-BIH, CWRU, UCR, NAB and SKAB.

    python bench/detection.py [--detectors ...] [--collections ...] [--data ../shared/data]
                              [--quick] [--out bench/out/detection.json]

A thin wrapper over ``anomaly_gui.evaluate.harness`` (the same as ``anomaly-gui evaluate``)
that writes its JSON to bench/out/detection.json unless --out is given.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from anomaly_gui.evaluate.harness import main  # noqa: E402

if __name__ == "__main__":
    argv = sys.argv[1:]
    if not any(a == "--out" or a.startswith("--out=") for a in argv):
        argv += ["--out", str(ROOT / "bench" / "out" / "detection.json")]
    sys.exit(main(argv))
