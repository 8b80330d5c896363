"""The user's review work, Qt-free: Session, undoable commands, project files, autosave.

Import from the submodules (``session.session``, ``session.commands``, ``session.project``,
``session.autosave``); importing this package imports neither torch nor Qt.
"""
