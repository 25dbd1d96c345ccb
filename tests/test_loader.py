"""The loader: ELF32/ELF64 start states, raw real-mode images, ROMs at the reset vector, and
clear errors for bad files. ELF files are made here byte by byte, so no binutils are needed."""
from __future__ import annotations

import struct

import pytest

from guests import find
from machine.board import Machine
from machine.events import StopKind
from machine.loader import LoadError, load_bytes
from machine.x86.state import CS, SS


def make_elf(bits: int, entry: int, segments, machine: int | None = None, etype: int = 2):
    """A minimal executable ELF: segments are (paddr, data, memsz); no section headers."""
    if machine is None:
        machine = 62 if bits == 64 else 3
    ehsize, phsize = (64, 56) if bits == 64 else (52, 32)
    off = ehsize + phsize * len(segments)
    phdrs, body = b"", b""
    for paddr, data, memsz in segments:
        if bits == 64:
            phdrs += struct.pack("<IIQQQQQQ", 1, 7, off + len(body), paddr, paddr, len(data),
                                 memsz, 0x1000)
        else:
            phdrs += struct.pack("<IIIIIIII", 1, off + len(body), paddr, paddr, len(data),
                                 memsz, 7, 0x1000)
        body += data
    ident = b"\x7fELF" + bytes([2 if bits == 64 else 1, 1, 1]) + bytes(9)
    if bits == 64:
        hdr = ident + struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, entry, ehsize, 0, 0,
                                  ehsize, phsize, len(segments), 64, 0, 0)
    else:
        hdr = ident + struct.pack("<HHIIIIIHHHHHH", etype, machine, 1, entry, ehsize, 0, 0,
                                  ehsize, phsize, len(segments), 40, 0, 0)
    return hdr + phdrs + body


EXIT_7 = bytes([0xB0, 0x07, 0xE6, 0xF4, 0xF4])          # mov al, 7; out 0xF4, al; hlt


def test_elf64_start_state_and_bss():
    m = Machine(ram_mib=8)
    m.bus.ram[0x200000:0x203000] = b"\xAA" * 0x3000
    img = m.load_bytes(make_elf(64, 0x200000, [(0x200000, EXIT_7, 0x2000)]), name="t64")
    cpu = m.cpu
    assert img.kind == "elf64" and cpu.mode_name == "64-bit" and cpu.rip == 0x200000
    assert m.bus.ram[0x200005:0x202000] == bytes(0x1FFB)                 # .bss zeroed
    area, end = img.loader_area
    assert area == 0x202000 and cpu.regs[4] == end == area + 0xB000     # default stack
    assert cpu.cr0 & 0x80000001 == 0x80000001 and cpu.cr3 == area + 0x1000
    assert cpu.segs[CS].sel == 0x18 and cpu.gdtr[0] == area
    stop = m.run(100)
    assert stop.kind is StopKind.EXIT and stop.code == 7 and stop.icount == 2


def test_elf64_identity_map_reaches_high_memory():
    m = Machine(ram_mib=8)
    m.load_bytes(make_elf(64, 0x1000, [(0x1000, EXIT_7, 5)]))
    # 2 MiB pages identity-map the first 4 GiB: a linear address maps to itself.
    assert m.cpu.translate(0x7FF123, 0) == 0x7FF123
    assert m.cpu.translate(0xFEE00000, 0) == 0xFEE00000


def test_elf32_start_state():
    m = Machine(ram_mib=4)
    img = m.load_bytes(make_elf(32, 0x100000, [(0x100000, EXIT_7, 16)]))
    cpu = m.cpu
    assert img.kind == "elf32" and cpu.mode_name == "protected 32-bit"
    assert cpu.rip == 0x100000 and not cpu.cr0 & 0x80000000
    assert cpu.segs[SS].sel == 0x10 and cpu.regs[4] == img.loader_area[1]
    assert m.run(100).code == 7


def test_stack_symbol_from_bundled_guest():
    m = Machine()
    img = m.load(str(find("hello").elf))
    assert img.symbols["_start"] == img.entry
    assert m.cpu.regs[4] == img.symbols["_stack_top"] == img.stack


def test_raw_image_real_mode_low_and_high():
    m = Machine(ram_mib=2)
    m.load_bytes(EXIT_7, address=0x7C00)
    assert m.cpu.mode_name == "real" and m.cpu.segs[CS].sel == 0 and m.cpu.rip == 0x7C00
    assert m.cpu.regs[4] == 0xFFFE
    assert m.run(10).code == 7
    m = Machine(ram_mib=2)
    m.load_bytes(EXIT_7, address=0x12345)
    assert (m.cpu.segs[CS].sel, m.cpu.segs[CS].base, m.cpu.rip) == (0x1234, 0x12340, 5)
    assert m.run(10).code == 7


def test_rom_at_reset_vector_with_alias():
    rom = bytearray(b"\xff" * 0x10000)
    rom[0xFFF0:0xFFF9] = bytes([0xB0, 0x52, 0xE6, 0xE9]) + EXIT_7   # mov al,'R'; out 0xE9,al
    m = Machine(ram_mib=2)
    img = m.load_bytes(bytes(rom))
    cpu = m.cpu
    assert img.kind == "rom" and cpu.rip == 0xFFF0
    assert cpu.segs[CS].sel == 0xF000 and cpu.segs[CS].base == 0xFFFF0000
    assert m.bus.read(0xFFFFFFF0, 4) == m.bus.read(0xFFFF0, 4) == 0xE9E652B0
    m.bus.write(0xFFFF0, 1, 0)                              # ROM: writes are ignored
    assert m.bus.read(0xFFFF0, 1) == 0xB0
    stop = m.run(100)
    assert stop.code == 7 and m.console_output() == b"R"


@pytest.mark.parametrize("data,address,msg", [
    (b"", None, "empty"),
    (b"\x7fELF\x02\x01\x01" + bytes(20), None, "ELF"),
    (make_elf(64, 0, [(0x1000, b"\x90", 1)], machine=40), None, "expected EM_X86_64"),
    (make_elf(32, 0, [(0x1000, b"\x90", 1)], etype=3), None, "ET_EXEC"),
    (make_elf(32, 0, [(0x3F0000, b"\x90", 0x20000)]), None, "does not fit"),
    (make_elf(32, 0, []), None, "no loadable"),
    (make_elf(32, 0, [(0x1000, b"\x90", 1)]), 0x1000, "raw images"),
    (b"\x90" * 17, None, "multiple of 16"),
    (b"\x90" * 100, 0x10FFF0, "do not fit"),
])
def test_bad_images_raise_load_error(data, address, msg):
    m = Machine(ram_mib=4)
    with pytest.raises(LoadError, match=msg) as e:
        load_bytes(m.cpu, m.bus, data, address=address, name="bad")
    assert "\n" not in str(e.value) and str(e.value).startswith("bad: ")


def test_missing_file_is_a_load_error(tmp_path):
    with pytest.raises(LoadError, match="No such file"):
        Machine(ram_mib=1).load(str(tmp_path / "nothing.elf"))


def test_truncated_elf_segment(tmp_path):
    data = make_elf(64, 0x1000, [(0x1000, b"\x90" * 64, 64)])[:-32]
    p = tmp_path / "cut.elf"
    p.write_bytes(data)
    with pytest.raises(LoadError):
        Machine(ram_mib=1).load(str(p))


def test_corrupted_images_load_or_raise_load_error():
    import random
    data = find("prot32").elf.read_bytes()
    m = Machine(ram_mib=4)
    rng = random.Random(2)
    for i in range(400):
        d = bytearray(data)
        if i < 100:
            d = d[:rng.randrange(4, len(d))]
        else:
            for _ in range(rng.randrange(1, 6)):
                d[rng.randrange(0, 200 if rng.random() < 0.7 else len(d))] = rng.randrange(256)
        try:
            load_bytes(m.cpu, m.bus, bytes(d), name="x")
        except LoadError as e:
            assert "\n" not in str(e)
