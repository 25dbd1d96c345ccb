"""What a VM exit reports: the VmExit event raised in non-root operation, and the encoders for
the VM-exit instruction-information field and qualifications (SDM Vol. 3C, 28.2).

Every VmExit also carries its cause in the configuration, for the debugger: a sentence and the
VMCS field (and bit) that made the instruction or event exit.
"""
from __future__ import annotations

from dataclasses import dataclass

from .tables import EXIT_REASONS

ADDR_SIZE_CODE = {2: 0, 4: 1, 8: 2}


@dataclass
class VmExit(Exception):
    reason: int
    qualification: int = 0
    instruction_length: int = 0
    instruction_info: int = 0
    guest_linear: int | None = None
    guest_physical: int | None = None
    intr_info: int = 0                 # VM-exit interruption information (valid bit included)
    intr_error: int = 0
    cause: str = ""                    # why it exited, in words
    cause_field: str = ""              # the VMCS field responsible ("" if unconditional)
    cause_bit: int | None = None       # the bit of that field (or of a bitmap)
    trap_like: bool = False            # RIP already past the instruction (MTF, ...)

    def __post_init__(self):
        Exception.__init__(self, self.reason)

    @property
    def name(self) -> str:
        return EXIT_REASONS.get(self.reason & 0xFFFF, f"reason {self.reason & 0xFFFF}")


UNCONDITIONAL = {10: "CPUID", 11: "GETSEC", 13: "INVD", 18: "VMCALL", 19: "VMCLEAR",
                 20: "VMLAUNCH", 21: "VMPTRLD", 22: "VMPTRST", 23: "VMREAD", 24: "VMRESUME",
                 25: "VMWRITE", 26: "VMXOFF", 27: "VMXON", 50: "INVEPT", 53: "INVVPID",
                 55: "XSETBV"}


def mem_info(d) -> int:
    """Instruction-information bits describing a memory operand (SDM 28.2.5, Table 28-9 ff.)."""
    if d.mod == 3:
        return 1 << 10 | (d.rm & 15) << 3
    info = d.scale & 3
    info |= ADDR_SIZE_CODE.get(d.adsize, 1) << 7
    from ..exec.operands import seg_of
    info |= seg_of(d) << 15
    info |= (d.index & 15) << 18 if d.index >= 0 else 1 << 22
    info |= (d.base & 15) << 23 if d.base >= 0 and not d.riprel else 1 << 27
    return info


def instruction_exit(cpu, d, reason: int, qualification: int | None = None, info: int | None = None,
                     cause: str = "", field: str = "", bit: int | None = None):
    """Raise the VM exit a non-root instruction causes (fault-like: RIP stays on it)."""
    if qualification is None:
        # VMX and descriptor-table instructions report the memory operand's displacement.
        qualification = d.disp & ((1 << 64) - 1) if d.mod != 3 else 0
    if info is None:
        info = mem_info(d) if d.mod != 3 or d.mnem in ("vmread", "vmwrite") else 0
        if d.mnem in ("vmread", "vmwrite", "invept", "invvpid"):
            info |= (d.reg & 15) << 28
    if not cause and reason in UNCONDITIONAL:
        cause = f"{UNCONDITIONAL[reason]} exits unconditionally in VMX non-root operation"
    raise VmExit(reason, qualification, d.length, info, cause=cause, cause_field=field,
                 cause_bit=bit)
