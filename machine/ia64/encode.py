"""An in-house IA-64 encoder for tests: objdump-syntax text back to bundle bytes.

`encode_bundle(lines, address)` takes the lines objdump prints for one bundle ("[MII] add
r1=r2,r3", "(p06) br.cond.dptk.few 0x260", stop marks ";;") and returns its 16 bytes; the
template follows from the unit letters and the stops.  Each instruction is matched against the
opcode table's operand templates, encoded through the formats' encoders, then decoded and
decoded again: an instruction whose operands do not come back unchanged (a value out of
range for its field) raises EncodeError.  Numbers may be written in decimal or hex.
"""
from __future__ import annotations

import re
import string

from .bundle import join, template_for
from .decode import ALL_ROWS, decode_slot, encode_insn
from .disasm import normalize_objdump
from .opcodes import AR_NAMES, CR_NAMES

M64 = (1 << 64) - 1
_AR = {v: k for k, v in AR_NAMES.items()}
_CR = {v: k for k, v in CR_NAMES.items()}
_TOKEN = {
    "wh": r"\.sptk|\.spnt|\.dptk|\.dpnt", "mwh": r"|\.sptk|\.dptk", "mih": r"|\.imp",
    "bwh": r"\.sptk|\.loop|\.dptk|\.exit", "bih": r"|\.imp", "ph": r"\.few|\.many", "dh": r"|\.clr",
    "mbtype": r"@\w+", "ar3": r"ar\.\w+|ar\d+", "cr3": r"cr\.\w+|cr\d+",
    "target": r"0x[0-9a-f]+", "tag": r"0x[0-9a-f]+",
}


class EncodeError(ValueError):
    pass


def _regex(row) -> re.Pattern:
    parts = []
    for lit, name, spec, _ in string.Formatter().parse(f"{row.mnem} {row.ops}".strip()):
        parts.append(re.escape(lit))
        if name is not None:
            pat = _TOKEN.get(name, r"-?(?:0x[0-9a-f]+|\d+)")
            parts.append(f"(?P<{name}>{pat})")
    return re.compile("".join(parts) + "$")


_INDEX: dict[str, list] = {}
for _row in ALL_ROWS:
    _INDEX.setdefault(_row.mnem.split("{")[0], []).append(_row)
_RX: dict[int, re.Pattern] = {}


def _value(name: str, text: str, address: int):
    if name in ("wh", "ph", "dh", "mbtype", "mwh", "mih", "bwh", "bih"):
        return text
    if name in ("target", "tag"):
        return ((int(text, 16) - address + (1 << 63)) & M64) - (1 << 63)
    if name == "ar3":
        return _AR[text] if text in _AR else int(text[2:])
    if name == "cr3":
        return _CR[text] if text in _CR else int(text[2:])
    return int(text, 0)


def encode_insn_text(text: str, unit: str, address: int = 0) -> tuple[int, int]:
    """(slot, L slot) for one instruction in objdump syntax, e.g. '(p06) add r1=r2,r3'."""
    text = normalize_objdump(text)
    qp = 0
    m = re.match(r"\(p(\d+)\)\s*(.*)$", text)
    if m:
        qp, text = int(m.group(1)), m.group(2)
    if not qp:
        text = re.sub(r"^(brl?)(\.few|\.many)", r"\1.cond.sptk\2", text)
    mnem = text.split(" ")[0]
    keys = [mnem[:i] for i in range(len(mnem), 0, -1) if i == len(mnem) or mnem[i] == "."]
    for key in keys:
        for row in _INDEX.get(key, ()):
            if unit not in row.units:
                continue
            rx = _RX.get(id(row))
            if rx is None:
                rx = _RX[id(row)] = _regex(row)
            m = rx.match(text)
            if not m:
                continue
            v = {k: _value(k, t, address) for k, t in m.groupdict().items()}
            v["qp"] = qp
            if row.fill is not None:
                v.update(row.fill(v) if callable(row.fill) else row.fill)
            try:
                s, ls = encode_insn(row, v)
            except (KeyError, ValueError):
                continue
            back = decode_slot(unit, s, ls)
            if back.row is not None and back.sem == row.sem and all(
                    back.v.get(k, val) == val for k, val in v.items()):
                return s, ls
    raise EncodeError(f"cannot encode {unit}-unit instruction: {text!r}")


def encode_bundle(lines: list[str], address: int = 0) -> bytes:
    """The 16 bytes of a bundle from objdump's lines for it (the first names the template)."""
    m = re.match(r"\s*\[(\w{3})\]\s*(.*)$", lines[0])
    if not m:
        raise EncodeError(f"first line must start with the template, e.g. [MII]: {lines[0]!r}")
    units = m.group(1)
    texts = [m.group(2)] + [ln.strip() for ln in lines[1:]]
    stops = []
    body = []
    for i, t in enumerate(texts):
        t = t.strip()
        if t.endswith(";;"):
            stops.append(2 if units == "MLX" and i == 1 else i)
            t = t[:-2].strip()
        body.append(t)
    tmpl = template_for(units, tuple(stops))
    if tmpl is None:
        raise EncodeError(f"no template {units} with stops after {stops}")
    if units == "MLX":
        if len(body) != 2:
            raise EncodeError("an MLX bundle has two instructions")
        s0, _ = encode_insn_text(body[0], "M", address)
        s2, s1 = encode_insn_text(body[1], "X", address)
        return join(tmpl, s0, s1, s2)
    if len(body) != 3:
        raise EncodeError("a bundle has three instructions")
    slots = [encode_insn_text(t, u, address)[0] for t, u in zip(body, units)]
    return join(tmpl, *slots)
