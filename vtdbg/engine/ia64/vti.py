"""VT-i events as the engine sees them: the machine's virtualization faults, virtual external
interrupts and resumes (machine/ia64/vti.py VtiEvent), and the other interruptions a guest
takes, become VirtEvents, so the exit log, `catch vmexit`/`catch vfault` and guest-only
stepping treat them as VT-x's exits and entries.

Columns of an exit-log row for VT-i: reason = the cause (GR24) of a virtualization fault, or
the IVT offset of any other interruption; qualification = the 41-bit instruction slot (GR25),
vhpi for the Virtual External Interrupt, the ISR otherwise; guest RIP = bundle + slot of the
guest instruction. A fault's cause names the VPD control (vac/vdc bit) that would have let
the guest run the instruction without a fault, where there is one (vti.md 4.1, 4.2).
"""
from __future__ import annotations

from machine.ia64 import faults as F
from machine.ia64 import vpd as V
from machine.ia64.pal import PAL_NAMES, VPS, VSA_BASE
from machine.ia64.vti import CAUSE_NAMES, EXTINT_CRS, INT_CRS

from ...errors import VtdbgError
from ..arch import VirtEvent
from .vectors import NAMES as VECTOR_SLUGS

# Reasons: a virtualization fault's is its cause (1-41); every other interruption taken at
# PSR.vm = 1 also ends in the VMM (the IVT is the host's), and its reason is its IVT offset
# (0x2c00 BREAK_INSTRUCTION, ..., 0x3400 the Virtual External Interrupt). Offsets are
# multiples of 0x100 apart from 0x0000 (VHPT Translation), which no cause uses.
VEI = F.VIRT_EXTERNAL_INT
VEI_NAME = "VIRTUAL_EXTERNAL_INTERRUPT"
OWN_EVENTS = (F.VIRTUALIZATION, F.VIRT_EXTERNAL_INT)        # reported as vfault / vext
VECTOR_REASONS = {off: n.upper() for off, n in VECTOR_SLUGS.items()
                  if off != F.VIRTUALIZATION}
VECTOR_REASONS[VEI] = VEI_NAME
REASONS = {**CAUSE_NAMES, **VECTOR_REASONS}
ALIASES = {"VEI": VEI, "VEXT": VEI}
CR_TPR, CR_ITM = 66, 1

# cause -> (what the instruction is, the VPD control that serves/disables it, or None)
_ALWAYS = "always intercepted at PSR.vm = 1"
_BY_CAUSE = {
    7: ("mov from psr", ("vac", "a_from_psr")),
    23: ("mov from cpuid", ("vac", "a_from_cpuid")),
    24: ("ssm", ("vac", "a_int")), 25: ("rsm", ("vac", "a_int")),
    36: ("cover", ("vac", "a_cover")), 38: ("bsw.0", ("vac", "a_bsw")),
    39: ("bsw.1", ("vac", "a_bsw")), 40: ("vmsw", ("vdc", "d_vmsw")),
    11: ("mov to dbr", ("vdc", "d_ibr_dbr")), 12: ("mov to ibr", ("vdc", "d_ibr_dbr")),
    19: ("mov from dbr", ("vdc", "d_ibr_dbr")), 20: ("mov from ibr", ("vdc", "d_ibr_dbr")),
    14: ("mov to pmc", ("vdc", "d_pmc")), 22: ("mov from pmc", ("vdc", "d_pmc")),
    15: ("mov to pmd", ("vdc", "d_to_pmd")),
}
_BITS = {"vac": V.VAC_BITS, "vdc": V.VDC_BITS}


def _cr_control(cause: int, cr: int) -> tuple[str, str] | None:
    """mov to/from cr: which VPD bit decides for this CR (vti.md 4.1, 4.2)."""
    if cr in EXTINT_CRS:
        return "vdc", "d_extint"
    if cr == CR_ITM:
        return "vdc", "d_itm"
    if cr in INT_CRS:
        return "vac", "a_to_int_cr" if cause == 4 else "a_from_int_cr"
    if cr == CR_TPR:
        return "vac", "a_int"
    return None


def cause_of(cause: int, opcode: int, vei: bool = False) -> tuple[str, str, int | None]:
    """(sentence, VPD field, bit) for a virtualization event."""
    if vei:
        return (("a virtual interrupt (vhpi) above the guest's vtpr with vpsr.i set, "
                 "vac.a_int on"), "vac", V.VAC_BITS.index("a_int"))
    if cause in (4, 5):
        cr = (opcode >> 20) & 0x7F
        what = f"mov {'to' if cause == 4 else 'from'} cr.{V.VCR_NAMES.get(cr, cr)}"
        ctl = _cr_control(cause, cr)
    else:
        what, ctl = _BY_CAUSE.get(cause, (CAUSE_NAMES.get(cause, str(cause)).lower()
                                          .replace("_", " "), None))
    if ctl is None:
        return f"{what}: {_ALWAYS}", "", None
    fld, bit = ctl
    state = "clear" if fld == "vac" else "clear (virtualized)"
    return f"{what} at PSR.vm = 1 with {fld}.{bit} {state}", fld, _BITS[fld].index(bit)


def virt_event(cpu, kind: str, ev, vpd: int | None, insn_text) -> VirtEvent | None:
    """A machine VtiEvent (or, for "vintr", an interruption record) as a VirtEvent;
    insn_text(pc) -> the instruction's text."""
    icount = cpu.icount
    if kind == "vintr":
        return _interruption(ev, icount)
    pc = ev.ip | ev.slot
    if kind == "vresume":
        name = VPS.get(ev.cause, "resume")
        out = VirtEvent("entry", ev.icount, name=name, guest_rip=pc,
                        detail=f"{name}: guest at {pc:#x}")
        return out
    if kind == "vfault":
        sentence, fld, bit = cause_of(ev.cause, ev.opcode)
        return VirtEvent("exit", ev.icount, ev.cause, REASONS.get(ev.cause, str(ev.cause)),
                         ev.opcode, pc, cause=sentence, cause_field=fld, cause_bit=bit,
                         detail=insn_text(pc))
    if kind == "vext":
        sentence, fld, bit = cause_of(VEI, 0, vei=True)
        vhpi = cpu.bus.read(vpd + V.VHPI, 8) if vpd is not None else 0
        return VirtEvent("exit", ev.icount, VEI, VEI_NAME, vhpi, pc, cause=sentence,
                         cause_field=fld, cause_bit=bit)
    return None


def _interruption(ev: dict, icount: int) -> VirtEvent:
    vec = ev["vector"]
    return VirtEvent("exit", icount, vec, REASONS.get(vec, f"{vec:#06x}"), ev["isr"],
                     ev["ip"] | ev["slot"], guest_linear=ev["ifa"],
                     cause=f"an interruption at PSR.vm = 1 is delivered to the VMM's IVT "
                           f"(IVA + {vec:#06x})")


def reason_number(word: str) -> int | None:
    """A VT-i exit reason: a cause (MOV_TO_CR, mov-to-cr, 4) or an interruption by its IVT
    name or offset (BREAK_INSTRUCTION, 0x2c00; VEI = VIRTUAL_EXTERNAL_INTERRUPT)."""
    try:
        n = int(word, 0)
    except ValueError:
        key = word.upper().replace("-", "_")
        if key in ALIASES:
            return ALIASES[key]
        hits = [c for c, nm in REASONS.items() if nm == key] or \
            [c for c, nm in REASONS.items() if nm.startswith(key)]
        if len(hits) > 1:
            raise VtdbgError(f"ambiguous reason {word}: "
                             f"{', '.join(REASONS[h] for h in hits)}") from None
        return hits[0] if hits else None
    return n if n in REASONS else None


def parse_cause(word: str) -> tuple[int, str]:
    n = reason_number(word)
    if n not in CAUSE_NAMES:
        raise VtdbgError(f"no virtualization-fault cause {word} (1-41 or a name such as "
                         "MOV_TO_CR, THASH; `info exit-reasons` lists them)")
    return n, REASONS[n]


PAL_BY_NAME = {**{n: i for i, n in PAL_NAMES.items()},
               **{n: VSA_BASE + off for off, n in VPS.items()}}


def parse_pal(word: str) -> tuple[int, str]:
    """A PAL procedure by name (PAL_VP_CREATE, vp_create) or index, or a VPS service."""
    try:
        n = int(word, 0)
    except ValueError:
        key = word.upper().replace("-", "_")
        for k in (key, "PAL_" + key, "PAL_VPS_" + key):
            if k in PAL_BY_NAME:
                return PAL_BY_NAME[k], k
        raise VtdbgError(f"no PAL procedure {word} (names such as PAL_VP_CREATE, "
                         "PAL_VPS_RESUME_NORMAL, or an index)") from None
    name = PAL_NAMES.get(n) or VPS.get(n - VSA_BASE) or f"PAL_PROC {n}"
    return n, name


def pal_name(index: int) -> str:
    return PAL_NAMES.get(index) or VPS.get(index - VSA_BASE) or f"PAL_PROC {index}"



def state_lines(cpu, exits_logged: int) -> list[str]:
    """`info vmx` on IA-64: the VM features, the virtual environment, the virtual processors,
    where the processor is, and the faults so far by cause."""
    vti = cpu.vti
    on = "on" if vti.enabled else "off"
    out = [f"VT-i: the VM features are {on} (PAL_PROC_GET_FEATURES bit 40)"]
    if not vti.env:
        out.append("No virtual environment (PAL_VP_INIT_ENV has not been called).")
    else:
        out.append(f"Virtual environment: config_options {vti.config:#x}, buffer "
                   f"{vti.buf_va:#x} (physical {vti.buf_pa:#x})")
    for addr, vp in sorted(vti.vps.items()):
        tag = " (current)" if addr == vti.current else ""
        extra = f", fault handler {vp.opt_handler:#x}" if vp.opt_handler else ""
        out.append(f"  virtual processor: VPD {addr:#x} (physical {vp.vpd_pa:#x}), host IVA "
                   f"{vp.host_iva:#x}{extra}{tag}")
    out.append("The guest is running (PSR.vm = 1)." if cpu.psr & (1 << 46) else
               "The VMM is running (PSR.vm = 0)." if vti.vps else "PSR.vm = 0 (no guest).")
    n = sum(vti.counts.values())
    out.append(f"{n} virtualization fault{'s' if n != 1 else ''} so far; the exit log "
               f"holds {exits_logged} records.")
    if vti.counts:
        out.append("  " + ", ".join(f"{CAUSE_NAMES[c]} {k}" for c, k in sorted(vti.counts.items())))
    return out
