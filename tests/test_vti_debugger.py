"""The debugger's VT-i side on guests/ia64/vtivmm (a VMM at PSR.vm = 0, its guest at PSR.vm = 1):
virtualization faults, virtual external interrupts and resumes in the exit log with VT-x's
columns; `catch vfault/pal/vmsw`; `info vpd` and `vpd.FIELD` read from and written to the VPD
in memory; guest-only stepping through the VMM's fault handling."""
from __future__ import annotations

from itertools import pairwise

import pytest

from machine.ia64 import psr as P
from machine.ia64 import vpd as V
from machine.ia64.pal import PAL_NAMES
from machine.ia64.vti import CAUSE_NAMES
from tests.test_ia64_debugger import code_session, run, session
from vtdbg.errors import VtdbgError


def test_catch_vfault_stops_in_the_vmm_with_the_cause_and_opcode():
    s = session("vtivmm")
    cpu = s.machine.cpu
    out = run(s, "catch vfault MOV_TO_CR", "run")
    hit = [line for line in out if line.startswith("Catchpoint 1 (")][1]
    assert "virtualization fault MOV_TO_CR (cause 4)" in hit
    ev = cpu.vti.last
    assert (ev.kind, ev.cause) == ("vfault", 4)
    # stopped at the first instruction of the handler, on bank 0, with GR24/GR25 written
    assert s.arch.pc() == cpu.cr[2] + 0x6100 and s.arch.context() == "host"
    assert cpu.gr[24] == 4 and not cpu.psr & P.BN
    ev_ = s.evaluator()
    assert ev_.eval("$cause") == 4 == ev_.eval("$exit_reason")
    assert ev_.eval("$opcode") == cpu.gr[25] == ev.opcode
    assert ev_.eval("$guest_ip") == ev.ip | ev.slot == cpu.cr[19] | (cpu.cr[16] >> 41 & 3)
    assert any(line.startswith("  qualification ") and "mov cr." in line for line in out)
    # the log's record says the same as the machine
    r = s.exitlog.last()
    assert (r.reason, r.name, r.qualification, r.guest_rip) == (
        4, "MOV_TO_CR", ev.opcode, ev.ip | ev.slot)
    assert r.vmcs == s.arch.control.address() and r.detail.startswith("mov cr.")
    detail = run(s, f"info exit {r.index}")
    assert detail[0].startswith(f"VT-i exit #{r.index}: virtualization fault MOV_TO_CR")
    assert "cause (GR24)       4 MOV_TO_CR" in detail[1]
    assert detail[2].startswith(f"  opcode (GR25)      {ev.opcode:#x}  mov cr.")


def test_catch_vfault_filters_by_name_number_and_condition():
    s = session("vtivmm")
    cpu = s.machine.cpu
    out = run(s, "catch vfault thash 32 if $cause == 32", "run")
    assert "virtualization fault TTAG (cause 32)" in out[1]
    assert cpu.vti.counts.get(31) == 1 and cpu.vti.counts[32] == 1      # THASH went by
    out = run(s, "delete", "tcatch vfault", "continue")
    assert "virtualization fault" in out[1] and not s.points.points    # tcatch: gone
    assert sum(cpu.vti.counts.values()) == s.exitlog.last().index - sum(
        1 for r in s.exitlog.records if r.kind == "entry") + 1


def test_resumes_and_faults_alternate_in_the_log_and_stats_agree_with_the_machine():
    s = session("vtivmm")
    out = run(s, "run")
    assert out[-2] == "[guest exit code 0]"
    cpu = s.machine.cpu
    recs = list(s.exitlog.records)
    faults = [r for r in recs if r.kind == "exit" and r.reason in CAUSE_NAMES]
    assert len(faults) == sum(cpu.vti.counts.values())
    # every other interruption of the guest goes to the VMM too: the hypercalls (break)
    others = {r.name for r in recs if r.kind == "exit" and r.reason not in CAUSE_NAMES}
    assert {"BREAK_INSTRUCTION", "VIRTUAL_EXTERNAL_INTERRUPT"} <= others
    exits = [r for r in recs if r.kind == "exit"]
    assert len(exits) == len([r for r in recs if r.kind == "entry"])   # resume for each
    assert recs[0].kind == "entry" and recs[0].name == "PAL_VPS_RESUME_NORMAL"
    for a, b in pairwise(recs):
        if a.kind == "exit" and a.reason in CAUSE_NAMES:
            assert b.kind == "entry"                   # each fault is followed by a resume
            assert a.root_icount == b.icount - a.icount > 0
    stats = run(s, "info exits stats")
    assert stats[0].startswith(f"{len([r for r in recs if r.kind == 'exit'])} VT-i exits")
    for cause, n in cpu.vti.counts.items():
        row = next(line for line in stats if line.split()[:1] == [CAUSE_NAMES[cause]])
        assert int(row.split()[1]) == n
    rows = run(s, "info exits all 4")
    assert rows[0].split()[:3] == ["#", "icount", "reason"] and len(rows) == 5
    assert all(" -> PAL_VPS_RESUME" in line or "(" in line for line in rows[1:])


def test_catch_pal_and_catch_vmsw():
    s = session("vtivmm")
    out = run(s, "catch pal PAL_VP_CREATE", "run")
    hit = [line for line in out if line.startswith("Catchpoint 1 (")][1]
    assert hit.startswith("Catchpoint 1 (PAL call PAL_VP_CREATE (")
    assert s.evaluator().eval("$pal_index") == 265 and PAL_NAMES[265] == "PAL_VP_CREATE"
    assert s.machine.cpu.vti.vps                        # the VP exists: info vpd has a VPD
    out = run(s, "delete", "catch vmsw", "continue")
    hit = [line for line in out if line.startswith("Catchpoint 2 (")][1]
    assert "virtualization fault VMSW (cause 40)" in hit
    assert any("vmsw.0" in line for line in out)


def test_catch_vmsw_on_a_switch_that_happens():
    """vmsw.1 from an execute-only page with PSR.it switches PSR.vm without a fault."""
    s = code_session([["[MIB] nop.m 0x0", "nop.i 0x0", "vmsw.1;;"],
                      ["[MII] nop.m 0x0", "nop.i 0x0", "nop.i 0x0;;"]])
    cpu = s.machine.cpu
    cpu.insert_tr(True, 0, 0, 0x661 | 7 << 9, 20 << 2)
    cpu.set_psr(cpu.psr | P.IT)
    out = run(s, "catch vmsw 1", "continue")
    assert out[1].startswith("Catchpoint 1 (vmsw.1 at 0x10002")
    assert cpu.psr & P.VM and s.evaluator().eval("$vm") == 1
    assert s.arch.context() == "guest" and cpu.vti.counts == {}


def test_info_vpd_decodes_and_vpd_fields_are_read_and_written_in_memory():
    s = session("vtivmm")
    run(s, "catch pal vps_resume_normal", "run")
    cpu = s.machine.cpu
    vp = cpu.vti.vp()
    out = run(s, "info vpd")
    assert out[0].startswith(f"VPD {vp.vpd:#x} (physical {vp.vpd_pa:#x}), current")
    vac = cpu.bus.read(vp.vpd_pa + V.VAC, 8)
    line = next(x for x in out if x.split()[:1] == ["vac"])
    assert int(line.split()[1], 16) == vac and "a_bsw" in line
    assert any(x.split()[:1] == ["vpsr"] and "ic" in x.split() for x in out)
    assert run(s, "info vpd tpr")[-2].startswith("vtpr = ")
    with pytest.raises(VtdbgError, match="no VPD field named nosuch"):
        run(s, "info vpd nosuch")
    # a_from_cpuid with a value of ours: the guest reads it without a fault
    run(s, "set var vpd.vac = vpd.vac | 0x10", "set var vpd.vcpuid0 = 0x6262646274767476")
    assert cpu.bus.read(vp.vpd_pa + V.VAC, 8) == vac | V.A_FROM_CPUID
    out = run(s, "delete", "continue")
    assert out[-2] == "[guest exit code 0]"
    assert 23 not in cpu.vti.counts
    assert "0x6262646274767476" in s.machine.console_output().decode().lower()


def test_guest_step_mode_runs_the_vmm_through_a_fault():
    s = session("vtivmm")
    run(s, "tcatch vfault MOV_TO_CR", "run")
    at = s.evaluator().eval("$guest_ip")
    nxt = at + 1                                       # the next slot of the same bundle
    # full mode: the step stops at the handler
    run(s, f"break -guest *{at:#x}", "run")
    assert s.arch.pc() == at and s.arch.context() == "guest"
    out = run(s, "stepi")
    assert s.arch.context() == "host" and s.arch.pc() == s.machine.cpu.cr[2] + 0x6100
    assert any("virtualization fault MOV_TO_CR" in line for line in out)
    # guest mode: the same step ends at the guest's next instruction, the VMM ran between
    run(s, "run")
    icount = s.machine.cpu.icount
    out = run(s, "set step-mode guest", "stepi")
    assert s.arch.context() == "guest" and s.arch.pc() == nxt
    assert any("virtualization fault MOV_TO_CR" in line for line in out)
    assert any(line.startswith("VT-i resume #") for line in out)
    handled = next(line for line in out if "handled by the VMM in" in line)
    assert s.machine.cpu.icount - icount == int(handled.split()[-2]) + 1
    assert out[-1].startswith(f"=> {nxt:#x}") and "[guest]" in out[-1]


def test_the_log_is_the_same_twice():
    a, b = session("vtivmm"), session("vtivmm")
    run(a, "run")
    run(b, "run")
    rows = [[(r.kind, r.icount, r.reason, r.qualification, r.guest_rip) for r in s.exitlog.records]
            for s in (a, b)]
    assert rows[0] == rows[1] and len(rows[0]) > 80


def test_completion_knows_causes_pal_names_and_vpd_fields():
    from vtdbg.commands.complete import candidates
    from vtdbg.commands.interp import Interp
    s = session("vtivmm")
    it = Interp(s, out=lambda line: None)
    assert candidates(it, "catch v") == ["vfault", "vmentry", "vmentry-fail", "vmexit", "vmsw"]
    assert candidates(it, "catch vfault mov_from_p") == ["MOV_FROM_PSR", "MOV_FROM_PKR",
                                                          "MOV_FROM_PMC"]
    assert candidates(it, "catch pal PAL_VP_C") == ["PAL_VP_CREATE"]
    assert candidates(it, "print vpd.vcpu") == [f"vpd.vcpuid{i}" for i in range(5)]
    assert candidates(it, "info vpd vt") == ["vtpr"]


def test_catch_the_virtual_external_interrupt():
    """vtivmm pends a virtual interrupt (vhpi); with vac.a_int the processor delivers the
    Virtual External Interrupt (0x3400) when vpsr.i and vtpr allow: an exit whose reason is its IVT offset."""
    s = session("vtivmm")
    out = run(s, "catch vmexit VEI", "run")
    cpu = s.machine.cpu
    hit = [line for line in out if line.startswith("Catchpoint 1 (")][1]
    assert "virtual external interrupt" in hit
    assert s.arch.pc() == cpu.cr[2] + 0x3400 and cpu.vti.last.kind == "vext"
    vhpi = cpu.bus.read(cpu.vti.vp().vpd_pa + V.VHPI, 8)
    r = s.exitlog.last()
    assert (r.reason, r.name, r.qualification) == (0x3400, "VIRTUAL_EXTERNAL_INTERRUPT", vhpi)
    detail = run(s, f"info exit {r.index}")
    assert detail[1].split() == ["event", str(0x3400), "VIRTUAL_EXTERNAL_INTERRUPT"]
    assert detail[2].split()[:2] == ["vhpi", f"{vhpi:#x}"]
    assert detail[-1] == "  responsible VPD field: vac bit 0 (a_int)"
    assert vhpi > 0 and cpu.bus.read(cpu.vti.vp().vpd_pa + V.VAC, 8) & V.A_INT


def test_the_guests_other_interruptions_are_exits_to_the_vmm():
    """A hypercall (break at PSR.vm = 1) reaches the VMM's IVT: an exit of reason 0x2c00 with
    the ISR as its qualification; `catch vmexit break_instruction` stops at it."""
    s = session("vtivmm")
    out = run(s, "catch vmexit break_instruction", "run")
    cpu = s.machine.cpu
    assert any("interruption Break Instruction (IVT 0x2c00)" in line for line in out)
    r = s.exitlog.last()
    assert (r.reason, r.qualification) == (0x2C00, cpu.cr[17])
    assert r.guest_rip == cpu.cr[19] | (cpu.cr[16] >> 41 & 3) and cpu.cr[16] & P.VM
    assert s.arch.pc() == cpu.cr[2] + 0x2C00 and s.evaluator().eval("$cause") == 0x2C00
    detail = run(s, f"info exit {r.index}")
    assert detail[1].split()[:3] == ["vector", str(0x2C00), "BREAK_INSTRUCTION"]
    assert detail[2].startswith(f"  ISR                {cpu.cr[17]:#x}  ISR ")


def test_watch_a_vpd_field_stops_where_the_vmm_writes_it():
    """vpd.FIELD is memory: `watch vpd.vac` stops after the VMM's store into the VPD."""
    s = session("vtivmm")
    run(s, "catch pal vps_resume_normal", "run", "delete")
    cpu = s.machine.cpu
    vac = cpu.bus.read(cpu.vti.vp().vpd_pa + V.VAC, 8)
    out = run(s, "watch vpd.vac", "continue")
    assert out[1:4] == ["Watchpoint 2: vpd.vac", f"Old value = {vac:#x}",
                        f"New value = {cpu.bus.read(cpu.vti.vp().vpd_pa + V.VAC, 8):#x}"]
    assert s.arch.context() == "host" and "<hc_vac" in out[-1]


def test_watch_a_vpd_field_the_processor_writes():
    """With vac.a_int the guest's `mov cr.tpr=` is served by the processor writing vtpr in
    the VPD: the watchpoint stops in the guest, after that instruction."""
    s = session("vtivmm")
    run(s, "catch pal vps_resume_normal", "run", "delete")
    out = run(s, "watch vpd.vtpr", "continue")
    cpu = s.machine.cpu
    vtpr = cpu.bus.read(cpu.vti.vp().vpd_pa + V.vcr_offset(66), 8)
    assert out[1:4] == ["Watchpoint 2: vpd.vtpr", "Old value = 0x0", f"New value = {vtpr:#x}"]
    assert s.arch.context() == "guest" and vtpr == 0x50
    prev = s.arch.disassemble(s.arch.pc() - 1, 1)[0] if s.arch.pc() & 0xF else None
    assert prev is not None and "mov cr.tpr=" in prev.text
    # served by the processor: the instruction did not fault to the VMM
    assert prev.address not in [r.guest_rip for r in s.exitlog.records if r.kind == "exit"]


def test_exit_reasons_are_causes_and_ivt_offsets():
    s = session("vtivmm")
    lines = run(s, "info exit-reasons")
    assert "     4  MOV_TO_CR" in lines and "    41  PROBE" in lines
    assert "0x2c00  BREAK_INSTRUCTION" in lines and "0x0000  VHPT_TRANSLATION" in lines
    assert "0x3400  VIRTUAL_EXTERNAL_INTERRUPT" in lines
    assert not any(line.endswith("VIRTUALIZATION") for line in lines)   # that is vfault


def test_catch_vmsw_filters_a_faulting_vmsw_by_the_value_it_asked_for():
    s = session("vtivmm")
    out = run(s, "catch vmsw 1", "run")
    assert out[-2] == "[guest exit code 0]"                 # the guest only runs vmsw.0
    out = run(s, "delete", "catch vmsw 0", "run")
    assert "virtualization fault VMSW (cause 40)" in [ln for ln in out if "Catchpoint 2 (" in ln][1]
