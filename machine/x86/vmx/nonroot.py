"""VMX non-root operation: what makes the guest exit (SDM Vol. 3C, chapter 26; digest 8, 11).

Instructions that may exit ask the helpers here (only when `cpu.vmx.nonroot` is set, so root
operation pays nothing); events (interrupts, NMIs, windows, the preemption timer, MTF) are
examined in the CPU loop's slow path through `vmx_pending_event`.
"""
from __future__ import annotations

from .exitinfo import VmExit

INTR_VALID = 1 << 31
TYPE_EXT, TYPE_NMI, TYPE_HW, TYPE_SWINT, TYPE_PRIVSW, TYPE_SWEXC, TYPE_OTHER = 0, 2, 3, 4, 5, 6, 7
SOFT_EXC_VECTORS = {3: TYPE_SWEXC, 4: TYPE_SWEXC}
SOFT_TYPES = (TYPE_SWINT, TYPE_PRIVSW, TYPE_SWEXC)


class VmxNonRootMixin:
    # -- entering non-root operation -------------------------------------------------
    def vmx_enter_nonroot(self, x) -> None:
        c, ctl = x.c, x.ctl
        self.vctl = ctl
        self.vmcs = c
        self.exc_bitmap = c["EXCEPTION_BITMAP"]
        self.ept_on = ctl.proc2(1)
        self.timer_deadline = None
        if ctl.pin(6):
            self.timer_deadline = self.time() + (c["VMX_PREEMPTION_TIMER_VALUE"] << 0)
        info = c["VM_ENTRY_INTR_INFO_FIELD"]
        # An MTF exit is pending before the first guest instruction after an injected event
        # (MTF = 1), or when the entry injects "pending MTF VM exit" (digest 11.1 cases 1, 2).
        self.mtf_pending = bool(info >> 31) and (ctl.proc(27) or (info >> 8) & 7 == TYPE_OTHER)

    def preemption_timer_value(self) -> int:
        if self.timer_deadline is None:
            return self.vmcs["VMX_PREEMPTION_TIMER_VALUE"]
        return max(0, self.timer_deadline - self.time())

    # -- event injection (SDM 27.6) -----------------------------------------------------
    def inject_event(self, info: int, error: int, length: int) -> None:
        vec, typ = info & 0xFF, (info >> 8) & 7
        if typ == TYPE_OTHER:
            return
        insn = None
        if typ in SOFT_TYPES:
            insn = self.rip
            self.rip = (self.rip + length) & (0xFFFFFFFFFFFFFFFF if self.code_bits == 64
                                               else 0xFFFFFFFF)
        if typ == TYPE_NMI:
            self.nmi_blocked = True
        err = error if info >> 11 & 1 else None
        # An injected event is delivered through the guest IDT without consulting the
        # exception bitmap (SDM 27.6.1); faults during its delivery may still exit.
        self.vectoring_info, self.vectoring_error = info & ~0x1000, error
        try:
            self._deliver_nested(vec, err, soft=typ == TYPE_SWINT,
                                 exc=typ in (TYPE_HW, TYPE_SWEXC), insn_rip=insn)
            self.vectoring_info = 0
        except VmExit as e:
            self._soft_event_exit(e, insn, length)
            self.vm_exit(e)

    def _soft_event_exit(self, e, insn, length: int) -> None:
        """An exit while delivering a software interrupt or (privileged) software exception,
        executed or injected, saves RIP on the instruction (the injected guest RIP) and, while
        that event is the one being delivered, its length (SDM 27.6.1.1, 28.2.4, 28.3.3)."""
        if insn is None:
            return
        self.rip = insn
        if (self.vectoring_info >> 8) & 7 in SOFT_TYPES:
            e.instruction_length = length

    # -- delivering events in non-root operation (SDM 26.2, 28.2.4) ------------------------
    def vmx_deliver(self, vector: int, error, soft: bool, exc: bool, external: bool = False,
                    kind: int | None = None, length: int = 0) -> None:
        """Deliver an exception or interrupt in the guest, or exit when the VMCS says so."""
        if kind is None:
            kind = (TYPE_NMI if vector == 2 else TYPE_EXT) if external else (
                TYPE_HW if exc else TYPE_SWINT)
        iret_unblock, self.iret_unblocked_nmi = self.iret_unblocked_nmi, False
        insn = None
        try:
            if kind in (TYPE_HW, TYPE_SWEXC, TYPE_PRIVSW) and \
                    self.vmx_exception_exits(vector, error):
                qual = 0
                if vector == 14 and kind == TYPE_HW:
                    qual = self.cr2                  # the faulting linear address
                    self.cr2 = getattr(self, "cr2_before_pf", self.cr2)
                elif vector == 1 and kind == TYPE_HW:
                    qual, self.db_bits = self.db_bits, 0     # DR6 is not written (28.2.1)
                if kind != TYPE_HW:
                    # INT3/INTO/INT1 exits are reported on the instruction (SDM 28.2.1).
                    self.rip = (self.rip - length) & (
                        0xFFFFFFFFFFFFFFFF if self.code_bits == 64 else 0xFFFFFFFF)
                self.vmx_exception_exit(vector, error, kind, length, qual, iret_unblock)
            if vector == 1 and kind == TYPE_HW and self.db_bits:
                self.dr[6] |= self.db_bits
                self.db_bits = 0
            info = vector | (kind << 8) | INTR_VALID
            if error is not None and kind == TYPE_HW and vector in (8, 10, 11, 12, 13, 14, 17):
                info |= 1 << 11
            self.vectoring_info, self.vectoring_error = info, error or 0
            if kind in SOFT_TYPES:
                insn = (self.rip - length) & (
                    0xFFFFFFFFFFFFFFFF if self.code_bits == 64 else 0xFFFFFFFF)
            self._deliver_nested(vector, error, soft=soft, exc=exc or kind == TYPE_SWEXC,
                                 insn_rip=insn)
            self.vectoring_info = 0
        except VmExit as e:
            self._soft_event_exit(e, insn, length)
            self.vm_exit(e)

    def vmx_nested_fault(self, vector: int, error) -> None:
        """A fault raised while delivering an event: it may exit (with IDT-vectoring info)."""
        if self.vmx_exception_exits(vector, error):
            qual = self.cr2 if vector == 14 else 0
            if vector == 14:
                self.cr2 = getattr(self, "cr2_before_pf", self.cr2)
            self.vmx_exception_exit(vector, error, TYPE_HW, 0, qual)
        info = vector | (TYPE_HW << 8) | INTR_VALID
        if error is not None and vector in (8, 10, 11, 12, 13, 14, 17):
            info |= 1 << 11
        self.vectoring_info, self.vectoring_error = info, error or 0

    def vmx_triple_fault(self) -> None:
        self.vectoring_info = 0
        raise VmExit(2, cause="triple fault in the guest (always exits)")

    # -- exceptions in non-root operation ------------------------------------------------
    def vmx_exception_exits(self, vector: int, error, soft: bool = False) -> bool:
        """Does this exception cause a VM exit (exception bitmap, #PF mask/match)?"""
        if vector == 14:
            c = self.vmcs
            hit = (error & c["PAGE_FAULT_ERROR_CODE_MASK"]) == c["PAGE_FAULT_ERROR_CODE_MATCH"]
            return hit == bool(self.exc_bitmap >> 14 & 1)
        return bool(self.exc_bitmap >> vector & 1)

    def vmx_exception_exit(self, vector: int, error, kind: int, length: int = 0,
                           qualification: int = 0, iret_unblock: bool = False) -> None:
        info = vector | (kind << 8) | INTR_VALID
        if error is not None and kind == TYPE_HW:
            info |= 1 << 11
        if iret_unblock and vector != 8:
            info |= 1 << 12                   # NMI unblocking due to IRET (SDM 28.2.2)
        cause = (f"bit {vector} of the exception bitmap" if vector != 14 else
                 "bit 14 of the exception bitmap with the #PF error-code mask/match")
        raise VmExit(0, qualification, length, intr_info=info, intr_error=error or 0,
                     cause=cause, cause_field="EXCEPTION_BITMAP", cause_bit=vector)

    # -- events at instruction boundaries (SDM 26.7, digest 7.3 step 10) ---------------------
    def vmx_pending_event(self):
        """A VmExit for the highest-priority pending event that exits, else None."""
        ctl = self.vctl
        if self.mtf_pending:
            self.mtf_pending = False
            return VmExit(37, cause="monitor trap flag", cause_field="CPU_BASED_VM_EXEC_CONTROL",
                          cause_bit=27, trap_like=True)
        if self.timer_deadline is not None and self.time() >= self.timer_deadline:
            return VmExit(52, cause="the VMX-preemption timer counted down to zero",
                          cause_field="PIN_BASED_VM_EXEC_CONTROL", cause_bit=6)
        shadow = self.shadow
        if ctl.proc(22) and not self.nmi_blocked and shadow != 2:
            return VmExit(8, cause="NMI-window exiting", cause_field="CPU_BASED_VM_EXEC_CONTROL",
                          cause_bit=22)
        if self.nmi_pending and ctl.pin(3) and not (self.nmi_blocked and not ctl.pin(5)) \
                and shadow != 2:
            self.nmi_pending = False
            return VmExit(0, intr_info=2 | (TYPE_NMI << 8) | INTR_VALID, cause="NMI exiting",
                          cause_field="PIN_BASED_VM_EXEC_CONTROL", cause_bit=3)
        if ctl.proc(2) and self.rflags & 0x200 and not shadow:
            return VmExit(7, cause="interrupt-window exiting",
                          cause_field="CPU_BASED_VM_EXEC_CONTROL", cause_bit=2)
        if self.irq_line and ctl.pin(0) and not shadow:
            info = 0
            if ctl.exit(15):                   # acknowledge interrupt on exit
                vec = self.intack() if self.intack else None
                if vec is None:
                    return None
                info = vec | INTR_VALID
            return VmExit(1, intr_info=info, cause="external-interrupt exiting",
                          cause_field="PIN_BASED_VM_EXEC_CONTROL", cause_bit=0)
        return None

    # -- instruction exits -----------------------------------------------------------------
    def io_exits(self, port: int, size: int) -> str | None:
        """Why an I/O access of `size` bytes at `port` exits, or None (SDM 26.1.3)."""
        ctl = self.vctl
        if ctl.proc(25):
            if port + size - 1 > 0xFFFF:
                return "an I/O access wrapping past port 0xFFFF"
            for p in range(port, port + size):
                bitmap = "IO_BITMAP_A" if p < 0x8000 else "IO_BITMAP_B"
                byte = self.bus.read(self.vmcs[bitmap] + ((p & 0x7FFF) >> 3), 1)
                if byte >> (p & 7) & 1:
                    return f"{'I/O bitmap A' if p < 0x8000 else 'I/O bitmap B'} bit {p:#x}"
            return None
        if ctl.proc(24):
            return "bit 24 of primary processor-based controls: unconditional I/O exiting"
        return None

    def msr_exits(self, msr: int, write: bool) -> str | None:
        ctl = self.vctl
        if not ctl.proc(28):
            return "MSR bitmaps are not in use (bit 28 of primary controls is 0)"
        if msr <= 0x1FFF:
            base = 0x800 if write else 0
        elif 0xC0000000 <= msr <= 0xC0001FFF:
            base = 0xC00 if write else 0x400
        else:
            return f"MSR {msr:#x} is outside the MSR-bitmap ranges"
        idx = msr & 0x1FFF
        byte = self.bus.read(self.vmcs["MSR_BITMAP"] + base + (idx >> 3), 1)
        if byte >> (idx & 7) & 1:
            return f"MSR bitmap ({'write' if write else 'read'}) bit for MSR {msr:#x}"
        return None
