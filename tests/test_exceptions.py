"""Faults raised while delivering an event: the vector and error code that result (EXT bit,
IDT bit), the double-fault rules, triple-fault shutdown, and the state a failed delivery
leaves behind (SDM Vol. 3A 6.13-6.15)."""
import pytest

from tests.sysenv import Env, gate_desc, seg_desc
from tests.x86util import HAVE_AS

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")

UD, DF, TS, NP, SS, GP, PF = 6, 8, 10, 11, 12, 13, 14


def idt_err(vec, ext):
    return vec * 8 + 2 + ext


@pytest.mark.parametrize("src,vec,ext", [
    ("int 0x40", 0x40, 0),            # software interrupt: EXT=0
    ("int3", 3, 0),
    ("ud2", UD, 1),                   # an exception: EXT=1
    (".byte 0xF1", 1, 1),             # INT1 (ICEBP) is delivered as a hardware event
])
def test_not_present_gate_gives_np_with_idt_bit(src, vec, ext):
    e = Env("prot32")
    e.gate(vec, 0x3000 + 4 * vec, p=False)
    e.code(src)
    assert e.run() == "halt"
    assert e.fault() == (NP, idt_err(vec, ext))


def test_external_interrupt_to_absent_gate_sets_ext():
    e = Env("prot32")
    e.gate(0x40, 0x3000, p=False)
    e.code("sti\nnop\nnop\nhlt")
    e.cpu.irq_line = True
    e.cpu.intack = lambda: 0x40
    assert e.run() == "halt"
    assert e.fault() == (NP, idt_err(0x40, 1))


@pytest.mark.parametrize("gate,expect", [
    (gate_desc(0x3000, 0x10, 0xE), (GP, 0x10 | 1)),             # target is data
    (gate_desc(0x3000, 0x00, 0xE), (GP, 1)),                    # null selector
    (gate_desc(0x3000, 0x3F8, 0xE), (GP, 0x3F8 | 1)),           # past the GDT
    (gate_desc(0x3000, 0x50, 0xE), (NP, 0x50 | 1)),             # code not present
    (gate_desc(0x3000, 0x08, 0xC), (GP, idt_err(UD, 1))),       # a call gate in the IDT
    (gate_desc(0x3000, 0x58, 0xE), (GP, 1)),                    # EIP past the limit
])
def test_bad_gate_targets(gate, expect):
    e = Env("prot32")
    e.desc(10, seg_desc(0, 0xFFFFFFFF, 0xB, p=False))
    e.desc(11, seg_desc(0, 0xFFF, 0xB))
    e.bus.write(0x11000 + 8 * UD, 8, gate)
    e.code("mov esp, 0x7000\nud2")
    assert e.run() == "halt"
    assert e.fault() == expect
    assert e.frame(3)[1:3] == [0x1005, 0x08]          # the #UD's own state, untouched


def test_idt_limit_and_dpl_errors():
    e = Env("prot32")
    e.cpu.idtr[1] = 0x40 * 8 - 1                      # vectors 0x40 and up are past the limit
    e.code("int 0x40")
    assert e.run() == "halt" and e.fault() == (GP, idt_err(0x40, 0))
    assert e.frame(2)[1] == 0x1000
    e = Env("prot32")
    e.load_tr(e.tss32(0x9000, 10, esp0=0x6000, ss0=0x10))
    e.code("""
        push 0x3B
        push 0x5000
        push 2
        push 0x33
        push offset 1f
        iretd
    1:  int 0x41                        # gate DPL 0 < CPL 3
    """)
    assert e.run() == "halt"
    assert e.fault() == (GP, idt_err(0x41, 0))
    assert e.frame(6)[1:3] == [0x1011, 0x33]          # CS:EIP of the INT instruction


def test_contributory_pair_is_a_double_fault():
    e = Env("prot32")
    e.gate(GP, 0x3000, p=False)
    e.code("mov esp, 0x7000\nmov ax, 0x3F8\nmov ds, ax")
    assert e.run() == "halt"
    assert e.fault() == (DF, 0)
    assert e.frame(3)[1] == 0x1009                    # the MOV DS that raised the #GP


def test_benign_then_contributory_is_serial():
    e = Env("prot32")
    e.gate(UD, 0x3000, sel=0x3F8)                      # #UD's gate is bad: #GP(EXT) instead
    e.code("mov esp, 0x7000\nud2")
    assert e.run() == "halt"
    assert e.fault() == (GP, 0x3F9)


def test_software_int_13_is_not_an_exception():
    # INT 13 whose gate is absent: #NP is delivered, not #DF (INT n is benign).
    e = Env("prot32")
    e.gate(GP, 0x3000, p=False)
    e.code("int 13")
    assert e.run() == "halt"
    assert e.fault() == (NP, idt_err(GP, 0))


def long64_stack_fault_env(df_present=True):
    e = Env("long64")
    e.load_tr(e.tss64(0x9000, 10, ist=(0x4800,)))
    e.gate(DF, 0x3000 + 4 * DF, ist=1, p=df_present)
    e.code("""
        mov rsp, 0x100001000            # above the 4 GiB the page tables map
        mov rax, 0x200000000
        mov rbx, [rax]
    """)
    return e


def test_page_fault_while_pushing_the_page_fault_frame_is_a_double_fault():
    e = long64_stack_fault_env()
    assert e.run() == "halt"
    assert e.fault() == (DF, 0)
    assert e.cpu.cr2 == 0x100001000 - 8                # the second #PF: the push
    assert e.cpu.regs[4] == 0x4800 - 48
    f = e.frame(6)
    assert f[1] == 0x1000 + 10 + 10 and f[4] == 0x100001000    # the MOV's RIP, the bad RSP


def test_contributory_then_page_fault_is_serial():
    e = Env("long64")
    e.load_tr(e.tss64(0x9000, 10, ist=(0x4800, 0x4000)))
    e.gate(PF, 0x3000 + 4 * PF, ist=2)
    e.code("""
        mov rsp, 0x100001000
        mov ax, 0x3F8
        mov ds, ax                      # #GP, whose frame cannot be pushed: #PF, not #DF
    """)
    assert e.run() == "halt"
    assert e.fault() == (PF, 2) and e.cpu.cr2 == 0x100001000 - 8
    assert e.frame(2)[1] == 0x1000 + 10 + 4                   # the MOV DS


def test_fault_while_delivering_double_fault_shuts_down():
    e = long64_stack_fault_env(df_present=False)
    assert e.run() == "shutdown"
    assert "#DF" in e.cpu.shutdown_reason or "8" in e.cpu.shutdown_reason
    assert e.cpu.run(e.cpu.icount + 100) == "shutdown"          # stays shut down


def test_real_mode_triple_fault():
    e = Env("real")
    e.cpu.idtr[1] = 0x1F                               # vectors 0-7 only: #GP (13) is past it
    e.code("int 0x20")
    assert e.run() == "shutdown"


def test_real_mode_stack_fault_in_delivery_leaves_sp():
    e = Env("real")
    e.bus.write(4 * 0x21, 4, 0x3000 + 4 * 0x21)
    e.code("mov sp, 0x7000\nint 0x21")
    assert e.run() == "halt" and e.vector() == 0x21
    assert e.cpu.regs[4] & 0xFFFF == 0x7000 - 6


def test_stack_switch_fault_restores_ring3_state():
    # INT 0x80 from ring 3; the ring-0 stack segment in the TSS is not present: #SS(SS) with
    # EXT=0 (a software interrupt), delivered through a task gate so it has its own stack.
    e = Env("prot32")
    e.desc(12, seg_desc(0, 0xFFFFFFFF, 3, p=False))     # 0x60: absent data segment
    e.load_tr(e.tss32(0x9000, 10, esp0=0x6000, ss0=0x60))
    e.tss32(0x9100, 11, cs=0x08, ss=0x10, ds=0x10, es=0x10, fs=0x10, gs=0x10,
            eip=0x1400, esp=0x6800)
    e.gate(0x80, 0x1500, dpl=3)
    e.gate(SS, 0, sel=0x58, typ=5)
    e.code("""
        push 0x3B
        push 0x5000
        push 2
        push 0x33
        push offset 1f
        iretd
    1:  mov eax, 0x80
        int 0x80
    .org 0x400
        mov ecx, [esp]
        hlt
    """)
    assert e.run() == "halt"
    cpu, rd = e.cpu, e.bus.read
    assert cpu.tr.sel == 0x58 and cpu.regs[1] == 0x60
    # The interrupted task was saved as ring 3 left it: CS, SS:ESP and the INT's own EIP.
    assert rd(0x9000 + 0x4C, 2) == 0x33 and rd(0x9000 + 0x50, 2) == 0x3B
    assert rd(0x9000 + 0x38, 4) == 0x5000 and rd(0x9000 + 0x28, 4) == 0x80
    assert rd(0x9000 + 0x20, 4) == 0x1000 + 0x16          # a fault: at the INT itself


def test_long64_non_canonical_rsp0_and_handler():
    e = Env("long64")
    pt = 0x100000
    for a in (pt, pt + 0x1000, pt + 0x2000):
        e.bus.write(a, 8, e.bus.read(a, 8) | 4)
    e.load_tr(e.tss64(0x9000, 10, rsp=(0x800000000000, 0, 0), ist=(0x4800,)))
    e.gate(0x80, 0x3000, dpl=3)
    e.gate(SS, 0x3000 + 4 * SS, ist=1)
    e.code("""
        push 0x3B
        push 0x5000
        push 2
        push 0x43
        lea rax, [rip + 1f]
        push rax
        iretq
    1:  int 0x80
    """)
    assert e.run() == "halt"
    assert e.fault() == (SS, 0)
    assert e.frame(6)[2] == 0x43 and e.frame(6)[4] == 0x5000      # ring-3 state kept
    e = Env("long64")
    e.gate(UD, 0x0000800000000000)                      # a non-canonical handler address
    e.code("ud2")
    assert e.run() == "halt" and e.fault() == (GP, 1)


@pytest.mark.parametrize("ss0,limit,external,err", [
    (0x00, 0x67, False, 0),             # null SS in the TSS
    (0x13, 0x67, False, 0x10),          # RPL != new CPL
    (0x08, 0x67, False, 0x08),          # a code segment
    (0x10, 0x07, False, 0x50),          # TSS too short to hold SS0:ESP0: #TS(TSS)
    (0x13, 0x67, True, 0x11),           # an external interrupt sets EXT
])
def test_ring0_stack_from_tss_faults_are_ts(ss0, limit, external, err):
    e = Env("prot32")
    e.load_tr(e.tss32(0x9000, 10, esp0=0x6000, ss0=ss0, limit=limit))
    e.gate(0x80, 0x1500, dpl=3)
    if limit < 0x67:
        # The TSS cannot be used at all: take #TS on a conforming segment, at CPL 3.
        e.desc(12, seg_desc(0, 0xFFFFFFFF, 0xF))
        e.gate(TS, 0x1400, sel=0x60)
    else:
        e.tss32(0x9100, 11, cs=0x08, ss=0x10, ds=0x10, es=0x10, fs=0x10, gs=0x10,
                eip=0x1400, esp=0x6800)
        e.gate(TS, 0, sel=0x58, typ=5)
    e.code("""
        push 0x3B
        push 0x5000
        push 0x202
        push 0x33
        push offset 1f
        iretd
    1:  int 0x80
        jmp 1b
    .org 0x400
        mov ecx, [esp]
    2:  jmp 2b
    """)
    if external:
        e.cpu.irq_line = True
        e.cpu.intack = lambda: 0x80
    assert e.run(500) == "limit"
    assert e.cpu.regs[1] == err and e.cpu.rip == 0x1403
