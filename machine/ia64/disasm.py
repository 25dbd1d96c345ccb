"""IA-64 disassembler in the syntax of GNU objdump (`ia64-linux-gnu-objdump -d`).

`insn_text(insn, bundle_address)` renders one instruction, `bundle_lines()` the lines objdump
prints for a bundle (template in brackets, predicate, stop marks `;;`), and `disassemble()` is
the architecture-neutral face the debugger uses: one Line per instruction slot, addressed
bundle + slot, whose lengths (1, 1, 14; MLX: 1, 15) lead from one slot to the next.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass

from .decode import DecodedBundle, decode_bundle
from .opcodes import AR_NAMES, CR_NAMES

M64 = (1 << 64) - 1
_FMT = string.Formatter()


def _symbolize(addr: int, symbols: dict[str, int] | None) -> str:
    text = f"{addr:#x}"
    if symbols:
        best = None
        for name, a in symbols.items():
            if a <= addr and (best is None or a > best[1]):
                best = (name, a)
        if best is not None and addr - best[1] < 0x100000:
            off = addr - best[1]
            text += f" <{best[0]}{f'+{off:#x}' if off else ''}>"
    return text


def insn_text(insn, address: int = 0, symbols: dict[str, int] | None = None) -> str:
    """The instruction (without its predicate) as objdump prints it."""
    if insn.row is None:
        return "illegal"
    mnem = insn.mnem
    if not insn.qp and mnem.startswith(("br.cond.sptk", "brl.cond.sptk")):   # objdump's alias
        mnem = mnem.replace(".cond.sptk", "", 1)
    v = insn.v
    out = []
    for lit, name, spec, _ in _FMT.parse(insn.row.ops):
        out.append(lit)
        if name is None:
            continue
        val = v[name]
        if name in ("target", "tag"):
            out.append(_symbolize((address + val) & M64, symbols))
        elif name == "ar3":
            out.append(AR_NAMES.get(val, f"ar{val}"))
        elif name == "cr3":
            out.append(CR_NAMES.get(val, f"cr{val}"))
        else:
            out.append(format(val, spec) if spec else str(val))
    ops = "".join(out)
    return f"{mnem} {ops}" if ops else mnem


def bundle_lines(b: DecodedBundle, address: int = 0, symbols=None) -> list[str]:
    """objdump's text for each instruction of a bundle (two lines for MLX, else three)."""
    lines = []
    for i, ins in enumerate(b.insns):
        if ins is None:
            continue
        head = f"[{b.units}]" if i == 0 else ""
        pred = f"(p{ins.qp:02d})" if ins.qp else ""
        stop = ";;" if (i in b.stops or (ins.unit == "X" and 2 in b.stops)) else ""
        lines.append(f"{head:<6}{pred:>5} {insn_text(ins, address, symbols)}{stop}".rstrip())
    return lines


@dataclass
class Line:
    address: int        # bundle address + slot number
    length: int         # distance to the next instruction's address
    text: str
    symbol: str | None  # a symbol naming this bundle, if any
    raw: bytes          # the whole bundle


def disassemble(read, address: int, count: int = 1, symbols: dict[str, int] | None = None):
    """`count` instructions from `address` (bundle + slot); read(addr, 16) returns bytes."""
    out: list[Line] = []
    names = {a: n for n, a in (symbols or {}).items()}
    bundle, slot = address & ~0xF, address & 0xF
    while len(out) < count:
        raw = read(bundle, 16)
        b = decode_bundle(raw)
        texts = bundle_lines(b, bundle, symbols)
        slots = [i for i, ins in enumerate(b.insns) if ins is not None]
        for k, i in enumerate(slots):
            if i < min(slot, slots[-1]) or len(out) >= count:
                continue
            nxt = slots[k + 1] if k + 1 < len(slots) else 16
            out.append(Line(bundle + i, nxt - i, " ".join(texts[k].split()),
                            names.get(bundle) if i == 0 else None, raw))
        bundle, slot = bundle + 16, 0
    return out


_TGT = re.compile(r"(?:0x)?([0-9a-f]+) <[^>]*>")


def normalize_objdump(text: str) -> str:
    """objdump's instruction text with symbol annotations dropped, for comparisons."""
    text = _TGT.sub(lambda m: f"0x{m.group(1)}", text)
    return " ".join(text.split())
