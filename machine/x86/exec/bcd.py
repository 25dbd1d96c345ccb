"""Decimal arithmetic adjustments: DAA/DAS/AAA/AAS/AAM/AAD, and SALC (SDM Vol. 2; SALC is the
undocumented "set AL from carry", D6). All are invalid in 64-bit mode (the table marks them i64).

Flags the SDM leaves undefined: DAA/DAS OF (cleared here); AAA/AAS OF/SF/ZF/PF (left as they
were); AAM/AAD OF/AF/CF (cleared here).
"""
from __future__ import annotations

from .. import flags as F
from ..state import DE, CpuFault
from . import sem
from .operands import next_ip

CF, AF, ARITH = F.CF, F.AF, F.ARITH
LOGIC, RES = F.LOGIC, F.RES


@sem("daa", "das")
def daa(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs
    sub = d.mnem == "das"

    def f():
        fl = F.materialize(cpu)
        al = old = regs[0] & 0xFF
        old_cf = fl & CF
        cf = af = 0
        if (al & 0xF) > 9 or fl & AF:
            if sub:
                cf = old_cf or al < 6
                al = (al - 6) & 0xFF
            else:
                cf = old_cf or al > 0xF9
                al = (al + 6) & 0xFF
            af = AF
        if old > 0x99 or old_cf:
            al = (al + (-0x60 if sub else 0x60)) & 0xFF
            cf = 1
        elif not sub:
            cf = 0
        regs[0] = (regs[0] & ~0xFF) | al
        cpu.lazy = (RES, 8, old, 0, al, (CF if cf else 0) | af)
        adv()
    return f


@sem("aaa", "aas")
def aaa(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs
    sub = d.mnem == "aas"

    def f():
        fl = F.materialize(cpu)
        ax = regs[0] & 0xFFFF
        if (ax & 0xF) > 9 or fl & AF:
            # AX + 106H / AX - 6 then AH - 1: the AL carry or borrow reaches AH.
            ax = ((ax - 6 - 0x100) if sub else (ax + 0x106)) & 0xFFFF
            fl |= AF | CF
        else:
            fl &= ~(AF | CF)
        regs[0] = (regs[0] & ~0xFFFF) | (ax & 0xFF0F)
        cpu.rflags = fl
        adv()
    return f


@sem("aam")
def aam(cpu, d):
    base = d.operands[0][1]
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        if not base:
            raise CpuFault(DE)
        al = regs[0] & 0xFF
        ah, al = divmod(al, base)
        regs[0] = (regs[0] & ~0xFFFF) | (ah << 8) | al
        cpu.lazy = (LOGIC, 8, al, 0, al, 0)
        adv()
    return f


@sem("aad")
def aad(cpu, d):
    base = d.operands[0][1]
    adv = next_ip(cpu, d)
    regs = cpu.regs

    def f():
        ax = regs[0]
        al = ((ax & 0xFF) + ((ax >> 8) & 0xFF) * base) & 0xFF
        regs[0] = (ax & ~0xFFFF) | al
        cpu.lazy = (LOGIC, 8, al, 0, al, 0)
        adv()
    return f


@sem("salc")
def salc(cpu, d):
    adv = next_ip(cpu, d)
    regs = cpu.regs
    carry = F.carry

    def f():
        regs[0] = (regs[0] & ~0xFF) | (0xFF if carry(cpu) else 0)
        adv()
    return f
