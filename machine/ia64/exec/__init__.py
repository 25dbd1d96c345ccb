"""IA-64 instruction semantics: builders registered by `@sem(name)` turn a decoded Insn at a
bundle address into a closure (see machine/ia64/cpu.py for the return convention).  Every
module of this package is imported; `build` adds the qualifying-predicate test."""
from __future__ import annotations

import importlib
import pkgutil

from ..faults import illegal_op
from ..vti import CAUSES as VTI_CAUSES
from ..vti import wrap as vti_wrap

SEM: dict = {}
OWN_QP: set[str] = set()          # builders that look at the qualifying predicate themselves


def sem(*names: str, own_qp: bool = False):
    def deco(fn):
        for n in names:
            SEM[n] = fn
            if own_qp:
                OWN_QP.add(n)
        return fn
    return deco


def illegal():
    raise illegal_op()


def build(cpu, insn, ip: int, bundle=None):
    b = SEM.get(insn.sem)
    if b is None:
        return illegal
    f = b(cpu, insn, ip)
    if insn.sem in VTI_CAUSES and f is not illegal:     # PSR.vm = 1 behaviour (vti.py)
        f = vti_wrap(cpu, insn, f, ip, bundle)
    qp = insn.qp
    if qp and insn.sem not in OWN_QP:
        pr = cpu.pr
        g = f

        def f():
            if pr[qp]:
                return g()
    return f


for _m in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_m.name}")
