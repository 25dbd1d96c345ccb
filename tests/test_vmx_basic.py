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
