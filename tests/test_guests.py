"""The bundled guests: each runs to its expected console output and exit code, the images are
what guests/build.py makes from the sources, and the table `vtdbg guests` lists is complete."""
from __future__ import annotations

import pytest

from guests import GUESTS, ROOT, find
from guests.build import build, have_tools
from machine.board import Machine
from machine.events import StopKind
from tests.test_minivmm import EXPECTED as MINIVMM_STORY

EXPECTED = {
    "hello": """\
Hello from the vtdbg x86 model!
""",
    "real16": """\
real16: reset at F000:FFF0, now running in segment F000 (the ROM alias)
real16: INT 0x30 handler, AX=0x1234
real16: back from INT 0x30, AX=0x1235
real16: timer interrupt, ticks=0x0001
real16: timer interrupt, ticks=0x0002
real16: timer interrupt, ticks=0x0003
real16: done
""",
    "prot32": """\
prot32: started in flat 32-bit protected mode
prot32: own GDT loaded, CS reloaded by a far jump, TSS loaded
prot32: IDT loaded (#PF handler, INT 0x80 gate with DPL 3)
prot32: 32-bit paging on
prot32: IRET to ring 3
prot32: INT 0x80 from CPL 3: hello from ring 3
prot32: INT 0x80 from CPL 3: writing to the unmapped page at 0x00400010
prot32: page fault at CR2=0x00400010, error code=0x00000006
prot32: INT 0x80 from CPL 3: the value written there reads back as 0x00C0FFEE
prot32: exit system call, code=0x00000000
""",
    "long64": """\
long64: started in 64-bit mode
long64: own GDT loaded, CS reloaded by a far return, TSS loaded
long64: own 4-level page tables with user pages
long64: IDT loaded (timer on IST 1, INT 0x80 gate with DPL 3)
long64: SYSRET to ring 3
long64: SYSCALL from ring 3: hello
long64: timer tick 1 interrupted CPL 3, handler on the IST 1 stack
long64: timer tick 2 interrupted CPL 3, handler on the IST 1 stack
long64: timer tick 3 interrupted CPL 3, handler on the IST 1 stack
long64: SYSCALL from ring 3: enough ticks, leaving by INT 0x80
long64: INT 0x80 exit from CPL 3
""",
    "guestos": """\
guestos: started in 32-bit protected mode, paging off
guestos: CPUID: GenuineIntel, VMX offered, no hypervisor bit: bare metal
guestos: GDT, TSS and IDT loaded
guestos: paging on: CR3=0x00403000 CR4=0x00000010 CR0=0xE0010011
guestos: MSRs: SYSENTER_CS/ESP/EIP written, SYSENTER_EIP reads back 0x004006BF
guestos: MSR IA32_FEATURE_CONTROL = 0x00000000 (unlocked, VMX not allowed)
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
guestos: no minivmm, so no device at 0x00500000: skipped
guestos: writing to 0x00C00010, which no page table maps yet
guestos: page fault at CR2=0x00C00010 error code 0x00000002: mapping a page there
guestos: after the page fault the write went through, it reads back 0x00C0FFEE
guestos: SYSEXIT to ring 3
guestos: SYSENTER from CPL 3: hello from user mode
guestos: back in ring 0 through SYSENTER
guestos: done, no hypervisor to ask, leaving through port 0xF4
""",
    "minivmm": MINIVMM_STORY,
}
LIMIT = 2_000_000


def run_guest(path: str):
    m = Machine()
    m.load(path)
    return m, m.run(LIMIT)


def test_table_covers_the_sources():
    assert {g.name for g in GUESTS} == {p.stem for p in (ROOT / "x86").glob("*.S")}
    assert set(EXPECTED) == {g.name for g in GUESTS}
    for g in GUESTS:
        assert g.description and g.elf.exists()
        assert g.source.read_text().startswith(f"# {g.name}: ")


@pytest.mark.parametrize("name", [g.name for g in GUESTS])
def test_guest_runs_to_its_exit_code(name):
    g = find(name)
    m, stop = run_guest(str(g.elf))
    assert m.console_output().decode() == EXPECTED[name]
    assert stop.kind is StopKind.EXIT and stop.code == g.exit_code


def test_guest_runs_are_deterministic():
    a = run_guest(str(find("long64").elf))
    b = run_guest(str(find("long64").elf))
    assert (a[1].icount, a[0].cpu.time()) == (b[1].icount, b[0].cpu.time())


def test_raw_rom_image_matches_the_elf():
    g = find("real16")
    assert g.bin.stat().st_size == 0x10000
    m_elf, s_elf = run_guest(str(g.elf))
    m_bin, s_bin = run_guest(str(g.bin))
    assert m_bin.image.kind == "rom" and m_elf.symbols["reset"] == 0xFFF0
    assert m_bin.console_output() == m_elf.console_output()
    assert (s_bin.kind, s_bin.code, s_bin.icount) == (s_elf.kind, s_elf.code, s_elf.icount)


@pytest.mark.skipif(not have_tools(), reason="GNU binutils (as, ld, objcopy) not installed")
def test_images_rebuild_identically(tmp_path):
    for g in GUESTS:
        for out in build(g, tmp_path):
            committed = g.source.parent / out.name
            assert out.read_bytes() == committed.read_bytes(), f"{out.name} differs from the " \
                "committed image: run `python3 -m guests.build` and commit the result"
