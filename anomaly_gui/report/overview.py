"""A static picture of a time range: the channels with the segments shaded, and the score
track with the threshold (``anomaly-gui export --format png|svg``). The GUI's "export the
current view" uses pyqtgraph's exporters instead; this one needs neither Qt nor a display."""

from __future__ import annotations

from pathlib import Path

from ..errors import AnomalyGuiError
from .figures import STATUS_COLOURS, draw_channels, new_figure, shade_segments, trace

IMAGE_FORMATS = ("png", "svg", "pdf")


def overview_figure(session, t0: float | None = None, t1: float | None = None, width_in: float = 12.0, dpi: int = 100):
    """The figure for seconds ``[t0, t1)`` of ``session`` (whole recording by default)."""
    rec = session.recording
    if rec is None:
        raise AnomalyGuiError("The recording is not loaded; open the project with its source file.")
    t0 = 0.0 if t0 is None else max(0.0, float(t0))
    t1 = rec.duration_s if t1 is None else min(rec.duration_s, float(t1))
    if not t1 > t0:
        raise AnomalyGuiError(f"The time range {t0:g}–{t1:g} s is empty.")
    i0, i1 = rec.time_to_index(t0), rec.time_to_index(t1)
    n_ch = rec.n_channels
    has_scores = session.scores is not None
    sig_h = 0.55 * min(n_ch, 16) + 0.8
    fig = new_figure(width_in, sig_h + (1.4 if has_scores else 0.0) + 0.5, dpi)
    ratios = [sig_h, 1.2] if has_scores else [sig_h]
    axes = fig.subplots(len(ratios), 1, sharex=True, gridspec_kw={"height_ratios": ratios, "hspace": 0.08})
    axes = list(axes) if has_scores else [axes]
    visible = session.segments_in(i0, i1)
    draw_channels(axes[0], rec, i0, i1, n_pixels=int(width_in * dpi))
    shade_segments(axes[0], visible, rec.fs_hz)
    title = rec.display_name + f"  {t0:.3f}–{t1:.3f} s"
    axes[0].set_title(title, fontsize=9, loc="left")
    if has_scores:
        ax = axes[1]
        x, y = trace(session.scores, i0, i1, int(width_in * dpi))
        ax.plot(x / rec.fs_hz, y[0], color="#444444", lw=0.7)
        if session.threshold is not None:
            ax.axhline(session.threshold, color=STATUS_COLOURS["accepted"], lw=0.8, ls="--")
        shade_segments(ax, visible, rec.fs_hz)
        ax.set_ylabel("score", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[-1].set_xlabel("time (s)", fontsize=8)
    axes[-1].set_xlim(i0 / rec.fs_hz, i1 / rec.fs_hz)
    fig.subplots_adjust(left=0.08, right=0.99, top=0.93, bottom=0.12 if has_scores else 0.18)
    return fig


def render_overview_png(session, path: str | Path, t0: float | None = None, t1: float | None = None,
                        dpi: int = 100) -> Path:
    """Write the overview of ``[t0, t1)`` seconds to ``path``; the suffix picks PNG, SVG or PDF."""
    from ..io.export import ExportError, atomic_output

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in IMAGE_FORMATS:
        raise ExportError(f"Cannot draw an image as '{path.suffix or path.name}'; use .png, .svg or .pdf.")
    fig = overview_figure(session, t0, t1, dpi=dpi)
    with atomic_output(path) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi)
    return path
