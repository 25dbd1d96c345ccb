"""The engine on small programs: stops land on the right instruction with the right count,
the debugger does not perturb the guest, Ctrl-C, bad input leaves the machine alone,
physical breakpoints, stepping across a VM exit, the exit log."""
from __future__ import annotations

import json
import threading

import pytest

from machine.board import Machine
from machine.x86 import boot
from tests.x86util import CODE, HAVE_AS, STACK, asm
from vtdbg.commands.interp import Interp
from vtdbg.engine.arch import VirtEvent
from vtdbg.engine.exitlog import ExitLog
from vtdbg.engine.session import Session
from vtdbg.engine.symbols import Symbols
from vtdbg.errors import VtdbgError

needs_as = pytest.mark.skipif(not HAVE_AS, reason="needs GNU as")

LOOP = """
    mov ecx, 50
    xor eax, eax
1:  add eax, 1
    mov [0x8000], eax          # the watched store, mid-block
    add ebx, 2
    dec ecx
    jnz 1b
    hlt
"""


def canon(o):
    """A snapshot as plain data (objects by their attributes), for comparing."""
    if isinstance(o, dict):
        return {k: canon(v) for k, v in o.items()}
    if isinstance(o, (list, tuple, set)):
        return [canon(v) for v in (sorted(o) if isinstance(o, set) else o)]
    if hasattr(o, "__dict__"):
        return (type(o).__name__, canon(vars(o)))
    if hasattr(o, "__slots__"):
        return (type(o).__name__, [canon(getattr(o, k, None)) for k in o.__slots__])
    return o


def session_for(src: str) -> Session:
    m = Machine(ram_mib=16)
    boot.enter_long64(m.cpu, m.bus, CODE, STACK, pt_base=0x100000)
    m.bus.load(CODE, asm(src, 64))
    s = Session(m)
    s.restart()
    return s


def run_lines(s, *lines):
    out: list[str] = []
    it = Interp(s, out=out.append)
    for ln in lines:
        it.feed(ln)
    it.flush()
    return out


@needs_as
def test_watch_stops_after_the_store_in_a_cached_block():
    s = session_for(LOOP)
    s.cont()                                   # once through: every block is cached
    total = s.arch.icount()
    s.restart()
    run_lines(s, "watch {u32}0x8000 if {u32}0x8000 == 3")
    rep = s.cont()
    store = s.arch.insn_at(s.arch.pc())
    assert rep.kind == "hit"
    assert store.text == "add ebx, 2"          # the instruction after the store
    assert s.arch.cpu.regs[0] == 3 and s.arch.cpu.regs[3] & 0xFF == 4
    assert s.arch.icount() == 2 + 5 * 2 + 2    # 2 set-up, two loops of 5, add + mov
    run_lines(s, "delete")
    s.cont()
    assert s.arch.icount() == total            # the debugger changed nothing


@needs_as
def test_breakpoint_inside_a_cached_block_and_ignore_counts():
    s = session_for(LOOP)
    s.cont()
    s.restart()
    out = run_lines(s, "break *0x1011", "ignore 1 3", "continue", "print $eax")
    assert out[-1] == "$1 = 4"
    assert s.arch.pc() == 0x1011


@needs_as
def test_interrupt_from_another_thread():
    s = session_for("1: inc rax\n   jmp 1b\n")
    t = threading.Timer(0.3, s.interrupt)
    t.start()
    rep = s.cont()
    t.join()
    assert rep.kind == "interrupted" and rep.lines[0] == "Interrupted."
    pc, n = s.arch.pc(), s.arch.icount()
    assert pc in (CODE, CODE + 3) and n > 0
    rep = s.stepi(2)                           # consistent: stepping goes on from there
    assert s.arch.icount() == n + 2 and rep.kind == "step"


@needs_as
def test_bad_input_leaves_the_machine_untouched():
    s = session_for(LOOP)
    run_lines(s, "stepi 3")
    before = s.machine.snapshot()
    bad = ["set $al = 0x100", "set {u64}0xfffffffffff0 = 1", "set $cs = 1", "stepi 0",
           "x/4xg 0xffffffffff000", "break nosuch", "watch 1", "set vmcs.GUEST_RIP = 1",
           "catch vmexit NOPE", "set step-mode x", "p 1/0", "continue 0", "until nosuch",
           "finish now", "info exit 3"]
    it = Interp(s, out=lambda ln: None)
    for line in bad:
        with pytest.raises(VtdbgError):
            it.feed(line)
    after = s.machine.snapshot()
    assert canon(after["cpu"]) == canon(before["cpu"]) and after["ram"] == before["ram"]
    assert not s.points.points


@needs_as
def test_physical_breakpoint():
    s = session_for(LOOP)
    out = run_lines(s, "break -phys 0x1011", "continue", "info breakpoints")
    assert out[0] == "Breakpoint 1 at physical 0x1011"
    assert s.arch.pc() == 0x1011
    assert "physical 0x1011" in out[-2]


@needs_as
def test_stepping_across_a_vm_exit():
    from tests.vmxutil import vmx_machine
    cpu, bus, syms = vmx_machine("    nop\n    cpuid\n    hlt\n")
    m = Machine(ram_mib=16)
    m.cpu, m.bus = cpu, bus
    cpu.breakpoints = set()
    s = Session(m)
    out = run_lines(s, f"break *{syms['guest_entry']:#x}", "continue", "stepi", "stepi")
    assert out[1].startswith("Breakpoint 1,") and "[guest]" in out[2]
    assert out[-3] == f"VM exit #1: CPUID, guest RIP {syms['guest_entry'] + 1:#x}"
    assert out[-2] == "  cause: CPUID exits unconditionally in VMX non-root operation"
    assert s.arch.pc() == syms["host_rip"] and s.arch.context() == "host"
    assert run_lines(s, "p $exit_reason") == ["$1 = 10"]


def test_exit_log_ring_and_stats(tmp_path):
    log = ExitLog(capacity=3)
    for i in range(4):
        log.record(VirtEvent("exit", 10 * i, 10, "CPUID", guest_rip=0x1000 + i), 0x2000)
        log.record(VirtEvent("entry", 10 * i + 7, name="VMRESUME"), 0x2000)
    assert len(log) == 3 and log.oldest_index() == 5
    with pytest.raises(VtdbgError, match="has left the log"):
        log.get(0)
    with pytest.raises(VtdbgError, match="no exit 8"):
        log.get(8)
    assert log.get(6).kind == "exit" and log.get(6).root_icount == 7
    assert log.stats[("exit", 10)] == [4, 28]
    assert [r.index for r in log.select(kinds=("exit", "entry"))] == [5, 6, 7]
    assert [r.index for r in log.select(reasons={10})] == [6]
    path = tmp_path / "x.jsonl"
    assert log.dump(str(path)) == 3
    rows = [json.loads(ln) for ln in path.read_text().splitlines()]
    assert rows[1]["name"] == "CPUID" and rows[1]["guest_rip"] == 0x1003
    log.set_capacity(1)
    assert len(log) == 1


def test_symbols_prefer_section_symbols():
    sy = Symbols()
    sy.update({"CONST": 0x1000, "main": 0x1000, "helper": 0x1010, "FAR": 0x900000},
              located={"main", "helper"}, ranges=[(0x1000, 0x100)])
    assert sy.describe(0x1000) == "main"
    assert sy.describe(0x1014) == "helper+0x4"
    assert sy.describe(0x900000) == ""
    assert sy.address("CONST") == 0x1000
    with pytest.raises(VtdbgError):
        sy.address("nope")


@needs_as
def test_pane_rows_and_changes():
    from vtdbg.engine import views
    s = session_for(LOOP)
    s.stepi(2)
    s.stepi(1)                                 # add eax, 1
    rows = views.register_rows(s, ["general"])
    changed = {r["name"] for r in rows if r["changed"]}
    assert changed == {"rax", "rip"}
    dis = views.disassembly_rows(s, 0x1000, 4)
    assert [d["pc"] for d in dis] == [False, False, False, True]
    assert s.status()["icount"] == 3 and views.control_tree(s) == []


def test_status_counts_exits_not_log_records():
    from vtdbg.batch import make_session
    s = make_session("minivmm")
    s.cont()
    st = s.status()
    assert st["exits"] == s.machine.cpu.vmx.exit_count == 4339
    assert s.exitlog.next_index > st["exits"]          # the log also holds the entries
