"""Time parsing and formatting for the time axis, go-to-time and the cursor readout."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from anomaly_gui.dsp.timefmt import (
    decimals_for_step,
    format_clock,
    format_interval,
    format_time,
    nice_time_step,
    parse_time,
    rate_from_interval,
    tick_positions,
)

START = dt.datetime(2024, 3, 5, 22, 41, 7, 250_000)


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("01:02:03.5", 3723.5),
        ("1:02:03", 3723.0),
        ("02:03", 123.0),
        ("0:00:00.125", 0.125),
        ("90", 90.0),
        ("12.75", 12.75),
        (".5", 0.5),
        ("250 ms", 0.25),
        ("90 s", 90.0),
        ("2.5 min", 150.0),
        ("1.5h", 5400.0),
        ("  25:00:00 ", 90000.0),  # elapsed hours may exceed a day
    ],
)
def test_parse_elapsed_time(text, seconds):
    assert parse_time(text) == pytest.approx(seconds, abs=1e-9)


@pytest.mark.parametrize("text", ["", "abc", "1:60", "1:2:3:4", "1.5:00", "12 parsecs", "-3"])
def test_parse_rejects_with_a_readable_message(text):
    with pytest.raises(ValueError, match=r"\w"):
        parse_time(text)


def test_parse_clock_time_uses_the_start_time():
    # 22:41:07.25 start: 22:45:00 is 232.75 s in; 01:00 is after midnight, 2 h 18 min 52.75 s in.
    assert parse_time("22:45:00", START, clock=True) == pytest.approx(232.75)
    assert parse_time("01:00:00", START, clock=True) == pytest.approx(8332.75)
    assert parse_time("2024-03-06 01:00:00", START, clock=True) == pytest.approx(8332.75)
    with pytest.raises(ValueError, match="no start time"):
        parse_time("10:00", None, clock=True)


def test_format_time_and_clock():
    assert format_time(3723.5, 1) == "1:02:03.5"
    assert format_time(59.9996, 3) == "0:01:00.000"  # rounds once, never "0:00:60.000"
    assert format_time(5.0) == "0:00:05"
    assert format_time(-1.5, 1) == "-0:00:01.5"
    assert format_clock(START, 0.0) == "22:41:07"
    assert format_clock(START, 0.0, 3) == "22:41:07.250"
    assert format_clock(START, 8332.75) == "01:00:00"  # wraps at midnight, zero-padded


def test_tick_steps_are_round_times():
    assert nice_time_step(10.0, 10) == 1.0
    assert nice_time_step(10.0, 4) == 5.0
    assert nice_time_step(600.0, 8) == 120.0
    assert nice_time_step(86400.0, 10) == 3 * 3600.0
    assert nice_time_step(0.05, 10) == 0.005
    assert nice_time_step(3 * 86400.0, 1) == 3 * 86400.0
    assert decimals_for_step(0.005) == 3 and decimals_for_step(0.5) == 1 and decimals_for_step(2) == 0


def test_tick_positions_fall_on_round_clock_values():
    np.testing.assert_allclose(tick_positions(0.0, 10.0, 2.0), [0, 2, 4, 6, 8, 10])
    offset = 22 * 3600 + 41 * 60 + 7.25  # the start's time of day
    ticks = tick_positions(0.0, 300.0, 60.0, offset)
    np.testing.assert_allclose((ticks + offset) % 60.0, 0.0, atol=1e-6)
    assert ticks[0] == pytest.approx(52.75)  # 22:42:00


def test_interval_and_rate_texts():
    assert format_interval(0.82) == "820 ms"
    assert format_interval(0.0125) == "12.5 ms"
    assert format_interval(4.27) == "4.27 s"
    assert format_interval(125.0) == "2:05.0 min"
    assert format_interval(3723.0) == "1:02:03"
    hz, bpm = rate_from_interval(0.8)
    assert hz == pytest.approx(1.25) and bpm == pytest.approx(75.0)
    assert rate_from_interval(0.0) is None
