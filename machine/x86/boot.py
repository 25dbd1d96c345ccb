"""Start states for guests: real mode, flat 32-bit protected mode, 64-bit mode with identity
paging. Used by the loader and by tests; each builds the tables a real boot loader would."""
from __future__ import annotations

from .state import CS, DS, ES, FS, GS, SS, Seg

FLAT_CODE32, FLAT_DATA, FLAT_CODE64 = 0xC09B, 0xC093, 0xA09B
# A GDT: null, 32-bit code (0x08), data (0x10), 64-bit code (0x18), 16-bit code (0x20),
# 16-bit data (0x28), ring-3 32-bit code (0x33), ring-3 data (0x3B), ring-3 64-bit code (0x43).
GDT = [
    0,
    0x00CF9B000000FFFF,
    0x00CF93000000FFFF,
    0x00AF9B000000FFFF,
    0x00009B000000FFFF,
    0x000093000000FFFF,
    0x00CFFB000000FFFF,
    0x00CFF3000000FFFF,
    0x00AFFB000000FFFF,
]


def write_gdt(bus, base: int) -> int:
    for i, d in enumerate(GDT):
        bus.write(base + 8 * i, 8, d)
    return len(GDT) * 8 - 1


def enter_real(cpu, cs: int, ip: int, sp: int = 0xFFFE) -> None:
    cpu.reset()
    cpu.segs = [Seg(0, 0, 0xFFFF, 0x93) for _ in range(6)]
    cpu.segs[CS] = Seg(cs, cs << 4, 0xFFFF, 0x93)
    cpu.gdtr[:] = [0, 0xFFFF]
    cpu.idtr[:] = [0, 0x3FF]
    cpu.rip = ip
    cpu.regs[4] = sp
    cpu.update_mode()


def enter_flat32(cpu, bus, entry: int, sp: int, gdt_base: int = 0x500) -> None:
    cpu.reset()
    limit = write_gdt(bus, gdt_base)
    cpu.gdtr[:] = [gdt_base, limit]
    cpu.idtr[:] = [0, 0]
    cpu.cr0 = 0x60000011
    cpu.segs = [Seg(0x10, 0, 0xFFFFFFFF, FLAT_DATA) for _ in range(6)]
    cpu.segs[CS] = Seg(0x08, 0, 0xFFFFFFFF, FLAT_CODE32)
    cpu.tr = Seg(0, 0, 0xFFFF, 0x8B)
    cpu.rip = entry
    cpu.regs[4] = sp
    cpu.flush_tlb()
    cpu.update_mode()


def identity_map_64(bus, pt_base: int, gib: int = 4) -> int:
    """PML4 -> one PDPT -> `gib` page directories of 2 MiB pages, identity-mapping the first
    `gib` GiB (writable, supervisor). Returns the CR3 value; uses (2 + gib) pages."""
    pml4, pdpt = pt_base, pt_base + 0x1000
    bus.write(pml4, 8, pdpt | 0x3)
    for g in range(gib):
        pd = pt_base + 0x2000 + g * 0x1000
        bus.write(pdpt + 8 * g, 8, pd | 0x3)
        for i in range(512):
            bus.write(pd + 8 * i, 8, ((g << 30) | (i << 21)) | 0x83)
    return pml4


def enter_long64(cpu, bus, entry: int, sp: int, pt_base: int = 0x10000,
                 gdt_base: int = 0x500) -> None:
    cpu.reset()
    limit = write_gdt(bus, gdt_base)
    cpu.gdtr[:] = [gdt_base, limit]
    cpu.idtr[:] = [0, 0]
    cpu.cr3 = identity_map_64(bus, pt_base)
    cpu.cr4 = 0x20                           # PAE
    cpu.efer = 0x500                         # LME | LMA
    cpu.cr0 = 0x80000011
    cpu.segs = [Seg(0x10, 0, 0xFFFFFFFF, FLAT_DATA) for _ in range(6)]
    for s in (ES, DS, SS, FS, GS):
        cpu.segs[s] = Seg(0x10, 0, 0xFFFFFFFF, FLAT_DATA)
    cpu.segs[CS] = Seg(0x18, 0, 0xFFFFFFFF, FLAT_CODE64)
    cpu.tr = Seg(0, 0, 0xFFFF, 0x8B)
    cpu.rip = entry
    cpu.regs[4] = sp
    cpu.flush_tlb()
    cpu.update_mode()
