"""The lockstep driver: generate an instruction from the current state, run it on both machines,
compare, repeat. Every sequence has its own seed, so one failing sequence can be rerun alone:

    python -m tests.difftest --bits 32 --seed 1 --index 417
"""
from __future__ import annotations

import random

from capstone import CS_ARCH_X86, CS_MODE_16, CS_MODE_32, CS_MODE_64, Cs

from machine.x86 import flags as F

from . import gen as G
from .deviations import unicorn_deviation
from .machines import CODE, FLAG_MASK, HI, LO, Ours, State, Unicorn
from .undefined import undefined_flags

REGN = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"] + [f"r{i}" for i in range(8, 16)]
FLAGN = [(F.CF, "CF"), (F.PF, "PF"), (F.AF, "AF"), (F.ZF, "ZF"), (F.SF, "SF"), (F.TF, "TF"),
         (F.IF, "IF"), (F.DF, "DF"), (F.OF, "OF"), (F.NT, "NT"), (F.AC, "AC"), (F.ID, "ID")]
SPECIAL = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF,
           0x80000000, 0xFFFFFFFF, 0x99, 0x09, 0x0F, 0xF9, 0xFA]


class Mismatch(AssertionError):
    pass


def _value(rng, width):
    r = rng.random()
    top = (1 << width) - 1
    if r < 0.3:
        return rng.getrandbits(width)
    if r < 0.45:
        return rng.randrange(0x100)
    if r < 0.6:
        v = rng.choice(SPECIAL)
        return (-v & top) if rng.random() < 0.3 else v
    if width == 64 and r < 0.7:
        return rng.choice((1 << 63, (1 << 63) - 1, top, 1 << 32, rng.getrandbits(32) << 32))
    return rng.randrange(LO, HI)


def random_state(rng, bits: int) -> State:
    width = 64 if bits == 64 else 32
    n = 16 if bits == 64 else 8
    regs = [_value(rng, width) for _ in range(n)]
    regs[4] = rng.randrange(LO + 0x400, HI - 0x400) & ~1
    if bits == 16 and rng.random() < 0.5:
        regs[4] |= rng.getrandbits(16) << 16          # ESP's upper half is not the stack
    flags = 0x2 | (rng.getrandbits(12) & F.ARITH)
    if rng.random() < 0.25:
        flags |= F.DF
    if rng.random() < 0.5:
        flags |= F.IF
    return State(regs, flags, rng.randbytes(HI - LO))


class Lockstep:
    """One machine pair per code size, reused for many sequences."""

    def __init__(self, bits: int):
        self.bits = bits
        self.ours = Ours(bits)
        self.uc = Unicorn(bits)
        self.gen = G.Generator(random.Random(0), bits)
        self.cs = Cs(CS_ARCH_X86, {16: CS_MODE_16, 32: CS_MODE_32, 64: CS_MODE_64}[bits])
        self.executed = 0

    # -- one sequence ------------------------------------------------------------------
    def run(self, seed, index: int, length: int = 8) -> int:
        """Run one sequence; return how many instructions executed; raise Mismatch."""
        rng = random.Random(f"{seed}:{self.bits}:{index}")
        self.gen.rng = rng
        self.where = (seed, index)
        self.start = random_state(rng, self.bits)
        self.ours.load(self.start)
        self.uc.load(self.start)
        self.trace = []
        self.end = CODE
        self.filler_at = None
        done = 0
        while done < length:
            rip = self.ours.rip()
            if rip == self.filler_at:
                self.filler_at = None
                if self._exec(rip):
                    break
                continue
            if rip != self.end:
                self._fail("RIP left the generated code", rip)
            done += 1
            if self._one(rng):
                break
        return len(self.trace)

    def _emit(self, code: bytes) -> int:
        at = self.end
        self.ours.write_code(at, code)
        self.uc.write_code(at, code)
        self.end += len(code)
        return at

    def _one(self, rng) -> bool:
        """Generate and run one instruction (with its fix-ups); True when a fault ended it."""
        gen, ours = self.gen, self.ours
        for _ in range(50):
            c = gen.encode(gen.pick())
            c.insn = ours.decode_bytes(bytes(c.code) + bytes(16))
            if c.insn.length != len(c.code):
                self._fail(f"decoder length {c.insn.length} but the table says {len(c.code)} "
                           f"for {c.entry}", CODE, extra=bytes(c.code))
            if G.plan(gen, c, ours.regs(), ours.flags(), ours.read):
                break
        else:
            raise RuntimeError("generator found nothing to place")
        for r, (v, w) in sorted(c.fixups.items()):
            if self._exec(self._emit(G.mov_imm(self.bits, r, v, w))):
                return True
        if not G.finalize(c, ours.regs(), self.end):
            return False
        if c.insn.mnem in G.BRANCH:
            f = gen.filler()
            ln = len(f.code)
            code = bytearray(c.code)
            n = _rel_bytes(c.insn)
            code[-n:] = ln.to_bytes(n, "little")     # the branch skips exactly the filler
            at = self._emit(bytes(code))
            self.filler_at = self._emit(bytes(f.code))
            return self._exec(at)
        return self._exec(self._emit(bytes(c.code)))

    def _exec(self, addr: int) -> bool:
        ours, uc = self.ours, self.uc
        before = ours.regs()
        insn = ours.decode_at(addr)
        self.trace.append((addr, insn))
        self.executed += 1
        fo = ours.step()
        fu = uc.step(insn.rep is not None and insn.mnem in G.STRING)
        self._compare(insn, before, fo, fu)
        return fo is not None

    # -- comparison ----------------------------------------------------------------------
    def _compare(self, insn, before, fo, fu):
        ours, uc = self.ours, self.uc
        ro, ru = ours.regs(), uc.regs()
        fl_o, fl_u = ours.flags(), uc.flags()
        undef = undefined_flags(insn, before)
        ignore, flag_ignore = unicorn_deviation(insn, self.bits, before, ro, ru)
        for i, m in ignore.items():
            ru[i] = (ru[i] & ~m) | (ro[i] & m)
            uc.set_reg(i, ru[i])                  # unicorn is wrong here: carry ours forward
        if flag_ignore:
            fl_u = (fl_u & ~flag_ignore) | (fl_o & flag_ignore)
            uc.set_flags(fl_u)
        problems = []
        if fo != fu:
            problems.append(f"fault: ours {_vec(fo)}, unicorn {_vec(fu)}")
        for i, (a, b) in enumerate(zip(ro, ru)):
            if a != b:
                problems.append(f"{REGN[i]}: ours {a:#x}, unicorn {b:#x}")
        if ours.rip() != uc.rip():
            problems.append(f"rip: ours {ours.rip():#x}, unicorn {uc.rip():#x}")
        cmpmask = FLAG_MASK & ~undef
        if (fl_o ^ fl_u) & cmpmask:
            bad = " ".join(n for b, n in FLAGN if (fl_o ^ fl_u) & cmpmask & b)
            problems.append(f"flags: ours {fl_o:#x}, unicorn {fl_u:#x} (differ: {bad})")
        wo, wu = ours.window(), uc.window()
        if wo != wu:
            at = next(i for i in range(len(wo)) if wo[i] != wu[i])
            problems.append(f"memory at {LO + at:#x}: ours {wo[at:at + 8].hex(' ')}, "
                            f"unicorn {wu[at:at + 8].hex(' ')}")
        if problems:
            self._fail("; ".join(problems), self.trace[-1][0])
        if undef:
            ours.set_flags((fl_o & ~undef) | (fl_u & undef))

    def _fail(self, what, addr, extra=b""):
        seed, index = self.where
        lines = [f"{self.bits}-bit differential mismatch: {what}",
                 (f"  rerun: python -m tests.difftest --bits {self.bits} --seed {seed} "
                  f"--index {index}"),
                 "  start: " + " ".join(f"{REGN[i]}={v:#x}" for i, v in
                                        enumerate(self.start.regs)) +
                 f" rflags={self.start.flags:#x}"]
        for a, insn in self.trace:
            raw = bytes(self.ours.cpu.ram[a:a + insn.length])
            lines.append(f"  {'>' if a == addr else ' '} {a:#06x}: {raw.hex(' '):<32} "
                         f"{self._dis(raw, a):<36} (ours: {insn.mnem})")
        if extra:
            lines.append(f"    bytes {extra.hex(' ')}: {self._dis(extra, addr)}")
        raise Mismatch("\n".join(lines))

    def _dis(self, raw, addr):
        for i in self.cs.disasm(raw, addr):
            return f"{i.mnemonic} {i.op_str}".strip()
        return "(capstone: invalid)"


def _rel_bytes(d) -> int:
    """Size of a near branch's displacement (always the last bytes of the instruction)."""
    if d.op.spec[0] == "Jb":
        return 1
    return 2 if d.opsize == 2 else 4


def _vec(v):
    return "none" if v is None else (f"#{v}" if isinstance(v, int) else v)
