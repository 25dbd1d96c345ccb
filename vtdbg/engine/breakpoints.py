"""Breakpoints, catchpoints and watchpoints: one numbered table, as in gdb.

Every stop point has an enabled flag, an optional condition (an expression), an ignore count,
a hit count, a temporary flag and a list of commands to run when it stops the machine. The
session (engine/session.py) decides when each kind fires; this module holds the data."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import VtdbgError

CATCH_KINDS = {
    "vmexit": "VM exits (optionally by reason)",
    "vmentry": "VM entries (VMLAUNCH/VMRESUME that reach the guest)",
    "vmentry-fail": "failed VM entries (VMfail and VM-entry failure exits)",
    "vmx": "VMX instructions (VMXON ... INVVPID)",
    "exception": "exceptions (optionally by vector)",
    "interrupt": "interrupts: external, NMI, INT n (optionally by vector)",
    "io": "I/O port accesses (optionally by port)",
    "msr": "RDMSR/WRMSR (optionally by MSR)",
    "cpuid": "CPUID (optionally by leaf)",
    "vfault": "VT-i virtualization faults (optionally by cause: MOV_TO_CR, THASH, 4, ...)",
    "pal": "PAL calls and VPS services (optionally by name or index: PAL_VP_CREATE, ...)",
    "vmsw": "VT-i vmsw: PSR.vm switched, or vmsw's virtualization fault (optionally 0|1)",
}
# the kinds only one CPU has (VT-x's instructions and x86 ports/MSRs/CPUID; VT-i's events)
ARCH_KINDS = {"vmx": "x86", "io": "x86", "msr": "x86", "cpuid": "x86",
              "vfault": "ia64", "pal": "ia64", "vmsw": "ia64"}


@dataclass
class StopPoint:
    number: int
    enabled: bool = True
    temporary: bool = False
    condition: str | None = None
    ignore_count: int = 0
    hits: int = 0
    commands: list[str] = field(default_factory=list)
    context: str = "any"                 # "any", "host", "guest": where it applies

    kind_name = "stop point"

    @property
    def title(self) -> str:
        return self.kind_name.capitalize()

    def what(self) -> str:
        return ""

    def type_text(self) -> str:
        return self.kind_name


@dataclass
class Breakpoint(StopPoint):
    address: int = 0                     # linear (or physical with phys=True)
    phys: bool = False
    spec: str = ""                       # what the user typed
    symbol: str = ""

    kind_name = "breakpoint"

    def what(self) -> str:
        where = f"{'physical ' if self.phys else ''}{self.address:#x}"
        if self.symbol:
            where += f" <{self.symbol}>"
        if self.context != "any":
            where += f" ({self.context} only)"
        return where


@dataclass
class Catchpoint(StopPoint):
    event: str = "vmexit"
    filters: set[int] | None = None      # reasons / vectors / ports / MSRs / leaves
    filter_text: str = ""
    names: list[str] = field(default_factory=list)   # for catch vmx: instruction names

    kind_name = "catchpoint"

    def what(self) -> str:
        if self.event == "vmx" and self.names:
            return f"vmx {' '.join(self.names)}"
        return f"{self.event}{' ' + self.filter_text if self.filter_text else ''}"

    def matches(self, key: int | None, name: str = "") -> bool:
        if self.event == "vmx" and self.names:
            return name in self.names
        return self.filters is None or key in self.filters


@dataclass
class Watchpoint(StopPoint):
    access: str = "write"                # "write" (watch), "read" (rwatch), "access" (awatch)
    target: str = "mem"                  # "mem", "reg", "vmcs"
    expr: str = ""
    address: int = 0
    size: int = 8
    phys: bool = False
    name: str = ""                       # register or VMCS field
    old: int | None = None
    software: bool = False               # checked by single-stepping

    kind_name = "watchpoint"

    @property
    def title(self) -> str:
        return {"write": "Watchpoint", "read": "Read watchpoint",
                "access": "Access watchpoint"}[self.access]

    def type_text(self) -> str:
        t = {"write": "watchpoint", "read": "read watchpoint", "access": "acc watchpoint"}
        return ("sw " if self.software else "") + t[self.access]

    def what(self) -> str:
        return self.expr


class BreakpointTable:
    def __init__(self):
        self.points: dict[int, StopPoint] = {}
        self.next_number = 1

    def add(self, sp: StopPoint) -> StopPoint:
        sp.number = self.next_number
        self.next_number += 1
        self.points[sp.number] = sp
        return sp

    def get(self, n: int) -> StopPoint:
        sp = self.points.get(n)
        if sp is None:
            raise VtdbgError(f"no breakpoint number {n}")
        return sp

    def delete(self, n: int) -> None:
        self.get(n)
        del self.points[n]

    def all(self) -> list[StopPoint]:
        return [self.points[k] for k in sorted(self.points)]

    def of(self, cls) -> list:
        return [p for p in self.all() if isinstance(p, cls)]

    def enabled(self, cls) -> list:
        return [p for p in self.all() if isinstance(p, cls) and p.enabled]

    def catching(self, event: str) -> list[Catchpoint]:
        return [p for p in self.points.values()
                if isinstance(p, Catchpoint) and p.enabled and p.event == event]
