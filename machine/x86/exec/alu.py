"""Integer arithmetic and logic: ADD/OR/ADC/SBB/AND/SUB/XOR/CMP, TEST, INC/DEC, NEG/NOT.

Flags are left lazy (see machine/x86/flags.py)."""
from __future__ import annotations

from .. import flags as F
from . import sem
from .operands import MASK, ea_fn, next_ip, reader, rmw, seg_of, size_of

KIND = {"add": F.ADD, "adc": F.ADC, "sub": F.SUB, "sbb": F.SBB, "cmp": F.SUB,
        "and": F.LOGIC, "or": F.LOGIC, "xor": F.LOGIC, "test": F.LOGIC}


def _op(m):
    if m == "add":
        return lambda a, b, c: a + b
    if m == "adc":
        return lambda a, b, c: a + b + c
    if m in ("sub", "cmp"):
        return lambda a, b, c: a - b
    if m == "sbb":
        return lambda a, b, c: a - b - c
    if m in ("and", "test"):
        return lambda a, b, c: a & b
    if m == "or":
        return lambda a, b, c: a | b
    return lambda a, b, c: a ^ b


@sem("add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test")
def alu(cpu, d):
    m = d.mnem
    dst, src = d.operands
    size = size_of(dst, d)
    mask = MASK[size]
    bits = size * 8
    kind = KIND[m]
    n = d.length
    ipm = MASK[8] if d.bits == 64 else (0xFFFFFFFF if d.bits == 32 else 0xFFFF)
    regs = cpu.regs
    writes = m not in ("cmp", "test")
    # Fast forms: 32/64-bit register destination.
    if dst[0] == "r" and size >= 4 and src[0] in ("r", "i") and m not in ("adc", "sbb"):
        r = dst[1]
        if src[0] == "i":
            b_const = src[1]
            getb = None
        else:
            s = src[1]
            getb = (lambda: regs[s]) if size == 8 else (lambda: regs[s] & mask)
        if m == "add" and getb is None:
            def f():
                a = regs[r] & mask
                res = (a + b_const) & mask
                regs[r] = res
                cpu.lazy = (kind, bits, a, b_const, res, 0)
                cpu.rip = (cpu.rip + n) & ipm
            return f
        if m in ("sub", "cmp") and getb is None:
            def f():
                a = regs[r] & mask
                res = (a - b_const) & mask
                if writes:
                    regs[r] = res
                cpu.lazy = (kind, bits, a, b_const, res, 0)
                cpu.rip = (cpu.rip + n) & ipm
            return f
        op = _op(m)
        if getb is None:
            def getb():
                return b_const

        def f():
            a = regs[r] & mask
            b = getb()
            res = op(a, b, 0) & mask
            if writes:
                regs[r] = res
            cpu.lazy = (kind, bits, a, b, res, 0)
            cpu.rip = (cpu.rip + n) & ipm
        return f
    op = _op(m)
    if dst[0] == "r" and size >= 4 and src[0] == "m" and m not in ("adc", "sbb"):
        r = dst[1]
        ea, sg, rd = ea_fn(cpu, d), seg_of(d), cpu.rd

        def f():
            a = regs[r] & mask
            b = rd(sg, ea(), size)
            res = op(a, b, 0) & mask
            if writes:
                regs[r] = res
            cpu.lazy = (kind, bits, a, b, res, 0)
            cpu.rip = (cpu.rip + n) & ipm
        return f
    load, store = rmw(cpu, d, dst)
    getb = reader(cpu, d, src)
    carry = F.carry
    if m in ("adc", "sbb"):
        def f():
            a = load()
            b = getb()
            c = carry(cpu)
            res = op(a, b, c) & mask
            store(res)
            cpu.lazy = (kind, bits, a, b, res, c)
            cpu.rip = (cpu.rip + n) & ipm
    elif writes:
        def f():
            a = load()
            b = getb()
            res = op(a, b, 0) & mask
            store(res)
            cpu.lazy = (kind, bits, a, b, res, 0)
            cpu.rip = (cpu.rip + n) & ipm
    else:
        def f():
            a = load()
            b = getb()
            cpu.lazy = (kind, bits, a, b, op(a, b, 0) & mask, 0)
            cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("inc", "dec")
def incdec(cpu, d):
    dst = d.operands[0]
    size = size_of(dst, d)
    mask, bits = MASK[size], size * 8
    load, store = rmw(cpu, d, dst)
    adv = next_ip(cpu, d)
    carry = F.carry
    if d.mnem == "inc":
        def f():
            a = load()
            res = (a + 1) & mask
            store(res)
            cpu.lazy = (F.INC, bits, a, 1, res, carry(cpu))
            adv()
    else:
        def f():
            a = load()
            res = (a - 1) & mask
            store(res)
            cpu.lazy = (F.DEC, bits, a, 1, res, carry(cpu))
            adv()
    return f


@sem("neg")
def neg(cpu, d):
    dst = d.operands[0]
    size = size_of(dst, d)
    mask, bits = MASK[size], size * 8
    load, store = rmw(cpu, d, dst)
    adv = next_ip(cpu, d)

    def f():
        a = load()
        res = (-a) & mask
        store(res)
        cpu.lazy = (F.NEG, bits, a, 0, res, 0)
        adv()
    return f


@sem("not")
def not_(cpu, d):
    dst = d.operands[0]
    mask = MASK[size_of(dst, d)]
    load, store = rmw(cpu, d, dst)
    adv = next_ip(cpu, d)

    def f():
        store(load() ^ mask)
        adv()
    return f
