"""The x86 processor: architectural state, the memory fast path and the execution loop.

Execution is block based: straight-line runs of decoded instructions, each a closure made by
machine/x86/exec, cached per code size and physical address and dropped when their page is
written. The loop carries no debugger checks beyond one set lookup per block for breakpoints.
"""
from __future__ import annotations

from . import flags as F
from .decode import NeedMore, decode
from .interrupts import DeliveryMixin
from .mmu import MmuMixin
from .state import CS, SS, BlockEnd, CpuFault, Seg
from .system_state import SystemStateMixin
from .vmx.entry import VmEntryMixin
from .vmx.ept import EptMixin
from .vmx.exit import VmExitMixin
from .vmx.exitinfo import VmExit
from .vmx.nonroot import VmxNonRootMixin
from .vmx.root import VmxRootMixin, VmxState


class Block:
    __slots__ = ("fns", "n", "offs", "lin", "writes", "insns")

    def __init__(self, fns, offs, insns):
        self.fns = fns
        self.n = len(fns)
        self.offs = offs          # byte offset of each instruction from the block start
        self.insns = insns


def _end_block():
    raise BlockEnd


# Stop codes returned by X86CPU.run()
LIMIT, HALT, BREAK, SHUTDOWN, STOPREQ = "limit", "halt", "break", "shutdown", "stop"
RESCHED = "resched"                     # internal: limits changed (VM entry), loop again


class X86CPU(MmuMixin, DeliveryMixin, SystemStateMixin, VmxRootMixin, VmEntryMixin,
             VmExitMixin, VmxNonRootMixin, EptMixin):
    arch = "x86"

    def __init__(self, bus):
        self.bus = bus
        self.ram = bus.ram
        bus.on_code_write = self._code_written
        from .exec import build  # late import: exec modules import this package
        self._build = build
        self.breakpoints: set[int] = set()
        self.reset()

    # -- state --------------------------------------------------------------------
    def reset(self) -> None:
        """The architectural power-up state (SDM Vol. 3A, 10.1.1): real mode at F000:FFF0."""
        self.regs = [0] * 16
        self.regs[2] = 0x000306A9          # EDX: the CPUID.1 signature (SDM 10.1.2)
        self.rip = 0xFFF0
        self.rflags = 0x2
        self.lazy = None
        self.segs = [Seg(0, 0, 0xFFFF, 0x93) for _ in range(6)]
        self.segs[CS] = Seg(0xF000, 0xFFFF0000, 0xFFFF, 0x93)   # SDM Table 10-1
        self.ldtr = Seg(0, 0, 0xFFFF, 0x82)
        self.tr = Seg(0, 0, 0xFFFF, 0x8B)
        self.gdtr = [0, 0xFFFF]            # base, limit
        self.idtr = [0, 0xFFFF]
        self.cr0 = 0x60000010
        self.cr2 = self.cr3 = self.cr4 = self.cr8 = 0
        self.xcr0 = 1
        self.dr = [0, 0, 0, 0, 0xFFFF0FF0, 0x400, 0xFFFF0FF0, 0x400]
        self.efer = 0
        self.msr: dict[int, int] = {}
        self.cpl = 0
        self.icount = 0
        self.idle = 0                      # time spent halted, in instruction units
        self.halted = False
        self.pending = True                # something for the loop's slow path to look at
        self.irq_line = False
        self.nmi_pending = False
        self.nmi_blocked = False
        self.shadow = 0                    # interrupt shadow: 1 after STI, 2 after MOV/POP SS
        self.stop_request = False
        self.smc = False
        self.bp_skip = None
        self.shutdown_reason = ""
        self.last_fault = None
        self.delivering = []               # vectors being delivered (double/triple fault logic)
        self.intack = None                 # callable returning the vector of a pending IRQ
        self.observer = None               # callable(kind, payload) -> True to stop the run
        self.vmx = VmxState()
        self.vctl = self.vmcs = None       # controls and VMCS in force in non-root operation
        self.timer_deadline = None         # VMX-preemption timer expiry, in time units
        self.mtf_pending = False
        self.dbg_held = 0                  # #DB trap causes (DR6 layout) held by MOV-SS blocking
        self.db_bits = 0                   # causes of the #DB being raised in non-root operation
        self.pending_dbg = 0               # VMX: debug traps pending at an MTF exit
        self.rep_once = False              # REP string instructions stop after one iteration
        self.iret_unblocked_nmi = False    # the faulting IRET just ended (virtual-)NMI blocking
        self.vectoring_info = self.vectoring_error = 0
        self.resched = False
        self.last_vmexit = None
        self.io = self.bus
        self.pdptes = [0, 0, 0, 0]
        self.caches = {16: {}, 32: {}, 64: {}}
        self.page_blocks: dict[int, list] = {}
        self.tlb_sets, self.tlb_ctx = None, (0, 0)
        self.flush_tlb()
        self.update_mode()

    # registers by width ----------------------------------------------------------------
    def get_reg(self, r: int, size: int) -> int:
        return self.regs[r] & ((1 << (8 * size)) - 1)

    def set_reg(self, r: int, size: int, v: int) -> None:
        if size >= 4:
            self.regs[r] = v & ((1 << (8 * size)) - 1)
        else:
            m = (1 << (8 * size)) - 1
            self.regs[r] = (self.regs[r] & ~m) | (v & m)

    def get_flags(self) -> int:
        return F.materialize(self)

    def set_flags(self, v: int) -> None:
        self.lazy = None
        old = self.rflags
        self.rflags = (v & 0x3F7FD5) | 2
        if (self.rflags ^ old) & (F.IF | F.TF | F.VM):
            self.pending = True
            if (self.rflags ^ old) & F.VM:
                self.update_mode()

    # -- memory through segments (the hot path) ---------------------------------------
    def rd(self, s: int, off: int, size: int) -> int:
        seg = self.segs[s]
        if off + size - 1 > seg.rlim:
            off = self.seg_check(s, off, size, False)
        lin = (seg.base + off) & self.lin_mask
        o = self.tlb_r.get(lin >> 12)
        if o is not None:
            lo = lin & 0xFFF
            if lo + size <= 4096:
                o += lo
                return int.from_bytes(self.ram[o:o + size], "little")
        return self.seg_read(s, lin, size)

    def wr(self, s: int, off: int, size: int, v: int) -> None:
        seg = self.segs[s]
        if off + size - 1 > seg.wlim:
            off = self.seg_check(s, off, size, True)
        lin = (seg.base + off) & self.lin_mask
        o = self.tlb_w.get(lin >> 12)
        if o is not None:
            lo = lin & 0xFFF
            if lo + size <= 4096:
                o += lo
                self.ram[o:o + size] = v.to_bytes(size, "little")
                return
        self.seg_write(s, lin, size, v)

    def push(self, v: int, size: int) -> None:
        sp = (self.regs[4] - size) & self.sp_mask
        self.wr(SS, sp, size, v & ((1 << (8 * size)) - 1))
        self.regs[4] = (self.regs[4] & ~self.sp_mask) | sp

    def pop(self, size: int) -> int:
        sp = self.regs[4] & self.sp_mask
        v = self.rd(SS, sp, size)
        self.regs[4] = (self.regs[4] & ~self.sp_mask) | ((sp + size) & self.sp_mask)
        return v

    # -- the execution loop ------------------------------------------------------------
    def run(self, limit: int) -> str:
        """Run until icount reaches `limit` or something stops the CPU; return a stop code."""
        while True:
            lim = limit
            if self.timer_deadline is not None and self.vmx.nonroot:
                # The VMX-preemption timer expires on an instruction boundary (SDM 26.5.1).
                if self.time() >= self.timer_deadline:
                    r = self._service()
                    if r is not None and r != RESCHED:
                        return r
                    continue
                lim = min(limit, self.timer_deadline - self.idle)
            r = self._run(lim)
            if r == RESCHED or (r == LIMIT and self.icount < limit):
                self.pending = True
                continue
            return r

    def _run(self, limit: int) -> str:
        bps = self.breakpoints
        while self.icount < limit:
            if self.pending:
                r = self._service()
                if r is not None:
                    return r
                continue
            rip0 = self.rip
            lin = (self.segs[CS].base + rip0) & self.lin_mask
            if bps:
                if lin in bps and self.bp_skip != lin:
                    return BREAK
                self.bp_skip = None
            blk = None
            ic0 = self.icount
            try:
                o = self.tlb_x.get(lin >> 12)
                if o is None:
                    blk = self._fetch_block(lin)
                else:
                    blk = self.cache.get(o + (lin & 0xFFF))
                    if blk is None:
                        blk = self._build_block(lin, o + (lin & 0xFFF))
                if self.icount + blk.n <= limit:
                    for f in blk.fns:
                        f()
                    self.icount += blk.n
                else:
                    self.smc = False
                    for f in blk.fns[:limit - self.icount]:
                        f()
                        self.icount += 1
                        if self.smc:
                            break
            except CpuFault as e:
                # From ic0: the partial-block path has already counted as it went.
                self.icount = ic0 + self._retired(blk, rip0, faulted=True)
                self.exception(e.vector, e.error)
            except BlockEnd:
                self.icount = ic0 + self._retired(blk, rip0)
            except VmExit as e:
                self.icount = ic0 + self._retired(blk, rip0, faulted=not e.trap_like)
                self.vm_exit(e)
        return LIMIT

    def _retired(self, blk, rip0, faulted=False) -> int:
        """How many instructions of blk completed, judged by where RIP now stands.

        A faulting instruction leaves RIP on itself; an instruction that ended its block early
        (BlockEnd, SMC) has completed and left RIP on its successor.
        """
        if blk is None:
            return 0
        delta = (self.rip - rip0) & 0xFFFFFFFFFFFFFFFF
        if delta in blk.offs:
            return blk.offs.index(delta)
        return 0 if faulted else blk.n

    def interrupts_wake(self) -> bool:
        """Can an external interrupt end a HLT now? (RFLAGS.IF, or external-interrupt exiting
        in VMX non-root operation, where IF does not block interrupts: SDM 26.3.)"""
        return bool(self.rflags & F.IF) or (self.vmx.nonroot and self.vctl.pin(0))

    def halt_deadline(self):
        """When a halted CPU wakes without an interrupt: the VMX-preemption timer."""
        return self.timer_deadline if self.vmx.nonroot else None

    def notify(self, kind: str, payload) -> None:
        """Tell the observer (the debugger) about a VMX event; it may ask to stop."""
        if self.observer is not None and self.observer(kind, payload):
            self.stop_soon()

    def stop_soon(self) -> None:
        """Leave the loop after the instruction now executing (a debugger event fired inside
        it): the blocks of its code page end early this once and are decoded again later."""
        self.stop_request = self.pending = self.smc = True
        lin = (self.segs[CS].base + self.rip) & self.lin_mask
        o = self.tlb_x.get(lin >> 12)
        if o is not None:
            for cache, key in self.page_blocks.pop(o >> 12, ()):
                blk = cache.pop(key, None)
                if blk is not None:
                    blk.fns[:] = [_end_block] * blk.n

    def step(self) -> str:
        return self.run(self.icount + 1)

    def _service(self):
        """The loop's slow path: stop requests, halts, interrupts, shadows, single-step."""
        if self.stop_request:
            self.stop_request = False
            return STOPREQ
        if self.shutdown_reason:
            return SHUTDOWN
        if self.resched:
            self.resched = False
            return RESCHED
        if self.vmx.nonroot:
            ev = self.vmx_pending_event()
            if ev is not None:
                # An exit taken in the HLT state saves activity state HLT (SDM 28.3.4); the
                # host-state load then leaves the processor active.
                self.vm_exit(ev)
                return None
            if self.vctl.proc(27) and not self.halted:
                self.shadow = 0           # any STI/MOV-SS blocking covers just this instruction
                self._exec_one(mtf=True)  # monitor trap flag: exit after each instruction
                if self.vmx.nonroot:
                    self.mtf_pending = True
                self.pending = True
                return None
        if self.shadow:
            # Execute exactly one instruction with interrupts inhibited (SDM 6.8.3). The
            # blocking stays recorded while it runs (a VM exit on it saves it, SDM 28.3.1.5);
            # an instruction that sets a new shadow keeps that one.
            self.pending = True
            lin = (self.segs[CS].base + self.rip) & self.lin_mask
            if self.breakpoints and lin in self.breakpoints and self.bp_skip != lin:
                return BREAK
            self.bp_skip = None
            before = self.shadow
            self._exec_one()
            if self.shadow == before:
                self.shadow = 0
            return None
        if self.nmi_pending and not self.nmi_blocked:
            self.nmi_pending = False
            self.halted = False
            self.nmi_blocked = True
            self.interrupt(2, external=True)
            return None
        if self.irq_line and self.rflags & F.IF:
            vec = self.intack() if self.intack else None
            if vec is not None:
                self.halted = False
                self.interrupt(vec, external=True)
                return None
        if self.halted:
            return HALT
        if self.rflags & F.TF:
            self._exec_one()
            return None
        self.pending = False
        return None

    def _exec_one(self, mtf: bool = False) -> None:
        """Run one instruction on the slow path (shadows, TF, MTF); a TF trap follows it.

        A debug trap raised by MOV SS/POP SS is held until after the next instruction (SDM
        6.8.3). Under the monitor trap flag a REP string instruction runs one iteration
        (SDM 26.5.2) and the MTF exit comes before debug traps, which stay pending (26.7.8)."""
        tf = self.rflags & F.TF
        start = self.rip
        held, self.dbg_held = self.dbg_held, 0
        shadow0 = self.shadow
        self.rep_once = mtf
        try:
            insn, fn = self.decode_at((self.segs[CS].base + self.rip) & self.lin_mask)
            fn()
            self.icount += 1
        except CpuFault as e:
            self.exception(e.vector, e.error)
            return
        except BlockEnd:
            self.icount += 1
        except VmExit as e:
            if e.trap_like:
                self.icount += 1
            self.dbg_held = held            # still blocked: the exit records them (SDM 28.3.4)
            self.vm_exit(e)
            return
        finally:
            self.rep_once = False
        if shadow0 and self.shadow == shadow0:
            self.shadow = 0                 # the blocked instruction completed: blocking ends
        # IA32_DEBUGCTL.BTF: single-step on taken branches only (SDM 17.4.3).
        if tf and self.msr.get(0x1D9, 0) & 2 and self.rip in (start, start + insn.length):
            tf = 0
        bits = held | (0x4000 if tf else 0)  # BS: single-step trap (SDM 17.3.1.4)
        if not bits:
            return
        if self.shadow == 2 and shadow0 != 2:
            self.dbg_held = bits
        elif mtf and self.vmx.nonroot:
            self.pending_dbg = bits
        else:
            self.debug_trap(bits)

    def debug_trap(self, bits: int) -> None:
        """Raise a #DB trap with these causes (DR6 layout; bit 12 is the VMX enabled-breakpoint
        flag). DR6 records them, unless the #DB causes a VM exit: then they are its
        qualification and DR6 is left alone (SDM 28.2.1, 28.3.4 / Table 28-1)."""
        bits &= 0x600F
        if self.vmx.nonroot:
            self.db_bits = bits
        else:
            self.dr[6] |= bits
        self.exception(1, None, trap=True)

    # -- decoding and the block cache ------------------------------------------------
    def _fetch_block(self, lin: int) -> Block:
        paddr = self.translate(lin, 2)
        if self.tlb_x.get(lin >> 12) is not None:
            blk = self.cache.get(paddr)
            if blk is None:
                blk = self._build_block(lin, paddr)
            return blk
        # Code outside plain RAM (ROM, MMIO): decode without caching.
        insn, fn = self.decode_at(lin)
        return Block([fn], [0], [insn])

    def _build_block(self, lin: int, paddr: int) -> Block:
        page = paddr >> 12
        page_end = (page + 1) << 12
        buf = self.ram[paddr:page_end]
        bits = self.code_bits
        fns, offs, insns = [], [], []
        pos = 0
        bps = self.breakpoints
        while True:
            try:
                insn = decode(buf, pos, bits)
            except NeedMore:
                if not fns:
                    insn, fn = self.decode_at(lin)      # straddles a page: never cached
                    return Block([fn], [0], [insn])
                break
            offs.append(pos)
            insns.append(insn)
            fns.append(self._build(self, insn))
            pos += insn.length
            if "T" in insn.flags or pos >= len(buf) or len(fns) >= 64:
                break
            if bps and (lin + pos) & self.lin_mask in bps:
                break
        blk = Block(fns, offs, insns)
        self.cache[paddr] = blk
        self.page_blocks.setdefault(page, []).append((self.cache, paddr))
        if page not in self.bus.code_pages:
            self.bus.code_pages.add(page)
            self.drop_write_tlb()
        return blk

    def decode_at(self, lin: int):
        """Decode the instruction at a linear address through fetch translation (slow path)."""
        raw = bytearray()
        for i in range(15):
            a = (lin + i) & self.lin_mask
            try:
                raw.append(self.read_lin(a, 1, fetch=True))
            except CpuFault as fault:
                if i == 0:
                    raise
                try:
                    insn = decode(raw, 0, self.code_bits)
                except NeedMore:
                    raise fault from None       # the instruction runs into the faulting byte
                return insn, self._build(self, insn)
        insn = decode(raw, 0, self.code_bits)
        return insn, self._build(self, insn)

    def _code_written(self, paddr: int, size: int) -> None:
        """A store hit a page with decoded code: drop its blocks (SDM 11.6, self-modifying
        code). A block that is running stops after the current instruction: its remaining
        closures are replaced in place by one that ends the block."""
        for page in {paddr >> 12, (paddr + size - 1) >> 12}:
            for cache, key in self.page_blocks.pop(page, ()):
                blk = cache.pop(key, None)
                if blk is not None:
                    blk.fns[:] = [_end_block] * blk.n
            self.bus.code_pages.discard(page)
        self.smc = True

    def flush_code(self) -> None:
        for c in self.caches.values():
            c.clear()
        self.page_blocks.clear()
        self.bus.code_pages.clear()
