"""Operand access closures built once per decoded instruction."""
from __future__ import annotations

from ..state import DS, SS

MASK = {1: 0xFF, 2: 0xFFFF, 4: 0xFFFFFFFF, 8: 0xFFFFFFFFFFFFFFFF, 16: (1 << 128) - 1}
SIGN = {1: 0x80, 2: 0x8000, 4: 0x80000000, 8: 0x8000000000000000}
BP, SP = 5, 4


def seg_of(d) -> int:
    """Segment for a memory operand: the override, else SS when based on (E/R)BP or (E/R)SP."""
    if d.seg is not None:
        return d.seg
    if d.base in (BP, SP) and not d.riprel:
        return SS
    return DS


def ea_fn(cpu, d):
    """A closure computing the effective address (offset within the segment)."""
    regs = cpu.regs
    amask = MASK[d.adsize]
    base, index, scale, disp = d.base, d.index, d.scale, d.disp
    if d.riprel:
        n = d.length
        return lambda: (cpu.rip + n + disp) & amask
    if base >= 0 and index >= 0:
        if scale:
            return lambda: (regs[base] + (regs[index] << scale) + disp) & amask
        return lambda: (regs[base] + regs[index] + disp) & amask
    if base >= 0:
        if disp:
            return lambda: (regs[base] + disp) & amask
        return lambda: regs[base] & amask
    if index >= 0:
        return lambda: ((regs[index] << scale) + disp) & amask
    c = disp & amask
    return lambda: c


def reader(cpu, d, o):
    """A closure returning the operand's value (zero-extended)."""
    regs = cpu.regs
    k = o[0]
    if k == "r":
        r, size = o[1], o[2]
        if size == 8:
            return lambda: regs[r]
        m = MASK[size]
        return lambda: regs[r] & m
    if k == "rh":
        r = o[1]
        return lambda: (regs[r] >> 8) & 0xFF
    if k == "i":
        v = o[1]
        return lambda: v
    if k == "m":
        size = o[1]
        ea = ea_fn(cpu, d)
        s = seg_of(d)
        rd = cpu.rd
        return lambda: rd(s, ea(), size)
    if k == "s":
        segs, n = cpu.segs, o[1]
        return lambda: segs[n].sel
    raise ValueError(o)


def writer(cpu, d, o):
    """A closure storing a value (already masked to the operand size) into the operand."""
    regs = cpu.regs
    k = o[0]
    if k == "r":
        r, size = o[1], o[2]
        if size >= 4:
            def w(v):
                regs[r] = v
            return w
        m = ~MASK[size]

        def w(v):
            regs[r] = (regs[r] & m) | v
        return w
    if k == "rh":
        r = o[1]

        def w(v):
            regs[r] = (regs[r] & ~0xFF00) | (v << 8)
        return w
    if k == "m":
        size = o[1]
        ea = ea_fn(cpu, d)
        s = seg_of(d)
        wr = cpu.wr

        def w(v):
            wr(s, ea(), size, v)
        return w
    raise ValueError(o)


def rmw(cpu, d, o):
    """(load, store) for read-modify-write: store writes where load read (EA computed once)."""
    if o[0] != "m":
        return reader(cpu, d, o), writer(cpu, d, o)
    size = o[1]
    ea = ea_fn(cpu, d)
    s = seg_of(d)
    rd, wr = cpu.rd, cpu.wr
    cell = [0]

    def load():
        a = cell[0] = ea()
        return rd(s, a, size)

    def store(v):
        wr(s, cell[0], size, v)
    return load, store


def size_of(o, d) -> int:
    if o[0] in ("r", "m", "i", "s"):
        return o[2] if o[0] in ("r", "i", "s") else o[1]
    if o[0] == "rh":
        return 1
    return d.opsize


def next_ip(cpu, d):
    """A closure advancing RIP past the instruction (wrapping as the code size says)."""
    n = d.length
    m = MASK[8] if d.bits == 64 else (0xFFFFFFFF if d.bits == 32 else 0xFFFF)

    def adv():
        cpu.rip = (cpu.rip + n) & m
    return adv


def ip_mask(d) -> int:
    return MASK[8] if d.bits == 64 else (0xFFFFFFFF if d.opsize >= 4 else 0xFFFF)
