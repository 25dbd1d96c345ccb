"""VM entry: VMLAUNCH/VMRESUME after the instruction checks (SDM Vol. 3C, chapter 27).

Order (digest 7.3): no current VMCS -> VMfailInvalid; MOV-SS blocking -> VMfailValid(26);
launch state -> 4/5; control and host rules -> 7/8; guest rules -> VM-entry failure exit 33;
MSR-load area -> exit 34; then load the guest state, enter non-root operation, inject.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..mmu import EFER_LMA, EFER_LME, PHYS_MASK
from ..state import SS, Seg
from .checks import CONTROLS, GUEST, HOST, RULES
from .controls import Controls
from .exit import CR0_KEEP, IA32_DEBUGCTL, IA32_PAT, SEG_FIELDS
from .exitinfo import VmExit

RULES_BY_AREA = {a: [r for r in RULES if r.area == a] for a in (CONTROLS, HOST, GUEST)}
RULE_NAMES = {a: [r.name for r in rules] for a, rules in RULES_BY_AREA.items()}


@dataclass
class EntryReport:
    """The checklist of one VM entry, for `info vmentry`."""
    instruction: str
    outcome: str = "entered"          # entered | VMfailInvalid | VMfailValid(n) | exit 33/34
    failed: object = None             # the Rule that failed, if one did
    detail: str = ""                  # the values it saw
    passed: list = field(default_factory=list)
    icount: int = 0


class Ctx:
    __slots__ = ("c", "cpu", "ctl", "pdptes")

    def __init__(self, cpu, c):
        self.cpu, self.c, self.ctl, self.pdptes = cpu, c, Controls(c), None


class VmEntryMixin:
    def vm_entry(self, resume: bool, length: int) -> None:
        v = self.vmx
        c = v.current
        rep = EntryReport("VMRESUME" if resume else "VMLAUNCH", icount=self.icount)
        v.last_entry = rep
        adv = (self.rip + length) & (0xFFFFFFFFFFFFFFFF if self.code_bits == 64 else 0xFFFFFFFF)
        if c is None:
            self.vm_fail_invalid()
            rep.outcome = "VMfailInvalid"
            self.rip = adv
            return
        err = 0
        if self.shadow == 2:
            err = 26
        elif not resume and c.launched:
            err = 4
        elif resume and not c.launched:
            err = 5
        x = Ctx(self, c)
        # The control and host checks read only those fields, the capability MSRs and
        # EFER.LMA: when none changed since they last passed, they pass again.
        lma = bool(self.efer & EFER_LMA)
        if not err and c.checked == lma:
            rep.passed.extend(RULE_NAMES[CONTROLS])
            rep.passed.extend(RULE_NAMES[HOST])
        elif not err:
            for area, code in ((CONTROLS, 7), (HOST, 8)):
                r = self._run_rules(x, area, rep)
                if r:
                    err = code
                    break
            else:
                c.checked = lma
        if err:
            self.vm_fail_valid(err)
            rep.outcome = f"VMfailValid({err})"
            self.rip = adv
            self.notify("vmfail", rep)
            return
        bad = self._run_rules(x, GUEST, rep)
        if bad:
            rep.outcome = "VM-entry failure (exit 33)"
            self.rip = adv
            self.vm_exit(VmExit(33, bad.qualification, cause=f"guest-state check failed: "
                                f"{bad.name} ({rep.detail})"), entry_failure=True)
            return
        # The guest state loads before the MSR-load area is processed (SDM 27.3.2, 27.4).
        self._load_guest(x)
        r = self._msr_area_load(c, "VM_ENTRY_MSR_LOAD_ADDR", "VM_ENTRY_MSR_LOAD_COUNT",
                                entry=True)
        if r is not True:
            rep.outcome = "VM-entry failure (exit 34)"
            rep.detail = f"MSR-load entry {r} failed"
            self.vm_exit(VmExit(34, r, cause=f"VM-entry MSR-load area entry {r} could not "
                                "be loaded"), entry_failure=True)
            return
        if not resume:
            c.launched = True
        v.nonroot = True
        self.notify("vmentry", rep)
        self.after_entry(x)

    def _run_rules(self, x, area, rep):
        for i, rule in enumerate(RULES_BY_AREA[area]):
            detail = rule.check(x)
            if detail:
                rep.failed, rep.detail = rule, detail
                rep.passed.extend(RULE_NAMES[area][:i])
                return rule
        rep.passed.extend(RULE_NAMES[area])
        return None

    def _load_guest(self, x) -> None:
        c, ctl = x.c, x.ctl
        out_key = self.tlb_key(self.tlb_ctx)
        self.cr0 = (c["GUEST_CR0"] & ~CR0_KEEP) | (self.cr0 & CR0_KEEP)
        self.cr3 = c["GUEST_CR3"]
        self.cr4 = c["GUEST_CR4"]
        if ctl.entry(2):
            self.dr[7] = (c["GUEST_DR7"] & ~0xD000) | 0x400
            self.msr[IA32_DEBUGCTL] = c["GUEST_IA32_DEBUGCTL"]
        self.msr[0x174] = c["GUEST_SYSENTER_CS"] & 0xFFFFFFFF
        self.msr[0x175] = c["GUEST_SYSENTER_ESP"]
        self.msr[0x176] = c["GUEST_SYSENTER_EIP"]
        if ctl.entry(15):
            self.efer = c["GUEST_IA32_EFER"]
        elif ctl.entry(9):
            self.efer |= EFER_LMA | EFER_LME
        else:
            self.efer &= ~EFER_LMA
            if c["GUEST_CR0"] >> 31:
                self.efer &= ~EFER_LME
        if ctl.entry(14):
            self.msr[IA32_PAT] = c["GUEST_IA32_PAT"]
        for s, name in SEG_FIELDS:
            self.segs[s] = _seg(c, name)
        self.ldtr = _seg(c, "LDTR")
        self.tr = _seg(c, "TR")
        self.gdtr[:] = [c["GUEST_GDTR_BASE"], c["GUEST_GDTR_LIMIT"]]
        self.idtr[:] = [c["GUEST_IDTR_BASE"], c["GUEST_IDTR_LIMIT"]]
        self.regs[4] = c["GUEST_RSP"]
        self.rip = c["GUEST_RIP"]
        self.lazy = None
        self.rflags = c["GUEST_RFLAGS"] | 2
        self.set_cpl((self.segs[SS].ar >> 5) & 3)
        if x.pdptes is not None:
            self.pdptes = list(x.pdptes)
        elif ctl.proc2(1) and self.cr0 >> 31 and self.cr4 & 0x20 and not ctl.entry(9):
            self.pdptes = [c[f"GUEST_PDPTE{i}"] for i in range(4)]
        self.tlb_switch(out_key, (c["VIRTUAL_PROCESSOR_ID"] if ctl.proc2(5) else 0,
                                  c["EPT_POINTER"] & PHYS_MASK if ctl.proc2(1) else 0))
        self.update_mode()

    def after_entry(self, x) -> None:
        """Non-root operation begins: blocking, activity, TSC offset, timer, injection."""
        c, ctl = x.c, x.ctl
        self.guest_tsc_offset = c["TSC_OFFSET"] if ctl.proc(3) else 0
        if ctl.proc(3) and c["TSC_OFFSET"] >> 63:
            self.guest_tsc_offset = c["TSC_OFFSET"] - (1 << 64)
        intr = c["GUEST_INTERRUPTIBILITY_INFO"]
        self.nmi_blocked = bool(intr & 8)
        self.halted = c["GUEST_ACTIVITY_STATE"] == 1
        self.shadow = 1 if intr & 1 else (2 if intr & 2 else 0)
        self.pending = self.resched = True
        self.vmx_enter_nonroot(x)
        info = c["VM_ENTRY_INTR_INFO_FIELD"]
        self.pending_dbg = self.dbg_held = 0
        pend = c["GUEST_PENDING_DBG_EXCEPTIONS"]
        if info >> 31:
            self.shadow = 0
            self.halted = False
            self.inject_event(info, c["VM_ENTRY_EXCEPTION_ERROR_CODE"],
                              c["VM_ENTRY_INSTRUCTION_LEN"])
        elif pend & 0x5000 and c["GUEST_ACTIVITY_STATE"] < 2:
            # Valid pending debug exceptions (BS or enabled breakpoint): held by MOV-SS
            # blocking, else a #DB trap before the first instruction, followed by an MTF
            # exit when the control is set (SDM 27.6.3, 26.5.2).
            if intr & 2:
                self.dbg_held = pend
            else:
                self.debug_trap(pend)
                if self.vmx.nonroot and ctl.proc(27):
                    self.mtf_pending = True


def _seg(c, name: str) -> Seg:
    ar = c[f"GUEST_{name}_AR_BYTES"]
    return Seg(c[f"GUEST_{name}_SELECTOR"], c[f"GUEST_{name}_BASE"], c[f"GUEST_{name}_LIMIT"],
               ar & 0x1F0FF)

