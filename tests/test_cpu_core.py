"""The execution loop: instruction counting, limits, breakpoints, block invalidation,
interrupt shadows and single-step traps."""
import pytest

from machine.x86 import flags as F
from tests.x86util import CODE, HAVE_AS, asm, make_cpu, run_code

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")

LOOP = """
    mov ecx, 10
1:  inc eax
    dec ecx
    jnz 1b
    hlt
"""


def test_limit_stops_inside_a_block_and_resumes_exactly():
    code = asm(LOOP, 32)
    ref, _ = make_cpu("prot32", code)
    assert ref.run(10**6) == "halt"
    cpu, _ = make_cpu("prot32", code)
    stops = 0
    while cpu.run(cpu.icount + 1) == "limit":     # one instruction at a time
        stops += 1
    assert cpu.icount == ref.icount == 1 + 30 + 1
    # the HLT completes inside the last slice, so every slice reports "limit"
    assert stops == ref.icount
    assert cpu.regs[0] == ref.regs[0] == 10


def test_step_counts_one_instruction():
    cpu, _ = make_cpu("prot32", asm(LOOP, 32))
    assert cpu.step() == "limit"
    assert cpu.icount == 1 and cpu.regs[1] == 10 and cpu.rip == CODE + 5


def test_breakpoint_inside_a_cached_block():
    code = asm(LOOP, 32)
    cpu, _ = make_cpu("prot32", code)
    cpu.run(4)                                   # the loop block is now cached
    target = CODE + 5 + 1                         # the DEC inside the block
    cpu.breakpoints.add(target)
    cpu.flush_code()
    assert cpu.run(10**6) == "break"
    assert cpu.rip == target
    hits = 1
    while True:
        cpu.bp_skip = target
        r = cpu.run(10**6)
        if r != "break":
            break
        hits += 1
    assert r == "halt"
    assert hits == 9                               # the first DEC ran before the breakpoint


def test_code_rewritten_after_it_was_cached_runs_new_bytes():
    cpu, bus = make_cpu("prot32", asm("""
        mov eax, 1
        hlt
    """, 32))
    assert cpu.run(100) == "halt" and cpu.regs[0] == 1
    bus.write(CODE + 1, 4, 7)                     # a DMA-style write behind the CPU's back
    cpu.rip = CODE
    cpu.halted = False
    assert cpu.run(100) == "halt" and cpu.regs[0] == 7


def test_store_into_a_later_block_of_the_same_page():
    cpu, bus, stop = run_code("prot32", """
        call target            # caches target's block with its old immediate
        mov byte ptr [target + 1], 9
        call target
        hlt
    target:
        mov eax, 3
        ret
    """)
    assert stop == "halt" and cpu.regs[0] == 9


def test_sti_shadow_delays_interrupt_by_one_instruction():
    # IRQ pending while IF=0; STI; the next instruction still runs before delivery.
    cpu, bus = make_cpu("real", asm("""
        sti
        mov ax, 0x1111
        mov bx, 0x2222
        hlt
    """, 16, origin=CODE))
    bus.write(0x20 * 4, 4, 0x3000)                # vector 0x20 -> 0000:3000
    bus.load(0x3000, asm("mov cx, ax\nhlt", 16, origin=0x3000))
    cpu.irq_line = True
    cpu.intack = lambda: 0x20
    cpu.pending = True
    assert cpu.run(100) == "halt"
    assert cpu.regs[1] & 0xFFFF == 0x1111          # AX was set before the handler ran
    assert cpu.regs[3] & 0xFFFF == 0                # BX not: the interrupt came first


def test_trap_flag_single_steps_each_instruction():
    cpu, bus = make_cpu("real", asm("""
        pushf
        pop ax
        or ax, 0x100
        push ax
        popf               # sets TF: no trap after this one (SDM 17.3.1.4)
        nop
        nop
        pushf
        pop ax
        and ax, 0xfeff
        push ax
        popf               # clears TF: TF was set when it began, so it still traps
        hlt
    """, 16, origin=CODE))
    bus.write(1 * 4, 4, 0x3000)
    # #DB handler: count in DI and return; IRET restores TF for the next instruction.
    bus.load(0x3000, asm("inc di\niret", 16, origin=0x3000))
    assert cpu.run(1000) == "halt"
    assert cpu.regs[7] & 0xFFFF == 7
    assert cpu.dr[6] & 0x4000


def test_lazy_flags_materialise_like_eager_ones():
    cpu, bus, stop = run_code("prot32", """
        mov eax, 0x7fffffff
        add eax, 1          # OF SF AF PF set, CF ZF clear
        pushfd
        pop ebx
        hlt
    """)
    fl = cpu.regs[3]
    assert fl & (F.OF | F.SF | F.AF | F.PF) == F.OF | F.SF | F.AF | F.PF
    assert not fl & (F.CF | F.ZF)
