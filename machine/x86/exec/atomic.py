"""Compare-and-exchange and exchange-and-add: CMPXCHG, CMPXCHG8B/CMPXCHG16B, XADD (SDM Vol. 2).

One CPU runs one instruction at a time, so LOCK needs no more than the decode-time check in
exec/__init__.py. CMPXCHG writes its destination back even when the comparison fails (a locked
read-modify-write always writes), and writes the accumulator only on failure.
"""
from __future__ import annotations

from .. import flags as F
from ..state import GP, CpuFault
from . import sem
from .operands import MASK, ea_fn, reader, rmw, seg_of, size_of, writer

ZF = F.ZF


def _ipm(d):
    return MASK[8] if d.bits == 64 else (0xFFFFFFFF if d.bits == 32 else 0xFFFF)


@sem("cmpxchg")
def cmpxchg(cpu, d):
    dst, src = d.operands
    size = size_of(dst, d)
    bits = size * 8
    mask = MASK[size]
    load, store = rmw(cpu, d, dst)
    getsrc = reader(cpu, d, src)
    acc = ("r", 0, size)
    getacc = reader(cpu, d, acc)
    putacc = writer(cpu, d, acc)
    n = d.length
    ipm = _ipm(d)
    SUB = F.SUB

    def f():
        v = load()
        a = getacc()
        if a == v:
            store(getsrc())
        else:
            store(v)
            putacc(v)
        cpu.lazy = (SUB, bits, a, v, (a - v) & mask, 0)
        cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("cmpxchg8b")
def cmpxchg8b(cpu, d):
    # With REX.W this is CMPXCHG16B: RDX:RAX against an aligned m128, RCX:RBX stored on success.
    wide = bool(d.rex & 8) and d.bits == 64
    half = 8 if wide else 4
    hm = MASK[half]
    ea = ea_fn(cpu, d)
    s = seg_of(d)
    size = 2 * half
    regs = cpu.regs
    rd, wr = cpu.rd, cpu.wr
    n = d.length
    ipm = _ipm(d)

    def f():
        a = ea()
        if wide and (cpu.segs[s].base + a) & 15:
            raise CpuFault(GP, 0)
        v = rd(s, a, size)
        want = ((regs[2] & hm) << (8 * half)) | (regs[0] & hm)
        fl = F.materialize(cpu)
        if v == want:
            wr(s, a, size, ((regs[1] & hm) << (8 * half)) | (regs[3] & hm))
            cpu.rflags = fl | ZF
        else:
            wr(s, a, size, v)
            regs[0] = v & hm
            regs[2] = v >> (8 * half)
            cpu.rflags = fl & ~ZF
        cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("xadd")
def xadd(cpu, d):
    dst, src = d.operands
    size = size_of(dst, d)
    bits = size * 8
    mask = MASK[size]
    load, store = rmw(cpu, d, dst)
    getsrc = reader(cpu, d, src)
    putsrc = writer(cpu, d, src)
    n = d.length
    ipm = _ipm(d)
    ADD = F.ADD

    def f():
        a = load()
        b = getsrc()
        res = (a + b) & mask
        if dst[0] == "m":
            store(res)                      # the memory write may fault: do it first
            putsrc(a)
        else:
            putsrc(a)
            store(res)                      # xadd r, r with the same register keeps the sum
        cpu.lazy = (ADD, bits, a, b, res, 0)
        cpu.rip = (cpu.rip + n) & ipm
    return f
