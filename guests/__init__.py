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
    arch: str = "x86"          # "x86" or "ia64": the directory and the binutils to build with

    @property
    def source(self) -> Path:
        return ROOT / self.arch / f"{self.name}.S"

    @property
    def elf(self) -> Path:
        return ROOT / self.arch / f"{self.name}.elf"

    @property
    def bin(self) -> Path:
        return ROOT / self.arch / f"{self.name}.bin"


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


# Itanium guests (guests/ia64/, built with binutils-ia64-linux-gnu; run on machine/ia64/board.py)
IA64_GUESTS = [
    Guest("hello", 64, "ia64.ld",
          "IA-64: greets on the serial console and exits with code 0", arch="ia64"),
    Guest("rse", 64, "ia64.ld",
          "IA-64: register stack engine: deep recursion with spills and fills, flushrs, "
          "br.ctop over rotating registers, a static PAL call", arch="ia64"),
    Guest("intr", 64, "ia64.ld",
          "IA-64: IVT, break handler with cover/rfi, interval-timer interrupts while halted in "
          "PAL_HALT_LIGHT", arch="ia64"),
    Guest("tlb", 64, "ia64.ld",
          "IA-64: virtual mode via TRs and rfi, Alternate Data TLB handler with itc.d, ptc.l, "
          "the VHPT walker, a stacked PAL call", arch="ia64"),
    Guest("vtivmm", 64, "ia64.ld",
          "IA-64 VT-i: a VMM (PAL_VP_*, VPS services) running a guest kernel at PSR.vm=1, "
          "emulating its virtualization faults (all 41 causes, bsw and probe included), "
          "vac phases, a virtual interrupt into the guest's IVT; per-cause summary",
          arch="ia64"),
]


def find(name: str) -> Guest | None:
    """A bundled guest by name ("hello") or by architecture and name ("ia64/hello")."""
    for g in GUESTS + IA64_GUESTS:
        if name in (g.name, f"{g.arch}/{g.name}"):
            return g
    return None
