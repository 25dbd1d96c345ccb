"""x86 instruction decoder driven by the opcode tables in opcodes.py.

decode(buf, pos, bits) -> Insn. `bits` is the code size: 16, 32 or 64. The decoder knows no
semantics; machine/x86/exec turns an Insn into a closure that executes it.
"""
from __future__ import annotations

from . import opcodes

SEG_PREFIX = {0x26: 0, 0x2E: 1, 0x36: 2, 0x3E: 3, 0x64: 4, 0x65: 5}


class Op:
    __slots__ = ("mnem", "spec", "flags")

    def __init__(self, text: str):
        parts = text.split()
        self.mnem = parts[0]
        rest = parts[1:]
        self.spec: tuple = ()
        if rest and not _is_flag(rest[0]):
            self.spec = tuple(rest[0].split(","))
            rest = rest[1:]
        self.flags = frozenset(rest)

    def __repr__(self):
        return f"Op({self.mnem} {','.join(self.spec)} {' '.join(sorted(self.flags))})"


def _is_flag(w: str) -> bool:
    return w in ("T", "d64", "f64", "i64", "o64", "L")


def _compile(entry):
    if entry is None:
        return None
    if isinstance(entry, str):
        return Op(entry)
    if isinstance(entry, list):
        return [_compile(e) for e in entry]
    if isinstance(entry, dict):
        out = {}
        for k, v in entry.items():
            out[k] = _compile(v) if not isinstance(v, dict) else {rk: Op(rv) for rk, rv in v.items()}
        return out
    raise TypeError(entry)


ONE = {k: _compile(v) for k, v in opcodes.ONE.items()}
TWO = {k: _compile(v) for k, v in opcodes.TWO.items()}
PREFIXED = {k: _compile(v) for k, v in opcodes.PREFIXED.items()}
THREE_38 = {k: _compile(v) for k, v in opcodes.THREE_38.items()}
UD = Op("ud T")
XCHG_R8 = Op("xchg Zv,rAX")
PAUSE = Op("pause")
MOVSXD = Op("movsxd Gv,Ed")
TOO_LONG = Op("toolong T")

# Which operand specs need a ModRM byte.
MODRM_KINDS = set("EGMSCDR")


class Insn:
    """One decoded instruction. Register numbers include REX extensions."""

    __slots__ = ("length", "bits", "opsize", "adsize", "op", "mnem", "flags", "opcode",
                 "rep", "lock", "seg", "rex", "mod", "reg", "rm", "base", "index", "scale",
                 "disp", "riprel", "imm", "imm2", "operands", "prefix66", "raw")

    def __repr__(self):
        return f"<Insn {self.mnem} {self.operands} len={self.length}>"


class NeedMore(Exception):
    """The buffer ended inside the instruction (the caller fetches across the page)."""


def decode(buf, pos: int, bits: int) -> Insn:
    try:
        return _decode(buf, pos, bits)
    except IndexError:
        if len(buf) - pos >= 15:
            # 15 bytes did not finish it: too long (#GP), however it would have gone on.
            d = Insn()
            d.bits, d.rep, d.lock, d.seg, d.rex, d.prefix66 = bits, None, False, None, 0, False
            d.mod = d.reg = d.rm = d.scale = d.disp = d.imm = d.imm2 = d.opcode = 0
            d.base = d.index = -1
            d.riprel = False
            return _too_long(d, pos, pos + 15)
        raise NeedMore() from None


def _decode(buf, pos: int, bits: int) -> Insn:
    start = pos
    d = Insn()
    d.bits = bits
    d.rep = None
    d.lock = False
    d.seg = None
    d.rex = 0
    d.prefix66 = False
    asz_override = False
    mandatory = None
    while True:
        b = buf[pos]
        if b in SEG_PREFIX:
            s = SEG_PREFIX[b]
            if bits != 64 or s >= 4:
                d.seg = s
        elif b == 0x66:
            d.prefix66 = True
            mandatory = mandatory or 0x66
        elif b == 0x67:
            asz_override = True
        elif b == 0xF0:
            d.lock = True
        elif b == 0xF2 or b == 0xF3:
            d.rep = b
            mandatory = b
        elif bits == 64 and 0x40 <= b <= 0x4F:
            # A REX counts only right before the opcode: a later legacy prefix drops it
            # (SDM Vol. 2, 2.2.1).
            d.rex = b
            pos += 1
            if pos - start >= 15:
                return _too_long(d, start, pos)
            continue
        else:
            break
        d.rex = 0
        pos += 1
        if pos - start >= 15:
            return _too_long(d, start, pos)
    pos += 1
    rexw = d.rex & 8
    if bits == 64:
        d.adsize = 4 if asz_override else 8
    elif bits == 32:
        d.adsize = 2 if asz_override else 4
    else:
        d.adsize = 4 if asz_override else 2
    op = plain = None
    if b == 0x0F:
        b2 = buf[pos]
        pos += 1
        if b2 == 0x38:
            b3 = buf[pos]
            pos += 1
            d.opcode = 0x0F3800 | b3
            op = THREE_38.get((mandatory, b3))
        elif b2 == 0x3A:
            pos += 1
            d.opcode = 0x0F3A00 | buf[pos - 1]
        else:
            d.opcode = 0x0F00 | b2
            if mandatory is not None:
                op = PREFIXED.get((mandatory, b2))
                if op is None and mandatory == 0x66:
                    op = PREFIXED.get((0xF3 if d.rep == 0xF3 else 0xF2, b2)) if d.rep else None
                if op is not None:
                    # In a group the prefix selects only the slots it names (66 0F C7 /6 is
                    # VMCLEAR, but 66 0F C7 /1 is still CMPXCHG8B).
                    plain = TWO.get(b2)
            if op is None:
                op = TWO.get(b2)
    else:
        d.opcode = b
        op = ONE.get(b)
        if b == 0x63 and bits == 64:
            op = MOVSXD
        elif b == 0x90:
            if d.rex & 1:
                op = XCHG_R8
            elif d.rep == 0xF3:
                op = PAUSE
    # ModRM
    need_modrm = isinstance(op, (list, dict)) or (
        isinstance(op, Op) and any(s[0] in MODRM_KINDS for s in op.spec)) or (
        isinstance(op, Op) and op.mnem in ("nop",) and d.opcode >= 0x0F00)
    d.mod = d.reg = d.rm = 0
    d.base = d.index = -1
    d.scale = 0
    d.disp = 0
    d.riprel = False
    if need_modrm:
        modrm = buf[pos]
        pos += 1
        mod = modrm >> 6
        reg = (modrm >> 3) & 7
        rm = modrm & 7
        d.mod = mod
        op = _slot(op, mod, reg, rm)
        if op is None and plain is not None:
            op = _slot(plain, mod, reg, rm)
        d.reg = reg | ((d.rex & 4) << 1)
        if isinstance(op, Op) and op.mnem in ("movcr", "movdr"):
            mod = d.mod = 3          # MOV to/from CR/DR ignores ModRM.mod (SDM Vol. 2, MOV)
        if mod == 3:
            d.rm = rm | ((d.rex & 1) << 3)
        elif d.adsize == 2:
            pos = _modrm16(d, buf, pos, mod, rm)
        else:
            pos = _modrm32(d, buf, pos, mod, rm)
    if op is None or not isinstance(op, Op):
        op = UD
    if bits == 64 and "i64" in op.flags or bits != 64 and "o64" in op.flags:
        op = UD
    d.op = op
    d.mnem = op.mnem
    d.flags = op.flags
    # operand size
    if bits == 64:
        if rexw:
            d.opsize = 8
        elif "f64" in op.flags:
            d.opsize = 8
        elif "d64" in op.flags:
            d.opsize = 2 if d.prefix66 else 8
        else:
            d.opsize = 2 if d.prefix66 else 4
    elif bits == 32:
        d.opsize = 2 if d.prefix66 else 4
    else:
        d.opsize = 4 if d.prefix66 else 2
    # operands and immediates
    d.imm = d.imm2 = 0
    operands = []
    for s in op.spec:
        o, pos = _operand(d, s, buf, pos)
        operands.append(o)
    d.operands = operands
    d.length = pos - start
    if d.length > 15:
        return _too_long(d, start, start + 15)
    d.raw = bytes(buf[start:pos])
    return d


def _slot(op, mod, reg, rm):
    """The entry a group (list by ModRM.reg) or a mod/rm split (dict) selects."""
    if isinstance(op, list):
        op = op[reg]
    if isinstance(op, dict):
        if mod == 3:
            op = op.get("r")
            if isinstance(op, dict):
                op = op.get(rm)
        else:
            op = op.get("m")
    return op


def _too_long(d, start, pos):
    d.op = TOO_LONG
    d.mnem = TOO_LONG.mnem
    d.flags = TOO_LONG.flags
    d.operands = []
    d.length = 15
    d.opsize = d.adsize = 4
    d.raw = b""
    return d


def _modrm16(d, buf, pos, mod, rm):
    # (base, index) per rm for 16-bit addressing; SS is the default segment when BP is used.
    base, index = ((3, 6), (3, 7), (5, 6), (5, 7), (6, -1), (7, -1), (5, -1), (3, -1))[rm]
    if mod == 0 and rm == 6:
        base = -1
        d.disp = int.from_bytes(buf[pos:pos + 2], "little")
        if len(buf) < pos + 2:
            raise IndexError
        pos += 2
    elif mod == 1:
        d.disp = _s8(buf[pos])
        pos += 1
    elif mod == 2:
        d.disp = int.from_bytes(buf[pos:pos + 2], "little")
        if len(buf) < pos + 2:
            raise IndexError
        pos += 2
    d.base, d.index, d.scale = base, index, 0
    return pos


def _modrm32(d, buf, pos, mod, rm):
    rex = d.rex
    if rm == 4:
        sib = buf[pos]
        pos += 1
        scale = sib >> 6
        index = ((sib >> 3) & 7) | ((rex & 2) << 2)
        base = (sib & 7) | ((rex & 1) << 3)
        d.index = -1 if index == 4 else index
        d.scale = scale
        if (sib & 7) == 5 and mod == 0:
            d.base = -1
            d.disp = _s32(buf, pos)
            pos += 4
        else:
            d.base = base
    elif rm == 5 and mod == 0:
        d.disp = _s32(buf, pos)
        pos += 4
        if d.bits == 64:
            d.riprel = True
        d.base = -1
        return pos
    else:
        d.base = rm | ((rex & 1) << 3)
    if mod == 1:
        d.disp = _s8(buf[pos])
        pos += 1
    elif mod == 2:
        d.disp = _s32(buf, pos)
        pos += 4
    return pos


def _s8(v):
    return v - 256 if v & 0x80 else v


def _s32(buf, pos):
    if len(buf) < pos + 4:
        raise IndexError
    return int.from_bytes(buf[pos:pos + 4], "little", signed=True)


def _imm(buf, pos, n, signed=False):
    if len(buf) < pos + n:
        raise IndexError
    return int.from_bytes(buf[pos:pos + n], "little", signed=signed), pos + n


SIZE = {"b": 1, "w": 2, "d": 4, "q": 8}
REG_FIXED = {"al": ("r", 0, 1), "cl": ("r", 1, 1), "dx": ("r", 2, 2)}


def _osize(d, c):
    if c in SIZE:
        return SIZE[c]
    if c == "v":
        return d.opsize
    if c == "z":
        return 2 if d.opsize == 2 else 4
    if c == "y":
        # d/q: 64-bit with REX.W, or always in 64-bit mode for f64 instructions (VMREAD...)
        return 8 if d.bits == 64 and (d.rex & 8 or "f64" in d.flags) else 4
    if c == "o":
        return 16
    return d.opsize


def _breg(d, r):
    """An 8-bit register operand: without REX, 4-7 name AH, CH, DH, BH."""
    if d.rex == 0 and 4 <= r <= 7:
        return ("rh", r - 4, 1)
    return ("r", r, 1)


def _operand(d, s, buf, pos):
    k = s[0]
    if s in REG_FIXED:
        return REG_FIXED[s], pos
    if s in ("eAX", "rAX"):
        return ("r", 0, d.opsize if s == "rAX" else min(d.opsize, 4)), pos
    if s == "1":
        return ("i", 1, 1), pos
    if s in ("es", "cs", "ss", "ds", "fs", "gs"):
        return ("s", ("es", "cs", "ss", "ds", "fs", "gs").index(s), 2), pos
    size = _osize(d, s[1]) if len(s) > 1 else d.opsize
    if k == "E" or k == "M" or k == "R":
        if d.mod == 3:
            if k == "M":
                return ("bad",), pos
            r = d.rm
            if k == "R":
                size = 8 if d.bits == 64 else 4
            return (_breg(d, r) if size == 1 else ("r", r, size)), pos
        if k == "R":
            return ("bad",), pos
        if s == "Mp":
            size = d.opsize + 2
        elif s == "Ms":
            size = 10 if d.bits == 64 else 6
        return ("m", size), pos
    if k == "G":
        return (_breg(d, d.reg) if size == 1 else ("r", d.reg, size)), pos
    if k == "Z":
        r = (d.opcode & 7) | ((d.rex & 1) << 3)
        return (_breg(d, r) if size == 1 else ("r", r, size)), pos
    if k == "S":
        return ("s", d.reg & 7, 2), pos
    if k == "C":
        return ("cr", d.reg), pos
    if k == "D":
        return ("dr", d.reg), pos
    if k == "I":
        if s == "Ibs":
            v, pos = _imm(buf, pos, 1, True)
            size = d.opsize
            v &= (1 << (8 * size)) - 1
        elif s == "Iz":
            n = 2 if d.opsize == 2 else 4
            v, pos = _imm(buf, pos, n, True)
            size = d.opsize
            v &= (1 << (8 * size)) - 1
        elif s == "Iv":
            v, pos = _imm(buf, pos, d.opsize)
            size = d.opsize
        else:
            v, pos = _imm(buf, pos, size)
        return ("i", v, size), pos
    if k == "J":
        n = 1 if s == "Jb" else (2 if d.opsize == 2 else 4)
        v, pos = _imm(buf, pos, n, True)
        return ("j", v), pos
    if k == "O":
        v, pos = _imm(buf, pos, d.adsize)
        d.base = d.index = -1
        d.disp = v
        return ("m", size), pos
    if k == "A":
        n = 2 if d.opsize == 2 else 4
        off, pos = _imm(buf, pos, n)
        sel, pos = _imm(buf, pos, 2)
        return ("far", sel, off), pos
    raise ValueError(f"unknown operand spec {s}")
