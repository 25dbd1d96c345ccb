"""Interruption delivery through the IVT (SDM vol 2 ch. 5; vti.md 2.2), rfi, traps, and the
processor's external-interrupt unit (IRR/IVR/TPR/EOI, the interval timer ITM/ITV).

Delivery: PSR.ic = 1 saves IPSR (with ri), IIP, IIPA and clears IFS.v, and writes the
vector's IFA/ITIR/IHA/IIM; with PSR.ic = 0 only ISR is written (ISR.ni = 1).  The new PSR
keeps up, mfl, mfh, pk, dt, rt, mc, it, takes be and pp from DCR and clears the rest
(bank 0, cpl 0, ic = i = 0).  IIPA is the bundle of the interrupted instruction for faults
and traps and the resume bundle for external interrupts (README).
"""
from __future__ import annotations

from . import faults as F
from . import psr as P
from .faults import Interruption

M64 = (1 << 64) - 1
SPURIOUS = 15


class DeliveryMixin:
    def deliver(self, e: Interruption, ip: int, ri: int, trap: bool = False,
                iipa: int | None = None) -> None:
        psr = self.psr
        cr = self.cr
        ic = psr & P.IC
        isr = e.isr & ~((3 << 41) | F.ISR_NI) | (ri & 3) << 41
        if not ic:
            isr |= F.ISR_NI
        if ic:
            cr[16] = (psr & ~P.RI_MASK) | (ri & 3) << 41
            cr[19] = ip & M64 & ~0xF
            cr[22] = (ip if iipa is None else iipa) & M64 & ~0xF
            cr[23] = 0
            if e.ifa is not None:
                cr[20] = e.ifa & M64
            if e.itir is not None:
                cr[21] = e.itir
            if e.iha is not None:
                cr[25] = e.iha
            if e.iim is not None:
                cr[24] = e.iim & M64
        cr[17] = isr
        dcr = cr[0]
        self.set_psr((psr & P.KEPT_ON_INTERRUPTION) | (dcr & 1) << 21 | (dcr & 2))
        self.ip = (cr[2] & ~0x7FFF) + e.vector
        self.ri = 0
        self.alat.clear()
        self.last_interruption = (e.vector, ip, ri, isr)
        if self.observer is not None:
            self.notify("interruption", {"vector": e.vector, "name": F.VECTOR_NAMES.get(
                e.vector, hex(e.vector)), "ip": ip, "slot": ri, "isr": isr, "ifa": e.ifa,
                "vm": bool(psr & P.VM)})
        post = getattr(e, "post", None)         # a virtualization fault: GR24/GR25 (vti.py)
        if post is not None:
            post(self)

    def trap(self, vector: int, code: int, pos: tuple[int, int]) -> None:
        """A trap after the instruction at pos completed: IIP/ri name the next one."""
        self.deliver(Interruption(vector, code), self.ip, self.ri, trap=True, iipa=pos[0])

    def branch_traps(self, pos: tuple[int, int], target: int) -> None:
        """Traps after a taken branch: lower-privilege transfer (br.ret demoted cpl with
        PSR.lp), taken branch (PSR.tb), single step (PSR.ss); one delivery, to the vector of
        the highest-priority trap, with ISR.code naming all of them."""
        psr = self.psr
        code = (0x2 if self.lp_pending else 0) | (0x4 if psr & P.TB else 0) | \
            (0x8 if psr & P.SS else 0)
        self.lp_pending = False
        if code & 0x2:
            self.trap(F.LOWER_PRIV_TRANSFER, code, pos)
        elif code & 0x4:
            self.trap(F.TAKEN_BRANCH, code, pos)
        elif code:
            self.trap(F.SINGLE_STEP, code, pos)

    # -- debug breakpoints (IBR/DBR pairs: address, then mask/plm/enables) ----------------------
    def debug_match(self, regs: list[int], addr: int, bits: int) -> bool:
        cpl = self.cpl
        for i in range(0, len(regs), 2):
            ctl = regs[i + 1]
            if ctl & bits and ctl >> (56 + cpl) & 1:
                mask = (ctl & ((1 << 56) - 1)) | 0xFF << 56
                if not (addr ^ regs[i]) & mask:
                    return True
        return False

    # -- rfi --------------------------------------------------------------------------------
    def rfi(self) -> None:
        cr = self.cr
        ipsr, ifs = cr[16], cr[23]
        if ifs >> 63:
            ifm = ifs & ((1 << 38) - 1)
            self.restore_frame(ifm & 0x7F, ifm)
        self.set_psr(ipsr)
        self.ip = cr[19] & ~0xF
        self.ri = (ipsr >> 41) & 3

    # -- external interrupts -------------------------------------------------------------------
    def raise_interrupt(self, vector: int) -> None:
        """A device or the timer requests an external interrupt (sets its IRR bit)."""
        self.irr |= 1 << (vector & 0xFF)
        self.pending = True

    def highest_deliverable(self) -> int | None:
        irr = self.irr
        if not irr:
            return None
        v = irr.bit_length() - 1
        tpr = self.cr[66]
        if v >= 16 and (tpr >> 16 & 1 or (v >> 4) <= ((tpr >> 4) & 0xF)):
            return None
        if self.isr_stack and (v >> 4) <= (self.isr_stack[-1] >> 4):
            return None
        return v

    def external_interrupt(self) -> None:
        self.deliver(Interruption(F.EXTERNAL_INT), self.ip, self.ri)

    def read_ivr(self) -> int:
        v = self.highest_deliverable()
        if v is None:
            return SPURIOUS
        self.irr &= ~(1 << v)
        self.isr_stack.append(v)
        return v

    def write_eoi(self) -> None:
        if self.isr_stack:
            self.isr_stack.pop()
        self.pending = True

    def irr_word(self, n: int) -> int:
        return (self.irr >> (64 * n)) & M64

    # -- the interval timer --------------------------------------------------------------------
    def read_itc(self) -> int:
        return (self.time() + self.itc_offset) & M64

    def check_timer(self) -> None:
        itv = self.cr[72]
        if self.itm_armed and not itv >> 16 & 1 and self.read_itc() >= self.cr[1]:
            self.itm_armed = False
            self.raise_interrupt(itv & 0xFF)

    def timer_deadline(self) -> int | None:
        """Machine time at which the interval timer fires, if it will."""
        if not self.itm_armed or self.cr[72] >> 16 & 1:
            return None
        return max(self.time(), self.time() + (self.cr[1] - self.read_itc()))
