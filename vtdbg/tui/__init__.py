"""The Textual TUI: `vtdbg GUEST` and plain `vtdbg` (the bundled minivmm demo)."""
from __future__ import annotations


def run_tui(guest: str, items=(), ram_mib: int = 64) -> int:
    from ..batch import make_session
    from ..repl import history_path
    from .app import VtdbgApp
    s = make_session(guest, ram_mib)
    VtdbgApp(s, items, history_path=history_path()).run()
    return 0
