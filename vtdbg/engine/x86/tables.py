"""Descriptor tables, the TSS and the TLB as text rows (SDM Vol. 3A 3.4.5, 6.10-6.14, 8.2, 9.7).

Each function takes a `read(linear, size) -> int` that reads without side effects and returns
a list of text lines; the table layouts follow the current mode (IVT in real mode, 16-byte
gates and system descriptors in IA-32e mode)."""
from __future__ import annotations

from .regs import SYS_TYPES, describe_ar


def _desc(lo: int, hi: int):
    base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000)
    limit = (lo & 0xFFFF) | (hi & 0xF0000)
    ar = (hi >> 8) & 0xF0FF
    if ar & 0x8000:
        limit = (limit << 12) | 0xFFF
    return base, limit, ar


def gdt(read, base: int, limit: int, long_mode: bool, rows: int = 32) -> list[str]:
    """The first `rows` slots (null descriptors after the first are left out)."""
    lines = [f"GDT at {base:#x}, limit {limit:#x} ({(limit + 1) // 8} slots)"]
    i = 0
    while i * 8 + 7 <= limit and i < 8192:
        if i >= rows:
            lines.append(f"  ... slots {i} and up not shown (`info gdt all`)")
            break
        raw = read(base + 8 * i, 8)
        lo, hi = raw & 0xFFFFFFFF, raw >> 32
        sel = i * 8
        if raw == 0:
            if i == 0:
                lines.append(f"  [{i:4}] {sel:#06x}  null")
            i += 1
            continue
        b, lim, ar = _desc(lo, hi)
        wide = long_mode and not ar & 0x10 and (ar & 0xF) in (2, 9, 11, 12)
        if wide and i * 8 + 15 <= limit:
            b |= (read(base + 8 * i + 8, 8) & 0xFFFFFFFF) << 32
        lines.append(f"  [{i:4}] {sel:#06x}  base {b:#x} limit {lim:#x} ar {ar:#06x}  "
                     f"{describe_ar(ar)}")
        i += 2 if wide else 1
    return lines


def idt(read, base: int, limit: int, mode: str, rows: int = 256) -> list[str]:
    """Gates of the first `rows` vectors; runs of identical gates are shown as one line."""
    if mode == "real":
        entries = []
        for v in range(min((limit + 1) // 4, rows)):
            ent = read(base + 4 * v, 4)
            entries.append((v, f"{ent >> 16:04x}:{ent & 0xFFFF:04x}" if ent else None))
        return [f"IVT at {base:#x}, limit {limit:#x}"] + _runs(entries)
    size = 16 if mode in ("64-bit", "compatibility") else 8
    lines = [f"IDT at {base:#x}, limit {limit:#x} ({(limit + 1) // size} gates)"]
    entries = []
    for v in range(min((limit + 1) // size, rows)):
        lo = read(base + size * v, 8)
        if not lo:
            entries.append((v, None))
            continue
        hi = read(base + size * v + 8, 8) if size == 16 else 0
        off = (lo & 0xFFFF) | ((lo >> 32) & 0xFFFF0000) | ((hi & 0xFFFFFFFF) << 32)
        sel = (lo >> 16) & 0xFFFF
        typ = (lo >> 40) & 0xF
        ist = (lo >> 32) & 7 if size == 16 else 0
        text = f"{SYS_TYPES.get(typ, f'type {typ}'):16} {sel:#06x}:{off:#x} DPL {(lo >> 45) & 3}"
        if ist:
            text += f" IST{ist}"
        if not lo >> 47 & 1:
            text += " not present"
        entries.append((v, text))
    return lines + _runs(entries)


def _runs(entries) -> list[str]:
    out = []
    i = 0
    while i < len(entries):
        v, text = entries[i]
        j = i
        while j + 1 < len(entries) and entries[j + 1][1] == text:
            j += 1
        if text is not None:
            if j > i:
                out.append(f"  [{v:#04x}-{entries[j][0]:#04x}] {text}  ({j - i + 1} gates)")
            else:
                out.append(f"  [{v:#04x}] {text}")
        i = j + 1
    return out


TSS64 = [("RSP0", 4, 8), ("RSP1", 12, 8), ("RSP2", 20, 8)] + \
    [(f"IST{i}", 28 + 8 * i, 8) for i in range(1, 8)] + [("I/O map base", 102, 2)]
TSS32 = [("link", 0, 2), ("ESP0", 4, 4), ("SS0", 8, 2), ("ESP1", 12, 4), ("SS1", 16, 2),
         ("ESP2", 20, 4), ("SS2", 24, 2), ("CR3", 28, 4), ("EIP", 32, 4), ("EFLAGS", 36, 4),
         ("EAX", 40, 4), ("ECX", 44, 4), ("EDX", 48, 4), ("EBX", 52, 4), ("ESP", 56, 4),
         ("EBP", 60, 4), ("ESI", 64, 4), ("EDI", 68, 4), ("ES", 72, 2), ("CS", 76, 2),
         ("SS", 80, 2), ("DS", 84, 2), ("FS", 88, 2), ("GS", 92, 2), ("LDT", 96, 2),
         ("T", 100, 2), ("I/O map base", 102, 2)]
TSS16 = [("link", 0, 2), ("SP0", 2, 2), ("SS0", 4, 2), ("SP1", 6, 2), ("SS1", 8, 2),
         ("SP2", 10, 2), ("SS2", 12, 2), ("IP", 14, 2), ("FLAGS", 16, 2), ("LDT", 42, 2)]


def tss(read, tr, long_mode: bool) -> list[str]:
    typ = tr.ar & 0xF
    lines = [f"TR {tr.sel:#06x}: base {tr.base:#x} limit {tr.limit:#x} ({describe_ar(tr.ar)})"]
    if tr.ar & 0x10000 or typ not in (1, 3, 9, 11):
        lines.append("  no TSS loaded")
        return lines
    layout = TSS64 if long_mode else (TSS32 if typ in (9, 11) else TSS16)
    for name, off, size in layout:
        if off + size - 1 > tr.limit:
            break
        lines.append(f"  {name:13} {read(tr.base + off, size):#x}")
    return lines


def tlb(entries) -> list[str]:
    """The CPU's fast-path translations: (user, kind, linear page, physical page)."""
    rows: dict[tuple, set] = {}
    for user, kind, lin, phys in entries:
        rows.setdefault((lin, phys, user), set()).add(kind)
    head = (f"{len(rows)} cached translation{'s' if len(rows) != 1 else ''}"
            " (linear page -> physical page, access kinds the fast path allows)")
    lines = [head]
    for (lin, phys, user), kinds in sorted(rows.items()):
        k = "".join(c if c in kinds else "-" for c in "rwx")
        lines.append(f"  {lin:#018x} -> {phys:#014x}  {k}  {'user' if user else 'supervisor'}")
    return lines
