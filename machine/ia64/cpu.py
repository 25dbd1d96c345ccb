"""The Itanium processor: architectural state, the block cache and the execution loop.

Execution is block based: the decoded instruction slots from (bundle, slot) onwards up to a
page end, each a closure made by machine/ia64/exec, cached by virtual address (the fetch
translation's physical page is checked on each use) and dropped when that page is written.
A closure returns None to fall through, a bundle address for a taken branch, RESUMED when it
set IP and PSR.ri itself (rfi), or LEAVE to continue at the next slot outside the block (after
state the rest of the block may depend on changed, such as the PSR).

General registers: `gr`/`nat` hold the registers as the current instructions name them:
GR16-31 of the current bank, GR32.. of the current frame in logical (rotated) order.  The
inactive bank and the rest of the register stack live elsewhere (rse.py).
"""
from __future__ import annotations

from . import psr as P
from .decode import decode_bundle
from .faults import Interruption, illegal_op
from .interrupts import DeliveryMixin
from .mmu import MmuMixin
from .rse import RseMixin
from .sysregs import SysRegsMixin
from .vti import VtiState

M64 = (1 << 64) - 1
RESUMED, LEAVE = -1, -2
LIMIT, BREAK, STOPREQ, HALT, HANG = "limit", "break", "stop", "halt", "hang"
HANG_AFTER = 10_000          # interruptions in a row with no instruction retired
MAX_BLOCK = 96
ONE_INSN = P.ID | P.DA | P.DD | P.IA | P.ED
ONE_SHOT = ONE_INSN | P.SS


class Block:
    __slots__ = ("fns", "insns", "n", "nxt", "pos", "ppage")

    def __init__(self, fns, pos, nxt, ppage, insns):
        self.fns, self.pos, self.nxt, self.ppage, self.insns = fns, pos, nxt, ppage, insns
        self.n = len(fns)


class IA64CPU(MmuMixin, DeliveryMixin, RseMixin, SysRegsMixin):
    arch = "ia64"

    def __init__(self, bus):
        self.bus = bus
        self.ram = bus.ram
        bus.on_code_write = self._code_written
        from .exec import build
        self._build = build
        self.breakpoints: set[int] = set()
        self.observer = None
        self.firmware: dict = {}             # physical address -> callable(cpu) -> next IP
        self.reset()

    # -- state ------------------------------------------------------------------------
    def reset(self) -> None:
        """Power-on state as this model defines it (README): physical mode, cpl 0, PSR.bn=1
        and PSR.ic=1, an empty register frame, IVA 0."""
        self.gr = [0] * 128
        self.nat = [0] * 128
        self.obank = [0] * 16               # the inactive bank of GR16-31 and its NaT bits
        self.obank_nat = [0] * 16
        self.fr = [0] * 128                 # floating point is not modelled (README)
        self.pr = [1] + [0] * 63
        self.br = [0] * 8
        self.ar = [0] * 128
        self.cr = [0] * 128
        self.rr = [0x38 << 0 | (0 << 8)] * 8   # ps = 14 (16 KiB), rid 0, ve 0
        self.pkr = [0] * 16
        self.ibr = [0] * 16
        self.dbr = [0] * 16
        self.pmc = [0] * 16
        self.pmd = [0] * 16
        self.psr = P.BN | P.IC
        self.ip = 0
        self.ri = 0
        self.icount = 0
        self.idle = 0
        self.itc_offset = 0
        self.pending = True
        self.stop_request = False
        self.halted = False
        self.bp_skip = None
        self.last_interruption = None
        self.irr = 0                        # pending external interrupt vectors (bitmap)
        self.isr_stack: list[int] = []      # in-service vectors
        self.alat: dict[int, tuple[int, int]] = {}
        self.lp_pending = False
        self.chk_faults = False
        self.stuck = self.stuck_at = 0
        self.hang_reason = ""
        self.build_index = 0             # failed chk: branch (False) or Speculation fault
        self.cache: dict[int, Block] = {}
        self.page_blocks: dict[int, list[int]] = {}
        self.vti = VtiState()                # VT-i: virtual environment and VPs (vti.py)
        self.reset_cr()
        self.reset_rse()
        self.reset_mmu()

    def time(self) -> int:
        return self.icount + self.idle

    @property
    def cpl(self) -> int:
        return (self.psr >> P.CPL_SHIFT) & 3

    def set_psr(self, v: int) -> None:
        """Write the whole PSR (rfi, interruption): switch banks, refresh the fast paths."""
        old = self.psr
        if (v ^ old) & P.BN:
            self.switch_bank()
        self.psr = v & M64 & ~P.RI_MASK
        if (v ^ old) & (P.IT | P.DT | P.RT | P.CPL_MASK | P.BE | P.PK | P.VM | P.IC):
            self.flush_fast()
        self.pending = True

    def switch_bank(self) -> None:
        gr, nat = self.gr, self.nat
        gr[16:32], self.obank = self.obank, gr[16:32]
        nat[16:32], self.obank_nat = self.obank_nat, nat[16:32]

    def bank_regs(self, bank: int) -> tuple[list[int], list[int]]:
        """(values, NaT bits) of GR16-31 of bank 0 or 1, wherever they are kept now."""
        cur = (self.psr >> 44) & 1
        if bank == cur:
            return self.gr[16:32], self.nat[16:32]
        return list(self.obank), list(self.obank_nat)

    # -- the execution loop -------------------------------------------------------------
    def run(self, limit: int) -> str:
        """Run until icount reaches `limit` or something stops the CPU; return a stop code."""
        bps = self.breakpoints
        lim = self._timer_limit(limit)
        while self.icount < limit:
            if self.pending or self.icount >= lim:
                r = self._service()
                if r is not None:
                    return r
                lim = self._timer_limit(limit)
                continue
            ip, ri = self.ip, self.ri
            if bps:
                a = ip | ri
                if a in bps and self.bp_skip != a:
                    return BREAK
                self.bp_skip = None
            try:
                blk = self._block(ip, ri)
            except Interruption as e:
                self.deliver(e, ip, ri)
                if self._stuck():
                    return HANG
                continue
            n = blk.n
            fns = blk.fns
            if self.icount + n > lim:
                n = lim - self.icount
                fns = fns[:n]
            try:
                for i, f in enumerate(fns):
                    r = f()
                    if r is not None:
                        break
                else:
                    self.icount += n
                    self.ip, self.ri = blk.nxt[n - 1]
                    continue
            except Interruption as e:
                self.icount += i
                a, s = blk.pos[i]
                self.deliver(e, a, s)
                if not i and self._stuck():
                    return HANG
                continue
            self.icount += i + 1
            if r >= 0:
                self.ip, self.ri = r, 0
                if self.psr & P.TB or self.lp_pending:
                    self.branch_traps(blk.pos[i], r)
            elif r == LEAVE:
                self.ip, self.ri = blk.nxt[i]
        return LIMIT

    def _stuck(self) -> bool:
        """Count interruptions delivered since the last retired instruction: a handler that
        faults on its own first instruction loops forever, as the hardware would; the model
        reports it as a hang (the board's SHUTDOWN stop) instead of spinning."""
        if self.icount != self.stuck_at:
            self.stuck_at, self.stuck = self.icount, 0
        self.stuck += 1
        if self.stuck > HANG_AFTER:
            self.hang_reason = (f"{HANG_AFTER} interruptions in a row without a retired "
                                f"instruction (last at IIP {self.cr[19]:#x}, vector "
                                f"{self.last_interruption[0]:#x})")
            self.stuck = 0
            return True
        return False

    def _timer_limit(self, limit: int) -> int:
        """The icount at which the interval timer next needs the slow path."""
        dl = self.timer_deadline()
        return limit if dl is None else max(self.icount + 1, min(limit, dl - self.idle))

    def step(self) -> str:
        return self.run(self.icount + 1)

    def _service(self):
        """The loop's slow path: stop requests, external interrupts, the interval timer."""
        if self.stop_request:
            self.stop_request = False
            return STOPREQ
        self.check_timer()
        if self.psr & P.I and self.irr:
            vec = self.highest_deliverable()
            if vec is not None:
                self.halted = False
                self.external_interrupt()
                return None
        if self.halted:
            if self.highest_deliverable() is None:
                return HALT
            self.halted = False                  # an interrupt ends PAL_HALT_LIGHT
            self.pending = True
            return None
        if self.psr & ONE_SHOT or (self.psr & P.DB and any(self.ibr[1::2])):
            return self._one_by_one()
        self.pending = False
        return None

    def _one_by_one(self):
        """Run one instruction on the slow path: instruction breakpoints (IBR, PSR.db) are
        checked before it, the one-instruction PSR bits (id, da, dd, ia, ed) cleared and the
        Single Step trap (PSR.ss) taken after it."""
        ip, ri = self.ip, self.ri
        a = ip | ri
        if self.breakpoints and a in self.breakpoints and self.bp_skip != a:
            return BREAK
        self.bp_skip = None
        psr = self.psr
        try:
            if psr & P.DB and not psr & P.ID and self.debug_match(self.ibr, ip, 1 << 63):
                raise Interruption(0x5900, 1 << 32, ip)
            blk = self._block(ip, ri)
            r = blk.fns[0]()
        except Interruption as e:
            self.deliver(e, ip, ri)
            return HANG if self._stuck() else None
        self.icount += 1
        if r != RESUMED and self.psr & ONE_INSN:
            self.set_psr(self.psr & ~ONE_INSN)
        if r is None or r == LEAVE:
            self.ip, self.ri = blk.nxt[0]
        elif r >= 0:
            self.ip, self.ri = r, 0
            if self.psr & (P.TB | P.SS) or self.lp_pending:
                self.branch_traps(blk.pos[0], r)
                return None
        if self.psr & P.SS and r != RESUMED:
            self.trap(0x6000, 0x8, blk.pos[0])
        return None

    # -- decoding and the block cache ------------------------------------------------
    def _block(self, ip: int, ri: int) -> Block:
        ppage = self.fetch_page(ip)               # may raise an instruction TLB fault
        blk = self.cache.get(ip | ri)
        if blk is not None and blk.ppage == ppage:
            return blk
        return self._build_block(ip, ri, ppage)

    def _build_block(self, ip: int, ri: int, ppage: int) -> Block:
        fns, pos, nxt, insns = [], [], [], []
        addr, slot = ip, ri
        bps = self.breakpoints
        in_ram = ppage is not None and ppage + 4096 <= self.bus.ram_size \
            and self.bus.ram_page(ppage)
        fw = self.firmware.get(ppage + (addr & 0xFFF)) if not in_ram else None
        if fw is not None:                   # firmware implemented in Python (pal.py)
            cpu = self
            return Block([lambda: fw(cpu)], [(ip, ri)], [(ip, ri)], ppage, [None])
        while True:
            off = addr & 0xFFF
            raw = bytes(self.ram[ppage + off:ppage + off + 16]) if in_ram else \
                self.bus.read_bytes(ppage + off, 16)
            b = decode_bundle(raw)
            slots = [i for i, ins in enumerate(b.insns) if ins is not None]
            if slot > slots[-1]:
                fns.append(_illegal)           # ri beyond the bundle: Illegal Operation
                pos.append((addr, slot))
                nxt.append((addr + 16, 0))
                insns.append(None)
                break
            for k, s in enumerate(slots):
                if s < slot:
                    continue
                if fns and (bps and (addr | s) in bps or self._mem_watch is not None):
                    break
                ins = b.insns[s]
                self.build_index = len(fns)          # lets time readers know their offset
                fns.append(self._build(self, ins, addr, b))
                pos.append((addr, s))
                nxt.append((addr, slots[k + 1]) if k + 1 < len(slots) else ((addr + 16) & M64, 0))
                insns.append(ins)
            else:
                addr = (addr + 16) & M64
                slot = 0
                if addr & 0xFFF and len(fns) < MAX_BLOCK and in_ram:
                    continue
            break
        blk = Block(fns, pos, nxt, ppage, insns)
        if in_ram:
            self.cache[ip | ri] = blk
            page = ppage >> 12
            self.page_blocks.setdefault(page, []).append(ip | ri)
            if page not in self.bus.code_pages:
                self.bus.code_pages.add(page)
                self.drop_write_fast()
        return blk

    def _code_written(self, paddr: int, size: int) -> None:
        for page in {paddr >> 12, (paddr + size - 1) >> 12}:
            for key in self.page_blocks.pop(page, ()):
                self.cache.pop(key, None)
            self.bus.code_pages.discard(page)

    def flush_code(self) -> None:
        self.cache.clear()
        self.page_blocks.clear()
        self.bus.code_pages.clear()

    def stop_soon(self) -> None:
        """Stop the run at the end of the current block (for observers)."""
        self.stop_request = True
        self.pending = True

    def notify(self, kind: str, payload) -> None:
        if self.observer is not None and self.observer(kind, payload):
            self.stop_request = True
            self.pending = True


def _illegal():
    raise illegal_op()
