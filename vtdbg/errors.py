"""Errors a user can cause: reported as one line, never as a traceback."""
from __future__ import annotations


class VtdbgError(Exception):
    """A user mistake or a bad input file; str(e) is the one-line message."""
