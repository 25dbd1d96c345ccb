"""IA-64 disassembly for the debugger: one Insn per instruction slot, addressed bundle + slot
(machine/ia64/disasm.py's `disassemble` face), shown in GNU objdump's columns: the template
on a bundle's first slot, the qualifying predicate, the instruction, the stop mark `;;`, and
a branch target followed by its symbol as objdump prints it (`b0=0x100000 <puts>;;`).

Branch kinds for stepping: br.call/brl.call are calls (they return to the next bundle),
br.ret is a return, an unpredicated br/brl is a jump, and a predicated one or a loop branch
(cloop, ctop, cexit, wtop, wexit) a conditional jump."""
from __future__ import annotations

from dataclasses import dataclass

from machine.ia64.decode import decode_bundle
from machine.ia64.disasm import disassemble as machine_disassemble
from machine.ia64.disasm import insn_text

from ..arch import Insn

M64 = (1 << 64) - 1
CALLS = {"br_call", "br_call_ind", "brl_call"}
RETURNS = {"br_ret"}
JUMPS = {"br_cond", "br_ind", "brl"}
LOOPS = {"br_cloop", "br_ctop", "br_cexit", "br_wtop", "br_wexit"}


@dataclass
class IA64Insn(Insn):
    template: str = ""               # "MII", ... on a bundle's first slot, else ""
    qp: int = 0
    stop: bool = False               # an instruction group ends after this slot
    slot: int = 0

    @property
    def text(self) -> str:
        return self.render(lambda a: "")

    def render(self, sym, columns: bool = True) -> str:
        """objdump's line for this slot; sym(address) names a branch target. Without
        columns: just the predicate and the instruction."""
        body = f"{self.mnemonic} {self.operands}".rstrip()
        if self.target is not None:
            name = sym(self.target)
            if name:
                t = f"{self.target:#x}"
                body = body.replace(t, f"{t} <{name}>", 1)
        head = f"[{self.template}]" if self.template else ""
        pred = f"(p{self.qp:02d})" if self.qp else ""
        if not columns:
            return f"{pred} {body}".lstrip()
        return f"{head:<6}{pred:>5} {body}{';;' if self.stop else ''}"


def _kind(ins) -> str:
    sem = ins.sem
    if sem in CALLS:
        return "call"
    if sem in RETURNS:
        return "ret"
    if sem in LOOPS or (sem in JUMPS and ins.qp):
        return "cjump"
    if sem in JUMPS:
        return "jump"
    return ""


def disassemble(read, address: int, count: int) -> list[IA64Insn]:
    """`count` slots from `address`; read(addr, 16) returns a bundle or raises."""
    out: list[IA64Insn] = []
    decoded: dict[int, object] = {}
    for line in machine_disassemble(read, address, count):
        bundle, slot = line.address & ~0xF, line.address & 0xF
        b = decoded.get(bundle)
        if b is None:
            b = decoded[bundle] = decode_bundle(line.raw)
        ins = b.insns[slot]
        text = insn_text(ins, bundle)
        mnem, _, ops = text.partition(" ")
        target = (bundle + ins.v["target"]) & M64 if "target" in ins.v else None
        kind = _kind(ins)
        lo = 6 * slot
        hi = 16 if line.address + line.length >= bundle + 16 else lo + 6
        stop = slot in b.stops or (ins.unit == "X" and 2 in b.stops)
        out.append(IA64Insn(line.address, line.length, line.raw[lo:hi], mnem, ops,
                            kind=kind, target=target,
                            returns_to=(bundle + 16) & M64 if kind == "call" else None,
                            template=b.units if slot == 0 else "", qp=ins.qp, stop=stop,
                            slot=slot))
    return out
