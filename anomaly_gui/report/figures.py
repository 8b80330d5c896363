"""Static figures with matplotlib's Agg canvas (no pyplot, no global backend, no Qt).

matplotlib is imported inside the functions, so importing this module stays light.
"""

from __future__ import annotations

import io
from typing import Iterable

import numpy as np

from ..recording import Recording
from ..segments import Segment

STATUS_COLOURS = {"accepted": "#d62728", "rejected": "#8c8c8c", "pending": "#ff9f1c"}
TRACE_COLOUR = "#1f3b73"


def new_figure(width_in: float, height_in: float, dpi: int = 100):
    """A matplotlib ``Figure`` on its own Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def figure_bytes(fig, fmt: str = "png", dpi: int | None = None) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi)
    return buf.getvalue()


def trace(data: np.ndarray, i0: int, i1: int, n_pixels: int = 1500) -> tuple[np.ndarray, np.ndarray]:
    """Sample positions and ``(channels, m)`` values to draw ``[i0, i1)``: raw samples for short
    ranges, else each pixel bin's min and max (peaks survive)."""
    from ..dsp.decimate import minmax_bins

    if np.ndim(data) == 1:
        data = np.asarray(data)[:, None]
    i0, i1 = max(0, int(i0)), min(len(data), int(i1))
    if i1 - i0 <= 4 * n_pixels:
        return np.arange(i0, i1, dtype=np.float64), np.asarray(data[i0:i1], np.float32).T
    edges, lo, hi = minmax_bins(None, data, i0, i1, n_pixels)
    centres = (edges[:-1] + edges[1:] - 1) * 0.5
    y = np.empty((lo.shape[0], 2 * lo.shape[1]), np.float32)
    y[:, 0::2], y[:, 1::2] = lo, hi
    return np.repeat(centres, 2), y


def draw_channels(ax, recording: Recording, i0: int, i1: int, n_pixels: int = 1500, linewidth: float = 0.6) -> None:
    """Every channel of ``[i0, i1)`` stacked top to bottom, each scaled to its own range in the
    window (names on the y axis); x in seconds from the recording's start."""
    x, y = trace(recording.data, i0, i1, n_pixels)
    n_ch = y.shape[0]
    t = x / recording.fs_hz
    for k in range(n_ch):
        row = y[k]
        finite = row[np.isfinite(row)]
        lo, hi = (float(np.min(finite)), float(np.max(finite))) if finite.size else (0.0, 1.0)
        span = hi - lo if hi > lo else 1.0
        offset = n_ch - 1 - k
        ax.plot(t, (row - lo) / span * 0.9 - 0.45 + offset, color=TRACE_COLOUR, lw=linewidth)
    ax.set_yticks(range(n_ch))
    ax.set_yticklabels(list(reversed(recording.channel_names)), fontsize=7)
    ax.set_ylim(-0.6, n_ch - 0.4)
    if len(t):
        ax.set_xlim(t[0], t[-1])


def shade_segments(ax, segments: Iterable[Segment], fs_hz: float, alpha: float = 0.25) -> None:
    for s in segments:
        ax.axvspan(s.start_sample / fs_hz, s.end_sample / fs_hz, color=STATUS_COLOURS.get(s.status, "#ff9f1c"),
                   alpha=alpha, lw=0)


def thumbnail_bounds(segment: Segment, context_s: float, fs_hz: float, n_samples: int) -> tuple[int, int]:
    """The segment with ``context_s`` either side (at least as much context as the segment
    is long, so short events are seen against their surroundings)."""
    pad = int(round(max(context_s * fs_hz, 0.5 * segment.n_samples)))
    return max(0, segment.start_sample - pad), min(n_samples, segment.end_sample + pad)


def draw_thumbnail(ax, recording: Recording, segment: Segment, context_s: float, title: str = "") -> None:
    i0, i1 = thumbnail_bounds(segment, context_s, recording.fs_hz, recording.n_samples)
    draw_channels(ax, recording, i0, i1, n_pixels=600, linewidth=0.5)
    shade_segments(ax, [segment], recording.fs_hz, alpha=0.22)
    ax.tick_params(labelsize=6)
    if title:
        ax.set_title(title, fontsize=7, loc="left")


def segment_title(index: int, segment: Segment, fs_hz: float) -> str:
    label = segment.label or "anomaly"
    return (f"#{index}  {segment.start_sample / fs_hz:.3f}–{segment.end_sample / fs_hz:.3f} s  "
            f"score {segment.score:.3g}  {label} ({segment.status})")


def thumbnail_png(recording: Recording, segment: Segment, context_s: float, title: str = "", dpi: int = 90) -> bytes:
    n_ch = recording.n_channels
    height = 1.1 + 0.45 * min(n_ch, 12)
    fig = new_figure(5.2, height, dpi)
    bottom = 0.42 / height
    ax = fig.add_axes([0.1, bottom, 0.87, 1.0 - bottom - 0.28 / height])
    draw_thumbnail(ax, recording, segment, context_s, title)
    ax.set_xlabel("time (s)", fontsize=6)
    return figure_bytes(fig, "png")


def draw_training_curve(ax, history: list[dict]) -> None:
    epochs = [h["epoch"] for h in history]
    ax.plot(epochs, [h["train_loss"] for h in history], "o-", ms=3, lw=1.2, label="training loss")
    ax.plot(epochs, [h["val_loss"] for h in history], "s-", ms=3, lw=1.2, label="validation loss")
    ax.set_xlabel("epoch", fontsize=8)
    ax.set_ylabel("loss", fontsize=8)
    ax.tick_params(which="both", labelsize=7)
    ax.legend(fontsize=7, frameon=False)
    ax.set_title("Training curve", fontsize=9, loc="left")
    if all(h["train_loss"] > 0 and h["val_loss"] > 0 for h in history):
        ax.set_yscale("log")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def training_curve_png(history: list[dict], dpi: int = 100) -> bytes | None:
    if not history:
        return None
    fig = new_figure(5.0, 2.6, dpi)
    ax = fig.add_axes([0.13, 0.18, 0.83, 0.7])
    draw_training_curve(ax, history)
    return figure_bytes(fig, "png")
