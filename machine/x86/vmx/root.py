"""VMX operation and the VMX instructions in root operation (SDM Vol. 3C ch. 24 and 31,
Vol. 2 "VMX Instruction Reference"): VMXON, VMXOFF, VMCLEAR, VMPTRLD, VMPTRST, VMREAD,
VMWRITE, INVEPT, INVVPID, and VMCALL in root operation.

The instruction-level checks (#UD, #GP, VM exits from non-root operation) are made by the
builders in machine/x86/exec/vmx.py; the methods here implement what follows them and report
the outcome through RFLAGS (VMsucceed / VMfailInvalid / VMfailValid, SDM 31.2).
"""
from __future__ import annotations

from .. import flags as F
from ..mmu import MAXPHYADDR, PHYS_MASK
from ..state import GP, CpuFault
from . import msrs
from .fields import lookup
from .vmcs import INVALID_PTR, Vmcs

CR4_VMXE = 1 << 13
FEATURE_CONTROL_LOCK, FEATURE_CONTROL_VMX_OUTSIDE_SMX = 1, 4


class VmxState:
    """VMX bookkeeping of one logical processor."""

    def __init__(self):
        self.on = False                  # in VMX operation (after VMXON)
        self.nonroot = False
        self.vmxon_ptr: int | None = None
        self.current: Vmcs | None = None
        self.active: dict[int, Vmcs] = {}    # VMCSs made active by VMPTRLD, by address
        self.last_entry = None           # the last VM entry's checklist result (entry.py)
        self.exit_count = 0


def _bad_addr(addr: int) -> bool:
    return bool(addr & 0xFFF) or addr >> MAXPHYADDR != 0


class VmxRootMixin:
    # -- VMsucceed / VMfail (SDM 31.2) ----------------------------------------------
    def vm_succeed(self) -> None:
        F.materialize(self)
        self.rflags &= ~F.ARITH

    def vm_fail_invalid(self) -> None:
        F.materialize(self)
        self.rflags = (self.rflags & ~F.ARITH) | F.CF

    def vm_fail_valid(self, error: int) -> None:
        F.materialize(self)
        self.rflags = (self.rflags & ~F.ARITH) | F.ZF
        self.vmx.current["VM_INSTRUCTION_ERROR"] = error

    def vm_fail(self, error: int) -> None:
        if self.vmx.current is None:
            self.vm_fail_invalid()
        else:
            self.vm_fail_valid(error)

    # -- capability and control MSRs ------------------------------------------------
    def vmx_msr(self, n: int):
        from ..system_state import CR4_SUPPORTED
        return msrs.capability_msrs(CR4_SUPPORTED).get(n)

    def vmx_fixed_ok(self, cr0: int, cr4: int, unrestricted: bool = False) -> bool:
        """CR0/CR4 against IA32_VMX_CR0/CR4_FIXED0/1 (SDM A.7, A.8)."""
        fixed0 = msrs.CR0_FIXED0
        if unrestricted:
            fixed0 &= ~0x80000001          # PE and PG exempt for an unrestricted guest
        if cr0 & fixed0 != fixed0 or cr0 & ~msrs.CR0_FIXED1 & 0xFFFFFFFF:
            return False
        f1 = self.vmx_msr(0x489)
        return cr4 & msrs.CR4_FIXED0 == msrs.CR4_FIXED0 and not cr4 & ~f1

    # -- the instructions -----------------------------------------------------------
    def vmxon(self, addr: int) -> None:
        v = self.vmx
        if v.on:                           # in root operation (non-root exits earlier)
            self.vm_fail(15)
            return
        self.vmxon_check()
        if _bad_addr(addr):
            self.vm_fail_invalid()
            return
        rev = self.bus.read(addr, 4)
        if rev != msrs.REVISION_ID:        # bit 31 set is a mismatch too (SDM 24.11.5)
            self.vm_fail_invalid()
            return
        v.on = True
        v.vmxon_ptr = addr
        v.current = None
        self.vm_succeed()

    def vmxon_check(self) -> None:
        """VMXON outside VMX operation: #GP(0) for CPL > 0, CR0/CR4 outside the fixed-bit MSRs,
        or IA32_FEATURE_CONTROL without lock and enable-outside-SMX; checked before the memory
        operand is read (SDM Vol. 2, VMXON operation)."""
        fc = self.msr.get(0x3A, 0)
        if (self.cpl or not self.vmx_fixed_ok(self.cr0, self.cr4)
                or not fc & FEATURE_CONTROL_LOCK or not fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX):
            raise CpuFault(GP, 0)

    def vmxoff(self) -> None:
        v = self.vmx
        v.on = False
        v.vmxon_ptr = None
        v.current = None
        self.vm_succeed()

    def vmclear(self, addr: int) -> None:
        v = self.vmx
        if _bad_addr(addr):
            self.vm_fail(2)
            return
        if addr == v.vmxon_ptr:
            self.vm_fail(3)
            return
        vmcs = v.active.pop(addr, None)
        if vmcs is not None:
            vmcs.launched = False
            vmcs.store(self.bus)
        else:
            # Not active: the region's launch state becomes clear (SDM 31.3, VMCLEAR).
            self.bus.write(addr + 8, 4, 0)
        if v.current is not None and v.current.addr == addr:
            v.current = None
        self.vm_succeed()

    def vmptrld(self, addr: int) -> None:
        v = self.vmx
        if _bad_addr(addr):
            self.vm_fail(9)
            return
        if addr == v.vmxon_ptr:
            self.vm_fail(10)
            return
        if self.bus.read(addr, 4) != msrs.REVISION_ID:    # no shadow VMCS support: bit 31 too
            self.vm_fail(11)
            return
        vmcs = v.active.get(addr)
        if vmcs is None:
            vmcs = v.active[addr] = Vmcs.load(self.bus, addr)
        v.current = vmcs
        self.vm_succeed()

    def vmptrst(self) -> int:
        c = self.vmx.current
        self.vm_succeed()
        return INVALID_PTR if c is None else c.addr

    def vmread(self, encoding: int):
        """The field's value, or None after a VMfail."""
        c = self.vmx.current
        if c is None:
            self.vm_fail_invalid()
            return None
        f = lookup(encoding)
        if f is None:
            self.vm_fail_valid(12)
            return None
        field, high = f
        value = c.read(field.encoding, high)
        self.vm_succeed()
        return value

    def vmwrite(self, encoding: int, value: int) -> None:
        c = self.vmx.current
        if c is None:
            self.vm_fail_invalid()
            return
        f = lookup(encoding)
        if f is None:
            self.vm_fail_valid(12)
            return
        field, high = f
        if field.read_only:                # IA32_VMX_MISC[29] = 0 in this model
            self.vm_fail_valid(13)
            return
        c.write(field.encoding, value, high)
        self.vm_succeed()

    def vmcall_root(self) -> None:
        # Without dual-monitor treatment of SMIs, VMCALL in root operation fails (SDM 31.3).
        self.vm_fail(1)

    def invept(self, kind: int, desc: bytes) -> None:
        cap = msrs.EPT_VPID_CAP
        supported = {1: cap >> 25 & 1, 2: cap >> 26 & 1}
        if not supported.get(kind):
            self.vm_fail(28)
            return
        if kind == 1:
            eptp = int.from_bytes(desc[:8], "little")
            from .ept import eptp_valid
            if not eptp_valid(eptp):
                self.vm_fail(28)
                return
            ep4ta = eptp & PHYS_MASK           # combined mappings of this EPT (SDM 30.3)
            self.tlb_drop(lambda k: k[1] != ep4ta)
        else:
            self.tlb_drop(lambda k: not k[1])  # every EPT's combined mappings
        self.vm_succeed()

    def invvpid(self, kind: int, desc: bytes) -> None:
        cap = msrs.EPT_VPID_CAP
        vpid = int.from_bytes(desc[:8], "little")
        lin = int.from_bytes(desc[8:16], "little")
        if kind > 3 or not (cap >> (40 + kind)) & 1 or vpid >> 16:
            self.vm_fail(28)
            return
        if kind in (0, 1, 3) and vpid == 0:
            self.vm_fail(28)
            return
        if kind == 0 and (lin >> 47) not in (0, 0x1FFFF):
            self.vm_fail(28)
            return
        # Root operation uses VPID 0, which INVVPID never names, so only kept guest sets go.
        # An individual-address or single-context-retaining-globals invalidation drops the
        # whole VPID's set: invalidating more than asked is allowed (SDM 30.3, INVVPID).
        if kind == 2:
            self.tlb_drop(lambda k: not k[0])
        else:
            self.tlb_drop(lambda k: k[0] != vpid)
        self.vm_succeed()
