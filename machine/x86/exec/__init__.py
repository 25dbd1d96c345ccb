"""Instruction semantics: one module per group, each registering builders by mnemonic.

A builder takes (cpu, insn) and returns a closure of no arguments that executes the
instruction: it reads and writes the CPU state, advances RIP past the instruction when it
completes, and raises CpuFault (leaving RIP on the instruction) when it faults.
"""
from __future__ import annotations

from ..state import GP, UD, CpuFault

SEMANTICS: dict = {}


def sem(*mnems):
    def reg(fn):
        for m in mnems:
            SEMANTICS[m] = fn
        return fn
    return reg


def fault(vector, error=None):
    def f():
        raise CpuFault(vector, error)
    return f


def build(cpu, d):
    if d.lock and "L" not in d.flags:
        return fault(UD)
    if d.lock and not any(o[0] == "m" for o in d.operands):
        return fault(UD)
    if any(o[0] == "bad" for o in d.operands):
        return fault(UD)
    b = SEMANTICS.get(d.mnem)
    if b is None:
        return fault(UD)
    return b(cpu, d)


@sem("ud", "ud0", "ud1", "ud2")
def _ud(cpu, d):
    return fault(UD)


@sem("toolong")
def _toolong(cpu, d):
    return fault(GP, 0)


def _load_all():
    """Import every module of this package so that each registers its semantics."""
    import importlib
    import pkgutil
    for m in pkgutil.iter_modules(__path__):
        if m.name != "operands":
            importlib.import_module(f"{__name__}.{m.name}")


_load_all()
