"""Reading the VM-execution, VM-exit and VM-entry controls of a VMCS (SDM Vol. 3C, 25.6-25.8)."""
from __future__ import annotations


class Controls:
    """Control bits of one VMCS; secondary controls read as 0 unless activated (SDM 25.6.2)."""

    __slots__ = ("entry_", "exit_", "pin_", "proc2_", "proc_")

    def __init__(self, vmcs):
        self.pin_ = vmcs["PIN_BASED_VM_EXEC_CONTROL"]
        self.proc_ = vmcs["CPU_BASED_VM_EXEC_CONTROL"]
        self.proc2_ = vmcs["SECONDARY_VM_EXEC_CONTROL"] if self.proc_ >> 31 else 0
        self.exit_ = vmcs["VM_EXIT_CONTROLS"]
        self.entry_ = vmcs["VM_ENTRY_CONTROLS"]

    def pin(self, bit: int) -> bool:
        return bool(self.pin_ >> bit & 1)

    def proc(self, bit: int) -> bool:
        return bool(self.proc_ >> bit & 1)

    def proc2(self, bit: int) -> bool:
        return bool(self.proc2_ >> bit & 1)

    def exit(self, bit: int) -> bool:
        return bool(self.exit_ >> bit & 1)

    def entry(self, bit: int) -> bool:
        return bool(self.entry_ >> bit & 1)
