"""ECG paper for the signal view: which plots get it, and the standard scale (25 mm/s,
10 mm/mV) on a given screen. The grid item (``grid.StackGrid``) draws it."""

from __future__ import annotations

PAPER_UNITS_PER_MV = {"mv": 1.0, "uv": 1000.0, "µv": 1000.0, "μv": 1000.0}
"""Units of ECG leads, in units per millivolt: leads in these get ECG paper."""
ECG_SPEED_MM_PER_S, ECG_GAIN_MM_PER_MV = 25.0, 10.0  # the standard ECG recording


def units_per_mv(unit: str) -> float | None:
    """Units per millivolt of an ECG lead's unit, or None for any other unit."""
    return PAPER_UNITS_PER_MV.get(unit.strip().lower())


def paper_plots(plots: list, recording) -> dict[int, float]:
    """``{id(plot): units per mV}`` of the channel plots whose channel is an ECG lead
    (``detect.pipeline.ecg_leads``) measured in mV or µV."""
    from ...detect.pipeline import ecg_leads

    out = {}
    for k in ecg_leads(recording):
        per_mv = units_per_mv(recording.channels[k].unit)
        if per_mv is not None and k < len(plots):
            out[id(plots[k])] = per_mv
    return out


def apply_standard_scale(view) -> bool:
    """Paper speed 25 mm/s and gain 10 mm/mV on the view's screen (from its reported physical
    size): the visible time from the current start, and a fixed scale around the current centre
    of every lead in mV or µV, so a small square of the paper is 1 mm × 1 mm. False when the
    recording has no such lead."""
    rec = view.recording
    leads = paper_plots(view.channel_plots, rec) if rec is not None else {}
    if not leads:
        return False
    screen = view.screen()
    px_per_mm_x, px_per_mm_y = screen.physicalDotsPerInchX() / 25.4, screen.physicalDotsPerInchY() / 25.4
    t0, _t1 = view.x_range()
    width_s = view.scores.plot.getViewBox().width() / px_per_mm_x / ECG_SPEED_MM_PER_S
    view.set_x_range(t0, min(view.duration_s, t0 + width_s))
    for k, plot in enumerate(view.channel_plots):
        if id(plot) in leads:
            box = plot.getViewBox()
            y0, y1 = box.viewRange()[1]
            half = box.height() / px_per_mm_y / ECG_GAIN_MM_PER_MV / 2 * leads[id(plot)]
            view.set_channel_range(k, ((y0 + y1) / 2 - half, (y0 + y1) / 2 + half))
    return True
