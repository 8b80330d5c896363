"""Cropped segments with context, read back with pandas, numpy, soundfile and pyedflib."""

import numpy as np
import pandas as pd
import pyedflib
import pytest
import soundfile

from anomaly_gui.io.export import ExportError
from anomaly_gui.io.export_crops import INDEX_COLUMNS, export_crops
from anomaly_gui.segments import Segment

FS = 360.0


def _segments(reviewed_segments):
    first = list(reviewed_segments)[:3]
    edge = Segment(10, 100, 2.0, ("MLII",), "accepted", "APB", "at the very start", id=99)
    return [edge] + first


def _index(path):
    return pd.read_csv(path, keep_default_na=False)


def test_csv_crops_with_context_and_index(tmp_path, ecg_recording, reviewed_segments):
    segs = _segments(reviewed_segments)
    index_path = export_crops(tmp_path / "out", ecg_recording, segs, context_s=0.5, fmt="csv")
    index = _index(index_path)
    assert tuple(index.columns) == INDEX_COLUMNS and len(index) == 4
    assert index.loc[0, "crop_start_sample"] == 0 and index.loc[0, "offset_s"] == pytest.approx(10 / FS, abs=1e-6)
    for row, seg in zip(index.itertuples(), segs):
        crop = pd.read_csv(index_path.parent / row.file)
        assert list(crop.columns) == ["time_s", "MLII", "V1", "in_segment"]
        i0, i1 = max(0, seg.start_sample - 180), seg.end_sample + 180
        assert (row.crop_start_sample, row.crop_end_sample) == (i0, i1) and len(crop) == i1 - i0
        np.testing.assert_allclose(crop["MLII"], ecg_recording.data[i0:i1, 0], rtol=1e-6)
        assert crop["in_segment"].sum() == seg.n_samples
        assert crop["time_s"].iloc[0] == pytest.approx(i0 / FS, abs=1e-6)
        assert (row.status, row.label, row.note, row.id) == (seg.status, seg.label, seg.note, seg.id)


def test_npy_and_wav_crops(tmp_path, ecg_recording, reviewed_segments):
    segs = _segments(reviewed_segments)
    idx = _index(export_crops(tmp_path / "npy", ecg_recording, segs, context_s=1.0, fmt="npy"))
    for row in idx.itertuples():
        arr = np.load(tmp_path / "npy" / row.file)
        assert arr.dtype == np.float32
        np.testing.assert_array_equal(arr, ecg_recording.data[row.crop_start_sample : row.crop_end_sample])
    idx = _index(export_crops(tmp_path / "wavf", ecg_recording, segs, fmt="wav"))
    for row in idx.itertuples():
        data, rate = soundfile.read(tmp_path / "wavf" / row.file, dtype="float32")
        assert rate == 360 and data.shape[1] == 2
        np.testing.assert_array_equal(data, ecg_recording.data[row.crop_start_sample : row.crop_end_sample])
    idx = _index(export_crops(tmp_path / "wav16", ecg_recording, segs, fmt="wav", wav_pcm16=True))
    for row in idx.itertuples():
        pcm, rate = soundfile.read(tmp_path / "wav16" / row.file, dtype="int16")
        assert soundfile.info(tmp_path / "wav16" / row.file).subtype == "PCM_16"
        scales = np.array([float(s) for s in row.wav_scales.split(";")])
        original = ecg_recording.data[row.crop_start_sample : row.crop_end_sample]
        np.testing.assert_allclose(pcm / 32767.0 * scales, original, atol=scales.max() / 32767)
        np.testing.assert_allclose(scales, np.abs(original).max(axis=0))


def test_edf_crops_carry_their_segment_annotation(tmp_path, ecg_recording, reviewed_segments):
    segs = _segments(reviewed_segments)
    idx = _index(export_crops(tmp_path / "edf", ecg_recording, segs, context_s=0.5, fmt="edf"))
    for row, seg in zip(idx.itertuples(), segs):
        reader = pyedflib.EdfReader(str(tmp_path / "edf" / row.file))
        try:
            onsets, durations, texts = reader.readAnnotations()
            sig = reader.readSignal(0)
        finally:
            reader.close()
        assert onsets[0] == pytest.approx(row.offset_s, abs=1e-4)
        assert durations[0] == pytest.approx(seg.n_samples / FS, abs=1e-4)
        assert texts[0] == f"{seg.label or 'anomaly'} ({seg.status})"
        n = row.crop_end_sample - row.crop_start_sample
        np.testing.assert_allclose(sig[:n], ecg_recording.data[row.crop_start_sample : row.crop_end_sample, 0],
                                   atol=0.01)


def test_refusals(tmp_path, ecg_recording, reviewed_segments):
    with pytest.raises(ExportError, match="Unknown crop format"):
        export_crops(tmp_path, ecg_recording, reviewed_segments, fmt="mp3")
    with pytest.raises(ExportError, match="zero or more"):
        export_crops(tmp_path, ecg_recording, reviewed_segments, context_s=-1)
