"""Small dialogs: the unexpected-error report and the sampling-rate prompt."""
