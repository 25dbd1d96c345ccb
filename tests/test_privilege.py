"""Privilege transitions: interrupt and call gates with stack switches, IRET/RETF to outer
levels, SYSCALL/SYSRET, SYSENTER/SYSEXIT, IST stacks, segment-load faults,
and the system-descriptor instructions."""
import pytest

from machine.x86.state import AR_UNUSABLE
from tests.sysenv import Env, gate_desc, seg_desc, sys64
from tests.x86util import HAVE_AS

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")

UD, NP, SS, GP, TS = 6, 11, 12, 13, 10
TSS = 0x9000
R0_STACK, R3_STACK = 0x6000, 0x5000
# Ring-0 prologue: load TR, then IRET to ring 3 at `user` with DS still the ring-0 data segment.
TO_RING3 = """
        mov ax, 0x50
        ltr ax
        push 0x3B
        push 0x5000
        push 0x2
        push 0x33
        push offset user
        iretd
    user:
        mov bx, ds                     # DS (DPL 0) was nulled by the IRET to ring 3
        mov ax, 0x3B
        mov ds, ax
        mov es, ax
"""


def prot32_env():
    e = Env("prot32")
    e.tss32(TSS, 10, esp0=R0_STACK, ss0=0x10)
    return e


def test_int_gate_from_ring3_switches_stack_and_iret_returns():
    e = prot32_env()
    e.gate(0x80, 0x1400, typ=0xE, dpl=3)
    e.gate(0x81, 0x3000 + 4 * 0x81, typ=0xE, dpl=3)
    e.code(TO_RING3 + """
        mov [0x8040], bx
        mov eax, 0x11
        int 0x80
        mov [0x8044], esp
        mov [0x8048], ds               # DPL 3: kept by the IRET back
        int 0x81
    .org 0x400
    handler:
        mov esi, esp
        mov edi, 0x8000
        mov ecx, 5
        rep movsd
        mov [0x8020], ss
        iretd
    """)
    assert e.run() == "halt" and e.vector() == 0x81
    rd = e.bus.read
    assert rd(0x8040, 2) == 0 and rd(0x8048, 2) == 0x3B
    _eip, cs, fl, esp, ss = (rd(0x8000 + 4 * i, 4) for i in range(5))
    assert (cs, esp, ss) == (0x33, R3_STACK, 0x3B) and fl & 2
    assert rd(0x8020, 2) == 0x10 and rd(0x8044, 4) == R3_STACK
    # The #GP-free path left CPL 3 on the return and then the DPL-3 gate took us to ring 0.
    assert e.frame(5)[1] == 0x33 and e.frame(5)[3] == R3_STACK


def test_call_gate_copies_parameters_and_retf_releases_both_stacks():
    e = prot32_env()
    e.desc(11, gate_desc(0x1400, 0x08, 0xC, dpl=3, params=2))
    e.gate(0x81, 0x3000 + 4 * 0x81, dpl=3)
    e.code(TO_RING3 + """
        push 0xAAAA
        push 0xBBBB
        call 0x5B:0                    # gate selector with RPL 3; the offset is ignored
        mov [0x8100], esp
        mov ebx, cs
        int 0x81
    .org 0x400
    handler:
        mov esi, esp
        mov edi, 0x8000
        mov ecx, 6
        rep movsd
        mov [0x8020], esp
        mov eax, cs
        mov dx, 0x10
        mov fs, dx                     # DPL 0: the RETF to ring 3 nulls it
        retf 8
    """)
    assert e.run() == "halt" and e.vector() == 0x81
    rd = e.bus.read
    frame = [rd(0x8000 + 4 * i, 4) for i in range(6)]
    assert frame[1:] == [0x33, 0xBBBB, 0xAAAA, R3_STACK - 8, 0x3B]
    assert rd(0x8020, 4) == R0_STACK - 24 and e.cpu.regs[0] == 0x08
    assert rd(0x8100, 4) == R3_STACK and e.cpu.regs[3] == 0x33
    assert e.cpu.segs[4].sel == 0 and e.cpu.segs[3].sel == 0x3B


def test_16bit_call_gate_pushes_words():
    e = prot32_env()
    e.desc(11, gate_desc(0x1400, 0x08, 0x4, dpl=3, params=1))
    e.gate(0x81, 0x3000 + 4 * 0x81, dpl=3)
    e.code(TO_RING3 + """
        push 0x1234
        call 0x5B:0
        mov [0x8100], esp
        int 0x81
    .org 0x400
    handler:
        mov eax, [esp]
        mov ebx, [esp + 4]
        mov ecx, [esp + 8]
        .byte 0x66, 0xCA, 2, 0         # retf 2 with a 16-bit operand size
    """)
    assert e.run() == "halt" and e.vector() == 0x81
    regs = e.cpu.regs
    # IP, CS, the one parameter word, SP, SS as words on the ring-0 stack.
    assert regs[0] == 0x0033_0000 | (regs[0] & 0xFFFF) and regs[0] >> 16 == 0x33
    assert regs[3] == ((R3_STACK - 4) & 0xFFFF) << 16 | 0x1234
    assert regs[1] & 0xFFFF == 0x3B
    assert e.bus.read(0x8100, 4) == R3_STACK - 4 + 2       # retf 2 skipped the word


@pytest.mark.parametrize("gate,sel,expect", [
    (gate_desc(0x1400, 0x08, 0xC, dpl=0), 0x5B, (GP, 0x58)),       # gate DPL < CPL
    (gate_desc(0x1400, 0x08, 0xC, dpl=3, p=False), 0x5B, (NP, 0x58)),
    (gate_desc(0x1400, 0x00, 0xC, dpl=3), 0x5B, (GP, 0)),           # null code selector
    (gate_desc(0x1400, 0x10, 0xC, dpl=3), 0x5B, (GP, 0x10)),        # data, not code
    (gate_desc(0x1400, 0x08, 0xC, dpl=3), 0x5B, None),              # JMP to more privilege
])
def test_call_gate_faults(gate, sel, expect):
    e = prot32_env()
    e.desc(11, gate)
    e.code(TO_RING3 + f"""
        mov ebx, esp
        {'jmp' if expect is None else 'call'} {sel:#x}:0
    """)
    assert e.run() == "halt"
    vec, err = e.fault()
    assert (vec, err) == (expect or (GP, 0x08))
    frame = e.frame(6)                  # error, EIP, CS, EFLAGS, ESP, SS: nothing moved
    assert frame[2] == 0x33 and frame[4:] == [R3_STACK, 0x3B]


def test_jmp_through_call_gate_same_privilege():
    e = prot32_env()
    e.desc(11, gate_desc(0x1400, 0x08, 0xC, dpl=0))
    e.code("""
        mov esp, 0x7000
        jmp 0x58:0
    .org 0x400
        mov eax, 0x77
        hlt
    """)
    assert e.run() == "halt"
    assert e.cpu.regs[0] == 0x77 and e.cpu.regs[4] == 0x7000


def test_retf_to_outer_ring_checks_the_stack_segment():
    e = prot32_env()
    e.code("""
        push 0x10                      # SS with RPL 0 for a return to ring 3
        push 0x5000
        push 0x33
        push 0x1100
        retf
    """)
    assert e.run() == "halt"
    assert e.fault() == (GP, 0x10)


# -- IA-32e --------------------------------------------------------------------------------
def long64_env():
    e = Env("long64")
    pt = 0x100000
    for a in (pt, pt + 0x1000, pt + 0x2000):            # PML4[0], PDPT[0], PD[0]: user
        e.bus.write(a, 8, e.bus.read(a, 8) | 4)
    e.load_tr(e.tss64(TSS, 10, rsp=(R0_STACK, 0, 0), ist=(0x4800,)))
    return e


TO_RING3_64 = """
        mov rsp, 0x7000
        push 0x3B
        push 0x5000
        push 0x2
        push 0x43
        lea rax, [rip + user]
        push rax
        iretq
"""


def test_long64_interrupt_from_ring3_and_iretq_back():
    e = long64_env()
    e.gate(0x80, 0x1400, dpl=3)
    e.gate(0x81, 0x3000 + 4 * 0x81, dpl=3)
    e.code(TO_RING3_64 + """
    user:
        mov rbx, rsp
        int 0x80
        mov r12, rsp
        mov r13, cs
        int 0x81
    .org 0x400
        mov rsi, rsp
        mov rdi, 0x8000
        mov rcx, 5
        rep movsq
        mov [0x8030], rsp
        mov [0x8038], ss
        iretq
    """)
    assert e.run() == "halt" and e.vector() == 0x81
    rd = e.bus.read
    assert [rd(0x8008 + 8 * i, 8) for i in range(4)] == [0x43, rd(0x8010, 8), 0x5000, 0x3B]
    assert rd(0x8030, 8) == R0_STACK - 40 and rd(0x8038, 2) == 0     # SS = null, RPL 0
    assert e.cpu.regs[12] == 0x5000 and e.cpu.regs[13] == 0x43


def test_long64_ist_stack_is_used_and_aligned():
    e = long64_env()
    e.gate(0x82, 0x3000 + 4 * 0x82, ist=1)
    e.code("""
        mov rsp, 0x7003
        int 0x82
    """)
    assert e.run() == "halt" and e.vector() == 0x82
    assert e.cpu.regs[4] == 0x4800 - 40
    assert e.frame(5)[3] == 0x7003


def test_long64_call_gate_to_ring0_and_retfq():
    e = long64_env()
    e.desc(11, (gate_desc(0x1400, 0x18, 0xC, dpl=3) & 0xFFFF_FFFF_FFFF_FFFF, 0))
    e.gate(0x81, 0x3000 + 4 * 0x81, dpl=3)
    e.code(TO_RING3_64 + """
    user:
        lea rax, [rip + ptr]
        call fword ptr [rax]
        mov r12, rsp
        mov r13, cs
        int 0x81
    ptr: .long 0
        .word 0x5B
    .org 0x400
        mov rsi, rsp
        mov rdi, 0x8000
        mov rcx, 4
        rep movsq
        mov [0x8030], ss
        rex64 retf
    """)
    assert e.run() == "halt" and e.vector() == 0x81
    rd = e.bus.read
    assert [rd(0x8008 + 8 * i, 8) for i in range(3)] == [0x43, 0x5000, 0x3B]
    assert rd(0x8030, 2) == 0 and e.cpu.regs[12] == 0x5000 and e.cpu.regs[13] == 0x43


def test_long64_call_gate_upper_type_must_be_zero():
    e = long64_env()
    e.desc(11, (gate_desc(0x1400, 0x18, 0xC), 0xC << 40))
    e.code("""
        lea rax, [rip + p]
        call fword ptr [rax]
    p:  .long 0
        .word 0x58
    """)
    assert e.run() == "halt"
    assert e.fault() == (GP, 0x58)


def syscall_env():
    e = long64_env()
    e.cpu.write_msr(0xC0000081, (0x33 << 48) | (0x18 << 32))     # STAR
    e.cpu.write_msr(0xC0000082, 0x1400)                            # LSTAR
    e.cpu.write_msr(0xC0000084, 0x200)                             # FMASK: IF
    e.cpu.efer |= 1                                                # SCE
    e.gate(0x81, 0x3000 + 4 * 0x81, dpl=3)
    return e


def test_syscall_sysret_64_and_back_to_compat():
    e = syscall_env()
    e.code("""
        lea rcx, [rip + user]
        mov r11, 0x202
        mov rsp, 0x5000
        sysretq
    user:
        mov [0x8000], cs
        mov [0x8002], ss
        lea rax, [rip + after]
        mov [0x8028], rax
        syscall
    after:
    .org 0x400
        mov [0x8008], rcx
        mov [0x8010], r11
        pushfq
        pop rax
        mov [0x8018], rax
        mov [0x8020], cs
        mov [0x8022], ss
        mov ecx, offset compat
        sysretd
    compat:
        .code32
        mov [0x8024], cs
        int 0x81
    """)
    assert e.run() == "halt" and e.vector() == 0x81
    rd = e.bus.read
    assert rd(0x8000, 2) == 0x43 and rd(0x8002, 2) == 0x3B
    assert rd(0x8008, 8) == rd(0x8028, 8) and rd(0x8010, 8) & 0x200
    assert not rd(0x8018, 8) & 0x200                       # FMASK cleared IF
    assert rd(0x8020, 2) == 0x18 and rd(0x8022, 2) == 0x20 and rd(0x8024, 2) == 0x33


@pytest.mark.parametrize("setup,src,expect", [
    ("nosce", "syscall", (UD, None)),
    ("", "lea rax, [rip + p]\njmp fword ptr [rax]\np: .long c\n.word 0x08\nc:\n.code32\nsyscall",
     (UD, None)),                                            # Intel: #UD in compatibility mode
    ("", "mov rcx, 0x0000800000000000\nsysretq", (GP, 0)),  # non-canonical RCX at CPL 0
    ("", "lea rcx, [rip + u]\nmov r11, 2\nsysretq\nu: sysretq", (GP, 0)),    # CPL 3
])
def test_syscall_sysret_faults(setup, src, expect):
    e = syscall_env()
    if setup == "nosce":
        e.cpu.efer &= ~1
    e.code(src)
    assert e.run() == "halt"
    assert e.fault() == expect


def test_sysenter_sysexit_prot32():
    e = prot32_env()
    e.cpu.write_msr(0x174, 0x08)
    e.cpu.write_msr(0x175, 0x6800)
    e.cpu.write_msr(0x176, 0x1400)
    e.code("""
        mov edx, offset user
        mov ecx, 0x5000
        sti
        sysexit
    user:
        mov [0x8000], cs
        mov [0x8002], ss
        mov ebx, esp
        sysenter
    .org 0x400
        mov [0x8004], cs
        mov [0x8006], ss
        pushfd
        pop eax
        hlt
    """)
    assert e.run() == "halt"
    rd = e.bus.read
    assert (rd(0x8000, 2), rd(0x8002, 2), rd(0x8004, 2), rd(0x8006, 2)) == (0x1B, 0x23, 8, 0x10)
    assert e.cpu.regs[3] == 0x5000 and e.cpu.regs[4] == 0x6800 and not e.cpu.regs[0] & 0x200


def test_sysexit_64_and_sysenter_requires_cs():
    e = long64_env()
    e.cpu.write_msr(0x174, 0x08)
    e.cpu.write_msr(0x176, 0x1400)
    e.code("""
        lea rdx, [rip + user]
        mov rcx, 0x5000
        sysexitq
    user:
        mov [0x8000], cs
        sysenter
    .org 0x400
        mov [0x8002], cs
        xor eax, eax
        mov ecx, 0x174
        hlt
    """)
    assert e.run() == "halt"
    assert e.bus.read(0x8000, 2) == 0x2B and e.bus.read(0x8002, 2) == 0x08
    assert e.cpu.code_bits == 64
    e.cpu.write_msr(0x174, 0)
    e.code("sysenter")
    e.cpu.rip, e.cpu.halted, e.cpu.regs[4] = 0x1000, False, 0x7000
    assert e.run() == "halt" and e.fault() == (GP, 0)


def test_swapgs_xgetbv_xsetbv_rdpmc_and_unsupported():
    e = long64_env()
    e.cpu.write_msr(0xC0000102, 0x1234000)                 # KERNEL_GS_BASE
    e.cpu.cr4 |= 1 << 18                                   # OSXSAVE
    e.code("""
        swapgs
        mov rax, gs:[0]
        xor ecx, ecx
        xgetbv
        mov r8, rax
        mov eax, 1
        xor edx, edx
        xsetbv
        mov ecx, 1
        rdpmc
        mov r9, rax
        mov eax, 3                     # XCR0 bit 1 (SSE) is not supported
        xor ecx, ecx
        xsetbv
    """)
    e.bus.write(0x1234000, 8, 0x5555)
    assert e.run() == "halt"
    assert e.fault() == (GP, 0)
    cpu = e.cpu
    assert cpu.regs[0] == 3 and cpu.segs[5].base == 0x1234000 and cpu.regs[8] == 1
    assert cpu.read_msr(0xC0000102) == 0 and cpu.regs[9] == 0


@pytest.mark.parametrize("src,cr4,expect", [
    ("monitor", 0, (UD, None)), ("mwait", 0, (UD, None)), ("getsec", 0, (UD, None)),
    ("rsm", 0, (UD, None)), ("xor ecx, ecx\nxgetbv", 0, (UD, None)),
    ("mov ecx, 2\nrdpmc", 0, (GP, 0)),
])
def test_instructions_of_absent_features(src, cr4, expect):
    e = Env("prot32")
    e.code(src)
    assert e.run() == "halt" and e.fault() == expect


def test_rdpmc_at_ring3_needs_cr4_pce():
    e = prot32_env()
    e.code(TO_RING3 + "xor ecx, ecx\nrdpmc\nint3")
    e.gate(3, 0x3000 + 4 * 3, dpl=3)
    assert e.run() == "halt" and e.fault() == (GP, 0)
    e = prot32_env()
    e.cpu.cr4 |= 0x100
    e.code(TO_RING3 + "xor ecx, ecx\nrdpmc\nint3")
    e.gate(3, 0x3000 + 4 * 3, dpl=3)
    assert e.run() == "halt" and e.fault() == (3, None)


# -- segment loads -------------------------------------------------------------------------
@pytest.mark.parametrize("desc,sel,reg,ring3,expect", [
    (None, 0x3F8, "ds", False, (GP, 0x3F8)),                              # past the GDT
    (seg_desc(0, 0xFFFFF, 3, p=False), 0x50, "ds", False, (NP, 0x50)),
    (seg_desc(0, 0xFFFFF, 3, p=False), 0x50, "ss", False, (SS, 0x50)),
    (seg_desc(0, 0xFFFFF, 3), 0x53, "ss", False, (GP, 0x50)),             # RPL != CPL
    (seg_desc(0, 0xFFFFF, 1), 0x50, "ss", False, (GP, 0x50)),             # read-only
    (seg_desc(0, 0xFFFFF, 0xA), 0x50, "ds", False, None),                 # readable code: ok
    (seg_desc(0, 0xFFFFF, 0x8), 0x50, "ds", False, (GP, 0x50)),           # execute-only
    (seg_desc(0, 0xFFFFF, 2, s=False), 0x50, "ds", False, (GP, 0x50)),    # an LDT
    (seg_desc(0, 0xFFFFF, 3), 0x50, "ds", True, (GP, 0x50)),              # DPL 0 < CPL 3
    (seg_desc(0, 0xFFFFF, 0xE), 0x53, "ds", True, None),                  # conforming code
    (None, 0, "ss", False, (GP, 0)),                                      # null SS
    (None, 0x54, "ds", False, (GP, 0x54)),                                # TI=1, null LDT
])
def test_segment_load_faults(desc, sel, reg, ring3, expect):
    e = prot32_env()
    e.cpu.ldtr.ar = AR_UNUSABLE
    if desc is not None:
        e.desc(10 if sel & 0xFFF8 == 0x50 else 11, desc)
        e.tss32(TSS, 11, esp0=R0_STACK, ss0=0x10)
        prologue = TO_RING3.replace("0x50", "0x58")
    else:
        prologue = TO_RING3
    body = f"mov ax, {sel:#x}\nmov {reg}, ax\nmov ebx, 0x99\nint3"
    e.gate(3, 0x3000 + 4 * 3, dpl=3)
    if ring3:
        e.code(prologue + body)
    else:
        e.code(body)
    assert e.run() == "halt"
    assert e.fault() == (expect or (3, None))
    assert (e.cpu.regs[3] == 0x99) == (expect is None)


# -- system-descriptor instructions ------------------------------------------------------
def test_ltr_lldt_sldt_str_and_ldt_selectors():
    e = prot32_env()
    ldt = 0xA000
    e.bus.write(ldt + 8, 8, seg_desc(0x4000, 0xFFF, 3))          # LDT entry 1: data
    e.desc(12, seg_desc(ldt, 0x17, 2, s=False, g=False))          # LDT descriptor: 0x60
    e.code("""
        mov ax, 0x50
        ltr ax
        mov ax, 0x60
        lldt ax
        mov eax, 0xFFFFFFFF
        sldt eax
        mov ebx, 0xFFFFFFFF
        str ebx
        sldt [0x8000]
        mov dx, 0x0C                   # LDT entry 1, TI=1
        mov es, dx
        mov dword ptr es:[0x10], 0x1234
        mov dx, 0x14                   # LDT entry 2: past the LDT limit
        mov fs, dx
    """)
    assert e.run() == "halt"
    assert e.fault() == (GP, 0x14)
    cpu = e.cpu
    assert cpu.regs[0] == 0x60 and cpu.regs[3] == 0x50 and e.bus.read(0x8000, 2) == 0x60
    assert e.bus.read(0x4010, 4) == 0x1234
    assert e.bus.read(0x10000 + 0x50 + 5, 1) & 0xF == 0xB           # TSS now busy
    assert cpu.tr.ar & 0xF == 0xB


@pytest.mark.parametrize("src,expect", [
    ("mov ax, 0x50\nltr ax\nltr ax", (GP, 0x50)),                    # already busy
    ("mov ax, 0x10\nltr ax", (GP, 0x10)),                            # not a TSS
    ("xor eax, eax\nltr ax", (GP, 0)),
    ("mov ax, 0x50\nlldt ax", (GP, 0x50)),                           # a TSS, not an LDT
    ("mov ax, 0x68\nltr ax", (NP, 0x68)),
])
def test_ltr_lldt_faults(src, expect):
    e = prot32_env()
    e.desc(13, seg_desc(TSS, 0x67, 9, s=False, g=False, p=False))
    e.code(src)
    assert e.run() == "halt" and e.fault() == expect


def test_ltr_in_long_mode_reads_16_byte_descriptor():
    e = Env("long64")
    e.desc(10, sys64(0x12345678_9000, 0x67, 9))
    e.desc(12, sys64(0x8000_0000_0000, 0x67, 9))                 # non-canonical base
    e.code("mov ax, 0x50\nltr ax\nmov ax, 0x60\nltr ax")
    assert e.run() == "halt"
    assert e.fault() == (GP, 0x60)
    assert e.cpu.tr.base == 0x12345678_9000


def test_lar_lsl_verr_verw_arpl():
    e = prot32_env()
    e.desc(11, seg_desc(0x1000, 0xFFFFF, 0x3, dpl=3))              # data, G=1 limit
    e.desc(12, seg_desc(0, 0x1234, 0xA, dpl=0, g=False))           # readable code, DPL 0
    e.desc(13, gate_desc(0, 8, 0xC, dpl=3))                        # call gate: LAR ok, LSL not
    e.gate(3, 0x3000 + 4 * 3, dpl=3)
    e.code(TO_RING3 + """
        mov esi, 0
        mov ax, 0x5B
        lar ebx, ax
        setz byte ptr [0x8000]
        lsl ecx, ax
        setz byte ptr [0x8001]
        verr ax
        setz byte ptr [0x8002]
        verw ax
        setz byte ptr [0x8003]
        mov ax, 0x63                   # DPL 0 code seen from CPL 3: invisible
        mov edx, 0x77
        lar edx, ax
        setz byte ptr [0x8004]
        verr ax
        setz byte ptr [0x8005]
        mov ax, 0x6B                   # call gate
        lar edi, ax
        setz byte ptr [0x8006]
        lsl esi, ax
        setz byte ptr [0x8007]
        mov word ptr [0x8010], 0x1230
        mov ax, 0x13
        arpl [0x8010], ax
        setz byte ptr [0x8008]
        arpl [0x8010], ax
        setz byte ptr [0x8009]
        int3
    """)
    assert e.run() == "halt" and e.fault() == (3, None)
    flags = e.bus.read_bytes(0x8000, 10)
    assert list(flags) == [1, 1, 1, 1, 0, 0, 1, 0, 1, 0]
    r = e.cpu.regs
    assert r[3] == 0x0040F300 and r[1] == 0xFFFFF and r[2] == 0x77
    assert r[7] == 0x0000EC00 and r[6] == 0
    assert e.bus.read(0x8010, 2) == 0x1233


def test_system_descriptor_instructions_are_ud_in_real_mode():
    for src in ("sldt ax", "str ax", "lldt ax", "ltr ax", "lar ax, bx", "verr ax", "arpl ax, bx"):
        e = Env("real")
        e.code(src)
        assert e.run() == "halt" and e.vector() == UD, src
