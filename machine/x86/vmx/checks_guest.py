"""Guest-state rules of the VM-entry checklist (SDM Vol. 3C, 27.3.1; digest 6.5).

A failure is a VM-entry failure exit (reason 33, bit 31 set) with the rule's qualification."""
from __future__ import annotations

from .checks import (
    EFER_RESERVED,
    GUEST,
    canonical,
    cr0_fixed_problem,
    cr4_fixed_problem,
    pat_ok,
    phys_ok,
    rule,
)

SEGS = ("ES", "CS", "SS", "DS", "FS", "GS")
AR_RESERVED = 0xFFFE0F00


def _urg(x) -> bool:
    return x.ctl.proc2(7)


def _v86(x) -> bool:
    return bool(x.c["GUEST_RFLAGS"] >> 17 & 1)


def _ia32e(x) -> bool:
    return x.ctl.entry(9)


def _usable(x, s) -> bool:
    return not x.c[f"GUEST_{s}_AR_BYTES"] >> 16 & 1


# -- control registers, debug registers, MSRs (27.3.1.1) --------------------------------------
@rule(GUEST, "guest CR0 respects IA32_VMX_CR0_FIXED0/1 (PE/PG exempt for unrestricted guest)",
      "27.3.1.1")
def _g_cr0(x):
    problem = cr0_fixed_problem(x, "GUEST_CR0", 0x80000001 if _urg(x) else 0)
    if problem:
        return problem
    v = x.c["GUEST_CR0"]
    if v >> 31 and not v & 1:
        return f"GUEST_CR0 = {v:#x}: PG without PE"
    return None


@rule(GUEST, "guest CR4 respects IA32_VMX_CR4_FIXED0/1", "27.3.1.1")
def _g_cr4(x):
    return cr4_fixed_problem(x, "GUEST_CR4")


@rule(GUEST, "load debug controls: DEBUGCTL reserved bits and DR7[63:32] are 0", "27.3.1.1")
def _g_debug(x):
    if not x.ctl.entry(2):
        return None
    if x.c["GUEST_IA32_DEBUGCTL"] & ~0xFFC3:
        return f"GUEST_IA32_DEBUGCTL = {x.c['GUEST_IA32_DEBUGCTL']:#x}"
    if x.c["GUEST_DR7"] >> 32:
        return f"GUEST_DR7 = {x.c['GUEST_DR7']:#x}"
    return None


@rule(GUEST, "IA-32e mode guest requires CR0.PG and CR4.PAE", "27.3.1.1")
def _g_ia32e(x):
    if _ia32e(x) and (not x.c["GUEST_CR0"] >> 31 or not x.c["GUEST_CR4"] & 0x20):
        return f"IA-32e mode guest with CR0 = {x.c['GUEST_CR0']:#x}, CR4 = {x.c['GUEST_CR4']:#x}"
    if not _ia32e(x) and x.c["GUEST_CR4"] & (1 << 17):
        return "CR4.PCIDE = 1 outside IA-32e mode"
    return None


@rule(GUEST, "guest CR3 within MAXPHYADDR", "27.3.1.1")
def _g_cr3(x):
    return None if phys_ok(x.c["GUEST_CR3"]) else f"GUEST_CR3 = {x.c['GUEST_CR3']:#x}"


@rule(GUEST, "guest IA32_SYSENTER_ESP/EIP canonical", "27.3.1.1")
def _g_sysenter(x):
    for f in ("GUEST_SYSENTER_ESP", "GUEST_SYSENTER_EIP"):
        if not canonical(x.c[f]):
            return f"{f} = {x.c[f]:#x}"
    return None


@rule(GUEST, "guest IA32_PAT valid when loaded", "27.3.1.1")
def _g_pat(x):
    if x.ctl.entry(14) and not pat_ok(x.c["GUEST_IA32_PAT"]):
        return f"GUEST_IA32_PAT = {x.c['GUEST_IA32_PAT']:#x}"
    return None


@rule(GUEST, "guest IA32_EFER valid: LMA = IA-32e mode guest, LMA = LME when CR0.PG",
      "27.3.1.1")
def _g_efer(x):
    if not x.ctl.entry(15):
        return None
    v = x.c["GUEST_IA32_EFER"]
    lma, lme = bool(v >> 10 & 1), bool(v >> 8 & 1)
    if v & EFER_RESERVED or lma != _ia32e(x) or (x.c["GUEST_CR0"] >> 31 and lma != lme):
        return f"GUEST_IA32_EFER = {v:#x}, IA-32e mode guest = {int(_ia32e(x))}"
    return None


# -- segment registers (27.3.1.2) ---------------------------------------------------------
@rule(GUEST, "TR and usable LDTR selectors have TI = 0", "27.3.1.2")
def _g_ti(x):
    if x.c["GUEST_TR_SELECTOR"] & 4:
        return f"GUEST_TR_SELECTOR = {x.c['GUEST_TR_SELECTOR']:#x}"
    if _usable(x, "LDTR") and x.c["GUEST_LDTR_SELECTOR"] & 4:
        return f"GUEST_LDTR_SELECTOR = {x.c['GUEST_LDTR_SELECTOR']:#x}"
    return None


@rule(GUEST, "SS.RPL = CS.RPL (not virtual-8086, not unrestricted)", "27.3.1.2")
def _g_rpl(x):
    if _v86(x) or _urg(x):
        return None
    ss, cs = x.c["GUEST_SS_SELECTOR"] & 3, x.c["GUEST_CS_SELECTOR"] & 3
    return None if ss == cs else f"SS.RPL = {ss}, CS.RPL = {cs}"


@rule(GUEST, "virtual-8086 guest: bases = selector << 4, limits 0xFFFF, AR 0xF3", "27.3.1.2")
def _g_v86(x):
    if not _v86(x):
        return None
    for s in SEGS:
        sel, base = x.c[f"GUEST_{s}_SELECTOR"], x.c[f"GUEST_{s}_BASE"]
        if base != sel << 4:
            return f"GUEST_{s}_BASE = {base:#x} for selector {sel:#x}"
        if x.c[f"GUEST_{s}_LIMIT"] != 0xFFFF:
            return f"GUEST_{s}_LIMIT = {x.c[f'GUEST_{s}_LIMIT']:#x}"
        if x.c[f"GUEST_{s}_AR_BYTES"] != 0xF3:
            return f"GUEST_{s}_AR_BYTES = {x.c[f'GUEST_{s}_AR_BYTES']:#x}"
    return None


@rule(GUEST, "segment bases: TR/FS/GS/usable LDTR canonical, CS/SS/DS/ES bits 63:32 zero",
      "27.3.1.2")
def _g_bases(x):
    for s in ("TR", "FS", "GS"):
        if not canonical(x.c[f"GUEST_{s}_BASE"]):
            return f"GUEST_{s}_BASE = {x.c[f'GUEST_{s}_BASE']:#x}"
    if _usable(x, "LDTR") and not canonical(x.c["GUEST_LDTR_BASE"]):
        return f"GUEST_LDTR_BASE = {x.c['GUEST_LDTR_BASE']:#x}"
    for s in ("CS", "SS", "DS", "ES"):
        if (s == "CS" or _usable(x, s)) and x.c[f"GUEST_{s}_BASE"] >> 32:
            return f"GUEST_{s}_BASE = {x.c[f'GUEST_{s}_BASE']:#x}"
    return None


def _g_consistent(limit: int, ar: int) -> bool:
    if limit & 0xFFF != 0xFFF and ar & 0x8000:
        return False
    if limit >> 20 and not ar & 0x8000:
        return False
    return True


@rule(GUEST, "access rights of CS, SS, DS, ES, FS, GS (types, S, DPL, P, reserved, G)",
      "27.3.1.2")
def _g_ar(x):
    if _v86(x):
        return None
    c = x.c
    cs_ar, ss_ar = c["GUEST_CS_AR_BYTES"], c["GUEST_SS_AR_BYTES"]
    cs_t = cs_ar & 0xF
    if cs_t not in (9, 11, 13, 15) and not (_urg(x) and cs_t == 3):
        return f"CS type {cs_t} (AR {cs_ar:#x})"
    if _usable(x, "SS") and (ss_ar & 0xF) not in (3, 7):
        return f"SS type {ss_ar & 0xF} (AR {ss_ar:#x})"
    for s in SEGS:
        ar = c[f"GUEST_{s}_AR_BYTES"]
        if s != "CS" and not _usable(x, s):
            continue
        t = ar & 0xF
        if s in ("DS", "ES", "FS", "GS"):
            if not t & 1 or (t & 8 and not t & 2):
                return f"{s} type {t} (AR {ar:#x})"
        if not ar & 0x10:
            return f"{s}.S = 0 (AR {ar:#x})"
        if not ar & 0x80:
            return f"{s}.P = 0 (AR {ar:#x})"
        if ar & AR_RESERVED:
            return f"{s} AR reserved bits set ({ar:#x})"
        if not _g_consistent(c[f"GUEST_{s}_LIMIT"], ar):
            return f"{s} limit {c[f'GUEST_{s}_LIMIT']:#x} inconsistent with G in AR {ar:#x}"
        if s in ("DS", "ES", "FS", "GS") and t <= 11 and not _urg(x):
            if (ar >> 5 & 3) < (c[f"GUEST_{s}_SELECTOR"] & 3):
                return f"{s}.DPL < RPL (AR {ar:#x}, selector {c[f'GUEST_{s}_SELECTOR']:#x})"
    cs_dpl, ss_dpl = cs_ar >> 5 & 3, ss_ar >> 5 & 3
    if cs_t == 3 and cs_dpl != 0:
        return f"CS type 3 with DPL {cs_dpl}"
    if cs_t in (9, 11) and cs_dpl != ss_dpl:
        return f"non-conforming CS.DPL {cs_dpl} != SS.DPL {ss_dpl}"
    if cs_t in (13, 15) and cs_dpl > ss_dpl:
        return f"conforming CS.DPL {cs_dpl} > SS.DPL {ss_dpl}"
    if not _urg(x) and ss_dpl != c["GUEST_SS_SELECTOR"] & 3:
        return f"SS.DPL {ss_dpl} != SS.RPL {c['GUEST_SS_SELECTOR'] & 3}"
    if _urg(x) and (cs_t == 3 or not c["GUEST_CR0"] & 1) and ss_dpl != 0:
        return f"SS.DPL {ss_dpl} must be 0 (unrestricted guest in real mode or CS type 3)"
    if _ia32e(x) and cs_ar & 0x2000 and cs_ar & 0x4000:
        return f"CS.L and CS.D both set in an IA-32e mode guest (AR {cs_ar:#x})"
    return None


@rule(GUEST, "TR: busy TSS type, S = 0, P = 1, usable, reserved bits 0, G consistent",
      "27.3.1.2")
def _g_tr(x):
    ar, limit = x.c["GUEST_TR_AR_BYTES"], x.c["GUEST_TR_LIMIT"]
    t = ar & 0xF
    if not (t == 11 or (t == 3 and not _ia32e(x))):
        return f"TR type {t} (AR {ar:#x})"
    if ar & 0x10 or not ar & 0x80 or ar & 0x10000 or ar & AR_RESERVED & ~0x10000:
        return f"TR AR {ar:#x}"
    if not _g_consistent(limit, ar):
        return f"TR limit {limit:#x} inconsistent with G in AR {ar:#x}"
    return None


@rule(GUEST, "usable LDTR: type 2, S = 0, P = 1, reserved bits 0, G consistent", "27.3.1.2")
def _g_ldtr(x):
    if not _usable(x, "LDTR"):
        return None
    ar, limit = x.c["GUEST_LDTR_AR_BYTES"], x.c["GUEST_LDTR_LIMIT"]
    if ar & 0xF != 2 or ar & 0x10 or not ar & 0x80 or ar & AR_RESERVED:
        return f"LDTR AR {ar:#x}"
    if not _g_consistent(limit, ar):
        return f"LDTR limit {limit:#x} inconsistent with G in AR {ar:#x}"
    return None


# -- descriptor tables, RIP, RFLAGS (27.3.1.3, 27.3.1.4) -------------------------------------
@rule(GUEST, "GDTR/IDTR bases canonical and limits <= 0xFFFF", "27.3.1.3")
def _g_dt(x):
    for t in ("GDTR", "IDTR"):
        if not canonical(x.c[f"GUEST_{t}_BASE"]):
            return f"GUEST_{t}_BASE = {x.c[f'GUEST_{t}_BASE']:#x}"
        if x.c[f"GUEST_{t}_LIMIT"] >> 16:
            return f"GUEST_{t}_LIMIT = {x.c[f'GUEST_{t}_LIMIT']:#x}"
    return None


@rule(GUEST, "guest RIP: bits 63:32 zero outside 64-bit mode, canonical in it", "27.3.1.4")
def _g_rip(x):
    rip = x.c["GUEST_RIP"]
    if _ia32e(x) and x.c["GUEST_CS_AR_BYTES"] & 0x2000:
        return None if canonical(rip) else f"GUEST_RIP = {rip:#x} not canonical"
    return None if not rip >> 32 else f"GUEST_RIP = {rip:#x} exceeds 32 bits"


@rule(GUEST, "guest RFLAGS: reserved bits clear, bit 1 set, VM only in protected legacy mode",
      "27.3.1.4")
def _g_rflags(x):
    fl = x.c["GUEST_RFLAGS"]
    if fl & 0xFFFFFFFFFFC08028 or not fl & 2:
        return f"GUEST_RFLAGS = {fl:#x}"
    if fl >> 17 & 1 and (_ia32e(x) or not x.c["GUEST_CR0"] & 1):
        return "GUEST_RFLAGS.VM = 1 with IA-32e mode guest or CR0.PE = 0"
    info = x.c["VM_ENTRY_INTR_INFO_FIELD"]
    if info >> 31 and (info >> 8) & 7 == 0 and not fl & 0x200:
        return "injecting an external interrupt with RFLAGS.IF = 0"
    return None


# -- non-register state (27.3.1.5) -------------------------------------------------------------
@rule(GUEST, "activity state supported and consistent with SS.DPL, blocking and injection",
      "27.3.1.5")
def _g_activity(x):
    a = x.c["GUEST_ACTIVITY_STATE"]
    if a > 3:
        return f"GUEST_ACTIVITY_STATE = {a}"
    if a == 1 and x.c["GUEST_SS_AR_BYTES"] >> 5 & 3:
        return "HLT activity state with SS.DPL != 0"
    if a and x.c["GUEST_INTERRUPTIBILITY_INFO"] & 3:
        return f"activity state {a} with STI or MOV-SS blocking"
    info = x.c["VM_ENTRY_INTR_INFO_FIELD"]
    if info >> 31 and a:
        vec, typ = info & 0xFF, (info >> 8) & 7
        allowed = {1: {(0, None), (2, None), (3, 1), (3, 18), (7, 0)},
                   2: {(2, None), (3, 18)}, 3: set()}[a]
        if (typ, None) not in allowed and (typ, vec) not in allowed:
            return f"injecting type {typ} vector {vec} in activity state {a}"
    return None


@rule(GUEST, "interruptibility state: reserved bits, STI vs MOV-SS, IF and injection rules",
      "27.3.1.5")
def _g_intr(x):
    v = x.c["GUEST_INTERRUPTIBILITY_INFO"]
    if v >> 5 or v & 4:
        return f"GUEST_INTERRUPTIBILITY_INFO = {v:#x} (reserved or SMI bit)"
    if v & 3 == 3:
        return "both STI and MOV-SS blocking"
    if v & 1 and not x.c["GUEST_RFLAGS"] & 0x200:
        return "STI blocking with RFLAGS.IF = 0"
    info = x.c["VM_ENTRY_INTR_INFO_FIELD"]
    if info >> 31:
        typ = (info >> 8) & 7
        if typ == 0 and v & 3:
            return "injecting an external interrupt with STI or MOV-SS blocking"
        if typ == 2 and v & 2:
            return "injecting an NMI with MOV-SS blocking"
        if typ == 2 and x.ctl.pin(5) and v & 8:
            return "injecting an NMI with virtual-NMI blocking"
    if v & 16:
        return "enclave interruption bit set (SGX is not supported)"
    return None


@rule(GUEST, "pending debug exceptions: reserved bits, BS consistent with TF", "27.3.1.5")
def _g_pending_dbg(x):
    v = x.c["GUEST_PENDING_DBG_EXCEPTIONS"]
    # Bit 16 (RTM) needs RTM support, which CPUID does not report here (SDM 27.3.1.5).
    if v & ~0x500F:
        return f"GUEST_PENDING_DBG_EXCEPTIONS = {v:#x}"
    blocked = x.c["GUEST_INTERRUPTIBILITY_INFO"] & 3 or x.c["GUEST_ACTIVITY_STATE"] == 1
    if blocked:
        tf = bool(x.c["GUEST_RFLAGS"] & 0x100)
        btf = bool(x.c["GUEST_IA32_DEBUGCTL"] & 2)
        if bool(v >> 14 & 1) != (tf and not btf):
            return f"BS = {v >> 14 & 1} with RFLAGS.TF = {int(tf)} under blocking or HLT"
    return None


@rule(GUEST, "VMCS link pointer: all ones, or a valid VMCS that is not the current one",
      "27.3.1.5", qualification=4)
def _g_link(x):
    p = x.c["VMCS_LINK_POINTER"]
    if p == (1 << 64) - 1:
        return None
    if p & 0xFFF or not phys_ok(p):
        return f"VMCS_LINK_POINTER = {p:#x}"
    # Without VMCS shadowing a link pointer other than all ones fails (SDM 27.3.1.5).
    return f"VMCS_LINK_POINTER = {p:#x} (VMCS shadowing is not enabled)"


@rule(GUEST, "PAE paging: PDPTEs have no reserved bits set", "27.3.1.6", qualification=2)
def _g_pdptes(x):
    c = x.c
    if not (c["GUEST_CR0"] >> 31 and c["GUEST_CR4"] & 0x20 and not _ia32e(x)):
        return None
    if x.ctl.proc2(1):
        ptes = [c[f"GUEST_PDPTE{i}"] for i in range(4)]
    else:
        base = c["GUEST_CR3"] & 0xFFFFFFE0
        ptes = [x.cpu.bus.read(base + 8 * i, 8) for i in range(4)]
    for i, e in enumerate(ptes):
        if e & 1 and e & (0x1E6 | ((1 << 64) - (1 << 39))):
            return f"PDPTE{i} = {e:#x}"
    x.pdptes = ptes
    return None
