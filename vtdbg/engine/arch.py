"""The face every CPU shows the engine, so each debugger feature exists once for all of them.

An architecture adapter (x86 now, IA-64 later) provides:
- a register file description: names, widths, groups, how to read and write each register;
- a disassembler: address, length, bytes, text and the nearest symbol;
- memory access without side effects (virtual in the current context, and physical);
- "virtualization events": a VT-x VM exit, VM entry or entry failure (a VT-i virtualization
  fault, PAL call or resume later) as one `VirtEvent` family;
- the control structure as data: the VMCS (x86) or the VPD (IA-64), each field with a name,
  width, area and a decoder for its bits, so one view serves both.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import VtdbgError


# -- registers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegDesc:
    name: str
    bits: int
    group: str
    get: Callable[[], int]
    set: Callable[[int], None] | None = None      # None: read-only
    aliases: tuple[str, ...] = ()
    describe: Callable[[int], str] | None = None   # extra text for `info registers`
    address: bool = False                          # holds an address: show <symbol+off>


class RegisterFile:
    """An ordered list of registers with lookup by name or alias (case-insensitive)."""

    def __init__(self, regs: list[RegDesc], groups: list[tuple[str, str]]):
        self.regs = regs
        self.groups = groups                        # (key, title), display order
        self.by_name: dict[str, RegDesc] = {}
        for r in regs:
            for n in (r.name, *r.aliases):
                self.by_name[n.lower()] = r

    def lookup(self, name: str) -> RegDesc:
        r = self.by_name.get(name.lower())
        if r is None:
            raise VtdbgError(f"no register named ${name}")
        return r

    def get(self, name: str) -> int:
        return self.lookup(name).get()

    def set(self, name: str, value: int) -> None:
        r = self.lookup(name)
        if r.set is None:
            raise VtdbgError(f"${r.name} is read-only")
        if value < 0:
            value &= (1 << r.bits) - 1
        if value >> r.bits:
            raise VtdbgError(f"value {value:#x} does not fit in ${r.name} ({r.bits} bits)")
        r.set(value)

    def in_group(self, group: str) -> list[RegDesc]:
        return [r for r in self.regs if r.group == group]

    def values(self) -> dict[str, int | None]:
        """Every register's value (None when it cannot be read now): for change highlighting."""
        out: dict[str, int | None] = {}
        for r in self.regs:
            try:
                out[r.name] = r.get()
            except VtdbgError:
                out[r.name] = None
        return out

    def names(self) -> list[str]:
        return sorted(self.by_name)


# -- disassembly ---------------------------------------------------------------------------------
@dataclass
class Insn:
    address: int
    length: int
    raw: bytes
    mnemonic: str
    operands: str
    symbol: str = ""                 # "name+off" of the address, when a symbol covers it
    kind: str = ""                   # "call", "ret", "jump", "cjump", "" (for stepping)
    target: int | None = None        # direct branch target
    returns_to: int | None = None    # a call's return address when it is not address+length

    @property
    def text(self) -> str:
        return f"{self.mnemonic} {self.operands}".rstrip()


class Disassembler(Protocol):
    def disassemble(self, code: bytes, address: int, count: int) -> list[Insn]: ...


# -- the control structure (VMCS / VPD) ----------------------------------------------------------
@dataclass(frozen=True)
class CtlField:
    name: str
    width: int                       # bits
    area: str                        # key of one of ControlStructure.areas
    description: str
    key: int                         # encoding (VMCS) or offset (VPD)
    read_only: bool = False


class ControlStructure(Protocol):
    title: str                       # "VMCS" or "VPD"
    areas: list[tuple[str, str]]     # (key, title) in display order

    def present(self) -> bool: ...
    def header(self) -> list[str]: ...
    def fields(self, area: str | None = None) -> list[CtlField]: ...
    def lookup(self, name: str) -> CtlField: ...
    def value(self, f: CtlField) -> int: ...
    def decode(self, f: CtlField, value: int) -> str: ...
    def write(self, f: CtlField, value: int) -> None: ...


# -- virtualization events -----------------------------------------------------------------------
@dataclass
class VirtEvent:
    """One transition between a VMM and its guest, as the exit log and catchpoints see it.

    kind: "exit" (VM exit / virtualization fault), "entry" (VM entry / resume), "entry-fail"
    (VMfail or a VM-entry failure exit). reason/name: the exit reason (number and SDM name)."""
    kind: str
    icount: int
    reason: int = -1
    name: str = ""
    qualification: int = 0
    guest_rip: int = 0
    guest_linear: int | None = None
    guest_physical: int | None = None
    length: int = 0
    intr_info: int = 0
    cause: str = ""
    cause_field: str = ""
    cause_bit: int | None = None
    detail: str = ""                 # entries: instruction and outcome; failures: the rule
    extra: dict = field(default_factory=dict)


# -- physical memory without side effects (both adapters) ---------------------------------------
def read_phys(bus, pa: int, n: int, pa_bits: int) -> bytes:
    if pa < 0 or pa + n > 1 << pa_bits:
        raise VtdbgError(f"physical address {pa:#x} is out of range")
    if pa + n <= bus.ram_size and not bus.regions:
        return bytes(bus.ram[pa:pa + n])
    return bus.read_bytes(pa, n)


def write_phys(bus, pa: int, data: bytes, pa_bits: int) -> None:
    if pa < 0 or pa + len(data) > 1 << pa_bits:
        raise VtdbgError(f"physical address {pa:#x} is out of range")
    for i in range(0, len(data), 8):
        chunk = data[i:i + 8]
        bus.write(pa + i, len(chunk), int.from_bytes(chunk, "little"))


def parse_int(text: str) -> int:
    """A number as users type it: decimal, 0x hex, 0o octal, 0b binary."""
    try:
        return int(text.replace("_", ""), 0)
    except ValueError:
        raise VtdbgError(f"not a number: {text}") from None
