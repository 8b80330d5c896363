"""The ``anomaly-gui`` command: open the window, or run the core from the shell.

    anomaly-gui [FILE] [--fs HZ] [--channels LIST] [--detect] [--screenshot OUT.png]
    anomaly-gui info FILE [--fs HZ] [--json]
    anomaly-gui detect FILE [options]
    anomaly-gui export PROJECT --format FMT --out PATH
    anomaly-gui evaluate [--detectors …] [--collections …]
    anomaly-gui spectrum FILE [--range START:END] [--envelope [--band LO:HI]] [--out PATH.csv]
    anomaly-gui trends FILE [--block-s S] [--out PATH.csv]

Expected failures print one line to stderr and exit with status 2; a cancelled run (Ctrl+C)
exits with 130.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import __version__
from .detect.config import MODEL_KINDS
from .errors import AnomalyGuiError, Cancelled

SUBCOMMANDS = ("info", "detect", "export", "evaluate", "spectrum", "trends")


class _TextProgress:
    """Progress on stderr: a rewritten line on a terminal, nothing when piped."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled and sys.stderr.isatty()
        self._last = 0.0

    def progress(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if self._enabled and (now - self._last > 0.2 or fraction >= 1.0):
            self._last = now
            sys.stderr.write(f"\r{100 * fraction:5.1f}%  {message[:70]:<70}")
            if fraction >= 1.0:
                sys.stderr.write("\n")
            sys.stderr.flush()

    def check_cancelled(self) -> None:
        pass


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _time_range(text: str) -> tuple[float, float]:
    try:
        start, end = (float(p) for p in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not START:END in seconds") from None
    if not end > start >= 0:
        raise argparse.ArgumentTypeError(f"'{text}': END must be after START, both ≥ 0")
    return start, end


def _add_reading_options(p: argparse.ArgumentParser, prefix: str = "") -> None:
    """Options that say how to read a file (what the file itself does not say)."""
    p.add_argument(f"--{prefix}dataset", metavar="NAME", help="dataset or array to open (HDF5, MATLAB)")
    p.add_argument(
        f"--{prefix}resample",
        type=_positive_float,
        metavar="HZ",
        help="resample every channel to this rate (files whose channels have different rates)",
    )
    p.add_argument(
        f"--{prefix}time-column",
        metavar="NAME|INDEX|none",
        help="text/Parquet tables: the column holding the time (default: found automatically; "
        "'none': every column is data)",
    )
    p.add_argument(
        f"--{prefix}units",
        metavar="UNIT|CH=UNIT,…",
        help="units of the channels, where the file states none: one for all (mV) or per channel (MLII=mV,V1=mV)",
    )


def _reading_options(args: argparse.Namespace, prefix: str = "") -> dict:
    key = prefix.replace("-", "_")
    return {
        "dataset": getattr(args, f"{key}dataset", None),
        "resample_to_hz": getattr(args, f"{key}resample", None),
        "resample_irregular": bool(getattr(args, "resample_irregular", False)),
        "time_column": getattr(args, f"{key}time_column", None),
        "units": getattr(args, f"{key}units", None),
    }


def _gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="anomaly-gui",
        description="Find, review and export anomalies in sensor and ECG recordings. "
        "Without a subcommand, opens the window. Subcommands: info, detect, export, evaluate, spectrum, trends "
        "(see 'anomaly-gui info -h' and so on).",
    )
    p.add_argument("file", nargs="?", help="recording to open")
    p.add_argument("--fs", type=_positive_float, metavar="HZ", help="sampling rate, if the file lacks it")
    p.add_argument("--channels", metavar="LIST", help="channels to open: indices or names, comma-separated")
    _add_reading_options(p)
    p.add_argument("--demo", action="store_true", help="open the bundled demo ECG recording")
    p.add_argument("--detect", action="store_true", help="train and detect with default settings on opening")
    p.add_argument("--reference", metavar="FILE", help="train on this recording (e.g. a healthy run)")
    p.add_argument("--reference-fs", type=_positive_float, metavar="HZ", help="sampling rate of --reference")
    p.add_argument("--epochs", type=int, metavar="N", help="training epochs for --detect")
    p.add_argument("--screenshot", metavar="OUT.png", help="save a screenshot of the window once drawn, then exit")
    p.add_argument("--version", action="version", version=f"anomaly-gui {__version__}")
    return p


def _info_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="anomaly-gui info", description="Describe a recording.")
    p.add_argument("file")
    p.add_argument("--fs", type=_positive_float, metavar="HZ", help="sampling rate, if the file lacks it")
    _add_reading_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def _detect_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="anomaly-gui detect",
        description="Train a convolutional autoencoder (or VAE) and flag anomalous segments.",
    )
    p.add_argument("file")
    p.add_argument("--fs", type=_positive_float, metavar="HZ", help="sampling rate of FILE")
    p.add_argument("--channels", metavar="LIST", help="indices or names; also applied to --reference")
    train = p.add_mutually_exclusive_group()
    train.add_argument("--reference", metavar="FILE", help="train on this recording (e.g. a healthy run)")
    train.add_argument("--train-range", type=_time_range, metavar="START:END", help="train on this time range (s)")
    p.add_argument("--reference-fs", type=_positive_float, metavar="HZ", help="sampling rate of --reference")
    _add_reading_options(p)
    p.add_argument(
        "--resample-irregular",
        action="store_true",
        help="interpolate irregular timestamps (text/Parquet) onto a uniform grid",
    )
    _add_reading_options(p, "reference-")
    p.add_argument(
        "--ecg-reference",
        action="store_true",
        help="score with the bundled ECG reference model (normal beats of MIT-BIH, lead MLII), "
        "adapted to this recording, instead of training",
    )
    p.add_argument("--model", choices=MODEL_KINDS, default=None,
                   help="ae or vae (default: vae), or a baseline: zscore, iqr, iforest, ocsvm, glm, discord")
    p.add_argument(
        "--windowing",
        choices=("auto", "sliding", "beats"),
        help="sliding windows, one window per heartbeat (ECG), or auto (beats for ECG; default)",
    )
    p.add_argument("--epochs", type=int, metavar="N", help="training epochs (default: 15)")
    p.add_argument("--threshold", metavar="auto|pNN|VALUE", help="flagging threshold (default: auto)")
    p.add_argument("--seed", type=int, metavar="N", help="random seed (default: 0)")
    p.add_argument(
        "--synthetic-anomalies",
        type=float,
        metavar="SHARE",
        help="share of sliding training windows given a synthetic anomaly to repair (default: 0.5; 0: none)",
    )
    p.add_argument(
        "--precision",
        choices=("auto", "float32"),
        help="scoring arithmetic: auto (bfloat16 where the CPU has it and it agrees with float32; "
        "default) or float32 (identical scores on every machine)",
    )
    p.add_argument("--segments-out", metavar="PATH.csv|.json", help="write the segments")
    p.add_argument("--scores-out", metavar="PATH.npy", help="write one float32 score per sample")
    p.add_argument("--model-out", metavar="PATH", help="save the trained model")
    p.add_argument("--model-in", metavar="PATH", help="score with a saved model instead of training")
    p.add_argument("--session-out", metavar="PROJECT", help="save the result as a review project (.agproj)")
    p.add_argument("--report", metavar="OUT.pdf|OUT.html", help="write a report of the result")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def _load(path: str, fs: float | None, channels: str | None = None, **options):
    from .io import read_recording
    from .recording import parse_channel_spec

    rec = read_recording(path, fs_hz=fs, **options)
    return rec.select_channels(parse_channel_spec(channels, rec.channel_names))


def cmd_info(args: argparse.Namespace) -> int:
    from .io import list_channels

    rec = _load(args.file, args.fs, **_reading_options(args))
    declared = list_channels(args.file, fs_hz=args.fs, dataset=args.dataset, time_column=args.time_column)
    info = {
        "n_samples": rec.n_samples,
        "fs": rec.fs_hz,
        "channels": rec.channel_names,
        "units": [c.unit for c in rec.channels],
        "duration_s": rec.duration_s,
        "start_time": rec.start_time.isoformat() if rec.start_time else None,
        "n_annotations": len(rec.annotations),
        "format": rec.meta.get("format"),
        "file_channels": [
            {"name": c.name, "unit": c.unit, "fs": c.fs_hz, "n_samples": c.n_samples} for c in declared
        ],
        "skipped_channels": rec.meta.get("skipped_channels", {}),
        "warnings": list(rec.meta.get("warnings", [])),
    }
    if args.json:
        print(json.dumps(info, default=str))
        return 0
    print(f"file:        {rec.source}")
    print(f"format:      {rec.meta.get('format', '?')}")
    print(f"samples:     {rec.n_samples}  ({_hms(rec.duration_s)})")
    print(f"rate:        {rec.fs_hz:g} Hz")
    print(f"start time:  {info['start_time'] or 'not stated'}")
    print(f"annotations: {len(rec.annotations)}")
    print("opened channels:")
    for i, ch in enumerate(rec.channels):
        print(f"  [{i}] {ch.name}" + (f" ({ch.unit})" if ch.unit else ""))
    opened = set(rec.channel_names)
    others = [c for c in declared if c.name not in opened]
    if others:
        print("not opened (another rate; use --resample HZ to open all):")
        for c in others:
            rate = f"{c.fs_hz:g} Hz" if c.fs_hz else "rate not stated"
            print(f"  {c.name} ({rate}, {c.n_samples} samples)")
    for warning in rec.meta.get("warnings", []):
        print(f"warning: {warning}")
    return 0


def _hms(seconds: float) -> str:
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def cmd_detect(args: argparse.Namespace) -> int:
    import dataclasses

    import numpy as np

    from .detect.config import DetectionConfig
    from .detect.pipeline import TrainingSource, run_detection, run_saved_model
    from .io.export import write_segments

    if args.reference_fs and not args.reference:
        raise AnomalyGuiError("--reference-fs needs --reference.")
    if args.model_in and (
        args.reference or args.train_range or args.model_out or args.model or args.epochs or args.windowing
    ):
        raise AnomalyGuiError("--model-in scores with a saved model; it cannot be combined with training options.")
    if args.scores_out and Path(args.scores_out).suffix.lower() != ".npy":
        raise AnomalyGuiError("--scores-out must be a .npy path.")
    if args.segments_out and Path(args.segments_out).suffix.lower() not in (".csv", ".json"):
        raise AnomalyGuiError("--segments-out must end in .csv or .json.")
    if args.report and Path(args.report).suffix.lower() not in (".pdf", ".html", ".htm"):
        raise AnomalyGuiError("--report must end in .pdf or .html.")

    started = time.perf_counter()
    if args.ecg_reference and (args.model_in or args.reference or args.train_range):
        raise AnomalyGuiError("--ecg-reference replaces training; it cannot be combined with --model-in, --reference or --train-range.")
    rec = _load(args.file, args.fs, args.channels, **_reading_options(args))
    source = TrainingSource()
    if args.reference:
        reference = _load(args.reference, args.reference_fs, args.channels, **_reading_options(args, "reference-"))
        source = TrainingSource(kind="reference", reference=reference)
    elif args.train_range:
        source = TrainingSource(kind="range", range_s=args.train_range)
    load_s = time.perf_counter() - started

    detector = None
    if args.ecg_reference or args.model_in:
        from .model.persistence import load_detector
        from .resources import ECG_REFERENCE_MODEL

        detector = load_detector(ECG_REFERENCE_MODEL if args.ecg_reference else args.model_in)
        config = detector.config
    else:
        config = DetectionConfig()
    overrides = {
        k: v
        for k, v in {
            "model": args.model,
            "windowing": args.windowing,
            "epochs": args.epochs,
            "threshold": args.threshold,
            "seed": args.seed,
            "synthetic_anomalies": args.synthetic_anomalies,
            "scoring_precision": args.precision,
        }.items()
        if v is not None
    }
    config = dataclasses.replace(config, **overrides)
    ctx = _TextProgress(enabled=not args.json)
    if detector is None:
        result = run_detection(rec, config, source, ctx)
    else:  # as in the window: a one-lead ECG model scores the recording's lead II
        detector.config = config
        result = run_saved_model(rec, detector, ctx=ctx)
    for notice in result.notices:
        print(notice, file=sys.stderr)
    if args.model_out:
        from .model.persistence import save_detector

        save_detector(args.model_out, result.detector)
    settings = dict(config.to_dict(), training=result.source_description)
    if args.segments_out:
        write_segments(args.segments_out, result.segments, rec, settings, result.threshold)
    if args.scores_out:
        np.save(args.scores_out, result.scores.astype(np.float32))
    if args.session_out or args.report:
        from .session.cli_commands import write_report, write_session

        if args.session_out:
            options = {k: v for k, v in _reading_options(args).items() if v}
            write_session(args.session_out, rec, result, args.file, args.fs, args.channels, options)
        if args.report:
            write_report(args.report, rec, result)

    if args.json:
        doc = {
            "n_samples": rec.n_samples,
            "fs": rec.fs_hz,
            "channels": rec.channel_names,
            "threshold": result.threshold,
            "segments": [
                {k: r[k] for k in ("start_s", "end_s", "start_sample", "end_sample", "score", "channels")}
                for r in result.segments.to_records()
            ],
            "timings": {
                "load_s": round(load_s, 4),
                "train_s": round(result.timings["train_s"], 4),
                "score_s": round(result.timings["score_s"], 4),
            },
            "notices": list(result.notices),
        }
        print(json.dumps(doc))
        return 0
    print(
        f"{rec.display_name}: {len(result.segments)} segment(s) above threshold {result.threshold:.4g} "
        f"(training: {result.source_description}; load {load_s:.1f} s, train "
        f"{result.timings['train_s']:.1f} s, score {result.timings['score_s']:.1f} s)"
    )
    for i, s in enumerate(result.segments.to_records()):
        print(
            f"  {i:4d}  {s['start_s']:12.3f} – {s['end_s']:12.3f} s  "
            f"({s['duration_s']:.3f} s)  score {s['score']:.4g}  {','.join(s['channels'])}"
        )
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from .resources import DEMO_RECORDING

    path = args.file
    if args.demo:
        if path:
            raise AnomalyGuiError("Give either FILE or --demo, not both.")
        path = str(DEMO_RECORDING)
    if (args.detect or args.screenshot or args.reference) and not path:
        raise AnomalyGuiError("--detect, --reference and --screenshot need a FILE (or --demo).")
    if args.screenshot and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        # A screenshot needs no screen: render offscreen rather than fail to find a display.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from .gui.app import run_gui

    return run_gui(
        path=path,
        fs_hz=args.fs,
        channels=args.channels,
        read_options=_reading_options(args),
        detect=args.detect,
        screenshot=args.screenshot,
        epochs=args.epochs,
        reference=args.reference,
        reference_fs_hz=args.reference_fs,
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "export":
        from .session.cli_commands import export_main

        return export_main(argv[1:])
    if argv and argv[0] == "evaluate":
        from .evaluate.harness import main as evaluate_main

        return run_reporting_errors(lambda: evaluate_main(argv[1:]))
    if argv and argv[0] in ("spectrum", "trends"):
        from .analysis_cli import analysis_main

        return run_reporting_errors(lambda: analysis_main(argv[0], argv[1:]))
    if argv and argv[0] in SUBCOMMANDS:
        parser = {"info": _info_parser, "detect": _detect_parser}[argv[0]]()
        command = {"info": cmd_info, "detect": cmd_detect}[argv[0]]
        args = parser.parse_args(argv[1:])
    else:
        parser = _gui_parser()
        command = cmd_gui
        args = parser.parse_args(argv)
    return run_reporting_errors(lambda: command(args))


def run_reporting_errors(call) -> int:
    """Run a command; expected failures end as one line on stderr and an exit status
    (2 for errors, 130 for a cancel), never a traceback."""
    try:
        return call()
    except BrokenPipeError:
        # Output piped into a program that stopped reading (e.g. `| head`): not an error.
        sys.stdout = None
        return 0
    except KeyboardInterrupt:
        print("anomaly-gui: cancelled", file=sys.stderr)
        return 130
    except Cancelled as exc:
        print(f"anomaly-gui: {exc}", file=sys.stderr)
        return 130
    except AnomalyGuiError as exc:
        print(f"anomaly-gui: error: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print("anomaly-gui: error: out of memory; select fewer channels or a shorter range.", file=sys.stderr)
        return 2

if __name__ == "__main__":
    sys.exit(main())
