"""pyqtgraph views: stacked channels, the score track and the items drawn on them."""

from ..pyside_compat import protect_singletons

# Panning a plot makes thousands of PySide6 calls; with PySide6 6.12 on Python 3.11 each one
# drops a reference to None (see pyside_compat). Belongs in app start-up; here so that every
# user of the plots (window, tests, bench) is covered.
protect_singletons()
