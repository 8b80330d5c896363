"""The Qt window. Nothing outside this package imports PySide6 or pyqtgraph."""

from .pyside_compat import protect_singletons

# Every GUI entry (the window, run_gui, tests, benchmarks) imports this package first. PySide6
# 6.12 on Python 3.11 drops a reference to None/True on many calls (see pyside_compat); a long
# session of panning would otherwise abort the interpreter.
protect_singletons()
