"""Detection ▸ Edit label set…: the user's labels for the domain, remembered and applied."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from . import label_sets, notifications
from .dialogs import label_set


def edit_label_set(parent: QWidget, document) -> bool:
    """Edit the label set of the current domain; the session's set changes by a command."""
    session = document.session
    kind = session.detector_kind if session is not None else ""
    domain = label_sets.domain_for(kind, document.recording)
    current = list(session.labels) if session is not None else label_sets.labels_for(domain)
    labels = label_set.edit_label_set(parent, current, list(label_sets.DEFAULT_LABEL_SETS[domain]),
                                      label_sets.DOMAIN_NAMES[domain])
    if labels is None:
        return False
    label_sets.remember(domain, labels)
    if session is not None:
        from ..session.commands import SetLabels

        document.review.push(SetLabels(labels))
    notifications.show_status(parent, f"Labels: {', '.join(labels)}")
    return True
