"""IA-64 address translation for the debugger, without side effects: no TLB inserts by the
VHPT walker, no faults, no access or dirty bits (SDM vol 2 4.1; vti.md 7).

With PSR.it (instruction) or PSR.dt (data) clear an address is physical (bit 63 selects an
uncacheable access). Otherwise the region register of bits 63:61 gives the region ID, the
TRs and then the TCs are searched, and when the region and PTA enable the walker, the
short-format VHPT entry at thash(address) is read. The debugger's own reads accept a
translation from the other TLB too (code mapped only by an ITR can be examined with `x`),
and say so."""
from __future__ import annotations

from dataclasses import dataclass, field

from machine.ia64 import psr as P
from machine.ia64.mmu import IMPL_PA_MSB, IMPL_VA_MSB, unimplemented_va

PA_MASK = (1 << (IMPL_PA_MSB + 1)) - 1
MA_NAMES = {0: "WB", 4: "UC", 5: "UCE", 6: "WC", 7: "NaTPage"}
AR_TEXT = ("R", "RX", "RW", "RWX", "R/RW", "RX/RWX", "RW/RWX", "X/XP")


@dataclass
class Step:
    table: str                       # "RR1", "DTR0", "DTC3", "VHPT", "physical mode"
    address: int | None              # where the entry is in memory (the VHPT), else None
    value: int
    note: str = ""


@dataclass
class Translation:
    linear: int
    physical: int | None = None
    host: int | None = None          # == physical (no EPT-like second stage on IA-64)
    steps: list = field(default_factory=list)
    error: str = ""
    page_size: int = 0               # 0: physical mode


def page_size_text(ps: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if ps >= shift:
            return f"{1 << (ps - shift)} {unit}"
    return f"{1 << ps} bytes"


def pte_text(pte: int, ps: int | None = None, key: int | None = None) -> str:
    """The fields of a TLB insertion / VHPT entry (SDM vol 2 4.1.1.5, Figure 4-8)."""
    flags = " ".join(c if pte >> b & 1 else "-" for c, b in (("p", 0), ("a", 5), ("d", 6)))
    ar = (pte >> 9) & 7
    text = (f"{flags} ma={MA_NAMES.get((pte >> 2) & 7, '?')} pl={(pte >> 7) & 3} "
            f"ar={ar} ({AR_TEXT[ar]}) ppn={pte & PA_MASK & ~0xFFF:#x}")
    if pte >> 52 & 1:
        text += " ed"
    if ps is not None:
        text += f" {page_size_text(ps)}"
    if key:
        text += f" key={key:#x}"
    return text


def find_entry(cpu, va: int, instr: bool):
    """(name, entry) of the TR or TC translating va for an instruction or data access."""
    rid = cpu.rid_of(va)
    kind = "I" if instr else "D"
    for i, e in enumerate(cpu.itr if instr else cpu.dtr):
        if e is not None and e.covers(va, rid):
            return f"{kind}TR{i}", e
    for i, e in enumerate(cpu.itc if instr else cpu.dtc):
        if e.covers(va, rid):
            return f"{kind}TC{i}", e
    return None, None


def translate(cpu, read_phys8, va: int, instr: bool = False, other: bool = True,
              depth: int = 0) -> Translation:
    """Where va leads for an instruction fetch (instr) or a data access, step by step.
    read_phys8(pa) reads a VHPT entry; `other`: fall back to the other TLB."""
    t = Translation(va)
    on = bool(cpu.psr & (P.IT if instr else P.DT))
    if not on:
        if va & ((1 << 63) - 1) & ~PA_MASK:
            t.error = "unimplemented physical address"
            return t
        t.steps.append(Step("physical mode", None, va, f"PSR.{'it' if instr else 'dt'} = 0, "
                            f"{'uncacheable' if va >> 63 else 'cacheable'} (bit 63)"))
        t.physical = t.host = va & PA_MASK
        return t
    # a VT-i guest (PSR.vm = 1) lacks the uppermost implemented VA bit (vti.md 3.1)
    if unimplemented_va(va, IMPL_VA_MSB - 1 if cpu.psr & P.VM else IMPL_VA_MSB):
        t.error = "unimplemented virtual address"
        return t
    vrn = va >> 61
    rr = cpu.rr[vrn]
    ps_rr = (rr >> 2) & 0x3F
    t.steps.append(Step(f"RR{vrn}", None, rr, f"rid={(rr >> 8) & 0xFFFFFF:#x} "
                        f"ps={ps_rr} ({page_size_text(ps_rr)}) walker {'on' if rr & 1 else 'off'}"))
    name, e = find_entry(cpu, va, instr)
    if e is None and other:
        name, e = find_entry(cpu, va, not instr)
        if e is not None:
            name += f" (the {'data' if instr else 'instruction'} TLB)"
    if e is not None:
        t.steps.append(Step(name, None, e.pte, pte_text(e.pte, e.ps, e.key)))
        if not e.p:
            t.error = "page not present"
            return t
        t.physical = t.host = e.ppn | (va & ((1 << e.ps) - 1))
        t.page_size = 1 << e.ps
        return t
    pta = cpu.cr[8]
    if not (pta & 1 and rr & 1) or depth:
        t.error = ("no TLB entry (the VHPT walker is off for this region)" if not depth
                   else "no TLB entry")
        return t
    iha = cpu.thash(va)
    inner = translate(cpu, read_phys8, iha, False, other, depth + 1)
    if inner.physical is None:
        t.error = f"no TLB entry, and the VHPT entry at {iha:#x} is not mapped ({inner.error})"
        return t
    pte = read_phys8(inner.physical)
    t.steps.append(Step("VHPT", inner.physical, pte, f"thash = {iha:#x}; " + pte_text(pte)))
    if not pte & 1:
        t.error = "no TLB entry, and the VHPT entry is not present"
        return t
    t.physical = t.host = (pte & PA_MASK & ~((1 << ps_rr) - 1)) | (va & ((1 << ps_rr) - 1))
    t.page_size = 1 << ps_rr
    return t


def translate_lines(t: Translation, what: str) -> list[str]:
    out = [f"Virtual {t.linear:#x} ({what}):"]
    for st in t.steps:
        if st.table == "physical mode":
            out.append(f"  physical mode: {st.note}")
            continue
        where = f" at {st.address:#x}" if st.address is not None else ""
        out.append(f"  {st.table}{where} = {st.value:#x}  {st.note}")
    if t.physical is not None:
        size = f" ({page_size_text(t.page_size.bit_length() - 1)} page)" if t.page_size else ""
        out.append(f"  -> physical {t.physical:#x}{size}")
    if t.error:
        out.append(f"  fault: {t.error}")
    return out


def region_of(cpu, rid: int) -> list[int]:
    return [n for n in range(8) if (cpu.rr[n] >> 8) & 0xFFFFFF == rid]


def entry_line(cpu, name: str, e) -> str:
    regions = region_of(cpu, e.rid)
    if len(regions) == 1:
        va = f"{regions[0] << 61 | e.vbase:#018x}"
    else:
        va = f"{e.vbase:#018x} (rid not in any RR)" if not regions else \
            f"{e.vbase:#018x} (regions {','.join(map(str, regions))})"
    pa = e.ppn
    return (f"  {name:<6} {va} -> {pa:#012x}  rid={e.rid:#x} "
            + pte_text(e.pte).split(" ppn=")[0] + f" {page_size_text(e.ps)}"
            + (f" key={e.key:#x}" if e.key else ""))


def tlb_lines(cpu) -> list[str]:
    out = []
    for title, kind, entries in (("Instruction translation registers", "ITR", cpu.itr),
                                 ("Data translation registers", "DTR", cpu.dtr),
                                 ("Instruction translation cache", "ITC", cpu.itc),
                                 ("Data translation cache", "DTC", cpu.dtc)):
        used = [(i, e) for i, e in enumerate(entries) if e is not None]
        out.append(f"{title} ({kind}): " + (f"{len(used)} in use" if used else "empty"))
        for i, e in used:
            out.append(entry_line(cpu, f"{kind.lower()}{i}", e))
    pta = cpu.cr[8]
    out.append(f"VHPT walker {'enabled' if pta & 1 else 'disabled'} (PTA {pta:#x}); "
               f"translation {'on' if cpu.psr & P.DT else 'off'} for data, "
               f"{'on' if cpu.psr & P.IT else 'off'} for instructions, "
               f"{'on' if cpu.psr & P.RT else 'off'} for the register stack")
    return out
