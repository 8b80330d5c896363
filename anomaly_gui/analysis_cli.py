"""Command-line entry points for vibration analysis (wired into ``anomaly-gui`` by ``cli.py``).

    anomaly-gui spectrum FILE [--fs HZ] [--channels LIST] [--range START:END]
                         [--envelope [--band LO:HI]] [--segment N] [--peaks N]
                         [--out PATH.csv] [--json]
    anomaly-gui trends FILE [--fs HZ] [--channels LIST] [--block-s S] [--out PATH.csv] [--json]

Both read files as ``info`` and ``detect`` do (the same reading options).
"""

from __future__ import annotations

import argparse
import json
import numpy as np

from .cli import _add_reading_options, _load, _positive_float, _reading_options, _time_range
from .errors import AnomalyGuiError
from .io.export import write_table_csv


def _band(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(p) for p in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not LO:HI in Hz") from None
    return lo, hi


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("file")
    p.add_argument("--fs", type=_positive_float, metavar="HZ", help="sampling rate, if the file lacks it")
    p.add_argument("--channels", metavar="LIST", help="indices or names, comma-separated (default: all)")
    _add_reading_options(p)
    p.add_argument("--out", metavar="PATH.csv", help="write the table as CSV")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _spectrum_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="anomaly-gui spectrum",
        description="Amplitude spectrum (Welch, RMS per bin) or envelope spectrum of a recording or a time range of it.",
    )
    _common(p)
    p.add_argument("--range", type=_time_range, metavar="START:END", help="time range in seconds (default: all)")
    p.add_argument("--envelope", action="store_true", help="spectrum of the band-passed signal's envelope")
    p.add_argument("--band", type=_band, metavar="LO:HI", help="envelope band in Hz (default: fs/8 … 0.4 fs)")
    p.add_argument("--segment", type=int, default=None, metavar="N",
                   help="Welch segment length in samples: the resolution is fs/N (default: 8192)")
    p.add_argument("--peaks", type=int, default=5, metavar="N", help="largest peaks to list per channel (default: 5)")
    return p


def _trends_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="anomaly-gui trends",
        description="RMS, peak, crest factor and kurtosis per block of a recording.",
    )
    _common(p)
    p.add_argument("--block-s", type=_positive_float, metavar="S",
                   help="block length in seconds (default: about 600 blocks over the recording, at least 0.1 s)")
    return p


def cmd_spectrum(args: argparse.Namespace) -> int:
    from .dsp.spectra import DEFAULT_SEGMENT, amplitude_spectrum, default_envelope_band, envelope_spectrum, spectral_peaks

    if args.band and not args.envelope:
        raise AnomalyGuiError("--band sets the envelope band; add --envelope.")
    rec = _load(args.file, args.fs, args.channels, **_reading_options(args))
    i0, i1 = 0, rec.n_samples
    if args.range:
        if args.range[0] >= rec.duration_s:
            raise AnomalyGuiError(
                f"The range {args.range[0]:g}–{args.range[1]:g} s starts after the recording ends ({rec.duration_s:.3f} s)."
            )
        i0, i1 = rec.time_to_index(args.range[0]), rec.time_to_index(args.range[1])
    data = rec.chunk(i0, i1)
    segment = args.segment or DEFAULT_SEGMENT
    band = (args.band or default_envelope_band(rec.fs_hz)) if args.envelope else None
    spec = envelope_spectrum(data, rec.fs_hz, band, segment) if args.envelope else amplitude_spectrum(data, rec.fs_hz, segment)
    kind = "envelope" if args.envelope else "amplitude"
    peaks = {name: spectral_peaks(spec, c, args.peaks, min_hz=rec.fs_hz / spec.segment) for c, name in enumerate(rec.channel_names)}
    info = {
        "source": str(rec.source),
        "fs": rec.fs_hz,
        "channels": rec.channel_names,
        "units": [c.unit for c in rec.channels],
        "kind": kind,
        "band_hz": list(band) if band else None,
        "start_s": i0 / rec.fs_hz,
        "end_s": i1 / rec.fs_hz,
        "segment": spec.segment,
        "resolution_hz": rec.fs_hz / spec.segment,
        "n_averages": spec.n_averages,
        "peaks": {name: [{"freq_hz": f, "amplitude": a} for f, a in p] for name, p in peaks.items()},
    }
    if args.out:
        comments = {k: info[k] for k in ("source", "fs", "kind", "band_hz", "start_s", "end_s", "segment", "n_averages")}
        comments["amplitude"] = "RMS per frequency bin, in the channel's unit"
        write_table_csv(args.out, ["freq_hz", *rec.channel_names], [spec.freqs_hz, spec.amplitude], comments)
    if args.json:
        print(json.dumps({**info, "freqs_hz": spec.freqs_hz.tolist(), "amplitude": {
            name: spec.amplitude[:, c].tolist() for c, name in enumerate(rec.channel_names)}}))
        return 0
    what = f"envelope spectrum ({band[0]:g}–{band[1]:g} Hz band)" if band else "amplitude spectrum"
    print(f"{what} of {rec.display_name}, {info['start_s']:.3f}–{info['end_s']:.3f} s: "
          f"resolution {info['resolution_hz']:.4g} Hz, {spec.n_averages} averages")
    for c, name in enumerate(rec.channel_names):
        unit = rec.channels[c].unit
        listing = ", ".join(f"{f:.4g} Hz {a:.4g}{(' ' + unit) if unit else ''}" for f, a in peaks[name])
        print(f"  {name} peaks: {listing}")
    return 0


def cmd_trends(args: argparse.Namespace) -> int:
    from .dsp.spectra import Trends, trend_block, trends

    rec = _load(args.file, args.fs, args.channels, **_reading_options(args))
    block = int(round(args.block_s * rec.fs_hz)) if args.block_s else trend_block(rec.n_samples, rec.fs_hz)
    t = trends(rec.data, rec.fs_hz, block)
    header, columns = ["time_s"], [t.times_s]
    for c, name in enumerate(rec.channel_names):
        for indicator in Trends.INDICATORS:
            header.append(f"{name}_{indicator}")
            columns.append(getattr(t, indicator)[:, c])
    if args.out:
        write_table_csv(args.out, header, columns, {"source": rec.source, "fs": rec.fs_hz, "block_samples": block,
                                                "block_s": block / rec.fs_hz})
    if args.json:
        print(json.dumps({
            "source": str(rec.source), "fs": rec.fs_hz, "channels": rec.channel_names,
            "block_samples": block, "block_s": block / rec.fs_hz, "times_s": t.times_s.tolist(),
            **{ind: {name: [None if not np.isfinite(v) else float(v) for v in getattr(t, ind)[:, c]]
                     for c, name in enumerate(rec.channel_names)} for ind in Trends.INDICATORS},
        }))
        return 0
    print(f"trends of {rec.display_name}: {len(t.times_s)} blocks of {block} samples ({block / rec.fs_hz:.4g} s)")
    for c, name in enumerate(rec.channel_names):
        summary = ", ".join(
            f"{ind} {np.nanmin(getattr(t, ind)[:, c]):.4g}–{np.nanmax(getattr(t, ind)[:, c]):.4g}"
            for ind in Trends.INDICATORS
        )
        print(f"  {name}: {summary}")
    return 0


def analysis_main(command: str, argv: list[str]) -> int:
    parser = {"spectrum": _spectrum_parser, "trends": _trends_parser}[command]()
    run = {"spectrum": cmd_spectrum, "trends": cmd_trends}[command]
    args = parser.parse_args(argv)
    return run(args)
