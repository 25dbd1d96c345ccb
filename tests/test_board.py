"""The board: run slices, HLT handling, the PIT waking the CPU through the PIC, triple fault,
the exit port, and snapshot/restore giving identical continuations."""
from __future__ import annotations

import pytest

from machine.board import Machine
from machine.devices.pit8254 import INSNS_PER_TICK
from machine.events import StopKind
from machine.x86.state import Seg
from tests.x86util import HAVE_AS, asm

needs_as = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")
ORG = 0x1000

# Real mode: IRQ 0 at vector 8, PIT channel 0 in mode 2 with count COUNT; the handler counts
# ticks in [0x500] and prints a letter per tick on COM1.
TIMER = """
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7000
    mov word ptr [0x08*4], offset handler
    mov word ptr [0x08*4+2], 0
    mov al, 0x11
    out 0x20, al
    mov al, 0x08
    out 0x21, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x01
    out 0x21, al
    mov al, 0xFE
    out 0x21, al
    mov al, 0x34
    out 0x43, al
    mov al, {count}
    out 0x40, al
    xor al, al
    out 0x40, al
    mov word ptr [0x500], 0
    sti
wait:
    {wait}
    cmp word ptr [0x500], {ticks}
    jb wait
    cli
    mov al, [0x500]
    out 0xF4, al
    hlt
handler:
    push ax
    push dx
    inc word ptr [0x500]
    mov al, [0x500]
    add al, 0x40
    mov dx, 0x3F8
    out dx, al
    mov al, 0x20
    out 0x20, al
    pop dx
    pop ax
    iret
"""


def real_machine(src: str, ram_mib: int = 1) -> Machine:
    m = Machine(ram_mib=ram_mib)
    m.load_bytes(asm(src, 16, ORG), address=ORG)
    return m


def test_hlt_with_interrupts_disabled_stops_as_halted():
    m = Machine(ram_mib=1)
    m.load_bytes(bytes([0xFA, 0x90, 0xF4]), address=ORG)         # cli; nop; hlt
    stop = m.run()
    assert stop.kind is StopKind.HALTED and stop.icount == 3
    assert m.run().kind is StopKind.HALTED and m.cpu.icount == 3   # stays halted


def test_hlt_with_interrupts_enabled_and_no_timer_is_halted_with_reason():
    m = Machine(ram_mib=1)
    m.load_bytes(bytes([0xFB, 0xF4]), address=ORG)                # sti; hlt
    stop = m.run()
    assert stop.kind is StopKind.HALTED and "no timer" in stop.detail


def test_limit_and_step():
    m = Machine(ram_mib=1)
    m.load_bytes(bytes([0x40, 0x40, 0xEB, 0xFC]), address=ORG)    # inc ax; inc ax; jmp -4
    stop = m.run(10)
    assert stop.kind is StopKind.LIMIT and stop.icount == 10
    stop = m.step()
    assert stop.kind is StopKind.STEP and stop.icount == 11


def test_triple_fault_is_shutdown():
    m = Machine(ram_mib=1)
    # lidt with a zero limit, then int3: #GP -> #DF -> shutdown
    m.load_bytes(bytes([0x0F, 0x01, 0x1E, 0x00, 0x20, 0xCC]), address=ORG)
    m.bus.write(0x2000, 6, 0)
    stop = m.run(100)
    assert stop.kind is StopKind.SHUTDOWN and stop.detail
    assert m.run(100).kind is StopKind.SHUTDOWN


@needs_as
def test_pit_wakes_hlt_through_irq0_at_the_programmed_time():
    m = real_machine(TIMER.format(count=100, ticks=3, wait="hlt"))
    seen = []
    m.console_hooks.append(lambda b: seen.append((m.cpu.time(), b)))
    stop = m.run(10_000)
    assert stop.kind is StopKind.EXIT and stop.code == 3
    assert m.console_output() == b"ABC"
    assert m.cpu.idle > 0                               # the halts were skipped over
    k0 = m.pit.ch[0].k0
    # Each tick's handler runs right after the IRQ: within a handful of instructions.
    for i, (t, _) in enumerate(seen):
        due = (k0 + 100 * (i + 1)) * INSNS_PER_TICK
        assert due <= t < due + 10


@needs_as
def test_pit_interrupts_a_busy_loop_on_time():
    m = real_machine(TIMER.format(count=50, ticks=4, wait="nop"))
    stop = m.run(100_000)
    assert stop.kind is StopKind.EXIT and stop.code == 4 and m.cpu.idle == 0
    assert m.console_output() == b"ABCD"
    # 4 periods of 50 ticks and the set-up code: the run took just over 4 * 200 instructions
    assert 4 * 50 * INSNS_PER_TICK < stop.icount < 4 * 50 * INSNS_PER_TICK + 120


@needs_as
def test_hlt_with_the_timer_masked_ends_halted():
    src = TIMER.format(count=100, ticks=1, wait="hlt").replace("mov al, 0xFE", "mov al, 0xFF")
    m = real_machine(src)
    stop = m.run()
    assert stop.kind is StopKind.HALTED and "masked" in stop.detail
    assert m.cpu.time() == (m.pit.ch[0].k0 + 100) * INSNS_PER_TICK     # slept until the edge


def _norm(v):
    if isinstance(v, Seg):
        return ("Seg", v.sel, v.base, v.limit, v.ar)
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_norm(x) for x in v]
    if hasattr(v, "__dict__") and not callable(v):
        return (type(v).__name__, _norm(vars(v)))
    return v


def fingerprint(m: Machine):
    s = m.snapshot()
    return _norm(s["cpu"]), s["ram"], s["devices"], s["console"], s["exit"]


@needs_as
def test_snapshot_restore_gives_identical_continuation():
    m = real_machine(TIMER.format(count=30, ticks=40, wait="nop"))
    m.run(1000)
    snap = m.snapshot()
    first = m.run(1500)
    after = fingerprint(m)
    m.restore(snap)
    assert fingerprint(m)[1] == snap["ram"]
    second = m.run(1500)
    assert (first.kind, first.icount) == (second.kind, second.icount)
    assert fingerprint(m) == after
    assert m.console_output() == after[3] and len(after[3]) > len(snap["console"])


def test_snapshot_restore_hello_guest():
    from guests import find
    m = Machine()
    m.load(str(find("hello").elf))
    m.run(120)
    snap = m.snapshot()
    a = m.run()
    out_a, fp_a = m.console_output(), fingerprint(m)
    m.restore(snap)
    b = m.run()
    assert (a.kind, a.icount, a.code) == (b.kind, b.icount, b.code)
    assert m.console_output() == out_a and fingerprint(m) == fp_a


def test_exit_port_stops_after_the_out():
    m = Machine(ram_mib=1)
    # mov al, 5; out 0xF4, al; inc cx; cli; hlt
    m.load_bytes(bytes([0xB0, 0x05, 0xE6, 0xF4, 0x41, 0xFA, 0xF4]), address=ORG)
    stop = m.run()
    assert stop.kind is StopKind.EXIT and stop.code == 5 and m.exit_code == 5
    assert m.run().kind is StopKind.HALTED                     # the guest can be continued


def test_request_stop_interrupts():
    m = Machine(ram_mib=1)
    m.load_bytes(bytes([0xEB, 0xFE]), address=ORG)              # jmp $
    m.console_hooks.append(lambda b: None)
    m.request_stop()
    assert m.run().kind is StopKind.INTERRUPTED
