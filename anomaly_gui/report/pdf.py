"""The PDF report (matplotlib's PdfPages): a summary page with the training curve, the segment
table over as many pages as it needs, then the thumbnails six to a page."""

from __future__ import annotations

from pathlib import Path

from ..dsp.timefmt import format_time
from .data import ReportData, display_value
from .figures import draw_thumbnail, draw_training_curve, new_figure, segment_title
from .signal import segment_indicators

A4 = (8.27, 11.69)
ROWS_PER_PAGE = 52
THUMBS_PER_PAGE = 6


def _text_lines(fig, lines: list[str], top: float = 0.95, size: float = 8.5, step: float = 0.0175,
                family: str = "monospace") -> float:
    y = top
    for line in lines:
        fig.text(0.06, y, line, fontsize=size, family=family, va="top")
        y -= step
    return y


def _cut(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _summary_page(data: ReportData):
    fig = new_figure(*A4)
    fig.text(0.06, 0.965, data.title, fontsize=14, weight="bold", va="top")
    counts = data.counts()
    lines = [
        f"Generated {data.generated_at} by anomaly-gui {data.app_version}",
        "",
        f"Source:        {_cut(data.source, 80)}",
        f"Rate:          {data.fs_hz:g} Hz",
        f"Length:        {data.n_samples} samples ({format_time(data.duration_s, 3)})",
        f"Start time:    {data.start_time.isoformat() if data.start_time else 'not stated'}",
        f"Channels:      {_cut(', '.join(n for n, _ in data.channels), 80)}",
        *[f"{_cut(label, 14) + ':':<15}{_cut(text, 80)}" for label, text in data.signal],
        "",
        f"Threshold:     {_cut(data.threshold_text, 90)}",
        f"Trained on:    {data.training or '—'}",
        f"Segments:      {len(data.segments)} ({counts['accepted']} accepted, {counts['rejected']} rejected, "
        f"{counts['pending']} pending)",
        "",
        "Model:",
        *[f"  {k:<16}{_cut(display_value(v), 70)}" for k, v in data.model.items()],
        "",
        "Settings:",
    ]
    settings = [f"{k} = {display_value(v)}" for k, v in sorted(data.settings.items())]
    # Two columns: the settings list is long and the training curve needs the page's foot.
    half = (len(settings) + 1) // 2
    for left, right in zip(settings[:half], settings[half:] + [""]):
        lines.append(f"  {_cut(left, 44):<46}{_cut(right, 44)}")
    y = _text_lines(fig, lines, top=0.93, size=8)
    figures = [fig]
    if data.history:
        room = y - 0.10
        if room < 0.15:  # no room left under the text: the curve gets a page of its own
            fig = new_figure(*A4)
            fig.text(0.06, 0.965, "Training curve", fontsize=11, weight="bold", va="top")
            figures.append(fig)
            room = 0.35
            y = 0.9
        ax = fig.add_axes([0.12, y - 0.03 - min(0.28, room), 0.8, min(0.28, room)])
        draw_training_curve(ax, data.history)
    return figures


def _table_pages(data: ReportData):
    fs = data.fs_hz
    header = f"{'#':>5} {'start s':>10} {'end s':>10} {'dur s':>7} {'score':>8}  {'status':<9}{'label':<14}note"
    for p0 in range(0, len(data.segments), ROWS_PER_PAGE):
        fig = new_figure(*A4)
        fig.text(0.06, 0.965, f"Segments {p0}–{min(len(data.segments), p0 + ROWS_PER_PAGE) - 1} "
                              f"of {len(data.segments)}", fontsize=11, weight="bold", va="top")
        lines = [header, "-" * len(header)]
        for i, s in enumerate(data.segments[p0 : p0 + ROWS_PER_PAGE], start=p0):
            lines.append(
                f"{i:>5} {s.start_sample / fs:>10.3f} {s.end_sample / fs:>10.3f} {s.n_samples / fs:>7.3f} "
                f"{s.score:>8.4g}  {s.status:<9}{_cut(s.label, 13):<14}{_cut(s.note, 30)}"
            )
        _text_lines(fig, lines, top=0.94, size=7.2, step=0.0168)
        yield fig


def _thumbnail_pages(data: ReportData):
    heading, chosen = data.thumbnail_segments()
    if data.recording is None or not chosen:
        return
    for p0 in range(0, len(chosen), THUMBS_PER_PAGE):
        fig = new_figure(*A4)
        fig.text(0.06, 0.975, heading, fontsize=11, weight="bold", va="top")
        page = chosen[p0 : p0 + THUMBS_PER_PAGE]
        for k, (index, seg) in enumerate(page):
            ax = fig.add_axes([0.12, 0.80 - k * 0.155, 0.84, 0.115])
            title = segment_title(index, seg, data.fs_hz)
            if seg.note:
                title += f" — {_cut(seg.note, 60)}"
            details = segment_indicators(data.recording, seg)
            if details:
                title += f"\n{_cut(details, 150)}"
            draw_thumbnail(ax, data.recording, seg, data.context_s, title)
        yield fig


def write_pdf_report(path: str | Path, data: ReportData) -> Path:
    """Write the report as a PDF (atomically)."""
    from matplotlib.backends.backend_pdf import PdfPages

    from ..io.export import atomic_output

    path = Path(path)
    with atomic_output(path) as tmp:
        with PdfPages(tmp, metadata={"Title": data.title, "Creator": f"anomaly-gui {data.app_version}"}) as pdf:
            for fig in _summary_page(data):
                pdf.savefig(fig)
            for fig in _table_pages(data):
                pdf.savefig(fig)
            for fig in _thumbnail_pages(data):
                pdf.savefig(fig)
    return path
