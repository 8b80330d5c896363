"""Paging arithmetic for the time axis: where the view goes on PageDown, End, zoom, go-to.

Plain functions on ``(t0_s, t1_s)`` windows, clamped to ``[0, duration_s]``; no Qt (the GUI
only maps keys to them), so they are tested without a QApplication.
"""

from __future__ import annotations

WINDOW_WIDTHS_S: tuple[tuple[str, float | None], ...] = (
    ("10 s", 10.0),
    ("30 s", 30.0),
    ("1 min", 60.0),
    ("5 min", 300.0),
    ("30 min", 1800.0),
    ("Whole", None),
)
"""Window-width choices; None is the whole recording."""

STEP_FRACTION = 0.1
ZOOM_FACTOR = 2.0

Window = tuple[float, float]


def clamp_window(t0_s: float, span_s: float, duration_s: float) -> Window:
    """A window of ``span_s`` starting near ``t0_s``, moved (not shrunk) to lie inside the
    recording; a span longer than the recording becomes the whole recording."""
    duration_s = max(0.0, float(duration_s))
    span_s = min(max(float(span_s), 0.0), duration_s)
    t0_s = min(max(float(t0_s), 0.0), duration_s - span_s)
    return t0_s, t0_s + span_s


def page(window: Window, pages: float, duration_s: float) -> Window:
    """Move by ``pages`` screen widths (PageDown: +1, PageUp: -1)."""
    t0, t1 = window
    span = t1 - t0
    return clamp_window(t0 + pages * span, span, duration_s)


def step(window: Window, fraction: float, duration_s: float) -> Window:
    """Move by ``fraction`` of the screen width (arrows: ±``STEP_FRACTION``)."""
    return page(window, fraction, duration_s)


def to_start(window: Window, duration_s: float) -> Window:
    """The first screen, same width."""
    return clamp_window(0.0, window[1] - window[0], duration_s)


def to_end(window: Window, duration_s: float) -> Window:
    """The last screen, same width."""
    span = window[1] - window[0]
    return clamp_window(duration_s - span, span, duration_s)


def zoom(
    window: Window, factor: float, duration_s: float, min_span_s: float = 0.0,
    centre_s: float | None = None,
) -> Window:
    """Narrow (``factor`` > 1) or widen the window about ``centre_s`` (default: its middle),
    keeping ``centre_s`` at the same place on screen."""
    t0, t1 = window
    span = t1 - t0
    centre = (t0 + t1) / 2 if centre_s is None else float(centre_s)
    new_span = min(max(span / factor, min_span_s), duration_s)
    where = (centre - t0) / span if span > 0 else 0.5
    return clamp_window(centre - where * new_span, new_span, duration_s)


def with_width(window: Window, width_s: float | None, duration_s: float) -> Window:
    """The window at ``width_s`` (None: whole recording), keeping its start where possible."""
    if width_s is None:
        return 0.0, max(0.0, float(duration_s))
    return clamp_window(window[0], width_s, duration_s)


def centred_on(time_s: float, span_s: float, duration_s: float) -> Window:
    """A window of ``span_s`` with ``time_s`` in its middle (go-to-time), inside the recording."""
    return clamp_window(float(time_s) - span_s / 2, span_s, duration_s)


def width_label(span_s: float, duration_s: float) -> str | None:
    """The label of the preset ``span_s`` matches (within 0.5 %; the whole recording first), or None."""
    presets = sorted(WINDOW_WIDTHS_S, key=lambda preset: preset[1] is not None)
    for label, width in presets:
        target = duration_s if width is None else width
        if target > 0 and abs(span_s - target) <= 0.005 * target:
            return label
    return None
