"""Fixtures for the export tests: the first 60 s of MIT-BIH 119 and review-like segments
around its annotated PVCs (accepted, rejected and pending, with labels and notes)."""

import pytest

from anomaly_gui.segments import Segment, SegmentSet

SECONDS = 60


@pytest.fixture(scope="session")
def ecg_recording(shared_data):
    from anomaly_gui.io import read_recording

    return read_recording(shared_data / "mitdb" / "119.hea").crop(0, 360 * SECONDS)


@pytest.fixture(scope="session")
def reviewed_segments(ecg_recording) -> SegmentSet:
    """One segment per annotated PVC (R peak −0.25 s … +0.45 s), review state cycling
    accepted/rejected/pending, labels and notes with commas, quotes, newlines and non-ASCII."""
    rec = ecg_recording
    ann = rec.annotations
    pvc = [int(s) for s, lab in zip(ann.onset_samples, ann.labels) if lab == "V"]
    segs = []
    for k, peak in enumerate(pvc):
        status = ("accepted", "rejected", "pending")[k % 3]
        label = ("PVC", "artefact", "")[k % 3]
        note = ("", 'wide QRS, "bigeminy"', "Ärzte: check\nagain µV")[k % 3]
        segs.append(Segment(peak - 90, peak + 162, 5.0 + k, ("MLII", "V1"), status, label, note, id=k))
    return SegmentSet(rec.fs_hz, segs)
