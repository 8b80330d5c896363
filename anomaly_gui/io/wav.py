"""WAV files: integer PCM scaled to [-1, 1) full scale (unit "FS"), float kept as stored.

``scipy.io.wavfile`` reads PCM of any bit depth (returned left-justified in the smallest
integer type, so dividing by the type's full scale is right for 12- or 24-bit data too) and
IEEE float. Variants it refuses (e.g. some WAVE_FORMAT_EXTENSIBLE or compressed files) go to
``soundfile``. Before either, the RIFF chunks are walked so that a truncated file is reported
instead of being read short.
"""

from __future__ import annotations

import struct
import warnings
from pathlib import Path

import numpy as np

from ..errors import ReadError
from ..recording import Recording
from ._common import default_channels, make_recording, resolve_rate

_UNKNOWN_SIZE = 0xFFFFFFFF  # RF64 and streamed files leave the 32-bit sizes open


def read_wav(path: Path, fs_hz: float | None = None) -> Recording:
    """Read a WAV file; the rate comes from its header unless ``fs_hz`` overrides it."""
    header = _check_riff(path)
    meta: dict = dict(header)
    try:
        rate, samples = _read_with_scipy(path, meta)
        data = _to_float(samples)
        integer = samples.dtype.kind in "iu"
        meta["reader"] = "scipy"
    except (ValueError, TypeError, OSError, struct.error, EOFError, IndexError) as scipy_exc:
        rate, data, integer = _read_with_soundfile(path, scipy_exc)
        meta["reader"] = "soundfile"
    stated = float(rate) if rate and rate > 0 else None
    fs = resolve_rate(path, stated, fs_hz, meta)
    unit = "FS" if integer else ""
    return make_recording(path, data, fs, default_channels(data.shape[1], unit), "wav", meta=meta)


def _check_riff(path: Path) -> dict:
    """Walk the RIFF chunks; raise ``ReadError`` when the data chunk is cut short."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX", b"RF64") or head[8:12] != b"WAVE":
            raise ReadError(f"'{path.name}' is not a WAV file (no RIFF/WAVE header).")
        endian = ">" if head[:4] == b"RIFX" else "<"
        info: dict = {}
        offset = 12
        while offset + 8 <= size:
            fh.seek(offset)
            chunk_id, chunk_size = struct.unpack(endian + "4sI", fh.read(8))
            if chunk_id == b"fmt ":
                fmt = fh.read(min(chunk_size, 40))
                if len(fmt) >= 16:
                    tag, n_ch, rate, _, _, bits = struct.unpack(endian + "HHIIHH", fmt[:16])
                    info.update(format_tag=tag, n_channels=n_ch, header_rate_hz=rate,
                                bits_per_sample=bits)
            if chunk_id == b"data":
                if chunk_size != _UNKNOWN_SIZE and offset + 8 + chunk_size > size:
                    have = size - offset - 8
                    raise ReadError(
                        f"'{path.name}' is truncated: its data chunk declares {chunk_size} bytes "
                        f"but only {have} are present."
                    )
                if "format_tag" not in info:
                    raise ReadError(f"'{path.name}' is malformed: no 'fmt ' chunk before its data.")
                return info
            if chunk_size == _UNKNOWN_SIZE:
                break
            offset += 8 + chunk_size + (chunk_size & 1)
    raise ReadError(f"'{path.name}' is truncated or malformed: it has no audio data chunk.")


def _read_with_scipy(path: Path, meta: dict) -> tuple[int, np.ndarray]:
    from scipy.io import wavfile

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rate, samples = wavfile.read(path)
    notes = [str(w.message) for w in caught]
    if notes:
        meta["warnings"] = notes
    if samples.ndim == 1:
        samples = samples[:, None]
    return rate, samples


def _to_float(samples: np.ndarray) -> np.ndarray:
    """Integer PCM to float32 full scale [-1, 1); float samples unchanged (as float32)."""
    if samples.dtype.kind == "u":  # 8-bit WAV is unsigned with its zero at the midpoint
        full_scale = float(2 ** (8 * samples.dtype.itemsize - 1))
        return (samples.astype(np.float32) - np.float32(full_scale)) / np.float32(full_scale)
    if samples.dtype.kind == "i":
        full_scale = float(2 ** (8 * samples.dtype.itemsize - 1))
        return np.multiply(samples, np.float32(1.0 / full_scale), dtype=np.float32)
    if samples.dtype.kind == "f":
        return samples.astype(np.float32, copy=False)
    raise ValueError(f"unexpected sample type {samples.dtype}")


def _read_with_soundfile(path: Path, scipy_exc: Exception) -> tuple[int, np.ndarray, bool]:
    try:
        import soundfile

        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
        subtype = soundfile.info(str(path)).subtype
    except Exception as exc:  # noqa: BLE001 - both readers failed: report the first reason
        raise ReadError(
            f"'{path.name}' could not be read as WAV: {scipy_exc} (soundfile: {exc})"
        ) from scipy_exc
    return rate, data, subtype.startswith(("PCM", "ULAW", "ALAW"))
