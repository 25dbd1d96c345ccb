"""Application registers, control registers and the indirect register files (RR, PKR,
IBR/DBR, PMC/PMD, CPUID) with their access checks (vti.md 6.3 and 6.5)."""
from __future__ import annotations

from . import psr as P
from .faults import illegal_op, priv_op, priv_reg, reserved

M64 = (1 << 64) - 1
AR_M = frozenset(range(8)) | {16, 17, 18, 19, 21, 24, 25, 26, 27, 28, 29, 30, 32, 36, 40, 44}
AR_I = frozenset({64, 65, 66})
AR_IGNORED = frozenset(range(48, 64)) | frozenset(range(112, 128))
CR_DEFINED = frozenset({0, 1, 2, 8, 16, 17, 19, 20, 21, 22, 23, 24, 25, 64, 65, 66, 67, 68, 69,
                        70, 71, 72, 73, 74, 80, 81})
PAGE_SIZES = frozenset({12, 13, 14, 16, 18, 20, 22, 24, 26, 28})
N_PKR, N_BR_DEBUG = 16, 8
CPUID = (
    int.from_bytes(b"GenuineI", "little"), int.from_bytes(b"ntel\0\0\0\0", "little"), 0,
    4 | 7 << 8 | 2 << 16 | 0x1F << 24,     # number 4, revision 7, model 2, family 0x1F
    1,                                      # lb: long branch (brl) implemented
)


class SysRegsMixin:
    def reset_cr(self) -> None:
        self.cr[66] = 1 << 16                # TPR.mmi: external interrupts masked
        for n in (72, 73, 74, 80, 81):
            self.cr[n] = 1 << 16             # ITV/PMV/CMCV/LRR masked
        self.itm_armed = False

    # -- application registers ---------------------------------------------------------------
    def check_ar(self, n: int, unit: str, write: bool) -> None:
        ok = AR_M if unit == "M" else AR_I
        if n not in ok and n not in AR_IGNORED:
            raise illegal_op()
        cpl = self.cpl
        if n < 8 and write and cpl:
            raise priv_reg()
        if n == 44 and cpl and (write or self.psr & P.SI):
            raise priv_reg()
        if n == 17 and write:
            raise illegal_op()
        if n in (18, 19) and self.ar[16] & 3:
            raise illegal_op()

    def read_ar(self, n: int, k: int = 0) -> int:
        """AR n; k = how many instructions of the running block retired before this one."""
        if n == 17:
            return self.bsp()
        if n == 44:
            return (self.read_itc() + k) & M64
        if n in AR_IGNORED:
            return 0
        return self.ar[n]

    def write_ar(self, n: int, v: int, k: int = 0) -> None:
        v &= M64
        if n in AR_IGNORED:
            return
        if n == 16:
            pl = max((v >> 2) & 3, self.cpl)
            self.ar[16] = v & 0x3FFF001F & ~0xC | pl << 2
        elif n == 18:
            self.write_bspstore(v)
        elif n == 44:
            self.itc_offset = (v - self.time() - k) & M64
        elif n == 64:
            self.ar[64] = v & ~((0x3F << 38) | (3 << 58))
        elif n == 66:
            self.ar[66] = v & 0x3F
        else:
            self.ar[n] = v

    # -- control registers ---------------------------------------------------------------------
    def check_cr(self, n: int, write: bool) -> None:
        if self.cpl:
            raise priv_op()
        if n not in CR_DEFINED:
            raise illegal_op()
        if 16 <= n <= 25 and self.psr & P.IC:
            raise illegal_op()
        if write and n in (65, 68, 69, 70, 71):
            raise illegal_op()
        if not write and n == 67:
            pass

    def read_cr(self, n: int) -> int:
        if n == 65:
            return self.read_ivr()
        if 68 <= n <= 71:
            return self.irr_word(n - 68)
        return self.cr[n]

    def write_cr(self, n: int, v: int) -> None:
        v &= M64
        if n == 2:
            v &= ~0x7FFF
        elif n == 1:
            self.itm_armed = True
            self.pending = True
        elif n == 67:
            self.write_eoi()
            return
        elif n == 66:
            self.pending = True
        elif n == 8:
            self.flush_fast()
        self.cr[n] = v

    # -- indirect register files ---------------------------------------------------------------
    def write_rr(self, va: int, v: int) -> None:
        if v & (2 | (M64 ^ 0xFFFFFFFF)) or ((v >> 2) & 0x3F) not in PAGE_SIZES:
            raise reserved()
        self.rr[va >> 61] = v
        self.flush_fast()

    def write_pkr(self, n: int, v: int) -> None:
        if n >= N_PKR:
            raise reserved()
        k = (v >> 8) & 0xFFFFFF
        for i, old in enumerate(self.pkr):     # a key lives in at most one PKR
            if i != n and old & 1 and (old >> 8) & 0xFFFFFF == k and v & 1:
                self.pkr[i] = old & ~1
        self.pkr[n] = v & 0xFFFFFF0F
        self.flush_fast()

    def debug_reg(self, file: list[int], n: int) -> int:
        if n >= N_BR_DEBUG:
            raise reserved()
        return n

    def read_cpuid(self, n: int) -> int:
        if n >= len(CPUID):
            raise reserved()
        return CPUID[n]
