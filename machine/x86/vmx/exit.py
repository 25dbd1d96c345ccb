"""VM exits: record the exit information, save the guest state, run the MSR-store area, load
the host state and the MSR-load area (SDM Vol. 3C, chapter 28)."""
from __future__ import annotations

from .. import flags as F
from ..mmu import EFER_LMA, EFER_LME
from ..state import CS, DS, ES, FS, GS, SS, CpuFault, Seg
from .controls import Controls
from .exitinfo import VmExit
from .tables import EXIT_REASONS

# CR0 bits VM entries and exits never change: ET, 15:6, 17, 28:19, NW, CD (SDM 27.3.1.1).
CR0_KEEP = 0x7FFAFFD0
SEG_FIELDS = [(ES, "ES"), (CS, "CS"), (SS, "SS"), (DS, "DS"), (FS, "FS"), (GS, "GS")]
IA32_DEBUGCTL, IA32_PAT, IA32_SYSENTER_CS, IA32_SYSENTER_ESP, IA32_SYSENTER_EIP = (
    0x1D9, 0x277, 0x174, 0x175, 0x176)


class VmExitMixin:
    def vm_exit(self, ev: VmExit, entry_failure: bool = False) -> None:
        """Leave non-root operation (or fail a VM entry) with the exit `ev`."""
        v = self.vmx
        c = v.current
        ctl = Controls(c)
        reason = ev.reason | (0x80000000 if entry_failure else 0)
        c["VM_EXIT_REASON"] = reason
        c["EXIT_QUALIFICATION"] = ev.qualification
        c["VM_EXIT_INTR_INFO"] = ev.intr_info
        c["VM_EXIT_INTR_ERROR_CODE"] = ev.intr_error
        c["VM_EXIT_INSTRUCTION_LEN"] = ev.instruction_length
        c["VMX_INSTRUCTION_INFO"] = ev.instruction_info
        if ev.guest_linear is not None:
            c["GUEST_LINEAR_ADDRESS"] = ev.guest_linear
        if ev.guest_physical is not None:
            c["GUEST_PHYSICAL_ADDRESS"] = ev.guest_physical
        c["IDT_VECTORING_INFO_FIELD"] = getattr(self, "vectoring_info", 0) or 0
        c["IDT_VECTORING_ERROR_CODE"] = getattr(self, "vectoring_error", 0) or 0
        self.vectoring_info = 0
        if not entry_failure:
            c["VM_ENTRY_INTR_INFO_FIELD"] = c["VM_ENTRY_INTR_INFO_FIELD"] & ~0x80000000
            # IA32_VMX_MISC[5]: exits store EFER.LMA into "IA-32e mode guest".
            ent = c["VM_ENTRY_CONTROLS"] & ~(1 << 9)
            c["VM_ENTRY_CONTROLS"] = ent | ((1 << 9) if self.efer & EFER_LMA else 0)
            self._save_guest(c, ctl, ev)
            if not self._msr_area_store(c):
                return self.vmx_abort(1)
        v.nonroot = False
        self.ept_on = False
        v.exit_count += 1
        self.timer_deadline = None
        self.mtf_pending = False
        self._load_host(c, ctl, ev)
        if not self._msr_area_load(c, "VM_EXIT_MSR_LOAD_ADDR", "VM_EXIT_MSR_LOAD_COUNT"):
            return self.vmx_abort(4)
        self.last_vmexit = ev
        self.notify("vmexit", ev)

    # -- guest state ----------------------------------------------------------------
    def _save_guest(self, c, ctl, ev) -> None:
        c["GUEST_CR0"] = self.cr0
        c["GUEST_CR3"] = self.cr3
        c["GUEST_CR4"] = self.cr4
        if ctl.exit(2):
            c["GUEST_DR7"] = self.dr[7]
            c["GUEST_IA32_DEBUGCTL"] = self.msr.get(IA32_DEBUGCTL, 0)
        c["GUEST_RSP"] = self.regs[4]
        c["GUEST_RIP"] = self.rip
        fl = F.materialize(self)
        c["GUEST_RFLAGS"] = fl
        for s, name in SEG_FIELDS:
            _save_seg(c, name, self.segs[s])
        _save_seg(c, "LDTR", self.ldtr)
        _save_seg(c, "TR", self.tr)
        c["GUEST_GDTR_BASE"], c["GUEST_GDTR_LIMIT"] = self.gdtr
        c["GUEST_IDTR_BASE"], c["GUEST_IDTR_LIMIT"] = self.idtr
        c["GUEST_SYSENTER_CS"] = self.read_msr(IA32_SYSENTER_CS)
        c["GUEST_SYSENTER_ESP"] = self.read_msr(IA32_SYSENTER_ESP)
        c["GUEST_SYSENTER_EIP"] = self.read_msr(IA32_SYSENTER_EIP)
        if ctl.exit(18):
            c["GUEST_IA32_PAT"] = self.read_msr(IA32_PAT)
        if ctl.exit(20):
            c["GUEST_IA32_EFER"] = self.efer
        c["GUEST_ACTIVITY_STATE"] = 1 if self.halted else 0
        intr = 0
        if self.shadow == 1:
            intr |= 1
        elif self.shadow == 2:
            intr |= 2
        if self.nmi_blocked:
            intr |= 8
        c["GUEST_INTERRUPTIBILITY_INFO"] = intr
        # Saved for MTF exits, and for other exits (not a #DB) under MOV-SS blocking of debug
        # exceptions; clear for all others (SDM 28.3.4).
        pend = 0
        if ev.reason == 37:
            pend = self.pending_dbg | self.dbg_held
        elif self.shadow == 2 and not (ev.reason == 0 and ev.intr_info & 0x7FF == 0x301):
            pend = self.dbg_held
        c["GUEST_PENDING_DBG_EXCEPTIONS"] = pend
        self.pending_dbg = self.dbg_held = 0
        if ctl.exit(22):
            c["VMX_PREEMPTION_TIMER_VALUE"] = self.preemption_timer_value()
        if ctl.proc2(1) and self.cr0 & 0x80000000 and self.cr4 & 0x20 and not self.efer & EFER_LMA:
            for i in range(4):
                c[f"GUEST_PDPTE{i}"] = self.pdptes[i]

    # -- host state (SDM 28.5) ---------------------------------------------------------
    def _load_host(self, c, ctl, ev) -> None:
        host64 = ctl.exit(9)
        out_key = self.tlb_key(self.tlb_ctx)
        self.cr0 = (c["HOST_CR0"] & ~CR0_KEEP) | (self.cr0 & CR0_KEEP)
        cr4 = c["HOST_CR4"]
        if host64:
            cr4 |= 0x20
        else:
            cr4 &= ~(1 << 17)
        self.cr4 = cr4
        self.cr3 = c["HOST_CR3"]
        self.dr[7] = 0x400
        self.msr[IA32_DEBUGCTL] = 0
        self.msr[IA32_SYSENTER_CS] = c["HOST_IA32_SYSENTER_CS"]
        self.msr[IA32_SYSENTER_ESP] = c["HOST_IA32_SYSENTER_ESP"]
        self.msr[IA32_SYSENTER_EIP] = c["HOST_IA32_SYSENTER_EIP"]
        if ctl.exit(21):
            self.efer = c["HOST_IA32_EFER"]
        elif host64:
            self.efer |= EFER_LMA | EFER_LME
        else:
            self.efer &= ~(EFER_LMA | EFER_LME)
        if ctl.exit(19):
            self.msr[IA32_PAT] = c["HOST_IA32_PAT"]
        cs_ar = 0x809B | (0x2000 if host64 else 0x4000)
        self.segs[CS] = Seg(c["HOST_CS_SELECTOR"], 0, 0xFFFFFFFF, cs_ar)
        for s, name in SEG_FIELDS:
            if s == CS:
                continue
            sel = c[f"HOST_{name}_SELECTOR"]
            base = c[f"HOST_{name}_BASE"] if s in (FS, GS) else 0
            if sel == 0 and s != SS:
                self.segs[s] = Seg(0, base, 0, 0x10000)
            else:
                # SS is usable-flat even with a null selector in a 64-bit host (SDM 28.5.2).
                self.segs[s] = Seg(sel, base, 0xFFFFFFFF, 0xC093 | (0x10000 if sel == 0 and not
                                                                     host64 else 0))
        self.tr = Seg(c["HOST_TR_SELECTOR"], c["HOST_TR_BASE"], 0x67, 0x8B)
        self.ldtr = Seg(0, 0, 0, 0x10000)
        self.gdtr[:] = [c["HOST_GDTR_BASE"], 0xFFFF]
        self.idtr[:] = [c["HOST_IDTR_BASE"], 0xFFFF]
        self.rip = c["HOST_RIP"]
        self.regs[4] = c["HOST_RSP"]
        self.lazy = None
        self.rflags = 0x2
        self.set_cpl(0)
        self.shadow = 0
        self.halted = False
        if ev.reason == 0 and (ev.intr_info >> 8) & 7 == 2:
            self.nmi_blocked = True
        self.guest_tsc_offset = 0
        self.tlb_switch(out_key, (0, 0))
        self.update_mode()
        if self.cr0 & 0x80000000 and self.cr4 & 0x20 and not host64:
            try:
                self.load_pdptes()
            except CpuFault:
                self.vmx_abort(2)
        self.pending = True

    # -- MSR areas (SDM 28.4, 28.6) -----------------------------------------------------
    def _msr_area_store(self, c) -> bool:
        n, addr = c["VM_EXIT_MSR_STORE_COUNT"], c["VM_EXIT_MSR_STORE_ADDR"]
        for i in range(n):
            e = addr + 16 * i
            idx = self.bus.read(e, 4)
            if self.bus.read(e + 4, 4) or idx >> 8 == 8:
                return False
            try:
                self.bus.write(e + 8, 8, self.read_msr(idx))
            except CpuFault:
                return False
        return True

    def _msr_area_load(self, c, addr_field, count_field, entry: bool = False):
        """Load MSRs like WRMSR; returns True, or the 1-based index of the failing entry
        (entry) / False (exit)."""
        n, addr = c[count_field], c[addr_field]
        for i in range(n):
            e = addr + 16 * i
            idx = self.bus.read(e, 4)
            value = self.bus.read(e + 8, 8)
            bad = (self.bus.read(e + 4, 4) != 0 or idx in (0xC0000100, 0xC0000101, 0x9B)
                   or idx >> 8 == 8)
            if not bad:
                try:
                    self.write_msr(idx, value)
                except CpuFault:
                    bad = True
            if bad:
                return (i + 1) if entry else False
        return True

    def vmx_abort(self, code: int) -> None:
        """A failure during a VM exit: write the abort indicator and shut down (SDM 28.7)."""
        c = self.vmx.current
        if c is not None:
            self.bus.write(c.addr + 4, 4, code)
        self.vmx.nonroot = False
        self.triple_fault(f"VMX abort {code}")

    def describe_exit(self, ev: VmExit) -> str:
        return EXIT_REASONS.get(ev.reason, str(ev.reason))


def _save_seg(c, name: str, seg: Seg) -> None:
    c[f"GUEST_{name}_SELECTOR"] = seg.sel
    c[f"GUEST_{name}_BASE"] = seg.base
    c[f"GUEST_{name}_LIMIT"] = seg.limit
    c[f"GUEST_{name}_AR_BYTES"] = seg.ar & 0x1F0FF
