"""Our decoder against capstone: instruction lengths and mnemonics on random byte strings in
16-, 32- and 64-bit code.

Skipped, by design: byte strings capstone calls invalid, and instructions outside the set this
model implements (x87, MMX, SSE*, AVX*, XSAVE, TSX, SVM, MOVBE, ...: capstone names them with a
mnemonic that appears nowhere in our opcode table) when we decode them as #UD (the README says
so). Everything else must agree in length and mnemonic. Deliberate disagreements, each with its
reason, are in AGREE_TO_DIFFER.
"""
import random

import pytest
from capstone import CS_ARCH_X86, CS_MODE_16, CS_MODE_32, CS_MODE_64, Cs

from machine.x86 import decode as D
from machine.x86.decode import decode

SAMPLES = 50000         # per mode in the default run
MODES = {16: CS_MODE_16, 32: CS_MODE_32, 64: CS_MODE_64}

# Our internal mnemonics -> capstone's names, where they differ.
SIZED = {2: "w", 4: "d", 8: "q"}
NAMES = {
    "imul1": {"imul"}, "imul2": {"imul"}, "imul3": {"imul"},
    "movsr": {"mov"}, "movcr": {"mov"}, "movdr": {"mov"}, "mov": {"mov", "movabs"},
    "jmpf": {"ljmp", "jmp"}, "callf": {"lcall", "call"}, "retf": {"retf", "retfq"},
    "xlat": {"xlatb"}, "sal": {"sal", "shl"}, "toolong": set(),
    # 0F 0D and 0F 18 are prefetch hints; 0F 19-1F are reserved NOPs that capstone names by
    # what later extensions (MPX, CLDEMOTE, CET) put there.
    "nop": {"nop", "prefetch", "prefetchw", "prefetchwt1", "prefetchnta", "prefetcht0",
            "prefetcht1", "prefetcht2", "bndldx", "bndstx", "bndmov", "bndcl", "bndcu",
            "bndcn", "bndmk", "endbr32", "endbr64", "rdsspd", "rdsspq", "cldemote"},
    "cmpxchg8b": {"cmpxchg8b", "cmpxchg16b"},
    "sysret": {"sysret", "sysretl", "sysretq"}, "sysexit": {"sysexit", "sysexitl", "sysexitq"},
}

def expected(d) -> set:
    """capstone's possible names for our decoded instruction."""
    m = d.mnem
    if m in NAMES:
        return NAMES[m]
    if m[-1] in "bv" and m[:-1] in ("movs", "cmps", "stos", "lods", "scas", "ins", "outs"):
        if m[-1] == "b":
            return {m}
        size = 4 if m[:-1] in ("ins", "outs") and d.opsize == 8 else d.opsize
        return {m[:-1] + SIZED[size]}
    if m in ("pusha", "popa"):
        return {m + ("w" if d.opsize == 2 else "l")}
    if m in ("pushf", "popf"):
        return {m + {2: "", 4: "d", 8: "q"}[d.opsize], m}
    if m == "iret":
        return {"iret" + {2: "", 4: "d", 8: "q"}[d.opsize]}
    if m == "cbw":
        return {{2: "cbw", 4: "cwde", 8: "cdqe"}[d.opsize]}
    if m == "cwd":
        return {{2: "cwd", 4: "cdq", 8: "cqo"}[d.opsize]}
    if m == "jcxz":
        return {{2: "jcxz", 4: "jecxz", 8: "jrcxz"}[d.adsize]}
    return {m}


def _all_names() -> set:
    """Every capstone name our opcode table can stand for."""
    mnems = set()

    def walk(e):
        if isinstance(e, D.Op):
            mnems.add(e.mnem)
        elif isinstance(e, list):
            for x in e:
                walk(x)
        elif isinstance(e, dict):
            for x in e.values():
                walk(x)
    for t in (D.ONE, D.TWO, D.PREFIXED, D.THREE_38):
        for e in t.values():
            walk(e)
    for e in (D.MOVSXD, D.XCHG_R8, D.PAUSE):
        walk(e)
    out = set()

    class Fake:
        pass
    for m in mnems:
        for size in (2, 4, 8):
            f = Fake()
            f.mnem, f.opsize, f.adsize = m, size, size
            out |= expected(f)
    return out


OURS = _all_names()

# (mode, the name we expect, capstone's name): deliberate disagreements.
AGREE_TO_DIFFER = {
    # capstone 5 prints CBW/CWD in 16-bit code under their 32-bit names.
    (16, "cbw", "cwde"): "capstone", (16, "cwd", "cdq"): "capstone",
    # 67 E3 in 64-bit code is JECXZ (SDM Vol. 2, Jcc); capstone says JRCXZ.
    (64, "jecxz", "jrcxz"): "capstone",
    # INS/OUTS have no 64-bit form: with 66H and REX.W, REX.W wins (SDM Vol. 1, 3.6.1) and
    # the size is 32 bits, as QEMU and Bochs decode it; capstone lets 66H make it 16.
    (64, "insd", "insw"): "REX.W over 66H", (64, "outsd", "outsw"): "REX.W over 66H",
    # SWAPGS is #UD outside 64-bit mode (SDM Vol. 2, SWAPGS); capstone decodes it anyway.
    (16, "ud", "swapgs"): "o64", (32, "ud", "swapgs"): "o64",
    # F3 0F 09 is WBNOINVD where supported and WBINVD elsewhere (SDM Vol. 2, WBNOINVD).
    **{(b, "wbinvd", "wbnoinvd"): "no WBNOINVD" for b in (16, 32, 64)},
    # VMREAD/VMWRITE are "NP 0F 78/79": with a 66/F2/F3 prefix they are #UD on Intel (SDM
    # Vol. 2); capstone decodes them anyway (or as AMD's SSE4A EXTRQ/INSERTQ).
    **{(b, "ud", x): "NP" for b in (16, 32, 64)
       for x in ("vmread", "vmwrite", "extrq", "insertq")},
    # F3 REX.W 90: both are NOPs; we read the F3 90 of PAUSE, capstone XCHG RAX,RAX.
    (64, "pause", "xchg"): "both NOP",
}
# UD0 (0F FF /r) and UD1 (0F B9 /r) take a ModRM byte (SDM Vol. 2, UD); capstone decodes
# them as two bytes long. The mnemonic must still agree.
LENGTH_MAY_DIFFER = {"ud0", "ud1"}
BRANCHES = {"jmp", "call", "ret"} | {f"j{c}" for c in D.opcodes.CC}


def capstone_length_wrong(bits, d) -> bool:
    """Encodings whose length capstone gets wrong: in 64-bit mode a near branch ignores 66H
    on Intel processors (SDM Vol. 2, Jcc/JMP/CALL: rel16 "N.S." in 64-bit mode), and RET
    imm16 has a 16-bit immediate whatever the prefixes; capstone shortens the first (AMD's
    reading) and lengthens the second when 66H and REX.W meet."""
    return bits == 64 and d.prefix66 and d.mnem in BRANCHES


def _vector(c) -> bool:
    """capstone operands naming x87/MMX/SSE/AVX registers (MOVSD xmm is not MOVSD)."""
    return any(r in c.op_str for r in ("xmm", "ymm", "zmm", "mm", "st("))


def _samples(rng, bits, n):
    """Random byte strings, a third of them steered to prefixes and the 0F map."""
    pre = [0x66, 0x67, 0xF2, 0xF3, 0xF0, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65]
    for i in range(n):
        b = bytearray(rng.randbytes(16))
        k = i % 3
        if k == 1:
            b[0] = 0x0F
        elif k == 2:
            np = rng.randrange(1, 4)
            b[:np] = bytes(rng.choice(pre) for _ in range(np))
            if bits == 64 and rng.random() < 0.5:
                b[np:np + 1] = bytes([0x40 | rng.randrange(16)])
        yield bytes(b)


def compare(cs, bits, code):
    """None when ours and capstone agree (or the case is skipped), else a message."""
    try:
        d = decode(code, 0, bits)
    except Exception as e:
        return f"{bits}-bit {code.hex(' ')}: our decoder raised {e!r}"
    got = list(cs.disasm(code, 0, 1))
    if not got:
        return None                                  # capstone: invalid
    c = got[0]
    name = c.mnemonic.split()[-1]                    # drop rep/lock/bnd/notrack prefixes
    ud = d.mnem == "ud" or any(o[0] == "bad" for o in d.operands)   # (C4/C5 mod=11: VEX)
    if ud and (name not in OURS or _vector(c)):
        return None                                  # an extension this model lacks
    want = expected(d)
    if any((bits, w, name) in AGREE_TO_DIFFER for w in want):
        return None
    if name in want and (d.length == c.size or d.mnem in LENGTH_MAY_DIFFER
                         or capstone_length_wrong(bits, d)):
        return None
    return (f"{bits}-bit {code[:max(d.length, c.size)].hex(' ')}: ours {d.mnem} "
            f"(length {d.length}), capstone {c.mnemonic} {c.op_str} (length {c.size})")


@pytest.mark.parametrize("bits", [16, 32, 64])
def test_decoder_agrees_with_capstone(bits):
    rng = random.Random(f"capstone:{bits}")
    cs = Cs(CS_ARCH_X86, MODES[bits])
    bad = [m for m in (compare(cs, bits, c) for c in _samples(rng, bits, SAMPLES)) if m]
    assert not bad, f"{len(bad)} of {SAMPLES} disagree:\n" + "\n".join(bad[:40])
