"""The VT-i control structure, the VPD (Virtual Processor Descriptor) of the current virtual
processor, as the engine's ControlStructure (vtdbg/engine/arch.py): the IA-64 counterpart of
the VMCS view. Fields, offsets and decoders are the machine's table (machine/ia64/vpd.py);
values are read and written in the VPD's memory at the physical address PAL_VP_CREATE
found for it, so what the debugger shows is what the VMM and the processor see.

The current virtual processor is the one the last PAL_VPS_RESUME / PAL_VPS_RESTORE made
current; before that, the only one created (if there is just one)."""
from __future__ import annotations

from machine.ia64 import vpd as V

from ...errors import VtdbgError
from ..arch import CtlField

AREAS = [("control", "Controls (vac accelerations, vdc disables)"),
         ("interrupt", "Virtual interrupt"), ("psr", "Virtual PSR and predicates"),
         ("vcr", "Virtual control registers"), ("banked", "Banked registers (bsw)"),
         ("cpuid", "Virtual CPUID")]

DESCRIPTIONS = {
    "vac": "accelerations: instructions the guest runs without a fault",
    "vdc": "disables: resources not virtualized (the guest uses the real ones)",
    "virt_env_vaddr": "the virtual environment buffer (PAL_VP_INIT_ENV)",
    "vhpi": "the guest's highest pending interrupt (PAL_VPS_SET_PENDING_INTERRUPT)",
    "vnat": "NaT bits of vgr16-31", "vbnat": "NaT bits of vbgr16-31",
    "vpsr": "the guest's PSR", "vpr": "the guest's predicates",
}


def _description(f: V.VpdField) -> str:
    if f.name in DESCRIPTIONS:
        return DESCRIPTIONS[f.name]
    if f.area == "vcr":
        return f"the guest's cr.{f.name[1:]}"
    if f.name.startswith("vgr"):
        return f"r{f.name[3:]} of the bank the guest is not using"
    if f.name.startswith("vbgr"):
        return f"r{f.name[4:]} of bank 0 while the guest uses bank 1"
    if f.name.startswith("vcpuid"):
        return f"cpuid[{f.name[6:]}] as the guest reads it (vac.a_from_cpuid)"
    return f.name


FIELDS = [CtlField(f.name, 8 * f.width, f.area, _description(f), f.offset)
          for f in V.FIELDS]
BY_NAME = {f.name: f for f in FIELDS}
DECODERS = {f.name: f.decode for f in V.FIELDS}
M64 = (1 << 64) - 1


class IA64Vpd:
    title = "VPD"
    key_name = "offset"
    areas = AREAS

    def __init__(self, cpu):
        self.cpu = cpu

    def vp(self):
        vti = self.cpu.vti
        vp = vti.vp()
        if vp is None and len(vti.vps) == 1:
            vp = next(iter(vti.vps.values()))
        return vp

    def present(self) -> bool:
        return self.vp() is not None

    def address(self) -> int | None:
        vp = self.vp()
        return vp.vpd if vp is not None else None

    def header(self) -> list[str]:
        vti = self.cpu.vti
        vp = self.vp()
        if vp is None:
            if not vti.env:
                return ["No virtual environment (PAL_VP_INIT_ENV has not been called)"]
            return [("Virtual environment ready; no virtual processor (PAL_VP_CREATE has "
                     "not been called)")]
        where = "guest running (PSR.vm = 1)" if self.cpu.psr & (1 << 46) else "VMM running"
        state = "current" if vti.current == vp.vpd else "created, not yet resumed"
        n = len(vti.vps)
        lines = [(f"VPD {vp.vpd:#x} (physical {vp.vpd_pa:#x}), {state}; {where}; "
                  f"{n} virtual processor{'s' if n != 1 else ''}")]
        lines.append(f"host IVA {vp.host_iva:#x}" + (f", fault handler {vp.opt_handler:#x}"
                                                     if vp.opt_handler else ""))
        return lines

    def require(self):
        vp = self.vp()
        if vp is None:
            raise VtdbgError("no VPD: no virtual processor exists (PAL_VP_CREATE)")
        return vp

    def fields(self, area: str | None = None) -> list[CtlField]:
        if area is None:
            return list(FIELDS)
        if area not in dict(AREAS):
            raise VtdbgError(f"no VPD area {area!r} (areas: {', '.join(k for k, _ in AREAS)})")
        return [f for f in FIELDS if f.area == area]

    def is_area(self, name: str) -> bool:
        return name in dict(AREAS)

    def lookup(self, name: str) -> CtlField:
        key = name.lower().removeprefix("vpd.")
        f = BY_NAME.get(key) or BY_NAME.get("v" + key)       # "tpr" finds vtpr
        if f is None:
            raise VtdbgError(f"no VPD field named {name} (`info vpd all` lists them)")
        return f

    def field_address(self, f: CtlField) -> int:
        """Where the field is (physical): `watch vpd.FIELD` watches that memory."""
        return self.require().vpd_pa + f.key

    def value(self, f: CtlField) -> int:
        return self.cpu.bus.read(self.require().vpd_pa + f.key, 8)

    def decode(self, f: CtlField, value: int) -> str:
        dec = DECODERS[f.name]
        text = dec(value)
        return "" if text == f"{value:#x}" else text

    def write(self, f: CtlField, value: int) -> None:
        vp = self.require()
        if value < 0 or value > M64:
            raise VtdbgError(f"{value:#x} does not fit in {f.name} (64 bits)")
        self.cpu.bus.write(vp.vpd_pa + f.key, 8, value)

    def names(self) -> list[str]:
        return [f.name for f in FIELDS]

    def by_encoding(self, enc: int) -> CtlField | None:
        return next((f for f in FIELDS if f.key == enc), None)
