"""Far JMP/CALL/RETF/IRET without privilege changes, in real, protected and IA-32e mode, and
IRET into and out of virtual-8086 mode."""
import pytest

from tests.sysenv import Env, seg_desc
from tests.x86util import HAVE_AS

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")

GP, NP, SS = 13, 11, 12


def test_real_mode_far_jmp_call_retf_iret():
    e = Env("real")
    e.code("""
        mov sp, 0x7000
        jmp 0x0200:(t1 - 0x2000)        # CS=0x200: base 0x2000
    .org 0x100
    back:
        call 0x0000:sub                 # direct far call
        mov word ptr [0x8000], offset sub2
        mov word ptr [0x8002], 0
        call dword ptr [0x8000]         # indirect m16:16
        pushf
        push cs
        push offset after
        iret                            # IRET to CS:after
    after:
        hlt
    sub:
        mov bx, 0x1234
        retf
    sub2:
        mov cx, 0x5678
        retf 0
    .org 0x1000
    t1:
        mov ax, cs
        mov dx, ax
        jmp 0x0000:back
    """, bits=16)
    assert e.run() == "halt"
    cpu = e.cpu
    assert cpu.regs[2] & 0xFFFF == 0x200
    assert cpu.regs[3] & 0xFFFF == 0x1234 and cpu.regs[1] & 0xFFFF == 0x5678
    assert cpu.segs[1].sel == 0 and cpu.regs[4] & 0xFFFF == 0x7000


def test_real_mode_iretd_keeps_vm_vif_vip():
    e = Env("real")
    e.code("""
        mov esp, 0x7000
        push dword ptr 0x003F7ED7       # every flag bit but TF, VM/VIF/VIP included
        push dword ptr 0
        push dword ptr offset 1f
        iretd
    1:  hlt
    """, bits=16)
    assert e.run() == "halt"
    fl = e.cpu.get_flags()
    assert fl & 0x1A0000 == 0                    # VM, VIF, VIP kept from before (0)
    assert fl & 0x257FD5 == 0x257ED5


def test_prot32_far_jmp_to_16bit_code_and_back():
    e = Env("prot32")
    e.code("""
        jmp 0x20:code16
    back:
        mov ebx, 0x1111
        hlt
    code16:
        .code16
        mov ax, 0x2222
        ljmp 0x08, offset back          # 16-bit operand: ptr16:16
    """)
    assert e.run() == "halt"
    assert e.cpu.regs[0] & 0xFFFF == 0x2222 and e.cpu.regs[3] == 0x1111
    assert e.cpu.code_bits == 32


def test_prot32_call_far_and_retf_imm_release_parameters():
    e = Env("prot32")
    e.code("""
        push 7
        push 5
        call 0x08:sub
        mov [0x8000], esp
        lea eax, [ptr]
        call fword ptr [eax]
        hlt
    sub:
        mov esi, [esp + 8]
        add esi, [esp + 12]
        retf 8
    sub2:
        mov ecx, cs
        retf
    ptr: .long sub2
        .word 0x08
    """)
    assert e.run() == "halt"
    assert e.cpu.regs[6] == 12 and e.bus.read(0x8000, 4) == 0x7000
    assert e.cpu.regs[1] == 0x08


@pytest.mark.parametrize("desc,sel,expect", [
    (None, 0, (GP, 0)),                                          # null selector
    (seg_desc(0, 0xFFFFFFFF, 3), 0x50, (GP, 0x50)),              # data segment
    (seg_desc(0, 0xFFFFFFFF, 0xB, p=False), 0x50, (NP, 0x50)),   # not present
    (seg_desc(0, 0xFFFFFFFF, 0xB, dpl=3), 0x50, (GP, 0x50)),     # non-conforming, DPL != CPL
    (seg_desc(0, 0xFFFFFFFF, 0xB), 0x53, (GP, 0x50)),            # RPL > CPL
    (seg_desc(0, 0xFFF, 0xB), 0x50, (GP, 0)),                    # offset past the limit
    (None, 0x3F8, (GP, 0x3F8)),                                  # past the GDT limit
])
def test_prot32_far_jmp_faults(desc, sel, expect):
    e = Env("prot32")
    if desc is not None:
        e.desc(10, desc)
    e.code(f"""
        mov esp, 0x7000
        jmp {sel:#x}:0x2000
    """)
    assert e.run() == "halt"
    assert e.fault() == expect
    # The faulting JMP changed nothing: the frame points at it and the stack is intact.
    assert e.frame(3)[1:3] == [0x1005, 0x08]


def test_conforming_code_keeps_cpl():
    e = Env("prot32")
    e.desc(10, seg_desc(0, 0xFFFFFFFF, 0xF))          # conforming, DPL 0, called from CPL 0
    e.code("""
        call 0x50:1f
        hlt
    1:  mov eax, cs
        retf
    """)
    assert e.run() == "halt"
    assert e.cpu.regs[0] == 0x50


def test_conforming_dpl_above_cpl_faults():
    e = Env("prot32")
    e.desc(10, seg_desc(0, 0xFFFFFFFF, 0xF, dpl=3))
    e.code("jmp 0x50:0x1000\n")
    # DPL 3 > CPL 0 is allowed for conforming segments only when DPL <= CPL: here #GP.
    assert e.run() == "halt"
    assert e.fault() == (GP, 0x50)


def test_retf_fault_leaves_stack_pointer():
    e = Env("prot32")
    e.desc(10, seg_desc(0, 0xFFFFFFFF, 0xB, p=False))
    e.code("""
        push 0x50
        push 0x1234
        retf
    """)
    assert e.run() == "halt"
    assert e.fault() == (NP, 0x50)
    assert e.frame(6)[4:6] == [0x1234, 0x50]           # the RETF's operands are still there


def test_long64_far_transfers_between_64bit_and_compat():
    e = Env("long64")
    e.code("""
        mov rsp, 0x7000
        lea rax, [rip + ptr32]
        jmp fword ptr [rax]             # m16:32 to compatibility mode
    back64:
        mov rbx, 0x123456789
        lea rax, [rip + ptr64]
        rex64 call fword ptr [rax]      # m16:64
        hlt
    ptr32: .long compat
        .word 0x08
    ptr64: .quad far64
        .word 0x18
    far64:
        mov rcx, 0xABCDEF012
        rex64 retf
    compat:
        .code32
        mov edx, 0x3232
        ljmp 0x18, offset back64
    """)
    assert e.run() == "halt"
    cpu = e.cpu
    assert cpu.regs[2] == 0x3232 and cpu.regs[3] == 0x123456789 and cpu.regs[1] == 0xABCDEF012
    assert cpu.code_bits == 64 and cpu.regs[4] == 0x7000


def test_long64_code_segment_with_l_and_d_faults():
    e = Env("long64")
    e.desc(10, seg_desc(0, 0xFFFFFFFF, 0xB, l=True, db=True))
    e.code("""
        lea rax, [rip + p]
        jmp fword ptr [rax]
    p:  .long 0x1000
        .word 0x50
    """)
    assert e.run() == "halt"
    assert e.fault() == (GP, 0x50)


def test_long64_iretq_same_privilege_pops_ss_rsp():
    e = Env("long64")
    e.code("""
        mov rsp, 0x7000
        mov rax, rsp
        push 0                           # SS: null is fine at CPL 0 in 64-bit mode
        push 0x6000                      # RSP
        pushfq
        push 0x18
        lea rcx, [rip + 1f]
        push rcx
        iretq
    1:  hlt
    """)
    assert e.run() == "halt"
    assert e.cpu.regs[4] == 0x6000 and e.cpu.segs[2].sel == 0


def test_iretd_in_compat_mode_returns_to_64bit():
    e = Env("long64")
    e.code("""
        mov rsp, 0x7000
        lea rax, [rip + p]
        jmp fword ptr [rax]
    p:  .long c32
        .word 0x08
    back:
        hlt
    c32:
        .code32
        push 0x10                        # not popped: IRET began in compatibility
        push 0x6800                      # mode at the same privilege (SDM IRET)
        pushfd
        push 0x18
        push offset back
        iretd
    """)
    assert e.run() == "halt"
    assert e.cpu.code_bits == 64 and e.cpu.regs[4] == 0x7000 - 8

TSS = 0x9000


def prot32_env():
    e = Env("prot32")
    e.tss32(TSS, 10, esp0=0x6000, ss0=0x10)
    return e


# -- virtual-8086 mode --------------------------------------------------------------------
V86_ENTER = """
        mov esp, 0x7000
        mov ax, 0x50
        ltr ax
        push 0x40                      # GS
        push 0x30                      # FS
        push 0x20                      # DS
        push 0x10                      # ES
        push 0x0                       # SS
        push 0x5000                    # ESP
        push {eflags}
        push 0x200                     # CS: linear 0x2000
        push 0x0                       # IP
        iretd
"""


def v86_env(v86_src: str, eflags: int):
    e = prot32_env()
    e.code(V86_ENTER.format(eflags=hex(eflags)))
    e.code(v86_src, at=0x2000, bits=16)
    return e


def test_v86_round_trip_through_a_ring0_interrupt_gate():
    e = v86_env("""
        mov ax, cs
        mov bx, 0x1234
        int 0x40
        mov cx, ds
        hlt                            # CPL 3 in v86: #GP(0)
    """, 0x23002)                       # VM, IOPL 3
    e.gate(0x40, 0x1400, dpl=3)
    e.code("""
        mov dx, ds
        mov bp, es
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov [0x8030], dx
        mov [0x8032], bp
        mov esi, esp
        mov edi, 0x8000
        mov ecx, 9
        rep movsd
        iretd
    """, at=0x1400)
    assert e.run() == "halt"
    assert e.fault() == (GP, 0)
    rd = e.bus.read
    frame = [rd(0x8000 + 4 * i, 4) for i in range(9)]
    assert frame[0] == 7 and frame[1] == 0x200 and frame[2] & 0x20000
    assert frame[3:] == [0x5000, 0, 0x10, 0x20, 0x30, 0x40]
    assert rd(0x8030, 2) == 0 and rd(0x8032, 2) == 0           # data segments nulled
    cpu = e.cpu
    assert cpu.regs[0] & 0xFFFF == 0x10 and cpu.regs[1] & 0xFFFF == 0x20
    gp = e.frame(10)
    assert gp[2:4] == [0x200, gp[3]] and gp[3] & 0x20000 and gp[5:] == [0, 0x10, 0x20, 0x30, 0x40]
    assert gp[1] == 9                                           # the HLT's offset


@pytest.mark.parametrize("insn", ["cli", "sti", "pushf", "popf", "int 0x40", "iret"])
def test_iopl_sensitive_instructions_fault_in_v86(insn):
    e = v86_env(f"mov ax, 1\n{insn}\n", 0x20002)            # VM, IOPL 0
    assert e.run() == "halt"
    assert e.fault() == (GP, 0)
    assert e.frame(3)[1] == 3 and e.frame(3)[2] == 0x200


def test_v86_iret_with_iopl3_stays_in_v86():
    e = v86_env("""
        pushf
        push cs
        push offset 1f - 0x2000
        iret
    1:  mov dx, 0x4242
        hlt
    """, 0x23002)
    assert e.run() == "halt" and e.fault() == (GP, 0)
    assert e.cpu.regs[2] & 0xFFFF == 0x4242
