"""WAV files: the real polysomnogram WAV and generated PCM/float files."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.io.wavfile

from anomaly_gui.errors import ReadError
from anomaly_gui.io import read_recording


def test_real_psg_wav_seven_channels_at_header_rate(shared_data):
    path = shared_data / "formats/wav/SC4001E0-PSG.wav"
    rec = read_recording(path)
    rate, raw = scipy.io.wavfile.read(path)
    assert rec.data.shape == (79500, 7)
    assert rec.fs_hz == 1.0 and rate == 1
    assert rec.channel_names == [f"ch{i}" for i in range(7)]
    assert {c.unit for c in rec.channels} == {"FS"}
    assert rec.meta["format"] == "wav" and rec.meta["bits_per_sample"] == 12
    np.testing.assert_allclose(rec.data[:100], raw[:100] / 32768.0, rtol=1e-6)
    assert np.abs(rec.data).max() <= 1.0


def test_fs_argument_overrides_the_header(shared_data):
    rec = read_recording(shared_data / "formats/wav/SC4001E0-PSG.wav", fs_hz=100.0)
    assert rec.fs_hz == 100.0 and rec.meta["fs_from_file_hz"] == 1.0


def test_int16_stereo_scaled_to_full_scale(tmp_path):
    path = tmp_path / "pcm16.wav"
    samples = np.array([[0, 16384], [-32768, 32767], [100, -100]], dtype=np.int16)
    scipy.io.wavfile.write(path, 8000, samples)
    rec = read_recording(path)
    assert rec.fs_hz == 8000.0
    np.testing.assert_allclose(rec.data, samples / 32768.0)
    assert rec.data.dtype == np.float32


def test_uint8_is_centred(tmp_path):
    path = tmp_path / "pcm8.wav"
    scipy.io.wavfile.write(path, 1000, np.array([0, 128, 255], dtype=np.uint8))
    rec = read_recording(path)
    np.testing.assert_allclose(rec.data[:, 0], [-1.0, 0.0, 127 / 128])


def test_int32_pcm(tmp_path):
    path = tmp_path / "pcm32.wav"
    scipy.io.wavfile.write(path, 48000, np.array([2**30, -(2**31)], dtype=np.int32))
    np.testing.assert_allclose(read_recording(path).data[:, 0], [0.5, -1.0])


def test_24bit_pcm(tmp_path):
    """scipy writes no 24-bit files: build one by hand (3-byte little-endian samples)."""
    values = np.array([0, 2**22, -(2**23), 2**23 - 1], dtype=np.int32)
    packed = b"".join(int(v).to_bytes(3, "little", signed=True) for v in values)
    fmt = (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + (2000).to_bytes(4, "little")
    fmt += (2000 * 3).to_bytes(4, "little") + (3).to_bytes(2, "little") + (24).to_bytes(2, "little")
    body = b"WAVE" + b"fmt " + len(fmt).to_bytes(4, "little") + fmt
    body += b"data" + len(packed).to_bytes(4, "little") + packed
    path = tmp_path / "pcm24.wav"
    path.write_bytes(b"RIFF" + len(body).to_bytes(4, "little") + body)
    rec = read_recording(path)
    assert rec.fs_hz == 2000.0
    np.testing.assert_allclose(rec.data[:, 0], values / 2.0**23)


def test_float32_multichannel_kept_as_stored(tmp_path):
    path = tmp_path / "float.wav"
    samples = np.random.default_rng(3).normal(scale=2.0, size=(500, 4)).astype(np.float32)
    scipy.io.wavfile.write(path, 250, samples)
    rec = read_recording(path)
    assert rec.data.shape == (500, 4)
    np.testing.assert_array_equal(rec.data, samples)  # floats are not rescaled
    assert {c.unit for c in rec.channels} == {""}


def test_truncated_data_chunk_is_reported(tmp_path, shared_data):
    original = (shared_data / "formats/wav/SC4001E0-PSG.wav").read_bytes()
    path = tmp_path / "cut.wav"
    path.write_bytes(original[:500_000])
    with pytest.raises(ReadError, match="cut.wav.*truncated"):
        read_recording(path)


def test_header_without_data_chunk(tmp_path):
    path = tmp_path / "nodata.wav"
    path.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + bytes(16))
    with pytest.raises(ReadError, match="nodata.wav"):
        read_recording(path)


def test_variant_scipy_refuses_falls_back_to_soundfile(tmp_path):
    soundfile = pytest.importorskip("soundfile")
    path = tmp_path / "mulaw.wav"
    tone = 0.5 * np.sin(np.linspace(0, 20, 800))
    soundfile.write(path, tone, 8000, subtype="ULAW")
    with pytest.raises(ValueError):
        scipy.io.wavfile.read(path)  # the premise: scipy cannot decode mu-law
    rec = read_recording(path)
    assert rec.meta["reader"] == "soundfile"
    assert rec.fs_hz == 8000.0 and rec.data.shape == (800, 1)
    np.testing.assert_allclose(rec.data[:, 0], tone, atol=0.02)
