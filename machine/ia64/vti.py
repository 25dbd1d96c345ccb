"""VT-i on the instruction side: PSR.vm, virtualization faults, the vac accelerations and vdc
disables, the Virtual External Interrupt (vti.md 3, 4; SDM vol 2 3.4, 11.7).

With PSR.vm = 1 each instruction of the cause table (CAUSES) is checked as the SDM pseudocode
orders it: privilege (cpl != 0: Privileged Operation, except thash/ttag/mov-from-cpuid which
fault at any cpl), then its operands (target register in the frame, NaT sources, CR number,
reserved PSR bits), then, unless the current VPD's vac/vdc says otherwise, a Virtualization
fault (vector 0x6100 of IVA, or the VP's opt_handler) with the cause in bank-0 GR24 and the
41-bit instruction in GR25.  The wrapped instruction itself runs when PSR.vm = 0.

`VtiState` (cpu.vti) is plain data so snapshots copy it: the virtual environment set up by
PAL_VP_INIT_ENV, the virtual processors by VPD address, the current one, and the event record.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import faults as F
from . import psr as P
from . import vpd as V
from .faults import Interruption, illegal_op, nat_consumption, priv_op, reserved
from .sysregs import CR_DEFINED as CR_NAMES_DEFINED

M64 = (1 << 64) - 1
M41 = (1 << 41) - 1
RESUMED, LEAVE = -1, -2            # the CPU loop's return codes (cpu.py)

CAUSE_NAMES = {
    1: "MOV_TO_AR", 2: "MOV_TO_AR_IMM", 3: "MOV_FROM_AR", 4: "MOV_TO_CR", 5: "MOV_FROM_CR",
    6: "MOV_TO_PSR", 7: "MOV_FROM_PSR", 8: "ITC_D", 9: "ITC_I", 10: "MOV_TO_RR",
    11: "MOV_TO_DBR", 12: "MOV_TO_IBR", 13: "MOV_TO_PKR", 14: "MOV_TO_PMC", 15: "MOV_TO_PMD",
    16: "ITR_D", 17: "ITR_I", 18: "MOV_FROM_RR", 19: "MOV_FROM_DBR", 20: "MOV_FROM_IBR",
    21: "MOV_FROM_PKR", 22: "MOV_FROM_PMC", 23: "MOV_FROM_CPUID", 24: "SSM", 25: "RSM",
    26: "PTC_L", 27: "PTC_G", 28: "PTC_GA", 29: "PTR_D", 30: "PTR_I", 31: "THASH", 32: "TTAG",
    33: "TPA", 34: "TAK", 35: "PTC_E", 36: "COVER", 37: "RFI", 38: "BSW_0", 39: "BSW_1",
    40: "VMSW", 41: "PROBE"}
CAUSE_BY_NAME = {n: c for c, n in CAUSE_NAMES.items()}
VMSW = 40

# semantic name -> (cause, privileged, dest field, NaT-checked source fields)
CAUSES: dict[str, tuple[int, bool, str | None, tuple[str, ...]]] = {
    "mov_to_ar": (1, False, None, ("r2",)), "mov_to_ar_i": (2, False, None, ()),
    "mov_from_ar": (3, False, "r1", ()),
    "mov_to_cr": (4, True, None, ("r2",)), "mov_from_cr": (5, True, "r1", ()),
    "mov_to_psr_l": (6, True, None, ("r2",)), "mov_from_psr": (7, True, "r1", ()),
    "itc_d": (8, True, None, ("r2",)), "itc_i": (9, True, None, ("r2",)),
    "mov_to_rr": (10, True, None, ("r3", "r2")), "mov_to_dbr": (11, True, None, ("r3", "r2")),
    "mov_to_ibr": (12, True, None, ("r3", "r2")), "mov_to_pkr": (13, True, None, ("r3", "r2")),
    "mov_to_pmc": (14, True, None, ("r3", "r2")), "mov_to_pmd": (15, True, None, ("r3", "r2")),
    "itr_d": (16, True, None, ("r3", "r2")), "itr_i": (17, True, None, ("r3", "r2")),
    "mov_from_rr": (18, True, "r1", ("r3",)), "mov_from_dbr": (19, True, "r1", ("r3",)),
    "mov_from_ibr": (20, True, "r1", ("r3",)), "mov_from_pkr": (21, True, "r1", ("r3",)),
    "mov_from_pmc": (22, True, "r1", ("r3",)), "mov_from_cpuid": (23, False, "r1", ("r3",)),
    "ssm": (24, True, None, ()), "rsm": (25, True, None, ()),
    "ptc_l": (26, True, None, ("r3", "r2")), "ptc_g": (27, True, None, ("r3", "r2")),
    "ptc_ga": (28, True, None, ("r3", "r2")), "ptr_d": (29, True, None, ("r3", "r2")),
    "ptr_i": (30, True, None, ("r3", "r2")),
    "thash": (31, False, "r1", ()), "ttag": (32, False, "r1", ()),
    "tpa": (33, True, "r1", ("r3",)), "tak": (34, True, "r1", ("r3",)),
    "ptc_e": (35, True, None, ("r3",)), "cover": (36, False, None, ()),
    "rfi": (37, True, None, ()), "bsw_0": (38, True, None, ()), "bsw_1": (39, True, None, ()),
    "probe_r": (41, False, "r1", ("r3", "r2")), "probe_w": (41, False, "r1", ("r3", "r2")),
    "probe_r_i": (41, False, "r1", ("r3",)), "probe_w_i": (41, False, "r1", ("r3",)),
}
# the non-access code a NaT source gives these in ISR (vti.md 2.3)
NA_CODES = {33: F.NA_TPA, 34: F.NA_TAK, 41: F.NA_PROBE}
# the vac/vdc bits that can serve a cause without a fault (for the event record)
CONTROLS = {4: "vac.a_to_int_cr/a_int vdc.d_extint/d_itm",
            5: "vac.a_from_int_cr/a_int vdc.d_extint/d_itm", 7: "vac.a_from_psr",
            11: "vdc.d_ibr_dbr", 12: "vdc.d_ibr_dbr", 14: "vdc.d_pmc", 15: "vdc.d_to_pmd",
            19: "vdc.d_ibr_dbr", 20: "vdc.d_ibr_dbr", 22: "vdc.d_pmc", 23: "vac.a_from_cpuid",
            24: "vac.a_int", 25: "vac.a_int", 36: "vac.a_cover", 38: "vac.a_bsw",
            39: "vac.a_bsw", 40: "vdc.d_vmsw"}
AR_ITC = 44
INT_CRS = range(16, 26)            # interruption CRs (a_from_int_cr / a_to_int_cr)
EXTINT_CRS = range(65, 72)         # ivr tpr eoi irr0-3 (vdc.d_extint)
CR_TPR, CR_ITM = 66, 1
PSR_READ = 0xFFFFFFFF | P.MC | P.IT        # what mov r1 = psr returns


@dataclass
class VtiEvent:
    """One virtualization event for the debugger: a fault, a virtual external interrupt, a
    VPS resume.  ip/slot: the guest instruction; opcode: GR25."""
    kind: str                      # "vfault" | "vext" | "vresume"
    cause: int
    name: str
    ip: int
    slot: int
    opcode: int = 0
    icount: int = 0
    control: str = ""              # the VPD control that would have avoided it ("" if none)


@dataclass
class VirtualProcessor:
    vpd: int                       # host virtual address (the VP's name)
    vpd_pa: int
    host_iva: int
    opt_handler: int = 0


@dataclass
class VtiState:
    enabled: bool = True           # PAL_PROC_SET_FEATURES can turn the VM features off
    env: bool = False              # PAL_VP_INIT_ENV done
    config: int = 0
    buf_pa: int = 0
    buf_va: int = 0
    vps: dict[int, VirtualProcessor] = field(default_factory=dict)
    current: int | None = None
    counts: dict[int, int] = field(default_factory=dict)
    last: VtiEvent | None = None

    def vp(self) -> VirtualProcessor | None:
        return self.vps.get(self.current) if self.current is not None else None


class VirtualizationFault(Interruption):
    def __init__(self, cause: int, opcode: int):
        super().__init__(F.VIRTUALIZATION)
        self.cause, self.opcode = cause, opcode & M41

    def post(self, cpu) -> None:
        """After delivery (bank 0 now current): GR24/GR25, the optional handler, the record."""
        vti = cpu.vti
        ip, ri = cpu.cr[19], (cpu.cr[16] >> 41) & 3
        if not vti.env or vti.config >> 9 & 1:      # config_options.cause
            cpu.gr[24], cpu.nat[24] = self.cause, 0
        cpu.gr[25], cpu.nat[25] = self.opcode, 0
        vp = vti.vp()
        if vp is not None and vp.opt_handler:
            cpu.ip = vp.opt_handler & ~0xF
        record(cpu, "vfault", self.cause, ip, ri, self.opcode)


def record(cpu, kind: str, cause: int, ip: int, slot: int, opcode: int = 0) -> VtiEvent:
    vti = cpu.vti
    name = CAUSE_NAMES.get(cause, str(cause)) if kind == "vfault" else \
        {"vext": "VIRTUAL_EXTERNAL_INTERRUPT", "vresume": "RESUME"}.get(kind, kind)
    ev = VtiEvent(kind, cause, name, ip, slot, opcode, cpu.icount,
                  CONTROLS.get(cause, "") if kind == "vfault" else "")
    if kind == "vfault":
        vti.counts[cause] = vti.counts.get(cause, 0) + 1
    vti.last = ev
    cpu.notify(kind, ev)
    return ev


# -- the VPD of the current virtual processor (physical accesses) -----------------------------
def vac_vdc(cpu) -> tuple[int, int]:
    vp = cpu.vti.vp()
    if vp is None:
        return 0, 0
    return cpu.bus.read(vp.vpd_pa + V.VAC, 8), cpu.bus.read(vp.vpd_pa + V.VDC, 8)


def vpd_read(cpu, off: int) -> int:
    return cpu.bus.read(cpu.vti.vp().vpd_pa + off, 8)


def vpd_write(cpu, off: int, v: int) -> None:
    """The processor's own store into the VPD (an acceleration); a debugger's memory
    watchpoint sees it as a physical write with no linear address."""
    pa = cpu.vti.vp().vpd_pa + off
    mw = cpu._mem_watch
    if mw is not None:
        mw.write(cpu, None, pa, 8, v & M64)
    cpu.bus.write(pa, 8, v & M64)


def vei_deliverable(cpu) -> bool:
    """a_int: the guest's highest pending interrupt (vhpi) is unmasked by vpsr.i and vtpr
    (vti.md 3.3: vhpi compared with tpr.mmi << 4 | tpr.mic)."""
    vp = cpu.vti.vp()
    if vp is None or not cpu.bus.read(vp.vpd_pa + V.VAC, 8) & V.A_INT:
        return False
    if not vpd_read(cpu, V.VPSR) & P.I:
        return False
    tpr = vpd_read(cpu, V.vcr_offset(CR_TPR))
    return vpd_read(cpu, V.VHPI) > (((tpr >> 16) & 1) << 4 | (tpr >> 4) & 0xF)


def deliver_vei(cpu, ip: int, ri: int) -> None:
    cpu.deliver(Interruption(F.VIRT_EXTERNAL_INT), ip, ri)
    record(cpu, "vext", 0, ip, ri)


# -- wrapping the cause-table instructions ---------------------------------------------------------
def _next_pos(insn, ip: int, bundle) -> tuple[int, int]:
    if bundle is not None:
        slots = [i for i, x in enumerate(bundle.insns) if x is not None]
        later = [s for s in slots if s > insn.slot]
        if later:
            return ip, later[0]
    return (ip + 16) & M64, 0


def wrap(cpu, insn, f, ip: int, bundle=None):
    """The instruction `f` as it behaves with PSR.vm = 1 (unchanged when PSR.vm = 0)."""
    cause, privileged, dest, srcs = CAUSES[insn.sem]
    v, gr, nat = insn.v, cpu.gr, cpu.nat
    opcode = insn.raw & M41
    r1 = v.get(dest) if dest else None
    src_regs = tuple(v[s] for s in srcs)
    accel = ACCEL.get(cause)
    nxt = _next_pos(insn, ip, bundle)

    def g():
        if not cpu.psr & P.VM:
            return f()
        cpl = cpu.cpl
        if cause in (1, 2, 3):                     # only ar.itc is intercepted
            if v["ar3"] != AR_ITC or insn.unit != "M" or cpl:
                return f()
            cpu.check_ar(AR_ITC, "M", cause != 3)
        elif cause == 36 and cpl:                   # cover at cpl > 0 is not intercepted
            return f()
        elif privileged and cpl:
            raise priv_op()
        if r1 is not None and r1 >= cpu.frame_top:
            raise illegal_op()
        for r in src_regs:
            if nat[r]:
                if cause in NA_CODES:
                    raise Interruption(F.NAT_CONSUMPTION, F.NAT_REG | F.ISR_NA |
                                       NA_CODES[cause])
                raise nat_consumption()
        if cause in (4, 5):
            n = v["cr3"]
            if n not in CR_NAMES_DEFINED or (cause == 4 and n in (65, 68, 69, 70, 71)):
                raise illegal_op()
        elif (cause == 6 and gr[v["r2"]] & 0xFFFFFFFF & ~P.DEFINED
              or cause in (24, 25) and v["imm24"] & ~P.SM):
            raise reserved()
        if accel is not None:
            vac, vdc = vac_vdc(cpu)
            r = accel(cpu, insn, f, vac, vdc)
            if r is not NOT_SERVED:
                if r == VEI_CHECK:
                    if vei_deliverable(cpu):
                        deliver_vei(cpu, *nxt)
                        return RESUMED
                    return LEAVE
                return r
        raise VirtualizationFault(cause, opcode)
    return g


NOT_SERVED, VEI_CHECK = object(), -99


def _set_r1(cpu, insn, val: int) -> None:
    r1 = insn.v["r1"]
    cpu.gr[r1], cpu.nat[r1] = val & M64, 0


def _from_cr(cpu, insn, f, vac, vdc):
    n = insn.v["cr3"]
    if n in EXTINT_CRS and vdc & V.D_EXTINT or n == CR_ITM and vdc & V.D_ITM:
        return f()
    if n in INT_CRS and vac & V.A_FROM_INT_CR or n == CR_TPR and vac & V.A_INT:
        _set_r1(cpu, insn, vpd_read(cpu, V.vcr_offset(n)))
        return None
    return NOT_SERVED


def _to_cr(cpu, insn, f, vac, vdc):
    n = insn.v["cr3"]
    if n in EXTINT_CRS and vdc & V.D_EXTINT or n == CR_ITM and vdc & V.D_ITM:
        return f()
    if n in INT_CRS and vac & V.A_TO_INT_CR:
        vpd_write(cpu, V.vcr_offset(n), cpu.gr[insn.v["r2"]])
        return None
    if n == CR_TPR and vac & V.A_INT:
        vpd_write(cpu, V.vcr_offset(n), cpu.gr[insn.v["r2"]])
        return VEI_CHECK
    return NOT_SERVED


def _from_psr(cpu, insn, f, vac, vdc):
    if not vac & V.A_FROM_PSR:
        return NOT_SERVED
    vpsr = vpd_read(cpu, V.VPSR)
    _set_r1(cpu, insn, (vpsr & PSR_READ & ~P.UM) | (cpu.psr & P.UM))
    return None


def _cpuid(cpu, insn, f, vac, vdc):
    if not vac & V.A_FROM_CPUID:
        return NOT_SERVED
    i = cpu.gr[insn.v["r3"]] & 0xFF
    if i >= V.N_VCPUID:
        raise reserved()
    _set_r1(cpu, insn, vpd_read(cpu, V.VCPUID + 8 * i))
    return None


def _psr_mask(cpu, insn, f, vac, vdc):
    """a_int serves ssm/rsm that name only psr.i, on vpsr (model choice, README)."""
    if not vac & V.A_INT or insn.v["imm24"] != P.I:
        return NOT_SERVED
    vpsr = vpd_read(cpu, V.VPSR)
    vpd_write(cpu, V.VPSR, vpsr | P.I if insn.sem == "ssm" else vpsr & ~P.I)
    return VEI_CHECK if insn.sem == "ssm" else LEAVE


def _cover(cpu, insn, f, vac, vdc):
    if not vac & V.A_COVER:
        return NOT_SERVED
    old = cpu.cfm
    cpu.cover_frame()
    if not vpd_read(cpu, V.VPSR) & P.IC:
        vpd_write(cpu, V.vcr_offset(23), old | 1 << 63)
    return None


def _bsw(cpu, insn, f, vac, vdc):
    """a_bsw: the guest's active bank is always real bank 1; the other one lives in the VPD
    (vgr/vnat: bank 1 while the guest is on bank 0; vbgr/vbnat: bank 0 while on bank 1)."""
    if not vac & V.A_BSW:
        return NOT_SERVED
    want = 1 if insn.sem == "bsw_1" else 0
    vpsr = vpd_read(cpu, V.VPSR)
    if (vpsr >> 44) & 1 == want:
        return None
    save, save_nat, load, load_nat = (V.VBGR, V.VBNAT, V.VGR, V.VNAT) if want else \
        (V.VGR, V.VNAT, V.VBGR, V.VBNAT)
    gr, nat = cpu.gr, cpu.nat
    cur, cur_nat = gr[16:32], nat[16:32]
    new_nat = vpd_read(cpu, load_nat)
    for i in range(16):
        gr[16 + i], nat[16 + i] = vpd_read(cpu, load + 8 * i), (new_nat >> i) & 1
        vpd_write(cpu, save + 8 * i, cur[i])
    vpd_write(cpu, save_nat, sum(b << i for i, b in enumerate(cur_nat)))
    vpd_write(cpu, V.VPSR, vpsr ^ P.BN)
    return None


def _disable(bit: int):
    def acc(cpu, insn, f, vac, vdc):
        return f() if vdc & bit else NOT_SERVED
    return acc


ACCEL = {4: _to_cr, 5: _from_cr, 7: _from_psr, 23: _cpuid, 24: _psr_mask, 25: _psr_mask,
         36: _cover, 38: _bsw, 39: _bsw, 11: _disable(V.D_IBR_DBR), 12: _disable(V.D_IBR_DBR),
         19: _disable(V.D_IBR_DBR), 20: _disable(V.D_IBR_DBR), 14: _disable(V.D_PMC),
         22: _disable(V.D_PMC), 15: _disable(V.D_TO_PMD)}


def vmsw_check(cpu, insn, ip: int) -> None:
    """vmsw.0/1 (SDM vol 3 vmsw): cpl != 0 is a Privileged Operation; unless it runs from an
    execute-only (ar = 7) ITLB page with PSR.it = 1, with the VM features enabled and
    vdc.d_vmsw clear, it raises the Virtualization fault (cause 40) whatever PSR.vm."""
    if cpu.cpl:
        raise priv_op()
    e = cpu.lookup(ip, True) if cpu.psr & P.IT else None
    if e is None or e.ar != 7 or not cpu.vti.enabled or vac_vdc(cpu)[1] & V.D_VMSW:
        raise VirtualizationFault(VMSW, insn.raw)


