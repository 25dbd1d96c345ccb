"""VPID-tagged translations (SDM 28.1, 28.3.3): with "enable VPID" a guest's TLB entries
survive VM exits and entries, so a VMM that changes a guest page-table entry without INVVPID
sees the guest keep using the old translation, as on hardware; without VPIDs every VM entry
and exit invalidates (VPID 0), and INVVPID / INVEPT remove what they name."""
from __future__ import annotations

import pytest

from tests.vmxutil import RESUME, vmx_machine
from tests.x86util import HAVE_AS

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="needs GNU as")

PML4, PDPT, PD, PT = 0x50000, 0x51000, 0x52000, 0x53000
OLD, NEW = 0x60000, 0x61000          # the two physical pages the guest's page points at
LIN = 0x8000000000                   # PML4 entry 1: the guest's own mapping
DESC = 0x8800                        # INVVPID / INVEPT descriptor

GUEST = f"""
    mov rdx, {LIN}
    mov r8, [rdx]                    # fills the TLB: the page at OLD
    cpuid                            # exits; the VMM repoints the PTE at NEW
    mov rdx, {LIN}
    mov r9, [rdx]                    # (the VMM uses rax-rcx: VM exits keep no GPRs)
    hlt
"""


def handler(invalidate: str) -> str:
    return f"""
    mov qword ptr [{PT}], {NEW | 3}
    {invalidate}
""" + RESUME


def run(vpid: int, invalidate: str = "") -> int:
    fields = {}
    if vpid:
        fields = {"CPU_BASED_VM_EXEC_CONTROL": 0x04006172 | 1 << 31,
                  "SECONDARY_VM_EXEC_CONTROL": 1 << 5, "VIRTUAL_PROCESSOR_ID": vpid}
    fields["GUEST_CR3"] = PML4
    cpu, bus, _ = vmx_machine(GUEST, fields, after_exit=handler(invalidate))
    bus.write(PML4, 8, bus.read(cpu.cr3, 8))          # the identity map, shared
    bus.write(PML4 + 8, 8, PDPT | 3)
    bus.write(PDPT, 8, PD | 3)
    bus.write(PD, 8, PT | 3)
    bus.write(PT, 8, OLD | 3)
    bus.write(OLD, 8, 0x01D)
    bus.write(NEW, 8, 0x2E3)
    bus.write(DESC, 8, vpid)
    bus.write(DESC + 8, 8, LIN)
    assert cpu.run(100_000) == "halt" and cpu.vmx.nonroot
    assert cpu.regs[8] == 0x01D
    return cpu.regs[9]


def test_without_vpid_entries_and_exits_invalidate():
    assert run(0) == 0x2E3


def test_with_vpid_the_guest_keeps_its_translation_across_the_exit():
    assert run(1) == 0x01D


@pytest.mark.parametrize("kind", [0, 1, 2, 3])
def test_invvpid_removes_the_guests_translation(kind):
    assert run(1, f"mov eax, {kind}\n    invvpid rax, [{DESC}]") == 0x2E3


def test_invvpid_of_another_vpid_leaves_it():
    assert run(1, f"mov qword ptr [{DESC}], 2\n    mov eax, 1\n"
                  f"    invvpid rax, [{DESC}]") == 0x01D
