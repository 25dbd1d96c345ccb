"""CPUID leaves: the feature set this model implements, as data (SDM Vol. 2, CPUID)."""
from __future__ import annotations

VENDOR = b"GenuineIntel"
SIGNATURE = 0x000306A9             # family 6, model 0x3A, stepping 9
BRAND = b"vtdbg virtual x86 CPU".ljust(48, b"\0")


def _bits(*ns):
    v = 0
    for n in ns:
        v |= 1 << n
    return v


# CPUID.1: EDX = PSE(3) TSC(4) MSR(5) PAE(6) CX8(8) SEP(11) PGE(13) CMOV(15) PAT(16) PSE36(17)
#          ECX: OSXSAVE(27) mirrors CR4.OSXSAVE.
LEAF1_EDX = _bits(3, 4, 5, 6, 8, 11, 13, 15, 16, 17)
LEAF1_ECX = _bits(5, 13, 23, 26)           # VMX(5) CX16(13) POPCNT(23) XSAVE(26)
# CPUID.7.0: EBX = BMI1(3) SMEP(7) SMAP(20)
LEAF7_EBX = _bits(3, 7, 20)
# CPUID.80000001: EDX = SYSCALL(11) NX(20) Page1GB(26) RDTSCP(27) LM(29); ECX = LAHF(0) ABM(5)
EXT1_EDX = _bits(11, 20, 26, 27, 29)
EXT1_ECX = _bits(0, 5)


def _regs(b: bytes):
    return [int.from_bytes(b[i:i + 4], "little") for i in range(0, len(b), 4)]


def cpuid(cpu, leaf: int, sub: int):
    """(EAX, EBX, ECX, EDX) for a leaf; VMX code adds to this through cpu.cpuid_hook."""
    hook = getattr(cpu, "cpuid_hook", None)
    if hook is not None:
        r = hook(leaf, sub)
        if r is not None:
            return r
    v = _regs(VENDOR)
    if leaf == 0:
        return 0xD, v[0], v[2], v[1]
    if leaf == 1:
        ecx = LEAF1_ECX | ((1 << 27) if cpu.cr4 & (1 << 18) else 0)
        return SIGNATURE, 0x00010800, ecx, LEAF1_EDX
    if leaf == 7:
        return (0, LEAF7_EBX, 0, 0) if sub == 0 else (0, 0, 0, 0)
    if leaf == 0xD:
        return (1, 512, 512, 0) if sub == 0 else (0, 0, 0, 0)
    if leaf == 0x80000000:
        return 0x80000008, 0, 0, 0
    if leaf == 0x80000001:
        return 0, 0, EXT1_ECX, EXT1_EDX
    if 0x80000002 <= leaf <= 0x80000004:
        i = (leaf - 0x80000002) * 16
        return tuple(_regs(BRAND[i:i + 16]))
    if leaf == 0x80000008:
        return 0x3027, 0, 0, 0            # 39 physical, 48 linear address bits
    if leaf <= 0xD or 0x80000000 <= leaf <= 0x80000008:
        return 0, 0, 0, 0
    # Beyond the maximum leaf, Intel CPUs return the highest basic leaf's data.
    return cpuid(cpu, 0xD, sub)
