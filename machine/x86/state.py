"""Pieces of architectural state shared by the x86 modules: segment registers, faults."""
from __future__ import annotations

ES, CS, SS, DS, FS, GS = range(6)
SEG_NAMES = ["es", "cs", "ss", "ds", "fs", "gs"]

# Exception vectors (SDM Vol. 3A, 6.3.1)
DE, DB, NMI, BP, OF_, BR, UD, NM, DF, TS, NP, SS_, GP, PF, MF, AC, MC, XM, VE, CP = (
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 21)
EXC_NAMES = {0: "#DE", 1: "#DB", 2: "NMI", 3: "#BP", 4: "#OF", 5: "#BR", 6: "#UD", 7: "#NM",
             8: "#DF", 9: "coprocessor segment overrun", 10: "#TS", 11: "#NP", 12: "#SS",
             13: "#GP", 14: "#PF", 16: "#MF", 17: "#AC", 18: "#MC", 19: "#XM", 20: "#VE",
             21: "#CP"}
HAS_ERROR_CODE = frozenset({8, 10, 11, 12, 13, 14, 17, 21})
CONTRIBUTORY = frozenset({0, 10, 11, 12, 13})

# Access-rights bits in the VMX layout (SDM Vol. 3C, 24.4.1): the hidden part of a segment.
AR_TYPE, AR_S, AR_DPL_SHIFT, AR_P, AR_AVL, AR_L, AR_DB, AR_G, AR_UNUSABLE = (
    0xF, 0x10, 5, 0x80, 0x1000, 0x2000, 0x4000, 0x8000, 0x10000)
NO_LIMIT = 1 << 65       # limit checks off (64-bit mode)


class CpuFault(Exception):
    """An architectural exception raised while executing an instruction.

    The CPU loop catches it and delivers it through the IVT/IDT; it never escapes the machine.
    """

    def __init__(self, vector: int, error: int | None = None):
        super().__init__(vector, error)
        self.vector = vector
        self.error = error


class BlockEnd(Exception):
    """The instruction completed but the rest of its cached block must not run (SMC, mode)."""


class Seg:
    """A segment register: visible selector plus the hidden descriptor cache.

    rlim/wlim are derived for the fast path: the highest offset readable/writable through this
    segment with a plain expand-up check, -1 when no access is allowed and NO_LIMIT when limit
    checks are off. Expand-down segments take the slow path (rlim = wlim = -2).
    """

    __slots__ = ("sel", "base", "limit", "ar", "rlim", "wlim")

    def __init__(self, sel=0, base=0, limit=0xFFFF, ar=0x93):
        self.sel, self.base, self.limit, self.ar = sel, base, limit, ar
        self.rlim = self.wlim = limit

    @property
    def dpl(self) -> int:
        return (self.ar >> AR_DPL_SHIFT) & 3

    @property
    def unusable(self) -> bool:
        return bool(self.ar & AR_UNUSABLE)

    def derive(self, long64: bool) -> None:
        ar = self.ar
        if long64:
            self.rlim = self.wlim = NO_LIMIT
            return
        if ar & AR_UNUSABLE or not ar & AR_P:
            self.rlim = self.wlim = -1
            return
        t = ar & AR_TYPE
        if t & 8:                          # code: readable if bit 1, never writable
            self.rlim = self.limit if t & 2 else -1
            self.wlim = -1
        elif t & 4:                        # expand-down data
            self.rlim = self.wlim = -2
        else:
            self.rlim = self.limit
            self.wlim = self.limit if t & 2 else -1

    def copy(self) -> Seg:
        s = Seg(self.sel, self.base, self.limit, self.ar)
        s.rlim, s.wlim = self.rlim, self.wlim
        return s

    def __repr__(self):
        return f"Seg(sel={self.sel:#x}, base={self.base:#x}, limit={self.limit:#x}, ar={self.ar:#x})"
