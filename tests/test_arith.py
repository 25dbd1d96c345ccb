"""Focused checks of the rules the differential test cannot reach (unicorn differs or does not
fault) or that deserve a name: LOCK validity, CMPXCHG16B alignment, #DE, shift count
masking and count-0 flags, bit strings, BSF/BSR with a zero source, BCD corners."""
import pytest

from tests.sysenv import Env
from tests.x86util import HAVE_AS

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")

DE, UD, GP = 0, 6, 13
CF, PF, AF, ZF, SF, OF = 0x1, 0x4, 0x10, 0x40, 0x80, 0x800


def run(mode, src, regs=None, mem=None):
    """Run src (then HLT) in an Env whose vectors all lead to HLT stubs."""
    e = Env(mode)
    e.code(src + "\nhlt")
    for r, v in (regs or {}).items():
        e.cpu.regs[r] = v
    for a, b in (mem or {}).items():
        e.bus.load(a, b)
    assert e.run() == "halt"
    return e


def flags(e):
    return e.cpu.get_flags()


# -- LOCK ---------------------------------------------------------------------------------
@pytest.mark.parametrize("src,ok", [
    ("lock add dword ptr [0x8000], 1", True),
    ("lock bts dword ptr [0x8000], eax", True),
    ("lock cmpxchg dword ptr [0x8000], ecx", True),
    (".byte 0xF0\nshl dword ptr [0x8000], 1", False),     # not a lockable instruction
    (".byte 0xF0\nbt dword ptr [0x8000], eax", False),    # BT only reads
    (".byte 0xF0\nadd eax, ebx", False),                   # register destination
    (".byte 0xF0\nmov dword ptr [0x8000], eax", False),
])
def test_lock_prefix_validity(src, ok):
    e = run("prot32", src)
    assert e.vector() == (None if ok else UD)


# -- CMPXCHG family ---------------------------------------------------------------------------
def test_cmpxchg16b_success_failure_and_alignment():
    regs = {0: 1, 2: 2, 3: 0x33, 1: 0x44}                 # RDX:RAX = 2:1, RCX:RBX = 0x44:0x33
    e = run("long64", "lock cmpxchg16b [0x8000]", regs, {0x8000: (1).to_bytes(8, "little") +
                                                          (2).to_bytes(8, "little")})
    assert e.vector() is None and flags(e) & ZF
    assert e.bus.read(0x8000, 8) == 0x33 and e.bus.read(0x8008, 8) == 0x44
    e = run("long64", "cmpxchg16b [0x8000]", regs, {0x8000: bytes(range(16))})
    assert e.vector() is None and not flags(e) & ZF
    assert e.cpu.regs[0] == 0x0706050403020100 and e.cpu.regs[2] == 0x0F0E0D0C0B0A0908
    e = run("long64", "cmpxchg16b [0x8008]", regs, {0x8008: (1).to_bytes(8, "little")})
    assert e.fault() == (GP, 0)                            # m128 must be 16-byte aligned
    assert e.cpu.regs[0] == 1 and e.bus.read(0x8008, 8) == 1


def test_cmpxchg8b_in_32bit_mode():
    e = run("prot32", "cmpxchg8b [0x8000]", {0: 5, 2: 6, 3: 7, 1: 8},
            {0x8000: (5 | 6 << 32).to_bytes(8, "little")})
    assert flags(e) & ZF and e.bus.read(0x8000, 8) == 7 | 8 << 32


def test_cmpxchg32_writes_the_accumulator_only_on_failure():
    # Success: RAX is not written, so its upper half survives (SDM Vol. 2, CMPXCHG).
    e = run("long64", "cmpxchg ecx, edx", {0: 0xAAAA_BBBB_0000_0005, 1: 5, 2: 9})
    assert e.cpu.regs[0] == 0xAAAA_BBBB_0000_0005 and e.cpu.regs[1] == 9 and flags(e) & ZF
    # Failure: EAX is loaded (zero-extended) and the destination written back.
    e = run("long64", "cmpxchg ecx, edx", {0: 0xAAAA_BBBB_0000_0005, 1: 0xFFFF_0000_0000_0007,
                                           2: 9})
    assert e.cpu.regs[0] == 7 and e.cpu.regs[1] == 7 and not flags(e) & ZF


def test_xadd_same_register_keeps_the_sum():
    e = run("prot32", "xadd eax, eax", {0: 21})
    assert e.cpu.regs[0] == 42


# -- divide --------------------------------------------------------------------------------
@pytest.mark.parametrize("src,regs,fault", [
    ("div ecx", {0: 10, 2: 0, 1: 0}, True),                       # divide by zero
    ("div ecx", {0: 0, 2: 5, 1: 5}, True),                        # quotient 2^32: too big
    ("div ecx", {0: 0xFFFFFFFF, 2: 4, 1: 5}, False),              # quotient just fits
    ("idiv cl", {0: 0xFF80, 1: 1}, False),                        # -128 / 1 = -128 fits
    ("idiv cl", {0: 0x0080, 1: 1}, True),                         # 128 does not
    ("idiv ecx", {0: 0, 2: 0x80000000, 1: 0xFFFFFFFF}, True),     # -2^63 / -1
])
def test_divide_errors(src, regs, fault):
    e = run("prot32", src, regs)
    if fault:
        assert e.fault() == (DE, None)
        assert [e.cpu.regs[r] for r in regs] == list(regs.values())     # nothing changed
    else:
        assert e.vector() is None


def test_idiv_truncates_toward_zero():
    e = run("prot32", "idiv ecx", {0: (-7) & 0xFFFFFFFF, 2: 0xFFFFFFFF, 1: 2})
    assert e.cpu.regs[0] == (-3) & 0xFFFFFFFF and e.cpu.regs[2] == (-1) & 0xFFFFFFFF


def test_mul_and_imul_set_cf_of_on_a_significant_high_half():
    e = run("prot32", "mul ecx", {0: 0x10000, 1: 0x10000})
    assert e.cpu.regs[2] == 1 and e.cpu.regs[0] == 0 and flags(e) & (CF | OF) == CF | OF
    e = run("prot32", "imul eax, ecx, -1", {1: 0x80000000})      # -(-2^31) overflows
    assert e.cpu.regs[0] == 0x80000000 and flags(e) & (CF | OF) == CF | OF
    e = run("prot32", "imul eax, ecx, -1", {1: 5})
    assert e.cpu.regs[0] == (-5) & 0xFFFFFFFF and flags(e) & (CF | OF) == 0


# -- shifts and rotates --------------------------------------------------------------------------
def test_shift_count_zero_changes_no_flags_but_still_writes_r32():
    e = run("long64", "cmp eax, ebx\nshl ecx, cl",
            {0: 1, 3: 2, 1: 0xFFFFFFFF_00000000})             # CL = 0; CF=SF=1 from the CMP
    assert flags(e) & (CF | SF | ZF) == CF | SF
    assert e.cpu.regs[1] == 0                                   # 32-bit write zero-extends


def test_shift_counts_are_masked():
    e = run("long64", "shl eax, 33\nshl rbx, 65\nmov cl, 0x41\nshr rdx, cl",
            {0: 1, 3: 1, 2: 4})
    assert e.cpu.regs[0] == 2 and e.cpu.regs[3] == 2 and e.cpu.regs[2] == 2


def test_rcl_byte_count_nine_is_a_full_turn():
    e = run("prot32", "stc\nrcl al, 9", {0: 0x5A})
    assert e.cpu.regs[0] & 0xFF == 0x5A and flags(e) & CF


def test_rotate_and_shift_flags():
    e = run("prot32", "rol al, 1", {0: 0x80})                   # CF=1 (bit out), OF=MSB^CF
    assert e.cpu.regs[0] & 0xFF == 1 and flags(e) & (CF | OF) == CF | OF
    e = run("prot32", "sar al, 1", {0: 0x81})
    assert e.cpu.regs[0] & 0xFF == 0xC0 and flags(e) & (CF | OF | SF) == CF | SF
    e = run("prot32", "shld eax, ebx, 4", {0: 0x1234_5678, 3: 0x9ABC_DEF0})
    assert e.cpu.regs[0] == 0x2345_6789 and flags(e) & CF == 1
    e = run("prot32", "shrd eax, ebx, 8", {0: 0x1234_5678, 3: 0x9ABC_DEF0})
    assert e.cpu.regs[0] == 0xF012_3456 and not flags(e) & CF


# -- bits ---------------------------------------------------------------------------------
def test_bt_register_offset_addresses_a_bit_string():
    # Offset -1 from [0x8004] is bit 31 of the dword at 0x8000.
    e = run("prot32", "bts dword ptr [0x8004], ecx", {1: 0xFFFFFFFF})
    assert e.bus.read(0x8000, 4) == 0x80000000 and e.bus.read(0x8004, 4) == 0
    e = run("prot32", "bt word ptr [0x8000], cx", {1: 35}, {0x8004: b"\x08"})
    assert flags(e) & CF                                          # bit 3 of the word at 0x8004
    e = run("prot32", "bt dword ptr [0x8000], 35", {}, {0x8000: b"\x08"})
    assert flags(e) & CF                                          # an immediate wraps: bit 3


def test_bt_keeps_zf():
    e = run("prot32", "cmp eax, eax\nbt ecx, 0", {1: 1})
    assert flags(e) & (ZF | CF) == ZF | CF


def test_bsf_bsr_zero_source():
    e = run("long64", "bsf rax, rcx", {0: 0x1234, 1: 0})
    assert e.cpu.regs[0] == 0x1234 and flags(e) & ZF
    e = run("long64", "bsr eax, ecx", {0: 0xFFFF_FFFF_0000_1234, 1: 0})
    assert e.cpu.regs[0] == 0x1234 and flags(e) & ZF          # as Intel: upper half cleared
    e = run("long64", "bsr rax, rcx\nbsf rdx, rcx", {1: 0x0100_0000_0000_0010})
    assert e.cpu.regs[0] == 56 and e.cpu.regs[2] == 4 and not flags(e) & ZF


def test_tzcnt_lzcnt_popcnt():
    e = run("long64", "tzcnt eax, ecx\nlzcnt rbx, rdx\npopcnt rsi, rdi",
            {1: 0, 2: 1, 7: 0xF0F0})
    assert e.cpu.regs[0] == 32 and e.cpu.regs[3] == 63 and e.cpu.regs[6] == 8
    e = run("long64", "tzcnt eax, ecx", {1: 0})
    assert flags(e) & CF
    e = run("long64", "popcnt eax, ecx", {1: 0})
    assert flags(e) & (ZF | CF) == ZF


# -- decimal -------------------------------------------------------------------------------
@pytest.mark.parametrize("src,ax,fl,want_ax,want_fl", [
    ("daa", 0x00AE, 0, 0x0014, CF | AF),        # 0x79 + 0x35 = 0xAE -> 114 decimal
    ("das", 0x00EE, CF | AF, 0x0088, CF | AF),  # 0x35 - 0x47 = 0xEE -> -12 -> 88, borrow
    ("das", 0x0003, AF, 0x00FD, CF | AF),       # AL < 6 with AF: the borrow sets CF
    ("aaa", 0x00FA, 0, 0x0200, CF | AF),        # AX + 0x106: the AL carry reaches AH
    ("aas", 0x0100, AF, 0xFF0A, CF | AF),       # AX - 6, AH - 1
    ("aam", 0x003F, 0, 0x0603, 0),              # 63 = 6*10 + 3
    ("aad", 0x0603, 0, 0x003F, 0),
    (".byte 0xD6", 0x1234, CF, 0x12FF, CF),     # SALC
])
def test_bcd(src, ax, fl, want_ax, want_fl):
    setflags = "stc" if fl & CF else "clc"
    # Build AF with an addition whose low nibbles carry (0x0F + 1) when AF is wanted.
    pre = f"mov dl, {0x0F if fl & AF else 0}\nadd dl, 1\n{setflags}\n"
    e = run("real", pre + src, {0: ax})
    assert e.cpu.regs[0] & 0xFFFF == want_ax
    assert flags(e) & (CF | AF) == want_fl & (CF | AF)


def test_aam_zero_is_divide_error_and_bcd_is_invalid_in_64bit():
    assert run("real", ".byte 0xD4, 0").fault() == (DE, None)
    assert run("long64", ".byte 0x27").fault() == (UD, None)      # DAA
