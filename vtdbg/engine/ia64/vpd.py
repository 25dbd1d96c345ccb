"""The VT-i control structure, the VPD (Virtual Processor Descriptor), as the engine's
ControlStructure (vtdbg/engine/arch.py), the IA-64 counterpart of the VMCS view.

The debugger's VT-i side is a later issue (the machine's VT-i is issue 8:
machine/ia64/vti.py, and machine/ia64/vpd.py with the layout as data: vac, vdc, vhpi, vgr,
vpsr, vcr[...] with offsets, widths and decoders). Until it is wired in, this structure
reports that there is no VPD view, so `info vmcs` / `info vpd`, the TUI's control pane and
`vmcs.FIELD` expressions answer with a clear message. Wiring it in: `present()` when a
virtual processor is current (cpu.vti), `fields()` from the layout table, `value()`/
`write()` through the VPD's memory, `decode()` from its decoders.
"""
from __future__ import annotations

from ...errors import VtdbgError
from ..arch import CtlField

AREAS = [("control", "Controls (vac, vdc)"), ("virtual", "Virtual processor state"),
         ("vmm", "VMM area")]


class IA64Vpd:
    title = "VPD"
    areas = AREAS

    def __init__(self, cpu):
        self.cpu = cpu

    def present(self) -> bool:
        return False

    def header(self) -> list[str]:
        return [("No VPD view: the debugger's VT-i side (the VPD, virtualization events) is "
                 "not there yet")]

    def fields(self, area: str | None = None) -> list[CtlField]:
        return []

    def is_area(self, name: str) -> bool:
        return name in dict(AREAS)

    def lookup(self, name: str) -> CtlField:
        raise VtdbgError(f"no VPD field named {name} (the debugger has no VPD view yet)")

    def value(self, f: CtlField) -> int:
        raise VtdbgError("no VPD")

    def decode(self, f: CtlField, value: int) -> str:
        return ""

    def write(self, f: CtlField, value: int) -> None:
        raise VtdbgError("no VPD")

    def names(self) -> list[str]:
        return []

    def by_encoding(self, enc: int) -> CtlField | None:
        return None
