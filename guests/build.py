"""Build the bundled guests with GNU binutils (as, ld, objcopy).

    python3 -m guests.build [--out DIR] [NAME ...]

Without --out the images are written next to their sources (guests/x86/), which is how the
committed images are made. The output is reproducible: sources are assembled from their own
directory (the file symbol is the bare file name), ld writes no build ID, and nothing
depends on time or paths.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):                 # run as a script: make `guests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guests import GUESTS, IA64_GUESTS, ROOT, Guest

TOOLS = ("as", "ld", "objcopy")
IA64_TOOLS = ("ia64-linux-gnu-as", "ia64-linux-gnu-ld")     # Debian binutils-ia64-linux-gnu


def have_tools() -> bool:
    return all(shutil.which(t) for t in TOOLS)


def have_ia64_tools() -> bool:
    return all(shutil.which(t) for t in IA64_TOOLS)


def build_ia64(guest: Guest, out_dir: Path) -> list[Path]:
    """Assemble (gas -xexplicit: dependency violations are checked) and link an IA-64 guest."""
    src_dir = guest.source.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    elf = out_dir / guest.elf.name
    with tempfile.TemporaryDirectory() as tmp:
        obj = Path(tmp) / f"{guest.source.stem}.o"
        _run([IA64_TOOLS[0], "-xexplicit", "-o", str(obj), guest.source.name], src_dir)
        _run([IA64_TOOLS[1], "-nostdlib", "--build-id=none", "--no-warn-rwx-segments",
              "-z", "max-page-size=0x1000", "-T",
              guest.script, "-o", str(elf), str(obj)], src_dir)
    return [elf]


def _run(cmd: list[str], cwd: Path) -> None:
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if r.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr.strip()}")


def embedded_symbols(elf: Path, prefix: str) -> str:
    """A linker script defining `prefix + name` for each symbol of an embedded guest's ELF, so
    the outer image carries the inner one's symbols (ld cannot read an ELF32 file's symbols
    into an ELF64 link with --just-symbols)."""
    from elftools.elf.elffile import ELFFile
    with open(elf, "rb") as fh:
        tab = ELFFile(fh).get_section_by_name(".symtab")
        syms = {s.name: s["st_value"] for s in (tab.iter_symbols() if tab else ())
                if s.name and s["st_info"]["type"] in ("STT_NOTYPE", "STT_FUNC", "STT_OBJECT")
                and s["st_shndx"] != "SHN_UNDEF"}
    return "".join(f"{prefix}{n} = {v:#x};\n" for n, v in sorted(syms.items()))


def vmx_scenarios() -> list[Guest]:
    """The VMX conformance suite: each x86/vmxtests/NAME.S (they include lib.inc) is the guest
    `vmxtests/NAME`, built to x86/vmxtests/NAME.elf. `python3 -m guests.build vmxtests` builds
    them all."""
    out = []
    for src in sorted((ROOT / "x86" / "vmxtests").glob("*.S")):
        first = src.read_text().split("\n", 1)[0]
        out.append(Guest(f"vmxtests/{src.stem}", 64, "../elf64.ld",
                         first.split(":", 1)[-1].strip()))
    return out


def vti_programs() -> list[Guest]:
    """The VT-i conformance suite: each ia64/vtitests/NAME.S (they include vtilib.inc) is the
    IA-64 guest `vtitests/NAME`, built to ia64/vtitests/NAME.elf. `python3 -m guests.build
    vtitests` builds them all."""
    out = []
    for src in sorted((ROOT / "ia64" / "vtitests").glob("*.S")):
        first = src.read_text().split("\n", 1)[0]
        out.append(Guest(f"vtitests/{src.stem}", 64, "../ia64.ld",
                         first.split(":", 1)[-1].strip(), arch="ia64"))
    return out


def build(guest: Guest, out_dir: Path) -> list[Path]:
    """Assemble and link one guest into out_dir; return the files written.

    A guest that embeds another (minivmm carries guestos) gets, in its build directory, the
    inner guest's raw image `<inner>.bin` for `.incbin` and its symbols with the prefix
    `<inner>_`."""
    if guest.arch == "ia64":
        return build_ia64(guest, out_dir)
    src_dir = guest.source.parent
    elf = out_dir / guest.elf.relative_to(ROOT / "x86")     # vmxtests/NAME.elf for a scenario
    elf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        obj = Path(tmp) / f"{guest.source.stem}.o"
        extra_as, extra_ld = [], []
        if guest.embeds:
            from guests import find
            inner = find(guest.embeds)
            inner_elf = build(inner, Path(tmp))[0]
            _run(["objcopy", "-O", "binary", str(inner_elf), f"{inner.name}.bin"], Path(tmp))
            syms = Path(tmp) / f"{inner.name}.syms.ld"
            syms.write_text(embedded_symbols(inner_elf, f"{inner.name}_"))
            extra_as, extra_ld = ["-I", tmp], [str(syms)]
        _run(["as", "--64" if guest.bits == 64 else "--32", *extra_as, "-o", str(obj),
              guest.source.name], src_dir)
        _run(["ld", "-m", "elf_x86_64" if guest.bits == 64 else "elf_i386", "-nostdlib",
              "--build-id=none", "-T", guest.script, "-o", str(elf), str(obj), *extra_ld],
             src_dir)
    out = [elf]
    if guest.rom:
        _run(["objcopy", "-O", "binary", str(elf), str(out_dir / guest.bin.name)], src_dir)
        out.append(out_dir / guest.bin.name)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m guests.build", description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("names", nargs="*")
    a = ap.parse_args(argv)
    if not have_tools():
        print("guests.build: needs GNU as, ld and objcopy", file=sys.stderr)
        return 2
    from guests.vmxinc import write
    write()                                   # x86/vmx.inc, from the model's VMX tables
    todo = [g for g in GUESTS + vmx_scenarios() if not a.names or g.name in a.names
            or (g.name.startswith("vmxtests/") and "vmxtests" in a.names)]
    for g in todo:
        for p in build(g, a.out or ROOT / "x86"):
            print(p)
    ia64 = [g for g in IA64_GUESTS + vti_programs() if not a.names or g.name in a.names
            or f"ia64/{g.name}" in a.names
            or (g.name.startswith("vtitests/") and "vtitests" in a.names)]
    if ia64 and not have_ia64_tools():
        print("guests.build: IA-64 guests skipped (needs binutils-ia64-linux-gnu)",
              file=sys.stderr)
        ia64 = []
    for g in ia64:
        out = a.out or ROOT / "ia64"
        if g.name.startswith("vtitests/"):
            out = out / "vtitests"
        for p in build(g, out):
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
