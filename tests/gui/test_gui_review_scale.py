"""10,000 segments and 100,000 file annotations: every review key is a one-row update (its
speed is measured by ``bench/review_gui.py``)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from anomaly_gui.recording import Annotations, Channel, Recording
from anomaly_gui.segments import Segment
from anomaly_gui.session.session import Session

N_SEGMENTS = 10_000
N_ANNOTATIONS = 100_000
SPACING = 200


def big_session() -> Session:
    rng = np.random.default_rng(0)
    fs, n = 250.0, N_SEGMENTS * SPACING
    data = (0.1 * rng.standard_normal((n, 1))).astype(np.float32)
    onsets = np.sort(rng.choice(n, N_ANNOTATIONS, replace=False)).astype(np.int64)
    labels = tuple(rng.choice(np.array(["N"] * 9 + ["V"]), N_ANNOTATIONS))
    recording = Recording(data, fs, [Channel("acc", "g")], Annotations(onsets, labels))
    segments = [Segment(k * SPACING + 50, k * SPACING + 150, float(rng.random()), ("acc",)) for k in range(N_SEGMENTS)]
    return Session(fs, n, recording=recording, segments=segments, scores=rng.random(n).astype(np.float32),
                   threshold=0.5, detection={"window": 64}, labels=["impact", "transient"])


def test_ten_thousand_segments_stay_fluid(window, qtbot, qapp):
    session = big_session()
    window.document.show_session(session)
    table, model = window.table, window.table.model
    assert table.row_count() == N_SEGMENTS and window.table.agreement_label.isVisible()
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    table.select_row(0)
    window.document.review.flush_autosave()  # the first snapshot writes the scores once
    view = table.view
    keys = [(Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_1, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_R, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier),
            (Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier), (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)]
    for key, modifier in keys:
        qtbot.keyClick(view, key, modifier)
        qapp.processEvents()
    assert resets == []  # decisions, labels, deletions and their undo never reset 10,000 rows
    assert [s.status for s in session.segment_list[:2]] == ["accepted", "rejected"]
    assert len(session) == N_SEGMENTS

    view.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    scores = [session.segment(table.id_at_row(r)).score for r in range(50)]
    assert scores == sorted(scores, reverse=True)
    table.status_filter.setCurrentIndex(table.status_filter.findData("pending"))
    assert table.row_count() == N_SEGMENTS - 2
    qtbot.keyClick(view, Qt.Key.Key_A)  # accepted rows leave the filtered view
    assert table.row_count() == N_SEGMENTS - 3

    window.jumps.find_field.setText("V")
    before = window.view.x_range()
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.view.x_range() != before
    assert window.editor.marker_s is not None
