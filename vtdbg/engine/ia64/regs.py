"""The IA-64 register file for the debugger: machine/ia64/regfile.py's description wrapped in
the engine's RegDesc, regrouped for `info registers`, with decoders for the registers whose
bits have names (SDM vol 2 ch. 3; vti.md 1, 2.3, 2.6, 6.5).

Names (case-insensitive, as `$NAME` in expressions):
  pc (= ip + slot, the address breakpoints and the disassembler use), ip, ri, psr, cfm
  r0-r127 (as the current instruction names them: the current bank of r16-r31, the current
  frame of r32 up, rotated), aliases gp (r1), sp (r12)
  pr (all 64 predicates as a mask), p0-p63; b0-b7, alias rp (b0)
  ar.NAME (ar.bsp, ar.pfs, ...), also NAME alone (bsp) and arN (ar17)
  cr.NAME (cr.iva, cr.isr, ...), also NAME alone (iva) and crN (cr2)
  psr.FIELD (psr.ic, psr.cpl, ...); rr0-rr7, pkr0-15, ibr0-15, dbr0-15, pmc0-15, pmd0-15,
  cpuid0-4
A stacked register outside the current frame cannot be read or written (its value is not
the program's); `info registers` lists r0-r31 and the current frame.
"""
from __future__ import annotations

from machine.ia64 import psr as P
from machine.ia64.faults import Interruption
from machine.ia64.regfile import describe_cfm, describe_rr, registers

from ...errors import VtdbgError
from ..arch import RegDesc, RegisterFile

GROUPS = [("status", "Instruction pointer, PSR and frame"), ("general", "General registers"),
          ("predicate", "Predicates"), ("branch", "Branch registers"),
          ("application", "Application registers"), ("kernel", "Kernel registers"),
          ("control", "Control registers"), ("psr-fields", "PSR fields"),
          ("region", "Region registers"), ("protection", "Protection key registers"),
          ("debug", "Debug breakpoint registers"), ("perf", "Performance monitors"),
          ("cpuid", "CPUID registers"), ("ia32", "IA-32 application registers")]
MAIN_GROUPS = ["status", "general", "predicate", "branch", "application"]
IA32_ARS = {"ar.fcr", "ar.eflag", "ar.csd", "ar.ssd", "ar.cflg", "ar.fsr", "ar.fir", "ar.fdr"}
STATUS = {"pc", "psr", "cfm"}


def fields(v: int, table) -> str:
    """'name=value' for multi-bit fields, 'name' for set one-bit fields; zero fields left out
    unless listed with keep=True. table: (name, low bit, width[, keep])."""
    out = []
    for item in table:
        name, lo, w = item[:3]
        x = (v >> lo) & ((1 << w) - 1)
        if x or (len(item) > 3 and item[3]):
            out.append(name if w == 1 else f"{name}={x:#x}" if x > 9 else f"{name}={x}")
    return " ".join(out)


# bit layouts (SDM vol 2 3.3.4.1 DCR, 3.3.5.3 PTA, 3.3.5.4 ISR, 3.3.5.6 ITIR, 3.3.5.7 IFS,
# 5.8.3 LID/TPR/ITV; vol 1 3.1.8.2 RSC, 3.1.8.9 PFS)
DCR = [("pp", 0, 1), ("be", 1, 1), ("lc", 2, 1), ("dm", 8, 1), ("dp", 9, 1), ("dk", 10, 1),
       ("dx", 11, 1), ("dr", 12, 1), ("da", 13, 1), ("dd", 14, 1)]
PTA = [("ve", 0, 1), ("size", 2, 6, True), ("vf", 8, 1)]
ISR = [("code", 0, 16, True), ("vector", 16, 8), ("x", 32, 1), ("w", 33, 1), ("r", 34, 1),
       ("na", 35, 1), ("sp", 36, 1), ("rs", 37, 1), ("ir", 38, 1), ("ni", 39, 1),
       ("so", 40, 1), ("ei", 41, 2, True), ("ed", 43, 1)]
ITIR = [("ps", 2, 6, True), ("key", 8, 24, True)]
LID = [("eid", 16, 8, True), ("id", 24, 8, True)]
TPR = [("mic", 4, 4, True), ("mmi", 16, 1)]
VEC = [("vector", 0, 8, True), ("m", 16, 1)]
LRR = [("vector", 0, 8, True), ("dm", 8, 3), ("ipol", 13, 1), ("rirr", 14, 1), ("tm", 15, 1),
       ("m", 16, 1)]
RSC_MODES = {0: "enforced lazy", 1: "load intensive", 2: "store intensive", 3: "eager"}
PKR = [("v", 0, 1), ("wd", 1, 1), ("rd", 2, 1), ("xd", 3, 1), ("key", 8, 24, True)]


def describe_rsc(v: int) -> str:
    return (f"mode={v & 3} ({RSC_MODES[v & 3]}) pl={(v >> 2) & 3} "
            f"{'big' if v & 0x10 else 'little'}-endian loadrs={(v >> 16) & 0x3FFF:#x}")


def describe_pfs(v: int) -> str:
    return f"pfm: {describe_cfm(v)} pec={(v >> 52) & 0x3F} ppl={(v >> 62) & 3}"


def describe_ifs(v: int) -> str:
    return ("v " if v >> 63 else "(not valid) ") + f"ifm: {describe_cfm(v)}"


def describe_pta(v: int) -> str:
    return f"{fields(v, PTA)} base={v & ~0x7FFF:#x}"


def describe_irr(n: int):
    """IRRn: bit i is external interrupt vector 64n + i."""
    def d(v: int) -> str:
        vecs = [64 * n + i for i in range(64) if v >> i & 1]
        return "pending: " + " ".join(f"{x:#x}" for x in vecs) if vecs else ""
    return d


def describe_pr(v: int) -> str:
    return " ".join(f"p{i}" for i in range(64) if v >> i & 1)


def describe_debug(n: int, enables):
    """IBR/DBR pairs: even registers hold the address, odd ones the mask, plm and enables
    (IBR: x = bit 63; DBR: w = bit 63, r = bit 62)."""
    if n % 2 == 0:
        return None

    def d(v: int) -> str:
        on = "".join(c for c, b in enables if v >> b & 1)
        return f"mask={v & ((1 << 56) - 1):#x} plm={(v >> 56) & 0xF:#x} {on}".rstrip()
    return d


CR_DESCRIBE = {
    "cr.dcr": lambda v: fields(v, DCR), "cr.pta": describe_pta, "cr.ipsr": P.describe,
    "cr.isr": lambda v: fields(v, ISR), "cr.itir": lambda v: fields(v, ITIR),
    "cr.ifs": describe_ifs, "cr.lid": lambda v: fields(v, LID),
    "cr.tpr": lambda v: fields(v, TPR), "cr.itv": lambda v: fields(v, VEC),
    "cr.pmv": lambda v: fields(v, VEC), "cr.cmcv": lambda v: fields(v, VEC),
    "cr.lrr0": lambda v: fields(v, LRR), "cr.lrr1": lambda v: fields(v, LRR),
    "ar.rsc": describe_rsc, "ar.pfs": describe_pfs, "psr": P.describe, "cfm": describe_cfm,
    "pr": describe_pr,
    **{f"cr.irr{i}": describe_irr(i) for i in range(4)},
    **{f"rr{i}": describe_rr for i in range(8)},
    **{f"pkr{i}": (lambda v: fields(v, PKR)) for i in range(16)},
}


def _group(name: str, group: str) -> str:
    if name in STATUS:
        return "status"
    if name in ("ip", "ri") or (group == "predicate" and name != "pr"):
        return "sub"                      # usable as $ip, $ri, $p6; not listed
    if group == "psr" and name != "psr":
        return "psr-fields"
    if group == "application":
        if name in IA32_ARS:
            return "ia32"
        if name.startswith("ar.k"):
            return "kernel"
    return group


class IA64RegisterFile(RegisterFile):
    """Lists r32 and up only as far as the current frame reaches."""

    def __init__(self, cpu, regs, groups):
        super().__init__(regs, groups)
        self.cpu = cpu

    def in_group(self, group: str) -> list[RegDesc]:
        regs = super().in_group(group)
        if group == "general":
            top = self.cpu.frame_top
            regs = [r for r in regs if int(r.name[1:]) < top]
        return regs


def build(cpu) -> IA64RegisterFile:
    out: list[RegDesc] = []
    for r in registers(cpu):
        group = _group(r.name, r.group)
        get, describe = r.get, CR_DESCRIBE.get(r.name, r.describe)
        if r.group == "general":
            n = int(r.name[1:])
            get = _gr_get(cpu, n)
            describe = _gr_describe(cpu, n)
        elif r.name.startswith("ibr"):
            describe = describe_debug(int(r.name[3:]), (("x", 63),))
        elif r.name.startswith("dbr"):
            describe = describe_debug(int(r.name[3:]), (("r", 62), ("w", 63)))
        setter = _setter(r)
        if r.group == "general":
            setter = _gr_set(cpu, int(r.name[1:]), setter, get)
        out.append(RegDesc(r.name, r.bits, group, get, setter, r.aliases, describe,
                           r.address))
    return IA64RegisterFile(cpu, out, GROUPS)


def _gr_get(cpu, n: int):
    def get() -> int:
        if n >= cpu.frame_top:
            top = cpu.frame_top
            frame = f"r32-r{top - 1}" if top > 33 else "r32 only" if top == 33 else "empty"
            raise VtdbgError(f"$r{n} is not in the current frame ({frame})")
        return cpu.gr[n]
    return get


def _gr_set(cpu, n: int, setter, get):
    def s(v: int) -> None:
        if n == 0:
            raise VtdbgError("$r0 is always 0")
        get()                             # outside the frame: the getter's message
        setter(v)
    return s


def _gr_describe(cpu, n: int):
    def d(v: int) -> str:
        if n < len(cpu.nat) and cpu.nat[n]:
            return "NaT"
        return str(v)
    return d


def _setter(r):
    if r.set is None:
        return None

    def s(v: int) -> None:
        try:
            r.set(v)
        except ValueError as e:
            raise VtdbgError(str(e).replace(r.name, "$" + r.name, 1)) from None
        except Interruption as e:          # a write the processor refuses (e.g. bspstore)
            raise VtdbgError(f"${r.name} cannot be written now ({e})") from None
    return s
