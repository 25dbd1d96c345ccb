"""Random instructions generated from the project's own opcode table.

The entries come from machine/x86/decode.py's compiled tables (ONE, TWO, PREFIXED: every
opcode, group slot and ModRM.mod/rm split). For an entry the generator builds an encoding:
random legacy prefixes where they mean something harmless (66, 67, segment overrides, LOCK on
lockable memory forms, REP/REPNE on string instructions), REX in 64-bit mode, a random ModRM/SIB,
and immediates whose sizes it works out from the entry's operand specs (so the decoder's length
is checked against the table). Memory operands are steered into the data window [LO, HI): the
generator looks at the register state (ours, equal to unicorn's so far) and picks the
displacement, or first emits `mov reg, imm` fix-ups (ordinary instructions, compared like the
rest) for the registers an address is built from (base/index, rSI/rDI/rCX for strings, rSP/rBP
for the stack, rBX for XLAT).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from machine.x86 import decode as D
from machine.x86.flags import TF

from .machines import HI, LO

CC = D.opcodes.CC
ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test", "inc", "dec", "neg", "not"}
SHIFT = {"rol", "ror", "rcl", "rcr", "shl", "sal", "shr", "sar", "shld", "shrd"}
MULDIV = {"mul", "imul1", "imul2", "imul3", "div", "idiv"}
BITS = {"bt", "bts", "btr", "btc", "bsf", "bsr", "tzcnt", "lzcnt", "popcnt"}
BCD = {"daa", "das", "aaa", "aas", "aam", "aad", "salc"}
ATOMIC = {"cmpxchg", "cmpxchg8b", "xadd"}
STRING = {"movsb", "movsv", "cmpsb", "cmpsv", "stosb", "stosv", "lodsb", "lodsv", "scasb",
          "scasv"}
DATA = {"mov", "movzx", "movsx", "movsxd", "lea", "xchg", "nop", "cbw", "cwd", "bswap",
        "lahf", "sahf", "clc", "stc", "cmc", "cld", "std", "cli", "sti", "wait", "ud2",
        "sgdt", "sidt", "movsr", "xlat", "arpl"} | {f"set{c}" for c in CC} | {f"cmov{c}" for c in CC}
STACK = {"push", "pop", "pusha", "popa", "pushf", "popf", "enter", "leave"}
BRANCH = {"jmp", "call", "loop", "loope", "loopne", "jcxz"} | {f"j{c}" for c in CC}
ALLOWED = ALU | SHIFT | MULDIV | BITS | BCD | ATOMIC | STRING | DATA | STACK | BRANCH
NEW = SHIFT | MULDIV | BITS | BCD | ATOMIC | STRING          # weighted up
# Simple register-only instructions used as the fall-through filler after a branch.
FILLER = ALU | {"mov", "rol", "ror", "shl", "shr", "sar", "bswap", "movzx", "movsx", "bt",
                "bts", "xchg"}


def _allowed(op) -> bool:
    m = op.mnem
    if m not in ALLOWED:
        return False
    spec = op.spec
    if m == "movsr":
        return spec[0][0] == "E"                  # store of a selector; loads change segments
    if m == "pop" and spec and spec[0] in ("es", "ss", "ds", "fs", "gs", "cs"):
        return False
    if m in ("jmp", "call"):
        return bool(spec) and spec[0][0] == "J"   # near relative forms only
    return True


@dataclass
class Entry:
    op: object
    opcode: bytes
    mand: int | None = None
    reg: int | None = None
    mod: str | None = None        # "m" / "r" when the table splits on ModRM.mod
    rm: int | None = None
    group: bool = False

    def __repr__(self):
        return f"<Entry {self.op!r} {self.opcode.hex()} reg={self.reg} mod={self.mod}>"


def entries(bits: int) -> list[Entry]:
    out: list[Entry] = []

    def add(op, opcode, mand, reg=None, mod=None, rm=None, group=False):
        if op is None or not isinstance(op, D.Op):
            return
        if bits == 64 and "i64" in op.flags or bits != 64 and "o64" in op.flags:
            return
        if opcode[0] in (0xF6, 0xF7) and reg == 1:
            # TEST's undocumented alias (a blank in SDM Vol. 2 Table A-6, group 3): hardware
            # and capstone take it as TEST, as our table does; unicorn raises #UD.
            return
        if _allowed(op):
            out.append(Entry(op, opcode, mand, reg, mod, rm, group))

    def walk(e, opcode, mand):
        if isinstance(e, D.Op):
            add(e, opcode, mand)
        elif isinstance(e, list):
            for reg, sub in enumerate(e):
                if isinstance(sub, dict):
                    split(sub, opcode, mand, reg)
                else:
                    add(sub, opcode, mand, reg, group=True)
        elif isinstance(e, dict):
            split(e, opcode, mand, None)

    def split(e, opcode, mand, reg):
        add(e.get("m"), opcode, mand, reg, "m", group=reg is not None)
        r = e.get("r")
        if isinstance(r, dict):
            for rm, sub in r.items():
                add(sub, opcode, mand, reg, "r", rm, group=reg is not None)
        else:
            add(r, opcode, mand, reg, "r", group=reg is not None)

    for b, e in D.ONE.items():
        if bits == 64 and b == 0x63:
            e = D.MOVSXD
        walk(e, bytes([b]), None)
    for b, e in D.TWO.items():
        walk(e, bytes([0x0F, b]), None)
    for (p, b), e in D.PREFIXED.items():
        walk(e, bytes([0x0F, b]), p)
    return out


@dataclass
class Cand:
    """One generated instruction before its final displacement is known."""
    code: bytearray
    entry: Entry
    insn: object
    disp_at: int = -1             # where the displacement (or moffs) bytes are, -1 if none
    disp_len: int = 0
    fixups: dict = field(default_factory=dict)     # reg -> (value, width in bytes)
    target: int | None = None     # where the ModRM memory operand must land
    extra: int = 0                # bit-string byte offset added to the EA (BT* m, r)


def _opsize(bits, flags, p66, rexw):
    if bits == 64:
        if rexw or "f64" in flags:
            return 8
        if "d64" in flags:
            return 2 if p66 else 8
        return 2 if p66 else 4
    if bits == 32:
        return 2 if p66 else 4
    return 4 if p66 else 2


def _imm_len(s, opsize, adsize):
    k = s[0]
    if k == "I":
        if s in ("Ib", "Ibs"):
            return 1
        if s == "Iw":
            return 2
        if s == "Iz":
            return 2 if opsize == 2 else 4
        if s == "Iv":
            return opsize
        return {"d": 4, "q": 8}[s[1]]
    if k == "J":
        return 1 if s == "Jb" else (2 if opsize == 2 else 4)
    if k == "O":
        return adsize
    return 0


def sext(v, nbytes):
    b = 8 * nbytes
    v &= (1 << b) - 1
    return v - (1 << b) if v >> (b - 1) else v


class Generator:
    def __init__(self, rng, bits: int):
        self.rng = rng
        self.bits = bits
        self.entries = entries(bits)
        self.weights = [3 if e.op.mnem in NEW else 1 for e in self.entries]
        self.fillers = [e for e in self.entries if e.op.mnem in FILLER and e.mod != "m"
                        and not any(s[0] in "OM" for s in e.op.spec)]
        self.segs = [0x26, 0x36, 0x3E, 0x64, 0x65] + ([0x2E] if bits == 64 else [])

    # -- encoding -------------------------------------------------------------------
    def encode(self, e: Entry, regonly: bool = False) -> Cand:
        rng, bits = self.rng, self.bits
        op = e.op
        m = op.mnem
        spec = op.spec
        need_modrm = e.group or e.mod is not None or any(s[0] in D.MODRM_KINDS for s in spec) \
            or (m == "nop" and len(e.opcode) == 2)
        if not need_modrm:
            mod = 3
        elif e.mod == "m":
            mod = rng.randrange(3)
        elif e.mod == "r" or regonly or any(s[0] == "R" for s in spec):
            mod = 3
        elif any(s[0] == "M" for s in spec) or e.opcode in (b"\x0f\x18", b"\x0f\x0d"):
            # (Register forms of the prefetch groups 0F 18 and 0F 0D are blank in SDM Vol. 2
            # Table A-6: we run them as hint NOPs, unicorn raises #UD. Not generated.)
            mod = rng.randrange(3)
        else:
            mod = 3 if rng.random() < 0.4 else rng.randrange(3)
        mem = (need_modrm and mod != 3) or any(s[0] == "O" for s in spec)
        string = m in STRING
        pre = []
        branch = m in BRANCH
        if e.mand != 0x66 and rng.random() < 0.25 and not (bits == 64 and branch):
            # (A 66H on a near branch in 64-bit mode is ignored by Intel processors but
            # honoured by AMD's and by unicorn (SDM Vol. 2, Jcc/JMP/CALL): not generated.)
            pre.append(0x66)
        if rng.random() < (0.25 if mem or string or m in ("xlat", "loop", "loope", "loopne",
                                                          "jcxz") else 0.03):
            pre.append(0x67)
        if (mem or string) and rng.random() < 0.2:
            pre.append(rng.choice(self.segs))
        if "L" in op.flags and mem and rng.random() < 0.4:
            # (LOCK where it is not allowed is #UD (SDM Vol. 2, LOCK); unicorn ignores it
            # for most instructions, so that is checked in tests/test_arith.py instead.)
            pre.append(0xF0)
        if string and rng.random() < 0.6:
            pre.append(rng.choice((0xF3, 0xF2)))
        rng.shuffle(pre)
        if e.mand is not None:
            pre.append(e.mand)
        rex = 0
        if bits == 64 and rng.random() < 0.5:
            rex = 0x40 | rng.randrange(16)
            if e.opcode[0] in (0xC6, 0xC7) and len(e.opcode) == 1:
                # REX.R does not extend a ModRM.reg that is an opcode extension (SDM Vol. 2,
                # 2.2.1.2); unicorn raises #UD for MOV Ev,Iz (C6/C7 /0) with REX.R.
                rex &= ~4
        code = bytearray(pre)
        if rex:
            code.append(rex)
        code += e.opcode
        p66 = 0x66 in pre
        opsize = _opsize(bits, op.flags, p66, rex & 8)
        adsize = {16: 2, 32: 4, 64: 8}[bits]
        if 0x67 in pre:
            adsize = {16: 4, 32: 2, 64: 4}[bits]
        c = Cand(code, e, None)
        if need_modrm:
            reg = e.reg if e.reg is not None else rng.randrange(8)
            rm = e.rm if e.rm is not None else rng.randrange(8)
            code.append((mod << 6) | (reg << 3) | rm)
            if mod != 3:
                dl = 0
                if adsize == 2:
                    dl = 2 if (mod == 0 and rm == 6) or mod == 2 else mod
                else:
                    if rm == 4:
                        sib = rng.randrange(256)
                        code.append(sib)
                        if sib & 7 == 5 and mod == 0:
                            dl = 4
                    elif rm == 5 and mod == 0:
                        dl = 4
                    dl = {1: 1, 2: 4}.get(mod, dl)
                if dl:
                    c.disp_at, c.disp_len = len(code), dl
                    code += rng.randbytes(dl)
        for s in spec:
            n = _imm_len(s, opsize, adsize)
            if s[0] == "O":
                c.disp_at, c.disp_len = len(code), n
            code += rng.randbytes(n)
        return c

    # -- choosing ----------------------------------------------------------------------
    def pick(self) -> Entry:
        return self.rng.choices(self.entries, self.weights)[0]

    def filler(self) -> Cand:
        return self.encode(self.rng.choice(self.fillers), regonly=True)


# -- steering memory operands into the window ---------------------------------------------
SP, BP, SI, DI, BX, CX = 4, 5, 6, 7, 3, 1


def _ptr_range(span):
    return LO + span + 16, HI - span - 16


def plan(gen: Generator, c: Cand, regs, flags, read_mem) -> bool:
    """Choose fix-ups and a target for a decoded candidate; False if it cannot be placed."""
    rng, bits = gen.rng, gen.bits
    d = c.insn
    m = d.mnem
    am = (1 << (8 * d.adsize)) - 1
    fx = c.fixups
    spw = {16: 2, 32: 4, 64: 8}[bits]               # stack pointer width (SS.B / 64-bit)
    spm = (1 << (8 * spw)) - 1

    def want(r, lo, hi, width, align=1):
        cur = regs[r] & ((1 << (8 * width)) - 1)
        if lo <= cur <= hi and rng.random() < 0.7:
            return
        v = rng.randrange(lo, hi + 1) & ~(align - 1)
        if r in fx and fx[r] != (v, width):
            raise _Reject
        fx[r] = (v, width)

    try:
        if m in STRING:
            size = 1 if m.endswith("b") else d.opsize
            cnt = 1
            if d.rep is not None:
                cnt = regs[CX] & am
                if cnt > 40 or rng.random() < 0.3:
                    cnt = rng.randrange(13) if rng.random() < 0.85 else rng.randrange(60, 400)
                    fx[CX] = (cnt, d.adsize)
            lo, hi = _ptr_range(cnt * size)
            uses_si = m[:4] in ("movs", "cmps", "lods")
            uses_di = m[:4] in ("movs", "cmps", "stos", "scas")
            if uses_si:
                want(SI, lo, hi, d.adsize)
            if uses_di:
                if uses_si and rng.random() < 0.3:
                    # Same or overlapping strings: long REPE runs, overlapping copies.
                    si = fx[SI][0] if SI in fx else regs[SI] & am
                    fx[DI] = (si + rng.randrange(-8, 9), d.adsize)
                else:
                    want(DI, lo, hi, d.adsize)
        if m in STACK or m == "call":
            if m == "leave":
                want(BP, LO + 0x200, HI - 0x200, spw, 2)
            else:
                want(SP, LO + 0x200, HI - 0x200, spw, 2)
            if m == "enter" and d.operands[1][1] & 31:
                want(BP, LO + 0x300, HI - 0x200, spw, 2)
            if m == "popf":
                sp = (fx[SP][0] if SP in fx else regs[SP]) & spm
                if read_mem(sp, 2) & TF:
                    raise _Reject                  # would single-step the next instruction
        if m in ("div", "idiv") and d.operands[0][0] in ("r", "m") and \
                (d.operands[0][2] if d.operands[0][0] == "r" else d.operands[0][1]) > 1 \
                and rng.random() < 0.6:
            # A small high half of the dividend, so that most divisions do not overflow.
            w = d.opsize
            v = rng.randrange(4)
            if m == "idiv" and rng.random() < 0.5:
                v = (1 << (8 * w)) - 1 - v
            fx[2] = (v, w)
        if m == "xlat":
            want(BX, LO, HI - 0x100, d.adsize)
        if m == "enter" and d.operands[0][1] > 0x100:
            # Keep the allocation inside the window (our ENTER probes the new stack top,
            # as Bochs does; unicorn does not).
            c.code[-3:-1] = rng.randrange(0x100).to_bytes(2, "little")
        mops = [o for o in d.operands if o[0] == "m"]
        if mops:
            size = mops[0][1]
            if m == "cmpxchg8b" and d.rex & 8 and bits == 64:
                size = 16
            align = 16 if m == "cmpxchg8b" and size == 16 and rng.random() < 0.9 else 1
            if m in ("bt", "bts", "btr", "btc") and d.operands[1][0] == "r":
                r = d.operands[1][1]
                if r in (d.base, d.index):
                    raise _Reject
                o = sext(regs[r], size)
                c.extra = size * (o >> (3 + size.bit_length() - 1))
            tgt = rng.randrange(LO + 64, HI - 64 - size) & ~(align - 1)
            c.target = tgt
            need = (tgt - c.extra) & am
            if d.riprel and m in ("shld", "shrd") and d.operands[2][0] == "i":
                # RIP-relative addresses count from the end of the instruction, imm8
                # included (SDM Vol. 2, 2.2.1.6); unicorn forgets SHLD/SHRD's imm8.
                raise _Reject
            if d.riprel or (d.base < 0 and d.index < 0):
                return True
            if m == "pop" and SP in (d.base, d.index):
                raise _Reject                      # EA uses the popped RSP: keep it simple
            rest = _rest(d, regs, fx)
            disp = (need - rest) & am
            if _fits(disp, c.disp_len, d.adsize):
                return True
            # Set a register so that the displacement we have reaches the target.
            dv = sext(int.from_bytes(c.code[c.disp_at:c.disp_at + c.disp_len], "little"),
                      c.disp_len) if c.disp_len else 0
            if d.base >= 0 and d.base != d.index and d.base not in fx and d.base != SP:
                idx = (_reg(regs, fx, d.index) << d.scale) if d.index >= 0 else 0
                fx[d.base] = ((need - dv - idx) & am, d.adsize)
                return True
            if d.index >= 0 and d.index not in fx and d.index != SP:
                k = (1 << d.scale) + (1 if d.base == d.index else 0)
                base = _reg(regs, fx, d.base) if d.base >= 0 and d.base != d.index else 0
                v = ((need - dv - base) & am) // k
                fx[d.index] = (v, d.adsize)
                c.target = (v * k + base + dv + c.extra) & am
                if not LO <= c.target <= HI - size - 8:
                    raise _Reject
                return True
            raise _Reject
        return True
    except _Reject:
        return False


class _Reject(Exception):
    pass


def _reg(regs, fx, r):
    return fx[r][0] if r in fx else regs[r]


def _rest(d, regs, fx):
    v = 0
    if d.base >= 0:
        v += _reg(regs, fx, d.base)
    if d.index >= 0:
        v += _reg(regs, fx, d.index) << d.scale
    return v


def _fits(disp, dlen, adsize):
    """Can a displacement of dlen bytes produce `disp` (mod the address size)?"""
    if dlen == 0:
        return disp == 0
    if dlen >= adsize:
        return True
    am = (1 << (8 * adsize)) - 1
    s = sext(disp, dlen)
    return (s & am) == disp


def finalize(c: Cand, regs, rip: int) -> bool:
    """Patch the displacement for the registers as they now are; False if out of reach."""
    d = c.insn
    if c.target is None:
        return True
    am = (1 << (8 * d.adsize)) - 1
    need = (c.target - c.extra) & am
    if d.riprel:
        disp = (need - (rip + len(c.code))) & 0xFFFFFFFFFFFFFFFF
        if not _fits(disp, 4, 8):
            return False
    else:
        rest = 0
        if d.base >= 0:
            rest += regs[d.base]
        if d.index >= 0:
            rest += regs[d.index] << d.scale
        disp = (need - rest) & am
        if not _fits(disp, c.disp_len, d.adsize):
            return False
    if c.disp_len:
        c.code[c.disp_at:c.disp_at + c.disp_len] = (disp & ((1 << (8 * c.disp_len)) - 1)) \
            .to_bytes(c.disp_len, "little")
    return True


def mov_imm(bits: int, r: int, value: int, width: int) -> bytes:
    """`mov r, imm` setting the low `width` bytes of register r (a fix-up)."""
    out = bytearray()
    if width == 2 and bits != 16 or width == 4 and bits == 16:
        out.append(0x66)
    if bits == 64:
        rex = (0x48 if width == 8 else 0x40) | (r >> 3)
        if rex != 0x40:
            out.append(rex)
    out.append(0xB8 + (r & 7))
    out += (value & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
    return bytes(out)
