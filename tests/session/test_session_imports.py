"""The review core and the exports import with Qt blocked and stay light."""

import subprocess
import sys

MODULES = [
    "anomaly_gui.segments",
    "anomaly_gui.session.session",
    "anomaly_gui.session.stack",
    "anomaly_gui.session.commands",
    "anomaly_gui.session.project",
    "anomaly_gui.session.autosave",
    "anomaly_gui.session.review_training",
    "anomaly_gui.session.cli_commands",
    "anomaly_gui.io.export",
    "anomaly_gui.io.export_edf",
    "anomaly_gui.io.export_wfdb",
    "anomaly_gui.io.export_crops",
    "anomaly_gui.report",
    "anomaly_gui.report.data",
    "anomaly_gui.report.figures",
    "anomaly_gui.report.html",
    "anomaly_gui.report.pdf",
    "anomaly_gui.report.overview",
]


def test_review_core_imports_without_qt_torch_or_matplotlib():
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'):\n"
        "            raise ImportError('Qt imported by the core: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for m in {MODULES!r}:\n"
        "    __import__(m)\n"
        "print(sorted(m for m in ('torch', 'matplotlib', 'scipy', 'pyedflib', 'wfdb') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
