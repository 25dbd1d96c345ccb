"""The interruption vector table as the debugger names it (SDM vol 2 5.7; vti.md 2.1):
`catch exception NAME|NUMBER|OFFSET` and `info ivt`.

A vector's name is the SDM's in lower case with underscores (`data_tlb`,
`alternate_data_tlb`, `break_instruction`, `general_exception`, `single_step_trap`);
punctuation and case do not matter, a unique prefix is enough (`break`, `single_step`), and
the short names itlb, dtlb, alt_itlb, alt_dtlb and nested_dtlb are accepted. A number below
68 is an IVT entry number (2 = Data TLB), a larger one an IVT offset (0x5400)."""
from __future__ import annotations

import re

from machine.ia64.faults import VECTOR_NAMES

from ...errors import VtdbgError

N_ENTRIES = 68
ALIASES = {"itlb": 0x0400, "dtlb": 0x0800, "altitlb": 0x0C00, "altdtlb": 0x1000,
           "nesteddtlb": 0x1400, "extint": 0x3000, "ge": 0x5400}


def slug(name: str) -> str:
    """'Alternate Data TLB' -> 'alternate_data_tlb', 'IA-32 Exception' -> 'ia32_exception'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower().replace("ia-32", "ia32")).strip("_")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


NAMES = {off: slug(n) for off, n in VECTOR_NAMES.items()}
BY_KEY = {_key(s): off for off, s in NAMES.items()}


def entry_offset(n: int) -> int:
    """IVT entry number -> offset: entries 0-19 are 0x400 bytes, 20-67 are 0x100."""
    return n * 0x400 if n < 20 else 0x5000 + (n - 20) * 0x100


def vector_name(off: int) -> str:
    return VECTOR_NAMES.get(off, f"reserved {off:#06x}")


def parse(word: str) -> int:
    """An IVT vector by name, entry number or offset -> its offset."""
    try:
        n = int(word.replace("_", ""), 0)
    except ValueError:
        n = None
    if n is not None:
        off = entry_offset(n) if 0 <= n < N_ENTRIES else n
        if off not in VECTOR_NAMES:
            raise VtdbgError(f"{word} is not an IVT vector (entries 0-{N_ENTRIES - 1}, or "
                             "offsets such as 0x5400; `info ivt` lists them)")
        return off
    k = _key(word.lstrip("#"))
    if k in BY_KEY:
        return BY_KEY[k]
    if k in ALIASES:
        return ALIASES[k]
    hits = sorted({off for key, off in BY_KEY.items() if key.startswith(k)}) if k else []
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise VtdbgError(f"ambiguous vector name {word}: "
                         f"{', '.join(NAMES[h] for h in hits)}")
    raise VtdbgError(f"no IVT vector named {word} (`info ivt` lists them)")


def ivt_lines(iva: int, first_insn, sym) -> list[str]:
    """The IVT at IVA: each architected vector with the first instruction of its entry.
    first_insn(address) -> text or raises; sym(address) -> 'name+off' or ''."""
    base = iva & ~0x7FFF
    out = [f"Interruption vector table at IVA {base:#x}"]
    for off in sorted(VECTOR_NAMES):
        addr = base + off
        try:
            text = first_insn(addr)
        except VtdbgError as e:
            text = f"<{e}>"
        entry = off // 0x400 if off < 0x5000 else 20 + (off - 0x5000) // 0x100
        s = sym(addr)
        out.append(f"  {entry:>2} {off:#06x} {NAMES[off]:<30} {addr:#x}"
                   f"{' <' + s + '>' if s else ''}  {text}")
    return out
