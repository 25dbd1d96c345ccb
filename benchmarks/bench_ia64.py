"""Instructions per second of the IA-64 model on three loops (built with the in-house encoder,
so no binutils are needed):

- alu:    a counted loop of integer ALU work (add, shladd, xor, extr.u, cmp) and br.cloop;
- memory: ld8/st8 with post-increment over a 4 KiB buffer, fetchadd every turn;
- calls:  br.call/br.ret with alloc, 40 frames deep (register stack spills and fills).

    python3 benchmarks/bench_ia64.py [--turns N]

Each line: instructions retired, seconds, instructions per second.  Time on the machine is
measured by the host clock here only (the model never reads it).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine.ia64.cpu import IA64CPU
from machine.ia64.encode import encode_bundle
from machine.memory import Bus

CODE = 0x10000
LOOPS = {
    "alu": [
        ["[MII] mov r1=0x0", "mov r9={n};;", "mov.i ar.lc=r9;;"],
        ["[MII] add r1=r1,r2", "shladd r3=r2,2,r1", "xor r4=r3,r1;;"],
        ["[MII] adds r2=1,r2", "extr.u r5=r4,3,9", "cmp.eq p6,p7=r5,r1;;"],
        ["[MIB] (p06) add r6=r6,r0,1", "nop.i 0x0", "br.cloop.sptk.few 0x10010;;"],
        ["[MMI] break.m 0x1", "nop.m 0x0", "nop.i 0x0;;"],
    ],
    "memory": [
        ["[MII] mov r1=0x20000", "mov r9={n};;", "mov.i ar.lc=r9;;"],
        ["[MII] mov r7=r1", "mov r3=0x200", "nop.i 0x0;;"],
        ["[MMI] ld8 r4=[r7]", "nop.m 0x0", "add r2=r2,r3;;"],
        ["[MMI] st8 [r7]=r2,8", "fetchadd8.acq r5=[r1],1", "adds r3=-1,r3;;"],
        ["[MIB] cmp.eq p0,p6=r3,r0", "nop.i 0x0", "(p06) br.cond.sptk.few 0x10020;;"],
        ["[MIB] nop.m 0x0", "nop.i 0x0", "br.cloop.sptk.few 0x10010;;"],
        ["[MMI] break.m 0x1", "nop.m 0x0", "nop.i 0x0;;"],
    ],
    "calls": [
        ["[MII] alloc r32=ar.pfs,3,2,0", "mov r9={n};;", "mov.i ar.lc=r9;;"],
        ["[MIB] mov r34=0x28", "nop.i 0x0", "br.call.sptk.many b0=0x10040;;"],
        ["[MIB] nop.m 0x0", "nop.i 0x0", "br.cloop.sptk.few 0x10010;;"],
        ["[MMI] break.m 0x1", "nop.m 0x0", "nop.i 0x0;;"],
        ["[MII] alloc r33=ar.pfs,20,19,0", "mov r34=b0", "cmp.eq p6,p7=0x0,r32;;"],
        ["[MIB] adds r51=-1,r32", "nop.i 0x0", "(p06) br.cond.dpnt.few 0x10070;;"],
        ["[MIB] nop.m 0x0", "nop.i 0x0", "br.call.sptk.many b0=0x10040;;"],
        ["[MII] nop.m 0x0", "mov.i ar.pfs=r33", "mov b0=r34;;"],
        ["[MIB] nop.m 0x0", "nop.i 0x0", "br.ret.sptk.many b0;;"],
    ],
}


def build(name: str, turns: int) -> bytes:
    out = b""
    for i, lines in enumerate(LOOPS[name]):
        out += encode_bundle([ln.format(n=turns) for ln in lines], CODE + 16 * i)
    return out


def measure(name: str, turns: int) -> tuple[int, float]:
    bus = Bus(4 << 20)
    cpu = IA64CPU(bus)
    bus.load(CODE, build(name, turns))
    cpu.ip = CODE
    cpu.cr[2] = 0x40000
    cpu.ar[18] = 0x100000
    cpu.breakpoints = {0x40000 + 0x2C00}
    t = time.perf_counter()
    r = cpu.run(1 << 40)
    dt = time.perf_counter() - t
    assert r == "break" and cpu.cr[24] == 1, (name, r, hex(cpu.cr[17]))
    return cpu.icount, dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--turns", type=int, default=20000)
    a = ap.parse_args()
    for name in LOOPS:
        turns = {"alu": a.turns, "memory": max(1, a.turns // 100),
                 "calls": max(1, a.turns // 80)}[name]
        n, dt = measure(name, turns)
        print(f"{name:8} {n:>10,} instructions  {dt:6.2f} s  {n / dt / 1e6:5.2f} M instr/s")


if __name__ == "__main__":
    main()
