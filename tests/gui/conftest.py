"""GUI test fixtures: offscreen Qt, isolated settings, captured messages, short real recordings."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402

SECONDS = 60
MITDB_RECORD = "119"
# Harmless platform notes of the offscreen plugin; everything else at WARNING fails a test.
QT_LOG_IGNORE = ("This plugin does not support propagateSizeHints()",)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*QT_LOG_IGNORE))


@pytest.fixture(scope="session", autouse=True)
def _app_identity(qapp):
    from anomaly_gui.gui.app import collect_garbage_on_gui_thread

    qapp.setOrganizationName("anomaly-gui-tests")
    qapp.setApplicationName("anomaly-gui-tests")
    collect_garbage_on_gui_thread()  # as make_application does for the window
    return qapp


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path):
    """QSettings of this test live in its own folder."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings().clear()
    yield tmp_path / "settings"
    QSettings().clear()


@dataclass
class Messages:
    """What the one error route showed: warnings (title, text) and traceback dialogs."""

    warnings: list = field(default_factory=list)
    tracebacks: list = field(default_factory=list)


@pytest.fixture(autouse=True)
def messages(monkeypatch) -> Messages:
    """Capture every user message instead of showing a blocking dialog."""
    from anomaly_gui.gui import notifications

    captured = Messages()
    monkeypatch.setattr(notifications, "show_warning",
                        lambda parent, title, text: captured.warnings.append((title, text)))
    monkeypatch.setattr(notifications, "show_traceback",
                        lambda parent, exc: captured.tracebacks.append(exc))
    return captured


@pytest.fixture(scope="session")
def mitdb_source(shared_data) -> Path:
    path = shared_data / "mitdb" / f"{MITDB_RECORD}.hea"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return path


@pytest.fixture(scope="session")
def short_wfdb(mitdb_source, tmp_path_factory) -> Path:
    """The first 60 s of mitdb/119, both channels and its beat labels, as a WFDB record."""
    import wfdb

    out = tmp_path_factory.mktemp("wfdb")
    stem = str(mitdb_source.with_suffix(""))
    record = wfdb.rdrecord(stem, sampto=int(360 * SECONDS))
    ann = wfdb.rdann(stem, "atr", sampto=int(360 * SECONDS))
    name = f"{MITDB_RECORD}_{SECONDS}s"
    wfdb.wrsamp(name, fs=record.fs, units=record.units, sig_name=record.sig_name,
                p_signal=record.p_signal, fmt=["16"] * record.n_sig, write_dir=str(out))
    wfdb.wrann(name, "atr", ann.sample, symbol=ann.symbol, aux_note=ann.aux_note, write_dir=str(out))
    return out / f"{name}.hea"


@pytest.fixture(scope="session")
def short_npy(mitdb_source, tmp_path_factory) -> Path:
    """The same 60 s as a .npy (float32, samples × 2): the file states no sampling rate."""
    from anomaly_gui.io import read_recording

    recording = read_recording(mitdb_source).crop(0, int(360 * SECONDS))
    path = tmp_path_factory.mktemp("npy") / f"{MITDB_RECORD}_{SECONDS}s.npy"
    np.save(path, np.ascontiguousarray(recording.data, dtype=np.float32))
    return path


@pytest.fixture
def window(qtbot):
    """The real main window, shown offscreen; closed (workers stopped) after the test."""
    from anomaly_gui.gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


class ImportAnswers:
    """Answers the import dialog the way a user would: the real dialog, its preview read in
    its worker, the rate typed into its spin box (``rate``; None leaves it), ``adjust(dialog)``
    for further choices, then Open; or Cancel (``cancel``). ``asked`` lists the problems
    the dialog was opened with."""

    def __init__(self, qtbot, monkeypatch) -> None:
        self.qtbot = qtbot
        self.asked: list[str] = []
        self.dialogs: list = []
        self.rate: float | None = 360.0
        self.cancel = False
        self.adjust = None
        monkeypatch.setattr("anomaly_gui.gui.main_window.ask_import", self._answer)

    def _answer(self, parent, path, fs_hz=None, options=None, problem="", default_rate_hz=1000.0):
        from anomaly_gui.gui.dialogs.import_dialog import ImportDialog

        self.asked.append(problem)
        dialog = ImportDialog(path, parent, fs_hz, options, problem, default_rate_hz)
        self.dialogs.append(dialog)
        dialog.show()
        try:
            self.qtbot.waitUntil(lambda: dialog.preview is not None and not dialog.runner.is_running
                                 and not dialog._timer.isActive(), timeout=20000)
            if self.cancel:
                dialog.reject()
                return None
            if self.rate is not None:
                dialog.rate_check.setChecked(True)
                dialog.rate_spin.setValue(self.rate)
            if self.adjust is not None:
                self.adjust(dialog)
            self.qtbot.waitUntil(dialog.open_button.isEnabled, timeout=20000)
            dialog.open_button.click()
            return dialog.choice()
        finally:
            dialog.close()


@pytest.fixture
def import_answers(qtbot, monkeypatch) -> ImportAnswers:
    return ImportAnswers(qtbot, monkeypatch)


@pytest.fixture
def answer_rate(import_answers):
    """Answer the import dialog with 360 Hz; returns the list of problems it was opened with."""
    return import_answers.asked


class Driver:
    """Drives the window the way a user would (dialogs answered by monkeypatching)."""

    def __init__(self, qtbot, window, monkeypatch) -> None:
        self.qtbot, self.window, self.monkeypatch = qtbot, window, monkeypatch

    def choose_file(self, path) -> None:
        """Make the open dialog return ``path``."""
        from PySide6.QtWidgets import QFileDialog

        self.monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))

    def open_through_menu(self, path, timeout_ms: int = 20000):
        """File ▸ Open… with the dialog answering ``path``; waits until the file is shown."""
        self.choose_file(path)
        with self.qtbot.waitSignal(self.window.document.recording_changed, timeout=timeout_ms):
            self.window.open_action.trigger()
        return self.window.document.recording

    def click(self, button) -> None:
        from PySide6.QtCore import Qt

        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def detect(self, epochs: int = 2, timeout_ms: int = 60000):
        """Set epochs through the spinbox, click Detect, wait for the worker's result."""
        self.window.panel.epochs_spin.setValue(epochs)
        with self.qtbot.waitSignal(self.window.detection.runner.finished, timeout=timeout_ms) as blocker:
            self.click(self.window.panel.detect_button)
        return blocker.args[0]


@pytest.fixture
def drive(qtbot, window, monkeypatch) -> Driver:
    return Driver(qtbot, window, monkeypatch)


def check_curve_shows(curve, values, i0: int, i1: int, fs_hz: float, n_pixels: int) -> None:
    """``curve`` draws samples ``[i0, i1)`` of ``values``: the raw samples when the range is
    short, else at most two points (min, max) per pixel column with the range's extremes."""
    from anomaly_gui.dsp.decimate import RAW_FACTOR

    x, y = curve.getData()
    part = np.asarray(values[i0:i1], dtype=np.float32)
    if i1 - i0 <= RAW_FACTOR * n_pixels:
        np.testing.assert_array_equal(x, np.arange(i0, i1) / fs_hz)
        np.testing.assert_array_equal(y, part)
    else:
        assert len(x) == len(y) <= 2 * n_pixels
        assert np.nanmax(y) == np.nanmax(part) and np.nanmin(y) == np.nanmin(part)
        assert i0 / fs_hz <= x[0] and x[-1] <= i1 / fs_hz


@pytest.fixture
def curve_shows():
    """``check_curve_shows`` for tests (conftest helpers are not importable)."""
    return check_curve_shows


@dataclass
class Prompts:
    """The review questions asked during a test, and the answers they get."""

    unsaved: list = field(default_factory=list)
    recovery: list = field(default_factory=list)
    unsaved_answer: str = "discard"
    recovery_answer: str = "later"


@pytest.fixture(autouse=True)
def prompts(monkeypatch, tmp_path) -> Prompts:
    """Autosave writes under this test's folder (never the user's), and "Save changes?" /
    "Recover unsaved work?" are answered (discard / later) and recorded instead of blocking."""
    from anomaly_gui.gui.dialogs import review_prompts

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    asked = Prompts()

    def unsaved(parent, name):
        asked.unsaved.append(name)
        return asked.unsaved_answer

    def recovery(parent, entry):
        asked.recovery.append(entry)
        return asked.recovery_answer

    monkeypatch.setattr(review_prompts, "ask_unsaved", unsaved)
    monkeypatch.setattr(review_prompts, "ask_recovery", recovery)
    return asked


@pytest.fixture
def reviewed(drive, window, short_wfdb):
    """The window after File ▸ Open (60 s of mitdb/119 with its beat labels) and a detection
    through the Detect button (2 epochs, 90th-percentile threshold): a session to review."""
    drive.open_through_menu(short_wfdb)
    window.panel.set_threshold_mode("percentile", 90.0)
    drive.detect(epochs=2)
    assert window.document.session is not None and len(window.document.session) >= 6
    return window
