"""Dock panels: detection settings and the segment table."""
