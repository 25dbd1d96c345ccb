"""Branches (B unit, brl): conditional, call and return with the register stack, counted and
modulo-scheduled loops (LC/EC and rotation), and the B8 system instructions."""
from __future__ import annotations

from .. import faults as F
from .. import psr as P
from ..cpu import LEAVE, RESUMED
from ..faults import Interruption, illegal_op, priv_op
from ..vti import vmsw_check
from . import illegal, sem

M64 = (1 << 64) - 1


@sem("br_cond", "brl")
def build_br(cpu, insn, ip):
    t = (ip + insn.v["target"]) & M64
    return lambda: t


@sem("br_ind")
def build_br_ind(cpu, insn, ip):
    br, b2 = cpu.br, insn.v["b2"]
    return lambda: br[b2] & ~0xF


@sem("br_ia")
def build_br_ia(cpu, insn, ip):
    def f():                # IA-32 is not modelled: as if PSR.di were set
        raise Interruption(F.GENERAL_EXCEPTION, F.GE_DISABLED_ISA)
    return f


def _call(cpu, b1: int, ret: int):
    """The register-stack side of a call; returns nothing."""
    ar = cpu.ar
    ar[64] = cpu.cfm | (ar[66] & 0x3F) << 52 | cpu.cpl << 62
    cpu.br[b1] = ret
    cpu.call_frame()


@sem("br_call", "brl_call")
def build_call(cpu, insn, ip):
    t, b1 = (ip + insn.v["target"]) & M64, insn.v["b1"]
    ret = (ip + 16) & M64

    def f():
        _call(cpu, b1, ret)
        return t
    return f


@sem("br_call_ind")
def build_call_ind(cpu, insn, ip):
    b1, b2, br = insn.v["b1"], insn.v["b2"], cpu.br
    ret = (ip + 16) & M64

    def f():
        t = br[b2] & ~0xF
        _call(cpu, b1, ret)
        return t
    return f


@sem("br_ret")
def build_ret(cpu, insn, ip):
    b2, br, ar = insn.v["b2"], cpu.br, cpu.ar

    def f():
        t = br[b2] & ~0xF
        pfs = ar[64]
        pfm = pfs & ((1 << 38) - 1)
        cpu.restore_frame((pfm >> 7) & 0x7F, pfm)
        ar[66] = (pfs >> 52) & 0x3F
        ppl = pfs >> 62
        if ppl > cpu.cpl:                    # privilege demotion only
            cpu.set_psr(cpu.psr & ~P.CPL_MASK | ppl << 32)
            if cpu.psr & P.LP:
                cpu.lp_pending = True
        return t
    return f


def _loop(cpu, insn, ip, kind: str):
    t = (ip + insn.v["target"]) & M64
    ar, pr, qp = cpu.ar, cpu.pr, insn.qp
    if kind in ("cloop", "ctop", "cexit") and qp:
        return illegal
    exit_ = kind in ("cexit", "wexit")

    def modulo(cont: bool):
        """ctop/wtop state update; returns whether the 'top' form branches."""
        if cont:
            if kind in ("ctop", "cexit"):
                ar[65] = (ar[65] - 1) & M64
            pr[63] = 1 if kind in ("ctop", "cexit") else 0
            cpu.rotate()
            return True
        ec = ar[66]
        pr[63] = 0
        if ec > 1:
            ar[66] = ec - 1
            cpu.rotate()
            return True
        if ec == 1:
            ar[66] = 0
            cpu.rotate()
        return False

    if kind == "cloop":
        def f():
            if ar[65]:
                ar[65] = (ar[65] - 1) & M64
                return t
    elif kind in ("ctop", "cexit"):
        def f():
            top = modulo(ar[65] != 0)
            return t if top != exit_ else None
    else:
        def f():
            top = modulo(bool(pr[qp]))
            return t if top != exit_ else None
    return f


for _k in ("cloop", "ctop", "cexit", "wtop", "wexit"):
    sem("br_" + _k, own_qp=_k in ("wtop", "wexit"))(
        lambda cpu, insn, ip, _k=_k: _loop(cpu, insn, ip, _k))


@sem("break")
def build_break(cpu, insn, ip):
    imm = insn.v.get("imm21", insn.v.get("imm62", 0))

    def f():
        raise Interruption(F.BREAK, 0, iim=imm)
    return f


@sem("nop", "lfetch", "srlz")
def build_nop(cpu, insn, ip):
    return _nop


def _nop():
    return None


@sem("cover")
def build_cover(cpu, insn, ip):
    def f():
        old = cpu.cfm
        cpu.cover_frame()
        if not cpu.psr & P.IC:
            cpu.cr[23] = old | 1 << 63
    return f


@sem("clrrrb", "clrrrb_pr")
def build_clrrrb(cpu, insn, ip):
    only_pr = insn.sem == "clrrrb_pr"

    def f():
        c = cpu.cfm
        c &= ~(0x3F << 32) if only_pr else ~((0x7F << 18) | (0x7F << 25) | (0x3F << 32))
        cpu.set_cfm(c)
    return f


@sem("rfi")
def build_rfi(cpu, insn, ip):
    if insn.qp:
        return illegal

    def f():
        if cpu.cpl:
            raise priv_op()
        cpu.rfi()
        return RESUMED
    return f


@sem("bsw_0", "bsw_1")
def build_bsw(cpu, insn, ip):
    bank = 1 if insn.sem == "bsw_1" else 0

    def f():
        if cpu.cpl:
            raise priv_op()
        if (cpu.psr >> 44) & 1 != bank:
            cpu.switch_bank()
            cpu.psr ^= P.BN
    return f


@sem("epc")
def build_epc(cpu, insn, ip):
    def f():
        e = cpu.lookup(ip, True) if cpu.psr & P.IT else None
        if e is None or e.ar != 7:
            raise illegal_op()
        if (cpu.ar[64] >> 62) < cpu.cpl:
            raise illegal_op()
        if e.pl < cpu.cpl:
            cpu.set_psr(cpu.psr & ~P.CPL_MASK | e.pl << 32)
        return LEAVE
    return f


@sem("vmsw_0", "vmsw_1")
def build_vmsw(cpu, insn, ip):
    vm = insn.sem == "vmsw_1"

    def f():
        vmsw_check(cpu, insn, ip)
        cpu.set_psr(cpu.psr | P.VM if vm else cpu.psr & ~P.VM)
        cpu.notify("vmsw", (int(vm), ip | insn.slot))
        return LEAVE
    return f
