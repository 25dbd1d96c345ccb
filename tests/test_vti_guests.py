"""guests/ia64/vtivmm: a VMM at PSR.vm = 0 running a guest kernel at PSR.vm = 1 through PAL_VP_*
and the VPS services; its per-cause summary agrees with the model's record of the faults, each
fault is followed by a PAL_VPS_RESUME_NORMAL, and two runs are identical."""
from __future__ import annotations

import io
import sys

from guests import find
from machine.events import StopKind
from machine.ia64.board import IA64Machine
from machine.ia64.vti import CAUSE_NAMES


def run():
    m = IA64Machine()
    m.load(str(find("ia64/vtivmm").elf))
    events = []
    m.cpu.observer = lambda kind, payload: events.append((kind, payload)) and False
    return m, m.run(500_000), events


def test_summary_matches_the_recorded_faults_and_runs_are_identical():
    m, stop, events = run()
    assert stop.kind is StopKind.EXIT and stop.code == 0
    out = m.console_output().decode()
    summary = {}
    for line in out.splitlines():
        if line.startswith("vtivmm:   "):
            name, n = line.split()[1:]
            summary[name] = int(n, 16)
    assert summary == {CAUSE_NAMES[c]: n for c, n in m.cpu.vti.counts.items()}
    assert "BSW_0" not in summary and summary["MOV_TO_CR"] == 6
    assert set(summary) == {n for c, n in CAUSE_NAMES.items() if c not in (38, 39, 41)}
    kinds = [k for k, _ in events if k in ("vfault", "vresume")]
    assert kinds[0] == "vresume" and kinds.count("vfault") == sum(summary.values())
    assert all(kinds[i + 1] == "vresume" for i, k in enumerate(kinds) if k == "vfault")
    ge = [p for k, p in events if k == "interruption" and p["vector"] == 0x5400]
    assert len(ge) == 1 and ge[0]["isr"] & 0xF0 == 0x30 and ge[0]["ifa"] == 0x1FFC000000008000
    m2, stop2, _ = run()
    assert (stop2.icount, m2.console_output()) == (stop.icount, m.console_output())


def test_vtdbg_run_prints_the_story(monkeypatch):
    from vtdbg.cli import main
    buf = io.BytesIO()

    class Out:
        buffer = buf

        def write(self, s):
            buf.write(s.encode())

        def flush(self):
            pass
    monkeypatch.setattr(sys, "stdout", Out())
    assert main(["run", str(find("ia64/vtivmm").elf)]) == 0
    text = buf.getvalue().decode()
    assert "guest: rfi emulated" in text and "vtivmm: done" in text
