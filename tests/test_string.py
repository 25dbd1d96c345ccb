"""String instructions: REP restart after a fault in mid-copy, DF=1, 16-bit address wraparound,
REPE/REPNE termination, INS/OUTS with the I/O permission check, and long REPs."""
import pytest

from tests.sysenv import Env
from tests.x86util import HAVE_AS, asm, make_cpu, run_code

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")

PDE1 = 0x102008          # the PDE mapping 2-4 MiB in make_cpu's 64-bit identity map
PF, GP = 14, 13
# A #PF handler that counts faults in R15, records RCX/RSI/RDI/CR2 at 0x5000 and maps the
# 2-4 MiB region back in before returning to the faulting instruction.
PF_HANDLER = f"""
    push rax
    inc r15
    mov [0x5000], rcx
    mov [0x5008], rsi
    mov [0x5010], rdi
    mov rax, cr2
    mov [0x5018], rax
    or qword ptr [{PDE1:#x}], 1
    mov rax, cr3
    mov cr3, rax
    pop rax
    add rsp, 8
    iretq
"""


def _paged_env():
    e = Env("long64")
    e.code(PF_HANDLER, at=0x2000)
    e.gate(PF, 0x2000)
    e.bus.write(PDE1, 8, e.bus.read(PDE1, 8) & ~1)       # 2-4 MiB not present
    return e


def test_rep_movsb_fault_midway_restarts():
    e = _paged_env()
    src = bytes((i * 7 + 3) & 0xFF for i in range(0x300))
    e.bus.load(0x1FF000, src)
    e.code("""
        mov rsi, 0x1FF000
        mov rdi, 0x1FFF00        # the first 0x100 bytes fit, then 2 MiB is not present
        mov rcx, 0x300
        cld
        rep movsb
        hlt
    """)
    assert e.run() == "halt" and e.vector() is None
    cpu, bus = e.cpu, e.bus
    assert cpu.regs[15] == 1
    # State at the fault: 0x100 iterations done, RIP still on the REP MOVSB.
    assert [bus.read(0x5000 + 8 * i, 8) for i in range(4)] == [0x200, 0x1FF100, 0x200000,
                                                              0x200000]
    assert cpu.regs[1] == 0 and cpu.regs[6] == 0x1FF300 and cpu.regs[7] == 0x200200
    assert bus.read_bytes(0x1FFF00, 0x300) == src


def test_rep_stosd_backwards_fault_midway():
    e = _paged_env()
    e.code("""
        mov rdi, 0x400008        # DF=1: 0x400008, 0x400004, 0x400000, then 0x3FFFFC faults
        mov rcx, 6
        mov eax, 0x11223344
        std
        rep stosd
        cld
        hlt
    """)
    assert e.run() == "halt" and e.vector() is None
    cpu, bus = e.cpu, e.bus
    assert cpu.regs[15] == 1
    assert bus.read(0x5000, 8) == 3 and bus.read(0x5010, 8) == 0x3FFFFC
    assert bus.read(0x5018, 8) == 0x3FFFFC
    assert cpu.regs[1] == 0 and cpu.regs[7] == 0x400008 - 24
    assert [bus.read(0x3FFFF4 + 4 * i, 4) for i in range(6)] == [0x11223344] * 6


def test_rep_ins_fault_loses_no_port_data():
    """INS checks the destination before reading the port, so the byte the faulting
    iteration would have read is still there for the restarted iteration."""
    class Counter:
        n = 0

        def io_read(self, port, size):
            Counter.n += 1
            return Counter.n & 0xFF

        def io_write(self, port, size, v):
            pass
    e = _paged_env()
    e.bus.map_ports([0x300], Counter())
    e.code("""
        mov rdi, 0x1FFFF0
        mov rcx, 0x20
        mov dx, 0x300
        rep insb
        hlt
    """)
    assert e.run() == "halt" and e.vector() is None
    assert Counter.n == 0x20 and e.cpu.regs[15] == 1
    assert e.bus.read_bytes(0x1FFFF0, 0x20) == bytes(range(1, 0x21))


def test_rep_movsb_forward_overlap_repeats_pattern():
    # dst = src + 1: byte-at-a-time semantics smear the first byte (the fast path must too).
    _cpu, bus, stop = run_code("long64", """
        mov rdi, 0x8000
        mov rcx, 0x2000
        mov al, 0x5A
        rep stosb
        mov byte ptr [0x8000], 0xA5
        mov rsi, 0x8000
        mov rdi, 0x8001
        mov rcx, 0x1800
        rep movsb
        hlt
    """)
    assert stop == "halt"
    assert bus.read_bytes(0x8000, 0x1801) == b"\xA5" * 0x1801
    assert bus.read(0x9801, 1) == 0x5A


@pytest.mark.parametrize("mode", ["real", "prot32", "long64"])
def test_df1_copies_backwards(mode):
    reg = {"real": "", "prot32": "e", "long64": "r"}[mode]
    bits = {"real": 16, "prot32": 32, "long64": 64}[mode]
    cpu, bus = make_cpu(mode, asm(f"""
        mov {reg}si, 0x8007
        mov {reg}di, 0x8009      # overlapping, destination above: a backward copy is right
        mov {reg}cx, 8
        std
        rep movsb
        mov {reg}si, 0x810C
        lodsw                     # DF=1: SI goes down by 2
        cld
        hlt
    """, bits))
    bus.load(0x8000, bytes(range(0x41, 0x51)))
    bus.load(0x810C, b"\x34\x12")
    assert cpu.run(1000) == "halt"
    assert bus.read_bytes(0x8000, 16) == b"AB" + bytes(range(0x41, 0x49)) + b"KLMNOP"
    assert cpu.regs[6] & 0xFFFF == 0x810A and cpu.regs[7] & 0xFFFF == 0x8001
    assert cpu.regs[1] & 0xFFFF == 0 and cpu.regs[0] & 0xFFFF == 0x1234


def test_real_mode_si_di_wrap_at_64k():
    cpu, bus, stop = run_code("real", """
        mov ax, 0x100
        mov ds, ax                # source at linear 0x1000 + offset
        mov ax, 0x900
        mov es, ax
        mov esi, 0x1234FFFE       # SI wraps; ESI's upper half is not touched
        mov edi, 0x5678FFFF
        mov ecx, 0xABCD0004
        rep movsb
        hlt
    """)
    assert stop == "halt"
    assert cpu.regs[6] == 0x12340002 and cpu.regs[7] == 0x56780003 and cpu.regs[1] == 0xABCD0000
    # Source bytes at DS:FFFE, DS:FFFF, DS:0000, DS:0001; destinations ES:FFFF, 0, 1, 2.
    srcs = [bus.read(0x1000 + o, 1) for o in (0xFFFE, 0xFFFF, 0, 1)]
    assert [bus.read(0x9000 + o, 1) for o in (0xFFFF, 0, 1, 2)] == srcs


def test_addr16_in_32bit_code_wraps():
    cpu, bus, stop = run_code("prot32", """
        mov edi, 0x7777FFFE
        mov ecx, 0x55550003
        mov al, 0x3C
        addr16 rep stosb          # DI and CX, not EDI and ECX
        hlt
    """)
    assert stop == "halt"
    assert cpu.regs[7] == 0x77770001 and cpu.regs[1] == 0x55550000
    assert [bus.read(a, 1) for a in (0xFFFE, 0xFFFF, 0x0)] == [0x3C] * 3


def test_repe_cmpsb_and_repne_scasb_stop_where_they_should():
    cpu, _bus, stop = run_code("prot32", """
        mov edi, 0x8000
        mov dword ptr [edi], 0x64636261      # "abcd"
        mov dword ptr [edi+0x100], 0x64586261  # "abXd"
        mov esi, 0x8000
        mov edi, 0x8100
        mov ecx, 4
        repe cmpsb                # stops after the 3rd byte, ZF=0
        setne bl
        mov ebp, ecx
        mov edi, 0x8000
        mov al, 0x63
        mov ecx, 10
        repne scasb               # finds 'c' at 0x8002
        sete bh
        hlt
    """)
    assert stop == "halt"
    assert cpu.regs[3] & 0xFFFF == 0x0101
    assert cpu.regs[5] == 1 and cpu.regs[6] == 0x8003
    assert cpu.regs[1] == 7 and cpu.regs[7] == 0x8003


def test_rep_with_zero_count_touches_nothing():
    cpu, _bus, stop = run_code("long64", """
        xor ecx, ecx
        mov rsi, 0xDEAD00000000   # unmapped: would fault if used
        mov rdi, rsi
        cmp eax, eax              # ZF=1
        repne cmpsb               # count 0: no iteration, flags kept
        sete al
        hlt
    """)
    assert stop == "halt" and cpu.regs[0] & 0xFF == 1
    assert cpu.regs[6] == 0xDEAD00000000


def test_long_rep_is_one_instruction():
    cpu, bus, stop = run_code("long64", """
        mov rdi, 0x200000
        mov rcx, 0x300000        # 12 MiB of dwords: the page-at-a-time fast path
        mov eax, 0xC3C3C3C3
        rep stosd
        std
        mov rdi, 0x20000
        mov rcx, 40000            # DF=1: the slow path, more than one chunk of iterations
        rep stosb
        cld
        hlt
    """)
    assert stop == "halt"
    assert cpu.icount == 10
    assert cpu.regs[1] == 0 and cpu.regs[7] == 0x20000 - 40000
    assert bus.read(0x200000 + 4 * 0x2FFFFF, 4) == 0xC3C3C3C3
    assert bus.read_bytes(0x20000 - 39999, 40000) == b"\xC3" * 40000


class Sink:
    def __init__(self):
        self.got = []

    def io_read(self, port, size):
        return 0xFF

    def io_write(self, port, size, v):
        self.got.append(v)


RING3 = """
    push 0x3B
    push 0x7800
    push 0x2                  # IOPL 0
    push 0x33
    push 0x1100
    iretd
"""
OUTS3 = """
    mov ax, 0x3B
    mov ds, ax
    mov esi, 0x8000
    mov ecx, 3
    mov dx, 0xE9
    rep outsb
    hlt
"""


@pytest.mark.parametrize("allowed", [False, True])
def test_rep_outs_at_ring3_obeys_the_io_bitmap(allowed):
    """CPL 3 > IOPL 0: the TSS I/O bitmap decides, before any data moves (SDM Vol. 1, 19.5)."""
    e = Env("prot32")
    sink = Sink()
    e.bus.map_ports([0xE9], sink)
    limit = 0x68 + 0xE9 // 8 + 1 if allowed else 0x67    # bitmap present, port bit clear
    sel = e.tss32(0x6000, 12, esp0=0x6F00, ss0=0x10, limit=limit)
    for i in range(0x68, 0x68 + 0xE9 // 8 + 2):
        e.bus.write(0x6000 + i, 1, 0)
    e.load_tr(sel)
    e.code(RING3)
    e.code(OUTS3, at=0x1100)
    e.bus.load(0x8000, b"abc")
    assert e.run() == "halt"
    # Either way a #GP ends it: the REP OUTSB's own (at 0x1114) or, once it has run, that
    # of the ring-3 HLT after it (0x1116).
    assert e.fault() == (GP, 0)
    if allowed:
        assert bytes(sink.got) == b"abc" and e.frame(2)[1] == 0x1116
    else:
        assert sink.got == [] and e.frame(2)[1] == 0x1114
        assert e.cpu.regs[1] == 3 and e.cpu.regs[6] == 0x8000
