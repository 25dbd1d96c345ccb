"""minivmm, the reference hypervisor (guests/x86/minivmm.S), running guestos: the story both
print, the exit summary with exact per-reason counts, determinism, the `vtdbg run` front door,
and minivmm's reports when a VM exit, a VMX instruction or a VM entry goes wrong."""
from __future__ import annotations

import collections
import hashlib
import re

import pytest

from guests import find
from machine.board import Machine
from machine.events import StopKind
from machine.x86.vmx.fields import BY_NAME

MINIVMM = str(find("minivmm").elf)
LIMIT = 5_000_000

EXPECTED = """\
minivmm: started in 64-bit mode
minivmm: VMXON done, VMCS revision 0x76746462, IA32_FEATURE_CONTROL locked with VMX on
minivmm: EPT maps guest-physical 0x400000-0x5FFFFF one-to-one, except the device page 0x500000
minivmm: guestos entry 0x00400010, stack 0x00409870
minivmm: VMLAUNCH: guestos in 32-bit protected mode, paging off (unrestricted guest), VPID 1
guestos: started in 32-bit protected mode, paging off
guestos: CPUID: GenuineIntel, VMX not offered, hypervisor bit set
guestos: CPUID 0x40000000: hypervisor "MiniVMMvtdbg", leaves up to 0x40000001
guestos: GDT, TSS and IDT loaded
guestos: paging on: CR3=0x00403000 CR4=0x00000010 CR0=0x80010011
guestos: MSRs: SYSENTER_CS/ESP/EIP written, SYSENTER_EIP reads back 0x004006BF
guestos: MSR IA32_FEATURE_CONTROL = 0x00000001 (locked, VMX not allowed)
minivmm: the guest wrote its OS id to MSR 0x40000000: 0x00000001736F7467
guestos: MSR 0x40000000 (guest OS id for minivmm) reads back 0x00000001:0x736F7467
guestos: RDMSR 0x1234 raised #GP(error code 0x00000000), as an unknown MSR must
guestos: serial port: the scratch register echoes 0xA5, line control 0x03 (8N1): a 16550
guestos: COM2's scratch register reads back 0xFF: nothing at 0x2F8
guestos: timer: PIC at 0x20, PIT every 20000 ticks, HLT until 3 ticks
guestos: timer tick 1 ended the HLT
guestos: timer tick 2 ended the HLT
guestos: timer tick 3 ended the HLT
guestos: interrupts off: the next tick waits in the PIC's IRR, ticks = 3
guestos: STI let it in, ticks = 4
guestos: timer stopped (IRQ 0 masked, PIT channel 0 in mode 0)
guestos: device at 0x00500000: ID 0x5645446D, scratch register reads back 0x12345678
guestos: device adder: 10 + 20 + 30 = 60
guestos: a byte read of the ID register gives 0xFF: the device answers aligned dwords only
guestos: writing to 0x00C00010, which no page table maps yet
guestos: page fault at CR2=0x00C00010 error code 0x00000002: mapping a page there
guestos: after the page fault the write went through, it reads back 0x00C0FFEE
guestos: SYSEXIT to ring 3
guestos: SYSENTER from CPL 3: hello from user mode
guestos: SYSENTER from CPL 3: my VMCALL was refused (EAX = -1): hypercalls are for ring 0
guestos: back in ring 0 through SYSENTER
guestos: minivmm has handled 4062 VM exits so far, 4029 of them for I/O instructions
guestos: (this line is printed by minivmm, for a VMCALL)
guestos: done, asking minivmm to shut down (VMCALL)
minivmm: guest stopped with code 0 after 4339 VM exits; by reason:
minivmm:    0 EXCEPTION_NMI               1
minivmm:    1 EXTERNAL_INTERRUPT          4
minivmm:    7 INTERRUPT_WINDOW            1
minivmm:   10 CPUID                       3
minivmm:   12 HLT                         3
minivmm:   18 VMCALL                      5
minivmm:   28 CR_ACCESS                   3
minivmm:   30 IO_INSTRUCTION           4303
minivmm:   31 RDMSR                       3
minivmm:   32 WRMSR                       1
minivmm:   48 EPT_VIOLATION               8
minivmm:   52 PREEMPTION_TIMER            4
minivmm: injected 4 timer interrupts, 1 #PF (reflected), 1 #GP; emulated 8 device accesses; 4 time slices
"""

# The exits of one run, by basic reason, as the model reports them to an observer.
EXPECTED_COUNTS = {0: 1, 1: 4, 7: 1, 10: 3, 12: 3, 18: 5, 28: 3, 30: 4303, 31: 3, 32: 1, 48: 8,
                   52: 4}


def run(patch=None):
    """Run minivmm; return (machine, stop, [(reason, qualification), ...])."""
    m = Machine()
    m.load(MINIVMM)
    if patch:
        patch(m)
    exits = []

    def observer(kind, payload):
        if kind == "vmexit":
            exits.append((payload.reason, payload.qualification))
        return False
    m.cpu.observer = observer
    return m, m.run(LIMIT), exits


@pytest.fixture(scope="module")
def first_run():
    return run()


def test_story_and_exit_summary(first_run):
    m, stop, _ = first_run
    assert m.console_output().decode() == EXPECTED
    assert stop.kind is StopKind.EXIT and stop.code == 0


def test_summary_counts_are_the_exits_the_model_made(first_run):
    m, _, exits = first_run
    counts = collections.Counter(r for r, _ in exits)
    assert dict(counts) == EXPECTED_COUNTS
    # minivmm's own table agrees, line by line, and so does its total
    text = m.console_output().decode()
    table = {int(n): int(c) for n, c in re.findall(r"^minivmm: +(\d+) \w+ +(\d+)$", text, re.MULTILINE)}
    assert table == EXPECTED_COUNTS
    assert f"after {sum(EXPECTED_COUNTS.values())} VM exits" in text


def test_run_is_deterministic(first_run):
    def digest(exits):
        return hashlib.sha256(repr(exits).encode()).hexdigest()
    m1, stop1, exits1 = first_run
    m2, stop2, exits2 = run()
    assert digest(exits1) == digest(exits2)
    assert (stop1.icount, m1.cpu.time()) == (stop2.icount, m2.cpu.time())
    assert m1.console_output() == m2.console_output()


def test_vtdbg_run_exits_0(capsysbinary):
    from vtdbg.cli import main
    assert main(["run", "guests/x86/minivmm.elf"]) == 0
    out = capsysbinary.readouterr().out.decode()
    assert out.startswith(EXPECTED)
    assert re.fullmatch(r"\[vtdbg\] stopped: guest exit code 0 after \d+ instructions\n",
                        out[len(EXPECTED):])


def test_image_carries_guestos_and_its_symbols():
    m = Machine()
    m.load(MINIVMM)
    header = m.symbols["guestos_guestos_header"]
    assert header == 0x400000 and m.bus.read(header, 4) == int.from_bytes(b"GOS1", "little")
    assert m.bus.read(header + 4, 4) == m.symbols["guestos__start"]
    assert m.symbols["guestos_DEVICE"] == 0x500000


def test_vmx_inc_is_generated_from_the_model():
    from guests.vmxinc import PATH, render
    assert PATH.read_text() == render(), "run `python3 -m guests.vmxinc` and commit vmx.inc"


# -- when things go wrong -----------------------------------------------------------------------
def _set_table_value(m, table: str, field: str, value: int) -> None:
    """Change the value minivmm's (field, value) table gives a VMCS field."""
    addr, enc = m.symbols[table], BY_NAME[field].encoding
    while (f := m.bus.read(addr, 8)) != (1 << 64) - 1:
        if f == enc:
            m.bus.write(addr + 8, 8, value)
            return
        addr += 16
    raise AssertionError(f"{field} not in {table}")


def test_unhandled_exit_is_reported_and_the_machine_stops():
    # guestos's first instruction becomes INVD, which exits unconditionally (SDM 26.1.2)
    def patch(m):
        m.bus.write(m.symbols["guestos__start"], 2, 0x080F)
    m, stop, exits = run(patch)
    text = m.console_output().decode()
    assert "minivmm: unexpected VM exit, reason 13 INVD at guest RIP 0x00400010, " \
           "qualification 0x00000000\n" in text
    assert re.search(r"^minivmm: +13 INVD +1$", text, re.MULTILINE)
    assert exits == [(13, 0)]
    assert stop.kind is StopKind.EXIT and stop.code == 1


def test_vmfail_prints_the_vm_instruction_error():
    # VPID 0 with "enable VPID" is an invalid control (SDM 27.2.1.1): VMLAUNCH fails with
    # VMfailValid and error 7
    m, stop, exits = run(lambda m: _set_table_value(m, "control_fields",
                                                    "VIRTUAL_PROCESSOR_ID", 0))
    assert "minivmm: VMLAUNCH failed: VMfailValid, VM-instruction error 7 (VM entry with " \
           "invalid control field(s))\n" in m.console_output().decode()
    assert exits == [] and stop.kind is StopKind.EXIT and stop.code == 2


def test_invalid_guest_state_is_reported_as_an_entry_failure():
    # RFLAGS bit 1 must be 1 (SDM 27.3.1.4): a VM-entry failure exit, reason 33 with bit 31
    m, stop, exits = run(lambda m: _set_table_value(m, "guest_fields", "GUEST_RFLAGS", 0))
    assert "minivmm: VM entry failed, exit reason 33 ENTRY_FAIL_GUEST_STATE, qualification 0\n" \
        in m.console_output().decode()
    assert exits == [(33, 0)]          # the VMCS field has bit 31 set; the event has the reason
    assert stop.kind is StopKind.EXIT and stop.code == 2
