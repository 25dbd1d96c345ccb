"""Segmentation checks, paging (32-bit, PAE, 4-level) and the TLB (SDM Vol. 3A, ch. 3-5).

The TLB is kept as three dicts per privilege (read, write, fetch) from linear page number to
the byte offset of the physical page in RAM. Only RAM pages whose translation permits the
access go in, so a hit needs no further checks. Global pages survive CR3 loads.
"""
from __future__ import annotations

from .state import GP, NO_LIMIT, PF, SS, SS_, CpuFault

MAXPHYADDR = 39
PHYS_MASK = ((1 << MAXPHYADDR) - 1) & ~0xFFF
CR0_PE, CR0_WP, CR0_PG = 1, 1 << 16, 1 << 31
CR4_PSE, CR4_PAE, CR4_PGE, CR4_SMEP, CR4_SMAP = 0x10, 0x20, 0x80, 1 << 20, 1 << 21
EFER_LME, EFER_LMA, EFER_NXE = 1 << 8, 1 << 10, 1 << 11
P, RW, US, PWT, PCD, A, D, PS, G = 1, 2, 4, 8, 16, 32, 64, 128, 256
XD = 1 << 63
READ, WRITE, FETCH = 0, 1, 2


class PageFault(CpuFault):
    def __init__(self, lin: int, error: int):
        super().__init__(PF, error)
        self.lin = lin


class GuestPhysical:
    """Guest-physical memory seen through EPT, for the guest's page walks (SDM 29.3.3)."""

    __slots__ = ("cpu", "lin")

    def __init__(self, cpu, lin):
        self.cpu, self.lin = cpu, lin

    def read(self, gpa: int, size: int) -> int:
        # With EPT A/D flags enabled (EPTP[6]) the walk's reads count as writes, except the
        # PDPTE loads of MOV to CR, which have no linear address (SDM 29.3.3.2, 29.3.5).
        cpu = self.cpu
        acc = WRITE if self.lin is not None and cpu.vmcs["EPT_POINTER"] >> 6 & 1 else READ
        return cpu.bus.read(cpu.ept_translate(gpa, acc, self.lin, final=False), size)

    def write(self, gpa: int, size: int, v: int) -> None:
        self.cpu.bus.write(self.cpu.ept_translate(gpa, WRITE, self.lin, final=False), size, v)


class MmuMixin:
    ept_on = False                       # EPT translation in force (VMX non-root, "enable EPT")
    ept_perms = 7
    # The debugger's memory watchpoints: an object with `lin_pages` and `phys_pages` (page
    # number -> fast-path permission bits to withhold, 1 read 2 write) and read/write
    # callbacks; accesses to those pages take the slow path below and are reported there.
    mem_watch = None

    # -- TLB ------------------------------------------------------------------------
    def flush_tlb(self, keep_global: bool = False) -> None:
        if keep_global and getattr(self, "tlb_global", None):
            for t in self._tlbs:
                for d in t:
                    for k in [k for k in d if k not in self.tlb_global]:
                        del d[k]
        else:
            self._tlbs = ({}, {}, {}), ({}, {}, {})    # supervisor, user
            self.tlb_global = set()
            self.tlb_large = set()     # (linear >> shift, shift) of cached 2M/4M/1G pages
        self._select_tlb()

    def _select_tlb(self) -> None:
        self.tlb_r, self.tlb_w, self.tlb_x = self._tlbs[self.cpl == 3]

    # -- VPID-tagged TLB sets (SDM 28.1, 28.3.3) -----------------------------------------
    # The set in use belongs to tlb_ctx = (VPID, EP4TA): (0, 0) in root operation and for a
    # guest without "enable VPID". A VM transition to or from such a guest invalidates every
    # VPID-0 mapping; otherwise the outgoing set is kept and the incoming one, if cached,
    # comes back, so a guest's translations survive exits until INVVPID/INVEPT (or its own
    # MOV to CR3/INVLPG) remove them, as on hardware. A set is kept under its context and,
    # conservatively, the paging controls it was filled under (tlb_key), and reused only
    # when they match.
    MAX_TLB_SETS = 8
    tlb_ctx = (0, 0)
    tlb_sets = None                  # key -> (_tlbs, tlb_global, tlb_large)

    def tlb_key(self, ctx: tuple[int, int]) -> tuple:
        pae = tuple(self.pdptes) if self.cr4 & CR4_PAE and not self.efer & EFER_LMA else ()
        return (*ctx, self.cr3, self.cr0 & (CR0_PG | CR0_WP), self.cr4 & (
            CR4_PSE | CR4_PAE | CR4_PGE | CR4_SMEP | CR4_SMAP), self.efer & (EFER_LMA | EFER_NXE),
            pae)

    def tlb_switch(self, out_key: tuple, ctx: tuple[int, int]) -> None:
        """A VM entry or exit has loaded the new context's paging state; out_key is the
        tlb_key of the context left (taken before that state was loaded)."""
        sets = self.tlb_sets if self.tlb_sets is not None else {}
        kept = None
        if not out_key[0] and not ctx[0]:
            # a guest without VPIDs on one side (or a failed entry): VPID 0 is invalidated
            sets = {k: v for k, v in sets.items() if k[0]}
        else:
            sets[out_key] = (self._tlbs, self.tlb_global, self.tlb_large)
            while len(sets) > self.MAX_TLB_SETS:
                del sets[next(iter(sets))]          # the oldest kept set
            kept = sets.pop(self.tlb_key(ctx), None)
        self.tlb_sets, self.tlb_ctx = sets, ctx
        if kept is None:
            self.flush_tlb()
        else:
            self._tlbs, self.tlb_global, self.tlb_large = kept
            self._select_tlb()

    def tlb_drop(self, keep) -> None:
        """Forget the kept sets whose key fails keep(key) (INVVPID, INVEPT)."""
        if self.tlb_sets:
            self.tlb_sets = {k: v for k, v in self.tlb_sets.items() if keep(k)}

    def _all_tlbs(self):
        """The set in use and every kept one (for invalidations that reach them all)."""
        yield self._tlbs
        for t, _, _ in (self.tlb_sets or {}).values():
            yield t

    def invlpg(self, lin: int) -> None:
        """Drop the translation of the page holding lin; for a large page that is every
        4 KiB piece of it the TLB holds (SDM 4.10.4.1)."""
        lin &= self.lin_mask
        vp = lin >> 12
        for t in self._tlbs:
            for d in t:
                d.pop(vp, None)
        self.tlb_global.discard(vp)
        for shift in (21, 22, 30):
            key = (lin >> shift, shift)
            if key in self.tlb_large:
                self.tlb_large.discard(key)
                sh = shift - 12
                top = lin >> shift
                for t in self._tlbs:
                    for d in t:
                        for k in [k for k in d if k >> sh == top]:
                            del d[k]
                self.tlb_global = {k for k in self.tlb_global if k >> sh != top}

    def drop_write_tlb(self) -> None:
        """Forget write translations (a page just became a code page and needs SMC checks)."""
        for sets in self._all_tlbs():
            for t in sets:
                t[1].clear()

    def forget_pages(self, lin_pages, phys_pages) -> None:
        """Drop fast-path entries for these linear / physical page numbers (new watchpoints)."""
        for sets in self._all_tlbs():
            for t in sets:
                for d in t:
                    for vp in [vp for vp, o in d.items()
                               if vp in lin_pages or o >> 12 in phys_pages]:
                        del d[vp]

    def tlb_entries(self):
        """(user, kind, linear page, physical page) for `info tlb`."""
        out = []
        for user, t in enumerate(self._tlbs):
            for kind, d in zip("rwx", t):
                for vp, off in d.items():
                    out.append((bool(user), kind, vp << 12, off))
        return out

    # -- segmentation slow path -----------------------------------------------------
    def seg_check(self, s: int, off: int, size: int, write: bool) -> int:
        """Full limit/type check for an access that failed the fast test (SDM 5.3)."""
        seg = self.segs[s]
        fault = SS_ if s == SS else GP
        lim = seg.wlim if write else seg.rlim
        if lim == NO_LIMIT:
            return off
        if lim == -2:                      # expand-down: valid offsets are (limit, top]
            top = 0xFFFFFFFF if seg.ar & 0x4000 else 0xFFFF
            if seg.ar & 0x10000 or not seg.ar & 0x80 or (write and not seg.ar & 2):
                raise CpuFault(fault, 0)
            if off <= seg.limit or off + size - 1 > top:
                raise CpuFault(fault, 0)
            return off
        if self.code_bits == 16 and not self.cr0 & CR0_PE and lim >= 0:
            # Real mode: an access past the limit is #GP (#SS for the stack).
            raise CpuFault(fault, 0)
        raise CpuFault(fault, 0)

    # -- linear accesses (slow path) -------------------------------------------------
    def read_lin(self, lin: int, size: int, fetch: bool = False, user: bool | None = None) -> int:
        if (lin & 0xFFF) + size > 4096:
            lo = 4096 - (lin & 0xFFF)
            a = self.read_lin(lin, lo, fetch, user)
            b = self.read_lin((lin + lo) & self.lin_mask, size - lo, fetch, user)
            return a | (b << (8 * lo))
        paddr = self.translate(lin, FETCH if fetch else READ, user)
        if self.mem_watch is not None and not fetch:
            v = self.bus.read(paddr, size)
            self.mem_watch.read(self, lin, paddr, size, v)
            return v
        return self.bus.read(paddr, size)

    def write_lin(self, lin: int, size: int, v: int, user: bool | None = None) -> None:
        if (lin & 0xFFF) + size > 4096:
            lo = 4096 - (lin & 0xFFF)
            # Translate both pages before writing either, so a fault leaves memory unchanged.
            p1 = self.translate(lin, WRITE, user)
            p2 = self.translate((lin + lo) & self.lin_mask, WRITE, user)
            if self.mem_watch is not None:
                self.mem_watch.write(self, lin, p1, lo, v & ((1 << (8 * lo)) - 1))
                self.mem_watch.write(self, lin + lo, p2, size - lo, v >> (8 * lo))
            self.bus.write(p1, lo, v & ((1 << (8 * lo)) - 1))
            self.bus.write(p2, size - lo, v >> (8 * lo))
            return
        paddr = self.translate(lin, WRITE, user)
        if self.mem_watch is not None:
            self.mem_watch.write(self, lin, paddr, size, v)
        self.bus.write(paddr, size, v)

    def seg_read(self, s: int, lin: int, size: int) -> int:
        """Slow path of a segment-relative read: in 64-bit mode a non-canonical address is
        #SS(0) through SS and #GP(0) otherwise (SDM 3.3.7.1)."""
        if self.lin_mask != 0xFFFFFFFF and not self._canonical(lin):
            raise CpuFault(SS_ if s == SS else GP, 0)
        return self.read_lin(lin, size)

    def seg_write(self, s: int, lin: int, size: int, v: int) -> None:
        if self.lin_mask != 0xFFFFFFFF and not self._canonical(lin):
            raise CpuFault(SS_ if s == SS else GP, 0)
        self.write_lin(lin, size, v)

    def sys_read(self, lin: int, size: int) -> int:
        """A supervisor-mode implicit access (descriptor tables, TSS, IDT) (SDM 4.6)."""
        return self.read_lin(lin & self.lin_mask, size, user=False)

    def sys_write(self, lin: int, size: int, v: int) -> None:
        self.write_lin(lin & self.lin_mask, size, v, user=False)

    # -- translation ----------------------------------------------------------------
    def translate(self, lin: int, access: int, user: bool | None = None) -> int:
        """Linear -> physical for an access, filling the TLB; raises #PF or #GP."""
        implicit = user is not None
        if user is None:
            user = self.cpl == 3
        if self.lin_mask != 0xFFFFFFFF and not self._canonical(lin):
            raise CpuFault(GP, 0)
        if not self.cr0 & CR0_PG:
            paddr = lin & 0xFFFFFFFF if not self.efer & EFER_LMA else lin
            perm = 7
        else:
            paddr, perm = self.walk(lin, access, user, implicit)
        if self.ept_on:                   # guest-physical -> host-physical (SDM 29.3)
            paddr = self.ept_translate(paddr, access, lin)
            perm &= self.ept_perms
        if not implicit or user == (self.cpl == 3):
            self._fill(lin >> 12, paddr & ~0xFFF, perm, user)
        return paddr

    def _canonical(self, lin: int) -> bool:
        top = lin >> 47
        return top == 0 or top == 0x1FFFF

    def _fill(self, vp: int, ppage: int, perm: int, user: bool) -> None:
        """perm: bit0 read, bit1 write (dirty already set), bit2 fetch."""
        if not self.bus.ram_page(ppage):
            return
        r, w, x = self._tlbs[user]
        mw = self.mem_watch
        if mw is not None:
            perm &= ~(mw.lin_pages.get(vp, 0) | mw.phys_pages.get(ppage >> 12, 0))
        if perm & 1:
            r[vp] = ppage
        if perm & 2 and ppage >> 12 not in self.bus.code_pages:
            w[vp] = ppage
        if perm & 4:
            x[vp] = ppage

    def walk(self, lin: int, access: int, user: bool, implicit: bool = False,
             set_ad: bool = True):
        """Page walk (SDM 4.3-4.5). Returns (physical address, fast-path permissions)."""
        bus = self.bus if not self.ept_on else GuestPhysical(self, lin)
        wp = self.cr0 & CR0_WP
        nxe = self.efer & EFER_NXE
        entries = []                       # (address of entry, value) walked
        rsvd = False
        if self.efer & EFER_LMA:
            hi_rsvd = ~((1 << MAXPHYADDR) - 1) & ((1 << 63) - 1) | (0 if nxe else XD)
            table = self.cr3 & PHYS_MASK
            levels = ((39, "pml4"), (30, "pdpt"), (21, "pd"), (12, "pt"))
            e = 0
            for shift, name in levels:
                ea = table + ((lin >> shift) & 0x1FF) * 8
                e = bus.read(ea, 8)
                if not e & P:
                    return self._pf(lin, access, user, entries, False, implicit)
                entries.append((ea, e))
                if e & hi_rsvd or (name == "pml4" and e & PS):
                    return self._pf(lin, access, user, entries, True, implicit)
                if e & PS and name in ("pdpt", "pd"):
                    size_shift = shift
                    lrsvd = ((1 << (shift - 12)) - 1) << 13 & ((1 << shift) - 1)
                    if e & lrsvd:
                        return self._pf(lin, access, user, entries, True, implicit)
                    base = e & PHYS_MASK & ~((1 << shift) - 1)
                    break
                table = e & PHYS_MASK
            else:
                size_shift = 12
                base = e & PHYS_MASK
        elif self.cr4 & CR4_PAE:
            hi_rsvd = ~((1 << MAXPHYADDR) - 1) & ((1 << 63) - 1) | (0 if nxe else XD)
            pdpte = self.pdptes[(lin >> 30) & 3]
            if not pdpte & P:
                return self._pf(lin, access, user, entries, False, implicit)
            table = pdpte & PHYS_MASK
            ea = table + ((lin >> 21) & 0x1FF) * 8
            e = bus.read(ea, 8)
            if not e & P:
                return self._pf(lin, access, user, entries, False, implicit)
            entries.append((ea, e))
            if e & hi_rsvd or (e & PS and e & 0x1FE000):
                return self._pf(lin, access, user, entries, True, implicit)
            if e & PS:
                size_shift = 21
                base = e & PHYS_MASK & ~0x1FFFFF
            else:
                ea = (e & PHYS_MASK) + ((lin >> 12) & 0x1FF) * 8
                e = bus.read(ea, 8)
                if not e & P:
                    return self._pf(lin, access, user, entries, False, implicit)
                entries.append((ea, e))
                if e & hi_rsvd:
                    rsvd = True
                size_shift = 12
                base = e & PHYS_MASK
        else:
            ea = (self.cr3 & 0xFFFFF000) + ((lin >> 22) & 0x3FF) * 4
            e = bus.read(ea, 4)
            if not e & P:
                return self._pf(lin, access, user, entries, False, implicit)
            entries.append((ea, e))
            if e & PS and self.cr4 & CR4_PSE:
                size_shift = 22
                # PSE-36: bits 20:13 give physical address bits 39:32; with MAXPHYADDR 39,
                # bits 21:20 are reserved (SDM 4.3, Table 4-4).
                base = (e & 0xFFC00000) | (((e >> 13) & 0x7F) << 32)
                if e & 0x300000:
                    rsvd = True
            else:
                ea = (e & 0xFFFFF000) + ((lin >> 12) & 0x3FF) * 4
                e = bus.read(ea, 4)
                if not e & P:
                    return self._pf(lin, access, user, entries, False, implicit)
                entries.append((ea, e))
                size_shift = 12
                base = e & 0xFFFFF000
        if rsvd:
            return self._pf(lin, access, user, entries, True, implicit)
        rw = all(v & RW for _, v in entries)
        us = all(v & US for _, v in entries)
        nx = nxe and any(v & XD for _, v in entries)
        # permission for this access
        ok = True
        if user:
            if not us:
                ok = False
            elif access == WRITE and not rw:
                ok = False
            elif access == FETCH and nx:
                ok = False
        else:
            if access == WRITE and not rw and wp:
                ok = False
            elif access == FETCH and (nx or (us and self.cr4 & CR4_SMEP)):
                ok = False
            elif access != FETCH and us and self.cr4 & CR4_SMAP and (
                    implicit or not self.rflags & 0x40000):
                ok = False
        if not ok:
            return self._pf(lin, access, user, entries, False, implicit, present=True)
        last_ea, last = entries[-1]
        if set_ad:
            for ea, v in entries:
                if not v & A:
                    bus.write(ea, 4, (v | A) & 0xFFFFFFFF)
            if access == WRITE and not last & D:
                bus.write(last_ea, 4, (bus.read(last_ea, 4) | D | A) & 0xFFFFFFFF)
                last |= D
        paddr = base + (lin & ((1 << size_shift) - 1))
        if size_shift > 12:
            self.tlb_large.add(((lin & self.lin_mask) >> size_shift, size_shift))
        if last & G and self.cr4 & CR4_PGE:
            self.tlb_global.add((lin & self.lin_mask) >> 12)
        # what a later access may do without a walk
        if user:
            perm = 1 | (2 if rw and last & D else 0) | (0 if nx else 4)
        else:
            smap = us and self.cr4 & CR4_SMAP
            perm = (0 if smap else 1) | (2 if (rw or not wp) and last & D and not smap else 0)
            perm |= 0 if nx or (us and self.cr4 & CR4_SMEP) else 4
        return paddr, perm

    def _pf(self, lin, access, user, entries, rsvd, implicit, present=False):
        err = (1 if present or rsvd else 0) | (2 if access == WRITE else 0) | (4 if user else 0)
        if rsvd:
            err |= 8
        if access == FETCH and (self.cr4 & CR4_SMEP or (
                self.cr4 & CR4_PAE and self.efer & EFER_NXE)):
            err |= 16
        self.cr2_before_pf = self.cr2     # a #PF that causes a VM exit leaves CR2 alone
        self.cr2 = lin
        raise PageFault(lin, err)

    def load_pdptes(self) -> None:
        """PAE paging: CR3 names four PDPTEs loaded into registers (SDM 4.4.1)."""
        base = self.cr3 & 0xFFFFFFE0
        bus = self.bus if not self.ept_on else GuestPhysical(self, None)
        ptes = [bus.read(base + 8 * i, 8) for i in range(4)]
        for e in ptes:
            if e & P and e & (0x1E6 | (~((1 << MAXPHYADDR) - 1) & ((1 << 64) - 1))):
                raise CpuFault(GP, 0)
        self.pdptes = ptes
