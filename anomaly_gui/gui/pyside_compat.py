"""Work around PySide6 6.12 dropping references to None/True/False on Python < 3.12.

Measured with PySide6 6.12.0 and CPython 3.11.7: every call of a void C++ method (``setPos``,
``setData``, a ``paint`` override returning) takes one reference from ``None``, and every
``Signal.emit`` one from ``True``. Python 3.12+ makes these singletons immortal, so the bug
is invisible there; on 3.11 the counts reach zero after some ten thousand calls (about 85
pans of a pyqtgraph plot) and the interpreter aborts with "Fatal Python error: none_dealloc".

The singletons are never freed anyway, so giving them a huge reference count is harmless and
makes them immortal in practice, as 3.12 does. Nothing is done on 3.12+ (whose immortal
refcount must not be touched) or on interpreters other than CPython.
"""

from __future__ import annotations

import ctypes
import platform
import sys

_EXTRA_REFERENCES = 1 << 40
_SINGLETONS = (None, True, False, Ellipsis, NotImplemented)
_done = False


def protect_singletons() -> bool:
    """Make the singletons immortal in practice (once per process); True if anything was done."""
    global _done
    if _done or sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    for obj in _SINGLETONS:
        # ob_refcnt is the first field of every CPython object (a Py_ssize_t).
        ctypes.c_ssize_t.from_address(id(obj)).value += _EXTRA_REFERENCES
    _done = True
    return True
