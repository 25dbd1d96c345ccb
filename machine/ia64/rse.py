"""The register stack engine (SDM vol 2 ch. 6): frames, rotation, spills and fills.

Model: the stacked registers are a ring of N_STACKED physical registers.  The current frame
starts at ring index `bof`; below it lie `ndirty` registers of earlier frames that are not yet
in the backing store (the dirty partition).  AR.BSPSTORE is where the next spill goes and
AR.BSP = BSPSTORE advanced over the dirty registers (with a NaT collection slot wherever an
address has bits 8:3 all ones).  Registers are spilled only when the ring is full (mandatory
spills) or by flushrs, and filled only when a br.ret/rfi returns to a frame no longer in the
ring: the model keeps no clean partition (README).  Spills and fills go through data
translation with PSR.rt and RSC.pl; a fault on one is delivered with ISR.rs set.

The current frame itself lives in the CPU's `gr`/`nat` lists (GR32 upwards) in logical order;
`frame_out`/`frame_in` move it to and from the ring around frame changes.
"""
from __future__ import annotations

from .faults import ISR_RS, Interruption, illegal_op, reserved

N_STACKED = 96
M64 = (1 << 64) - 1


def skip(addr: int, n: int) -> int:
    """The backing-store address n registers after (n < 0: before) addr."""
    slot = (addr >> 3) & 0x3F
    delta = slot + n
    if n < 0:
        delta -= 0x3E
    q = abs(delta) // 0x3F
    return (addr + ((n + (q if delta >= 0 else -q)) << 3)) & M64


def num_regs(lo: int, hi: int) -> int:
    """How many registers are stored in [lo, hi) (collection slots not counted)."""
    slots = (hi - lo) >> 3
    return slots - (((lo >> 3) & 0x3F) + slots) // 0x40


def _rotl(seg: list, k: int) -> list:
    return seg[k:] + seg[:k] if k else seg


def cfm_fields(cfm: int) -> tuple[int, int, int, int, int, int]:
    """(sof, sol, sor in registers, rrb.gr, rrb.fr, rrb.pr) of a CFM value.  A frame marker
    that no alloc could have made (from PFS or IFS written by software) leaves CFM undefined
    in the SDM; the model clamps its fields into range (README)."""
    sof = min(cfm & 0x7F, 96)
    sol = min((cfm >> 7) & 0x7F, sof)
    sor = min(((cfm >> 14) & 0xF) * 8, sof)
    rrb_gr = (cfm >> 18) & 0x7F
    return (sof, sol, sor, rrb_gr % sor if sor else 0, ((cfm >> 25) & 0x7F) % 96,
            ((cfm >> 32) & 0x3F) % 48)


class RseMixin:
    def reset_rse(self) -> None:
        self.stk = [0] * N_STACKED
        self.stk_nat = [0] * N_STACKED
        self.bof = 0
        self.ndirty = 0
        self.sof = self.sol = self.sor = 0
        self.rrb_gr = self.rrb_fr = self.rrb_pr = 0
        self.frame_top = 32

    # -- CFM ------------------------------------------------------------------------------
    @property
    def cfm(self) -> int:
        return (self.sof | self.sol << 7 | (self.sor >> 3) << 14 | self.rrb_gr << 18
                | self.rrb_fr << 25 | self.rrb_pr << 32)

    def bsp(self) -> int:
        return skip(self.ar[18], self.ndirty)

    # -- moving the current frame between the view and the ring ---------------------------
    def frame_out(self) -> None:
        sof = self.sof
        if not sof:
            return
        vals, nats = self.gr[32:32 + sof], self.nat[32:32 + sof]
        sr, k = self.sor, self.rrb_gr
        if sr and k:
            vals[:sr] = _rotl(vals[:sr], sr - k)
            nats[:sr] = _rotl(nats[:sr], sr - k)
        self._ring_put(self.bof, vals, nats)

    def frame_in(self) -> None:
        sof = self.sof
        self.frame_top = 32 + sof
        if not sof:
            return
        vals, nats = self._ring_get(self.bof, sof)
        sr, k = self.sor, self.rrb_gr
        if sr and k:
            vals[:sr] = _rotl(vals[:sr], k)
            nats[:sr] = _rotl(nats[:sr], k)
        self.gr[32:32 + sof] = vals
        self.nat[32:32 + sof] = nats

    def _ring_put(self, at: int, vals: list, nats: list) -> None:
        n = len(vals)
        first = min(n, N_STACKED - at)
        self.stk[at:at + first] = vals[:first]
        self.stk_nat[at:at + first] = nats[:first]
        if first < n:
            self.stk[:n - first] = vals[first:]
            self.stk_nat[:n - first] = nats[first:]

    def _ring_get(self, at: int, n: int) -> tuple[list, list]:
        idx = [(at + i) % N_STACKED for i in range(n)]
        return [self.stk[i] for i in idx], [self.stk_nat[i] for i in idx]

    # -- rotating predicates and floating-point registers ---------------------------------
    def set_rrb_pr(self, new: int) -> None:
        if new == self.rrb_pr:
            return
        pr = self.pr
        phys = _rotl(pr[16:64], 48 - self.rrb_pr)
        pr[16:64] = _rotl(phys, new % 48 if new else 0)
        self.rrb_pr = new

    def set_rrb_fr(self, new: int) -> None:
        if new == self.rrb_fr:
            return
        fr = self.fr
        phys = _rotl(fr[32:128], 96 - self.rrb_fr)
        fr[32:128] = _rotl(phys, new % 96 if new else 0)
        self.rrb_fr = new

    def set_cfm(self, cfm: int) -> None:
        """Replace CFM in place (no BOF change): used by alloc-free paths such as clrrrb."""
        self.frame_out()
        sof, sol, sor, rg, rf, rp = cfm_fields(cfm)
        self.set_rrb_pr(rp)
        self.set_rrb_fr(rf)
        self.sof, self.sol, self.sor, self.rrb_gr = sof, sol, sor, rg
        self.frame_in()

    def rotate(self) -> None:
        """One modulo-scheduled loop rotation: rrb.gr/fr/pr decremented (register names move
        up by one: the value of GR[32+sor-1] becomes GR[32], PR63 becomes PR16)."""
        gr, nat, sr = self.gr, self.nat, self.sor
        if sr:
            gr[32:32 + sr] = _rotl(gr[32:32 + sr], sr - 1)
            nat[32:32 + sr] = _rotl(nat[32:32 + sr], sr - 1)
            self.rrb_gr = (self.rrb_gr - 1) % sr
        pr, fr = self.pr, self.fr
        pr[16:64] = [pr[63]] + pr[16:63]
        fr[32:128] = [fr[127]] + fr[32:127]
        self.rrb_pr = (self.rrb_pr - 1) % 48
        self.rrb_fr = (self.rrb_fr - 1) % 96

    # -- frame changes --------------------------------------------------------------------
    def alloc(self, sof: int, sol: int, sor: int) -> None:
        if sof > 96 or sol > sof or sor > sof:
            raise illegal_op()
        if sor != self.sor and (self.rrb_gr or self.rrb_fr or self.rrb_pr):
            raise reserved()
        while self.ndirty + sof > N_STACKED:
            self.spill_one()
        self.frame_out()
        self.sof, self.sol, self.sor = sof, sol, sor
        self.frame_in()

    def call_frame(self) -> None:
        """br.call: the caller's locals join the dirty partition; the outputs become the
        callee's frame; rrb values are reset."""
        self.alat.clear()           # the ALAT is keyed by register name (README)
        self.frame_out()
        sol = self.sol
        self.bof = (self.bof + sol) % N_STACKED
        self.ndirty += sol
        self.sof -= sol
        self.sol = self.sor = self.rrb_gr = 0
        self.set_rrb_pr(0)
        self.set_rrb_fr(0)
        self.frame_in()

    def cover_frame(self) -> None:
        """cover: the whole current frame joins the dirty partition; a new empty frame."""
        self.alat.clear()           # the ALAT is keyed by register name (README)
        self.frame_out()
        self.bof = (self.bof + self.sof) % N_STACKED
        self.ndirty += self.sof
        self.sof = self.sol = self.sor = self.rrb_gr = 0
        self.set_rrb_pr(0)
        self.set_rrb_fr(0)
        self.frame_in()

    def restore_frame(self, n: int, cfm: int) -> None:
        """br.ret (n = PFS.pfm.sol) and rfi with IFS.v (n = IFS.ifm.sof): BOF moves down n
        registers, filling from the backing store what is no longer in the ring."""
        self.alat.clear()
        self.frame_out()
        while self.ndirty < n:
            self.fill_one()
        sof, sol, sor, rg, rf, rp = cfm_fields(cfm)
        self.bof = (self.bof - n) % N_STACKED
        self.ndirty -= n
        while self.ndirty + sof > N_STACKED:
            self.spill_one()
        self.set_rrb_pr(rp)
        self.set_rrb_fr(rf)
        self.sof, self.sol, self.sor, self.rrb_gr = sof, sol, sor, rg
        self.frame_in()

    # -- spills and fills -----------------------------------------------------------------
    def spill_one(self) -> None:
        idx = (self.bof - self.ndirty) % N_STACKED
        addr = self.ar[18]
        if (addr >> 3) & 0x3F == 0x3F:
            self.rse_store(addr, self.ar[19])
            addr += 8
        self.rse_store(addr, self.stk[idx])
        bit = 1 << ((addr >> 3) & 0x3F)
        self.ar[19] = (self.ar[19] | bit) if self.stk_nat[idx] else (self.ar[19] & ~bit)
        self.ar[18] = (addr + 8) & M64
        self.ndirty -= 1

    def fill_one(self) -> None:
        addr = (self.ar[18] - 8) & M64
        if (addr >> 3) & 0x3F == 0x3F:
            self.ar[19] = self.rse_load(addr)
            addr -= 8
        v = self.rse_load(addr)
        idx = (self.bof - self.ndirty - 1) % N_STACKED
        self.stk[idx] = v
        self.stk_nat[idx] = (self.ar[19] >> ((addr >> 3) & 0x3F)) & 1
        self.ar[18] = addr
        self.ndirty += 1

    def flushrs(self) -> None:
        while self.ndirty:
            self.spill_one()

    def loadrs(self) -> None:
        """Drop the dirty partition, then load the RSC.loadrs bytes below BSP back into the
        ring as the new dirty partition (BSPSTORE = BSP - loadrs)."""
        if self.sof or self.ar[16] & 3:
            raise illegal_op()
        bsp = self.bsp()
        lo = (bsp - ((self.ar[16] >> 16) & 0x3FF8)) & M64
        n = num_regs(lo, bsp)
        self.ndirty = 0
        self.ar[18] = bsp
        saved = self.ar[19]
        while self.ndirty < n:
            self.fill_one()
        self.ar[19] = saved

    def write_bspstore(self, v: int) -> None:
        if self.ar[16] & 3:
            raise illegal_op()
        self.ar[18] = v & M64 & ~7

    def _rse_fast(self) -> bool:
        """Can RSE accesses use the data fast path (same translation, privilege, order)?"""
        psr, rsc = self.psr, self.ar[16]
        return (bool(psr & (1 << 27)) == bool(psr & (1 << 17)) and (rsc >> 2) & 3 == self.cpl
                and not rsc & 0x10)

    def rse_store(self, addr: int, v: int) -> None:
        o = self.wmap.get(addr >> 12)
        if o is not None and self._rse_fast():
            o += addr & 0xFFF
            self.ram[o:o + 8] = v.to_bytes(8, "little")
            return
        try:                  # the ordinary data path when it translates the same way
            self.data_write(addr, 8, v, rse=not self._rse_fast())
        except Interruption as e:
            e.isr |= ISR_RS
            raise

    def rse_load(self, addr: int) -> int:
        o = self.rmap.get(addr >> 12)
        if o is not None and self._rse_fast():
            o += addr & 0xFFF
            return int.from_bytes(self.ram[o:o + 8], "little")
        try:
            return self.data_read(addr, 8, rse=not self._rse_fast())
        except Interruption as e:
            e.isr |= ISR_RS
            raise
