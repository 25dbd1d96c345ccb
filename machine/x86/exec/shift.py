"""Shifts and rotates: ROL/ROR/RCL/RCR/SHL/SAL/SHR/SAR, SHLD/SHRD (SDM Vol. 2, SAL/SAR/SHL/SHR,
RCL/RCR/ROL/ROR, SHLD, SHRD).

The count is masked to 5 bits (6 with a 64-bit operand). A masked count of 0 changes no flags
(the destination is still written back). OF is defined only for a masked count of 1; we compute
the count-1 formula for every count. AF is undefined after a shift; we clear it. Shifts leave
flags lazy (SF/ZF/PF from the result); rotates change only CF and OF.
"""
from __future__ import annotations

from .. import flags as F
from . import sem
from .operands import MASK, reader, rmw, size_of

CF, OF = F.CF, F.OF
RES = F.RES


def _count(cpu, d, o, cmask):
    """(constant masked count or None, reader for a variable count)."""
    if o[0] == "i":
        return o[1] & cmask, None
    regs = cpu.regs
    return None, (lambda: regs[1] & cmask)        # CL


def _shift_fn(m, bits):
    """f(a, c, cpu) -> result for shifts with a nonzero count; sets cpu.lazy."""
    mask = (1 << bits) - 1
    sign = bits - 1
    sbit = 1 << sign
    if m in ("shl", "sal"):
        def op(a, c, cpu):
            w = a << c
            res = w & mask
            cf = (w >> bits) & 1                  # undefined by the SDM when c >= bits
            cpu.lazy = (RES, bits, a, c, res, cf | (((res >> sign) ^ cf) << 11))
            return res
    elif m == "shr":
        def op(a, c, cpu):
            res = a >> c
            cpu.lazy = (RES, bits, a, c, res, ((a >> (c - 1)) & 1) | ((a >> sign) << 11))
            return res
    else:  # sar: OF is 0 for a count of 1
        def op(a, c, cpu):
            sa = a - ((a & sbit) << 1)
            res = (sa >> c) & mask
            cpu.lazy = (RES, bits, a, c, res, (sa >> (c - 1)) & 1)
            return res
    return op


def _rotate_fn(m, bits):
    """f(a, c, cpu) -> result for rotates with a nonzero masked count; sets CF/OF eagerly."""
    mask = (1 << bits) - 1
    sign = bits - 1
    materialize = F.materialize
    if m == "rol":
        def op(a, c, cpu):
            c %= bits
            res = ((a << c) | (a >> (bits - c))) & mask
            cf = res & 1
            fl = materialize(cpu)
            cpu.rflags = (fl & ~(CF | OF)) | cf | (((res >> sign) ^ cf) << 11)
            return res
    elif m == "ror":
        def op(a, c, cpu):
            c %= bits
            res = ((a >> c) | (a << (bits - c))) & mask
            cf = res >> sign
            fl = materialize(cpu)
            cpu.rflags = (fl & ~(CF | OF)) | cf | ((cf ^ ((res >> (sign - 1)) & 1)) << 11)
            return res
    else:
        # RCL/RCR rotate through CF: a (bits+1)-bit rotation; 8/16-bit counts are taken modulo
        # 9/17, and a count that reduces to 0 leaves CF (and OF) alone.
        wide = bits + 1
        wmask = (1 << wide) - 1
        left = m == "rcl"

        def op(a, c, cpu):
            c %= wide
            if not c:
                return a
            fl = materialize(cpu)
            cin = fl & 1
            t = (cin << bits) | a
            if left:
                t = ((t << c) | (t >> (wide - c))) & wmask
                res = t & mask
                cf = t >> bits
                of = (res >> sign) ^ cf
            else:
                of = (a >> sign) ^ cin
                t = ((t >> c) | (t << (wide - c))) & wmask
                res = t & mask
                cf = t >> bits
            cpu.rflags = (fl & ~(CF | OF)) | cf | (of << 11)
            return res
    return op


@sem("rol", "ror", "rcl", "rcr", "shl", "sal", "shr", "sar")
def shift(cpu, d):
    dst, cnt = d.operands
    size = size_of(dst, d)
    bits = size * 8
    cmask = 0x3F if size == 8 else 0x1F
    m = d.mnem
    n = d.length
    ipm = MASK[8] if d.bits == 64 else (0xFFFFFFFF if d.bits == 32 else 0xFFFF)
    op = _rotate_fn(m, bits) if m[0] == "r" else _shift_fn(m, bits)
    const, getc = _count(cpu, d, cnt, cmask)
    regs = cpu.regs
    if dst[0] == "r" and size >= 4 and const is not None:
        r = dst[1]
        mask = MASK[size]
        if const == 0:
            def f():
                regs[r] &= mask
                cpu.rip = (cpu.rip + n) & ipm
            return f
        if m in ("shl", "sal"):
            sign = bits - 1
            c = const

            def f():                              # the common `shl reg, imm`
                a = regs[r] & mask
                w = a << c
                res = regs[r] = w & mask
                cf = (w >> bits) & 1
                cpu.lazy = (RES, bits, a, c, res, cf | (((res >> sign) ^ cf) << 11))
                cpu.rip = (cpu.rip + n) & ipm
            return f

        def f():
            regs[r] = op(regs[r] & mask, const, cpu)
            cpu.rip = (cpu.rip + n) & ipm
        return f
    if dst[0] == "r" and size >= 4:
        r = dst[1]
        mask = MASK[size]

        def f():                                  # `shl reg, cl` and friends
            c = regs[1] & cmask
            if c:
                regs[r] = op(regs[r] & mask, c, cpu)
            else:
                regs[r] &= mask
            cpu.rip = (cpu.rip + n) & ipm
        return f
    load, store = rmw(cpu, d, dst)
    if const is not None:
        if const == 0:
            def f():
                store(load())
                cpu.rip = (cpu.rip + n) & ipm
            return f

        def f():
            store(op(load(), const, cpu))
            cpu.rip = (cpu.rip + n) & ipm
        return f

    def f():
        a = load()
        c = getc()
        store(op(a, c, cpu) if c else a)
        cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("shld", "shrd")
def shiftd(cpu, d):
    dst, src, cnt = d.operands
    size = size_of(dst, d)
    bits = size * 8
    mask = MASK[size]
    sign = bits - 1
    cmask = 0x3F if size == 8 else 0x1F
    n = d.length
    ipm = MASK[8] if d.bits == 64 else (0xFFFFFFFF if d.bits == 32 else 0xFFFF)
    const, getc = _count(cpu, d, cnt, cmask)
    if getc is None:
        def getc():
            return const
    load, store = rmw(cpu, d, dst)
    getsrc = reader(cpu, d, src)
    left = d.mnem == "shld"
    # A 16-bit count above 16 gives an undefined result; we shift the 48-bit dst:src:dst
    # pattern (as P6-family processors do) so that every count has a definite answer.
    wide16 = size == 2

    def f():
        a = load()
        b = getsrc()
        c = getc()
        if not c:
            store(a)
            cpu.rip = (cpu.rip + n) & ipm
            return
        if left:
            if wide16:
                t = (a << 32) | (b << 16) | a
                res = ((t << c) >> 32) & mask
                cf = (t >> (48 - c)) & 1
            else:
                t = (a << bits) | b
                res = ((t << c) >> bits) & mask
                cf = (a >> (bits - c)) & 1
        else:
            t = ((a << 32) | (b << 16) | a) if wide16 else ((b << bits) | a)
            res = (t >> c) & mask
            cf = (t >> (c - 1)) & 1
        store(res)
        cpu.lazy = (RES, bits, a, c, res, cf | ((((res ^ a) >> sign) & 1) << 11))
        cpu.rip = (cpu.rip + n) & ipm
    return f
