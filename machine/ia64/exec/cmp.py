"""Compare and test instructions (A6-A8, I16, I17): relations, the compare types (none,
unc, and, or, or.andcm) and their NaT rules (vti.md 6.3)."""
from __future__ import annotations

from . import illegal, sem

M64 = (1 << 64) - 1


def _ctype(mnem: str) -> str:
    if mnem.endswith(".unc"):
        return "unc"
    if ".or.andcm" in mnem:
        return "orandcm"
    if mnem.endswith(".and"):
        return "and"
    if mnem.endswith(".or"):
        return "or"
    return "none"


def _s(v: int, w: int) -> int:
    return v - ((v >> (w - 1) & 1) << w)


def _relation(insn):
    """A function (a, b) -> bool for the compare, over 64- or 32-bit operands."""
    m = insn.mnem
    w = 32 if m.startswith("cmp4") else 64
    mask = (1 << w) - 1
    if insn.sem == "cmpz":
        rel = m.split(".")[1]               # gt/le/ge/lt against r0
        f = {"gt": lambda a, b: a > b, "le": lambda a, b: a <= b, "ge": lambda a, b: a >= b,
             "lt": lambda a, b: a < b}[rel]
        return lambda a, b: f(0, _s(b & mask, w))
    rel = m.split(".")[1]
    if rel == "lt":
        return lambda a, b: _s(a & mask, w) < _s(b & mask, w)
    if rel == "ltu":
        return lambda a, b: (a & mask) < (b & mask)
    if rel == "ne":
        return lambda a, b: (a & mask) != (b & mask)
    return lambda a, b: (a & mask) == (b & mask)


def _writer(cpu, insn, p1: int, p2: int, test):
    """A closure running `test() -> (rel, nat)` and updating p1/p2 per the compare type."""
    pr = cpu.pr
    qp = insn.qp
    kind = _ctype(insn.mnem)
    if p1 == p2:
        return illegal

    def put(i, v):
        if i:
            pr[i] = v
    if kind in ("none", "unc"):
        unc = kind == "unc"

        def f():
            if not pr[qp]:
                if unc:
                    put(p1, 0)
                    put(p2, 0)
                return
            rel, nat = test()
            if nat:
                put(p1, 0)
                put(p2, 0)
            else:
                put(p1, int(rel))
                put(p2, int(not rel))
    elif kind == "and":
        def f():
            if pr[qp]:
                rel, nat = test()
                if nat or not rel:
                    put(p1, 0)
                    put(p2, 0)
    else:
        second = 1 if kind == "or" else 0

        def f():
            if pr[qp]:
                rel, nat = test()
                if rel and not nat:
                    put(p1, 1)
                    put(p2, second)
    return f


@sem("cmp", "cmpz", "cmp_i", own_qp=True)
def build_cmp(cpu, insn, ip):
    v = insn.v
    gr, nat = cpu.gr, cpu.nat
    rel = _relation(insn)
    r3 = v["r3"]
    if insn.sem == "cmp_i":
        imm = v["imm8"] & M64

        def test():
            return rel(imm, gr[r3]), nat[r3]
    else:
        r2 = v["r2"]

        def test():
            return rel(gr[r2], gr[r3]), nat[r2] | nat[r3]
    return _writer(cpu, insn, v["p1"], v["p2"], test)


@sem("tbit", "tnat", own_qp=True)
def build_tbit(cpu, insn, ip):
    v = insn.v
    gr, nat = cpu.gr, cpu.nat
    r3 = v["r3"]
    z = ".z" in insn.mnem
    if insn.sem == "tbit":
        pos = v["pos6"]

        def test():
            return ((gr[r3] >> pos) & 1 == 0) == z, nat[r3]
    else:
        def test():
            return (nat[r3] == 0) == z, 0
    return _writer(cpu, insn, v["p1"], v["p2"], test)
