"""The IA-64 register file described as data for the debugger: every register's name, width,
group, a getter, a setter (None: read-only) and an optional decoder for `info registers`.
The debugger's IA-64 adapter wraps these in its RegDesc (vtdbg/engine/arch.py).

Debugger writes are raw (no faults), as Ski's; a stacked GR outside the current frame and GR0
are read-only.  GRs are named as the current instruction sees them: GR16-31 of the current
bank, GR32+ of the current frame (rotated).  `ip` is the bundle address and `ri` the slot;
`pc` is ip + ri, the address the disassembler and breakpoints use.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import psr as P
from .opcodes import AR_NAMES, CR_NAMES
from .sysregs import AR_I, AR_M, CPUID

M64 = (1 << 64) - 1
GROUPS = [("ip", "Instruction pointer"), ("general", "General registers"),
          ("predicate", "Predicates"), ("branch", "Branch registers"),
          ("application", "Application registers"), ("control", "Control registers"),
          ("psr", "Processor status"), ("region", "Region registers"),
          ("protection", "Protection keys"), ("debug", "Debug breakpoints"),
          ("perf", "Performance monitors"), ("cpuid", "CPUID")]


@dataclass(frozen=True)
class Reg:
    name: str
    bits: int
    group: str
    get: Callable[[], int]
    set: Callable[[int], None] | None = None
    describe: Callable[[int], str] | None = None
    aliases: tuple[str, ...] = ()
    address: bool = False


def describe_cfm(v: int) -> str:
    return (f"sof={v & 0x7F} sol={(v >> 7) & 0x7F} sor={((v >> 14) & 0xF) * 8} "
            f"rrb.gr={(v >> 18) & 0x7F} rrb.fr={(v >> 25) & 0x7F} rrb.pr={(v >> 32) & 0x3F}")


def describe_rr(v: int) -> str:
    return f"rid={(v >> 8) & 0xFFFFFF:#x} ps={(v >> 2) & 0x3F} ve={v & 1}"


def registers(cpu) -> list[Reg]:
    regs: list[Reg] = []

    def gr_get(n):
        return lambda: cpu.gr[n]

    def gr_set(n):
        def s(v):
            if n == 0 or n >= cpu.frame_top:
                raise ValueError(f"r{n} is not writable now (r0, or outside the frame)")
            cpu.gr[n], cpu.nat[n] = v & M64, 0
        return s

    def gr_desc(n):
        return lambda v: "NaT" if cpu.nat[n] else ""

    def set_ip(v):
        cpu.ip = v & M64 & ~0xF

    def set_pc(v):
        cpu.ip, cpu.ri = v & M64 & ~0xF, min(v & 0xF, 2)

    def set_ri(v):
        cpu.ri = min(v, 2)
    regs += [Reg("pc", 64, "ip", lambda: cpu.ip | cpu.ri, set_pc, address=True),
             Reg("ip", 64, "ip", lambda: cpu.ip, set_ip, address=True),
             Reg("ri", 2, "ip", lambda: cpu.ri, set_ri),
             Reg("cfm", 38, "ip", lambda: cpu.cfm, cpu.set_cfm, describe_cfm)]
    for n in range(128):
        regs.append(Reg(f"r{n}", 64, "general", gr_get(n), gr_set(n), gr_desc(n),
                        aliases=("gp",) if n == 1 else ("sp",) if n == 12 else ()))

    def pr_get(n):
        return lambda: cpu.pr[n]

    def pr_set(n):
        def s(v):
            if n:
                cpu.pr[n] = v & 1
        return s

    def prs_set(v):
        cpu.pr[1:] = [(v >> i) & 1 for i in range(1, 64)]
    regs.append(Reg("pr", 64, "predicate", lambda: sum(p << i for i, p in enumerate(cpu.pr)),
                    prs_set))
    regs += [Reg(f"p{n}", 1, "predicate", pr_get(n), pr_set(n)) for n in range(64)]

    def br_get(n):
        return lambda: cpu.br[n]

    def br_set(n):
        return lambda v: cpu.br.__setitem__(n, v & M64)
    regs += [Reg(f"b{n}", 64, "branch", br_get(n), br_set(n), address=True,
                 aliases=("rp",) if n == 0 else ()) for n in range(8)]

    def ar_get(n):
        return lambda: cpu.read_ar(n)

    def ar_set(n):
        def s(v):
            if n == 17:
                raise ValueError("ar.bsp is read-only")
            if n == 18:
                cpu.ar[18] = v & M64 & ~7
                return
            cpu.write_ar(n, v)
        return s
    for n in sorted(AR_M | AR_I):
        name = AR_NAMES[n][3:]
        regs.append(Reg(f"ar.{name}", 64, "application", ar_get(n), ar_set(n),
                        aliases=(name, f"ar{n}")))

    def cr_get(n):
        return lambda: cpu.irr_word(n - 68) if 68 <= n <= 71 else cpu.cr[n]

    def cr_set(n):
        def s(v):
            cpu.cr[n] = v & M64
            if n == 1:
                cpu.itm_armed = True
            cpu.pending = True
        return s
    for n, full in sorted(CR_NAMES.items()):
        if n in (26, 27):
            continue
        name = full[3:]
        desc = P.describe if n == 16 else describe_cfm if n == 23 else None
        regs.append(Reg(f"cr.{name}", 64, "control", cr_get(n), cr_set(n), desc,
                        aliases=(name, f"cr{n}"), address=n in (2, 19, 20, 22, 25)))
    regs.append(Reg("psr", 64, "psr", lambda: cpu.psr | cpu.ri << 41,
                    lambda v: cpu.set_psr(v & ~P.RI_MASK), P.describe))
    for name, lo, w in P.PSR_FIELDS:
        regs.append(Reg(f"psr.{name}", w, "psr",
                        (lambda lo=lo, w=w: ((cpu.psr | cpu.ri << 41) >> lo) & ((1 << w) - 1)),
                        (lambda v, lo=lo, w=w: cpu.set_psr(
                            cpu.psr & ~(((1 << w) - 1) << lo) | (v & ((1 << w) - 1)) << lo))))

    def ind(file, n, desc=None, group="region", name=None, write=True):
        # the list is looked up at each access: reset() and restore() replace it
        return Reg(name or f"{file}{n}", 64, group, lambda: getattr(cpu, file)[n],
                   (lambda v: (getattr(cpu, file).__setitem__(n, v & M64), cpu.flush_fast()))
                   if write else None, desc)
    regs += [ind("rr", n, describe_rr) for n in range(8)]
    regs += [ind("pkr", n, group="protection") for n in range(len(cpu.pkr))]
    regs += [ind("ibr", n, group="debug") for n in range(len(cpu.ibr))]
    regs += [ind("dbr", n, group="debug") for n in range(len(cpu.dbr))]
    regs += [ind("pmc", n, group="perf") for n in range(len(cpu.pmc))]
    regs += [ind("pmd", n, group="perf") for n in range(len(cpu.pmd))]
    regs += [Reg(f"cpuid{n}", 64, "cpuid", (lambda n=n: CPUID[n])) for n in range(len(CPUID))]
    return regs
