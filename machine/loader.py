"""Guest images: ELF32/ELF64 (pyelftools) and raw images, with symbols and the start state.

- ELF64 (x86-64): PT_LOAD segments go to physical memory at p_paddr; the CPU starts at
  e_entry in 64-bit mode with the first 4 GiB identity-mapped by 2 MiB pages.
- ELF32 (i386): the same loading; the CPU starts at e_entry in flat 32-bit protected mode,
  paging off.
- An ELF whose segments all lie in the top megabyte below 4 GiB is a ROM (see below).
- A raw image with a load address: copied to RAM there and started in real mode, CS:IP =
  0000:address when address < 64 KiB, else (address >> 4):(address & 0xF); SS:SP = 0000:FFFE.
- A raw image without a load address is a ROM: mapped read-only at the top of the 4 GiB space,
  its last 128 KiB (or all of it, when smaller) aliased below 1 MiB (a 64 KiB ROM appears at
  0xF0000-0xFFFFF), and the CPU starts from the architectural reset state, F000:FFF0 with CS
  base 0xFFFF0000, i.e. at the ROM's last 16 bytes.

The loader's own data for ELF guests (the "loader area") starts at the first 4 KiB boundary
above the highest loaded byte: one page with the GDT (the selectors of machine/x86/boot.py),
for ELF64 six pages of page tables, then a 16 KiB default stack. The stack pointer is the
symbol `_stack_top` when the ELF defines it, else the top of that default stack.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from .memory import Rom
from .x86 import boot

PAGE = 0x1000
DEFAULT_STACK = 0x4000
ROM_WINDOW = 0xFFF00000            # ELF segments at or above this are ROM
ALIAS_MAX = 0x20000                # how much of a ROM appears below 1 MiB
FOUR_GIB = 1 << 32


class LoadError(Exception):
    """A guest image that cannot be loaded; str(e) is a one-line reason."""


@dataclass
class Image:
    name: str
    kind: str                       # "elf64", "elf32", "rom", "raw"
    entry: int                      # linear address where execution starts
    mode: str                       # "long64", "prot32", "real", "reset"
    stack: int = 0
    symbols: dict[str, int] = field(default_factory=dict)
    segments: list[tuple[int, int]] = field(default_factory=list)   # (paddr, memsz)
    loader_area: tuple[int, int] | None = None                       # [start, end)


def _align(v: int, a: int = PAGE) -> int:
    return (v + a - 1) & ~(a - 1)


def load_file(cpu, bus, path: str, address: int | None = None) -> Image:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as e:
        raise LoadError(f"{path}: {e.strerror or e}") from None
    return load_bytes(cpu, bus, data, address=address, name=path)


def load_bytes(cpu, bus, data: bytes, address: int | None = None, name: str = "image") -> Image:
    if data[:4] == b"\x7fELF":
        if address is not None:
            raise LoadError(f"{name}: a load address applies to raw images, not ELF files")
        return _load_elf(cpu, bus, data, name)
    if not data:
        raise LoadError(f"{name}: empty image")
    if address is None:
        return _load_rom(cpu, bus, data, name)
    return _load_raw(cpu, bus, data, address, name)


# -- ELF ----------------------------------------------------------------------------------
def _load_elf(cpu, bus, data: bytes, name: str) -> Image:
    try:
        elf = ELFFile(io.BytesIO(data))
        machine, etype = elf["e_machine"], elf["e_type"]
        segs = [(s["p_paddr"], s["p_filesz"], s["p_memsz"], s.data())
                for s in elf.iter_segments() if s["p_type"] == "PT_LOAD" and s["p_memsz"]]
        symbols = _symbols(elf)
        entry = elf["e_entry"]
        elfclass = elf.elfclass
    except (ELFError, ValueError, KeyError, OSError, AssertionError) as e:
        raise LoadError(f"{name}: not a valid ELF file ({e})") from None
    except Exception as e:
        raise LoadError(f"{name}: truncated or corrupt ELF file ({type(e).__name__})") from None
    want = {32: "EM_386", 64: "EM_X86_64"}[elfclass]
    if machine != want:
        raise LoadError(f"{name}: ELF{elfclass} for {machine}, expected {want}")
    if etype != "ET_EXEC":
        raise LoadError(f"{name}: {etype} ELF; link the guest as an executable (ET_EXEC)")
    if not segs:
        raise LoadError(f"{name}: no loadable segments")
    for paddr, filesz, memsz, body in segs:
        if len(body) < filesz:
            raise LoadError(f"{name}: segment at {paddr:#x} is truncated")
        if filesz > memsz:
            raise LoadError(f"{name}: segment at {paddr:#x} has more file bytes than memory")
    if all(p >= ROM_WINDOW for p, *_ in segs):
        return _load_elf_rom(cpu, bus, segs, symbols, name)
    top = 0
    for paddr, filesz, memsz, _ in segs:
        if paddr + memsz > bus.ram_size:
            raise LoadError(f"{name}: segment at {paddr:#x}-{paddr + memsz:#x} does not fit in "
                            f"{bus.ram_size >> 20} MiB of RAM")
        top = max(top, paddr + memsz)
    area = _align(top)
    end = area + PAGE + (6 * PAGE if elfclass == 64 else 0) + DEFAULT_STACK
    if end > bus.ram_size:
        raise LoadError(f"{name}: no room above the image for the loader's tables and stack "
                        f"(needs up to {end:#x}; RAM is {bus.ram_size >> 20} MiB)")
    for paddr, filesz, memsz, body in segs:
        bus.load(paddr, bytes(body[:filesz]) + bytes(memsz - filesz))
    sp = symbols.get("_stack_top", end)
    if elfclass == 64:
        if entry >= FOUR_GIB:
            raise LoadError(f"{name}: entry {entry:#x} is outside the identity-mapped 4 GiB")
        boot.enter_long64(cpu, bus, entry, sp, pt_base=area + PAGE, gdt_base=area)
        kind, mode = "elf64", "long64"
    else:
        boot.enter_flat32(cpu, bus, entry, sp, gdt_base=area)
        kind, mode = "elf32", "prot32"
    return Image(name, kind, entry, mode, sp, symbols,
                 [(p, m) for p, _, m, _ in segs], (area, end))


def _symbols(elf) -> dict[str, int]:
    tab = elf.get_section_by_name(".symtab")
    out: dict[str, int] = {}
    if tab is None:
        return out
    for sym in tab.iter_symbols():
        if sym.name and sym["st_info"]["type"] in ("STT_NOTYPE", "STT_FUNC", "STT_OBJECT") \
                and sym["st_shndx"] != "SHN_UNDEF":
            out[sym.name] = sym["st_value"]
    return out


def _load_elf_rom(cpu, bus, segs, symbols, name) -> Image:
    base = min(p for p, *_ in segs) & ~0xFFFF
    rom = bytearray(b"\xff" * (FOUR_GIB - base))
    for paddr, filesz, memsz, body in segs:
        if memsz > filesz or paddr + memsz > FOUR_GIB:
            raise LoadError(f"{name}: ROM segment at {paddr:#x} has uninitialised data or "
                            "runs past 4 GiB")
        rom[paddr - base:paddr - base + filesz] = body[:filesz]
    img = _load_rom(cpu, bus, bytes(rom), name)
    img.symbols = symbols
    return img


# -- raw images ---------------------------------------------------------------------------
def map_rom(bus, data: bytes) -> None:
    """Map a ROM at the top of 4 GiB and alias its last (up to) 128 KiB below 1 MiB."""
    size = len(data)
    bus.map_region(FOUR_GIB - size, size, Rom(data))
    alias = min(size, ALIAS_MAX)
    bus.map_region(0x100000 - alias, alias, Rom(data[-alias:]))


def _load_rom(cpu, bus, data: bytes, name: str) -> Image:
    size = len(data)
    if size % 16 or size < 16 or size > 16 << 20:
        raise LoadError(f"{name}: a ROM image must be a multiple of 16 bytes, 16 B to 16 MiB "
                        f"(this one is {size} bytes); give a load address for a RAM image")
    map_rom(bus, data)
    cpu.reset()
    return Image(name, "rom", 0xFFFFFFF0, "reset", 0, {},
                 [(FOUR_GIB - size, size), (0x100000 - min(size, ALIAS_MAX), min(size, ALIAS_MAX))])


def _load_raw(cpu, bus, data: bytes, address: int, name: str) -> Image:
    if address < 0 or address + len(data) > min(bus.ram_size, 0x110000):
        raise LoadError(f"{name}: {len(data)} bytes at {address:#x} do not fit in the real-mode "
                        "address space")
    bus.load(address, data)
    if address < 0x10000:
        cs, ip = 0, address
    else:
        cs, ip = address >> 4, address & 0xF
    boot.enter_real(cpu, cs, ip, 0xFFFE)
    return Image(name, "raw", address, "real", 0xFFFE, {}, [(address, len(data))])
