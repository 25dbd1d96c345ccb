"""The VM-entry checklist as data (SDM Vol. 3C, 27.2 and 27.3.1; digest section 6).

Each rule is one named check of one area. A rule function returns None when the check passes,
or a short text giving the values it saw. VM entry runs the control and host rules (a failure
is VMfailValid 7 or 8) and then the guest rules (a failure is a VM-entry failure exit, reason 33
with the rule's qualification). The debugger shows which rule failed and why.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..mmu import MAXPHYADDR
from . import msrs

CONTROLS, HOST, GUEST = "controls", "host", "guest"


@dataclass(frozen=True)
class Rule:
    area: str
    name: str
    sdm: str
    check: Callable
    qualification: int = 0          # exit qualification for a guest-state failure


RULES: list[Rule] = []


def rule(area: str, name: str, sdm: str, qualification: int = 0):
    def reg(fn):
        RULES.append(Rule(area, name, sdm, fn, qualification))
        return fn
    return reg


def canonical(v: int) -> bool:
    return (v >> 47) in (0, 0x1FFFF)


def phys_ok(a: int) -> bool:
    return a >> MAXPHYADDR == 0


def _allowed(value: int, msr: int, what: str):
    cap = msrs.capability_msrs(0)[msr]
    a0, a1 = cap & 0xFFFFFFFF, cap >> 32
    if value & a0 != a0:
        return f"{what} {value:#x}: bits {a0 & ~value:#x} must be 1 (allowed-0 {a0:#x})"
    if value & ~a1:
        return f"{what} {value:#x}: bits {value & ~a1:#x} must be 0 (allowed-1 {a1:#x})"
    return None


# == VM-execution control fields (27.2.1.1) =================================================
@rule(CONTROLS, "pin-based controls respect IA32_VMX_TRUE_PINBASED_CTLS", "27.2.1.1")
def _pin(x):
    return _allowed(x.c["PIN_BASED_VM_EXEC_CONTROL"], 0x48D, "pin-based controls")


@rule(CONTROLS, "primary processor-based controls respect IA32_VMX_TRUE_PROCBASED_CTLS",
      "27.2.1.1")
def _proc(x):
    return _allowed(x.c["CPU_BASED_VM_EXEC_CONTROL"], 0x48E, "primary processor-based controls")


@rule(CONTROLS, "secondary controls respect IA32_VMX_PROCBASED_CTLS2", "27.2.1.1")
def _proc2(x):
    if not x.ctl.proc(31):
        return None
    return _allowed(x.c["SECONDARY_VM_EXEC_CONTROL"], 0x48B, "secondary controls")


@rule(CONTROLS, "CR3-target count <= 4", "27.2.1.1")
def _cr3_count(x):
    n = x.c["CR3_TARGET_COUNT"]
    return None if n <= msrs.CR3_TARGETS else f"CR3_TARGET_COUNT = {n}"


@rule(CONTROLS, "I/O bitmap addresses 4 KiB aligned and within MAXPHYADDR", "27.2.1.1")
def _io_bitmaps(x):
    if not x.ctl.proc(25):
        return None
    for f in ("IO_BITMAP_A", "IO_BITMAP_B"):
        a = x.c[f]
        if a & 0xFFF or not phys_ok(a):
            return f"{f} = {a:#x}"
    return None


@rule(CONTROLS, "MSR-bitmap address 4 KiB aligned and within MAXPHYADDR", "27.2.1.1")
def _msr_bitmap(x):
    a = x.c["MSR_BITMAP"]
    if x.ctl.proc(28) and (a & 0xFFF or not phys_ok(a)):
        return f"MSR_BITMAP = {a:#x}"
    return None


@rule(CONTROLS, "virtual NMIs require NMI exiting", "27.2.1.1")
def _vnmi(x):
    if x.ctl.pin(5) and not x.ctl.pin(3):
        return "virtual NMIs = 1 with NMI exiting = 0"
    return None


@rule(CONTROLS, "NMI-window exiting requires virtual NMIs", "27.2.1.1")
def _nmi_window(x):
    if x.ctl.proc(22) and not x.ctl.pin(5):
        return "NMI-window exiting = 1 with virtual NMIs = 0"
    return None


@rule(CONTROLS, "enable VPID requires a non-zero VPID", "27.2.1.1")
def _vpid(x):
    if x.ctl.proc2(5) and x.c["VIRTUAL_PROCESSOR_ID"] == 0:
        return "VIRTUAL_PROCESSOR_ID = 0"
    return None


@rule(CONTROLS, "enable EPT requires a valid EPT pointer", "27.2.1.1")
def _eptp(x):
    if not x.ctl.proc2(1):
        return None
    from .ept import eptp_problem
    return eptp_problem(x.c["EPT_POINTER"])


@rule(CONTROLS, "unrestricted guest requires enable EPT", "27.2.1.1")
def _urg(x):
    if x.ctl.proc2(7) and not x.ctl.proc2(1):
        return "unrestricted guest = 1 with enable EPT = 0"
    return None


@rule(CONTROLS, "save VMX-preemption timer value requires activate VMX-preemption timer",
      "27.2.1.2")
def _timer_save(x):
    if x.ctl.exit(22) and not x.ctl.pin(6):
        return "save timer value = 1 with activate timer = 0"
    return None


# == VM-exit control fields (27.2.1.2) ==========================================================
@rule(CONTROLS, "VM-exit controls respect IA32_VMX_TRUE_EXIT_CTLS", "27.2.1.2")
def _exit_ctls(x):
    return _allowed(x.c["VM_EXIT_CONTROLS"], 0x48F, "VM-exit controls")


def _msr_area(x, addr_f, count_f):
    n, a = x.c[count_f], x.c[addr_f]
    if n and (a & 0xF or not phys_ok(a) or not phys_ok(a + 16 * n - 1)):
        return f"{addr_f} = {a:#x} with {count_f} = {n}"
    return None


@rule(CONTROLS, "VM-exit MSR-store area 16-byte aligned within MAXPHYADDR", "27.2.1.2")
def _exit_store(x):
    return _msr_area(x, "VM_EXIT_MSR_STORE_ADDR", "VM_EXIT_MSR_STORE_COUNT")


@rule(CONTROLS, "VM-exit MSR-load area 16-byte aligned within MAXPHYADDR", "27.2.1.2")
def _exit_load(x):
    return _msr_area(x, "VM_EXIT_MSR_LOAD_ADDR", "VM_EXIT_MSR_LOAD_COUNT")


# == VM-entry control fields (27.2.1.3) =========================================================
@rule(CONTROLS, "VM-entry controls respect IA32_VMX_TRUE_ENTRY_CTLS", "27.2.1.3")
def _entry_ctls(x):
    return _allowed(x.c["VM_ENTRY_CONTROLS"], 0x490, "VM-entry controls")


@rule(CONTROLS, "VM-entry MSR-load area 16-byte aligned within MAXPHYADDR", "27.2.1.3")
def _entry_load(x):
    return _msr_area(x, "VM_ENTRY_MSR_LOAD_ADDR", "VM_ENTRY_MSR_LOAD_COUNT")


ERROR_CODE_VECTORS = {8, 10, 11, 12, 13, 14, 17}


@rule(CONTROLS, "VM-entry interruption-information field is valid", "27.2.1.3")
def _injection(x):
    info = x.c["VM_ENTRY_INTR_INFO_FIELD"]
    if not info >> 31:
        return None
    vec, typ, ec = info & 0xFF, (info >> 8) & 7, info >> 11 & 1
    if typ == 1:
        return f"interruption type 1 (reserved) in {info:#x}"
    if typ == 7 and vec != 0:
        return f"other-event injection with vector {vec}"
    if typ == 2 and vec != 2:
        return f"NMI injection with vector {vec}"
    if typ == 3 and vec > 31:
        return f"hardware exception with vector {vec}"
    pe = x.c["GUEST_CR0"] & 1
    wants = typ == 3 and vec in ERROR_CODE_VECTORS and (pe or not x.ctl.proc2(7))
    if ec != wants:
        return f"deliver-error-code = {ec} for type {typ} vector {vec}"
    if ec and x.c["VM_ENTRY_EXCEPTION_ERROR_CODE"] >> 16:
        return f"error code {x.c['VM_ENTRY_EXCEPTION_ERROR_CODE']:#x} has bits 31:16 set"
    if info & 0x7FFFF000:
        return f"reserved bits 30:12 set in {info:#x}"
    if typ in (4, 5, 6) and not 1 <= x.c["VM_ENTRY_INSTRUCTION_LEN"] <= 15:
        return f"instruction length {x.c['VM_ENTRY_INSTRUCTION_LEN']} for type {typ}"
    return None


# == host-state area (27.2.2 - 27.2.4) ========================================================
def cr0_fixed_problem(x, field: str, exempt: int = 0):
    """CR0 against IA32_VMX_CR0_FIXED0/1 (SDM A.7), `exempt` bits excused from FIXED0."""
    v = x.c[field]
    f0 = msrs.CR0_FIXED0 & ~exempt
    if v & f0 != f0 or v >> 32:
        return f"{field} = {v:#x} (FIXED0 {f0:#x})"
    return None


def cr4_fixed_problem(x, field: str):
    """CR4 against IA32_VMX_CR4_FIXED0/1 (SDM A.8)."""
    v = x.c[field]
    f1 = x.cpu.vmx_msr(0x489)
    if v & msrs.CR4_FIXED0 != msrs.CR4_FIXED0 or v & ~f1:
        return f"{field} = {v:#x} (FIXED0 {msrs.CR4_FIXED0:#x}, FIXED1 {f1:#x})"
    return None


@rule(HOST, "host CR0 respects IA32_VMX_CR0_FIXED0/1", "27.2.2")
def _host_cr0(x):
    return cr0_fixed_problem(x, "HOST_CR0")


@rule(HOST, "host CR4 respects IA32_VMX_CR4_FIXED0/1", "27.2.2")
def _host_cr4(x):
    return cr4_fixed_problem(x, "HOST_CR4")


@rule(HOST, "host CR3 within MAXPHYADDR", "27.2.2")
def _host_cr3(x):
    v = x.c["HOST_CR3"]
    return None if phys_ok(v) else f"HOST_CR3 = {v:#x}"


@rule(HOST, "host IA32_SYSENTER_ESP/EIP canonical", "27.2.2")
def _host_sysenter(x):
    for f in ("HOST_IA32_SYSENTER_ESP", "HOST_IA32_SYSENTER_EIP"):
        if not canonical(x.c[f]):
            return f"{f} = {x.c[f]:#x}"
    return None


def pat_ok(v: int) -> bool:
    return all(((v >> (8 * i)) & 0xFF) in (0, 1, 4, 5, 6, 7) for i in range(8))


@rule(HOST, "host IA32_PAT valid when loaded", "27.2.2")
def _host_pat(x):
    if x.ctl.exit(19) and not pat_ok(x.c["HOST_IA32_PAT"]):
        return f"HOST_IA32_PAT = {x.c['HOST_IA32_PAT']:#x}"
    return None


EFER_RESERVED = ~(1 | 1 << 8 | 1 << 10 | 1 << 11) & ((1 << 64) - 1)


@rule(HOST, "host IA32_EFER valid and LMA = LME = host address-space size", "27.2.2")
def _host_efer(x):
    if not x.ctl.exit(21):
        return None
    v = x.c["HOST_IA32_EFER"]
    h = x.ctl.exit(9)
    if v & EFER_RESERVED or bool(v >> 10 & 1) != h or bool(v >> 8 & 1) != h:
        return f"HOST_IA32_EFER = {v:#x}, host address-space size = {int(h)}"
    return None


SEGS = ("ES", "CS", "SS", "DS", "FS", "GS")


@rule(HOST, "host selectors have RPL = 0 and TI = 0", "27.2.3")
def _host_sel_rpl(x):
    for s in SEGS + ("TR",):
        v = x.c[f"HOST_{s}_SELECTOR"]
        if v & 7:
            return f"HOST_{s}_SELECTOR = {v:#x}"
    return None


@rule(HOST, "host CS and TR selectors are not null", "27.2.3")
def _host_cs_tr(x):
    for s in ("CS", "TR"):
        if x.c[f"HOST_{s}_SELECTOR"] == 0:
            return f"HOST_{s}_SELECTOR = 0"
    return None


@rule(HOST, "host SS selector not null unless the host is 64-bit", "27.2.3")
def _host_ss(x):
    if x.c["HOST_SS_SELECTOR"] == 0 and not x.ctl.exit(9):
        return "HOST_SS_SELECTOR = 0 with host address-space size = 0"
    return None


@rule(HOST, "host FS, GS, GDTR, IDTR and TR bases canonical", "27.2.3")
def _host_bases(x):
    for f in ("HOST_FS_BASE", "HOST_GS_BASE", "HOST_GDTR_BASE", "HOST_IDTR_BASE",
              "HOST_TR_BASE"):
        if not canonical(x.c[f]):
            return f"{f} = {x.c[f]:#x}"
    return None


@rule(HOST, "address-space size matches the processor's IA-32e mode", "27.2.4")
def _host_aspace(x):
    lma = bool(x.cpu.efer >> 10 & 1)
    h, g = x.ctl.exit(9), x.ctl.entry(9)
    if lma and not h:
        return "processor in IA-32e mode with host address-space size = 0"
    if not lma and (h or g):
        return "processor outside IA-32e mode with a 64-bit host or IA-32e mode guest"
    if not h and g:
        return "IA-32e mode guest = 1 with host address-space size = 0"
    return None


@rule(HOST, "host RIP fits the host address-space size; 64-bit host has CR4.PAE", "27.2.4")
def _host_rip(x):
    rip = x.c["HOST_RIP"]
    if x.ctl.exit(9):
        if not x.c["HOST_CR4"] & 0x20:
            return f"HOST_CR4 = {x.c['HOST_CR4']:#x} lacks PAE for a 64-bit host"
        if not canonical(rip):
            return f"HOST_RIP = {rip:#x} not canonical"
    else:
        if rip >> 32:
            return f"HOST_RIP = {rip:#x} exceeds 32 bits"
        if x.c["HOST_CR4"] & (1 << 17):
            return "host CR4.PCIDE = 1 with a 32-bit host"
    return None


from . import checks_guest  # noqa: F401  (registers the guest-state rules)
