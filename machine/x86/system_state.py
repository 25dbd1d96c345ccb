"""Mode bookkeeping, control registers, MSRs and descriptor/segment loading (SDM Vol. 3A)."""
from __future__ import annotations

from . import flags as F
from .mmu import (
    CR0_PE,
    CR0_PG,
    CR0_WP,
    CR4_PAE,
    CR4_PGE,
    CR4_PSE,
    CR4_SMAP,
    CR4_SMEP,
    EFER_LMA,
    EFER_LME,
    EFER_NXE,
)
from .state import AR_DB, AR_L, AR_P, AR_S, AR_UNUSABLE, CS, GP, NP, SS, SS_, TS, CpuFault, Seg
from .vmx.exitinfo import VmExit

CR0_FIXED_RESERVED = ~0xE005003F & 0xFFFFFFFF
# CR4 bits of features CPUID reports (cpuid.py); VME, PVI, UMIP and FSGSBASE are not modelled,
# so setting them is #GP like any reserved bit (SDM 2.5).
CR4_SUPPORTED = 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | \
    0x2000 | 0x40000 | CR4_SMEP | CR4_SMAP
EFER_SCE = 1

# MSR numbers the CPU keeps (others raise #GP on RDMSR/WRMSR).
IA32_TSC, IA32_APIC_BASE, IA32_FEATURE_CONTROL = 0x10, 0x1B, 0x3A
IA32_SYSENTER_CS, IA32_SYSENTER_ESP, IA32_SYSENTER_EIP = 0x174, 0x175, 0x176
IA32_MISC_ENABLE, IA32_DEBUGCTL, IA32_PAT = 0x1A0, 0x1D9, 0x277
IA32_EFER, IA32_STAR, IA32_LSTAR, IA32_CSTAR, IA32_FMASK = (
    0xC0000080, 0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084)
IA32_FS_BASE, IA32_GS_BASE, IA32_KERNEL_GS_BASE, IA32_TSC_AUX = (
    0xC0000100, 0xC0000101, 0xC0000102, 0xC0000103)
MSR_DEFAULTS = {
    IA32_APIC_BASE: 0xFEE00900, IA32_FEATURE_CONTROL: 0, IA32_SYSENTER_CS: 0,
    IA32_SYSENTER_ESP: 0, IA32_SYSENTER_EIP: 0, IA32_MISC_ENABLE: 1, IA32_DEBUGCTL: 0,
    IA32_PAT: 0x0007040600070406, IA32_STAR: 0, IA32_LSTAR: 0, IA32_CSTAR: 0, IA32_FMASK: 0,
    IA32_KERNEL_GS_BASE: 0, IA32_TSC_AUX: 0,
    0xFE: 0x508, 0x2FF: 0,                 # MTRRcap, MTRRdefType
    **{0x200 + i: 0 for i in range(16)},   # variable-range MTRRs
    0x250: 0, 0x258: 0, 0x259: 0, **{0x268 + i: 0 for i in range(8)},   # fixed-range MTRRs
}
# IA32_DEBUGCTL bits this CPU implements: LBR, BTF, TR .. RTM_DEBUG (SDM 17.4.1); the others
# (5:2, 63:16) are reserved: WRMSR #GP, VM entry checks them too (machine/x86/vmx/checks_guest).
DEBUGCTL_VALID = 0xFFC3
CANONICAL_MSRS = {IA32_FS_BASE, IA32_GS_BASE, IA32_KERNEL_GS_BASE, IA32_LSTAR, IA32_CSTAR,
                  IA32_SYSENTER_ESP, IA32_SYSENTER_EIP}


def canonical(v: int) -> bool:
    return (v >> 47) in (0, 0x1FFFF)


def desc_to_seg(sel: int, lo: int, hi: int) -> Seg:
    """An 8-byte segment descriptor (two dwords) as a loaded segment register."""
    base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000)
    limit = (lo & 0xFFFF) | (hi & 0xF0000)
    ar = (hi >> 8) & 0xF0FF
    if ar & 0x8000:
        limit = (limit << 12) | 0xFFF
    return Seg(sel, base, limit, ar)


class SystemStateMixin:
    def update_mode(self) -> None:
        """Recompute the derived mode state after CR0, EFER, CS, SS or RFLAGS.VM changes."""
        cs = self.segs[CS]
        long64 = bool(self.efer & EFER_LMA and cs.ar & AR_L)
        if long64:
            bits = 64
        elif not self.cr0 & CR0_PE or self.rflags & F.VM:
            bits = 16 if not self.cr0 & CR0_PE or self.rflags & F.VM else 16
            if not self.cr0 & CR0_PE and cs.ar & AR_DB:
                bits = 32                 # "unreal" 32-bit code in real mode
        else:
            bits = 32 if cs.ar & AR_DB else 16
        self.code_bits = bits
        self.cache = self.caches[bits]
        self.lin_mask = 0xFFFFFFFFFFFFFFFF if long64 else 0xFFFFFFFF
        if long64:
            self.sp_mask = 0xFFFFFFFFFFFFFFFF
        else:
            self.sp_mask = 0xFFFFFFFF if self.segs[SS].ar & AR_DB else 0xFFFF
        for s in self.segs:
            s.derive(long64)
        if long64:                        # FS/GS bases still apply; the others are zero
            pass
        if not self.cr0 & CR0_PE:
            self.set_cpl(0)
        elif self.rflags & F.VM:
            self.set_cpl(3)

    def set_cpl(self, cpl: int) -> None:
        if cpl != self.cpl:
            self.cpl = cpl
            self._select_tlb()

    @property
    def mode_name(self) -> str:
        if not self.cr0 & CR0_PE:
            return "real"
        if self.rflags & F.VM:
            return "virtual-8086"
        if self.efer & EFER_LMA:
            return "64-bit" if self.code_bits == 64 else "compatibility"
        return f"protected {self.code_bits}-bit"

    # -- control registers (MOV CR, SDM Vol. 3A 2.5 and Vol. 2 "MOV—Move to/from CR") ----
    def write_cr0(self, v: int) -> None:
        if v >> 32:                               # CR0[63:32] reserved: #GP (SDM 2.5)
            raise CpuFault(GP, 0)
        # Writes to the reserved bits of CR0[31:0] are ignored; ET is hardwired to 1.
        v = (v & ~CR0_FIXED_RESERVED) | 0x10
        if v & CR0_PG and not v & CR0_PE:
            raise CpuFault(GP, 0)
        if not v & (1 << 30) and v & (1 << 29):   # NW without CD
            raise CpuFault(GP, 0)
        if self.vmx.on and not self.vmx_fixed_ok(v, self.cr4, self._urg()):
            raise CpuFault(GP, 0)                 # IA32_VMX_CR0_FIXED0/1 (SDM 24.8)
        old = self.cr0
        if v & CR0_PG and not old & CR0_PG and self.efer & EFER_LME:
            if not self.cr4 & CR4_PAE or self.segs[CS].ar & AR_L:
                raise CpuFault(GP, 0)
            self.efer |= EFER_LMA
        if not v & CR0_PG and old & CR0_PG and self.efer & EFER_LMA:
            if self.code_bits == 64:
                raise CpuFault(GP, 0)
            self.efer &= ~EFER_LMA
        if v & CR0_PG and self.cr4 & CR4_PAE and not self.efer & EFER_LMA and (
                (v ^ old) & (CR0_PG | (1 << 29) | (1 << 30))):
            self.load_pdptes()
        self.cr0 = v
        if (v ^ old) & (CR0_PG | CR0_WP | CR0_PE):
            self.flush_tlb()
            self.update_mode()

    def write_cr3(self, v: int) -> None:
        if self.efer & EFER_LMA and v >> 39:
            raise CpuFault(GP, 0)
        old = self.cr3
        self.cr3 = v & (0xFFFFFFFFFFFFFFFF if self.efer & EFER_LMA else 0xFFFFFFFF)
        if self.cr0 & CR0_PG and self.cr4 & CR4_PAE and not self.efer & EFER_LMA:
            try:
                self.load_pdptes()
            except (CpuFault, VmExit):
                # A MOV to CR3 that faults, or exits on an EPT violation or misconfiguration
                # while reading the PDPTEs, changes nothing (SDM 4.4.1, 29.3.3).
                self.cr3 = old
                raise
        self.flush_tlb(keep_global=True)

    def write_cr4(self, v: int) -> None:
        if v & ~CR4_SUPPORTED & 0xFFFFFFFFFFFFFFFF:
            raise CpuFault(GP, 0)
        if self.efer & EFER_LMA and not v & CR4_PAE:
            raise CpuFault(GP, 0)
        if self.vmx.on and not self.vmx_fixed_ok(self.cr0, v, self._urg()):
            raise CpuFault(GP, 0)                 # e.g. clearing CR4.VMXE in VMX operation
        old = self.cr4
        if self.cr0 & CR0_PG and v & CR4_PAE and not self.efer & EFER_LMA and (
                (v ^ old) & (CR4_PAE | CR4_PSE | CR4_PGE | CR4_SMEP)):
            saved, self.cr4 = self.cr4, v
            try:
                self.load_pdptes()
            finally:
                self.cr4 = saved
        self.cr4 = v
        if (v ^ old) & (CR4_PAE | CR4_PSE | CR4_PGE | CR4_SMEP | CR4_SMAP):
            self.flush_tlb()

    def _urg(self) -> bool:
        """An unrestricted guest may run with CR0.PE or CR0.PG clear (SDM 26.3)."""
        return self.vmx.nonroot and self.vctl.proc2(7)

    def read_cr(self, n: int) -> int:
        if n == 0:
            return self.cr0
        if n == 2:
            return self.cr2
        if n == 3:
            return self.cr3
        if n == 4:
            return self.cr4
        if n == 8:
            return self.cr8
        raise CpuFault(6)

    def write_cr(self, n: int, v: int) -> None:
        if n == 0:
            self.write_cr0(v)
        elif n == 2:
            self.cr2 = v
        elif n == 3:
            self.write_cr3(v)
        elif n == 4:
            self.write_cr4(v)
        elif n == 8:
            if v >> 4:
                raise CpuFault(GP, 0)
            self.cr8 = v
        else:
            raise CpuFault(6)

    # -- MSRs -----------------------------------------------------------------------
    def read_msr(self, n: int) -> int:
        if n == IA32_TSC:
            return self.tsc()
        if n == IA32_EFER:
            return self.efer
        if n == IA32_FS_BASE:
            return self.segs[4].base
        if n == IA32_GS_BASE:
            return self.segs[5].base
        if n in self.msr:
            return self.msr[n]
        if n in MSR_DEFAULTS:
            return MSR_DEFAULTS[n]
        v = self.read_msr_extra(n)
        if v is None:
            raise CpuFault(GP, 0)
        return v

    def read_msr_extra(self, n: int):
        """Model-specific MSR sets: the read-only VMX capability MSRs; None means #GP."""
        return self.vmx_msr(n)

    def write_msr(self, n: int, v: int) -> None:
        if n == IA32_TSC:
            self.tsc_offset = v - self.time() * self.TSC_RATE
            return
        if n in CANONICAL_MSRS and not canonical(v):
            raise CpuFault(GP, 0)
        if n == IA32_EFER:
            if v & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE):
                raise CpuFault(GP, 0)
            if self.cr0 & CR0_PG and (v ^ self.efer) & EFER_LME:
                raise CpuFault(GP, 0)
            old = self.efer
            self.efer = (v & ~EFER_LMA) | (self.efer & EFER_LMA)
            if (old ^ self.efer) & EFER_NXE:
                self.flush_tlb()
            return
        if n == IA32_FS_BASE:
            self.segs[4].base = v
            return
        if n == IA32_GS_BASE:
            self.segs[5].base = v
            return
        if n == IA32_FEATURE_CONTROL and self.msr.get(n, 0) & 1:
            raise CpuFault(GP, 0)              # locked until reset (SDM 23.7)
        if n == IA32_DEBUGCTL and v & ~DEBUGCTL_VALID:
            raise CpuFault(GP, 0)
        if n == IA32_PAT:
            for i in range(8):
                if ((v >> (8 * i)) & 0xFF) not in (0, 1, 4, 5, 6, 7):
                    raise CpuFault(GP, 0)
        if n in self.msr or n in MSR_DEFAULTS:
            self.msr[n] = v
            return
        if not self.write_msr_extra(n, v):
            raise CpuFault(GP, 0)

    def write_msr_extra(self, n: int, v: int) -> bool:
        return False

    # -- time -------------------------------------------------------------------------
    TSC_RATE = 1                      # TSC ticks per retired instruction
    tsc_offset = 0                    # from WRMSR to IA32_TSC
    guest_tsc_offset = 0              # VMX TSC offsetting, in force in non-root operation

    def time(self) -> int:
        return self.icount + self.idle

    def tsc(self) -> int:
        return (self.time() * self.TSC_RATE + self.tsc_offset + self.guest_tsc_offset
                ) & 0xFFFFFFFFFFFFFFFF

    # -- descriptors and segment loads ----------------------------------------------
    def read_descriptor(self, sel: int, fault: int = GP, ext: int = 0):
        """The two dwords of the descriptor a selector names, or #GP/#TS(selector | ext),
        ext being the EXT bit of events raised while delivering another (SDM 6.13)."""
        idx = sel & 0xFFF8
        if sel & 4:
            if self.ldtr.ar & AR_UNUSABLE or idx + 7 > self.ldtr.limit:
                raise CpuFault(fault, (sel & 0xFFFC) | ext)
            base = self.ldtr.base
        else:
            if idx + 7 > self.gdtr[1]:
                raise CpuFault(fault, (sel & 0xFFFC) | ext)
            base = self.gdtr[0]
        addr = base + idx
        return self.sys_read(addr, 4), self.sys_read(addr + 4, 4), addr

    def set_accessed(self, addr: int, hi: int) -> None:
        if not hi & 0x100:
            self.sys_write(addr + 4, 4, hi | 0x100)

    def load_seg(self, s: int, sel: int) -> None:
        """MOV/POP to a data segment register or SS, with the protected-mode checks
        (SDM Vol. 2, MOV: "If SS is loaded ... If DS, ES, FS, or GS is loaded ...")."""
        sel &= 0xFFFF
        if not self.cr0 & CR0_PE or self.rflags & F.VM:
            seg = self.segs[s]
            seg.sel, seg.base = sel, sel << 4
            if self.rflags & F.VM:
                seg.limit, seg.ar = 0xFFFF, 0xF3
            self._seg_changed(s)
            return
        cpl = self.cpl
        if sel & 0xFFFC == 0:
            if s == SS and not (self.code_bits == 64 and cpl != 3 and (sel & 3) == cpl):
                raise CpuFault(GP, 0)
            seg = self.segs[s]
            seg.sel = sel
            seg.ar = AR_UNUSABLE | (seg.ar & 0x60 if s == SS else 0)
            if s != SS:
                seg.base = 0 if s < 4 else seg.base
            self._seg_changed(s)
            return
        lo, hi, addr = self.read_descriptor(sel)
        new = desc_to_seg(sel, lo, hi)
        rpl, dpl = sel & 3, (new.ar >> 5) & 3
        t = new.ar & 0xF
        if s == SS:
            if rpl != cpl or not new.ar & AR_S or t & 8 or not t & 2 or dpl != cpl:
                raise CpuFault(GP, sel & 0xFFFC)
            if not new.ar & AR_P:
                raise CpuFault(SS_, sel & 0xFFFC)
        else:
            if not new.ar & AR_S or (t & 8 and not t & 2):
                raise CpuFault(GP, sel & 0xFFFC)
            if not (t & 8 and t & 4) and (rpl > dpl or cpl > dpl):
                raise CpuFault(GP, sel & 0xFFFC)
            if not new.ar & AR_P:
                raise CpuFault(NP, sel & 0xFFFC)
        self.set_accessed(addr, hi)
        new.ar |= 1
        if self.code_bits == 64 and s >= 4:
            new.base &= 0xFFFFFFFF
        self.segs[s] = new
        self._seg_changed(s)

    def _seg_changed(self, s: int) -> None:
        if s == SS or s == CS:
            self.update_mode()
        else:
            self.segs[s].derive(self.code_bits == 64)

    def load_cs(self, sel: int, seg: Seg | None = None, cpl: int | None = None) -> None:
        """Load CS from a checked descriptor (far transfers) or real-mode selector."""
        if seg is None:
            # Virtual-8086 segments, CS included, are read/write data with DPL 3 (SDM 20.2.1;
            # the VMX guest-state checks expect access rights F3H for all of them).
            seg = Seg(sel & 0xFFFF, (sel & 0xFFFF) << 4, 0xFFFF,
                      0xF3 if self.rflags & F.VM else 0x9B)
            if not self.rflags & F.VM and not self.cr0 & CR0_PE:
                old = self.segs[CS]
                seg.limit, seg.ar = old.limit, old.ar
        self.segs[CS] = seg
        if cpl is not None:
            self.set_cpl(cpl)
        self.update_mode()

    def task_fault(self, sel: int):
        raise CpuFault(TS, sel & 0xFFFC)
