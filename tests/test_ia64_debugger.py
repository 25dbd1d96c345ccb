"""The debugger on IA-64 guests: the adapter (vtdbg/engine/ia64) behind the same commands as
x86: registers and expressions, slot disassembly against objdump, stepping by slot and over
calls, breakpoints, catchpoints on IVT vectors, translation without side effects, views."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from machine.ia64.board import IA64Machine
from machine.ia64.encode import encode_bundle
from tests.ia64util import OBJDUMP, needs_binutils
from vtdbg.batch import make_session
from vtdbg.commands.interp import Interp
from vtdbg.engine.ia64 import vectors
from vtdbg.engine.session import Session
from vtdbg.errors import VtdbgError

GUESTS = Path(__file__).resolve().parent.parent / "guests" / "ia64"
CODE = 0x10000


def session(guest: str = "hello"):
    return make_session(str(GUESTS / f"{guest}.elf"))


def run(s, *cmds) -> list[str]:
    out: list[str] = []
    it = Interp(s, out=out.append)
    for c in cmds:
        it.feed(c)
    it.flush()
    return out


def code_session(bundles: list[list[str]], at: int = CODE) -> Session:
    """A session on the IA-64 board with hand-encoded bundles at `at` (physical mode)."""
    m = IA64Machine(ram_mib=2)
    code = b"".join(encode_bundle(b, at + 16 * i) for i, b in enumerate(bundles))
    m.bus.load(at, code)
    m.cpu.ip = at
    s = Session(m)
    s.restart()
    return s


# -- registers and expressions ---------------------------------------------------------------
def test_register_names_aliases_and_dotted_expressions():
    s = session()
    cpu = s.machine.cpu
    ev = s.evaluator()
    assert s.arch.name == "ia64" and ev.eval("$pc") == 0x100140 == cpu.ip
    assert ev.eval("$gp") == ev.eval("$r1") == cpu.gr[1]
    assert ev.eval("$sp") == ev.eval("$r12") == cpu.gr[12]
    assert ev.eval("$ar.bsp") == ev.eval("$bsp") == ev.eval("$ar17") == cpu.bsp()
    assert ev.eval("$cr.iva") == ev.eval("$iva") == ev.eval("$cr2") == 0
    assert ev.eval("$psr.ic") == 1 and ev.eval("$psr.bn") == 1 and ev.eval("$psr.dt") == 0
    ev.eval("$psr.be = 1")
    assert cpu.psr >> 1 & 1 and ev.eval("$psr") & 2
    ev.eval("$ar.lc = 7")
    assert cpu.ar[65] == 7 and ev.eval("$lc + 1") == 8
    ev.eval("$p6 = 1")
    assert cpu.pr[6] == 1 and ev.eval("$pr") == 1 << 6 | 1
    ev.eval("$pc = 0x100152")                    # bundle + slot
    assert (cpu.ip, cpu.ri) == (0x100150, 2)
    ev.eval("$r5 = -1")
    assert cpu.gr[5] == (1 << 64) - 1
    # a dotted name that is no register still reaches fields of values ($1.x); and errors
    with pytest.raises(VtdbgError, match="no fields"):
        ev.eval("$ar.bsp.x")
    with pytest.raises(VtdbgError, match="not in the current frame"):
        ev.eval("$r40")
    with pytest.raises(VtdbgError, match="always 0"):
        ev.eval("$r0 = 1")
    with pytest.raises(VtdbgError, match="read-only"):
        ev.eval("$ar.bsp = 0")
    with pytest.raises(VtdbgError, match="not a register"):
        ev.eval("$ar.bsp.x = 1")


def test_info_registers_lists_the_current_frame_and_decodes():
    s = session()
    main = run(s, "info registers")
    names = [ln.split()[0] for ln in main]
    assert names[:3] == ["pc", "cfm", "psr"] and "r31" in names and "r32" not in names
    assert {"pr", "b0", "ar.bsp", "ar.pfs"} <= set(names) and "cr.iva" not in names
    assert run(s, "info registers psr")[0].split()[2:] == ["ic", "bn"]
    run(s, "break puts", "continue")
    names = [ln.split()[0] for ln in run(s, "info registers general")]
    assert names[-1] == "r32"                    # puts is entered with a one-register frame
    cpu = s.machine.cpu
    cpu.nat[32] = 1
    assert run(s, "info registers r32")[0].endswith("NaT")
    lines = run(s, "info registers cr.isr cr.tpr ar.rsc rr0 cr.irr3")
    assert lines[0].endswith("code=0 ei=0") and "mmi" in lines[1]
    assert "enforced lazy" in lines[2] and "ps=14" in lines[3]
    cpu.irr |= 1 << 0xE1
    assert run(s, "info registers cr.irr3")[0].endswith("pending: 0xe1")
    every = run(s, "info all-registers")
    assert any(ln.startswith("psr.cpl") for ln in every) and any(
        ln.startswith("cpuid3") for ln in every)


def test_registers_follow_reset_and_restore():
    """The register file reads the CPU's current lists: load (reset) and `run` (restore)
    replace them."""
    s = session("tlb")
    run(s, "break virtual", "continue")
    cpu = s.machine.cpu
    assert s.register("rr1") == cpu.rr[1] == (1 << 8) | (14 << 2)
    s.restart()
    assert s.register("rr1") == cpu.rr[1] == 0x38
    s.set_register("rr1", 0x238)
    assert cpu.rr[1] == 0x238


# -- disassembly -----------------------------------------------------------------------------
def test_slots_addresses_lengths_kinds_and_targets():
    s = code_session([
        ["[MBB] nop.m 0x0", "br.call.sptk.many b0=0x10040", "nop.b 0x0;;"],
        ["[MIB] (p06) cmp.eq p6,p7=0,r2", "nop.i 0x0", "(p07) br.cond.dpnt.few 0x10000;;"],
        ["[MLX] nop.m 0x0", "brl.call.sptk.many b0=0x10040;;"],
        ["[MIB] nop.m 0x0", "nop.i 0x0", "br.ret.sptk.many b0;;"],
        ["[MIB] nop.m 0x0", "nop.i 0x0", "br.cloop.sptk.few 0x10040"],
    ])
    ins = s.arch.disassemble(CODE, 13)
    assert [i.address - CODE for i in ins] == [0, 1, 2, 0x10, 0x11, 0x12, 0x20, 0x21, 0x30,
                                              0x31, 0x32, 0x40, 0x41]
    assert [i.length for i in ins[:8]] == [1, 1, 14, 1, 1, 14, 1, 15]
    kinds = [(i.address - CODE, i.kind, i.target, i.returns_to) for i in ins if i.kind]
    assert kinds == [(1, "call", 0x10040, 0x10010), (0x12, "cjump", 0x10000, None),
                     (0x21, "call", 0x10040, 0x10030), (0x32, "ret", None, None)]
    assert s.arch.disassemble(CODE + 0x42, 1)[0].kind == "cjump"
    text = [i.text for i in ins[:6]]
    assert text[0] == "[MBB]       nop.m 0x0"
    assert text[1] == "            br.call.sptk.many b0=0x10040"
    assert text[3] == "[MIB] (p06) cmp.eq p6,p7=0,r2"
    assert text[5] == "      (p07) br.cond.dpnt.few 0x10000;;"
    # objdump's columns with the target's symbol before the stop mark; raw bytes 6/6/4
    assert ins[5].render(lambda a: "loop" if a == CODE else "") == \
        "      (p07) br.cond.dpnt.few 0x10000 <loop>;;"
    assert [len(i.raw) for i in ins[:8]] == [6, 6, 4, 6, 6, 4, 6, 10]
    assert b"".join(i.raw for i in ins[:3]) == bytes(s.machine.bus.ram[CODE:CODE + 16])
    # a slot number past the bundle's last instruction starts at its last one
    assert s.arch.disassemble(CODE + 0x25, 1)[0].address == CODE + 0x21


@needs_binutils
@pytest.mark.parametrize("guest", ["hello", "rse", "intr", "tlb"])
def test_disassembly_matches_objdump(guest):
    """Every slot of every guest's .text: template, predicate, instruction and stop mark as
    ia64-linux-gnu-objdump prints them (targets compared as numbers)."""
    path = GUESTS / f"{guest}.elf"
    dump = subprocess.run([OBJDUMP, "-d", "-j", ".text", str(path)], capture_output=True,
                          text=True, check=True).stdout
    want = []
    for line in dump.splitlines():
        m = re.match(r"^\s+([0-9a-f]+):\t[0-9a-f ]+\t(.*)$", line)
        if m and m.group(2).strip():
            want.append(m.group(2))
    s = make_session(str(path))
    start = min(a for n, a in s.machine.symbols.items() if n in ("puts", "_start"))
    got = s.arch.disassemble(start, len(want))

    def norm(t: str) -> str:
        t = re.sub(r"(?:0x)?([0-9a-f]+) <[^>]*>", r"0x\1", t)
        return " ".join(t.split())
    assert [norm(i.render(s.sym)) for i in got] == [norm(w) for w in want]


# -- stepping ------------------------------------------------------------------------------------
CALLEE = [["[MII] mov r8=42", "nop.i 0x0", "nop.i 0x0;;"],
          ["[MIB] nop.m 0x0", "nop.i 0x0", "br.ret.sptk.many b0;;"]]


def test_stepi_by_slot_and_nexti_over_a_call_in_slot_1():
    s = code_session([
        ["[MII] mov r2=1", "mov r3=2", "nop.i 0x0;;"],
        ["[MBB] nop.m 0x0", "br.call.sptk.many b0=0x10040", "nop.b 0x0;;"],
        ["[MII] mov r4=3", "nop.i 0x0", "nop.i 0x0;;"],
        ["[MII] nop.m 0x0", "nop.i 0x0", "nop.i 0x0;;"],
        *CALLEE])
    cpu = s.machine.cpu
    rep = s.stepi()
    assert s.arch.pc() == CODE + 1 and cpu.gr[2] == 1 and rep.lines[-1].startswith(
        "=> 0x10001:")
    s.stepi(3)
    assert s.arch.pc() == CODE + 0x11
    rep = s.nexti()                        # the call in slot 1 returns to the next bundle
    assert s.arch.pc() == CODE + 0x20 and cpu.gr[8] == 42 and cpu.icount == 4 + 1 + 6
    s.stepi()
    assert cpu.gr[4] == 3


def test_nexti_over_a_call_not_taken_stops_at_the_next_slot():
    s = code_session([
        ["[MBB] nop.m 0x0", "(p06) br.call.sptk.many b0=0x10040", "nop.b 0x0;;"],
        *[["[MII] nop.m 0x0", "nop.i 0x0", "nop.i 0x0;;"]] * 3,
        *CALLEE])
    s.stepi()
    s.nexti()
    assert s.arch.pc() == CODE + 2 and s.machine.cpu.gr[8] == 0


def test_finish_and_nexti_use_the_register_stack_depth():
    """In the recursive sum of the rse guest, nexti over the recursive call and finish both
    stop in the frame they started from / its caller, not in deeper frames that pass the
    same address."""
    s = session("rse")
    run(s, "break *0x1004a2 if $r32 == 36", "run", "delete")
    bsp = s.machine.cpu.bsp()
    s.nexti()
    assert (s.arch.pc(), s.register("r32"), s.register("r8")) == (0x1004b0, 36, 630)
    assert s.machine.cpu.bsp() == bsp
    s.finish()
    assert (s.arch.pc(), s.register("r32"), s.register("r8")) == (0x1004b0, 37, 666)
    assert s.machine.cpu.bsp() == bsp - 19 * 8


def test_until_leaves_a_loop_at_its_backward_branch():
    s = session("rse")
    run(s, "advance *0x100382")
    assert s.register("ar.lc") == 9
    s.until()
    assert s.arch.pc() == 0x100390 and s.register("r48") == 55


# -- breakpoints and catchpoints -----------------------------------------------------------------
def test_breakpoint_on_a_symbol_and_on_a_slot():
    s = session()
    out = run(s, "break puts", "tbreak *0x100152", "continue")
    assert out[-2] == "Temporary breakpoint 2, 0x100152 in _start+0x12"
    assert s.arch.pc() == 0x100152
    out = run(s, "continue")
    assert out[0] == "Breakpoint 1, 0x100000 in puts" and s.machine.cpu.ip == 0x100000
    assert run(s, "info breakpoints")[1].endswith("0x100000 <puts>")


def test_catch_exception_by_name_stops_at_the_vector_before_the_handler():
    s = session("intr")
    out = run(s, "catch exception break_instruction", "continue")
    assert out[0] == "Catchpoint 1 (exception break_instruction)"
    cpu = s.machine.cpu
    iva = cpu.cr[2]
    assert s.arch.pc() == iva + 0x2C00 and cpu.cr[24] == 0x1234
    assert "Catchpoint 1 (interruption Break Instruction (IVT 0x2c00) at 0x100192" in out[-2]
    ev = s.evaluator()
    assert ev.eval("$vector") == 0x2C00 and ev.eval("$fault_pc") == 0x100192
    assert ev.eval("$error") == cpu.cr[17]
    n = cpu.icount
    run(s, "continue")                               # the second break (slot 0)
    assert s.arch.pc() == iva + 0x2C00 and cpu.cr[24] == 0x55 and cpu.icount > n


def test_catch_exception_filters_numbers_offsets_and_conditions():
    s = session("tlb")
    out = run(s, "catch exception 4 0x5400", "info breakpoints")
    assert out[0] == "Catchpoint 1 (exception alternate_data_tlb general_exception)"
    run(s, "delete", "catch exception alt_dtlb if $cr.ifa == 0x2000000000308000", "continue")
    assert s.machine.cpu.cr[20] == 0x2000000000308000
    assert s.arch.pc() == s.machine.cpu.cr[2] + 0x1000


def test_a_step_onto_a_faulting_slot_stops_at_the_vector():
    s = session("intr")
    run(s, "break *0x100192", "continue", "delete")
    out = run(s, "stepi")
    cpu = s.machine.cpu
    assert out[0].startswith("Interruption Break Instruction (IVT 0x2c00) at 0x100192")
    assert s.arch.pc() == cpu.cr[2] + 0x2C00 and cpu.cr[19] == 0x100190


def test_catch_interrupt_by_external_vector():
    s = session("intr")
    out = run(s, "catch interrupt 0xe1", "continue")
    assert "Catchpoint 1 (external interrupt vector 0xe1)" in out
    assert s.arch.pc() == s.machine.cpu.cr[2] + 0x3000
    assert s.evaluator().eval("$vector") == 0xE1


def test_completion_of_dotted_registers_and_vector_names():
    from vtdbg.commands.complete import complete
    it = Interp(session())
    assert complete(it, "p $ar.bs") == ("$ar.bs", ["$ar.bsp", "$ar.bspstore"])
    assert complete(it, "catch exception alt")[1] == ["alternate_data_tlb",
                                                       "alternate_instruction_tlb"]
    assert complete(it, "info rs")[1] == ["rse"]


def test_vector_names():
    p = vectors.parse
    assert p("data_tlb") == p("Data-TLB") == p("dtlb") == p("2") == p("0x800") == 0x800
    assert p("alt_dtlb") == p("alternate_data_tlb") == 0x1000
    assert p("break") == 0x2C00 and p("single_step") == 0x6000 and p("ia32_exception") == 0x6900
    assert p("20") == 0x5000 and p("0x5400") == 0x5400 and p("0") == 0
    for bad, msg in (("data", "ambiguous"), ("nothing", "no IVT vector"),
                     ("0x3800", "not an IVT vector"), ("68", "not an IVT vector")):
        with pytest.raises(VtdbgError, match=msg):
            p(bad)


def test_memory_watchpoints_stop_right_after_the_access():
    s = session("rse")
    out = run(s, "watch {u64}0x120048", "continue")     # a mandatory spill by alloc
    assert out[-4:-1] == ["Watchpoint 1: {u64}0x120048", "Old value = 0x0",
                          "New value = 0x40a"]
    assert s.arch.pc() == 0x100471 and s.read_mem(0x120048, 8) == 0x40A
    cpu = s.machine.cpu
    assert all(b.n == 1 for b in cpu.cache.values())       # one instruction per block
    run(s, "delete")
    s.stepi(5)
    assert any(b.n > 1 for b in cpu.cache.values())        # the fast blocks are back
    s = session()
    out = run(s, "rwatch {u8}(greeting+2)", "continue")
    assert out[-3:] == ["Read watchpoint 1: {u8}(greeting+2)", "Value = 0x6c",
                        "=> 0x100011 <puts+0x11>:              cmp.eq p6,p0=0,r2"]
    assert s.machine.console_output() == b"He"
    out = run(s, "delete", "awatch -phys {u8}0x108000", "run")
    assert out[1] == "Access watchpoint 2: {u8}0x108000" and s.arch.pc() == 0x100011


# -- memory and translation ------------------------------------------------------------------------
def test_translation_has_no_side_effects():
    """The debugger reads the VHPT entry itself: no TC insert, no fault, nothing changed."""
    s = session("tlb")
    run(s, "advance *0x100601")
    cpu = s.machine.cpu
    before = ([e.as_tuple() for e in cpu.dtc], list(cpu.cr), cpu.icount)
    t = s.arch.translate(0x4000000000050000)
    assert t.physical == 0x350000 and [st.table for st in t.steps] == ["RR2", "VHPT"]
    assert s.read_mem(0x4000000000050008, 8) == 0xCAFE
    assert ([e.as_tuple() for e in cpu.dtc], list(cpu.cr), cpu.icount) == before
    miss = s.arch.translate(0x2000000000400000)
    assert miss.physical is None and "walker is off" in miss.error
    with pytest.raises(VtdbgError, match="cannot access memory"):
        s.read_mem(0x2000000000400000, 8)
    lines = run(s, "info translate 0x2000000000300000")
    assert "DTC" in lines[2] and lines[3] == "  -> physical 0x300000 (16 KiB page)"


def test_physical_mode_memory_and_writes():
    s = session()
    assert s.read_mem(0x8000000000108000, 1) == ord("H")      # bit 63: uncacheable alias
    run(s, "set {u32}0x108000 = 0x6c6c654a")
    assert run(s, "x/s greeting")[0].endswith('"Jello from the vtdbg IA-64 model!\\n"')
    with pytest.raises(VtdbgError, match="unimplemented physical address"):
        s.read_mem(0x4000000000000000, 8)


def test_views_tlb_rse_ivt_and_program():
    s = session("tlb")
    run(s, "break virtual", "continue")
    tlb = run(s, "info tlb")
    assert tlb[0] == "Instruction translation registers (ITR): 2 in use"
    assert any(ln.startswith("  dtr1   0x00000000ff000000") and "ma=UC" in ln for ln in tlb)
    assert run(s, "info program")[0].startswith("Guest tlb.elf: virtual mode, cpl 0")
    ivt = run(s, "info ivt")
    assert ivt[0] == f"Interruption vector table at IVA {s.machine.cpu.cr[2]:#x}"
    assert any("alternate_data_tlb" in ln and "br.many" in ln for ln in ivt)
    s = session("rse")
    run(s, "break *0x1004a2 if $r32 == 36", "continue")
    rse = run(s, "info rse")
    assert rse[0].startswith("Current frame: sof=20 sol=19 sor=0 (r32-r51")
    assert "76 dirty registers" in rse[3] and len(run(s, "info rse all")) == 4 + 76


def test_a_vti_guest_is_the_guest_context():
    """PSR.vm = 1 is the guest context (stop lines say [guest], -guest breakpoints apply);
    a guest step that does not fault is one instruction (test_vti_debugger.py has more)."""
    s = session("vtivmm")
    out = run(s, "break -guest guest_start", "continue")
    assert out[-1].startswith(f"=> {s.symbol('guest_start'):#x} <guest_start>: [guest]")
    assert s.arch.context() == "guest" and s.evaluator().eval("$psr.vm") == 1
    n = s.machine.cpu.icount
    run(s, "set step-mode guest", "stepi")
    assert s.machine.cpu.icount == n + 1 and s.arch.pc() == s.symbol("guest_start") + 1
    out = run(s, "delete", "catch exception virtualization", "continue")
    assert "Virtualization (IVT 0x6100)" in out[1] and s.arch.context() == "host"
    assert out[2].startswith("... and then VT-i exit #1: virtualization fault MOV_TO_CR")


def test_the_vpd_place_and_x86_only_commands_say_so():
    s = session()
    assert run(s, "info vpd") == [
        "No virtual environment (PAL_VP_INIT_ENV has not been called)"]
    assert s.arch.control.present() is False and s.arch.virt_on() is False
    assert run(s, "info vmx")[1:] == [
        "No virtual environment (PAL_VP_INIT_ENV has not been called).",
        "PSR.vm = 0 (no guest).", "0 virtualization faults so far; the exit log holds 0 records."]
    for cmd, msg in (("info gdt", "no descriptor tables"),
                     ("catch vmexit cpuid", "no VM-exit reason")):
        with pytest.raises(VtdbgError, match=msg):
            run(s, cmd)


# -- front ends -------------------------------------------------------------------------------------
def test_batch_and_repl_on_an_ia64_guest(tmp_path, monkeypatch, capsys):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from vtdbg.cli import main
    from vtdbg.repl import run_repl
    f = tmp_path / "s.gdb"
    f.write_text("break puts\nrun\nx/2i $pc\ncontinue\n")
    assert main(["--batch", "-x", str(f), str(GUESTS / "hello.elf")]) == 0
    out = capsys.readouterr().out
    assert "Breakpoint 1, 0x100000 in puts" in out and "Hello from the vtdbg IA-64 model!" in out
    assert "movl r34=0x80000000ff000000;;" in out
    monkeypatch.setenv("VTDBG_HISTORY", str(tmp_path / "hist"))
    with create_pipe_input() as inp:
        inp.send_text("stepi\n\np $pc\nquit\n")
        status = run_repl("ia64/hello", [], input=inp, output=DummyOutput())
    out = capsys.readouterr().out
    assert status == 0 and "$1 = 1048912" in out      # 0x100150: two slots (Enter repeats)


def test_an_exited_guest_is_not_resumed_but_rerun():
    """After the exit device, `continue`/`stepi` say the program is not being run (the
    guest's exit routine spins: resuming it would never stop); `run` starts it again."""
    s = session()
    assert run(s, "continue")[-2] == "[guest exit code 0]"
    for cmd in ("continue", "stepi", "nexti", "finish"):
        with pytest.raises(VtdbgError, match="not being run"):
            run(s, cmd)
    assert run(s, "run")[-2] == "[guest exit code 0]"
