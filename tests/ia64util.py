"""Helpers for the IA-64 tests: GNU binutils for IA-64 (ia64-linux-gnu-as/-ld/-objdump)."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

AS, LD, OBJDUMP, OBJCOPY = (f"ia64-linux-gnu-{t}" for t in ("as", "ld", "objdump", "objcopy"))
HAVE_BINUTILS = all(shutil.which(t) for t in (AS, LD, OBJDUMP, OBJCOPY))
needs_binutils = pytest.mark.skipif(
    not HAVE_BINUTILS, reason="binutils-ia64-linux-gnu (ia64-linux-gnu-as/-objdump) not "
    "installed: `apt-get install binutils-ia64-linux-gnu`")
HERE = Path(__file__).resolve().parent / "ia64"


def assemble(source: str) -> tuple[bytes, list[list[str]]]:
    """Assemble IA-64 source (gas -xexplicit); return .text and objdump's lines per bundle."""
    with tempfile.TemporaryDirectory() as tmp:
        src, obj, binf = Path(tmp, "t.s"), Path(tmp, "t.o"), Path(tmp, "t.bin")
        src.write_text(source)
        r = subprocess.run([AS, "-xexplicit", "-o", str(obj), str(src)], capture_output=True,
                           text=True, check=False)
        if r.returncode:
            raise AssertionError(f"ia64-linux-gnu-as failed:\n{r.stderr}")
        subprocess.run([OBJCOPY, "-O", "binary", "-j", ".text", str(obj), str(binf)], check=True)
        dis = subprocess.run([OBJDUMP, "-d", str(obj)], capture_output=True, text=True,
                             check=True).stdout
        return binf.read_bytes(), objdump_bundles(dis)


def objdump_bundles(dis: str) -> list[list[str]]:
    """objdump -d output -> the instruction texts of each bundle."""
    bundles: list[list[str]] = []
    for line in dis.splitlines():
        if not re.match(r"^\s+[0-9a-f]+:\t", line):
            continue
        parts = line.split("\t")
        if len(parts) < 3 or not parts[2].strip():
            continue
        text = parts[2]
        if text.lstrip().startswith("["):
            bundles.append([text])
        elif bundles:
            bundles[-1].append(text)
    return bundles


def asm_bundles(body: str, base: int = 0x10000) -> bytes:
    """Assemble a snippet (`.text` is added), link it at `base` and return the code bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        src, obj, elf, binf = (Path(tmp, n) for n in ("t.s", "t.o", "t.elf", "t.bin"))
        src.write_text("\t.text\n" + body + "\n")
        for cmd in ([AS, "-xexplicit", "-o", str(obj), str(src)],
                    [LD, "-Ttext", hex(base), "-e", hex(base), "-o", str(elf), str(obj)],
                    [OBJCOPY, "-O", "binary", "-j", ".text", str(elf), str(binf)]):
            r = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if r.returncode:
                raise AssertionError(f"{cmd[0]} failed:\n{r.stderr}")
        return binf.read_bytes()


CODE, DATA, IVA = 0x10000, 0x80000, 0x40000


def make_cpu(code: bytes, ram_mib: int = 4):
    """An IA-64 CPU in physical mode with `code` at CODE, IVA at IVA and a breakpoint on
    every IVT entry, so a run stops at the first interruption (see run_until_vector)."""
    from machine.ia64.cpu import IA64CPU
    from machine.ia64.faults import VECTOR_NAMES
    from machine.memory import Bus
    bus = Bus(ram_mib << 20)
    cpu = IA64CPU(bus)
    bus.load(CODE, code)
    cpu.ip = CODE
    cpu.cr[2] = IVA
    cpu.breakpoints = {IVA + v for v in VECTOR_NAMES}
    return cpu


def run_asm(body: str, limit: int = 10_000, setup=None):
    """Assemble `body` (bundles; ends with break.m 0 by convention), run it from CODE until an
    interruption vector is reached; return (cpu, vector offset or None)."""
    cpu = make_cpu(asm_bundles(body))
    if setup is not None:
        setup(cpu)
    return cpu, run_until_vector(cpu, limit)


def run_until_vector(cpu, limit: int = 10_000):
    r = cpu.run(cpu.icount + limit)
    if r == "break":
        return cpu.ip - IVA
    return None


def cli_run(argv: list[str]) -> tuple[int, str]:
    """vtdbg's command line in-process: (exit status, what it wrote to stdout, which the CLI
    writes as bytes through sys.stdout.buffer)."""
    import io
    import sys

    from vtdbg.cli import main
    buf = io.BytesIO()

    class Out:
        buffer = buf

        def write(self, s):
            buf.write(s.encode())

        def flush(self):
            pass
    old, sys.stdout = sys.stdout, Out()
    try:
        status = main(argv)
    finally:
        sys.stdout = old
    return status, buf.getvalue().decode()
