"""Moving through a recording: paging keys, zoom, window width, go-to-time, time mode, cursors,
and how it is drawn (ECG paper and scale, display filter).

The arithmetic is in ``viewport`` (Qt-free); this module maps keys, menu entries and the
navigation toolbar onto it. Paging keys act while the signal view has the keyboard focus, so
the segment table and the spin boxes keep their own PageUp/Home/arrow keys.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QStyle, QToolBar, QWidget

from ..dsp.filters import DisplayFilter
from ..dsp.timefmt import format_clock, format_time
from ..errors import DataError
from . import notifications, viewport
from .dialogs.display_filter import ask_display_filter
from .dialogs.go_to_time import ask_time
from .plot import ecg_paper
from .plot.signal_view import SignalView

CUSTOM_WIDTH = "Custom"


class Navigator(QObject):
    """Navigation actions and the navigation toolbar for one ``SignalView``."""

    def __init__(self, view: SignalView, window: QWidget) -> None:
        super().__init__(window)
        self.view = view
        self._window = window
        style = window.style()
        icon = lambda name: style.standardIcon(getattr(QStyle.StandardPixmap, name))  # noqa: E731
        self.page_back_action = self._view_action("Page &back", lambda: self.page(-1), ["PgUp"],
                                                  icon("SP_MediaSeekBackward"))
        self.page_forward_action = self._view_action("Page &forward", lambda: self.page(1), ["PgDown"],
                                                     icon("SP_MediaSeekForward"))
        self.step_back_action = self._view_action(
            "Step back", lambda: self.page(-viewport.STEP_FRACTION), ["Left"])
        self.step_forward_action = self._view_action(
            "Step forward", lambda: self.page(viewport.STEP_FRACTION), ["Right"])
        self.start_action = self._view_action("Go to &start", self.go_start, ["Home"],
                                              icon("SP_MediaSkipBackward"))
        self.end_action = self._view_action("Go to &end", self.go_end, ["End"],
                                            icon("SP_MediaSkipForward"))
        self.zoom_in_action = self._view_action("Zoom &in", lambda: self.zoom(viewport.ZOOM_FACTOR),
                                                ["+", "=", "Ctrl++"])
        self.zoom_out_action = self._view_action("Zoom &out", lambda: self.zoom(1 / viewport.ZOOM_FACTOR),
                                                 ["-", "Ctrl+-"])
        self.show_all_action = self._window_action("Show &whole recording", view.show_all, "Ctrl+0")
        self.go_to_action = self._window_action("&Go to time…", self.ask_go_to, "Ctrl+G")
        self.clock_action = self._window_action("&Clock time on the time axis", view.set_clock_time,
                                                None, checkable=True)
        self.cursors_action = self._window_action("&Measurement cursors", view.set_cursors_active, "M",
                                                  checkable=True)
        self.paper_action = self._window_action("ECG &paper grid (leads in mV or µV)", view.set_ecg_paper,
                                                None, checkable=True)
        self.paper_action.setChecked(view.ecg_paper)
        self.ecg_scale_action = self._window_action("ECG &standard scale (25 mm/s, 10 mm/mV)",
                                                    self.apply_ecg_scale, None)
        self.filter_action = self._window_action("Display &filter…", self.ask_filter, "Ctrl+Shift+F")
        self._last_filter = DisplayFilter()
        self.width_combo = QComboBox()
        self.width_combo.setToolTip("Width of the visible time window")
        for label, width in viewport.WINDOW_WIDTHS_S:
            self.width_combo.addItem(label, width)
        self.width_combo.addItem(CUSTOM_WIDTH, -1.0)
        self.width_combo.activated.connect(self._on_width_chosen)
        self.position_label = QLabel()
        self.position_label.setObjectName("view_position")
        self.position_label.setMinimumWidth(230)
        self.toolbar = self._build_toolbar()
        view.x_range_changed.connect(self._on_range_changed)
        view.time_mode_changed.connect(lambda _clock: self._on_range_changed(*view.x_range()))
        self.set_recording_loaded(False)

    # -- construction -----------------------------------------------------------------------
    def _view_action(self, text: str, slot, keys: list[str], icon=None) -> QAction:
        action = QAction(text, self.view)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        if icon is not None:
            action.setIcon(icon)
        self.view.addAction(action)
        return action

    def _window_action(self, text: str, slot, key: str | None, checkable: bool = False) -> QAction:
        action = QAction(text, self._window)
        if key:
            action.setShortcut(QKeySequence(key))
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        self._window.addAction(action)
        return action

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar("Navigation")
        bar.setObjectName("navigation_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for action in (self.start_action, self.page_back_action, self.page_forward_action, self.end_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addWidget(QLabel(" Window "))
        bar.addWidget(self.width_combo)
        bar.addSeparator()
        for action in (self.zoom_out_action, self.zoom_in_action, self.go_to_action, self.cursors_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addWidget(self.position_label)
        self.zoom_out_action.setIconText("−")
        self.zoom_in_action.setIconText("+")
        self.go_to_action.setIconText("Go to…")
        self.cursors_action.setIconText("Cursors")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.start_action, self.page_back_action, self.page_forward_action, self.end_action):
            bar.widgetForAction(action).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        for action in bar.actions():
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if shortcut and not action.isSeparator():
                action.setToolTip(f"{action.text().replace('&', '').rstrip('…')} ({shortcut})")
        return bar

    def fill_menu(self, menu: QMenu) -> None:
        """The View menu's navigation part."""
        for action in (self.show_all_action, self.go_to_action):
            menu.addAction(action)
        move = menu.addMenu("&Move")
        for action in (self.page_back_action, self.page_forward_action, self.step_back_action,
                       self.step_forward_action, self.start_action, self.end_action):
            move.addAction(action)
        zoom = menu.addMenu("&Zoom")
        zoom.addAction(self.zoom_in_action)
        zoom.addAction(self.zoom_out_action)
        menu.addSeparator()
        menu.addAction(self.clock_action)
        menu.addAction(self.cursors_action)
        menu.addAction(self.paper_action)
        menu.addAction(self.ecg_scale_action)
        menu.addAction(self.filter_action)

    # -- state ------------------------------------------------------------------------------
    def set_recording_loaded(self, loaded: bool) -> None:
        """Enable what needs a recording; clock time only for files with a start time."""
        for action in self.view.actions() + [self.show_all_action, self.go_to_action, self.cursors_action,
                                             self.ecg_scale_action, self.filter_action]:
            action.setEnabled(loaded)
        self.width_combo.setEnabled(loaded)
        self.clock_action.setEnabled(loaded and self.view.has_start_time)
        if not self.view.has_start_time and self.clock_action.isChecked():
            self.clock_action.setChecked(False)
        if loaded:
            self._on_range_changed(*self.view.x_range())
        else:
            self.position_label.clear()

    # -- moving -----------------------------------------------------------------------------
    def page(self, pages: float) -> None:
        """Move by whole screens (PageDown +1) or fractions of one (arrows ±0.1)."""
        self.view.set_x_range(*viewport.page(self.view.x_range(), pages, self.view.duration_s))

    def go_start(self) -> None:
        self.view.set_x_range(*viewport.to_start(self.view.x_range(), self.view.duration_s))

    def go_end(self) -> None:
        self.view.set_x_range(*viewport.to_end(self.view.x_range(), self.view.duration_s))

    def zoom(self, factor: float) -> None:
        """Narrow the window by ``factor`` (> 1 zooms in) about its middle."""
        rec = self.view.recording
        if rec is not None:
            min_span = min(rec.duration_s, 20.0 / rec.fs_hz)
            self.view.set_x_range(*viewport.zoom(self.view.x_range(), factor, rec.duration_s, min_span))

    def set_window_width(self, width_s: float | None) -> None:
        """Show ``width_s`` seconds from the current start (None: the whole recording)."""
        self.view.set_x_range(*viewport.with_width(self.view.x_range(), width_s, self.view.duration_s))

    def apply_ecg_scale(self) -> None:
        """View ▸ ECG standard scale; says so when no channel is an ECG lead."""
        if not ecg_paper.apply_standard_scale(self.view):
            notifications.show_status(self._window, "No ECG lead in mV or µV: the ECG scale applies to ECG leads.")

    def ask_filter(self) -> None:
        """View ▸ Display filter…: offered with the current filter, else the last one used."""
        rec = self.view.recording
        if rec is None:
            return
        current = self.view.display_filter if self.view.display_filter.is_active else self._last_filter
        chosen = ask_display_filter(self._window, rec.fs_hz, current)
        if chosen is not None:
            self.set_filter(chosen)

    def set_filter(self, display_filter: DisplayFilter) -> None:
        try:
            self.view.set_display_filter(display_filter)
        except DataError as exc:
            notifications.show_status(self._window, str(exc))
            return
        if display_filter.is_active:
            self._last_filter = display_filter

    def go_to(self, time_s: float) -> None:
        """Centre the current window width on ``time_s`` seconds from the start."""
        t0, t1 = self.view.x_range()
        self.view.set_x_range(*viewport.centred_on(time_s, t1 - t0, self.view.duration_s))

    def ask_go_to(self) -> None:
        rec = self.view.recording
        if rec is None:
            return
        t0, t1 = self.view.x_range()
        time_s = ask_time(self._window, rec.duration_s, (t0 + t1) / 2, rec.start_time,
                          self.view.clock_time and rec.start_time is not None)
        if time_s is not None:
            self.go_to(time_s)
            self.view.setFocus()

    def _on_width_chosen(self, index: int) -> None:
        width = self.width_combo.itemData(index)
        if width is None or width > 0:
            self.set_window_width(width)

    def _on_range_changed(self, t0: float, t1: float) -> None:
        duration = self.view.duration_s
        label = viewport.width_label(t1 - t0, duration) or CUSTOM_WIDTH
        self.width_combo.setCurrentText(label)
        rec = self.view.recording
        if rec is None:
            return
        decimals = 1 if t1 - t0 < 600 else 0
        if self.view.clock_time and rec.start_time is not None:
            fmt = lambda t: format_clock(rec.start_time, t, decimals)  # noqa: E731
        else:
            fmt = lambda t: format_time(t, decimals)  # noqa: E731
        self.position_label.setText(f"  {fmt(t0)} – {fmt(t1)}   of {format_time(duration, 0)}")
