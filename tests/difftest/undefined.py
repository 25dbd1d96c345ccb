"""What the differential test may not compare, as data.

UNDEFINED: flags the SDM (Vol. 2, each instruction's "Flags Affected") leaves undefined, keyed by
our mnemonic. A value is a flag mask, or a function (insn, count) -> mask for the shifts, whose
undefined flags depend on the masked count (`count` is the masked count, None if none).
After each instruction the runner compares the other flags and copies unicorn's value of the
undefined ones into our CPU, so later instructions start from the same flags.
"""
from __future__ import annotations

from machine.x86.flags import AF, CF, OF, PF, SF, ZF

ALL6 = CF | PF | AF | ZF | SF | OF


def _shift(insn, c):
    if not c:
        return 0                                   # a zero count changes no flag
    m = AF | (OF if c != 1 else 0)
    bits = 8 * _dsize(insn)
    if insn.mnem in ("shl", "sal", "shr") and c >= bits:
        m |= CF                                    # "CF is undefined ... count >= size"
    return m


def _rotate(insn, c):
    return OF if c and c != 1 else 0               # OF defined only for a count of 1


def _shiftd(insn, c):
    if not c:
        return 0
    if c > 8 * _dsize(insn):
        return ALL6                                # result and flags undefined (count > size)
    return AF | (OF if c != 1 else 0)


def _dsize(insn):
    o = insn.operands[0]
    return o[2] if o[0] in ("r", "i") else (1 if o[0] == "rh" else o[1])


UNDEFINED = {
    "aaa": OF | SF | ZF | PF, "aas": OF | SF | ZF | PF,
    "aam": OF | AF | CF, "aad": OF | AF | CF,
    "daa": OF, "das": OF,
    "and": AF, "or": AF, "xor": AF, "test": AF,
    "mul": SF | ZF | AF | PF, "imul1": SF | ZF | AF | PF, "imul2": SF | ZF | AF | PF,
    "imul3": SF | ZF | AF | PF,
    "div": ALL6, "idiv": ALL6,
    "bt": OF | SF | AF | PF, "bts": OF | SF | AF | PF, "btr": OF | SF | AF | PF,
    "btc": OF | SF | AF | PF,
    "bsf": CF | OF | SF | AF | PF, "bsr": CF | OF | SF | AF | PF,
    "tzcnt": OF | SF | PF | AF, "lzcnt": OF | SF | PF | AF,
    "shl": _shift, "sal": _shift, "shr": _shift, "sar": _shift,
    "rol": _rotate, "ror": _rotate, "rcl": _rotate, "rcr": _rotate,
    "shld": _shiftd, "shrd": _shiftd,
}
SHIFTS = {"shl", "sal", "shr", "sar", "rol", "ror", "rcl", "rcr", "shld", "shrd"}


def shift_count(insn, regs) -> int | None:
    """The masked count of a shift/rotate given the registers before it runs."""
    if insn.mnem not in SHIFTS:
        return None
    c = insn.operands[-1]
    v = c[1] if c[0] == "i" else regs[1] & 0xFF
    return v & (0x3F if _dsize(insn) == 8 else 0x1F)


def undefined_flags(insn, regs) -> int:
    u = UNDEFINED.get(insn.mnem, 0)
    if callable(u):
        return u(insn, shift_count(insn, regs))
    return u
