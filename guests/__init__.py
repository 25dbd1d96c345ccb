"""The bundled guests: small programs that run on the machine model.

Sources (GNU as, Intel syntax) and linker scripts live in guests/x86/; guests/build.py turns
them into the committed images. This table is what `vtdbg guests` lists.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Guest:
    name: str
    bits: int                  # code size of the source: picks `as --32/--64` and `ld -m`
    script: str                # linker script in guests/x86/
    description: str
    exit_code: int = 0         # what the guest writes to the exit port when all went well
    rom: bool = False          # also emit <name>.bin, the raw 64 KiB ROM image
    embeds: str | None = None  # another guest whose raw image (and symbols) this one carries

    @property
    def source(self) -> Path:
        return ROOT / "x86" / f"{self.name}.S"

    @property
    def elf(self) -> Path:
        return ROOT / "x86" / f"{self.name}.elf"

    @property
    def bin(self) -> Path:
        return ROOT / "x86" / f"{self.name}.bin"


GUESTS = [
    Guest("hello", 64, "elf64.ld",
          "64-bit: greets on the serial port and exits with code 0"),
    Guest("real16", 16, "rom16.ld",
          "real mode ROM from reset: IVT, INT 0x30, PIT timer interrupts through the PIC",
          rom=True),
    Guest("prot32", 32, "elf32.ld",
          "32-bit: GDT/IDT/TSS, paging, ring 3 via IRET, INT 0x80 system calls, a page fault"),
    Guest("long64", 64, "elf64.ld",
          "64-bit: IDT, ring 3 via SYSRET, SYSCALL and INT back, PIT timer interrupts"),
    Guest("guestos", 32, "guestos.ld",
          "32-bit kernel that minivmm runs (CPUID, paging, MSRs, I/O, timer, MMIO, #PF, ring 3); "
          "on bare metal it skips the hypervisor's parts"),
    Guest("minivmm", 64, "minivmm.ld",
          "VT-x hypervisor: runs guestos under EPT and shows every kind of VM exit it handles",
          embeds="guestos"),
]


def find(name: str) -> Guest | None:
    for g in GUESTS:
        if g.name == name:
            return g
    return None
