"""Integer ALU, shift, deposit/extract and multimedia instructions (A and I units).

Each operation is a Python expression over `a` (GR r2 or an immediate), `b` (GR r3) and the
instruction's constants; closures are generated from these templates so the hot path is one
function call per instruction.  The result's NaT bit is the OR of the sources' NaT bits.
"""
from __future__ import annotations

from ..faults import illegal_op
from . import illegal, sem

M64 = (1 << 64) - 1
P4 = "((gr[r3] >> 30) & 3) << 61"

# sem -> (value expression, NaT expression); `imm`, `cnt`, `pos`, `lm` are constants
OPS = {
    "add": ("(gr[r2] + gr[r3]) & M", "nat[r2] | nat[r3]"),
    "add1": ("(gr[r2] + gr[r3] + 1) & M", "nat[r2] | nat[r3]"),
    "sub": ("(gr[r2] - gr[r3]) & M", "nat[r2] | nat[r3]"),
    "sub1": ("(gr[r2] - gr[r3] - 1) & M", "nat[r2] | nat[r3]"),
    "addp4": (f"((gr[r2] + gr[r3]) & 0xFFFFFFFF) | {P4}", "nat[r2] | nat[r3]"),
    "and": ("gr[r2] & gr[r3]", "nat[r2] | nat[r3]"),
    "andcm": ("gr[r2] & ~gr[r3]", "nat[r2] | nat[r3]"),
    "or": ("gr[r2] | gr[r3]", "nat[r2] | nat[r3]"),
    "xor": ("gr[r2] ^ gr[r3]", "nat[r2] | nat[r3]"),
    "and_i": ("imm & gr[r3]", "nat[r3]"),
    "andcm_i": ("imm & ~gr[r3] & M", "nat[r3]"),
    "or_i": ("(imm | gr[r3]) & M", "nat[r3]"),
    "xor_i": ("(imm ^ gr[r3]) & M", "nat[r3]"),
    "sub_i": ("(imm - gr[r3]) & M", "nat[r3]"),
    "shladd": ("((gr[r2] << cnt) + gr[r3]) & M", "nat[r2] | nat[r3]"),
    "shladdp4": (f"(((gr[r2] << cnt) + gr[r3]) & 0xFFFFFFFF) | {P4}", "nat[r2] | nat[r3]"),
    "adds": ("(imm + gr[r3]) & M", "nat[r3]"),
    "addl": ("(imm + gr[r3]) & M", "nat[r3]"),
    "addp4_i": (f"((imm + gr[r3]) & 0xFFFFFFFF) | {P4}", "nat[r3]"),
    "zxt1": ("gr[r3] & 0xFF", "nat[r3]"), "zxt2": ("gr[r3] & 0xFFFF", "nat[r3]"),
    "zxt4": ("gr[r3] & 0xFFFFFFFF", "nat[r3]"),
    "sxt1": ("(gr[r3] & 0xFF) - ((gr[r3] & 0x80) << 1) & M", "nat[r3]"),
    "sxt2": ("(gr[r3] & 0xFFFF) - ((gr[r3] & 0x8000) << 1) & M", "nat[r3]"),
    "sxt4": ("(gr[r3] & 0xFFFFFFFF) - ((gr[r3] & 0x80000000) << 1) & M", "nat[r3]"),
    "shl": ("(gr[r2] << gr[r3]) & M if gr[r3] < 64 else 0", "nat[r2] | nat[r3]"),
    "shr_u": ("gr[r3] >> gr[r2] if gr[r2] < 64 else 0", "nat[r2] | nat[r3]"),
    "shr": ("((gr[r3] - ((gr[r3] >> 63) << 64)) >> min(gr[r2], 63)) & M", "nat[r2] | nat[r3]"),
    "extr_u": ("(gr[r3] >> pos) & lm", "nat[r3]"),
    "extr": ("((((gr[r3] >> pos) & lm) ^ sb) - sb) & M", "nat[r3]"),
    "dep_z": ("((gr[r2] & lm) << pos) & M", "nat[r2]"),
    "dep_z_i": ("imm", "0"),
    "dep": ("(gr[r3] & ~(lm << pos) | (gr[r2] & lm) << pos) & M", "nat[r2] | nat[r3]"),
    "dep_i": ("(gr[r3] & ~(lm << pos) | (imm & lm) << pos) & M", "nat[r3]"),
    "shrp": ("(((gr[r2] << 64) | gr[r3]) >> cnt) & M", "nat[r2] | nat[r3]"),
    "popcnt": ("gr[r3].bit_count()", "nat[r3]"),
    "mov_ip": ("imm", "0"), "movl": ("imm", "0"),
    "mov_from_br": ("br[r2]", "0"),
    "mov_from_pr": ("sum(p << i for i, p in enumerate(pr))", "0"),
    "czx1_l": ("czx(gr[r3], 8, True)", "nat[r3]"), "czx2_l": ("czx(gr[r3], 16, True)", "nat[r3]"),
    "czx1_r": ("czx(gr[r3], 8, False)", "nat[r3]"),
    "czx2_r": ("czx(gr[r3], 16, False)", "nat[r3]"),
    "mux1": ("mux1(gr[r2], imm)", "nat[r2]"), "mux2": ("mux2(gr[r2], imm)", "nat[r2]"),
    "pshl2": ("pshift(gr[r2], 16, gr[r3], 'l')", "nat[r2] | nat[r3]"),
    "pshl4": ("pshift(gr[r2], 32, gr[r3], 'l')", "nat[r2] | nat[r3]"),
    "pshr2": ("pshift(gr[r3], 16, gr[r2], 'a')", "nat[r2] | nat[r3]"),
    "pshr4": ("pshift(gr[r3], 32, gr[r2], 'a')", "nat[r2] | nat[r3]"),
    "pshr2_u": ("pshift(gr[r3], 16, gr[r2], 'r')", "nat[r2] | nat[r3]"),
    "pshr4_u": ("pshift(gr[r3], 32, gr[r2], 'r')", "nat[r2] | nat[r3]"),
    "pshl2_i": ("pshift(gr[r2], 16, cnt, 'l')", "nat[r2]"),
    "pshl4_i": ("pshift(gr[r2], 32, cnt, 'l')", "nat[r2]"),
    "pshr2_i": ("pshift(gr[r3], 16, cnt, 'a')", "nat[r3]"),
    "pshr4_i": ("pshift(gr[r3], 32, cnt, 'a')", "nat[r3]"),
    "pshr2_u_i": ("pshift(gr[r3], 16, cnt, 'r')", "nat[r3]"),
    "pshr4_u_i": ("pshift(gr[r3], 32, cnt, 'r')", "nat[r3]"),
}


def czx(v: int, w: int, left: bool) -> int:
    """Index of the first all-zero element (from the left or the right), or 64/w if none."""
    n = 64 // w
    m = (1 << w) - 1
    for k in range(n):
        i = n - 1 - k if left else k
        if not (v >> (i * w)) & m:
            return k
    return n


def mux1(v: int, mbt: str) -> int:
    b = [(v >> (8 * i)) & 0xFF for i in range(8)]
    if mbt == "@brcst":
        out = [b[0]] * 8
    elif mbt == "@rev":
        out = b[::-1]
    elif mbt == "@mix":
        out = [b[0], b[4], b[2], b[6], b[1], b[5], b[3], b[7]]
    elif mbt == "@shuf":
        out = [b[0], b[4], b[1], b[5], b[2], b[6], b[3], b[7]]
    elif mbt == "@alt":
        out = [b[0], b[2], b[4], b[6], b[1], b[3], b[5], b[7]]
    else:
        raise illegal_op()
    return sum(x << (8 * i) for i, x in enumerate(out))


def mux2(v: int, sel: int) -> int:
    h = [(v >> (16 * i)) & 0xFFFF for i in range(4)]
    return sum(h[(sel >> (2 * i)) & 3] << (16 * i) for i in range(4))


def pshift(v: int, w: int, count: int, kind: str) -> int:
    m = (1 << w) - 1
    out = 0
    for i in range(64 // w):
        e = (v >> (w * i)) & m
        if kind == "l":
            e = (e << count) & m if count < w else 0
        elif kind == "r":
            e = e >> count if count < w else 0
        else:
            s = e - ((e >> (w - 1)) << w)
            e = (s >> min(count, w - 1)) & m
        out |= e << (w * i)
    return out


_SRC = '''
def make(gr, nat, br, pr, cpu, r1, r2, r3, imm, cnt, pos, lm, sb, czx, mux1, mux2, pshift,
         illegal_op, M):
    if r1 < 32:
        def f():
            v = {v}
            nat[r1] = {n}
            gr[r1] = v
    else:
        def f():
            if r1 >= cpu.frame_top:
                raise illegal_op()
            v = {v}
            nat[r1] = {n}
            gr[r1] = v
    return f
'''
_MAKERS = {}
for _k, (_v, _n) in OPS.items():
    _ns: dict = {}
    exec(compile(_SRC.format(v=_v, n=_n), f"<ia64 {_k}>", "exec"), _ns)  # noqa: S102 (our templates)
    _MAKERS[_k] = _ns["make"]


@sem(*OPS)
def build_alu(cpu, insn, ip):
    v, s = insn.v, insn.sem
    r1 = v.get("r1", 0)
    if r1 == 0:
        return illegal
    imm = v.get("imm8", v.get("imm14", v.get("imm22", v.get("imm1", 0))))
    cnt = v.get("count2", v.get("count6", v.get("count5", 0)))
    pos = v.get("pos6", 0)
    ln = v.get("len6", v.get("len4", 1))
    ln = min(ln, 64 - pos)
    lm, sb = (1 << ln) - 1, 1 << (ln - 1)
    r2 = v.get("r2", 0)
    if s in ("and_i", "or_i", "xor_i", "andcm_i", "sub_i", "adds", "addl", "addp4_i"):
        imm &= M64
    if s == "dep_z_i":
        imm = ((v["imm8"] & lm) << pos) & M64
    elif s == "mov_ip":
        imm = ip
    elif s == "movl":
        imm = v["imm64"]
    elif s == "mov_from_br":
        r2 = v["b2"]
    elif s == "mux1":
        imm = v["mbtype"]
    elif s == "mux2":
        imm = v["mht8"]
    elif s.startswith(("pshl", "pshr")) and s.endswith("_i"):
        cnt = v["count5"]
    return _MAKERS[s](cpu.gr, cpu.nat, cpu.br, cpu.pr, cpu, r1, r2, v.get("r3", 0), imm, cnt,
                      pos, lm, sb, czx, mux1, mux2, pshift, illegal_op, M64)
