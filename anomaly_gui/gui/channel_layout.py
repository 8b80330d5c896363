"""Which channels the view shows, in what order, and at what vertical scale (no Qt).

The view draws from this state and the channel panel edits it through the view; keeping it
plain makes the rules (moving past the ends, a gain while auto-scaling) testable alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ChannelDisplay:
    """How one channel is drawn.

    ``auto_scale``: the y axis fits the visible samples on every pan. Otherwise the y range is
    ``reference_range`` (the fitted range when auto-scaling was left) divided by ``gain``
    around its centre, and stays put while paging, so amplitudes compare across screens.
    """

    visible: bool = True
    auto_scale: bool = True
    gain: float = 1.0
    reference_range: tuple[float, float] | None = None

    def y_range(self) -> tuple[float, float] | None:
        if self.auto_scale or self.reference_range is None:
            return None
        lo, hi = self.reference_range
        centre, half = (lo + hi) / 2, (hi - lo) / 2 / self.gain
        return centre - half, centre + half


@dataclass
class ChannelLayout:
    """Display order (channel indices, top first) and per-channel display state."""

    order: list[int] = field(default_factory=list)
    displays: list[ChannelDisplay] = field(default_factory=list)

    @classmethod
    def for_channels(cls, n_channels: int) -> "ChannelLayout":
        return cls(list(range(n_channels)), [ChannelDisplay() for _ in range(n_channels)])

    def to_dict(self) -> dict:
        """Plain JSON for a project's view state."""
        return {"order": list(self.order), "displays": [
            {"visible": d.visible, "auto_scale": d.auto_scale, "gain": d.gain,
             "reference_range": list(d.reference_range) if d.reference_range else None}
            for d in self.displays]}

    @classmethod
    def from_dict(cls, data: dict, n_channels: int) -> "ChannelLayout | None":
        """The layout saved by ``to_dict``; None when it does not fit ``n_channels`` channels."""
        try:
            order = [int(k) for k in data["order"]]
            displays = [ChannelDisplay(bool(d["visible"]), bool(d["auto_scale"]), float(d["gain"]),
                                       tuple(map(float, d["reference_range"])) if d.get("reference_range") else None)
                        for d in data["displays"]]
        except (KeyError, TypeError, ValueError):
            return None
        if sorted(order) != list(range(n_channels)) or len(displays) != n_channels:
            return None
        return cls(order, displays)

    def visible_order(self) -> list[int]:
        """Channel indices drawn, top to bottom."""
        return [k for k in self.order if self.displays[k].visible]

    def set_visible(self, channel: int, visible: bool) -> None:
        self.displays[channel].visible = bool(visible)

    def move(self, channel: int, delta: int) -> bool:
        """Move ``channel`` ``delta`` places down (negative: up); False when already at the end."""
        i = self.order.index(channel)
        j = min(max(i + delta, 0), len(self.order) - 1)
        if i == j:
            return False
        self.order.insert(j, self.order.pop(i))
        return True

    def scale_gain(self, channel: int, factor: float, current_range: tuple[float, float]) -> None:
        """Multiply the gain (×2 shows the signal twice as tall); leaves auto-scaling, fixing
        the scale at ``current_range`` (what the channel shows now) times the gain."""
        display = self.displays[channel]
        if display.auto_scale or display.reference_range is None:
            display.reference_range = (float(current_range[0]), float(current_range[1]))
            display.gain = 1.0
            display.auto_scale = False
        display.gain *= float(factor)

    def set_fixed_range(self, channel: int, y_range: tuple[float, float]) -> None:
        """Fix ``channel``'s scale at ``y_range`` (gain 1): it stays put while paging."""
        display = self.displays[channel]
        display.auto_scale = False
        display.gain = 1.0
        display.reference_range = (float(y_range[0]), float(y_range[1]))

    def set_auto_scale(self, channel: int) -> None:
        display = self.displays[channel]
        display.auto_scale = True
        display.gain = 1.0
        display.reference_range = None
