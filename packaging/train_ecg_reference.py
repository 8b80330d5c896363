"""Train the bundled ECG reference model on normal beats of open MIT-BIH recordings.

    python packaging/train_ecg_reference.py [--data ../shared/data] [--out resources/models/ecg_reference_mlii.pt]

The model is a beat-synchronous convolutional autoencoder on one lead (MLII, the modified
limb lead II of the MIT-BIH Arrhythmia Database), trained on the beats annotated 'N' (normal)
in records 100, 105, 106, 119, 208, 209 and 233 (PhysioNet, ODC-By 1.0; see README).
Beats are resampled to 128 points, so the model scores ECG at any sampling rate; when it is
applied to a recording, its amplitude normalisation and score statistics are re-fitted on that
recording (``BeatAutoencoderDetector.adapted_to``), so a patient's own typical beat scores as
typical. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from anomaly_gui.detect.beats import train_on_annotated_beats  # noqa: E402
from anomaly_gui.detect.config import DetectionConfig  # noqa: E402
from anomaly_gui.io import read_recording  # noqa: E402
from anomaly_gui.model.persistence import save_detector  # noqa: E402
from anomaly_gui.recording import parse_channel_spec  # noqa: E402

RECORDS = ("100", "105", "106", "119", "208", "209", "233")
FS_HZ = 360.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "models" / "ecg_reference_mlii.pt")
    parser.add_argument("--records", default=",".join(RECORDS))
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    recordings = []
    for name in args.records.split(","):
        rec = read_recording(args.data / "mitdb" / f"{name}.hea")
        rec = rec.select_channels(parse_channel_spec("MLII", rec.channel_names))
        if rec.fs_hz != FS_HZ:
            raise SystemExit(f"record {name} is at {rec.fs_hz} Hz, expected {FS_HZ}")
        recordings.append(rec)
        print(f"{name}: {int(np.sum(np.asarray(rec.annotations.labels) == 'N'))} normal beats", file=sys.stderr)
    config = DetectionConfig(windowing="beats", epochs=args.epochs, seed=args.seed, keep_fraction=1.0)
    detector = train_on_annotated_beats(recordings, config)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_detector(args.out, detector)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
