"""Model files in the window: the bundled ECG reference, saving a trained model and scoring
with it later, without training."""

import numpy as np
import pytest

from anomaly_gui.evaluate.metrics import auroc, beat_scores


def test_the_bundled_ecg_reference_scores_one_lead_without_training(drive, window, short_wfdb, messages):
    drive.open_through_menu(short_wfdb)
    window.panel.set_training_kind("ecg_reference")
    assert not window.panel.model_combo.isEnabled() and not window.panel.epochs_spin.isEnabled()
    result = drive.detect()
    assert result.source_description == "saved model, adapted to this recording"
    assert any("one lead: MLII" in line for line in result.notices)
    assert result.channel_scores.shape == (window.document.recording.n_samples, 2)
    assert np.all(result.channel_scores[:, 1] == 0)
    assert len(result.segments) > 0 and all(s.channels == ("MLII",) for s in result.segments)
    assert window.table.row_count() == len(result.segments)
    # the model of other people's normal beats, adapted to this minute of 119, ranks its
    # ventricular beats above its normal ones
    rec = window.document.recording
    labels = np.array(rec.annotations.labels)
    beats = np.isin(labels, ["N", "V"])
    per_beat = beat_scores(result.scores, rec.annotations.onset_samples[beats], rec.fs_hz)
    ventricular = labels[beats] == "V"
    assert auroc(per_beat[~ventricular], per_beat[ventricular]) > 0.95
    assert messages.warnings == [] and messages.tracebacks == []


def test_a_saved_model_scores_again_without_training(drive, window, short_wfdb, tmp_path, monkeypatch, messages):
    from anomaly_gui.gui import file_dialogs

    drive.open_through_menu(short_wfdb)
    assert not window.models.save_action.isEnabled()
    trained = drive.detect(epochs=2)
    assert window.models.save_action.isEnabled()
    path = tmp_path / "beats.pt"
    monkeypatch.setattr(file_dialogs, "save_path", lambda *a, **k: str(path))
    window.models.save_action.trigger()
    assert path.is_file()

    drive.choose_file(path)
    window.models.open_action.trigger()
    assert window.panel.training_kind() == "saved" and window.panel.model_file == str(path)
    again = drive.detect()
    assert again.timings["train_s"] < trained.timings["train_s"]
    np.testing.assert_allclose(again.scores, trained.scores, rtol=1e-4, atol=1e-4)
    assert again.segments.bounds().tolist() == trained.segments.bounds().tolist()
    assert messages.warnings == [] and messages.tracebacks == []


def test_saved_model_without_a_file_and_a_broken_file_are_clear_messages(drive, window, short_wfdb, tmp_path, messages, qtbot):
    drive.open_through_menu(short_wfdb)
    window.panel.set_training_kind("saved")
    drive.click(window.panel.detect_button)
    assert messages.warnings and "model file" in messages.warnings[-1][1]
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a model")
    window.panel.set_model_file(str(broken))
    with qtbot.waitSignal(window.detection.runner.failed, timeout=20000):
        drive.click(window.panel.detect_button)
    assert messages.tracebacks == [] and len(messages.warnings) == 2
    assert window.panel.detect_button.isEnabled()


@pytest.mark.parametrize("kind", ["saved", "ecg_reference"])
def test_pretrained_kinds_lock_the_training_settings(window, kind):
    window.panel.set_training_kind(kind)
    assert not window.panel.seed_spin.isEnabled()
    window.panel.set_training_kind("whole")
    assert window.panel.seed_spin.isEnabled() and window.panel.model_combo.isEnabled()
