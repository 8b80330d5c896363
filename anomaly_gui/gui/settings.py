"""What the window remembers between sessions (QSettings; workers never read these)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

ORGANIZATION = "anomaly-gui"
APPLICATION = "Anomaly GUI"

_LAST_DIRECTORY = "paths/last_directory"
_LAST_FS_HZ = "io/last_fs_hz"
_GEOMETRY = "window/geometry"
_STATE = "window/state"


def last_directory() -> str:
    value = QSettings().value(_LAST_DIRECTORY, "", type=str)
    return value if value and Path(value).is_dir() else str(Path.home())


def remember_directory(path: str | Path) -> None:
    path = Path(path)
    QSettings().setValue(_LAST_DIRECTORY, str(path if path.is_dir() else path.parent))


def last_sampling_rate_hz(default: float = 1000.0) -> float:
    try:
        return float(QSettings().value(_LAST_FS_HZ, default))
    except (TypeError, ValueError):
        return default


def remember_sampling_rate_hz(fs_hz: float) -> None:
    QSettings().setValue(_LAST_FS_HZ, float(fs_hz))


def restore_window(window: QMainWindow) -> bool:
    """Restore geometry and dock layout; False when nothing was saved."""
    settings = QSettings()
    geometry = settings.value(_GEOMETRY)
    state = settings.value(_STATE)
    if geometry is None:
        return False
    window.restoreGeometry(geometry)
    if state is not None:
        window.restoreState(state)
    return True


def save_window(window: QMainWindow) -> None:
    settings = QSettings()
    settings.setValue(_GEOMETRY, window.saveGeometry())
    settings.setValue(_STATE, window.saveState())


# -- review ----------------------------------------------------------------------------------
_RECOVERY_DIR = "review/recovery_dir"
_LABEL_SET = "review/labels/{domain}"
_ADVANCE = "review/advance_after_decision"


def recovery_dir() -> Path:
    """Where autosave keeps unsaved sessions (``default_recovery_dir()`` unless set)."""
    from ..session.autosave import default_recovery_dir

    value = QSettings().value(_RECOVERY_DIR, "", type=str)
    return Path(value) if value else default_recovery_dir()


def set_recovery_dir(path: str | Path | None) -> None:
    QSettings().setValue(_RECOVERY_DIR, str(path) if path else "")


def label_set(domain: str) -> list[str] | None:
    """The user's label set for ``domain`` ("ecg", "vibration"), or None when never edited."""
    value = QSettings().value(_LABEL_SET.format(domain=domain))
    if value is None or value == "":
        return None
    items = [value] if isinstance(value, str) else list(value)
    return [str(x) for x in items if str(x).strip()]


def set_label_set(domain: str, labels: list[str] | None) -> None:
    """Remember ``labels`` for ``domain`` (None forgets them: the defaults apply again)."""
    key = _LABEL_SET.format(domain=domain)
    if labels is None:
        QSettings().remove(key)
    else:
        QSettings().setValue(key, list(labels))


def advance_after_decision() -> bool:
    """Accept/reject moves on to the next segment."""
    return QSettings().value(_ADVANCE, True, type=bool)


def set_advance_after_decision(on: bool) -> None:
    QSettings().setValue(_ADVANCE, bool(on))


_RECENT = "paths/recent_files"
MAX_RECENT = 10


def recent_files() -> list[dict]:
    """Recently opened files, newest first: ``{"path", "fs_hz", "channels", "options"}``
    (a project has only ``path``), so a file reopens the way it was read."""
    import json

    try:
        entries = json.loads(QSettings().value(_RECENT, "[]", type=str) or "[]")
    except (TypeError, ValueError):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("path"), str)][:MAX_RECENT]


def remember_recent(path: str | Path, fs_hz: float | None = None, channels: str | None = None,
                    options: dict | None = None) -> None:
    import json

    entry = {"path": str(Path(path).resolve()), "fs_hz": fs_hz, "channels": channels, "options": dict(options or {})}
    entries = [entry] + [e for e in recent_files() if e["path"] != entry["path"]]
    QSettings().setValue(_RECENT, json.dumps(entries[:MAX_RECENT], default=str))


def forget_recent(path: str | Path | None = None) -> None:
    """Drop ``path`` from the recent files (None: clear the list)."""
    import json

    entries = [] if path is None else [e for e in recent_files() if e["path"] != str(path)]
    QSettings().setValue(_RECENT, json.dumps(entries, default=str))
