"""pyqtgraph views: stacked channels, the score track and the items drawn on them."""
