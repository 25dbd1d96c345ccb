"""Bit instructions: BT/BTS/BTR/BTC, BSF/BSR, TZCNT/LZCNT, POPCNT (SDM Vol. 2).

BT*: CF is the selected bit, ZF is unchanged, OF/SF/AF/PF are undefined (we leave them). With a
memory operand and a register offset the operand is a bit string: the offset is signed and
selects the operand-sized word at EA + size * (offset SAR log2(bits)) (SDM Vol. 2, BT,
"bit base"). BSF/BSR with a zero source set ZF and keep the destination (a 32-bit destination
is still zero-extended in 64-bit mode, as Intel processors do).
"""
from __future__ import annotations

from .. import flags as F
from . import sem
from .operands import MASK, SIGN, ea_fn, reader, rmw, seg_of, size_of, writer

CF = F.CF
RES, LOGIC = F.RES, F.LOGIC

_MODIFY = {
    "bt": None,
    "bts": lambda v, m: v | m,
    "btr": lambda v, m: v & ~m,
    "btc": lambda v, m: v ^ m,
}


def _ipm(d):
    return MASK[8] if d.bits == 64 else (0xFFFFFFFF if d.bits == 32 else 0xFFFF)


@sem("bt", "bts", "btr", "btc")
def bt(cpu, d):
    dst, off = d.operands
    size = size_of(dst, d)
    bits = size * 8
    modify = _MODIFY[d.mnem]
    n = d.length
    ipm = _ipm(d)
    materialize = F.materialize
    if dst[0] == "m" and off[0] == "r":
        # Bit-string addressing: the register offset may reach outside the operand.
        ea = ea_fn(cpu, d)
        s = seg_of(d)
        am = MASK[d.adsize]
        getoff = reader(cpu, d, off)
        sb = SIGN[size]
        shift = bits.bit_length() - 1
        rd, wr = cpu.rd, cpu.wr

        def f():
            o = getoff()
            o = (o ^ sb) - sb
            a = (ea() + size * (o >> shift)) & am
            v = rd(s, a, size)
            bit = o & (bits - 1)
            if modify is not None:
                wr(s, a, size, modify(v, 1 << bit))
            cpu.rflags = (materialize(cpu) & ~CF) | ((v >> bit) & 1)
            cpu.rip = (cpu.rip + n) & ipm
        return f
    if off[0] == "i":
        bit_c = off[1] & (bits - 1)

        def getbit():
            return bit_c
    else:
        getraw = reader(cpu, d, off)
        bm = bits - 1

        def getbit():
            return getraw() & bm
    if modify is None:
        get = reader(cpu, d, dst)

        def f():
            v = get()
            cpu.rflags = (materialize(cpu) & ~CF) | ((v >> getbit()) & 1)
            cpu.rip = (cpu.rip + n) & ipm
        return f
    load, store = rmw(cpu, d, dst)

    def f():
        v = load()
        bit = getbit()
        store(modify(v, 1 << bit))
        cpu.rflags = (materialize(cpu) & ~CF) | ((v >> bit) & 1)
        cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("bsf", "bsr")
def bsf(cpu, d):
    dst, src = d.operands
    size = size_of(dst, d)
    bits = size * 8
    get = reader(cpu, d, src)
    cur = reader(cpu, d, dst)
    put = writer(cpu, d, dst)
    forward = d.mnem == "bsf"
    n = d.length
    ipm = _ipm(d)

    def f():
        v = get()
        if v:
            put(((v & -v).bit_length() - 1) if forward else (v.bit_length() - 1))
        else:
            put(cur())                      # undefined; Intel keeps the old value
        # Only ZF is defined (set when the source is 0).
        cpu.lazy = (LOGIC, bits, v, 0, v, 0)
        cpu.rip = (cpu.rip + n) & ipm
    return f


@sem("tzcnt", "lzcnt", "popcnt")
def count(cpu, d):
    dst, src = d.operands
    size = size_of(dst, d)
    bits = size * 8
    get = reader(cpu, d, src)
    put = writer(cpu, d, dst)
    m = d.mnem
    n = d.length
    ipm = _ipm(d)
    materialize = F.materialize

    if m == "popcnt":
        def f():
            v = get()
            put(v.bit_count())
            # POPCNT clears OF/SF/AF/CF/PF and sets ZF for a zero source.
            cpu.rflags = (materialize(cpu) & ~F.ARITH) | (0 if v else F.ZF)
            cpu.rip = (cpu.rip + n) & ipm
        return f
    lead = m == "lzcnt"

    def f():
        v = get()
        if lead:
            res = bits - v.bit_length()
        else:
            res = ((v & -v).bit_length() - 1) if v else bits
        put(res)
        # CF: the source was 0; ZF: the result is 0; OF/SF/PF/AF undefined.
        cpu.lazy = (RES, bits, v, 0, res, 0 if v else CF)
        cpu.rip = (cpu.rip + n) & ipm
    return f
