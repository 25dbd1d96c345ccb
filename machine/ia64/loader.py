"""IA-64 ELF images (ELF64, EM_IA_64, executables) with their symbols, and the start state.

PT_LOAD segments go to physical memory at p_paddr.  The CPU starts at e_entry in physical
mode (PSR.it/dt/rt = 0), cpl 0, PSR.ic = 1, bank 1, with an empty register frame and:
    r1  = __gp if the image defines it (the global pointer)
    r8  = the PAL_PROC entry point, r9 = the UART base, r10 = the exit device
          (both as uncacheable addresses, bit 63 set)
    r12 = _stack_top if defined, else the top of a 64 KiB stack the loader reserves
    ar.bspstore = _rbs_base if defined, else a 64 KiB register backing store above that stack
    ar.rsc = 0 (enforced lazy mode)
The loader's area starts at the first 64 KiB boundary above the highest loaded byte.
"""
from __future__ import annotations

import io

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from ..loader import Image, LoadError, _symbols
from .pal import PAL_ENTRY

AREA_ALIGN, STACK, RBS = 0x10000, 0x10000, 0x10000
UC = 1 << 63


def load_ia64(cpu, bus, data: bytes, name: str = "image") -> Image:
    if getattr(cpu, "arch", None) != "ia64":
        raise LoadError(f"{name}: an IA-64 image needs the IA-64 board")
    try:
        elf = ELFFile(io.BytesIO(data))
        machine, etype, cls = elf["e_machine"], elf["e_type"], elf.elfclass
        segs = [(s["p_paddr"], s["p_filesz"], s["p_memsz"], s.data())
                for s in elf.iter_segments() if s["p_type"] == "PT_LOAD" and s["p_memsz"]]
        symbols = _symbols(elf)
        entry = elf["e_entry"]
    except (ELFError, ValueError, KeyError, OSError, AssertionError) as e:
        raise LoadError(f"{name}: not a valid ELF file ({e})") from None
    except Exception as e:  # noqa: BLE001 - pyelftools raises many kinds on corrupt input
        raise LoadError(f"{name}: truncated or corrupt ELF file ({type(e).__name__})") from None
    if machine != "EM_IA_64" or cls != 64:
        raise LoadError(f"{name}: ELF{cls} for {machine}, expected ELF64 EM_IA_64")
    if etype != "ET_EXEC":
        raise LoadError(f"{name}: {etype} ELF; link the guest as an executable (ET_EXEC)")
    if not segs:
        raise LoadError(f"{name}: no loadable segments")
    top = 0
    for paddr, filesz, memsz, body in segs:
        if len(body) < filesz or filesz > memsz:
            raise LoadError(f"{name}: segment at {paddr:#x} is truncated or inconsistent")
        if paddr + memsz > bus.ram_size:
            raise LoadError(f"{name}: segment at {paddr:#x}-{paddr + memsz:#x} does not fit in "
                            f"{bus.ram_size >> 20} MiB of RAM")
        top = max(top, paddr + memsz)
    area = (top + AREA_ALIGN - 1) & ~(AREA_ALIGN - 1)
    end = area + STACK + RBS
    if end > bus.ram_size:
        raise LoadError(f"{name}: no room above the image for the stack and backing store")
    cpu.reset()
    for paddr, filesz, memsz, body in segs:
        bus.load(paddr, bytes(body[:filesz]) + bytes(memsz - filesz))
    from .board import EXIT_BASE, UART_BASE
    sp = symbols.get("_stack_top", area + STACK - 16)
    cpu.gr[1] = symbols.get("__gp", 0)
    cpu.gr[8], cpu.gr[9], cpu.gr[10] = PAL_ENTRY, UC | UART_BASE, UC | EXIT_BASE
    cpu.gr[12] = sp
    cpu.ar[18] = symbols.get("_rbs_base", area + STACK)
    cpu.ar[16] = 0
    cpu.ip = entry & ~0xF
    return Image(name, "elf64-ia64", entry, "ia64-physical", sp, symbols,
                 [(p, m) for p, _, m, _ in segs], (area, end))


def is_ia64_elf(data: bytes) -> bool:
    """Does this look like an IA-64 ELF (e_machine 50)?"""
    return len(data) >= 20 and data[:4] == b"\x7fELF" and data[4] == 2 and \
        int.from_bytes(data[18:20], "little") == 50
