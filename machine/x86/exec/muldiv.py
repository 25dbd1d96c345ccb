"""Multiply and divide: MUL, IMUL (one-, two- and three-operand forms: imul1/imul2/imul3), DIV,
IDIV (SDM Vol. 2).

MUL/IMUL set CF = OF = "the high half is significant"; SF/ZF/AF/PF are undefined (we take
SF/ZF/PF from the low half of the result and clear AF). DIV/IDIV leave every flag undefined; we
leave them unchanged. Divide by zero and a quotient too large for the destination raise #DE
before any register changes.
"""
from __future__ import annotations

from .. import flags as F
from ..state import DE, CpuFault
from . import sem
from .operands import MASK, SIGN, reader, size_of, writer

RES = F.RES
CFOF = F.CF | F.OF


def _ipm(d):
    return MASK[8] if d.bits == 64 else (0xFFFFFFFF if d.bits == 32 else 0xFFFF)


def _acc_writers(cpu, size):
    """(low, high) writers for the implicit destination: AX for byte forms, else rDX:rAX."""
    regs = cpu.regs
    if size == 1:
        def lo(v):
            regs[0] = (regs[0] & ~0xFFFF) | v
        return lo, None
    if size >= 4:
        def lo(v):
            regs[0] = v

        def hi(v):
            regs[2] = v
        return lo, hi
    keep = ~0xFFFF

    def lo(v):
        regs[0] = (regs[0] & keep) | v

    def hi(v):
        regs[2] = (regs[2] & keep) | v
    return lo, hi


@sem("mul", "imul1")
def mul(cpu, d):
    src = d.operands[0]
    size = size_of(src, d)
    bits = size * 8
    mask = MASK[size]
    sb = SIGN[size]
    get = reader(cpu, d, src)
    regs = cpu.regs
    put_lo, put_hi = _acc_writers(cpu, size)
    signed = d.mnem == "imul1"
    n = d.length
    ipm = _ipm(d)

    def f():
        b = get()
        a = regs[0] & mask
        if signed:
            p = ((a ^ sb) - sb) * ((b ^ sb) - sb)
            lo = p & mask
            big = p != ((lo ^ sb) - sb)
        else:
            p = a * b
            lo = p & mask
            big = p > mask
        hi = (p >> bits) & mask
        if size == 1:
            put_lo((hi << 8) | lo)
        else:
            put_lo(lo)
            put_hi(hi)
        cpu.lazy = (RES, bits, a, b, lo, CFOF if big else 0)
        cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("imul2", "imul3")
def imul(cpu, d):
    if d.mnem == "imul2":
        dst, src = d.operands
        geta = reader(cpu, d, dst)
        getb = reader(cpu, d, src)
    else:
        dst, src, imm = d.operands
        geta = reader(cpu, d, src)
        getb = reader(cpu, d, imm)
    size = size_of(dst, d)
    bits = size * 8
    mask = MASK[size]
    sb = SIGN[size]
    put = writer(cpu, d, dst)
    n = d.length
    ipm = _ipm(d)

    def f():
        a = geta()
        b = getb()
        p = ((a ^ sb) - sb) * ((b ^ sb) - sb)
        lo = p & mask
        put(lo)
        cpu.lazy = (RES, bits, a, b, lo, CFOF if p != ((lo ^ sb) - sb) else 0)
        cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("div", "idiv")
def div(cpu, d):
    src = d.operands[0]
    size = size_of(src, d)
    bits = size * 8
    mask = MASK[size]
    sb = SIGN[size]
    get = reader(cpu, d, src)
    regs = cpu.regs
    put_lo, put_hi = _acc_writers(cpu, size)
    signed = d.mnem == "idiv"
    n = d.length
    ipm = _ipm(d)
    dmask = MASK[2 * size] if size < 8 else (1 << 128) - 1
    dsb = 1 << (2 * bits - 1)

    def f():
        b = get()
        if not b:
            raise CpuFault(DE)
        if size == 1:
            a = regs[0] & 0xFFFF
        else:
            a = ((regs[2] & mask) << bits) | (regs[0] & mask)
        if signed:
            a = ((a & dmask) ^ dsb) - dsb
            sbv = (b ^ sb) - sb
            q = abs(a) // abs(sbv)
            if (a < 0) != (sbv < 0):
                q = -q
            r = a - q * sbv                 # truncating division: r takes the dividend's sign
            if q >= sb or q < -sb:
                raise CpuFault(DE)
            q &= mask
            r &= mask
        else:
            q, r = divmod(a, b)
            if q > mask:
                raise CpuFault(DE)
        if size == 1:
            put_lo((r << 8) | q)
        else:
            put_lo(q)
            put_hi(r)
        cpu.rip = (cpu.rip + n) & ipm
    return f
