"""Several detectors on one recording: stacked score tracks, agreement shading, cached scores."""

from __future__ import annotations

import numpy as np

from anomaly_gui.segments import mask_to_intervals


def test_score_tracks_show_other_detectors_and_where_they_agree(drive, window, short_wfdb, qtbot, messages,
                                                                 curve_shows):
    recording = drive.open_through_menu(short_wfdb)
    window.panel.set_threshold_mode("percentile", 90.0)
    main = drive.detect(epochs=1)
    segments_before = list(window.document.session.segment_list)

    panel = window.panel
    panel.model_combo.setCurrentIndex(panel.model_combo.findData("iforest"))
    with qtbot.waitSignal(window.detection.track_ready, timeout=60000) as blocker:
        drive.click(panel.track_button)
    name, track_result = blocker.args
    assert name == "Baseline: Isolation Forest" and track_result.config.model == "iforest"
    tracks = window.view.scores.comparisons.tracks
    assert [t.name for t in tracks] == [name]
    assert list(window.document.session.segment_list) == segments_before  # the review is untouched
    # stacked above the main score track, which keeps the time axis at the bottom
    rows = window.view.graphics.ci.items
    assert tracks[0].plot in rows and window.view.scores.plot in rows
    assert window.view.grid._plots[-2:] == [tracks[0].plot, window.view.scores.plot]
    # agreement: where both detectors flag above their own thresholds
    both = (main.scores > main.threshold) & (track_result.scores > track_result.threshold)
    expected = np.asarray(mask_to_intervals(both), float).reshape(-1, 2) / recording.fs_hz
    np.testing.assert_allclose(window.view.scores.comparisons.agreement_s, expected)
    assert len(expected) > 0
    np.testing.assert_allclose(window.view.scores.agreement_overlay.intervals_s, expected)
    np.testing.assert_allclose(tracks[0].overlay.intervals_s, expected)

    # panning draws the track from its pyramid; asking for the same model again reuses the scores
    window.view.show_all()
    window.view.redraw_now()
    curve_shows(tracks[0].curve, track_result.scores, 0, recording.n_samples, recording.fs_hz,
                window.view.pixel_width())
    with qtbot.waitSignal(window.detection.track_ready, timeout=1000) as again:
        drive.click(panel.track_button)
    assert again.args[1] is track_result and not window.detection.runner.is_running
    assert len(window.view.scores.comparisons.tracks) == 1  # replaced, not doubled

    # moving the main threshold moves the agreement with it
    window.view.set_threshold(float(np.max(main.scores)) + 1.0)
    assert len(window.view.scores.comparisons.agreement_s) == 0

    window.clear_tracks_action.trigger()
    assert window.view.scores.comparisons.tracks == [] and tracks_gone(window)
    assert messages.warnings == [] and messages.tracebacks == []


def tracks_gone(window) -> bool:
    return window.view.grid._plots[-1] is window.view.scores.plot and len(window.view.grid._plots) == 3
