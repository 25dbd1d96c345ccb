"""The Virtual Processor Descriptor (VPD) layout as data (vti.md 4; SDM vol 2 11.7).

Each field: name, byte offset, width in bytes, area, and a decoder for its bits, so the
debugger's VPD pane can show it as the VMCS pane shows VMCS fields.  The VPD is 64 KiB,
32 KiB aligned, little-endian (the model does not implement the big-endian config option).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .psr import describe as describe_psr

VPD_SIZE = 0x10000
VPD_ALIGN = 0x8000

# vac (VPD+0): accelerations; vdc (VPD+8): disables (vti.md 4.1, 4.2)
VAC_BITS = ["a_int", "a_from_int_cr", "a_to_int_cr", "a_from_psr", "a_from_cpuid", "a_cover",
            "a_bsw"]
VDC_BITS = ["d_vmsw", "d_extint", "d_ibr_dbr", "d_pmc", "d_to_pmd", "d_itm"]
A_INT, A_FROM_INT_CR, A_TO_INT_CR, A_FROM_PSR, A_FROM_CPUID, A_COVER, A_BSW = (
    1 << i for i in range(7))
D_VMSW, D_EXTINT, D_IBR_DBR, D_PMC, D_TO_PMD, D_ITM = (1 << i for i in range(6))
VAC_DEFINED, VDC_DEFINED = (1 << len(VAC_BITS)) - 1, (1 << len(VDC_BITS)) - 1

VAC, VDC, VIRT_ENV_VADDR, VHPI = 0, 8, 16, 256
VGR, VBGR, VNAT, VBNAT, VCPUID = 1024, 1152, 1280, 1288, 1296
VPSR, VPR, VCR, VMM_AVAIL = 1424, 1432, 2048, 31744
N_VCPUID = 5

# the virtual control registers kept in vcr[] (CR number -> name)
VCR_NAMES = {0: "dcr", 1: "itm", 2: "iva", 8: "pta", 16: "ipsr", 17: "isr", 19: "iip",
             20: "ifa", 21: "itir", 22: "iipa", 23: "ifs", 24: "iim", 25: "iha", 64: "lid",
             65: "ivr", 66: "tpr", 67: "eoi", 68: "irr0", 69: "irr1", 70: "irr2", 71: "irr3",
             72: "itv", 73: "pmv", 74: "cmcv", 80: "lrr0", 81: "lrr1"}


def vcr_offset(n: int) -> int:
    return VCR + 8 * n


def bits(names: list[str]) -> Callable[[int], str]:
    def dec(v: int) -> str:
        on = [n for i, n in enumerate(names) if v >> i & 1]
        rest = v & ~((1 << len(names)) - 1)
        if rest:
            on.append(f"reserved={rest:#x}")
        return " ".join(on) or "-"
    return dec


def _hex(v: int) -> str:
    return f"{v:#x}"


def _tpr(v: int) -> str:
    return f"mic={(v >> 4) & 0xF} mmi={(v >> 16) & 1}"


def _ifs(v: int) -> str:
    return f"v={v >> 63} ifm={v & ((1 << 38) - 1):#x}"


def _vhpi(v: int) -> str:
    return {0: "none", 16: "ExtINT", 32: "NMI"}.get(v, f"class {v}")


@dataclass(frozen=True)
class VpdField:
    name: str
    offset: int
    width: int               # bytes
    area: str
    decode: Callable[[int], str] = _hex


FIELDS: list[VpdField] = [
    VpdField("vac", VAC, 8, "control", bits(VAC_BITS)),
    VpdField("vdc", VDC, 8, "control", bits(VDC_BITS)),
    VpdField("virt_env_vaddr", VIRT_ENV_VADDR, 8, "control"),
    VpdField("vhpi", VHPI, 8, "interrupt", _vhpi),
    *[VpdField(f"vgr{16 + i}", VGR + 8 * i, 8, "banked") for i in range(16)],
    *[VpdField(f"vbgr{16 + i}", VBGR + 8 * i, 8, "banked") for i in range(16)],
    VpdField("vnat", VNAT, 8, "banked"),
    VpdField("vbnat", VBNAT, 8, "banked"),
    *[VpdField(f"vcpuid{i}", VCPUID + 8 * i, 8, "cpuid") for i in range(N_VCPUID)],
    VpdField("vpsr", VPSR, 8, "psr", lambda v: describe_psr(v) or "-"),
    VpdField("vpr", VPR, 8, "psr"),
    *[VpdField(f"v{name}", vcr_offset(n), 8, "vcr",
               _tpr if name == "tpr" else _ifs if name == "ifs" else
               (lambda v: describe_psr(v) or "-") if name == "ipsr" else _hex)
      for n, name in VCR_NAMES.items()],
]
BY_NAME = {f.name: f for f in FIELDS}


def read_field(read8: Callable[[int], int], base: int, name: str) -> int:
    """A field's value given a reader of 8-byte words at physical addresses."""
    return read8(base + BY_NAME[name].offset)
