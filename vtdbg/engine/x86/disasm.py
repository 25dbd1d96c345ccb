"""x86 disassembly through capstone (Intel syntax), with branch kinds for stepping."""
from __future__ import annotations

import capstone
from capstone import x86 as cx

from ..arch import Insn

MODES = {16: capstone.CS_MODE_16, 32: capstone.CS_MODE_32, 64: capstone.CS_MODE_64}
CJUMPS = {"jo", "jno", "jb", "jae", "je", "jne", "jbe", "ja", "js", "jns", "jp", "jnp", "jl",
          "jge", "jle", "jg", "jcxz", "jecxz", "jrcxz", "loop", "loope", "loopne"}


class X86Disassembler:
    def __init__(self):
        self._cs = {}

    def _engine(self, bits: int):
        md = self._cs.get(bits)
        if md is None:
            md = capstone.Cs(capstone.CS_ARCH_X86, MODES[bits])
            md.detail = True
            md.skipdata = False
            self._cs[bits] = md
        return md

    def disassemble(self, code: bytes, address: int, count: int, bits: int = 64) -> list[Insn]:
        md = self._engine(bits)
        out: list[Insn] = []
        pos = 0
        while len(out) < count and pos < len(code):
            got = False
            for ins in md.disasm(code[pos:], address + pos, count - len(out)):
                out.append(_insn(ins))
                pos += ins.size
                got = True
            if len(out) >= count or pos >= len(code):
                break
            if not got or pos < len(code):
                # capstone stops at bytes it cannot decode: show one as data and go on
                b = code[pos]
                out.append(Insn(address + pos, 1, bytes([b]), "(bad)", f"{b:#04x}"))
                pos += 1
        return out


def _insn(ins) -> Insn:
    kind, target = "", None
    groups = set(ins.groups)
    m = ins.mnemonic
    if capstone.CS_GRP_CALL in groups:
        kind = "call"
    elif capstone.CS_GRP_RET in groups or capstone.CS_GRP_IRET in groups:
        kind = "ret"
    elif capstone.CS_GRP_JUMP in groups:
        kind = "cjump" if m in CJUMPS else "jump"
    if kind in ("call", "jump", "cjump") and ins.operands and \
            ins.operands[0].type == cx.X86_OP_IMM:
        target = ins.operands[0].imm & 0xFFFFFFFFFFFFFFFF
    return Insn(ins.address, ins.size, bytes(ins.bytes), m, ins.op_str, kind=kind, target=target)
