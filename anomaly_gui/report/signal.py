"""What a report says about the signal besides its segments: an ECG's heart rate, and the
vibration indicators (RMS, peak, crest factor, kurtosis) of other recordings, for the whole
recording and for each segment shown."""

from __future__ import annotations

import numpy as np

from ..recording import Recording
from ..segments import Segment


def is_ecg(recording: Recording) -> bool:
    from ..detect.pipeline import looks_like_ecg

    return looks_like_ecg(recording)


def signal_rows(recording: Recording) -> list[tuple[str, str]]:
    """``(label, text)`` rows: the heart rate of an ECG's lead, else each channel's indicators."""
    from ..dsp.spectra import indicators

    if is_ecg(recording):
        from ..analysis import heart_rate
        from ..detect.pipeline import pick_ecg_lead

        lead = pick_ecg_lead(recording)
        hr = heart_rate(recording, lead)
        bpm = hr.bpm[np.isfinite(hr.bpm)]
        label = f"Heart rate ({recording.channel_names[lead]})"
        if bpm.size < 2:
            return [(label, f"{hr.n_beats} beat(s) detected: too few for a heart rate")]
        lo, median, hi = np.percentile(bpm, [5, 50, 95])
        return [(label, f"median {median:.0f} bpm (5–95 %: {lo:.0f}–{hi:.0f}), {hr.n_beats} beats detected")]
    values = indicators(recording.data)
    return [(channel.name, _indicator_text(values, c, channel.unit)) for c, channel in enumerate(recording.channels)]


def segment_indicators(recording: Recording, segment: Segment) -> str:
    """``RMS …, kurtosis …`` of each channel over the segment's samples (empty for an ECG, whose
    segments are beats)."""
    from ..dsp.spectra import indicators

    if is_ecg(recording) or segment.n_samples < 4:
        return ""
    values = indicators(recording.data[segment.start_sample : segment.end_sample])
    return "; ".join(
        f"{channel.name}: RMS {values['rms'][c]:.3g}{(' ' + channel.unit) if channel.unit else ''}, "
        f"kurtosis {values['kurtosis'][c]:.3g}"
        for c, channel in enumerate(recording.channels)
    )


def _indicator_text(values: dict, c: int, unit: str) -> str:
    u = f" {unit}" if unit else ""
    return (f"RMS {values['rms'][c]:.4g}{u}, peak {values['peak'][c]:.4g}{u}, "
            f"crest factor {values['crest_factor'][c]:.3g}, kurtosis {values['kurtosis'][c]:.3g}")
