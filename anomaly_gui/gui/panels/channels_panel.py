"""The channel list: show/hide, order, gain and auto-scale of each channel, the overview channel.

The panel only shows the view's ``ChannelLayout`` and asks for changes through its signals;
the window forwards them to the view, which redraws and emits ``channels_changed``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...recording import Channel
from ..channel_layout import ChannelLayout

CHANNEL_ROLE = Qt.ItemDataRole.UserRole


def channel_label(channel: Channel, gain: float, auto_scale: bool) -> str:
    """``ECG1 (mV)`` plus ``· ×4 fixed`` when the scale is not fitted to the data."""
    text = f"{channel.name} ({channel.unit})" if channel.unit else channel.name
    if not auto_scale:
        gain_text = f"×{gain:g}" if gain >= 1 else f"÷{1 / gain:g}"
        text += f"   · {gain_text} fixed scale"
    return text


class ChannelsPanel(QWidget):
    """One checkable row per channel, in display order, and buttons acting on the selected one.

    Signals
    -------
    visibility_requested(int, bool)
        Show or hide a channel (index into the recording's channels).
    move_requested(int, int)
        Move a channel by this many places (negative: up).
    gain_requested(int, float)
        Multiply a channel's gain by this factor.
    auto_scale_requested(int)
        Fit the channel to the visible data again.
    overview_channel_requested(int)
        Draw this channel in the overview strip.
    """

    visibility_requested = Signal(int, bool)
    move_requested = Signal(int, int)
    gain_requested = Signal(int, float)
    auto_scale_requested = Signal(int)
    overview_channel_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setToolTip("Tick to show a channel; select one to move or scale it")
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.up_button = self._button("▲", "Move the channel up", lambda: self._move(-1))
        self.down_button = self._button("▼", "Move the channel down", lambda: self._move(1))
        self.gain_up_button = self._button("×2", "Twice as tall (fixes the scale while paging)",
                                           lambda: self._gain(2.0))
        self.gain_down_button = self._button("÷2", "Half as tall (fixes the scale while paging)",
                                             lambda: self._gain(0.5))
        self.auto_button = self._button("Fit", "Fit to the visible data, and keep fitting while paging",
                                        self._auto)
        self.overview_combo = QComboBox()
        self.overview_combo.setToolTip("Channel drawn in the overview strip")
        self.overview_combo.activated.connect(lambda i: self.overview_channel_requested.emit(i))
        buttons = QHBoxLayout()
        for button in (self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addSpacing(8)
        for button in (self.gain_down_button, self.gain_up_button, self.auto_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        overview_row = QHBoxLayout()
        overview_row.addWidget(QLabel("Overview:"))
        overview_row.addWidget(self.overview_combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addLayout(overview_row)
        self._filling = False
        self._update_buttons()

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setFixedWidth(40)
        button.clicked.connect(slot)
        return button

    def show_layout(self, channels: list[Channel], layout: ChannelLayout, overview_channel: int = 0) -> None:
        """Rebuild the rows from ``layout`` (keeps the selected channel selected)."""
        selected = self.selected_channel()
        self._filling = True
        try:
            self.list.clear()
            for k in layout.order:
                display = layout.displays[k]
                item = QListWidgetItem(channel_label(channels[k], display.gain, display.auto_scale))
                item.setData(CHANNEL_ROLE, k)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if display.visible else Qt.CheckState.Unchecked)
                self.list.addItem(item)
                if k == selected:
                    self.list.setCurrentItem(item)
            names = [c.name for c in channels]
            if [self.overview_combo.itemText(i) for i in range(self.overview_combo.count())] != names:
                self.overview_combo.clear()
                self.overview_combo.addItems(names)
            self.overview_combo.setCurrentIndex(overview_channel)
        finally:
            self._filling = False
        self._update_buttons()

    def selected_channel(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(CHANNEL_ROLE))

    def select_channel(self, channel: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(CHANNEL_ROLE) == channel:
                self.list.setCurrentRow(row)

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        has = row >= 0
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < self.list.count() - 1)
        for button in (self.gain_up_button, self.gain_down_button, self.auto_button):
            button.setEnabled(has)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self._filling:
            checked = item.checkState() == Qt.CheckState.Checked
            self.visibility_requested.emit(int(item.data(CHANNEL_ROLE)), checked)

    def _move(self, delta: int) -> None:
        channel = self.selected_channel()
        if channel is not None:
            self.move_requested.emit(channel, delta)

    def _gain(self, factor: float) -> None:
        channel = self.selected_channel()
        if channel is not None:
            self.gain_requested.emit(channel, factor)

    def _auto(self) -> None:
        channel = self.selected_channel()
        if channel is not None:
            self.auto_scale_requested.emit(channel)
