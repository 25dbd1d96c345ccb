"""guests/ia64/vtivmm: a VMM at PSR.vm = 0 running a guest kernel at PSR.vm = 1 through PAL_VP_*
and the VPS services; its per-cause summary agrees with the model's record of the faults (every
cause 1-41 occurs), each fault is followed by a PAL_VPS_RESUME_*, the accelerations named by
the VPD stop the faults they cover, bsw and probe are emulated, a virtual interrupt reaches the
guest's own IVT, and two runs are identical."""
from __future__ import annotations

import re

from guests import find
from machine.events import StopKind
from machine.ia64.board import IA64Machine
from machine.ia64.disasm import disassemble
from machine.ia64.vti import CAUSE_NAMES
from tests.ia64util import cli_run

IRQ = 0x51


def run():
    m = IA64Machine()
    m.load(str(find("ia64/vtivmm").elf))
    events = []
    m.cpu.observer = lambda kind, payload: events.append((kind, payload)) and False
    return m, m.run(500_000), events


def values(out: str, prefix: str) -> list[int]:
    """The hex numbers on the story line that starts with prefix."""
    line = next(ln for ln in out.splitlines() if ln.startswith(prefix))
    return [int(x, 16) for x in re.findall(r"0x[0-9a-f]{16}", line)]


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
    assert set(summary) == set(CAUSE_NAMES.values())            # every cause, 1-41
    assert summary["BSW_0"] == summary["BSW_1"] == 2 and summary["PROBE"] == 5
    kinds = [k for k, _ in events if k in ("vfault", "vresume")]
    assert kinds[0] == "vresume" and kinds.count("vfault") == sum(summary.values())
    assert all(kinds[i + 1] == "vresume" for i, k in enumerate(kinds) if k == "vfault")
    ge = [p for k, p in events if k == "interruption" and p["vector"] == 0x5400]
    assert len(ge) == 1 and ge[0]["isr"] & 0xF0 == 0x30 and ge[0]["ifa"] == 0x1FFC000000008000
    # the same rule for a fetch (the guest runs translated: bits 60-50 set, bit 49 clear)
    ui = [p for k, p in events if k == "interruption" and p["vector"] == 0x5E00]
    assert len(ui) == 1 and ui[0]["isr"] & 0x10 and ui[0]["ip"] == 0x1FFC000000100000
    assert values(out, "guest: a branch there faulted") == [0x1FFC000000100000]
    m2, stop2, _ = run()
    assert (stop2.icount, m2.console_output()) == (stop.icount, m.console_output())


def test_bsw_both_ways_and_probe_from_the_virtual_tlb():
    m, _, events = run()
    out = m.console_output().decode()
    # accelerated (vac.a_bsw) and emulated (a_bsw off): each bank keeps its own r16
    assert values(out, "guest: bsw.0/bsw.1 accelerated") == [0x55, 0x66]
    assert values(out, "guest: bsw.0/bsw.1 with vac.a_bsw off") == [0x1111, 0x2222]
    bsw = [p for k, p in events if k == "vfault" and p.cause in (38, 39)]
    assert [p.cause for p in bsw] == [38, 39, 38, 39]
    # page ar=4 pl=2: read at 0 yes, write at 0 yes, write at 2 no, read at 3 no; unmapped: 0
    assert values(out, "guest: probe emulated") == [0x11000]
    # a NaT in the guest's bank 0 survives the VMM's switch (vbnat) and the model's (a_bsw)
    assert values(out, "guest: bank-0 r17 NaT") == [1, 1]
    assert out.count("vtivmm: hypercall: vac = ") == 2


def test_accelerations_stop_the_faults_they_cover():
    m, _, events = run()
    out = m.console_output().decode()
    psr, cpuid0 = values(out, "guest: served from the VPD without a fault")
    assert psr == 0x4000 and cpuid0 == 0x4D4D56697476
    before, after = values(out, "guest: faults of mov-from-psr")
    assert before == after > 0
    vac = [int(x, 16) for x in re.findall(r"vac = (0x[0-9a-f]+)", out)]
    assert vac == [0, 0x7F]
    # between the two counting hypercalls (breaks 3 and 4) the model raised no fault at all
    seq = [(k, p) for k, p in events if k == "vfault" or
           k == "interruption" and p["vector"] == 0x2C00]
    breaks = [i for i, (k, _) in enumerate(seq) if k == "interruption"]
    assert seq[breaks[2] + 1:breaks[3]] == []


def test_virtual_interrupts_reach_the_guest_handler():
    """Three vectors: pending under psr.i = 0 (delivered after ssm psr.i), under tpr.mic = 5
    (after mov cr.tpr = 0) and unmasked (at the hypercall's PAL_VPS_RESUME)."""
    m, _, events = run()
    out = m.console_output().decode()
    assert [int(x, 16) for x in re.findall(r"hypercall: vector (0x[0-9a-f]+)", out)] == \
        [IRQ, IRQ + 1, 0x63]
    assert values(out, "guest: virtual interrupt pending with psr.i=0") == [0]
    assert values(out, "guest: ssm psr.i (a_int)") == [IRQ, 0x1111]
    assert values(out, "guest: the next vector pending under tpr.mic=5") == [IRQ]
    assert values(out, "guest: mov cr.tpr=0 (a_int) unmasked it") == [IRQ + 1]
    assert values(out, "guest: a vector of a higher class") == [0x63]
    vext = [p for k, p in events if k == "vext"]
    handled = [[int(x, 16) for x in re.findall(r"0x[0-9a-f]{16}", ln)] for ln in
               out.splitlines() if ln.startswith("guest: external interrupt handler")]
    # the handler's cr.iip (served from vcr by a_from_int_cr) is where each VEI came
    assert handled == [[IRQ, vext[0].ip], [IRQ + 1, vext[1].ip], [0x63, vext[2].ip]]
    def read(a, n):
        return bytes(m.cpu.bus.ram[a:a + n])
    before = [disassemble(read, v.ip + v.slot - 1, 1)[0].text for v in vext]
    assert before[0].endswith("ssm 0x4000;;") and before[1].endswith("mov cr.tpr=r0;;")
    # the third came at the resume after the hypercall: the VMM stepped past the break
    assert before[2].endswith("break.m 0x102")
    names = [p["name"] for k, p in events if k == "pal"]
    assert names.count("PAL_VPS_SET_PENDING_INTERRUPT") == 6         # 3 requests, 3 EOIs
    assert "PAL_VPS_RESUME_HANDLER" in names                           # vpsr.ic = 0 resumes
    lines = out.splitlines()
    refl = [i for i, ln in enumerate(lines) if ln.startswith("vtivmm: Virtual External")]
    assert [lines[i + 1].startswith("guest: external interrupt handler") for i in refl] == \
        [True] * 3


def test_vtdbg_run_prints_the_story():
    texts = []
    for _ in range(2):
        status, out = cli_run(["run", str(find("ia64/vtivmm").elf)])
        assert status == 0
        texts.append(out)
    text = texts[0]
    assert texts[0] == texts[1]
    assert "guest: rfi emulated" in text and "vtivmm: done" in text
    assert "guest: external interrupt handler" in text and "emulated by the VMM" in text
    assert "vtivmm:   PROBE " in text and "vtivmm:   BSW_1 " in text
