"""Spectra, envelope spectra and trends: known signals and the CWRU bearing faults."""

import numpy as np
import pytest

from anomaly_gui.dsp import spectra
from anomaly_gui.dsp.spectra import amplitude_spectrum, envelope_spectrum, trend_block, trends
from anomaly_gui.errors import DataError
from anomaly_gui.io import read_recording

# SKF 6205-2RS (CWRU drive end) defect frequencies per shaft revolution, shaft 1797 rpm at 0 hp.
SHAFT_HZ = 1797 / 60
BPFO_HZ, BPFI_HZ = 3.5848 * SHAFT_HZ, 5.4152 * SHAFT_HZ


def test_a_sinusoid_peaks_at_its_frequency_with_its_rms_value():
    fs, n = 1024.0, 1 << 14
    t = np.arange(n) / fs
    x = np.stack([3.0 * np.sin(2 * np.pi * 64 * t), 0.5 * np.cos(2 * np.pi * 200 * t) + 7.0], axis=1)
    s = amplitude_spectrum(x, fs, segment=1024)
    assert s.amplitude.shape == (513, 2) and s.segment == 1024 and s.n_averages == 31
    assert s.freqs_hz[np.argmax(s.amplitude[:, 0])] == 64.0
    assert s.amplitude[:, 0].max() == pytest.approx(3.0 / np.sqrt(2), rel=1e-3)
    assert s.freqs_hz[np.argmax(s.amplitude[:, 1])] == 200.0  # the offset is removed
    assert s.amplitude[:, 1].max() == pytest.approx(0.5 / np.sqrt(2), rel=1e-3)


def test_the_envelope_spectrum_finds_the_modulation_of_a_resonance():
    fs = 12000.0
    t = np.arange(int(4 * fs)) / fs
    rng = np.random.default_rng(0)
    # A 3 kHz resonance rung 97 times a second, in noise.
    x = (1 + np.cos(2 * np.pi * 97 * t)) * np.sin(2 * np.pi * 3000 * t) + 0.5 * rng.standard_normal(t.size)
    plain = amplitude_spectrum(x, fs)
    low = plain.freqs_hz < 500
    assert plain.amplitude[low, 0].max() < 0.05  # nothing to see at 97 Hz in the plain spectrum
    env = envelope_spectrum(x, fs, band_hz=(2000, 4000))
    assert abs(env.freqs_hz[np.argmax(env.amplitude[:, 0])] - 97) < fs / env.segment


@pytest.mark.parametrize("name, defect_hz", [("OR007@6_0", BPFO_HZ), ("OR021@6_0", BPFO_HZ), ("IR007_0", BPFI_HZ), ("IR021_0", BPFI_HZ)])
def test_cwru_race_faults_show_their_defect_frequency_in_the_envelope_spectrum(shared_data, name, defect_hz):
    rec = read_recording(shared_data / "cwru" / "12k_DE" / f"{name}.mat", fs_hz=12000, channels="DE")
    env = envelope_spectrum(rec.data, rec.fs_hz)  # the default band: fs/8 … 0.4 fs
    search = (env.freqs_hz > 50) & (env.freqs_hz < 300)
    peak_hz = env.freqs_hz[search][np.argmax(env.amplitude[search, 0])]
    assert abs(peak_hz - defect_hz) <= rec.fs_hz / env.segment


@pytest.mark.parametrize("name, rms, kurtosis", [("IR007_0", 0.292, 5.40), ("OR007@6_0", 0.670, 7.65), ("B021_0", 0.136, 8.55)])
def test_whole_file_trend_matches_the_published_rms_and_kurtosis(shared_data, name, rms, kurtosis):
    rec = read_recording(shared_data / "cwru" / "12k_DE" / f"{name}.mat", fs_hz=12000, channels="DE")
    t = trends(rec.data, rec.fs_hz, rec.n_samples)
    # The published RMS includes the sensor's offset; the trend's is of the vibration about it.
    offset = float(np.mean(rec.data[:, 0], dtype=np.float64))
    assert np.hypot(t.rms[0, 0], offset) == pytest.approx(rms, abs=0.0006)
    assert t.rms[0, 0] < rms
    assert t.kurtosis[0, 0] == pytest.approx(kurtosis, abs=0.01)
    assert t.crest_factor[0, 0] == pytest.approx(t.peak[0, 0] / t.rms[0, 0])


def test_trends_per_block_and_in_chunks(monkeypatch):
    fs = 1000.0
    rng = np.random.default_rng(1)
    x = rng.standard_normal((10_000, 2))
    x[5000:5100, 1] += 20 * (np.arange(100) % 10 == 0)  # impacts in block 5 of channel 1
    whole = trends(x, fs, 1000)
    assert whole.rms.shape == (10, 2) and np.allclose(whole.times_s, np.arange(10) + 0.5)
    assert np.argmax(whole.kurtosis[:, 1]) == 5 and whole.kurtosis[5, 1] > 10
    assert np.all(np.abs(np.delete(whole.kurtosis[:, 1], 5) - 3) < 0.6)
    one_block = trends(x, fs, len(x))
    monkeypatch.setattr(spectra, "TREND_CHUNK", 2500)  # three blocks per step, a partial last step
    chunked = trends(x, fs, 1000)
    for name in spectra.Trends.INDICATORS:
        np.testing.assert_allclose(getattr(chunked, name), getattr(whole, name))
    # The whole-recording indicators, read in four steps, equal one block over everything.
    overall = spectra.indicators(x)
    for name in spectra.Trends.INDICATORS:
        np.testing.assert_allclose(overall[name], getattr(one_block, name)[0])
    assert trend_block(10_000, 1000.0) == 256 and trend_block(6_000_000, 1000.0) == 10_000
    assert trend_block(121_991, 12000.0) == 1200  # 0.1 s at least


def test_what_cannot_be_computed_is_said():
    with pytest.raises(DataError, match="NaN"):
        amplitude_spectrum(np.array([1.0, np.nan] * 20), 100.0)
    with pytest.raises(DataError, match="at least 16"):
        amplitude_spectrum(np.ones(8), 100.0)
    with pytest.raises(DataError, match="between 0 and half the sampling rate"):
        envelope_spectrum(np.ones(1000), 100.0, band_hz=(10.0, 60.0))
    with pytest.raises(DataError, match="shorter than one trend block"):
        trends(np.ones(100), 100.0, 256)
    flat = trends(np.ones(1024), 100.0, 256)
    assert np.all(flat.rms == 0) and np.all(np.isnan(flat.kurtosis)) and np.all(np.isnan(flat.crest_factor))
