"""A self-contained HTML report: inline CSS, images as base64 PNG, no external references."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from ..dsp.timefmt import format_time
from .data import ReportData, display_value
from .figures import segment_title, thumbnail_png, training_curve_png
from .signal import segment_indicators

CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d2330;margin:2em auto;max-width:1100px;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #d8dde6;padding-bottom:.2em}
.meta{color:#5b6475}table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{border-bottom:1px solid #e5e8ef;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f5f9;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
table.kv{width:auto}table.kv th{background:none;font-weight:600;padding-right:1.5em}
.st-accepted{color:#b3191a;font-weight:600}.st-rejected{color:#6b6b6b}.st-pending{color:#b86e00}
.thumbs{display:flex;flex-wrap:wrap;gap:10px}.thumbs figure{margin:0;border:1px solid #e5e8ef;padding:4px}
.thumbs figcaption{font-size:12px;max-width:470px}img{max-width:100%}
.note{white-space:pre-wrap}
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def _kv(rows) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(display_value(v))}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def render_html(data: ReportData) -> str:
    """The whole report as one HTML string."""
    counts = data.counts()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(data.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(data.title)}</h1>",
        f'<p class="meta">Generated {_e(data.generated_at)} by anomaly-gui {_e(data.app_version)}</p>',
        "<h2>Recording</h2>",
        _kv([
            ("Source", data.source),
            ("Sampling rate", f"{data.fs_hz:g} Hz"),
            ("Length", f"{data.n_samples} samples ({format_time(data.duration_s, 3)})"),
            ("Start time", data.start_time.isoformat() if data.start_time else "not stated"),
            ("Channels", ", ".join(f"{n} ({u})" if u else n for n, u in data.channels)),
        ]),
        *(["<h2>Signal</h2>", _kv(data.signal)] if data.signal else []),
        "<h2>Detection</h2>",
        _kv([
            ("Threshold", data.threshold_text),
            ("Trained on", data.training or "—"),
            ("Segments", f"{len(data.segments)} ({counts['accepted']} accepted, {counts['rejected']} rejected, "
                         f"{counts['pending']} pending)"),
        ]),
        "<h3>Settings</h3>",
        f"<pre>{_e(json.dumps(data.settings, indent=1, sort_keys=True, default=str))}</pre>",
        "<h2>Model</h2>",
        _kv(list(data.model.items())) if data.model else "<p>No model information.</p>",
    ]
    curve = training_curve_png(data.history)
    if curve:
        parts.append(_img(curve, "training and validation loss per epoch"))
    parts += ["<h2>Segments</h2>", _segment_table(data)]
    heading, chosen = data.thumbnail_segments()
    if data.recording is not None and chosen:
        parts.append(f"<h2>{_e(heading)}</h2><div class=\"thumbs\">")
        for index, seg in chosen:
            title = segment_title(index, seg, data.fs_hz)
            png = thumbnail_png(data.recording, seg, data.context_s)
            caption = _e(title) + (f'<br><span class="note">{_e(seg.note)}</span>' if seg.note else "")
            details = segment_indicators(data.recording, seg)
            if details:
                caption += f'<br><span class="note">{_e(details)}</span>'
            parts.append(f"<figure>{_img(png, title)}<figcaption>{caption}</figcaption></figure>")
        parts.append("</div>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _segment_table(data: ReportData) -> str:
    if not data.segments:
        return "<p>No segments.</p>"
    fs = data.fs_hz
    head = "".join(f"<th>{h}</th>" for h in ("#", "start (s)", "end (s)", "duration (s)", "score", "status",
                                               "label", "channels", "note"))
    rows = []
    for i, s in enumerate(data.segments):
        rows.append(
            f"<tr><td class=num>{i}</td><td class=num>{s.start_sample / fs:.3f}</td>"
            f"<td class=num>{s.end_sample / fs:.3f}</td><td class=num>{s.n_samples / fs:.3f}</td>"
            f"<td class=num>{s.score:.4g}</td><td class=st-{_e(s.status)}>{_e(s.status)}</td>"
            f"<td>{_e(s.label)}</td><td>{_e(', '.join(s.channels))}</td><td class=note>{_e(s.note)}</td></tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def write_html_report(path: str | Path, data: ReportData) -> Path:
    from ..io.export import atomic_write_text

    atomic_write_text(path, render_html(data))
    return Path(path)
