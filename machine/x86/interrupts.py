"""Exception and interrupt delivery: real-mode IVT, protected-mode and IA-32e IDT gates,
stack switches through the TSS, double fault and triple fault (SDM Vol. 3A, ch. 6)."""
from __future__ import annotations

from . import flags as F
from .state import (
    AR_L,
    AR_P,
    AR_S,
    CONTRIBUTORY,
    CS,
    DF,
    GP,
    HAS_ERROR_CODE,
    NP,
    PF,
    SS,
    SS_,
    TS,
    CpuFault,
    Seg,
)

INT_GATE16, TRAP_GATE16, TASK_GATE, INT_GATE32, TRAP_GATE32 = 6, 7, 5, 0xE, 0xF
LEGACY_GATES = frozenset((TASK_GATE, INT_GATE16, TRAP_GATE16, INT_GATE32, TRAP_GATE32))
LONG_GATES = frozenset((INT_GATE32, TRAP_GATE32))      # 64-bit interrupt and trap gates


class DeliveryMixin:
    observers_exception = None          # callable(cpu, vector, error) or None

    def exception(self, vector: int, error: int | None, trap: bool = False) -> None:
        """Deliver an exception raised by the instruction at RIP (or after it, for traps)."""
        self.last_fault = (vector, error, self.rip)
        if self.observers_exception is not None:
            self.observers_exception(self, vector, error)
        if self.vmx.nonroot:
            return self.vmx_deliver(vector, error, soft=False, exc=True)
        self._deliver_nested(vector, error, soft=False, exc=True)

    def interrupt(self, vector: int, external: bool = False, soft: bool = False,
                  next_rip: int | None = None, insn_rip: int | None = None) -> None:
        """Deliver an interrupt: external (PIC/NMI), or INT n/INT3/INTO/INT1 with RIP already
        advanced; insn_rip is then the instruction's own address, where a fault raised while
        delivering it is reported. Interrupts are benign events for the double-fault rules."""
        if self.vmx.nonroot:
            self.vmx_deliver(vector, None, soft=soft, exc=False, external=external)
        else:
            self._deliver_nested(vector, None, soft=soft, exc=False, insn_rip=insn_rip)
        if self.observer is not None:
            self.notify("interrupt", (vector, external, soft))

    def _deliver_nested(self, vector, error, soft, exc, insn_rip=None):
        """Deliver an event; a fault raised while delivering it is delivered in its place, as
        #DF when the pair is contributory/contributory or #PF/(#PF or contributory), and as
        shutdown when delivering #DF faults (SDM 6.15, Table 6-5). Faults during delivery
        carry EXT=1 unless the event was INT n/INT3/INTO (SDM 6.13)."""
        while True:
            try:
                self._deliver(vector, error, soft, 0 if soft else 1)
                return
            except CpuFault as e:
                second = e.vector
                if insn_rip is not None:
                    self.rip, insn_rip = insn_rip, None
                if exc and vector == DF:
                    if self.vmx.nonroot:
                        self.vmx_triple_fault()
                    self.triple_fault(f"fault {second} while delivering #DF")
                    return
                first = vector if exc else -1          # interrupts are benign
                if (first in CONTRIBUTORY and second in CONTRIBUTORY) or (
                        first == PF and (second in CONTRIBUTORY or second == PF)):
                    vector, error = DF, 0
                else:
                    vector, error = second, e.error
                soft, exc = False, True
                if self.vmx.nonroot:
                    self.vmx_nested_fault(vector, error)

    def triple_fault(self, why: str) -> None:
        self.shutdown_reason = why or "triple fault"
        self.pending = True

    def _deliver(self, vector, error, soft, ext):
        self.halted = False
        if not self.cr0 & 1:
            return self._deliver_real(vector)
        if self.efer & (1 << 10):
            return self._deliver_long(vector, error, soft, ext)
        return self._deliver_prot(vector, error, soft, ext)

    def _deliver_real(self, vector):
        if vector * 4 + 3 > self.idtr[1]:
            raise CpuFault(GP, 0)
        off = self.sys_read(self.idtr[0] + vector * 4, 2)
        sel = self.sys_read(self.idtr[0] + vector * 4 + 2, 2)
        fl = F.materialize(self)
        sp = self.regs[4]
        try:
            self.push(fl & 0xFFFF, 2)
            self.push(self.segs[CS].sel, 2)
            self.push(self.rip & 0xFFFF, 2)
        except CpuFault:
            self.regs[4] = sp
            raise
        self.rflags &= ~(F.IF | F.TF | F.AC | F.RF)
        self.load_cs(sel)
        self.rip = off

    def _gate(self, vector, size, soft, ext_bit, types):
        """Read and check an IDT gate in the SDM's order: limit and type, DPL for software
        interrupts, presence (Vol. 2, INT n pseudocode)."""
        err = vector * 8 + 2 + ext_bit
        if vector * size + size - 1 > self.idtr[1]:
            raise CpuFault(GP, err)
        a = self.idtr[0] + vector * size
        lo = self.sys_read(a, 4)
        hi = self.sys_read(a + 4, 4)
        gtype = (hi >> 8) & 0x1F
        if gtype not in types:
            raise CpuFault(GP, err)
        dpl = (hi >> 13) & 3
        if soft and dpl < self.cpl:
            raise CpuFault(GP, vector * 8 + 2)
        if not hi & 0x8000:
            raise CpuFault(NP, err)
        return a, lo, hi, gtype, ext_bit

    def _push_frame(self, values, size, ext_bit, ss_sel=0):
        """Push an interrupt frame; a stack fault reports #SS(SS selector | EXT)."""
        try:
            for v in values:
                self.push(v, size)
        except CpuFault as e:
            if e.vector == SS_:
                raise CpuFault(SS_, (ss_sel & 0xFFFC) | ext_bit) from None
            raise

    def _target_cs(self, sel, ext_bit, long64=False):
        if sel & 0xFFFC == 0:
            raise CpuFault(GP, ext_bit)
        lo, hi, addr = self.read_descriptor(sel, GP, ext_bit)
        from .system_state import desc_to_seg
        seg = desc_to_seg(sel, lo, hi)
        dpl = (seg.ar >> 5) & 3
        if not seg.ar & AR_S or not seg.ar & 8 or dpl > self.cpl:
            raise CpuFault(GP, (sel & 0xFFFC) | ext_bit)
        if long64 and (not seg.ar & AR_L or seg.ar & 0x4000):
            raise CpuFault(GP, (sel & 0xFFFC) | ext_bit)
        if not seg.ar & AR_P:
            raise CpuFault(NP, (sel & 0xFFFC) | ext_bit)
        self.set_accessed(addr, hi)
        seg.ar |= 1
        return seg, dpl

    def _deliver_prot(self, vector, error, soft, ext):
        a, lo, hi, gtype, ext_bit = self._gate(vector, 8, soft, ext, LEGACY_GATES)
        if gtype == TASK_GATE:
            return self.task_gate_switch(lo >> 16, vector, error, ext_bit)
        sel = lo >> 16
        off = (lo & 0xFFFF) | (hi & 0xFFFF0000)
        gate32 = gtype & 8
        if not gate32:
            off &= 0xFFFF
        seg, dpl = self._target_cs(sel, ext_bit)
        conforming = seg.ar & 4
        new_cpl = self.cpl if conforming else dpl
        size = 4 if gate32 else 2
        fl = F.materialize(self)
        old_ss, old_sp = self.segs[SS], self.regs[4]
        old_cs, old_rip, old_cpl = self.segs[CS], self.rip, self.cpl
        v86 = fl & F.VM
        if v86 and new_cpl != 0:
            raise CpuFault(GP, (sel & 0xFFFC) | ext_bit)
        if off > seg.limit:
            raise CpuFault(GP, ext_bit)
        frame = [fl, old_cs.sel, old_rip]
        if error is not None and vector in HAS_ERROR_CODE:
            frame.append(error)
        ss_sel = 0
        if new_cpl < self.cpl:
            ss_sel, esp = self.tss_stack(new_cpl, ext_bit)
            ss = self._tss_ss(ss_sel, new_cpl, ext_bit)
            frame[:0] = [old_ss.sel, old_sp]
            if v86:
                frame[:0] = [self.segs[s].sel for s in (5, 4, 3, 0)]
            self.segs[SS] = ss
            self.regs[4] = esp
            self.rflags &= ~F.VM
            self.set_cpl(new_cpl)
            self.update_mode()
        try:
            self._push_frame(frame, size, ext_bit, ss_sel)
        except CpuFault:
            self._restore(old_ss, old_sp, old_cs, old_cpl, fl)
            raise
        if v86:
            for s in (0, 3, 4, 5):
                self.segs[s] = Seg(0, 0, 0, 0x10000)
        seg.sel = (sel & 0xFFFC) | new_cpl
        self.rflags &= ~(F.TF | F.NT | F.VM | F.RF)
        if not gtype & 1:
            self.rflags &= ~F.IF
        self.load_cs(seg.sel, seg, new_cpl)
        self.rip = off

    def _restore(self, ss, sp, cs, cpl, fl):
        """Undo a partly done delivery so that the next event sees the interrupted state."""
        self.segs[SS], self.regs[4], self.segs[CS] = ss, sp, cs
        self.rflags = fl
        self.set_cpl(cpl)
        self.update_mode()

    def tss_stack(self, cpl, ext_bit):
        """SS:ESP for a privilege level from the current 32- or 16-bit TSS (SDM 7.2.1)."""
        tr = self.tr
        if (tr.ar & 0xF) in (0x9, 0xB):
            off = 4 + 8 * cpl
            if off + 7 > tr.limit:
                raise CpuFault(TS, (tr.sel & 0xFFFC) | ext_bit)
            esp = self.sys_read(tr.base + off, 4)
            ss = self.sys_read(tr.base + off + 4, 2)
        else:
            off = 2 + 4 * cpl
            if off + 3 > tr.limit:
                raise CpuFault(TS, (tr.sel & 0xFFFC) | ext_bit)
            esp = self.sys_read(tr.base + off, 2)
            ss = self.sys_read(tr.base + off + 2, 2)
        return ss, esp

    def _tss_ss(self, sel, cpl, ext_bit):
        from .system_state import desc_to_seg
        if sel & 0xFFFC == 0 or (sel & 3) != cpl:
            raise CpuFault(TS, (sel & 0xFFFC) | ext_bit)
        lo, hi, addr = self.read_descriptor(sel, TS, ext_bit)
        ss = desc_to_seg(sel, lo, hi)
        t = ss.ar & 0xF
        if not ss.ar & AR_S or t & 8 or not t & 2 or ((ss.ar >> 5) & 3) != cpl:
            raise CpuFault(TS, (sel & 0xFFFC) | ext_bit)
        if not ss.ar & AR_P:
            raise CpuFault(SS_, (sel & 0xFFFC) | ext_bit)
        self.set_accessed(addr, hi)
        ss.ar |= 1
        return ss

    def _deliver_long(self, vector, error, soft, ext):
        a, lo, hi, gtype, ext_bit = self._gate(vector, 16, soft, ext, LONG_GATES)
        hi2 = self.sys_read(a + 8, 4)
        sel = lo >> 16
        off = (lo & 0xFFFF) | (hi & 0xFFFF0000) | (hi2 << 32)
        ist = hi & 7
        if (off >> 47) not in (0, 0x1FFFF):
            raise CpuFault(GP, ext_bit)
        seg, dpl = self._target_cs(sel, ext_bit, long64=True)
        new_cpl = self.cpl if seg.ar & 4 else dpl
        fl = F.materialize(self)
        old_ss, old_sp = self.segs[SS], self.regs[4]
        old_cs, old_rip, old_cpl = self.segs[CS], self.rip, self.cpl
        if new_cpl < self.cpl or ist:
            # RSPn at 4 + 8n, ISTn at 36 + 8(n-1) in the 64-bit TSS (SDM 8.7).
            where = 28 + 8 * ist if ist else 4 + 8 * new_cpl
            if where + 7 > self.tr.limit:
                raise CpuFault(TS, (self.tr.sel & 0xFFFC) | ext_bit)
            rsp = self.sys_read(self.tr.base + where, 8)
            from .system_state import canonical
            if not canonical(rsp):
                raise CpuFault(SS_, ext_bit)
            if new_cpl < self.cpl:
                self.segs[SS] = Seg(new_cpl, 0, 0, 0x10000 | (new_cpl << 5))
        else:
            rsp = self.regs[4]
        rsp &= ~0xF                           # 64-bit delivery aligns the stack (SDM 6.14.2)
        self.set_cpl(new_cpl)
        self.load_cs((sel & 0xFFFC) | new_cpl, seg, new_cpl)
        self.regs[4] = rsp
        frame = [old_ss.sel, old_sp, fl, old_cs.sel, old_rip]
        if error is not None and vector in HAS_ERROR_CODE:
            frame.append(error)
        try:
            self._push_frame(frame, 8, ext_bit)
        except CpuFault:
            self._restore(old_ss, old_sp, old_cs, old_cpl, fl)
            raise
        seg.sel = (sel & 0xFFFC) | new_cpl
        self.rflags &= ~(F.TF | F.NT | F.VM | F.RF)
        if not gtype & 1:
            self.rflags &= ~F.IF
        self.rip = off

    def task_gate_switch(self, sel, vector, error, ext_bit):
        """Interrupt through a task gate: a task switch (SDM 7.3), in exec/task.py."""
        from .exec.task import task_switch
        task_switch(self, sel, "int", error if vector in HAS_ERROR_CODE else None, ext=ext_bit)
