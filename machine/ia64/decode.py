"""IA-64 decoder driven by the opcode table (machine/ia64/opcodes.py).

`decode_bundle(raw)` gives a DecodedBundle: the template, unit types, stop positions and one
Insn per slot (an MLX bundle's X-unit instruction sits in slot 1 and slot 2 is None).  An
encoding the table does not know decodes as the `illegal` instruction (Illegal Operation fault
when executed), as does every slot of a bundle with a reserved template.
"""
from __future__ import annotations

from .bundle import TEMPLATES, split
from .formats import encode_operands, f, operands
from .opcodes import FIELDS, ROWS


class Row:
    __slots__ = (
        "cond",
        "fill",
        "fixed",
        "fmt",
        "major",
        "mask",
        "mnem",
        "ops",
        "sem",
        "units",
        "value",
    )

    def __init__(self, units, major, fixed, fmt, mnem, ops, sem, cond, fill):
        self.units, self.major, self.fmt, self.mnem, self.ops, self.sem = \
            units, major, fmt, mnem, ops, sem
        self.cond, self.fill = cond, fill
        self.mask, self.value = 0xF << 37, major << 37
        self.fixed = {}
        for item in fixed.split():
            name, v = item.split("=")
            lo, n = FIELDS[name]
            self.fixed[name] = int(v)
            self.mask |= ((1 << n) - 1) << lo
            self.value |= int(v) << lo

    def matches(self, s: int) -> bool:
        return s & self.mask == self.value


TABLE: dict[tuple[str, int], list[Row]] = {}
ALL_ROWS: list[Row] = []
for _r in ROWS:
    _row = Row(*_r)
    ALL_ROWS.append(_row)
    for _u in _row.units:
        TABLE.setdefault((_u, _row.major), []).append(_row)


class Insn:
    """One decoded instruction: its row (mnemonic, format, semantics) and operand values."""
    __slots__ = ("mnem", "qp", "raw", "row", "sem", "slot", "unit", "v")

    def __init__(self, row, unit: str, raw: int, v: dict):
        self.row, self.unit, self.raw, self.v = row, unit, raw, v
        self.mnem = row.mnem.format(**v) if row is not None and "{" in row.mnem else \
            (row.mnem if row is not None else "illegal")
        self.sem = row.sem if row is not None else "illegal"
        self.qp = v.get("qp", 0)
        self.slot = 0

    def __repr__(self):
        return f"Insn({self.mnem} {self.v})"


def decode_slot(unit: str, s: int, lslot: int = 0) -> Insn:
    """Decode one slot for a unit type ('M', 'I', 'B', 'F' or 'X' with the L slot)."""
    major = f(s, 37, 4)
    full = s | (lslot << 41) if unit == "X" else s
    for r in TABLE.get((unit, major), ()):
        if s & r.mask == r.value:
            v = operands(r.fmt, full)
            if r.cond is not None and not r.cond(v):
                continue
            return Insn(r, unit, s, v)
    ins = Insn(None, unit, s, {"qp": s & 0x3F})
    if unit == "F" or (unit == "M" and major in (6, 7)):
        ins.sem = "fp"                       # floating point: not modelled (README)
    return ins


class DecodedBundle:
    __slots__ = ("insns", "raw", "stops", "template", "units")

    def __init__(self, raw: bytes):
        self.raw = bytes(raw)
        t, s0, s1, s2 = split(raw)
        self.template = t
        info = TEMPLATES[t]
        if info is None:
            self.units, self.stops = "???", ()
            self.insns = [Insn(None, "?", s, {"qp": 0}) for s in (s0, s1, s2)]
        elif info[0] == "MLX":
            self.units, self.stops = info
            self.insns = [decode_slot("M", s0), decode_slot("X", s2, s1), None]
        else:
            self.units, self.stops = info
            self.insns = [decode_slot(u, s) for u, s in zip(info[0], (s0, s1, s2))]
        for i, ins in enumerate(self.insns):
            if ins is not None:
                ins.slot = i


def decode_bundle(raw: bytes) -> DecodedBundle:
    return DecodedBundle(raw)


def encode_insn(row: Row, v: dict) -> tuple[int, int]:
    """(slot bits, L-slot bits) for a row and operand values (the encoder's back end)."""
    full = row.value | encode_operands(row.fmt, v)
    for name, val in row.fixed.items():
        lo, n = FIELDS[name]
        full = (full & ~(((1 << n) - 1) << lo)) | (val << lo)
    return full & ((1 << 41) - 1), full >> 41
