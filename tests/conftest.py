"""Fixtures shared by every test package."""

import subprocess
import sys
from pathlib import Path

import pytest

_BLOCK_QT = (
    "import sys\n"
    "class Block:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'):\n"
    "            raise ImportError('Qt imported by the core: ' + name)\n"
    "sys.meta_path.insert(0, Block())\n"
)


@pytest.fixture
def import_without_qt():
    """``run(modules, then="", timeout=120)``: import ``modules`` in a fresh interpreter where
    importing Qt fails, then run the Python code ``then``; returns the CompletedProcess."""

    def run(modules, then: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
        code = _BLOCK_QT + f"for m in {list(modules)!r}:\n    __import__(m)\n" + then
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)

    return run


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real test data in ``../shared/data`` (skips the test when it is absent)."""
    path = Path(__file__).resolve().parents[2] / "shared" / "data"
    if not path.is_dir():
        pytest.skip(f"shared test data not found at {path}")
    return path
