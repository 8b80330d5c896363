"""WFDB annotation export read back with wfdb.rdann."""

import numpy as np
import pytest
import wfdb

from anomaly_gui.io.export import ExportError
from anomaly_gui.io.export_wfdb import aux_text, wfdb_symbol, write_wfdb_annotations
from anomaly_gui.segments import Segment


def test_symbols_from_labels():
    for label, symbol in [("PVC", "V"), ("pvc", "V"), ("VEB", "V"), ("APB", "A"), ("PAC", "A"), ("a", "A"),
                          ("artefact", "|"), ("Artifact", "|"), ("noise", "~"), ("", '"'), ("flutter", '"'),
                          ("PVC couplet", "V")]:
        assert wfdb_symbol(label) == symbol, label


def test_annotations_read_back_with_symbols_and_notes(tmp_path, reviewed_segments):
    path = write_wfdb_annotations(tmp_path, "119", 360.0, reviewed_segments)
    assert path == tmp_path / "119.anom"
    ann = wfdb.rdann(str(tmp_path / "119"), "anom")
    assert ann.fs == 360
    np.testing.assert_array_equal(ann.sample, [s.start_sample for s in reviewed_segments])
    assert ann.symbol == [wfdb_symbol(s.label) for s in reviewed_segments]
    assert ann.symbol[:3] == ["V", "|", '"']
    assert ann.aux_note[0] == "PVC (accepted)"
    assert ann.aux_note[1] == 'artefact (rejected): wide QRS, "bigeminy"'
    assert ann.aux_note[2] == "anomaly (pending): Ärzte: check again µV"  # newline folded
    assert [p.name for p in tmp_path.iterdir()] == ["119.anom"]  # no temporary folder left


def test_paired_onset_offset_markers(tmp_path, reviewed_segments):
    segs = list(reviewed_segments)[:4]
    write_wfdb_annotations(tmp_path, "rec", 360.0, segs, extension="seg", paired=True)
    ann = wfdb.rdann(str(tmp_path / "rec"), "seg")
    assert ann.symbol == ["(", "V", ")", "(", "|", ")", "(", '"', ")", "(", "V", ")"]
    expected = [x for s in segs for x in (s.start_sample, s.start_sample, s.end_sample - 1)]
    np.testing.assert_array_equal(ann.sample, expected)
    assert ann.aux_note[0] == "PVC (accepted)" and ann.aux_note[1] == ""


def test_long_notes_are_cut_to_255_bytes_on_a_character_boundary(tmp_path):
    seg = Segment(10, 20, 1.0, label="other", note="é" * 400)
    assert len(aux_text(seg).encode("utf-8")) <= 255
    write_wfdb_annotations(tmp_path, "r", 100.0, [seg, Segment(30, 40, 1.0)])
    ann = wfdb.rdann(str(tmp_path / "r"), "anom")
    assert ann.aux_note[0] == aux_text(seg) and list(ann.sample) == [10, 30]


def test_refusals(tmp_path):
    with pytest.raises(ExportError, match="letters only"):
        write_wfdb_annotations(tmp_path, "r", 100.0, [Segment(1, 2, 1.0)], extension="an1")
    with pytest.raises(ExportError, match="no segments"):
        write_wfdb_annotations(tmp_path, "r", 100.0, [])
    with pytest.raises(ExportError, match="record name"):
        write_wfdb_annotations(tmp_path, "a/b", 100.0, [Segment(1, 2, 1.0)])
