"""Reports of a detection or a review: self-contained HTML and PDF, drawn with matplotlib's
Agg canvas (imported lazily; no pyplot, no Qt).

``write_report(path, data)`` picks the format from the suffix; ``report_from_session`` and
``report_from_result`` (in ``report.data``) gather the content; ``render_overview_png`` (in
``report.overview``) draws a time range as PNG/SVG/PDF.
"""

from __future__ import annotations

from pathlib import Path

REPORT_FORMATS = (".html", ".htm", ".pdf")


def write_report(path: str | Path, data) -> Path:
    """Write ``data`` (a ``ReportData``) as HTML or PDF, by the suffix of ``path``."""
    from ..io.export import ExportError

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        from .html import write_html_report

        return write_html_report(path, data)
    if suffix == ".pdf":
        from .pdf import write_pdf_report

        return write_pdf_report(path, data)
    raise ExportError(f"Cannot write a report as '{suffix or path.name}'; use .html or .pdf.")
