"""The review core and the exports import with Qt blocked and stay light."""


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


def test_review_core_imports_without_qt_torch_or_matplotlib(import_without_qt):
    out = import_without_qt(
        MODULES, "print(sorted(m for m in ('torch', 'matplotlib', 'scipy', 'pyedflib', 'wfdb') if m in sys.modules))\n"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
