"""Regression tests for VMX model bugs found by running minivmm (guests/x86/minivmm.S)."""
import pytest

from tests.vmxutil import RESULTS, results, vmx_machine
from tests.x86util import HAVE_AS

pytestmark = pytest.mark.skipif(not HAVE_AS, reason="GNU as not installed")

PIN_DEFAULT = 0x16
PREEMPTION_TIMER = 1 << 6


def run_idling(cpu, limit: int = 100000) -> str:
    """cpu.run, sleeping through HLT the way machine.board does when a VMX-preemption timer
    deadline is the only thing that can wake the CPU."""
    while True:
        r = cpu.run(limit)
        deadline = cpu.halt_deadline()
        if r != "halt" or deadline is None:
            return r
        cpu.idle += max(0, deadline - cpu.time())
        cpu.pending = True


def test_exit_taken_in_hlt_state_saves_activity_state_hlt():
    # The guest halts (HLT exiting is off); the preemption timer then exits. SDM 28.3.4: the
    # activity state saved is the one the processor was in, HLT, so that VMRESUME puts the
    # guest back to sleep instead of running past its HLT.
    cpu, bus, syms = vmx_machine("hlt\nud2", {
        "PIN_BASED_VM_EXEC_CONTROL": PIN_DEFAULT | PREEMPTION_TIMER,
        "VMX_PREEMPTION_TIMER_VALUE": 200,
    }, after_exit=f"""
        mov eax, 0x4826             # GUEST_ACTIVITY_STATE
        vmread [{RESULTS} + 40], rax
    """)
    assert run_idling(cpu) == "halt"
    r = results(bus)
    assert r["reason"] == 52
    assert bus.read(RESULTS + 40, 8) == 1
    assert r["guest_rip"] == syms["guest_entry"] + 1     # HLT itself has completed
    assert not cpu.vmx.nonroot


def test_resume_in_saved_hlt_state_sleeps_until_the_next_exit():
    # VMRESUME with the saved state goes back to sleep: the second exit is the timer again,
    # not the UD2 after the HLT.
    cpu, bus, _ = vmx_machine("hlt\nud2", {
        "PIN_BASED_VM_EXEC_CONTROL": PIN_DEFAULT | PREEMPTION_TIMER,
        "VMX_PREEMPTION_TIMER_VALUE": 200,
        "EXCEPTION_BITMAP": 1 << 6,
    }, after_exit=f"""
        inc qword ptr [{RESULTS} + 48]
        cmp qword ptr [{RESULTS} + 48], 2
        jae 9f
        mov eax, 0x482E             # VMX_PREEMPTION_TIMER_VALUE
        mov ebx, 300
        vmwrite rax, rbx
        vmresume
    9:
    """)
    assert run_idling(cpu) == "halt"
    assert bus.read(RESULTS + 48, 8) == 2
    assert results(bus)["reason"] == 52


def test_smsw_reads_host_owned_bits_from_the_cr0_read_shadow():
    # SDM 26.3: SMSW, like MOV from CR0, returns the read shadow's value for bits set in the
    # CR0 guest/host mask. Here the host owns CR0.TS and the shadow says it is set.
    cpu, bus, _ = vmx_machine("""
        smsw edx
        mov rbx, cr0
        vmcall
    """, {"CR0_GUEST_HOST_MASK": 1 << 3, "CR0_READ_SHADOW": 1 << 3},
        after_exit=f"""
        mov [{RESULTS} + 40], rdx
        mov [{RESULTS} + 48], rbx
    """)
    assert cpu.run(10000) == "halt"
    assert results(bus)["reason"] == 18
    assert not cpu.cr0 & 8
    assert bus.read(RESULTS + 40, 8) & 8                   # SMSW
    assert bus.read(RESULTS + 48, 8) & 8                   # MOV from CR0 agrees


def test_control_and_host_checks_run_again_after_a_vmwrite_to_those_fields():
    """The control/host checks are skipped while nothing they read has changed; a VMWRITE
    of a host field after a good entry must make the next VMRESUME check (and fail) again."""
    from tests.vmxutil import vmx_machine
    cpu, bus, _ = vmx_machine("cpuid\n    hlt", after_exit="""
    mov eax, 0x6c04             # HOST_CR4 without CR4.VMXE
    mov ebx, 0x20
    vmwrite rax, rbx
    vmresume
    pushfq
    pop qword ptr [0x8200]
    hlt
""")
    assert cpu.run(100_000) == "halt"
    rep = cpu.vmx.last_entry
    assert (rep.instruction, rep.outcome) == ("VMRESUME", "VMfailValid(8)")
    assert "host CR4" in rep.failed.name and bus.read(0x8200, 8) & 0x41 == 0x40


def test_a_debugger_write_to_a_control_field_is_checked_at_the_next_entry():
    from tests.vmxutil import RESUME, vmx_machine
    from vtdbg.engine.x86.vmcs import X86Vmcs
    cpu, _, _ = vmx_machine("1: cpuid\n    jmp 1b", after_exit=RESUME)
    assert cpu.run(2_000) == "limit" and cpu.vmx.exit_count > 1
    view = X86Vmcs(cpu)
    view.write(view.lookup("PIN_BASED_VM_EXEC_CONTROL"), 0x16 | 1 << 31)   # reserved bit 31
    assert cpu.run(10_000) == "halt"               # (run's limit is an instruction count)
    assert cpu.vmx.last_entry.outcome == "VMfailValid(7)"
    assert cpu.vmx.last_entry.failed.name.startswith("pin-based controls")
    assert "bits 0x80000000 must be 0" in cpu.vmx.last_entry.detail
