"""Hardware task switches: JMP/CALL to a TSS or task gate, IRET with NT=1, interrupts and
exceptions through task gates, 16-bit TSSs, CR3 and LDT loads, faults before and after the
commit point (SDM Vol. 3A, 7.3)."""
import pytest

from tests.sysenv import GDT, Env, gate_desc, seg_desc
from tests.x86util import HAVE_AS

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")

GP, NP, TS = 13, 11, 10
TSS_A, TSS_B, TSS_C = 0x9000, 0x9100, 0x9200
SEL_A, SEL_B, SEL_C, SEL_GATE = 0x50, 0x58, 0x60, 0x68
FLAT = {"cs": 0x08, "ss": 0x10, "ds": 0x10, "es": 0x10, "fs": 0x10, "gs": 0x10}


def env(**b_fields):
    e = Env("prot32")
    e.load_tr(e.tss32(TSS_A, 10, esp0=0x6000, ss0=0x10))
    fields = dict(FLAT, eip=0x1400, esp=0x6800, eax=0xB0B0, esi=0x5151)
    fields.update(b_fields)
    e.tss32(TSS_B, 11, **fields)
    e.desc(13, gate_desc(0, SEL_B, 5))                     # task gate -> B
    return e


def busy(e, sel) -> bool:
    return bool(e.bus.read(GDT + sel + 5, 1) & 2)


def test_jmp_to_tss_saves_old_task_and_loads_new():
    e = env()
    e.code("""
        mov eax, 0xA0A0
        mov ebx, 0xA1A1
        mov esp, 0x7000
        jmp 0x58:0
    after:
    .org 0x400
        mov edx, eax
        hlt
    """)
    assert e.run() == "halt"
    cpu, rd = e.cpu, e.bus.read
    assert cpu.tr.sel == SEL_B and cpu.regs[2] == 0xB0B0 and cpu.regs[6] == 0x5151
    assert cpu.regs[4] == 0x6800 and cpu.cr0 & 8                  # CR0.TS
    assert rd(TSS_A + 0x20, 4) == 0x1000 + 22                       # EIP after the JMP
    assert rd(TSS_A + 0x28, 4) == 0xA0A0 and rd(TSS_A + 0x34, 4) == 0xA1A1
    assert rd(TSS_A + 0x38, 4) == 0x7000 and rd(TSS_A + 0x4C, 2) == 0x08
    assert not busy(e, SEL_A) and busy(e, SEL_B)
    assert not cpu.get_flags() & 0x4000 and rd(TSS_B, 2) == 0       # no NT, no link


def test_call_through_task_gate_nests_and_iret_returns():
    e = env()
    e.code("""
        mov esp, 0x7000
        mov eax, 0xA0A0
        call 0x68:0
        mov ebx, 0xFEED
        hlt
    .org 0x400
        pushfd
        pop ecx
        mov edx, [0x9100]                # our back link
        mov edi, 0x77
        iretd
    """)
    assert e.run() == "halt"
    cpu, rd = e.cpu, e.bus.read
    assert cpu.tr.sel == SEL_A and cpu.regs[0] == 0xA0A0 and cpu.regs[3] == 0xFEED
    assert cpu.regs[4] == 0x7000
    assert rd(TSS_B + 0x2C, 4) & 0x4000 and rd(TSS_B + 0x30, 4) == SEL_A   # NT, link seen
    assert rd(TSS_B + 0x44, 4) == 0x77                              # B's state was saved
    assert not rd(TSS_B + 0x24, 4) & 0x4000                         # with NT cleared
    assert busy(e, SEL_A) and not busy(e, SEL_B)
    assert not cpu.get_flags() & 0x4000


def test_interrupt_and_exception_through_task_gates():
    e = env()
    e.tss32(TSS_C, 12, **FLAT, eip=0x1500, esp=0x16400)          # above 64 KiB: 32-bit push
    e.gate(0x40, 0, sel=SEL_B, typ=5)           # IDT task gates name a TSS
    e.bus.write(0x11000 + 8 * 13, 8, gate_desc(0, SEL_C, 5))      # #GP -> task C
    e.code("""
        mov esp, 0x7000
        int 0x40
        mov ax, 0x3F8
        mov ds, ax
    .org 0x400
        mov ebx, 0x40
        iretd
    .org 0x500
        mov ecx, [esp]                   # the error code, on task C's stack
        hlt
    """)
    assert e.run() == "halt"
    cpu, rd = e.cpu, e.bus.read
    assert cpu.tr.sel == SEL_C and cpu.regs[1] == 0x3F8 and cpu.regs[4] == 0x16400 - 4
    assert rd(TSS_B + 0x34, 4) == 0x40 and rd(TSS_A + 0x34, 4) == 0   # each its own EBX
    assert rd(TSS_A + 0x20, 4) == 0x1000 + 11                   # A saved at the faulting MOV
    assert rd(TSS_C, 2) == SEL_A and busy(e, SEL_A) and busy(e, SEL_C)


@pytest.mark.parametrize("setup,target,expect", [
    ("busy", "jmp 0x50:0", (GP, SEL_A)),                          # the current task is busy
    ("limit", "jmp 0x58:0", (TS, SEL_B)),
    ("absent", "jmp 0x58:0", (NP, SEL_B)),
    ("gate_ldt", "jmp 0x68:0", (GP, 0x5C)),                       # task gate with TI=1
    ("dpl", "jmp 0x58:0", None),
])
def test_faults_before_the_commit_point_change_nothing(setup, target, expect):
    e = env()
    if setup == "limit":
        e.tss32(TSS_B, 11, **FLAT, eip=0x1400, limit=0x50)
    elif setup == "absent":
        e.desc(11, seg_desc(TSS_B, 0x67, 9, s=False, g=False, p=False))
    elif setup == "gate_ldt":
        e.desc(13, gate_desc(0, 0x5C, 5))
    elif setup == "dpl":
        e.desc(11, seg_desc(TSS_B, 0x67, 9, s=False, g=False))
        target = "jmp 0x5B:0"                                     # RPL 3 > TSS DPL 0
        expect = (GP, SEL_B)
    e.code(f"mov esp, 0x7000\n{target}")
    assert e.run() == "halt"
    assert e.fault() == expect
    assert e.cpu.tr.sel == SEL_A and busy(e, SEL_A) and not busy(e, SEL_B)
    assert e.frame(3)[1] == 0x1005 and e.bus.read(TSS_A + 0x20, 4) == 0


def test_fault_after_commit_is_delivered_in_the_new_task():
    e = env(cs=0x70)
    e.desc(14, seg_desc(0, 0xFFFFFFFF, 0xB, p=False))            # B's CS: not present
    e.code("mov esp, 0x7000\njmp 0x58:0")
    assert e.run() == "halt"
    assert e.fault() == (NP, 0x70)
    cpu = e.cpu
    assert cpu.tr.sel == SEL_B and busy(e, SEL_B) and not busy(e, SEL_A)
    assert e.frame(4)[1:3] == [0x1400, 0x70]                     # B's EIP and CS selector
    assert cpu.regs[4] == 0x6800 - 16 and cpu.regs[0] == 0xB0B0


@pytest.mark.parametrize("fields,expect", [
    ({"ss": 0x13}, (TS, 0x10)),                                   # SS RPL != CPL
    ({"ss": 0x08}, (TS, 0x08)),                                   # SS is code
    ({"ds": 0x3F8}, (TS, 0x3F8)),                                 # DS past the GDT
    ({"cs": 0x10}, (TS, 0x10)),                                   # CS is data
    ({"ldt": 0x50}, (TS, 0x50)),                                  # LDT names a TSS
])
def test_new_task_segment_checks(fields, expect):
    # The fault arrives in task B, whose segments are unusable: #TS goes through a task gate.
    e = env(**fields)
    e.tss32(TSS_C, 12, **FLAT, eip=0x1500, esp=0x6400)
    e.bus.write(0x11000 + 8 * 10, 8, gate_desc(0, SEL_C, 5))
    e.code("mov esp, 0x7000\njmp 0x58:0\n.org 0x500\nmov ecx, [esp]\nhlt")
    assert e.run() == "halt"
    cpu = e.cpu
    assert cpu.tr.sel == SEL_C and cpu.regs[1] == expect[1]
    assert e.bus.read(TSS_C, 2) == SEL_B and e.bus.read(TSS_B + 0x20, 4) == 0x1400


def test_call_to_16bit_task_and_iret_back():
    e = env()
    e.tss16(TSS_C, 12, ip=0x1600, cs=0x20, ss=0x28, ds=0x28, es=0x28, sp=0x6C00, ax=0x1616)
    e.code("""
        mov esp, 0x7000
        mov eax, 0x12345678
        mov ebx, 0x9ABCDEF0
        call 0x60:0
        hlt
    .org 0x600
        .code16
        mov cx, ax
        mov dx, fs
        mov bp, [0x9200]                 # back link
        iret
    """)
    assert e.run() == "halt"
    cpu, rd = e.cpu, e.bus.read
    assert cpu.tr.sel == SEL_A and cpu.regs[0] == 0x12345678 and cpu.regs[3] == 0x9ABCDEF0
    # C's state as saved at its IRET: 16-bit fields, upper register halves read as ones.
    assert rd(TSS_C + 0x14, 2) == 0x1616 and rd(TSS_C + 0x16, 2) == 0       # CX, DX (FS=0)
    assert rd(TSS_C + 0x1C, 2) == SEL_A and rd(TSS_C + 0x0E, 2) == 0x1600 + 9
    assert not busy(e, SEL_C)


def test_task_switch_loads_cr3_and_ldt():
    e = env(ldt=0x78, es=0x0C, cr3=0x30000)
    bus = e.bus
    # Task A: 32-bit paging with an identity-mapped first 4 MiB (PSE page).
    bus.write(0x20000, 4, 0x83)
    bus.write(0x20004, 4, 0x400083)
    # Task B: the same, but linear 4 MiB maps to physical 8 MiB.
    bus.write(0x30000, 4, 0x83)
    bus.write(0x30004, 4, 0x800083)
    bus.write(0x400000, 4, 0xAAAA)
    bus.write(0x800000, 4, 0xBBBB)
    bus.write(0xA008, 8, seg_desc(0x4000, 0xFFF, 3))             # LDT entry 1
    e.desc(15, seg_desc(0xA000, 0xF, 2, s=False, g=False))        # LDT descriptor 0x78
    e.bus.write(TSS_A + 0x1C, 4, 0x20000)
    e.code("""
        mov eax, 0x20000
        mov cr3, eax
        mov eax, cr4
        or eax, 0x10
        mov cr4, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        mov esi, [0x400000]
        jmp 0x58:0
    .org 0x400
        mov edi, [0x400000]
        mov edx, es:[0]
        hlt
    """)
    bus.write(0x4000, 4, 0x1DDD)
    assert e.run() == "halt"
    cpu = e.cpu
    assert cpu.cr3 == 0x30000 and cpu.ldtr.sel == 0x78 and cpu.ldtr.base == 0xA000
    assert cpu.regs[7] == 0xBBBB and cpu.regs[2] == 0x1DDD
    assert e.bus.read(TSS_A + 0x40, 4) == 0xAAAA


def test_switch_to_a_v86_task():
    e = env(eflags=0x20002, cs=0x200, ss=0, ds=0x300, es=0, fs=0, gs=0, eip=0, esp=0x5000)
    e.code("mov esp, 0x7000\njmp 0x58:0")
    e.code("mov ax, ds\nhlt", at=0x2000, bits=16)
    e.bus.write(TSS_B + 4, 4, 0x6000)                             # ESP0 / SS0 of task B
    e.bus.write(TSS_B + 8, 2, 0x10)
    assert e.run() == "halt"
    assert e.fault() == (GP, 0)
    cpu = e.cpu
    assert cpu.regs[0] & 0xFFFF == 0x300 and cpu.tr.sel == SEL_B
    f = e.frame(10)
    assert f[1:3] == [2, 0x200] and f[3] & 0x20000 and f[4:6] == [0x5000, 0] and f[7] == 0x300
