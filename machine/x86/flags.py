"""RFLAGS bits and lazy arithmetic flags.

ALU instructions do not compute flags; they leave `cpu.lazy = (kind, bits, a, b, result, extra)`
and the six arithmetic flags are materialised only when something reads them. `extra` is the
carry-in for ADC/SBB, the preserved CF for INC/DEC, and for RES (SF/ZF/PF from the result)
the other flag bits (CF/AF/OF) the instruction computed itself.
"""
CF, PF, AF, ZF, SF, TF, IF, DF, OF = 0x1, 0x4, 0x10, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800
IOPL, NT, RF, VM, AC, VIF, VIP, ID = 0x3000, 0x4000, 0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x200000
ARITH = CF | PF | AF | ZF | SF | OF

PARITY = bytes(0 if bin(i).count("1") & 1 else PF for i in range(256))

# lazy kinds
ADD, ADC, SUB, SBB, LOGIC, INC, DEC, NEG, RES = range(9)


def _arith(kind, bits, a, b, r, extra):
    sign = bits - 1
    f = PARITY[r & 0xFF]
    if r == 0:
        f |= ZF
    f |= ((r >> sign) & 1) << 7
    if kind == LOGIC:
        return f
    if kind == RES:
        return f | extra
    if kind == ADD or kind == ADC or kind == INC:
        if kind == INC:
            f |= extra
        elif r < a or (kind == ADC and extra and r == a):
            f |= CF
        f |= (((a ^ r) & (b ^ r)) >> sign & 1) << 11
    elif kind == NEG:
        if a:
            f |= CF
        if a == 1 << sign:
            f |= OF
    else:  # SUB, SBB, DEC
        if kind == DEC:
            f |= extra
        elif a < b or (kind == SBB and extra and a == b):
            f |= CF
        f |= (((a ^ b) & (a ^ r)) >> sign & 1) << 11
    f |= (a ^ b ^ r) & AF
    return f


def materialize(cpu) -> int:
    """Fold the lazy flags into cpu.rflags and return it."""
    lz = cpu.lazy
    if lz is not None:
        cpu.rflags = (cpu.rflags & ~ARITH) | _arith(*lz)
        cpu.lazy = None
    return cpu.rflags


def carry(cpu) -> int:
    lz = cpu.lazy
    if lz is None:
        return cpu.rflags & 1
    k = lz[0]
    if k == ADD:
        return 1 if lz[4] < lz[2] else 0
    if k == SUB:
        return 1 if lz[2] < lz[3] else 0
    if k == LOGIC:
        return 0
    if k == INC or k == DEC:
        return lz[5]
    return _arith(*lz) & 1


# Condition codes 0-15 (the low nibble of Jcc/SETcc/CMOVcc) as functions of materialised flags.
def _cc_table():
    def o(f): return f & OF
    def b(f): return f & CF
    def z(f): return f & ZF
    def be(f): return f & (CF | ZF)
    def s(f): return f & SF
    def p(f): return f & PF
    def lt(f): return bool(f & SF) != bool(f & OF)
    def le(f): return bool(f & ZF) or bool(f & SF) != bool(f & OF)
    base = [o, b, z, be, s, p, lt, le]
    out = []
    for fn in base:
        out.append(fn)
        out.append(lambda f, fn=fn: not fn(f))
    return out


CC = _cc_table()          # CC[cc](rflags) -> truthy
CC_NAMES = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"]


def cond(cpu, cc: int) -> bool:
    lz = cpu.lazy
    if lz is not None:
        if cc == 4:
            return lz[4] == 0
        if cc == 5:
            return lz[4] != 0
        f = _arith(*lz)
    else:
        f = cpu.rflags
    return bool(CC[cc](f))
