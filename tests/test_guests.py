"""The bundled guests: each runs to its expected console output and exit code, the images are
what guests/build.py makes from the sources, and the table `vtdbg guests` lists is complete."""
from __future__ import annotations

import pytest

from guests import GUESTS, ROOT, find
from guests.build import build, have_tools
from machine.board import Machine
from machine.events import StopKind

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
