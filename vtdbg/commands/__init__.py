"""The command layer: a gdb-like language over the engine, one table for every front end."""
from __future__ import annotations

_loaded = False


def load_all() -> None:
    """Import the command modules, which register themselves in table.COMMANDS."""
    global _loaded
    if _loaded:
        return
    from . import breaks, data, info, run, script, vmx  # noqa: F401
    _loaded = True


load_all()
