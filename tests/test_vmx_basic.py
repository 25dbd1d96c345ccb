"""First VMX checks: a VMM launches a guest, the guest's CPUID exits, VMfail paths."""
import pytest

from tests.vmxutil import results, vmx_machine
from tests.x86util import HAVE_AS

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")


def test_cpuid_exits_to_host_rip():
    cpu, bus, syms = vmx_machine("""
        mov eax, 0
        cpuid
        hlt
    """)
    assert cpu.run(10000) == "halt"
    r = results(bus)
    assert r["reason"] == 10
    assert r["guest_rip"] == syms["guest_entry"] + 5
    assert r["length"] == 2
    assert not cpu.vmx.nonroot
    assert cpu.last_vmexit.cause.startswith("CPUID exits unconditionally")


def test_vmresume_before_launch_fails_with_error_5():
    cpu, bus, syms = vmx_machine("hlt", launch="vmresume")
    assert cpu.run(10000) == "halt"
    r = results(bus)
    assert r["fail_rflags"] & 0x41 == 0x40          # ZF=1, CF=0: VMfailValid
    assert r["fail_error"] == 5


def test_bad_host_cr4_is_vmfail_8_with_the_rule_named():
    cpu, bus, syms = vmx_machine("hlt", {"HOST_CR4": 0x20})     # VMXE clear
    assert cpu.run(10000) == "halt"
    r = results(bus)
    assert r["fail_error"] == 8
    assert "host CR4" in cpu.vmx.last_entry.failed.name


def test_bad_guest_state_is_entry_failure_exit_33():
    cpu, bus, syms = vmx_machine("hlt", {"GUEST_RFLAGS": 0})    # bit 1 must be 1
    assert cpu.run(10000) == "halt"
    r = results(bus)
    assert r["reason"] == 0x80000021
    assert "RFLAGS" in cpu.vmx.last_entry.failed.name


def test_hlt_exiting_control():
    cpu, bus, syms = vmx_machine("hlt", {"CPU_BASED_VM_EXEC_CONTROL": 0x04006172 | 1 << 7})
    assert cpu.run(10000) == "halt"
    assert results(bus)["reason"] == 12


def _ept_tables(bus, base=0x40000, unmapped_page=None, readonly_page=None):
    """Identity EPT for the first 1 GiB in 4 KiB pages over the first 4 MiB (2 MiB pages
    above), RWX, write-back; optionally one page not present and one read-only."""
    pml4, pdpt, pd, pt = base, base + 0x1000, base + 0x2000, base + 0x3000
    bus.write(pml4, 8, pdpt | 7)
    bus.write(pdpt, 8, pd | 7)
    for i in range(512):
        if i < 2:
            bus.write(pd + 8 * i, 8, (pt + 0x1000 * i) | 7)
        else:
            bus.write(pd + 8 * i, 8, (i << 21) | 0x80 | (6 << 3) | 7)
    for p in range(1024):
        perm = 7
        if p << 12 == unmapped_page:
            perm = 0
        elif p << 12 == readonly_page:
            perm = 5
        bus.write(pt + 8 * p, 8, (p << 12) | (6 << 3) | perm)
    return pml4 | (3 << 3) | 6


def test_ept_violation_reports_the_guest_physical_address_and_access():
    fields = {"CPU_BASED_VM_EXEC_CONTROL": 0x04006172 | 1 << 31,
              "SECONDARY_VM_EXEC_CONTROL": 1 << 1}
    cpu, bus, syms = vmx_machine("""
        mov rax, 0x9000
        mov dword ptr [rax + 8], 1       # the page at 0x9000 is read-only in EPT
        hlt
    """, fields, after_exit="""
        mov eax, 0x2400
        vmread [0x8000 + 40], rax        # guest-physical address
        mov eax, 0x640a
        vmread [0x8000 + 48], rax        # guest-linear address
    """)
    eptp = _ept_tables(bus, readonly_page=0x9000)
    from machine.x86.vmx.fields import BY_NAME
    # add EPT_POINTER to the VMWRITE table (it ends with an all-ones sentinel)
    addr = 0x30000
    while bus.read(addr, 8) != (1 << 64) - 1:
        addr += 16
    bus.write(addr, 8, BY_NAME["EPT_POINTER"].encoding)
    bus.write(addr + 8, 8, eptp)
    bus.write(addr + 16, 8, (1 << 64) - 1)
    assert cpu.run(100000) == "halt"
    r = results(bus)
    assert r["reason"] == 48, cpu.vmx.last_entry
    # data write (bit 1); effective permissions r-x (bits 3, 5); linear valid and final (7, 8)
    assert r["qualification"] == (1 << 1) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 8)
    assert bus.read(0x8000 + 40, 8) == 0x9008
    assert bus.read(0x8000 + 48, 8) == 0x9008
    assert r["guest_rip"] == syms["guest_entry"] + 7
