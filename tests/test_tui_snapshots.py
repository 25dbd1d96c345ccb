"""Snapshots of the TUI's main layouts at fixed sizes (pytest-textual-snapshot; refresh with
`pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change). The bundled
minivmm demo is deterministic, so each picture is too."""
from __future__ import annotations

import pytest

from vtdbg.batch import make_session
from vtdbg.tui.app import VtdbgApp

pytest.importorskip("pytest_textual_snapshot")


def app_after(*commands: str, guest: str = "minivmm") -> tuple[VtdbgApp, object]:
    app = VtdbgApp(make_session(guest))

    async def run_before(pilot) -> None:
        for c in commands:
            app.command(c)
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.disasm.focus()
        await pilot.pause()
    return app, run_before


def test_start_80x24(snap_compare):
    app, before = app_after()
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_cpuid_exit_80x24(snap_compare):
    app, before = app_after("catch vmexit cpuid", "continue", "stepi")
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_exit_log_tab_120x40(snap_compare):
    app, before = app_after("catch vmexit hlt", "continue")
    assert snap_compare(app, terminal_size=(120, 40), run_before=before, press=["4"])


def test_vmcs_tab_120x40(snap_compare):
    app, before = app_after("catch vmexit io_instruction", "continue")
    assert snap_compare(app, terminal_size=(120, 40), run_before=before, press=["3"])


def test_wide_200x50(snap_compare):
    app, before = app_after("catch vmexit cpuid", "continue", "stepi 3")
    assert snap_compare(app, terminal_size=(200, 50), run_before=before)


def test_vti_vpd_pane_200x50(snap_compare):
    """vtivmm stopped at a guest's mov-from-psr fault: the VPD pane with vac bit 3 marked,
    the exit log with VT-i's causes."""
    app, before = app_after("catch vfault MOV_FROM_PSR", "continue", guest="ia64/vtivmm")
    assert snap_compare(app, terminal_size=(200, 50), run_before=before)
