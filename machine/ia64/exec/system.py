"""System and register-move instructions: application, control and indirect registers, the
PSR (sum/rum/ssm/rsm, mov psr), predicates and branch registers, alloc and the RSE controls,
and the TLB instructions (itc/itr/ptc/ptr, thash/ttag/tpa/tak, probe, fc).

Check order follows the SDM pseudocode: privilege, then NaT sources, then reserved fields.
"""
from __future__ import annotations

from .. import faults as F
from .. import psr as P
from ..cpu import LEAVE
from ..faults import Interruption, illegal_op, nat_consumption, priv_op, reserved
from ..mmu import R, W, rights
from . import illegal, sem

M64 = (1 << 64) - 1


def _dest(cpu, r1):
    """Raise Illegal Operation for a target outside the frame (r0 is checked at build)."""
    if r1 >= cpu.frame_top:
        raise illegal_op()


def _reader(cpu, insn, get, priv=True):
    """mov r1 = <something>: get() returns the value (and raises its own faults)."""
    r1, gr, nat = insn.v["r1"], cpu.gr, cpu.nat
    if r1 == 0:
        return illegal

    def f():
        _dest(cpu, r1)
        if priv and cpu.cpl:
            raise priv_op()
        val = get()
        gr[r1], nat[r1] = val & M64, 0
    return f


def _writer(cpu, insn, put, priv=True, src="r2", leave=False):
    """mov <something> = r2: put(value) stores it (and raises its own faults)."""
    r, gr, nat = insn.v[src], cpu.gr, cpu.nat

    def f():
        if priv and cpu.cpl:
            raise priv_op()
        if nat[r]:
            raise nat_consumption()
        put(gr[r])
        if leave:
            return LEAVE
    return f


# -- application registers -----------------------------------------------------------------
@sem("mov_from_ar")
def build_mov_from_ar(cpu, insn, ip):
    n, unit = insn.v["ar3"], "I" if insn.unit == "I" else "M"
    k = cpu.build_index

    def get():
        cpu.check_ar(n, unit, False)
        return cpu.read_ar(n, k)
    return _reader(cpu, insn, get, priv=False)


@sem("mov_to_ar", "mov_to_ar_i")
def build_mov_to_ar(cpu, insn, ip):
    n, unit = insn.v["ar3"], "I" if insn.unit == "I" else "M"
    k = cpu.build_index
    if insn.sem == "mov_to_ar_i":
        imm = insn.v["imm8"] & M64

        def f():
            cpu.check_ar(n, unit, True)
            cpu.write_ar(n, imm, k)
        return f
    gr, nat, r2 = cpu.gr, cpu.nat, insn.v["r2"]

    def g():
        cpu.check_ar(n, unit, True)
        if nat[r2]:
            raise nat_consumption()
        cpu.write_ar(n, gr[r2], k)
    return g


# -- control registers -----------------------------------------------------------------------
@sem("mov_from_cr")
def build_mov_from_cr(cpu, insn, ip):
    n = insn.v["cr3"]

    def get():
        cpu.check_cr(n, False)
        return cpu.read_cr(n)
    return _reader(cpu, insn, get)


@sem("mov_to_cr")
def build_mov_to_cr(cpu, insn, ip):
    n = insn.v["cr3"]

    def put(v):
        cpu.check_cr(n, True)
        cpu.write_cr(n, v)
    return _writer(cpu, insn, put, leave=True)


# -- the PSR -------------------------------------------------------------------------------
@sem("mov_from_psr")
def build_mov_from_psr(cpu, insn, ip):
    return _reader(cpu, insn, lambda: cpu.psr & (0xFFFFFFFF | P.MC | P.IT))


@sem("mov_from_psr_um")
def build_mov_from_psr_um(cpu, insn, ip):
    return _reader(cpu, insn, lambda: cpu.psr & 0x3F, priv=False)


@sem("mov_to_psr_l")
def build_mov_to_psr_l(cpu, insn, ip):
    def put(v):
        v &= 0xFFFFFFFF
        if v & ~P.DEFINED:
            raise reserved()
        cpu.set_psr((cpu.psr & ~0xFFFFFFFF) | v)
    return _writer(cpu, insn, put, leave=True)


@sem("mov_to_psr_um")
def build_mov_to_psr_um(cpu, insn, ip):
    def put(v):
        if v & 0x3F & ~P.UM:
            raise reserved()
        cpu.set_psr((cpu.psr & ~P.UM) | (v & P.UM))
    return _writer(cpu, insn, put, priv=False, leave=True)


@sem("sum", "rum", "ssm", "rsm")
def build_psr_mask(cpu, insn, ip):
    imm, s = insn.v["imm24"], insn.sem
    allowed = P.UM if s in ("sum", "rum") else P.SM
    priv = s in ("ssm", "rsm")
    setting = s in ("sum", "ssm")

    def f():
        if priv and cpu.cpl:
            raise priv_op()
        if imm & ~allowed:
            raise reserved()
        cpu.set_psr(cpu.psr | imm if setting else cpu.psr & ~imm)
        return LEAVE
    return f


# -- predicates and branch registers ---------------------------------------------------------
@sem("mov_pr")
def build_mov_pr(cpu, insn, ip):
    r2, mask, gr, nat, pr = insn.v["r2"], insn.v["mask17"], cpu.gr, cpu.nat, cpu.pr

    def f():
        if nat[r2]:
            raise nat_consumption()
        v = gr[r2]
        for i in range(1, 16):
            if mask >> i & 1:
                pr[i] = (v >> i) & 1
        if mask >> 16 & 1:
            pr[16:64] = [(v >> i) & 1 for i in range(16, 64)]
    return f


@sem("mov_pr_rot")
def build_mov_pr_rot(cpu, insn, ip):
    imm, pr = insn.v["imm44"], cpu.pr
    bits = [(imm >> i) & 1 for i in range(16, 64)]

    def f():
        pr[16:64] = bits
    return f


@sem("mov_to_br")
def build_mov_to_br(cpu, insn, ip):
    b1, br = insn.v["b1"], cpu.br

    def put(v):
        br[b1] = v
    return _writer(cpu, insn, put, priv=False)


# -- register stack ---------------------------------------------------------------------------
@sem("alloc")
def build_alloc(cpu, insn, ip):
    v = insn.v
    r1, sof, sol, sor = v["r1"], v["sof"], v["sol"], v["sor"]
    if r1 == 0 or insn.qp or sof > 96 or sol > sof or sor > sof:
        return illegal
    gr, nat, ar = cpu.gr, cpu.nat, cpu.ar

    def f():
        if r1 >= 32 + sof:
            raise illegal_op()
        old = ar[64]
        cpu.alloc(sof, sol, sor)
        cpu.alat.clear()
        gr[r1], nat[r1] = old, 0
    return f


@sem("flushrs", "loadrs")
def build_rse_ctl(cpu, insn, ip):
    do = cpu.flushrs if insn.sem == "flushrs" else cpu.loadrs

    def f():
        do()
    return f


# -- indirect register files ------------------------------------------------------------------
def _index(cpu, insn):
    r3, gr, nat = insn.v["r3"], cpu.gr, cpu.nat

    def idx():
        if nat[r3]:
            raise nat_consumption()
        return gr[r3]
    return idx


@sem("mov_to_rr", "mov_to_pkr", "mov_to_ibr", "mov_to_dbr", "mov_to_pmc", "mov_to_pmd",
     "mov_to_msr")
def build_mov_to_ind(cpu, insn, ip):
    which = insn.sem[7:]
    idx = _index(cpu, insn)

    def put(v):
        i = idx()
        if which == "rr":
            cpu.write_rr(i, v)
        elif which == "pkr":
            cpu.write_pkr(i & 0xFF, v)
        elif which in ("ibr", "dbr"):
            getattr(cpu, which)[cpu.debug_reg(None, i & 0xFF)] = v
        elif which in ("pmc", "pmd"):
            if (i & 0xFF) < 16:
                getattr(cpu, which)[i & 0xFF] = v
        else:
            raise reserved()
    return _writer(cpu, insn, put, leave=True)


@sem("mov_from_rr", "mov_from_pkr", "mov_from_ibr", "mov_from_dbr", "mov_from_pmc",
     "mov_from_pmd", "mov_from_msr", "mov_from_cpuid")
def build_mov_from_ind(cpu, insn, ip):
    which = insn.sem[9:]
    idx = _index(cpu, insn)

    def get():
        i = idx()
        if which == "rr":
            return cpu.rr[i >> 61]
        i &= 0xFF
        if which == "pkr":
            if i >= len(cpu.pkr):
                raise reserved()
            return cpu.pkr[i]
        if which in ("ibr", "dbr"):
            return getattr(cpu, which)[cpu.debug_reg(None, i)]
        if which in ("pmc", "pmd"):
            if which == "pmd" and cpu.cpl and cpu.psr & P.SP:
                return 0
            return getattr(cpu, which)[i] if i < 16 else 0
        if which == "cpuid":
            return cpu.read_cpuid(i)
        raise reserved()
    return _reader(cpu, insn, get, priv=which not in ("pmd", "cpuid"))


# -- TLB -------------------------------------------------------------------------------------------
@sem("itc_i", "itc_d")
def build_itc(cpu, insn, ip):
    instr = insn.sem == "itc_i"

    def put(pte):
        if cpu.psr & P.IC:
            raise illegal_op()
        if pte & ((3 << 50) | 2):
            raise reserved()
        cpu.insert_tc(instr, cpu.cr[20], pte, cpu.cr[21])
    return _writer(cpu, insn, put, leave=True)


@sem("itr_i", "itr_d")
def build_itr(cpu, insn, ip):
    instr = insn.sem == "itr_i"
    idx = _index(cpu, insn)

    def put(pte):
        slot = idx() & 0xFF
        if cpu.psr & P.IC:
            raise illegal_op()
        if pte & ((3 << 50) | 2):
            raise reserved()
        cpu.insert_tr(instr, slot, cpu.cr[20], pte, cpu.cr[21])
    return _writer(cpu, insn, put, leave=True)


@sem("ptc_l", "ptc_g", "ptc_ga", "ptr_d", "ptr_i")
def build_ptc(cpu, insn, ip):
    s = insn.sem
    r3, gr, nat = insn.v["r3"], cpu.gr, cpu.nat

    def put(v):
        if nat[r3]:
            raise nat_consumption()
        va, ps = gr[r3], (v >> 2) & 0x3F
        if s.startswith("ptr"):
            cpu.purge_tr(s == "ptr_i", va, ps)
        else:
            cpu.purge_tc(va, ps)
    return _writer(cpu, insn, put, leave=True)


@sem("ptc_e")
def build_ptc_e(cpu, insn, ip):
    return _writer(cpu, insn, lambda v: cpu.purge_all_tc(), src="r3", leave=True)


@sem("thash", "ttag")
def build_thash(cpu, insn, ip):
    r1, r3, gr, nat = insn.v["r1"], insn.v["r3"], cpu.gr, cpu.nat
    fn = cpu.thash if insn.sem == "thash" else cpu.ttag
    if r1 == 0:
        return illegal
    from ..mmu import unimplemented_va

    def f():
        _dest(cpu, r1)
        va = gr[r3]
        if nat[r3] or unimplemented_va(va):
            gr[r1], nat[r1] = 0, 1
        else:
            gr[r1], nat[r1] = fn(va), 0
    return f


@sem("tpa", "tak")
def build_tpa(cpu, insn, ip):
    r1, r3, gr, nat = insn.v["r1"], insn.v["r3"], cpu.gr, cpu.nat
    tak = insn.sem == "tak"
    if r1 == 0:
        return illegal

    def f():
        _dest(cpu, r1)
        if cpu.cpl:
            raise priv_op()
        if nat[r3]:
            raise Interruption(F.NAT_CONSUMPTION, F.NAT_REG | F.ISR_NA |
                               (F.NA_TAK if tak else F.NA_TPA))
        va = gr[r3]
        if tak:
            e = cpu.lookup(va, False) if cpu.psr & P.DT else None
            val = e.key if e is not None else 1
        else:
            val = cpu.probe_pa(va, 0, F.ISR_NA | F.NA_TPA) if cpu.psr & P.DT else va
        gr[r1], nat[r1] = val, 0
    return f


@sem("probe_r", "probe_w", "probe_r_i", "probe_w_i", "probe_fault")
def build_probe(cpu, insn, ip):
    v, s = insn.v, insn.sem
    gr, nat = cpu.gr, cpu.nat
    r3, r1 = v["r3"], v.get("r1", 0)
    fault = s == "probe_fault"
    access = {"r": R, "w": W, "rw": R | W}[insn.mnem.split(".")[1]]
    if not fault and r1 == 0:
        return illegal

    def f():
        if not fault:
            _dest(cpu, r1)
        if nat[r3] or (s in ("probe_r", "probe_w") and nat[v["r2"]]):
            if fault:
                raise Interruption(F.NAT_CONSUMPTION, F.NAT_REG | F.ISR_NA | F.NA_PROBE_FAULT)
            raise Interruption(F.NAT_CONSUMPTION, F.NAT_REG | F.ISR_NA | F.NA_PROBE)
        pl = gr[v["r2"]] & 3 if s in ("probe_r", "probe_w") else v.get("imm2", 0)
        pl = max(pl, cpu.cpl)
        va = gr[r3]
        ok = 1
        if cpu.psr & P.DT:
            code = F.ISR_NA | (F.NA_PROBE_FAULT if fault else F.NA_PROBE)
            code |= (F.ISR_R if access & R else 0) | (F.ISR_W if access & W else 0)
            if fault:
                for a in (R, W):
                    if access & a:
                        cpu._translate(va, a, False, code, pl=pl)
                return
            e = cpu.lookup(va, False)
            if e is None:
                cpu._translate(va, R, False, code, pl=pl)      # raises the miss fault
                e = cpu.lookup(va, False)
            ok = int(bool(e.p) and rights(e.ar, e.pl, pl) & access == access)
        if not fault:
            gr[r1], nat[r1] = ok, 0
    return f


@sem("fc", "lfetch_fault")
def build_fc(cpu, insn, ip):
    """fc, and lfetch.fault (SDM vol 3 lfetch): non-access references that raise the faults
    a load would, with ISR.na and their code (the flush or prefetch itself is not modelled)."""
    r3, gr, nat = insn.v["r3"], cpu.gr, cpu.nat
    code = F.ISR_NA | (F.NA_FC if insn.sem == "fc" else F.NA_LFETCH)

    def f():
        if nat[r3]:
            raise Interruption(F.NAT_CONSUMPTION, F.NAT_REG | code)
        if cpu.psr & P.DT:
            cpu.probe_pa(gr[r3], R, code)
    return f

