"""run_gui: the entry point the CLI calls, in screenshot mode (never waits on a dialog)."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage

from anomaly_gui.gui import notifications
from anomaly_gui.gui.app import run_gui


def _png_size(path) -> tuple[int, int]:
    image = QImage(str(path))
    return image.width(), image.height()


def test_screenshot_after_detection(qapp, short_wfdb, tmp_path, capsys):
    out = tmp_path / "shot.png"
    code = run_gui(str(short_wfdb), detect=True, screenshot=str(out), epochs=1)
    assert code == 0, capsys.readouterr().err
    assert out.stat().st_size > 10_000
    assert _png_size(out) == (1400, 900)
    assert notifications._headless_sink is None  # dialogs are back for the next window


def test_missing_rate_in_screenshot_mode_prints_one_line_and_returns_2(qapp, short_npy, tmp_path, capsys, messages):
    out = tmp_path / "never.png"
    code = run_gui(str(short_npy), screenshot=str(out))
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and short_npy.name in err[0]
    assert not out.exists()
    assert messages.warnings == [] and messages.tracebacks == []


def test_screenshot_in_a_fresh_process_with_a_channel_selection(short_npy, tmp_path):
    out = tmp_path / "fresh.png"
    code = (
        "import sys; from anomaly_gui.gui.app import run_gui; "
        f"sys.exit(run_gui({str(short_npy)!r}, fs_hz=360.0, channels='1', screenshot={str(out)!r}))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 10_000
