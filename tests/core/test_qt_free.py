"""The core never imports Qt, and importing the package stays light."""

import subprocess
import sys

CORE_MODULES = [
    "anomaly_gui",
    "anomaly_gui.errors",
    "anomaly_gui.tasks",
    "anomaly_gui.recording",
    "anomaly_gui.segments",
    "anomaly_gui.cli",
    "anomaly_gui.analysis_cli",
    "anomaly_gui.io",
    "anomaly_gui.io.export",
    "anomaly_gui.dsp.normalise",
    "anomaly_gui.dsp.windows",
    "anomaly_gui.dsp.resample",
    "anomaly_gui.dsp.spectra",
    "anomaly_gui.detect.config",
    "anomaly_gui.detect.threshold",
    "anomaly_gui.detect.autoencoder",
    "anomaly_gui.detect.pipeline",
    "anomaly_gui.model.networks",
    "anomaly_gui.model.training",
    "anomaly_gui.model.persistence",
]


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_core_modules_import_with_qt_blocked(import_without_qt):
    out = import_without_qt(CORE_MODULES, "print('ok')\n")
    assert out.returncode == 0, out.stderr
    assert "ok" in out.stdout


def test_package_and_cli_import_neither_torch_nor_qt():
    out = _run("import sys, anomaly_gui.cli, anomaly_gui.io; print(sorted(m for m in ('torch','PySide6','scipy','wfdb') if m in sys.modules))")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_detection_does_not_import_torchs_compiler_stack():
    # torch.optim imports torch._dynamo/_inductor on first use, holding the GIL for up to a
    # quarter of a second at a time: the window froze while a model started training.
    out = _run(
        "import sys\n"
        "from anomaly_gui.io import read_recording\n"
        "from anomaly_gui.resources import DEMO_RECORDING\n"
        "from anomaly_gui.detect.config import DetectionConfig\n"
        "from anomaly_gui.detect.pipeline import run_detection\n"
        "run_detection(read_recording(DEMO_RECORDING), DetectionConfig(epochs=1))\n"
        "print(sorted(m for m in ('torch._dynamo', 'torch._inductor') if m in sys.modules))\n"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
