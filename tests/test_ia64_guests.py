"""The IA-64 guests: each runs to its expected console output and exit code on the IA-64
board, twice identically; the committed images are what guests/build.py makes; the CLI picks
the IA-64 board for an IA-64 ELF; PAL static and stacked conventions; snapshots."""
from __future__ import annotations

import pytest

from guests import IA64_GUESTS, find
from guests.build import build, have_ia64_tools
from machine.events import StopKind
from machine.ia64.board import IA64Machine, board_for
from machine.loader import LoadError
from tests.ia64util import cli_run, needs_binutils

EXPECTED = {
    "hello": "Hello from the vtdbg IA-64 model!\n",
    "rse": """\
rse: started, PAL_PROC entry from the loader
rse: PAL_RSE_INFO: physical stacked registers = 0x0000000000000060
rse: sum(1..40) by recursion through 18-register frames = 0x0000000000000334
rse: all frames returned, AR.BSP is back where it started
rse: flushrs wrote the dirty partition (AR.BSPSTORE == AR.BSP)
rse: br.ctop pipeline over rotating registers, sum(1..10) = 0x0000000000000037
""",
    "intr": """\
intr: IVT installed
intr: break, IIM=0x0000000000001234 IIP=0x0000000000100190 slot=0x0000000000000002
intr: break, IIM=0x0000000000000055 IIP=0x00000000001001b0 slot=0x0000000000000000
intr: both breaks resumed after themselves, register frame intact
intr: timer interrupt (IVR=0xe1), tick 0x0000000000000001
intr: timer interrupt (IVR=0xe1), tick 0x0000000000000002
intr: timer interrupt (IVR=0xe1), tick 0x0000000000000003
intr: three ticks while halted in PAL_HALT_LIGHT, done
""",
    "tlb": """\
tlb: running in virtual mode (TRs: the image, PAL, the devices, the VHPT)
tlb: four new pages in region 1, Alternate Data TLB misses filled by itc.d: 0x0000000000000004
tlb: after ptc.l one page missed again: 0x0000000000000005
tlb: region 2 translated by the VHPT walker from thash's entry, no miss
tlb: PAL_VM_TR_READ (stacked) read DTR 0 back
""",
    "vtivmm": """\
vtivmm: PAL reports the VM features; joining the virtual environment
vtivmm: virtual processor created (PAL_VP_CREATE), resuming the guest at PSR.vm=1
guest: running at PSR.vm=1
guest: cr.iva written and read back (virtual CR in the VPD) = 0x0000000000110000
guest: cpuid[0] (the VMM's signature 'vtiVMM') = 0x00004d4d56697476
guest: psr after ssm psr.i (the virtual PSR: ic i) = 0x0000000000006000
guest: rr[0x2000000000000000] (virtual region register) = 0x0000000000004238
guest: thash (PAL_VPS_THASH) = 0x0000000007700140
guest: ttag (PAL_VPS_TTAG) = 0x0000210000000048
guest: itc.d filled the virtual TLB, ptc.e purged it; the PTE the VMM kept = 0x0000000000400661
guest: cover with virtual psr.ic=0, cr.ifs (virtual) = 0x8000000000000205
guest: bsw.0/bsw.1 accelerated (vac.a_bsw): r16 of bank 1, bank 0 = 0x0000000000000055 0x0000000000000066
guest: probe emulated from the virtual TLB (page ar=4 pl=2): r@0 w@0 w@2 r@3, unmapped r@0 = 0x0000000000011000
guest: a load above the guest's implemented addresses faulted; the VMM saw IFA = 0x1ffc000000008000
guest: a branch there faulted too (Unimplemented Instruction Address); the VMM saw IIP = 0x1ffc000000100000
guest: ar.itc, psr.l, itc.i, itr, the debug/key/perf registers, ptc/ptr, tpa, tak, vmsw: each intercepted
vtivmm: hypercall: vac = 0x0000000000000000
guest: bsw.0/bsw.1 with vac.a_bsw off: emulated by the VMM: r16 of bank 1, bank 0 = 0x0000000000001111 0x0000000000002222
vtivmm: hypercall: vac = 0x000000000000007f
guest: served from the VPD without a fault: psr after ssm psr.i, cpuid[0] = 0x0000000000004000 0x00004d4d56697476
guest: faults of mov-from-psr/cpuid, ssm/rsm, cover, bsw before and after = 0x000000000000000b 0x000000000000000b
guest: bank-0 r17 NaT (ld8.s) kept by the emulated and the accelerated bsw = 0x0000000000000001 0x0000000000000001
vtivmm: hypercall: vector 0x0000000000000051 pending (virtual IRR, vhpi, PAL_VPS_SET_PENDING_INTERRUPT)
guest: virtual interrupt pending with psr.i=0: not delivered, handled vector = 0x0000000000000000
vtivmm: Virtual External Interrupt: reflected to the guest's IVA + 0x3000
guest: external interrupt handler (guest IVA+0x3000): cr.ivr, cr.iip = 0x0000000000000051 0x0000000000103390
guest: ssm psr.i (a_int): the Virtual External Interrupt ran the guest's handler: vector, bank-1 r16 = 0x0000000000000051 0x0000000000001111
vtivmm: hypercall: vector 0x0000000000000052 pending (virtual IRR, vhpi, PAL_VPS_SET_PENDING_INTERRUPT)
guest: the next vector pending under tpr.mic=5 (vtpr, a_int): masked, last handled = 0x0000000000000051
vtivmm: Virtual External Interrupt: reflected to the guest's IVA + 0x3000
guest: external interrupt handler (guest IVA+0x3000): cr.ivr, cr.iip = 0x0000000000000052 0x0000000000103500
guest: mov cr.tpr=0 (a_int) unmasked it: the handler ran, last handled = 0x0000000000000052
vtivmm: hypercall: vector 0x0000000000000063 pending (virtual IRR, vhpi, PAL_VPS_SET_PENDING_INTERRUPT)
vtivmm: Virtual External Interrupt: reflected to the guest's IVA + 0x3000
guest: external interrupt handler (guest IVA+0x3000): cr.ivr, cr.iip = 0x0000000000000063 0x0000000000103590
guest: a vector of a higher class with psr.i=1 came at PAL_VPS_RESUME, last handled = 0x0000000000000063
guest: rfi emulated, resumed at the virtual IIP
vtivmm: guest done; virtualization faults by cause:
vtivmm:   MOV_TO_AR 0x0000000000000001
vtivmm:   MOV_TO_AR_IMM 0x0000000000000001
vtivmm:   MOV_FROM_AR 0x0000000000000001
vtivmm:   MOV_TO_CR 0x0000000000000009
vtivmm:   MOV_FROM_CR 0x0000000000000005
vtivmm:   MOV_TO_PSR 0x0000000000000001
vtivmm:   MOV_FROM_PSR 0x0000000000000002
vtivmm:   ITC_D 0x0000000000000002
vtivmm:   ITC_I 0x0000000000000001
vtivmm:   MOV_TO_RR 0x0000000000000001
vtivmm:   MOV_TO_DBR 0x0000000000000001
vtivmm:   MOV_TO_IBR 0x0000000000000001
vtivmm:   MOV_TO_PKR 0x0000000000000001
vtivmm:   MOV_TO_PMC 0x0000000000000001
vtivmm:   MOV_TO_PMD 0x0000000000000001
vtivmm:   ITR_D 0x0000000000000001
vtivmm:   ITR_I 0x0000000000000001
vtivmm:   MOV_FROM_RR 0x0000000000000001
vtivmm:   MOV_FROM_DBR 0x0000000000000001
vtivmm:   MOV_FROM_IBR 0x0000000000000001
vtivmm:   MOV_FROM_PKR 0x0000000000000001
vtivmm:   MOV_FROM_PMC 0x0000000000000001
vtivmm:   MOV_FROM_CPUID 0x0000000000000001
vtivmm:   SSM 0x0000000000000002
vtivmm:   RSM 0x0000000000000003
vtivmm:   PTC_L 0x0000000000000001
vtivmm:   PTC_G 0x0000000000000001
vtivmm:   PTC_GA 0x0000000000000001
vtivmm:   PTR_D 0x0000000000000001
vtivmm:   PTR_I 0x0000000000000001
vtivmm:   THASH 0x0000000000000001
vtivmm:   TTAG 0x0000000000000001
vtivmm:   TPA 0x0000000000000001
vtivmm:   TAK 0x0000000000000001
vtivmm:   PTC_E 0x0000000000000001
vtivmm:   COVER 0x0000000000000001
vtivmm:   RFI 0x0000000000000004
vtivmm:   BSW_0 0x0000000000000002
vtivmm:   BSW_1 0x0000000000000002
vtivmm:   VMSW 0x0000000000000001
vtivmm:   PROBE 0x0000000000000005
vtivmm: done
""",
}


def run(name: str, limit: int = 500_000):
    m = IA64Machine()
    m.load(str(find(f"ia64/{name}").elf))
    return m, m.run(limit)


def test_table_covers_the_sources():
    from guests import ROOT
    assert {g.name for g in IA64_GUESTS} == {p.stem for p in (ROOT / "ia64").glob("*.S")}
    assert set(EXPECTED) == {g.name for g in IA64_GUESTS}
    for g in IA64_GUESTS:
        assert g.elf.exists() and g.source.read_text().startswith(f"// {g.name}: ")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_guest_output_and_exit(name):
    m, stop = run(name)
    assert m.console_output().decode() == EXPECTED[name]
    assert stop.kind is StopKind.EXIT and stop.code == 0


def test_runs_are_deterministic():
    a, sa = run("intr")
    b, sb = run("intr")
    assert (sa.icount, a.cpu.time(), a.cpu.read_itc()) == (sb.icount, b.cpu.time(),
                                                            b.cpu.read_itc())


def test_snapshot_restore_replays():
    m = IA64Machine()
    m.load(str(find("ia64/rse").elf))
    m.run(1500)
    snap = m.snapshot()
    first = m.run(None)
    out = m.console_output()
    m.restore(snap)
    again = m.run(None)
    assert (first.kind, first.icount) == (again.kind, again.icount)
    assert m.console_output() == out


def test_pal_calls_are_recorded_and_unknown_ones_fail():
    m, _ = run("tlb")
    assert [n for _, n in m.pal.calls] == ["PAL_VM_TR_READ"]
    m, _ = run("rse")
    assert m.pal.calls == [(19, "PAL_RSE_INFO")]


def test_board_choice_and_loader_errors(tmp_path):
    assert board_for(str(find("ia64/hello").elf)) is IA64Machine
    from machine.board import Machine
    assert board_for(str(find("hello").elf)) is Machine
    bad = tmp_path / "x.elf"
    bad.write_bytes(find("hello").elf.read_bytes())
    with pytest.raises(LoadError, match="EM_IA_64"):
        IA64Machine().load(str(bad))
    with pytest.raises(LoadError):
        Machine().load(str(find("ia64/hello").elf))


def test_cli_runs_the_ia64_hello():
    status, out = cli_run(["run", str(find("ia64/hello").elf)])
    assert status == 0
    assert out.startswith("Hello from the vtdbg IA-64 model!\n"
                          "[vtdbg] stopped: guest exit code 0")


@needs_binutils
@pytest.mark.skipif(not have_ia64_tools(), reason="binutils-ia64-linux-gnu not installed")
def test_images_rebuild_identically(tmp_path):
    for g in IA64_GUESTS:
        for out in build(g, tmp_path):
            assert out.read_bytes() == (g.source.parent / out.name).read_bytes(), \
                f"{out.name} differs: run `python3 -m guests.build ia64/{g.name}` and commit it"
