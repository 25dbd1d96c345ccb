"""`info rse`: the register stack engine's state (SDM vol 2 ch. 6): the current frame, the
dirty partition (registers of earlier frames still in the physical stacked registers, not
yet spilled), and where each of them goes in the backing store."""
from __future__ import annotations

from machine.ia64.rse import N_STACKED, skip

from .regs import describe_rsc

SHOWN = 16


def _regs(what: str, first: int, n: int) -> str:
    text = f"r{first}" if n == 1 else f"r{first}-r{first + n - 1}"
    return f"{what} {text}".lstrip()


def rse_lines(cpu, everything: bool = False) -> list[str]:
    sof, sol, sor = cpu.sof, cpu.sol, cpu.sor
    if sof:
        parts = [_regs("", 32, sof)]
        if sol:
            parts.append(_regs("inputs and locals", 32, sol))
        if sof > sol:
            parts.append(_regs("outputs", 32 + sol, sof - sol))
        if sor:
            parts.append(_regs("rotating", 32, sor))
        frame = ", ".join(parts)
    else:
        frame = "empty"
    out = [(f"Current frame: sof={sof} sol={sol} sor={sor} ({frame}); "
            f"rrb.gr={cpu.rrb_gr} rrb.fr={cpu.rrb_fr} rrb.pr={cpu.rrb_pr}")]
    bspstore, rnat, rsc = cpu.ar[18], cpu.ar[19], cpu.ar[16]
    out.append(f"AR.BSP {cpu.bsp():#x}  AR.BSPSTORE {bspstore:#x}  AR.RNAT {rnat:#x}")
    out.append(f"AR.RSC {rsc:#x}: {describe_rsc(rsc)}")
    n = cpu.ndirty
    out.append(f"{N_STACKED} physical stacked registers: the frame starts at index {cpu.bof}; "
               f"{n} dirty register{'s' if n != 1 else ''} of earlier frames not yet spilled")
    first = 0 if everything or n <= SHOWN else n - SHOWN
    if first:
        out.append(f"  ... {first} older dirty registers not shown (`info rse all`)")
    for i in range(first, n):
        idx = (cpu.bof - n + i) % N_STACKED
        addr = skip(bspstore, i)
        nat = " NaT" if cpu.stk_nat[idx] else ""
        out.append(f"  {addr:#x}  {cpu.stk[idx]:#018x}{nat}")
    return out
