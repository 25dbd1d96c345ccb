"""Helpers for x86 tests: assemble with GNU as, and start a CPU in a chosen mode."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from machine.memory import Bus
from machine.x86 import boot
from machine.x86.cpu import X86CPU

HAVE_AS = shutil.which("as") is not None and shutil.which("objcopy") is not None
CODE = 0x1000          # where test code is placed
DATA = 0x8000          # a data page tests may use
STACK = 0x7000         # initial stack pointer (grows down, below DATA)


def asm(src: str, bits: int, origin: int = CODE) -> bytes:
    """Assemble Intel-syntax source for a code size (16/32/64) into flat bytes at origin."""
    with tempfile.TemporaryDirectory() as t:
        s, o, b = (os.path.join(t, n) for n in ("t.s", "t.o", "t.bin"))
        with open(s, "w") as fh:
            fh.write(f".intel_syntax noprefix\n.code{bits}\n.org 0\n{src}\n")
        subprocess.run(["as", "--64" if bits == 64 else "--32", "-o", o, s], check=True,
                       capture_output=True)
        subprocess.run(["ld", "-m", "elf_x86_64" if bits == 64 else "elf_i386", "-Ttext",
                        hex(origin), "--oformat", "binary", "-e", hex(origin), "-o", b, o],
                       check=True, capture_output=True)
        with open(b, "rb") as fh:
            return fh.read()


def make_cpu(mode: str, code: bytes = b"", ram: int = 16 << 20):
    """A CPU + bus in 'real', 'prot32' or 'long64' mode with code at CODE."""
    bus = Bus(ram)
    cpu = X86CPU(bus)
    if mode == "real":
        boot.enter_real(cpu, 0, CODE, STACK)
    elif mode == "prot32":
        boot.enter_flat32(cpu, bus, CODE, STACK)
    elif mode == "long64":
        boot.enter_long64(cpu, bus, CODE, STACK, pt_base=0x100000)
    else:
        raise ValueError(mode)
    bus.load(CODE, code)
    return cpu, bus


def run_code(mode: str, src: str, limit: int = 100000):
    """Assemble src for the mode, run until HLT or limit, return (cpu, bus, stop)."""
    bits = {"real": 16, "prot32": 32, "long64": 64}[mode]
    cpu, bus = make_cpu(mode, asm(src, bits))
    stop = cpu.run(limit)
    return cpu, bus, stop
