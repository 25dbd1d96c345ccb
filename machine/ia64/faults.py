"""IA-64 interruptions as Python exceptions, the IVT offsets (vti.md 2.1) and ISR bits (2.3).

An instruction that faults raises `Interruption`; the CPU loop delivers it through the IVT
(machine/ia64/interrupts.py) with the slot it came from.  Nothing of the instruction has been
committed when it raises.
"""
from __future__ import annotations

# IVT offsets by vector name
VHPT_TRANS, ITLB, DTLB, ALT_ITLB, ALT_DTLB, DATA_NESTED_TLB = 0x0000, 0x0400, 0x0800, 0x0C00, \
    0x1000, 0x1400
IKEY_MISS, DKEY_MISS, DIRTY_BIT, IACCESS_BIT, DACCESS_BIT, BREAK = 0x1800, 0x1C00, 0x2000, \
    0x2400, 0x2800, 0x2C00
EXTERNAL_INT, VIRT_EXTERNAL_INT = 0x3000, 0x3400
PAGE_NOT_PRESENT, KEY_PERMISSION, IACCESS_RIGHTS, DACCESS_RIGHTS = 0x5000, 0x5100, 0x5200, 0x5300
GENERAL_EXCEPTION, DISABLED_FP, NAT_CONSUMPTION, SPECULATION = 0x5400, 0x5500, 0x5600, 0x5700
DEBUG, UNALIGNED, UNSUPPORTED_DATA, FP_FAULT, FP_TRAP = 0x5900, 0x5A00, 0x5B00, 0x5C00, 0x5D00
LOWER_PRIV_TRANSFER, TAKEN_BRANCH, SINGLE_STEP, VIRTUALIZATION = 0x5E00, 0x5F00, 0x6000, 0x6100
IA32_EXCEPTION, IA32_INTERCEPT, IA32_INTERRUPT = 0x6900, 0x6A00, 0x6B00

VECTOR_NAMES = {
    VHPT_TRANS: "VHPT Translation", ITLB: "Instruction TLB", DTLB: "Data TLB",
    ALT_ITLB: "Alternate Instruction TLB", ALT_DTLB: "Alternate Data TLB",
    DATA_NESTED_TLB: "Data Nested TLB", IKEY_MISS: "Instruction Key Miss",
    DKEY_MISS: "Data Key Miss", DIRTY_BIT: "Dirty-Bit", IACCESS_BIT: "Instruction Access-Bit",
    DACCESS_BIT: "Data Access-Bit", BREAK: "Break Instruction", EXTERNAL_INT: "External Interrupt",
    VIRT_EXTERNAL_INT: "Virtual External Interrupt", PAGE_NOT_PRESENT: "Page Not Present",
    KEY_PERMISSION: "Key Permission", IACCESS_RIGHTS: "Instruction Access Rights",
    DACCESS_RIGHTS: "Data Access Rights", GENERAL_EXCEPTION: "General Exception",
    DISABLED_FP: "Disabled FP-Register", NAT_CONSUMPTION: "NaT Consumption",
    SPECULATION: "Speculation", DEBUG: "Debug", UNALIGNED: "Unaligned Reference",
    UNSUPPORTED_DATA: "Unsupported Data Reference", FP_FAULT: "Floating-point Fault",
    FP_TRAP: "Floating-point Trap", LOWER_PRIV_TRANSFER: "Lower-Privilege Transfer Trap",
    TAKEN_BRANCH: "Taken Branch Trap", SINGLE_STEP: "Single Step Trap",
    VIRTUALIZATION: "Virtualization", IA32_EXCEPTION: "IA-32 Exception",
    IA32_INTERCEPT: "IA-32 Intercept", IA32_INTERRUPT: "IA-32 Interrupt",
}

# ISR bits
ISR_X, ISR_W, ISR_R, ISR_NA, ISR_SP, ISR_RS, ISR_IR, ISR_NI = (1 << b for b in range(32, 40))
ISR_ED = 1 << 43
# General Exception ISR.code (bits 7:4)
GE_ILLEGAL_OP, GE_PRIV_OP, GE_PRIV_REG, GE_RESERVED, GE_DISABLED_ISA, GE_ILLEGAL_DEP = \
    0x00, 0x10, 0x20, 0x30, 0x40, 0x80
# NaT Consumption ISR.code
NAT_REG, NAT_PAGE = 0x10, 0x20
# non-access ISR.code (with ISR.na)
NA_TPA, NA_FC, NA_PROBE, NA_TAK, NA_LFETCH, NA_PROBE_FAULT = range(6)


class Interruption(Exception):
    """A fault or trap raised by an instruction (or the fetch of one)."""

    def __init__(self, vector: int, isr: int = 0, ifa: int | None = None,
                 iim: int | None = None, itir: int | None = None, iha: int | None = None):
        super().__init__(VECTOR_NAMES.get(vector, hex(vector)))
        self.vector, self.isr, self.ifa, self.iim, self.itir, self.iha = \
            vector, isr, ifa, iim, itir, iha

    def __repr__(self):
        return f"Interruption({VECTOR_NAMES.get(self.vector, self.vector)}, isr={self.isr:#x})"


def illegal_op() -> Interruption:
    return Interruption(GENERAL_EXCEPTION, GE_ILLEGAL_OP)


def priv_op() -> Interruption:
    return Interruption(GENERAL_EXCEPTION, GE_PRIV_OP)


def priv_reg() -> Interruption:
    return Interruption(GENERAL_EXCEPTION, GE_PRIV_REG)


def reserved() -> Interruption:
    return Interruption(GENERAL_EXCEPTION, GE_RESERVED)


def nat_consumption(rw: int = 0) -> Interruption:
    return Interruption(NAT_CONSUMPTION, NAT_REG | rw)
