"""The Qt window. Nothing outside this package imports PySide6 or pyqtgraph."""
