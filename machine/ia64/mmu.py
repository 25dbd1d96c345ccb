"""IA-64 memory management (SDM vol 2 ch. 4; vti.md 7): regions, TLB (TRs and TCs), protection
keys, access rights, the short-format VHPT walker, and physical addressing.

IMPL_VA_MSB = 50 and IMPL_PA_MSB = 49 (as on Itanium 2).  With translation off (PSR.dt/it/rt
= 0) a virtual address is the physical one; bit 63 selects an uncacheable access.  Data
accesses must be naturally aligned (else Unaligned Reference fault; README).

Fast path: per access type a map from virtual 4 KiB page to the RAM offset of its frame,
filled by the slow path when an access to plain RAM passed every check, and emptied whenever
a translation or the PSR bits it depends on change.
"""
from __future__ import annotations

from . import faults as F
from . import psr as P
from .faults import Interruption

M64 = (1 << 64) - 1
IMPL_VA_MSB, IMPL_PA_MSB = 50, 49
N_TR, N_TC = 8, 64
R, W, X = 4, 2, 1
MA_WB, MA_UC, MA_UCE, MA_WC, MA_NATPAGE = 0, 4, 5, 6, 7


class TlbEntry:
    __slots__ = (
        "a",
        "ar",
        "d",
        "ed",
        "itir",
        "key",
        "ma",
        "p",
        "pl",
        "ppn",
        "ps",
        "pte",
        "rid",
        "vbase",
    )

    def __init__(self, va: int, pte: int, itir: int, rid: int):
        self.ps = (itir >> 2) & 0x3F
        self.vbase = va & _vmask(self.ps)
        self.rid = rid
        self.key = (itir >> 8) & 0xFFFFFF
        self.pte, self.itir = pte, itir
        self.p, self.ma, self.a, self.d = pte & 1, (pte >> 2) & 7, (pte >> 5) & 1, (pte >> 6) & 1
        self.pl, self.ar, self.ed = (pte >> 7) & 3, (pte >> 9) & 7, (pte >> 52) & 1
        self.ppn = pte & ((1 << 50) - 1) & ~((1 << self.ps) - 1) & ~0xFFF

    def covers(self, va: int, rid: int) -> bool:
        return rid == self.rid and va & _vmask(self.ps) == self.vbase

    def overlaps(self, va: int, ps: int, rid: int) -> bool:
        m = _vmask(max(ps, self.ps))
        return rid == self.rid and va & m == self.vbase & m

    def as_tuple(self):
        return (self.vbase, self.ps, self.rid, self.pte, self.itir)


def _vmask(ps: int) -> int:
    """Bits IMPL_VA_MSB..ps (the VPN compared by lookups; the region is compared via rid)."""
    return ((1 << (IMPL_VA_MSB + 1)) - 1) & ~((1 << ps) - 1)


def unimplemented_va(va: int, msb: int = IMPL_VA_MSB) -> bool:
    top = (va >> msb) & ((1 << (61 - msb)) - 1)        # bits 60..msb
    return top not in (0, (1 << (61 - msb)) - 1)


def rights(ar: int, pl: int, cpl: int) -> int:
    """Access rights of a page for a given privilege level (vti.md 7.2)."""
    if ar == 7:
        return R | X if cpl == 0 else X
    if cpl > pl:
        return 0
    return (R, R | X, R | W, R | W | X,
            R | (W if cpl < pl or cpl == 0 else 0),
            R | X | (W if cpl == 0 else 0),
            R | W | (X if cpl == pl and cpl != 0 else 0))[ar]


class MmuMixin:
    _mem_watch = None

    @property
    def mem_watch(self):
        """The debugger's memory watch (vtdbg/engine/watch.py MemWatch): its pages (lin_pages
        by virtual, phys_pages by physical page number) stay off the fast path and every
        data access to them is reported through read()/write(); while it is set, blocks hold
        one instruction, so a run stops right after the access."""
        return self._mem_watch

    @mem_watch.setter
    def mem_watch(self, w) -> None:
        if (w is None) != (self._mem_watch is None):
            self.flush_code()
            self.flush_fast()
        self._mem_watch = w

    def reset_mmu(self) -> None:
        self.itr: list[TlbEntry | None] = [None] * N_TR
        self.dtr: list[TlbEntry | None] = [None] * N_TR
        self.itc: list[TlbEntry] = []
        self.dtc: list[TlbEntry] = []
        self.rmap: dict[int, int] = {}
        self.wmap: dict[int, int] = {}
        self.xmap: dict[int, int] = {}
        self.tc_next = 0

    def flush_fast(self) -> None:
        self.rmap.clear()
        self.wmap.clear()
        self.xmap.clear()

    def drop_write_fast(self) -> None:
        self.wmap.clear()

    def forget_pages(self, lin_pages, phys_pages) -> None:
        """Newly watched pages: empty the fast path (they are kept off it from now on)."""
        self.flush_fast()
        self.flush_code()

    # -- TLB -----------------------------------------------------------------------------
    def rid_of(self, va: int) -> int:
        return (self.rr[va >> 61] >> 8) & 0xFFFFFF

    def lookup(self, va: int, instr: bool) -> TlbEntry | None:
        rid = self.rid_of(va)
        for e in (self.itr if instr else self.dtr):
            if e is not None and e.covers(va, rid):
                return e
        for e in (self.itc if instr else self.dtc):
            if e.covers(va, rid):
                return e
        return None

    def insert_tc(self, instr: bool, va: int, pte: int, itir: int) -> None:
        rid = self.rid_of(va)
        e = TlbEntry(va, pte, itir, rid)
        tc = self.itc if instr else self.dtc
        tc[:] = [t for t in tc if not t.overlaps(e.vbase, e.ps, rid)]
        if len(tc) >= N_TC:
            tc.pop(0)                       # oldest first: deterministic replacement
        tc.append(e)
        self.flush_fast()

    def insert_tr(self, instr: bool, slot: int, va: int, pte: int, itir: int) -> None:
        if slot >= N_TR:
            raise F.reserved()
        rid = self.rid_of(va)
        e = TlbEntry(va, pte, itir, rid)
        tc = self.itc if instr else self.dtc
        tc[:] = [t for t in tc if not t.overlaps(e.vbase, e.ps, rid)]
        (self.itr if instr else self.dtr)[slot] = e
        self.flush_fast()

    def purge_tc(self, va: int, ps: int) -> None:
        rid = self.rid_of(va)
        for tc in (self.itc, self.dtc):
            tc[:] = [t for t in tc if not t.overlaps(va, ps, rid)]
        self.flush_fast()

    def purge_tr(self, instr: bool, va: int, ps: int) -> None:
        rid = self.rid_of(va)
        trs = self.itr if instr else self.dtr
        for i, e in enumerate(trs):
            if e is not None and e.overlaps(va, ps, rid):
                trs[i] = None
        tc = self.itc if instr else self.dtc
        tc[:] = [t for t in tc if not t.overlaps(va, ps, rid)]
        self.flush_fast()

    def purge_all_tc(self) -> None:
        self.itc.clear()
        self.dtc.clear()
        self.flush_fast()

    # -- VHPT -----------------------------------------------------------------------------
    def thash(self, va: int) -> int:
        """Short-format VHPT entry address of va (vti.md 7.3)."""
        pta = self.cr[8]
        rps = (self.rr[va >> 61] >> 2) & 0x3F
        mask = (1 << ((pta >> 2) & 0x3F)) - 1
        off = ((va & ((1 << (IMPL_VA_MSB + 1)) - 1)) >> rps) << 3
        mid = ((pta >> 15) & ~(mask >> 15) | (off >> 15) & (mask >> 15)) & ((1 << 46) - 1)
        return ((va >> 61) << 61) | (mid << 15) | (off & 0x7FFF)

    def ttag(self, va: int) -> int:
        """The translation tag (long format; the model uses Ski's function, vti.md 7.3)."""
        rps = (self.rr[va >> 61] >> 2) & 0x3F
        hpn = (va & ((1 << (IMPL_VA_MSB + 1)) - 1)) >> rps
        return (hpn ^ (self.rid_of(va) << 39)) & ((1 << 63) - 1)

    def _itir_of(self, va: int) -> int:
        rr = self.rr[va >> 61]
        return (rr & 0xFC) | (rr & 0xFFFFFF00)

    def _walk(self, va: int, instr: bool) -> TlbEntry | None:
        """The short-format VHPT walker: insert the PTE at thash(va) if present."""
        iha = self.thash(va)
        try:
            pa = self._translate(iha, R, False, walker=True)
        except Interruption:
            raise Interruption(F.VHPT_TRANS, F.ISR_X if instr else 0, va,
                               itir=self._itir_of(va), iha=iha) from None
        pte = self.bus.read(pa, 8)
        if not pte & 1:
            return None
        self.insert_tc(instr, va, pte, self._itir_of(va))
        return self.lookup(va, instr)

    # -- translation ----------------------------------------------------------------------
    def _translate(self, va: int, access: int, instr: bool, isr: int = 0, walker=False,
                   pl: int | None = None, on: bool | None = None) -> int:
        """Physical address of va for an access (R/W/X), or raise the fault (vti.md 7.2)."""
        psr = self.psr
        if on is None:
            on = bool(psr & (P.IT if instr else P.DT))
        if not on:
            if va & (((1 << 63) - 1) & ~((1 << (IMPL_PA_MSB + 1)) - 1)):
                raise self._unimpl(va, instr, isr)
            return va & ((1 << (IMPL_PA_MSB + 1)) - 1)
        # a guest (PSR.vm = 1) does not have the uppermost implemented VA bit (vti.md 3.1)
        if unimplemented_va(va, IMPL_VA_MSB - 1 if psr & P.VM else IMPL_VA_MSB):
            raise self._unimpl(va, instr, isr)
        cpl = (psr >> 32) & 3 if pl is None else pl
        e = self.lookup(va, instr)
        if e is None:
            if not instr and not psr & P.IC and not walker:
                raise Interruption(F.DATA_NESTED_TLB, isr, va)
            rr = self.rr[va >> 61]
            if self.cr[8] & 1 and rr & 1 and not walker:
                e = self._walk(va, instr)
                if e is None:
                    raise Interruption(F.ITLB if instr else F.DTLB, isr, va,
                                       itir=self._itir_of(va), iha=self.thash(va))
            else:
                raise Interruption(F.VHPT_TRANS if walker else
                                   (F.ALT_ITLB if instr else F.ALT_DTLB), isr, va,
                                   itir=self._itir_of(va))
        itir = self._itir_of(va)
        if not e.p:
            raise Interruption(F.PAGE_NOT_PRESENT, isr, va, itir=itir)
        if psr & P.PK and not walker:
            self._key_check(e, access, instr, isr, va, itir)
        if access and not rights(e.ar, e.pl, cpl) & access:
            raise Interruption(F.IACCESS_RIGHTS if instr else F.DACCESS_RIGHTS, isr, va,
                               itir=itir)
        if not e.a and not walker and not psr & (P.IA if instr else P.DA):
            raise Interruption(F.IACCESS_BIT if instr else F.DACCESS_BIT, isr, va, itir=itir)
        if access == W and not e.d and not psr & P.DA:
            raise Interruption(F.DIRTY_BIT, isr, va, itir=itir)
        return e.ppn | (va & ((1 << e.ps) - 1))

    def _key_check(self, e, access, instr, isr, va, itir) -> None:
        for k in self.pkr:
            if k & 1 and (k >> 8) & 0xFFFFFF == e.key:
                deny = (k >> 1) & 7                     # wd 1, rd 2, xd 3
                if (access == W and deny & 1) or (access == R and deny & 2) or \
                        (access == X and deny & 4):
                    raise Interruption(F.KEY_PERMISSION, isr, va, itir=itir)
                return
        raise Interruption(F.IKEY_MISS if instr else F.DKEY_MISS, isr, va, itir=itir)

    def _unimpl(self, va: int, instr: bool, isr: int) -> Interruption:
        if instr:                       # Unimplemented Instruction Address (fault form)
            return Interruption(F.LOWER_PRIV_TRANSFER, 0x10, va)
        return Interruption(F.GENERAL_EXCEPTION, F.GE_RESERVED | isr, va)

    def entry_ma(self, va: int, instr: bool) -> int:
        if not self.psr & (P.IT if instr else P.DT):
            return MA_UC if va >> 63 else MA_WB
        e = self.lookup(va, instr)
        return e.ma if e is not None else MA_WB

    # -- instruction fetch ----------------------------------------------------------------
    def fetch_page(self, ip: int) -> int:
        """Physical address of the 4 KiB page holding the bundle at ip."""
        pg = self.xmap.get(ip >> 12)
        if pg is not None:
            return pg
        pa = self._translate(ip, X, True, F.ISR_X)
        pg = pa & ~0xFFF
        if not self.psr & P.IA:
            self.xmap[ip >> 12] = pg
        return pg

    # -- data accesses ----------------------------------------------------------------------
    def data_read(self, va: int, size: int, rse: bool = False, spec: bool = False) -> int:
        o = self.rmap.get(va >> 12)
        if o is not None and not va & (size - 1) and not rse:
            o += va & 0xFFF
            return int.from_bytes(self.ram[o:o + size], "little")
        pa, be = self._data_pa(va, size, R, F.ISR_R, rse, spec)
        v = self.bus.read(pa, size)
        if be:
            v = int.from_bytes(v.to_bytes(size, "little"), "big")
        mw = self._mem_watch
        if mw is not None:
            mw.read(self, va, pa, size, v)
        return v

    def data_write(self, va: int, size: int, v: int, rse: bool = False) -> None:
        o = self.wmap.get(va >> 12)
        if o is not None and not va & (size - 1) and not rse:
            o += va & 0xFFF
            self.ram[o:o + size] = v.to_bytes(size, "little")
            self.alat_store(va, size)
            return
        pa, be = self._data_pa(va, size, W, F.ISR_W, rse, False)
        mw = self._mem_watch
        if mw is not None:
            mw.write(self, va, pa, size, v)
        if be:
            v = int.from_bytes(v.to_bytes(size, "little"), "big")
        self.bus.write(pa, size, v)
        self.alat_store(va, size)

    def _data_pa(self, va: int, size: int, access: int, isr: int, rse: bool, spec: bool):
        psr = self.psr
        if spec:
            isr |= F.ISR_SP
        if rse:
            isr |= F.ISR_RS
            rsc = self.ar[16]
            pa = self._translate(va, access, False, isr, pl=(rsc >> 2) & 3,
                                 on=bool(psr & P.RT))
            return pa, bool(rsc & 0x10)
        if va & (size - 1):
            raise Interruption(F.UNALIGNED, isr, va)
        pa = self._translate(va, access, False, isr)
        if psr & P.DB and not psr & P.DD and \
                self.debug_match(self.dbr, va, 1 << 62 if access == R else 1 << 63):
            raise Interruption(F.DEBUG, isr, va)
        e_ma = self.entry_ma(va, False)
        if e_ma == MA_NATPAGE:
            raise Interruption(F.NAT_CONSUMPTION, F.NAT_PAGE | isr, va)
        be = bool(psr & P.BE)
        if not be and not psr & (P.DA | P.DB) and e_ma != MA_UC and (va >> 63 == 0 or psr & P.DT):
            base = pa & ~0xFFF
            bus = self.bus
            mw = self._mem_watch
            if base + 4096 <= bus.ram_size and bus.ram_page(base) and (
                    mw is None or not (va >> 12 in mw.lin_pages or base >> 12 in mw.phys_pages)):
                if access == R:
                    self.rmap[va >> 12] = base
                elif (base >> 12) not in bus.code_pages:
                    self.wmap[va >> 12] = base
                    self.rmap[va >> 12] = base
        return pa, be

    def probe_pa(self, va: int, access: int, isr: int = F.ISR_NA) -> int:
        """Translate for a non-access instruction (tpa, probe, fc): faults carry ISR.na."""
        return self._translate(va, access, False, isr)

    # -- the ALAT (advanced loads) -----------------------------------------------------------
    def alat_store(self, va: int, size: int) -> None:
        if self.alat:
            for r, (a, n) in list(self.alat.items()):
                if a < va + size and va < a + n:
                    del self.alat[r]
