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


def asm_bundles(body: str) -> bytes:
    """Assemble a snippet of bundles (`.text` is added) and return the code bytes."""
    return assemble("\t.text\n" + body + "\n")[0]
