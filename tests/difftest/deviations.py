"""Places where unicorn (QEMU 5 TCG) is known to differ from the SDM, excluded narrowly.

unicorn_deviation(insn, bits, regs_before, ours, theirs) -> ({register index: bit mask},
flag mask): register bits and flags not to compare for this one instruction. The runner then
copies our value of those bits into unicorn, so the sequence goes on from the architecturally
right state. Each entry names the SDM rule unicorn breaks. (Encodings unicorn cannot run at
all are not generated; see the comments in gen.py.)
"""
from __future__ import annotations

from machine.x86.flags import AF, CF, PF, SF, ZF

FULL = (1 << 64) - 1


def unicorn_deviation(insn, bits, before, ours, theirs):
    m = insn.mnem
    if m == "neg" and insn.lock:
        # SDM Vol. 2, NEG: "SF, ZF, AF and PF are set according to the result". unicorn's
        # LOCK NEG computes them from the source operand.
        return {}, SF | ZF | AF | PF
    if m in ("lahf", "sahf") and insn.rex:
        # SDM Vol. 2, LAHF/SAHF: the register is always AH. With any REX prefix unicorn uses
        # SPL instead (byte register 4 with REX).
        if m == "lahf":
            return {0: 0xFF00, 4: 0xFF}, 0
        return {}, SF | ZF | AF | PF | CF
    if m == "popcnt" and (bits == 16 or insn.prefix66 and insn.rex & 8):
        # SDM Vol. 2 (2.2.1.2, operand size): 66H selects 32 bits in 16-bit code and REX.W
        # overrides 66H. unicorn's POPCNT takes 66H as "16 bits" in every mode and otherwise
        # 32/64, so in 16-bit code and with 66H+REX.W it counts the wrong width.
        return {insn.operands[0][1]: FULL}, ZF
    if m == "cmpxchg" and bits == 64 and insn.operands[1][2] == 4 and ours[0] == before[0]:
        # SDM Vol. 2, CMPXCHG: the accumulator is written only when the comparison fails, so
        # a successful 32-bit CMPXCHG leaves RAX[63:32] alone. unicorn (QEMU before 7.2)
        # writes EAX either way and so zero-extends RAX.
        return {0: 0xFFFFFFFF00000000}, 0
    return {}, 0
